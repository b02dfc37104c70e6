"""`--format sarif` and `--format github`, and docs/rules.md kept in step with the rules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fletlint.linter.rules import RULES
from fletlint.report.github import escape_data, escape_property
from tests.cli.helpers import check, project
from tests.support.index_server import LocalIndex

REPO = Path(__file__).resolve().parents[2]
ARGS = ("--python-version", "3.12", "--target", "android_24_arm64_v8a")


def test_sarif_has_rules_results_and_relative_regions(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    app = project(tmp_path, "# app\npydantic==2.12.5\nonlysdist==1.0.0\n")
    run = check(capsys, app, pypi_index, flet_index, *ARGS, fmt="sarif")
    assert run.code == 1
    sarif = json.loads(run.out)
    assert sarif["version"] == "2.1.0"
    (result_run,) = sarif["runs"]
    driver = result_run["tool"]["driver"]
    assert driver["name"] == "fletlint"
    rules = {r["id"]: r for r in driver["rules"]}
    assert set(rules) == set(RULES)
    fl001 = rules["FL001"]
    assert fl001["name"] == "missing-phone-wheel"
    assert fl001["shortDescription"]["text"] == RULES["FL001"].summary
    assert fl001["fullDescription"]["text"].startswith("Finds the packages that fail")
    assert "## How to fix" in fl001["help"]["markdown"]
    assert fl001["helpUri"] == "https://github.com/fletlint/fletlint/blob/main/docs/rules.md#fl001"
    assert fl001["defaultConfiguration"]["level"] == "error"

    by_rule = {r["ruleId"]: r for r in result_run["results"]}
    error = by_rule["FL001"]
    assert error["level"] == "error"
    assert driver["rules"][error["ruleIndex"]]["id"] == "FL001"
    assert "pydantic==2.12.5 → pydantic-core==2.41.5" in error["message"]["text"]
    (location,) = error["locations"]
    physical = location["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "requirements.txt", "uriBaseId": "PROJECTROOT"}
    assert physical["region"] == {"startLine": 2, "startColumn": 1, "endLine": 2, "endColumn": 17}
    assert (
        result_run["originalUriBaseIds"]["PROJECTROOT"]["uri"] == tmp_path.resolve().as_uri() + "/"
    )
    fl003 = by_rule["FL003"]["locations"][0]["physicalLocation"]
    assert fl003["region"]["startLine"] == 3
    assert error["partialFingerprints"]["fletlint/v1"]


def test_sarif_puts_a_finding_without_location_on_the_dependency_file(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    app = project(tmp_path, "anyio\n")
    flet_index.down()  # FL005: Flet's index cannot be read, and has no location
    run = check(capsys, app, pypi_index, flet_index, *ARGS, fmt="sarif")
    results = json.loads(run.out)["runs"][0]["results"]
    (unreadable,) = [r for r in results if r["ruleId"] == "FL005"]
    physical = unreadable["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "requirements.txt"
    assert physical["region"]["startLine"] == 1


def test_github_annotations(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = project(tmp_path, "# app\npydantic==2.12.5\n")
    monkeypatch.chdir(tmp_path)
    run = check(capsys, Path("."), pypi_index, flet_index, *ARGS, fmt="github")
    assert run.code == 1
    lines = run.out.splitlines()
    assert lines[0].startswith(
        "::error file=requirements.txt,line=2,col=1,endLine=2,endColumn=17,"
        "title=FL001 missing-phone-wheel::pydantic-core 2.41.5: no phone wheel"
    )
    # The chain travels as escaped line breaks inside the one command line.
    assert "%0A└ pydantic==2.12.5%0A  └ pydantic-core==2.41.5" in lines[0]
    assert lines[-1].startswith("fletlint: 1 error, 0 warnings")
    assert app.exists()


def test_github_escaping() -> None:
    assert escape_data("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_rules_doc_is_up_to_date() -> None:
    """docs/rules.md is generated from RULES by scripts/make_rules_doc.py; rerun it after edits."""
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "make_rules_doc.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_rules_doc_has_an_anchor_per_rule() -> None:
    text = (REPO / "docs" / "rules.md").read_text()
    for code, rule in RULES.items():
        assert f'<a id="{code.lower()}"></a>' in text
        assert f"## {code} {rule.name}" in text
