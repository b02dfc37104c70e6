"""fletlint build's site-packages against pip as serious_python runs it: per fixture project and
arch key, the same distributions and the same files with the same bytes, after serious_python's
steps that follow pip (move `flutter/`, clean up) applied to pip's folder.

Not compared: what the installer itself writes into `*.dist-info/` (INSTALLER says `pip` or
`fletlint`; RECORD lists pip's own `.pyc` files and hashes), and `.pyc` files (both sides keep
`.py` here: compiling is the same `compileall -b` on either side, tested in test_parts).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from fletlint.packager.layout import cleanup_dir, junk_globs, move_flutter_folder
from tests.conftest import MakeIndex
from tests.packager.flet_standin import ANDROID_TAGS, IOS_TAGS, pip_per_arch
from tests.packager.test_build import build, committed
from tests.support.index_server import LocalIndex
from tests.support.wheels import build_wheel

INSTALLER_FILES = ("INSTALLER", "RECORD")


@pytest.fixture(autouse=True)
def no_interpreter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("fletlint.packager.build.find_interpreter", lambda *a: None)


def tree(root: Path) -> dict[str, str]:
    """Relative path → sha256 of every file, minus what the installer writes about itself."""
    found: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if not path.is_file() or path.suffix == ".pyc":
            continue
        if ".dist-info/" in rel and path.name in INSTALLER_FILES:
            continue
        found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def extension_wheels(folder: Path) -> None:
    """A Flet extension (Dart side in flutter/, typed) and a native package per arch."""
    build_wheel(
        folder,
        "flet-gadget",
        "1.0.0",
        requires_dist=["fastthing>=2"],
        files={
            "flet_gadget/__init__.py": "from fastthing import speed\n",
            "flet_gadget/py.typed": "",
            "flet_gadget/__init__.pyi": "def speed() -> int: ...\n",
            "flutter/flet_gadget/pubspec.yaml": "name: flet_gadget\n",
            "flutter/flet_gadget/lib/flet_gadget.dart": "// dart\n",
            "flet_gadget-1.0.0.data/scripts/gadget": "#!python\nprint()\n",
            "flet_gadget-1.0.0.data/data/share/gadget.txt": "data\n",
        },
        top_level=["flet_gadget", "flutter"],
    )
    for table in (ANDROID_TAGS, IOS_TAGS):
        for platform_tag, suffix in table.values():
            build_wheel(
                folder,
                "fastthing",
                "2.1.0",
                f"cp312-cp312-{platform_tag}",
                files={
                    "fastthing/__init__.py": "from ._speed import speed\n",
                    f"fastthing/_speed.cpython-312-{suffix}.so": f"ELF {platform_tag}\n",
                    "fastthing/_speed.c": "/* source */\n",
                    "fastthing/include/speed.h": "/* header */\n",
                    "fastthing/bin/tool.exe": "MZ\n",
                    "fastthing/tests/__init__.py": "",
                },
            )
    build_wheel(folder, "fastthing", "2.0.0", "py3-none-any")  # older, pure: must lose


@pytest.mark.parametrize(
    ("requirements", "own_index", "target"),
    [
        ("anyio\nflet==0.86.6\n", False, "android"),
        ("anyio\nflet==0.86.6\n", False, "ios"),
        ("flet-gadget\n", True, "android"),
        ("flet-gadget\n", True, "ios"),
    ],
    ids=["flet-app-android", "flet-app-ios", "extension-android", "extension-ios"],
)
def test_site_packages_match_pip_as_serious_python_runs_it(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
    make_index: MakeIndex,
    requirements: str,
    own_index: bool,
    target: str,
) -> None:
    primary = pypi_index
    if own_index:
        extension_wheels(tmp_path / "wheels")
        primary = make_index(tmp_path / "wheels")
    folder = tmp_path / "app"
    folder.mkdir()
    (folder / "requirements.txt").write_text(requirements)
    (folder / "main.py").write_text("import anyio\n" if not own_index else "import flet_gadget\n")
    committed(folder)
    out = tmp_path / "out"
    built = build(capsys, folder, out, primary, flet_index, "--target", target)
    assert built.code == 0, built.err + built.out

    platform = "Android" if target == "android" else "iOS"
    pip_root = tmp_path / "pip-site-packages"
    runs = pip_per_arch(
        platform,
        requirements.split(),
        pip_root,
        python_version="3.12",
        index_url=primary.url,
        extra_index_url=flet_index.url,
        work=tmp_path / "pip-work",
    )
    flutter_copied = False
    for key, done in runs.items():
        assert done.ok, done.output
        site = pip_root / key
        # serious_python after pip: flutter/ moved out, then (compile off here) the clean-up.
        if move_flutter_folder(site, tmp_path / "pip-flutter", copy=not flutter_copied):
            flutter_copied = True
        cleanup_dir(site, junk_globs(target))

    assert sorted(p.name for p in (out / "site-packages").iterdir()) == sorted(runs)
    for key in runs:
        ours, pips = tree(out / "site-packages" / key), tree(pip_root / key)
        assert ours == pips, (
            f"{key}: only fletlint {set(ours) - set(pips)}, only pip {set(pips) - set(ours)}"
        )
    if own_index:
        assert tree(out / "flutter-packages") == tree(tmp_path / "pip-flutter")
        assert (out / "flutter-packages" / "flet_gadget" / "pubspec.yaml").is_file()
