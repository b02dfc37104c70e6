"""Fixture projects per rule (tests/fixtures/rules/<code>[-<case>]/), against snapshots of whole findings.

Each folder is a small Flet app that triggers the rule it is named for (`FL001`, or `FL001-flet-all`
for one of several cases); `expected.json` holds every finding the check reports for it, whole:
code, package, where, message, chain, typed subject and fixes, so a change in any rule's reach or
wording shows up here. A `flet-index-down` file in a folder makes Flet's test index unreachable.
Regenerate after a deliberate change with FLETLINT_REGENERATE=1, then read the diff.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import check
from tests.support.index_server import LocalIndex

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rules"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


def _summary(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The findings as a person reads them, without absolute paths."""
    rows = []
    for f in findings:
        location = f["location"]
        where = f"{Path(location['path']).name}:{location['line']}" if location else None
        rows.append(
            {
                "code": f["code"],
                "package": f["package"],
                "where": where,
                "message": f["message"],
                "chain": [
                    link["requirement"]
                    + (
                        f" ({link['version']})"
                        if link.get("version") and "==" not in link["requirement"]
                        else ""
                    )
                    for link in f["chain"]
                ],
                "subject": f.get("subject"),
                "fixes": [f"{x['applicability']}: {x['title']}" for x in f["fixes"]],
            }
        )
    return sorted(rows, key=json.dumps)


@pytest.mark.parametrize("case", CASES)
def test_rule_fixture(
    case: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = FIXTURES / case
    app = tmp_path / case
    shutil.copytree(
        source,
        app,
        ignore=shutil.ignore_patterns("expected.json", "flet-index-down", "max-rounds"),
    )
    if (source / "flet-index-down").exists():
        flet_index.down()
    if (source / "max-rounds").exists():  # the resolver's budget for this case (FL007)
        monkeypatch.setenv("FLETLINT_MAX_ROUNDS", (source / "max-rounds").read_text().strip())
    run = check(capsys, app, pypi_index, flet_index, "--python-version", "3.12")
    text = run.out.replace(pypi_index.url, "<pypi>").replace(flet_index.url, "<flet>")
    got = _summary(json.loads(text)["findings"])
    expected_file = source / "expected.json"
    if os.environ.get("FLETLINT_REGENERATE"):
        expected_file.write_text(json.dumps(got, indent=1) + "\n")
    code = case.split("-")[0]
    assert code in {row["code"] for row in got}, f"{case} does not fire on its own fixture: {got}"
    assert got == json.loads(expected_file.read_text())
