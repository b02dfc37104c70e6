"""`fletlint verify` on what pip, run as serious_python runs it, installed into
`<app>/build/site-packages/`: a match passes; a tampered folder fails naming package and ABI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fletlint.linter.targets import default_targets
from fletlint.packager.install import install_target
from tests.cli.helpers import index_args, run_cli
from tests.conftest import MakeIndex
from tests.packager.flet_standin import pip_per_arch
from tests.packager.test_against_pip import extension_wheels
from tests.packager.test_build import committed
from tests.support.index_server import LocalIndex
from tests.support.wheels import build_wheel


@pytest.fixture(autouse=True)
def no_interpreter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("fletlint.packager.build.find_interpreter", lambda *a: None)


@pytest.fixture
def flet_built(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    make_index: MakeIndex,
    flet_index: LocalIndex,
) -> tuple[Path, list[str]]:
    """An app built by `fletlint build`, then its Android site-packages installed as `flet build`
    installs them; returns the app folder and the index arguments."""
    extension_wheels(tmp_path / "wheels")
    index = make_index(tmp_path / "wheels")
    folder = tmp_path / "app"
    folder.mkdir()
    (folder / "requirements.txt").write_text("flet-gadget\n")
    (folder / "main.py").write_text("import flet_gadget\n")
    (folder / ".gitignore").write_text("build/\n")
    committed(folder)
    args = [*index_args(index, flet_index), "--python-version", "3.12", "--target", "android"]
    built = run_cli(capsys, "build", str(folder), *args)
    assert built.code == 0, built.err + built.out
    runs = pip_per_arch(
        "Android",
        ["flet-gadget"],
        folder / "build" / "site-packages",
        python_version="3.12",
        index_url=index.url,
        extra_index_url=flet_index.url,
        work=tmp_path / "pip-work",
    )
    assert all(r.ok for r in runs.values()), [r.output for r in runs.values()]
    return folder, args


def test_verify_passes_on_what_flet_build_installs(
    capsys: pytest.CaptureFixture[str], flet_built: tuple[Path, list[str]]
) -> None:
    folder, args = flet_built
    result = run_cli(capsys, "verify", str(folder), *args)
    assert result.code == 0, result.err + result.out
    assert "arm64-v8a, armeabi-v7a, x86_64 match" in result.err


def test_verify_without_a_lock_compares_with_the_lint(
    capsys: pytest.CaptureFixture[str], flet_built: tuple[Path, list[str]]
) -> None:
    folder, args = flet_built
    shutil.rmtree(folder / "build" / "fletlint")  # a plain `flet build`, no fletlint build
    result = run_cli(capsys, "verify", str(folder), *args)
    assert result.code == 0, result.err + result.out


def test_verify_names_package_and_abi_of_each_drift(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    flet_built: tuple[Path, list[str]],
) -> None:
    folder, args = flet_built
    site = folder / "build" / "site-packages"
    # arm64-v8a: the extension module is gone.
    (site / "arm64-v8a" / "fastthing" / "_speed.cpython-312-aarch64-linux-android.so").unlink()
    # armeabi-v7a: an older pure release where the native one was locked.
    shutil.rmtree(site / "armeabi-v7a" / "fastthing-2.1.0.dist-info")
    older = build_wheel(tmp_path / "older", "fastthing", "2.0.0")
    install_target(default_targets("3.12")[1], [older], site / "armeabi-v7a")
    # x86_64: a module built for the build machine, and a package nobody locked.
    with (site / "x86_64" / "fastthing-2.1.0.dist-info" / "RECORD").open("a") as record:
        record.write("fastthing/_host.cpython-312-x86_64-linux-gnu.so,,\n")
    (site / "x86_64" / "fastthing" / "_host.cpython-312-x86_64-linux-gnu.so").write_text("ELF\n")
    build_wheel(tmp_path / "extra", "sneaky", "1.0")
    install_target(
        default_targets("3.12")[2], [next((tmp_path / "extra").iterdir())], site / "x86_64"
    )

    result = run_cli(capsys, "verify", str(folder), *args)
    assert result.code == 1, result.err + result.out
    lines = result.out.splitlines()
    assert (
        "arm64-v8a: fastthing: fastthing/_speed.cpython-312-aarch64-linux-android.so is missing"
        in lines
    )
    assert "armeabi-v7a: fastthing: 2.0.0 installed, 2.1.0 expected" in lines
    assert "armeabi-v7a: fastthing: a native package with no extension module" in lines
    assert (
        "x86_64: fastthing: fastthing/_host.cpython-312-x86_64-linux-gnu.so is built for "
        "x86_64-linux-gnu, not x86_64" in lines
    )
    assert "x86_64: sneaky: 1.0 installed, not in the lock" in lines
    assert (
        "*: fastthing: version skew across android ABIs: 2.1.0 on arm64-v8a, 2.0.0 on "
        "armeabi-v7a, 2.1.0 on x86_64" in lines
    )
    assert "drift(s) between" in result.err


def test_verify_without_a_flet_build_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, pypi_index: LocalIndex
) -> None:
    (tmp_path / "requirements.txt").write_text("anyio\n")
    result = run_cli(capsys, "verify", str(tmp_path), "--lock", str(tmp_path / "nope.toml"))
    assert result.code == 2
    assert "no such lock" in result.err
