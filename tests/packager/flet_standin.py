"""Stand-ins for what `flet build` runs that cannot run here: the Flutter SDK's `flutter` and
`dart` (and the JDK's `javac`, the Android SDK's folders), replaced at the process boundary.
Everything else is the real flet-cli from PyPI.

`dart run serious_python:main package …` performs serious_python's package step for Android
(v4.5.1 `package_command.dart`): the app copied to `$SERIOUS_PYTHON_APP` minus the `--exclude`
paths, pip per `--arch` into `$SERIOUS_PYTHON_SITE_PACKAGES/<key>` with the environment flet-cli
gave it (`pip_per_arch`: tests/support/pip_oracle.py installing, which says where it departs from
serious_python and why), `flutter/` moved to `$SERIOUS_PYTHON_FLUTTER_PACKAGES`, the clean-up.
One more departure: Flet's index is `$STANDIN_FLET_INDEX` (the local one), where
serious_python hard-codes https://pypi.flet.dev. Each pip run is logged to `$STANDIN_LOG`
(JSON lines: the pip command, the `PIP_CONSTRAINT` it saw and that file's text).
`flutter build apk` writes an empty APK where Flutter writes it.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.support.pip_oracle import PipOutcome

FLUTTER_VERSION = "3.44.8"  # flet 1.0.5's flet.version.flutter_version
REPO = Path(__file__).resolve().parents[2]
# package_command.dart's `platforms`, in its order: arch key → the wheel platform tag of its
# target, and the triplet in the names of its extension modules.
ANDROID_TAGS = {
    "arm64-v8a": ("android_24_arm64_v8a", "aarch64-linux-android"),
    "armeabi-v7a": ("android_24_armeabi_v7a", "arm-linux-androideabi"),
    "x86_64": ("android_24_x86_64", "x86_64-linux-android"),
}
IOS_TAGS = {
    "iphoneos.arm64": ("ios_13_0_arm64_iphoneos", "iphoneos"),
    "iphonesimulator.arm64": ("ios_13_0_arm64_iphonesimulator", "iphonesimulator"),
    "iphonesimulator.x86_64": ("ios_13_0_x86_64_iphonesimulator", "iphonesimulator"),
}


def pip_per_arch(
    platform: str,
    requirements: Sequence[str],
    site_root: Path,
    *,
    python_version: str,
    index_url: str,
    extra_index_url: str,
    work: Path,
    arch: Sequence[str] = (),
    environ: Mapping[str, str] | None = None,
) -> dict[str, PipOutcome]:
    """serious_python's pip step: per arch key of `platform` ("Android" or "iOS"), in its order,
    pip installing into `site_root/<key>`, Flet's index as the extra index; `arch` keeps only
    those keys, as serious_python's `--arch`; pip also sees `environ`."""
    from fletlint.linter.targets import default_targets
    from tests.support.pip_oracle import run_pip

    targets = {t.name: t for t in default_targets(python_version)}
    return {
        key: run_pip(
            requirements,
            targets[tag],
            index_url=index_url,
            extra_index_urls=[extra_index_url],
            work=work,
            install_into=site_root / key,
            environ=environ,
        )
        for key, (tag, _) in (ANDROID_TAGS if platform == "Android" else IOS_TAGS).items()
        if not arch or key in arch
    }


def _script(path: Path, function: str) -> None:
    path.write_text(
        f"#!{sys.executable}\nimport sys\nsys.path.insert(0, {str(REPO)!r})\n"
        f"from tests.packager.flet_standin import {function}\nsys.exit({function}(sys.argv[1:]))\n"
    )
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def make_toolchain(root: Path) -> dict[str, str]:
    """The stand-ins under `root`; returns the environment variables that point flet-cli there."""
    bin_dir = root / "flutter" / "bin"
    bin_dir.mkdir(parents=True)
    _script(bin_dir / "flutter", "flutter_main")
    _script(bin_dir / "dart", "dart_main")
    java = root / "jdk"
    (java / "bin").mkdir(parents=True)
    (java / "bin" / "javac").write_text("#!/bin/sh\necho javac 17.0.12\n")
    (java / "bin" / "javac").chmod(0o755)
    android = root / "android-sdk"
    for rel in (
        "cmdline-tools/latest/bin",
        "platform-tools",
        "platforms/android-35",
        "build-tools/34.0.0",
    ):
        (android / rel).mkdir(parents=True)
    manifest = root / "python-build-manifest.json"
    abis = ["arm64-v8a", "x86_64", "armeabi-v7a"]
    manifest.write_text(
        json.dumps(
            {
                "default_python_version": "3.14",
                "pythons": {
                    short: {
                        "full_version": full,
                        "pyodide_version": "0.29.0",
                        "android_abis": abis,
                    }
                    for short, full in (
                        ("3.12", "3.12.13"),
                        ("3.13", "3.13.14"),
                        ("3.14", "3.14.6"),
                    )
                },
            }
        )
    )
    template = root / "template"
    shell = template / "{{cookiecutter.out_dir}}"
    shell.mkdir(parents=True)
    (template / "cookiecutter.json").write_text(json.dumps({"out_dir": "flutter"}))
    (shell / "pubspec.yaml").write_text(
        "name: app\ndependencies:\n  flutter:\n    sdk: flutter\nflutter:\n  assets: []\n"
    )
    return {
        "PATH": f"{bin_dir}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}"
        + os.environ.get("PATH", ""),
        "JAVA_HOME": str(java),
        "ANDROID_HOME": str(android),
        "FLET_PYTHON_BUILD_MANIFEST": str(manifest),
        "STANDIN_TEMPLATE": str(template),
    }


