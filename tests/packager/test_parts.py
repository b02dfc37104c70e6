"""The packager's parts on plain data: wheel choice, markers, junk removal, the app zip."""

from __future__ import annotations

import zipfile
from pathlib import Path

from packaging.tags import parse_tag
from packaging.version import Version

from fletlint.linter.index.model import DistFile
from fletlint.linter.targets import default_targets
from fletlint.packager.bundle import bundled_files, write_app_zip
from fletlint.packager.install import install_target
from fletlint.packager.lock import _marker, best_wheel
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


def test_install_removes_what_flet_build_removes(tmp_path: Path) -> None:
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
            "junky/helper.dll": "",
            "junky/tool.exe": "",
            "junky/__pycache__/__init__.cpython-312.pyc": "",
            "junky/data.json": "{}",
            "junky-1.0.0.data/scripts/junky-cli": "#!python\nprint()\n",
        },
    )
    root = tmp_path / "site"
    install_target(ARM64_ANDROID, [wheel], root)
    installed = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert installed == [
        "junky-1.0.0.dist-info/INSTALLER",
        "junky-1.0.0.dist-info/METADATA",
        "junky-1.0.0.dist-info/RECORD",
        "junky-1.0.0.dist-info/WHEEL",
        "junky-1.0.0.dist-info/top_level.txt",
        "junky/__init__.py",
        "junky/data.json",
    ]
    record = (root / "junky-1.0.0.dist-info" / "RECORD").read_text()
    listed = sorted(line.split(",")[0] for line in record.splitlines())
    assert listed == installed  # RECORD still says exactly what is there


def test_app_zip_leaves_out_what_flet_build_leaves_out(tmp_path: Path) -> None:
    root = tmp_path / "app"
    for rel in (
        "main.py",
        "pkg/mod.py",
        "assets/logo.png",
        "build/old.py",
        ".git/config",
        ".venv/pyvenv.cfg",
        "env/pyvenv.cfg",
        "env/lib/x.py",
        "pkg/__pycache__/mod.cpython-312.pyc",
        "tests/test_main.py",
        "notes/draft.md",
        "out/manifest.json",
    ):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(rel)
    files = bundled_files(root, exclude=("tests", "notes/*.md"), skip=(root / "out",))
    assert files == ["assets/logo.png", "main.py", "pkg/mod.py"]

    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    digest = write_app_zip(root, first, ("tests", "notes/*.md"), (root / "out",))
    (root / "main.py").touch()  # a new mtime must not change the zip
    assert write_app_zip(root, second, ("tests", "notes/*.md"), (root / "out",)) == digest
    assert first.read_bytes() == second.read_bytes()
    info = zipfile.ZipFile(first).getinfo("main.py")
    assert info.date_time == (1980, 1, 1, 0, 0, 0)
    assert info.external_attr >> 16 == 0o100644
    assert info.compress_type == zipfile.ZIP_DEFLATED
