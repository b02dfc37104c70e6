"""The packager's parts on plain data: wheel choice, markers, serious_python's clean-up and
globs, Flet extensions' Dart side, the app's files, compiling, filename checks, the output swap."""

from __future__ import annotations

import os
import sys
import zipfile
from pathlib import Path

import pytest
from packaging.tags import parse_tag
from packaging.version import Version

from fletlint.linter.index.model import DistFile
from fletlint.linter.targets import default_targets
from fletlint.packager import output as outputs
from fletlint.packager.app import flet_app_files, write_web_zip
from fletlint.packager.bytecode import compile_tree, find_interpreter
from fletlint.packager.errors import BuildError
from fletlint.packager.fetch import checked_filename, fetch
from fletlint.packager.install import install_target
from fletlint.packager.layout import cleanup_dir, junk_globs, matches, move_flutter_folder
from fletlint.packager.lock import Lock, LockedWheel, TargetLock, _marker, best_wheel
from tests.support.wheels import build_wheel

TARGETS = default_targets("3.12")
ARM64_ANDROID, _, _, IPHONE, _, _ = TARGETS


def dist(filename: str, tag: str, yanked: bool = False) -> DistFile:
    return DistFile(
        filename=filename,
        url=f"https://example.invalid/{filename}",
        index="https://example.invalid/",
        name="pkg",
        version=Version("1.0"),
        is_wheel=True,
        tags=frozenset(parse_tag(tag)),
        yanked=yanked,
    )


def test_the_most_specific_wheel_wins_then_a_pure_one() -> None:
    pure = dist("pkg-1.0-py3-none-any.whl", "py3-none-any")
    abi3 = dist("pkg-1.0-cp39-abi3-android_24_arm64_v8a.whl", "cp39-abi3-android_24_arm64_v8a")
    cp312 = dist("pkg-1.0-cp312-cp312-android_24_arm64_v8a.whl", "cp312-cp312-android_24_arm64_v8a")
    ios = dist(
        "pkg-1.0-cp312-cp312-ios_13_0_arm64_iphoneos.whl", "cp312-cp312-ios_13_0_arm64_iphoneos"
    )
    assert best_wheel([pure, abi3, cp312, ios], ARM64_ANDROID) == cp312
    assert best_wheel([pure, abi3], ARM64_ANDROID) == abi3
    assert best_wheel([pure, abi3, cp312, ios], IPHONE) == ios
    assert best_wheel([pure, abi3], IPHONE) == pure
    assert best_wheel([abi3], IPHONE) is None
    yanked = dist(cp312.filename, "cp312-cp312-android_24_arm64_v8a", yanked=True)
    assert best_wheel([yanked, pure], ARM64_ANDROID) == pure


def test_markers_name_the_devices_that_use_a_release() -> None:
    android = [t for t in TARGETS if t.platform == "android"]
    assert _marker(TARGETS, TARGETS) is None
    assert _marker(android, TARGETS) == "sys_platform == 'android'"
    assert _marker([ARM64_ANDROID], TARGETS) == (
        "sys_platform == 'android' and platform_machine == 'aarch64'"
    )
    assert _marker([ARM64_ANDROID, IPHONE], TARGETS) == (
        "(sys_platform == 'android' and platform_machine == 'aarch64') or "
        "(sys_platform == 'ios' and platform_machine == 'arm64')"
    )


