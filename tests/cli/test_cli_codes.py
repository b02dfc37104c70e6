"""Rule codes on the command line are checked as `[tool.fletlint]` checks them (issue 7, item 6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fletlint.cli import main
from tests.cli.helpers import check, project
from tests.support.index_server import LocalIndex


@pytest.mark.parametrize(
    ("flag", "code", "hint"),
    [
        ("--select", "XYZ", ""),
        ("--select", "FL0004", "did you mean 'FL004'?"),
        ("--ignore", "fl09", ""),
    ],
)
def test_an_unknown_code_is_a_usage_error_with_a_suggestion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: str, code: str, hint: str
) -> None:
    app = project(tmp_path, "flet==0.86.6\n")
    assert main(["check", str(app), flag, code]) == 2
    err = capsys.readouterr().err
    assert f"unknown rule code '{code}' in {flag}" in err
    assert hint in err


def test_codes_are_case_insensitive(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    app = project(tmp_path, "nosuchpackage==1.0\nflet==0.86.6\n")
    lower = check(capsys, app, pypi_index, flet_index, "--select", "fl004")
    assert lower.codes() == ["FL004"]
    assert lower.code == 1
    ignored = check(capsys, app, pypi_index, flet_index, "--ignore", "fl0")
    assert ignored.codes() == []
    assert ignored.code == 0
