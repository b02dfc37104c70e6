"""The report says which flet-cli's rules read the project, and why (json and text)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.helpers import check, project
from tests.flet_oracle.oracle import fake_venv
from tests.support.index_server import LocalIndex


@pytest.fixture
def app(tmp_path: Path) -> Path:
    """A project needing anyio, in a folder of its own (the test's folder may hold a venv)."""
    return project(tmp_path / "app", "anyio\n")


def test_json_and_text_name_the_flet_cli_and_the_full_python(
    app: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    run = check(capsys, app, pypi_index, flet_index)
    assert run.code == 0, run.out + run.err
    flet = run.json()["flet"]
    assert flet == {
        "flet_cli": "1.0.5",
        "how": "newest-known",
        "detail": "",
        "rules": "1.0.x",
        "python_table": "20260921",
        "python_full": "3.14.6",
        "newer_than_table": False,
    }
    text = check(capsys, app, pypi_index, flet_index, fmt="text")
    assert "(Python 3.14.6)" in text.out
    assert "read as flet-cli 1.0.5" in text.out


def test_an_installed_flet_cli_newer_than_the_table_is_said(
    app: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VIRTUAL_ENV", str(fake_venv(tmp_path, "1.2.0")))
    run = check(capsys, app, pypi_index, flet_index)
    flet = run.json()["flet"]
    assert (flet["flet_cli"], flet["how"], flet["rules"]) == ("1.2.0", "installed", "1.0.x")
    assert flet["newer_than_table"] is True


def test_python_version_outside_the_table_is_refused(
    app: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    run = check(capsys, app, pypi_index, flet_index, "--python-version", "3.15")
    assert run.code == 2
    assert "choose from 3.12, 3.13, 3.14; python-build 20260921" in run.err
