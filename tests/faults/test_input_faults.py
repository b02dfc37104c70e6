"""Bad project files: a located error (exit 2, `fletlint: error: path:line:col: ...`), or the info
finding the rules define, never a traceback; and `--fix` that cannot write keeps the original."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.cli.helpers import Run, check, project
from tests.support.index_server import LocalIndex

FAST = ("--python-version", "3.12", "--target", "android_24_arm64_v8a")


def _clean(run: Run) -> None:
    assert "Traceback" not in run.err + run.out
    assert "internal error" not in run.err, run.err


def _located_error(run: Run, path: Path, line: int, col: int | None = None) -> str:
    """The one-line error names `path:line:col`; returns the message after it."""
    _clean(run)
    assert run.code == 2, (run.code, run.out, run.err)
    assert run.out == ""
    (message,) = run.err.strip().splitlines()
    assert message.startswith("fletlint: error: "), message
    column = rf"{col}" if col is not None else r"\d+"
    match = re.match(rf"fletlint: error: (.+):{line}:{column}: (.+)$", message)
    assert match is not None, message
    assert Path(match.group(1)).resolve() == path.resolve(), message
    return match.group(2)


@pytest.fixture
def run(
    capsys: pytest.CaptureFixture[str], pypi_index: LocalIndex, flet_index: LocalIndex
) -> object:
    def go(app: Path, *extra: str) -> Run:
        return check(capsys, app, pypi_index, flet_index, *FAST, *extra)

    return go


def test_binary_garbage_in_requirements_is_a_located_error(tmp_path: Path, run: object) -> None:
    req = tmp_path / "requirements.txt"
    req.write_bytes(b"anyio\n\x00\x9f\xff\xfe\x01garbage\x80 ==\n")
    message = _located_error(run(tmp_path), req, 2, 2)  # type: ignore[operator]
    assert "cannot decode requirements file: byte 0x9f" in message


def test_a_requirements_file_that_is_a_folder_is_an_error(tmp_path: Path, run: object) -> None:
    (tmp_path / "requirements.txt").mkdir()
    result: Run = run(tmp_path, "-r", str(tmp_path / "requirements.txt"))  # type: ignore[operator]
    _clean(result)
    assert result.code == 2
    assert result.err.startswith("fletlint: error: ")
    assert "requirements.txt" in result.err


def test_a_requirements_folder_in_the_project_is_not_a_crash(tmp_path: Path, run: object) -> None:
    """flet build reads requirements.txt only when it is a file; a folder of that name is not
    one, so the app gets flet build's implicit `flet`."""
    (tmp_path / "requirements.txt").mkdir()
    result: Run = run(tmp_path)  # type: ignore[operator]
    _clean(result)
    assert result.err == ""
    assert result.json()["targets"][0]["packages"]["flet"] == "0.86.6"


def test_an_include_cycle_is_a_located_error(tmp_path: Path, run: object) -> None:
    project(tmp_path, "anyio\n-r more.txt\n")
    (tmp_path / "more.txt").write_text("# comment\n-r requirements.txt\n")
    # Column 4: the included file's name after `-r `.
    message = _located_error(run(tmp_path), tmp_path / "more.txt", 2, 4)  # type: ignore[operator]
    assert "include each other" in message
    assert "requirements.txt -> more.txt -> requirements.txt" in message


def test_an_include_of_a_missing_file_is_a_located_error(tmp_path: Path, run: object) -> None:
    req = project(tmp_path, "anyio\n-r missing.txt\n") / "requirements.txt"
    message = _located_error(run(tmp_path), req, 2)  # type: ignore[operator]
    assert "missing.txt" in message


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ('[project]\nname = "app"\ndependencies = ["anyio"\n', 3, "Unclosed array"),
        ('[project]\nname = "app"\ndependencies = "anyio"\n', 3, "dependencies"),
        ('[project]\nname = "app"\ndependencies = [1]\n', 3, ""),
        ('[project]\nname = "app"\n\n[tool.fletlint]\ntargetz = ["ios"]\n', 5, "targetz"),
        ('[project]\nname = "app"\n\n[tool.fletlint]\noffline = "yes"\n', 5, "offline"),
        ('[project]\nname = "app"\n\n[tool.fletlint]\nselect = ["FL9"]\n', 5, "FL9"),
    ],
    ids=["invalid-toml", "dependencies-string", "dependency-int", "unknown-key", "bool", "code"],
)
def test_a_bad_pyproject_is_a_located_error(
    text: str, line: int, needle: str, tmp_path: Path, run: object
) -> None:
    (tmp_path / "pyproject.toml").write_text(text)
    message = _located_error(run(tmp_path), tmp_path / "pyproject.toml", line)  # type: ignore[operator]
    assert needle in message


def test_unreadable_app_files_are_info_findings_and_the_rest_is_checked(
    tmp_path: Path, run: object
) -> None:
    app = project(tmp_path, "anyio\n", main__py="import anyio\nimport colorama\n")
    (app / "latin.py").write_bytes(b"# caf\xe9\nimport anyio\n")
    (app / "broken.py").write_text("import anyio\nx = = 1\n")
    result: Run = run(app)  # type: ignore[operator]
    _clean(result)
    infos = {
        Path(f["location"]["path"]).name: f
        for f in result.json()["findings"]
        if f["code"] == "FL101" and f["severity"] == "info"
    }
    assert set(infos) == {"latin.py", "broken.py"}, result.out
    # Where tests/unit/test_imports.py pins libcst's position for the same error.
    assert (infos["broken.py"]["location"]["line"], infos["broken.py"]["location"]["column"]) == (
        2,
        6,
    )
    # main.py was still read: its undeclared import is an error, as the rules say.
    assert result.finding("FL101", "colorama")["severity"] == "error"
    assert result.code == 1


def test_a_bad_timeout_setting_is_a_usage_error(
    tmp_path: Path, run: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLETLINT_TIMEOUT", "soon")
    result: Run = run(project(tmp_path, "anyio\n"))  # type: ignore[operator]
    _clean(result)
    assert result.code == 2
    assert result.err.startswith("fletlint: error: FLETLINT_TIMEOUT must be a number")


def test_fix_that_cannot_replace_the_file_keeps_the_original(
    tmp_path: Path, run: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = b"# db\nloosepar==1.0.0\nanyio\n"
    (tmp_path / "requirements.txt").write_bytes(original)

    def refuse(src: object, dst: object) -> None:
        # What a read-only folder or file says; chmod would not stop root, this does.
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(os, "replace", refuse)
    result: Run = run(tmp_path, "--fix")  # type: ignore[operator]
    _clean(result)
    assert result.code == 2
    assert result.err.startswith("fletlint: error: ")
    assert "requirements.txt:1:1: cannot write the fix: Permission denied" in result.err
    assert (tmp_path / "requirements.txt").read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["requirements.txt"]  # no temp left
