"""One fixture project per rule (tests/fixtures/rules/<code>/), checked against its expected findings.

Each folder is a small Flet app that triggers the rule it is named for; `expected.json` lists every
finding the check reports for it (code, package, file, line), so a change in any rule's reach shows
up here. A `flet-index-down` file in a folder makes Flet's test index unreachable for that case.
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


def _summary(findings: list[dict[str, Any]]) -> list[list[Any]]:
    rows = []
    for f in findings:
        location = f["location"]
        path = Path(location["path"]).name if location else None
        rows.append([f["code"], f["package"], path, location["line"] if location else None])
    return sorted(rows, key=json.dumps)


@pytest.mark.parametrize("case", CASES)
def test_rule_fixture(
    case: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    source = FIXTURES / case
    app = tmp_path / case
    shutil.copytree(source, app, ignore=shutil.ignore_patterns("expected.json", "flet-index-down"))
    if (source / "flet-index-down").exists():
        flet_index.down()
    run = check(capsys, app, pypi_index, flet_index, "--python-version", "3.12")
    got = _summary(run.json()["findings"])
    expected_file = source / "expected.json"
    if os.environ.get("FLETLINT_REGENERATE"):
        expected_file.write_text(json.dumps(got, indent=1) + "\n")
    assert case in {row[0] for row in got}, f"{case} does not fire on its own fixture: {got}"
    assert got == json.loads(expected_file.read_text())
