"""Import rules and the findings that need more than resolution, end to end: real CLI, real
HTTP client, the local PyPI and Flet indexes of tests/support/universe.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import Run, check, project
from tests.support.index_server import LocalIndex

PY312 = ("--python-version", "3.12")
ANDROID = ("android_24_arm64_v8a", "android_24_armeabi_v7a", "android_24_x86_64")
IOS = (
    "ios_13_0_arm64_iphoneos",
    "ios_13_0_arm64_iphonesimulator",
    "ios_13_0_x86_64_iphonesimulator",
)


def _at(run: Run, code: str, path_end: str, line: int) -> list[dict[str, Any]]:
    return [
        f
        for f in run.json()["findings"]
        if f["code"] == code
        and f["location"]
        and f["location"]["path"].endswith(path_end)
        and f["location"]["line"] == line
    ]


def test_fl101_undeclared_import_with_location_and_distribution(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    app = project(
        tmp_path,
        "flet==0.86.6\ntoolbelt-utils==1.0.0\n",
        main__py="import flet as ft\nimport os\nimport toolbelt\nfrom helpers import x\n\n"
        "def run():\n    import cv2.aruco\n",
        helpers__py="import httpx  # installed through flet\n",
    )
    run = check(capsys, app, pypi_index, flet_index, *PY312)
    assert run.code == 1, run.out + run.err
    (finding,) = [f for f in run.json()["findings"] if f["code"] == "FL101"]
    assert finding["severity"] == "error"
    assert finding["package"] == "opencv-python"
    assert finding["location"]["path"].endswith("main.py")
    # `cv2.aruco` on line 7, columns 12..21 (end exclusive).
    loc = finding["location"]
    assert (loc["line"], loc["column"], loc["end_line"], loc["end_column"]) == (7, 12, 7, 21)
    assert set(finding["targets"]) == set(ANDROID + IOS)
    assert "ModuleNotFoundError" in finding["message"]
    # toolbelt comes from toolbelt-utils (read from its wheel), httpx transitively from flet,
    # os is the standard library and helpers is the app's own module: none is reported.


def test_fl101_guarded_import_is_a_warning_and_platform_only_dependency_names_targets(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    app = project(
        tmp_path,
        'flet==0.86.6\nwebsockets==15.0.1; platform_system == "Android"\n',
        main__py="try:\n    import yaml\nexcept ImportError:\n    yaml = None\nimport websockets\n",
    )
    run = check(capsys, app, pypi_index, flet_index, *PY312)
    assert run.code == 1, run.out  # websockets on iOS
    (yaml,) = _at(run, "FL101", "main.py", 2)
    assert yaml["severity"] == "warning" and yaml["package"] == "pyyaml"
    assert any("guarded" in note for note in yaml["notes"])
    (ws,) = _at(run, "FL101", "main.py", 5)
    assert ws["severity"] == "error"
    assert set(ws["targets"]) == set(IOS)  # declared for Android only


def test_fl101_reports_unparsable_files_as_info(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    app = project(tmp_path, "flet==0.86.6\n", main__py="import flet\n", broken__py="x = = 1\n")
    run = check(capsys, app, pypi_index, flet_index, *PY312)
    assert run.code == 0
    (info,) = _at(run, "FL101", "broken.py", 1)
    assert info["severity"] == "info"
    assert info["message"].startswith("imports not checked: syntax error")


def test_fl102_modules_missing_on_phones_and_in_the_bundled_python(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    app = project(
        tmp_path,
        "flet==0.86.6\n",
        main__py="import tkinter.messagebox\nfrom multiprocessing import Pool\nimport imp\n"
        "from dbm import gnu\nimport subprocess\n"
        "if sys.platform == 'win32':\n    import winreg\n",
    )
    run = check(capsys, app, pypi_index, flet_index, *PY312)
    assert run.code == 1
    (tk,) = _at(run, "FL102", "main.py", 1)
    assert tk["severity"] == "error" and tk["package"] == "tkinter"
    assert "does not exist on phones" in tk["message"]
    assert set(tk["targets"]) == set(ANDROID + IOS)
    (mp,) = _at(run, "FL102", "main.py", 2)
    assert mp["severity"] == "warning" and "starting a process fails" in mp["message"]
    (imp,) = _at(run, "FL102", "main.py", 3)
    assert imp["severity"] == "error"
    assert "removed from the standard library in Python 3.12" in imp["message"]
    (gnu,) = _at(run, "FL102", "main.py", 4)
    assert gnu["package"] == "dbm.gnu"
    (sub,) = _at(run, "FL102", "main.py", 5)
    assert sub["severity"] == "warning" and set(sub["targets"]) == set(IOS)
    (win,) = _at(run, "FL102", "main.py", 7)
    assert win["severity"] == "warning"  # behind a platform check
    assert "FL101" not in run.codes()  # the standard library is never "undeclared"


def test_fl102_module_new_in_a_later_python(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    app = project(tmp_path, "flet==0.86.6\n", main__py="import annotationlib\n")
    assert check(capsys, app, pypi_index, flet_index, "--python-version", "3.14").code == 0
    run = check(capsys, app, pypi_index, flet_index, "--python-version", "3.13")
    (finding,) = _at(run, "FL102", "main.py", 1)
    assert "annotationlib is new in Python 3.14" in finding["message"]


def test_fl001_is_repeated_at_the_import_that_pulls_in_the_blocker(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    app = project(
        tmp_path,
        "flet==0.86.6\npydantic==2.12.5\n",
        main__py="import flet\n\nfrom pydantic import BaseModel\n",
    )
    run = check(capsys, app, pypi_index, flet_index, *PY312)
    assert run.code == 1
    at_requirement = _at(run, "FL001", "requirements.txt", 2)
    assert [f["package"] for f in at_requirement] == ["pydantic-core"]
    (at_import,) = _at(run, "FL001", "main.py", 3)
    assert at_import["package"] == "pydantic-core"
    assert at_import["message"].startswith(
        "pydantic-core 2.41.5 (for import pydantic): no phone wheel"
    )
    assert [link["name"] for link in at_import["chain"]] == ["pydantic", "pydantic-core"]
    assert {a["version"] for a in at_import["available"]} == {"2.33.2", "2.47.0"}
    assert _at(run, "FL001", "main.py", 1) == []  # flet installs fine


def test_fl003_pure_and_native_sdists_are_told_apart(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    app = project(
        tmp_path,
        "flet==0.86.6\nonlysdist==1.0.0\nnativesdist==2.0.0\n",
        main__py="import onlysdist\nimport nativesdist\n",
    )
    run = check(capsys, app, pypi_index, flet_index, *PY312)
    assert run.code == 1
    (pure,) = _at(run, "FL003", "requirements.txt", 2)
    assert pure["notes"][0] == "sdist:pure"
    assert pure["message"].endswith("it is pure Python")
    assert "source_packages" in pure["notes"][1]
    (native,) = _at(run, "FL003", "requirements.txt", 3)
    assert native["notes"][0] == "sdist:native"
    assert "src/_speedups.c" in native["notes"][1]
    assert native["message"].endswith("it compiles native code")
    (pure_import,) = _at(run, "FL003", "main.py", 1)
    assert pure_import["message"].startswith("onlysdist 1.0.0 (for import onlysdist)")
    assert pure_import["notes"][0] == "sdist:pure"
    (native_import,) = _at(run, "FL003", "main.py", 2)
    assert native_import["notes"][0] == "sdist:native"


def test_fl103_sqlalchemy_greenlet_diverges_between_build_host_and_device(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    app = project(tmp_path, "flet==0.86.6\nsqlalchemy==2.0.44\n", main__py="import sqlalchemy\n")
    run = check(capsys, app, pypi_index, flet_index, *PY312)
    findings = [f for f in run.json()["findings"] if f["code"] == "FL103"]
    assert {f["package"] for f in findings} == {"greenlet"}
    by_direction = {("installs" in f["message"]): f for f in findings}
    # 32-bit Android (armv7l) does not need greenlet, but a Linux x86_64 host installs it.
    installs = by_direction[True]
    assert installs["targets"] == ["android_24_armeabi_v7a"]
    assert "Linux x86_64 build host" in installs["message"]
    assert installs["severity"] == "warning"  # greenlet has phone wheels: only dead weight
    assert installs["location"]["line"] == 2
    assert [link["name"] for link in installs["chain"]] == ["sqlalchemy", "greenlet"]
    # arm64/x86_64 devices need it, but an Apple Silicon host skips it.
    skips = by_direction[False]
    assert skips["severity"] == "error"
    assert "macOS arm64 build host" in skips["message"]
    assert set(skips["targets"]) == {
        "android_24_arm64_v8a",
        "android_24_x86_64",
        "ios_13_0_x86_64_iphonesimulator",
    }


def test_fl103_declared_sys_platform_marker_is_skipped_by_the_build(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    app = project(
        tmp_path,
        'flet==0.86.6\nwebsockets==15.0.1; sys_platform == "android"\n'
        'colorama==0.4.6; platform_system == "Android"\n',
    )
    run = check(capsys, app, pypi_index, flet_index, *PY312)
    (finding,) = [f for f in run.json()["findings"] if f["code"] == "FL103"]
    assert finding["package"] == "websockets"
    assert finding["severity"] == "error"
    assert finding["location"]["line"] == 2
    assert set(finding["targets"]) == set(ANDROID)
    assert '`sys_platform == "android"` is false' in finding["message"]
    assert "flet build skips websockets" in finding["message"]
    # platform_system is answered for the phone by flet build: colorama is fine.


def test_fl101_trusts_url_requirements_it_cannot_read(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    app = project(
        tmp_path,
        "flet==0.86.6\nmylib @ https://example.invalid/mylib-1.0-py3-none-any.whl\n",
        main__py="import mylib\nimport otherlib\n",
    )
    run = check(capsys, app, pypi_index, flet_index, *PY312)
    assert _at(run, "FL101", "main.py", 1) == []  # named like the URL requirement
    (other,) = _at(run, "FL101", "main.py", 2)
    # It may still come from the wheel behind the URL: a warning, and says why.
    assert other["severity"] == "warning"
    assert any("URL or path" in note for note in other["notes"])
