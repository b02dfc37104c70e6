"""`fletlint build --flet apk`: the real flet-cli 1.0.5 (a test dependency from PyPI) runs with
pip constrained to the lock; only the Flutter SDK's executables (and the JDK/Android SDK it
checks for) are stand-ins (`flet_standin.py`), the Dart one performing serious_python's pip step.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from fletlint.cli import build_parser, main, settings_from
from fletlint.linter.engine import Settings
from fletlint.packager.build import BuildOptions, build
from fletlint.packager.handoff import INSTALL_HINT, run_flet
from tests.cli.helpers import index_args
from tests.conftest import MakeIndex
from tests.packager.flet_standin import ANDROID_TAGS, make_toolchain
from tests.packager.test_against_pip import extension_wheels
from tests.packager.test_build import committed
from tests.support.index_server import LocalIndex
from tests.support.wheels import build_wheel

FLET_ARGS = ["--yes", "--skip-flutter-doctor", "--no-rich-output"]


@pytest.fixture(autouse=True)
def no_interpreter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("fletlint.packager.build.find_interpreter", lambda *a: None)


@pytest.fixture
def toolchain(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    make_index: MakeIndex,
    flet_index: LocalIndex,
) -> LocalIndex:
    """The stand-ins on PATH, a local index with a Flet extension and a native package; any
    request off this machine fails (a proxy that answers nothing, loopback exempt)."""
    for key, value in make_toolchain(tmp_path / "toolchain").items():
        monkeypatch.setenv(key, value)
    extension_wheels(tmp_path / "wheels")
    index = make_index(tmp_path / "wheels")
    monkeypatch.setenv("STANDIN_LOG", str(tmp_path / "standin.log"))
    monkeypatch.setenv("STANDIN_WORK", str(tmp_path / "standin"))
    monkeypatch.setenv("STANDIN_FLET_INDEX", flet_index.url)
    monkeypatch.setenv("PIP_INDEX_URL", index.url)  # the user's pip setting stands for PyPI
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(proxy, "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    return index


def flet_app(tmp_path: Path) -> Path:
    folder = tmp_path / "app"
    folder.mkdir()
    (folder / "requirements.txt").write_text("flet-gadget\n")
    (folder / "main.py").write_text("import flet_gadget\n")
    (folder / ".gitignore").write_text("build/\n")
    return committed(folder)


def standin_log(tmp_path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (tmp_path / "standin.log").read_text().splitlines()]


def test_flet_build_installs_the_lock_and_verify_catches_tampering(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    toolchain: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    folder = flet_app(tmp_path)
    template = str(tmp_path / "toolchain" / "template")
    args = [*index_args(toolchain, flet_index), "--python-version", "3.12", "--target", "android"]
    code = main(
        ["build", str(folder), *args, "--flet", "apk", "--", "--template", template, *FLET_ARGS]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err + captured.out
    assert "arm64-v8a, armeabi-v7a, x86_64 match" in captured.err

    # flet-cli's own pip invocation (through serious_python's stand-in) saw the lock's pins.
    runs = standin_log(tmp_path)
    assert [r["arch"] for r in runs] == ["arm64-v8a", "armeabi-v7a", "x86_64"]  # its order
    for entry in runs:
        assert entry["ok"] is True
        (text,) = entry["constraints"]
        assert "fastthing==2.1.0\n" in text and "flet-gadget==1.0.0\n" in text
        assert "--target" in entry["pip"] and "--only-binary" in entry["pip"]
    site = folder / "build" / "site-packages"
    assert sorted(p.name for p in site.iterdir()) == sorted(ANDROID_TAGS)
    assert (folder / "build" / "flutter-packages" / "flet_gadget" / "pubspec.yaml").is_file()
    assert list((folder / "build" / "apk").glob("*.apk"))

    # A tampered folder: verify names package and ABI, exit 1.
    shutil.rmtree(site / "x86_64" / "fastthing-2.1.0.dist-info")
    result = main(["verify", str(folder), *args])
    out = capsys.readouterr().out
    assert result == 1
    assert "x86_64: fastthing: 2.1.0 expected, not installed" in out


def test_the_constraint_holds_flet_builds_pip_to_the_locked_release(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    toolchain: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    folder = flet_app(tmp_path)
    argv = ["check", str(folder), *index_args(toolchain, flet_index), "--python-version", "3.12"]
    settings: Settings = settings_from(build_parser().parse_args([*argv, "--target", "android"]))
    outcome = build(folder, settings, BuildOptions())
    assert outcome.lock is not None
    # After the lock, the index gains a newer fastthing: unconstrained, pip would take it.
    for platform_tag, suffix in ANDROID_TAGS.values():
        build_wheel(
            tmp_path / "wheels",
            "fastthing",
            "2.2.0",
            f"cp312-cp312-{platform_tag}",
            files={
                f"fastthing/_speed.cpython-312-{suffix}.so": "ELF\n",
                "fastthing/__init__.py": "",
            },
        )
    template = str(tmp_path / "toolchain" / "template")
    handed = run_flet(
        "apk", folder, outcome.lock, ["--template", template, *FLET_ARGS], python="3.12"
    )
    assert handed.returncode == 0
    for key in ANDROID_TAGS:
        assert (folder / "build" / "site-packages" / key / "fastthing-2.1.0.dist-info").is_dir()
    runs = standin_log(tmp_path)
    assert all("fastthing==2.1.0" in r["constraints"][0] for r in runs)


def test_without_the_flet_cli_the_build_says_how_to_install_it(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    folder = flet_app(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # no flet (and no git: never reached)
    code = main(["build", str(folder), *index_args(pypi_index, flet_index), "--flet", "apk"])
    err = capsys.readouterr().err
    assert code == 2
    assert INSTALL_HINT in err
    assert not (folder / "build").exists()
