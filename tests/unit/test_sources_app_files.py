"""sources/app_files.py: the app's files as flet build packages them (edge cases the oracle's
fixture projects do not cover: links, unsaved buffers, a missing app folder, bad settings)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fletlint.linter.findings import InputError
from fletlint.linter.sources.app_files import app_python_files, list_app_files
from fletlint.linter.sources.project import load_project


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_link_back_to_an_ancestor_is_not_followed(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[project]\ndependencies = ["flet"]\n')
    write(tmp_path / "pkg" / "a.py", "")
    os.symlink(tmp_path, tmp_path / "pkg" / "loop")
    files = list_app_files(load_project(tmp_path, environ={}), "android")
    assert files.relative() == ("pkg/a.py", "pyproject.toml")
    assert "pkg/loop" in files.excludes


def test_unsaved_buffers_count_unless_excluded(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        '[project]\ndependencies = ["flet"]\n[tool.flet.app]\nexclude = ["scripts"]\n',
    )
    write(tmp_path / "main.py", "")
    spec = load_project(tmp_path, environ={})
    root, files = app_python_files(
        spec,
        ["android", "ios"],
        extra=[tmp_path / "new.py", tmp_path / "scripts" / "tool.py", tmp_path / "notes.txt"],
    )
    assert root == tmp_path
    assert [p.name for p in files] == ["main.py", "new.py"]


def test_app_path_that_is_not_a_folder_is_a_located_error(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n[tool.flet.app]\npath = "src"\n')
    spec = load_project(tmp_path, environ={})
    with pytest.raises(InputError, match="is not a folder") as info:
        list_app_files(spec, "android")
    assert info.value.location is not None and info.value.location.line == 4


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('[tool.flet.app]\ndefault_excludes = "no"\n', "must be true or false"),
        ("[tool.flet.android]\nsource_packages = 3\n", "must be a list of strings"),
        ("[tool.flet.ios]\ndev_packages = { foo = 1 }\n", "must be a path or URL string"),
        ("[tool.flet.app]\npath = 3\n", "path must be a string"),
    ],
)
def test_wrong_setting_types_are_located(tmp_path: Path, setting: str, message: str) -> None:
    write(tmp_path / "pyproject.toml", '[project]\ndependencies = ["flet"]\n' + setting)
    with pytest.raises(InputError, match=message) as info:
        load_project(tmp_path, environ={})
    assert info.value.location is not None and info.value.location.line >= 3


def test_the_import_scan_skips_virtual_environments_even_where_0_86_bundles_them(
    tmp_path: Path,
) -> None:
    write(tmp_path / "pyproject.toml", '[project]\ndependencies = ["flet==0.86.5"]\n')
    write(tmp_path / "main.py", "")
    write(tmp_path / ".venv" / "pyvenv.cfg", "home = /usr\n")
    write(tmp_path / ".venv" / "lib" / "site-packages" / "numpy" / "__init__.py", "")
    spec = load_project(tmp_path, environ={})
    assert spec.flet_build.rules.series == "0.86.x"
    # flet-cli 0.86 bundles the environment (no default excludes) ...
    bundled = list_app_files(spec, "android").relative()
    assert ".venv/lib/site-packages/numpy/__init__.py" in bundled
    # ... but its code is not the app's: the import scan leaves it out.
    _, scanned = app_python_files(spec, ["android"])
    assert [p.name for p in scanned] == ["main.py"]