def flutter_main(argv: list[str]) -> int:
    if "--version" in argv:
        print(
            f"Flutter {FLUTTER_VERSION} • channel stable • https://github.com/flutter/flutter.git"
        )
        return 0
    if argv[:2] == ["build", "apk"] or argv[:2] == ["build", "appbundle"]:
        out = Path("build/app/outputs/flutter-apk")
        out.mkdir(parents=True, exist_ok=True)
        (out / "app-release.apk").write_bytes(b"")
    return 0  # config, pub get, precache, doctor…


def dart_main(argv: list[str]) -> int:
    if "--version" in argv:
        print('Dart SDK version: 3.10.0 (stable) on "linux_x64"')
        return 0
    if "serious_python:main" not in argv:
        return 0  # flutter_launcher_icons, flutter_native_splash…
    return _package(argv[argv.index("serious_python:main") + 1 :])


def _package(argv: list[str]) -> int:
    from fletlint.packager.layout import cleanup_dir, junk_globs, move_flutter_folder

    assert argv[0] == "package", argv
    source = Path(argv[1])
    options: dict[str, list[str]] = {}
    flags: set[str] = set()
    i = 2
    while i < len(argv):
        name = argv[i].lstrip("-")
        if name in (
            "platform",
            "python-version",
            "arch",
            "exclude",
            "cleanup-package-files",
        ) or name in ("r", "requirements", "cleanup-app-files", "asset"):
            options.setdefault("r" if name == "requirements" else name, []).append(argv[i + 1])
            i += 2
        else:
            flags.add(name)
            i += 1
    platform = options["platform"][0]
    assert platform == "Android", "this stand-in packages for Android only"
    excludes = set(options.get("exclude", []))
    app = Path(os.environ["SERIOUS_PYTHON_APP"])
    shutil.rmtree(app, ignore_errors=True)
    app.mkdir(parents=True)

    def copy(folder: Path) -> None:
        for entry in sorted(folder.iterdir()):
            rel = os.path.relpath(entry, source)
            if rel in excludes:
                continue
            if entry.is_dir():
                (app / rel).mkdir()
                copy(entry)
            else:
                shutil.copyfile(entry, app / rel)

    copy(source)
    site_root = Path(os.environ["SERIOUS_PYTHON_SITE_PACKAGES"])
    if site_root.exists():
        for entry in site_root.iterdir():
            if not entry.name.startswith("."):
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    arch = [a for value in options.get("arch", []) for a in value.split(",")]
    log = Path(os.environ["STANDIN_LOG"])
    runs = pip_per_arch(
        platform,
        options.get("r", []),
        site_root,
        python_version=options["python-version"][0],
        index_url=os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple"),
        extra_index_url=os.environ["STANDIN_FLET_INDEX"],
        work=Path(os.environ["STANDIN_WORK"]),
        arch=arch,
        environ=os.environ,
    )
    flutter_packages = Path(os.environ["SERIOUS_PYTHON_FLUTTER_PACKAGES"])
    copied = False
    for key, done in runs.items():
        constraint = os.environ.get("PIP_CONSTRAINT", "")
        with log.open("a") as fh:
            fh.write(
                json.dumps(
                    {
                        "arch": key,
                        "pip": list(done.command),
                        "PIP_CONSTRAINT": constraint,
                        "constraints": [Path(c).read_text() for c in constraint.split()],
                        "ok": done.ok,
                    }
                )
                + "\n"
            )
        if not done.ok:
            sys.stderr.write(done.output)
            return 1
        site = site_root / key
        copied = move_flutter_folder(site, flutter_packages, copy=not copied) or copied
        if "cleanup-packages" in flags:
            cleanup_dir(
                site, junk_globs("android") + tuple(options.get("cleanup-package-files", []))
            )
    return 0
