"""Standard-library lists per Python version, and what phones lack."""

from __future__ import annotations

import sys

import pytest

from fletlint.linter.stdlib import (
    PYTHON_VERSIONS,
    is_stdlib,
    is_stdlib_anywhere,
    phone_gap,
    stdlib_modules,
    version_problem,
)


def test_the_running_python_matches_its_shipped_list() -> None:
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    if version not in PYTHON_VERSIONS:
        pytest.skip("no shipped list for this Python")
    shipped = stdlib_modules(version)
    public = {n for n in sys.stdlib_module_names if not n.startswith("_")}
    assert public <= shipped
    assert {n for n in shipped if not n.startswith("_")} <= public


@pytest.mark.parametrize(
    ("module", "python", "expected"),
    [
        ("distutils", "3.11", None),
        (
            "distutils.core",
            "3.12",
            "distutils was removed from the standard library in Python 3.12",
        ),
        ("imp", "3.12", "imp was removed from the standard library in Python 3.12"),
        ("asyncore", "3.14", "asyncore was removed from the standard library in Python 3.12"),
        ("cgi", "3.12", None),
        ("cgi", "3.13", "cgi was removed from the standard library in Python 3.13"),
        ("telnetlib", "3.13", "telnetlib was removed from the standard library in Python 3.13"),
        ("lib2to3", "3.13", "lib2to3 was removed from the standard library in Python 3.13"),
        ("tomllib", "3.10", "tomllib is new in Python 3.11"),
        ("annotationlib", "3.13", "annotationlib is new in Python 3.14"),
        ("compression.zstd", "3.14", None),
        ("dbm.sqlite3", "3.12", "dbm.sqlite3 is new in Python 3.13"),
        ("concurrent.interpreters", "3.13", "concurrent.interpreters is new in Python 3.14"),
        ("concurrent.futures", "3.12", None),
        ("requests", "3.12", None),  # not the standard library at all: not this module's concern
    ],
)
def test_version_problems(module: str, python: str, expected: str | None) -> None:
    assert version_problem(module, python) == expected


def test_is_stdlib_per_version() -> None:
    assert is_stdlib("os.path", "3.14")
    assert is_stdlib("imp", "3.11") and not is_stdlib("imp", "3.12")
    assert not is_stdlib("yaml", "3.12")
    assert is_stdlib_anywhere("distutils") and not is_stdlib_anywhere("flet")


@pytest.mark.parametrize(
    "module",
    ["tkinter", "tkinter.messagebox", "turtle", "idlelib", "curses", "readline", "dbm.gnu",
     "dbm.ndbm", "venv", "ensurepip", "winreg", "msvcrt"],
)  # fmt: skip
def test_modules_missing_on_both_phones(module: str) -> None:
    for platform in ("android", "ios"):
        gap = phone_gap(module, platform)
        assert gap is not None and gap.kind == "missing", (module, platform)


def test_process_start_is_its_own_kind() -> None:
    for platform in ("android", "ios"):
        gap = phone_gap("multiprocessing.pool", platform)
        assert gap is not None and gap.kind == "process" and gap.module == "multiprocessing"
    ios = phone_gap("subprocess", "ios")
    assert ios is not None and ios.kind == "process"
    assert phone_gap("subprocess", "android") is None


def test_modules_phones_have() -> None:
    for module in ("dbm", "dbm.dumb", "sqlite3", "ssl", "ctypes", "asyncio", "json", "grp"):
        assert phone_gap(module, "android") is None, module
        assert phone_gap(module, "ios") is None, module