def files_under(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_install_then_serious_pythons_cleanup(tmp_path: Path) -> None:
    wheel = build_wheel(
        tmp_path / "wheels",
        "junky",
        "1.0.0",
        "cp312-cp312-android_24_arm64_v8a",
        files={
            "junky/__init__.py": "",
            "junky/_speed.c": "",
            "junky/_speed.h": "",
            "junky/__init__.pyi": "",
            "junky/py.typed": "",
            "junky/helper.dll": "",
            "junky/tool.exe": "",
            "junky/bin/helper": "",
            "junky/empty/only.pyx": "",
            "junky/data.json": "{}",
            "junky-1.0.0.data/scripts/junky-cli": "#!python\nprint()\n",
        },
    )
    root = tmp_path / "site"
    install_target(ARM64_ANDROID, [wheel], root, requested={"junky"})
    assert "bin/junky-cli" in files_under(root)  # pip --target puts scripts in bin/
    removed = cleanup_dir(root, junk_globs("android"))
    assert files_under(root) == [
        "junky-1.0.0.dist-info/INSTALLER",
        "junky-1.0.0.dist-info/METADATA",
        "junky-1.0.0.dist-info/RECORD",
        "junky-1.0.0.dist-info/REQUESTED",
        "junky-1.0.0.dist-info/WHEEL",
        "junky-1.0.0.dist-info/top_level.txt",
        "junky/__init__.py",
        "junky/data.json",
    ]
    # A folder the globs emptied goes too, as serious_python's cleanupDir deletes it.
    assert "junky/empty" in removed and not (root / "junky" / "empty").exists()
    # RECORD is left as pip wrote it: serious_python does not rewrite it either.
    assert "junky/py.typed" in (root / "junky-1.0.0.dist-info" / "RECORD").read_text()


def test_desktop_cleanup_keeps_what_only_phones_drop(tmp_path: Path) -> None:
    for rel in ("bin/tool", "a/b.exe", "a/c.h"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    cleanup_dir(tmp_path, junk_globs("web"))
    assert files_under(tmp_path) == ["a/b.exe", "bin/tool"]


@pytest.mark.parametrize(
    ("path", "glob", "expected"),
    [
        ("x.c", "**.c", True),
        ("a/b/x.c", "**.c", True),
        ("a/x.cc", "**.c", False),
        ("__pycache__", "__pycache__", True),
        ("a/__pycache__", "__pycache__", False),
        ("a/__pycache__", "**/__pycache__", True),
        ("bin", "**/bin", False),
        ("a/b/bin", "**/bin", True),
        ("a/py.typed", "**.typed", True),
        ("tests", "tests", True),
        ("pkg/tests", "*/tests", True),
        ("pkg/sub/tests", "*/tests", False),
        ("a/x.txt", "**.{txt,md}", True),
        ("a/x.rst", "**.{txt,md}", False),
        ("a/x1.txt", "a/x?.txt", True),
        ("a/xy.txt", "a/x[0-9].txt", False),
    ],
)
def test_globs_as_package_glob_reads_them(path: str, glob: str, expected: bool) -> None:
    assert matches(path, [glob]) is expected


def test_flutter_folders_are_moved_out_once(tmp_path: Path) -> None:
    first, second, dest = tmp_path / "arm64-v8a", tmp_path / "x86_64", tmp_path / "fp"
    for site in (first, second):
        (site / "flutter" / "flet_audio").mkdir(parents=True)
        (site / "flutter" / "flet_audio" / "pubspec.yaml").write_text(f"name: {site.name}\n")
    assert move_flutter_folder(first, dest, copy=True)
    assert move_flutter_folder(second, dest, copy=False)
    assert not (first / "flutter").exists() and not (second / "flutter").exists()
    assert (dest / "flet_audio" / "pubspec.yaml").read_text() == "name: arm64-v8a\n"
    assert not move_flutter_folder(first, dest, copy=False)


def test_app_files_follow_flet_rules(tmp_path: Path) -> None:
    app = tmp_path / "src"
    for rel in (
        "main.py",
        "secret.txt",
        ".hidden",
        ".env",
        "pkg/mod.py",
        "pkg/.inner",
        "pkg/build/keep.py",
        "pkg/__pycache__/mod.cpython-312.pyc",
        "node_modules/x.js",
        "build/old.py",
        "venv/pyvenv.cfg",
        "venv/lib/x.py",
        "assets/icon.png",
    ):
        (app / rel).parent.mkdir(parents=True, exist_ok=True)
        (app / rel).write_text(rel)
    files = flet_app_files(app, ["build", "secret.txt"], [".env"], True)
    assert files == [
        ".env",
        "assets/icon.png",
        "main.py",
        "node_modules/x.js",
        "pkg/.inner",
        "pkg/build/keep.py",
        "pkg/mod.py",
    ]
    everything = flet_app_files(app, ["build"], [], False)
    assert ".hidden" in everything and "venv/lib/x.py" in everything


def test_compile_writes_pyc_beside_and_drops_sources(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "main.py").write_text("print('hi')\n")
    (tmp_path / "pkg" / "mod.py").write_text("X = 1\n")
    (tmp_path / "pkg" / "data.txt").write_text("keep\n")
    python = Path(sys.executable)
    compile_tree(python, tmp_path, "the app")
    assert files_under(tmp_path) == ["main.pyc", "pkg/data.txt", "pkg/mod.pyc"]
    (tmp_path / "bad.py").write_text("def (:\n")
    with pytest.raises(BuildError, match="compiling the app failed"):
        compile_tree(python, tmp_path, "the app")


def test_the_interpreter_must_be_the_bundled_version() -> None:
    here = f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert find_interpreter(here, Path(sys.executable)) == Path(sys.executable)
    with pytest.raises(BuildError, match=f"is Python {here}; the app bundles Python 3.99"):
        find_interpreter("3.99", Path(sys.executable))
    assert find_interpreter("3.99") is None


@pytest.mark.parametrize(
    "name",
    [
        "../evil-1.0-py3-none-any.whl",
        "sub/evil-1.0-py3-none-any.whl",
        "..\\evil-1.0-py3-none-any.whl",
        ".evil-1.0-py3-none-any.whl",
        "evil.tar.gz",
        "",
    ],
)
def test_index_supplied_filenames_are_checked(name: str) -> None:
    with pytest.raises(BuildError, match="not a wheel filename"):
        checked_filename(name, "https://example.invalid/x")


def test_fetch_refuses_a_hostile_filename_before_downloading(tmp_path: Path) -> None:
    file = dist("../../evil-1.0-py3-none-any.whl", "py3-none-any")
    lock = Lock("3.12", (TargetLock(ARM64_ANDROID, (LockedWheel(file, "a" * 64, False),)),))
    asked: list[DistFile] = []

    def download(f: DistFile) -> bytes:
        asked.append(f)
        return b""

    with pytest.raises(BuildError, match="not a wheel filename; refused before writing"):
        fetch(lock, download, tmp_path / "cache")
    assert not asked and not (tmp_path / "cache").exists()


def test_web_zip_holds_app_and_packages_with_its_hash(tmp_path: Path) -> None:
    app, site = tmp_path / "app", tmp_path / "site"
    (app / "pkg").mkdir(parents=True)
    (app / "main.pyc").write_bytes(b"x")
    (site / "anyio").mkdir(parents=True)
    (site / "anyio" / "__init__.pyc").write_bytes(b"y")
    digest = write_web_zip(app, site, tmp_path / "app.zip")
    names = zipfile.ZipFile(tmp_path / "app.zip").namelist()
    assert names == ["__pypackages__/anyio/__init__.pyc", "main.pyc"]
    assert (tmp_path / "app.zip.hash").read_text() == digest


def test_a_killed_swap_is_put_back_and_dead_staging_removed(tmp_path: Path) -> None:
    output = tmp_path / "out"
    dead = 2**22 + 7  # above pid_max on most systems: no such process
    staging = tmp_path / f".out.tmp-{dead}-abc"
    aside = tmp_path / f".out.old-{dead}-def"
    (staging / "half").mkdir(parents=True)
    (aside / "out").mkdir(parents=True)
    (aside / "out" / "manifest.json").write_text("{}")
    live = tmp_path / f".out.tmp-{os.getpid()}-ghi"
    live.mkdir()
    outputs.recover(output)
    assert (output / "manifest.json").read_text() == "{}"
    assert sorted(p.name for p in tmp_path.iterdir()) == [live.name, "out"]


def test_the_swap_always_leaves_a_whole_output(tmp_path: Path) -> None:
    output = tmp_path / "out"
    output.mkdir()
    (output / "manifest.json").write_text("old")
    staging = outputs.make_staging(output)
    (staging / "manifest.json").write_text("new")
    outputs.replace(staging, output)
    assert (output / "manifest.json").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_the_exchange_is_one_atomic_step_on_linux(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "which").write_text("a")
    (tmp_path / "b" / "which").write_text("b")
    assert outputs._exchange(tmp_path / "a", tmp_path / "b")
    assert (tmp_path / "a" / "which").read_text() == "b"
    assert (tmp_path / "b" / "which").read_text() == "a"
