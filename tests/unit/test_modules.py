"""Import name → distribution: wheel contents, the host environment, the built-in table."""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Mapping

import pytest
from packaging.utils import canonicalize_name
from packaging.version import Version

from fletlint.linter import modules
from fletlint.linter.index.model import DistFile
from fletlint.linter.modules import ModuleIndex, modules_of_wheel, provides
from fletlint.linter.resolve import ResolvedPackage


def test_modules_of_wheel_regular_namespace_and_extension() -> None:
    names = [
        "yaml/__init__.py",
        "yaml/constructor.py",
        "_yaml/__init__.py",
        "six.py",
        "_cffi_backend.cpython-312-x86_64-linux-gnu.so",
        "google/protobuf/__init__.py",
        "google/protobuf/message.py",
        "pkg-1.0.dist-info/METADATA",
        "pkg-1.0.data/purelib/extra_mod/__init__.py",
        "pkg-1.0.data/scripts/tool",
    ]
    found = modules_of_wheel(names)
    assert found == frozenset(
        {"yaml", "_yaml", "six", "_cffi_backend", "google.protobuf", "extra_mod"}
    )
    assert provides("google.protobuf.message", found)
    assert not provides("google.auth", found)  # `google` is a namespace, not protobuf's


def _package(name: str, *files: DistFile) -> ResolvedPackage:
    return ResolvedPackage(canonicalize_name(name), Version("1.0"), files)


def _wheel(name: str) -> DistFile:
    return DistFile(
        filename=f"{name.replace('-', '_')}-1.0-py3-none-any.whl",
        url=f"https://example.invalid/{name}.whl",
        index="test",
        name=name,
        version=Version("1.0"),
        is_wheel=True,
    )


def test_cheap_guesses_need_no_archive_reads() -> None:
    reads: list[str] = []

    def reader(file: DistFile) -> tuple[str, ...]:
        reads.append(file.name)
        return ()

    index = ModuleIndex(reader, lambda name: (), host={"bs4": ("beautifulsoup4",)})
    packages = {
        canonicalize_name(n): _package(n, _wheel(n)) for n in ("pyyaml", "beautifulsoup4", "flet")
    }
    assert index.providers("yaml.constructor", packages) == ["pyyaml"]  # the table
    assert index.providers("bs4", packages) == ["beautifulsoup4"]  # the host
    assert index.providers("flet", packages) == ["flet"]  # the name itself
    assert reads == []


def test_wheel_contents_explain_unusual_names_and_are_read_once() -> None:
    reads: list[str] = []
    contents = {"toolbelt-utils": ("toolbelt/__init__.py",), "other": ("other/__init__.py",)}

    def reader(file: DistFile) -> tuple[str, ...]:
        reads.append(file.name)
        return contents[file.name]

    index = ModuleIndex(reader, lambda name: (), host={})
    packages = {canonicalize_name(n): _package(n, _wheel(n)) for n in ("toolbelt-utils", "other")}
    assert index.providers("toolbelt.sub", packages) == ["toolbelt-utils"]
    assert index.providers("missing_module", packages) == []
    assert sorted(reads) == ["other", "toolbelt-utils"]


def test_hint_names_the_distribution_to_declare() -> None:
    index = ModuleIndex(None, lambda name: (), host={"magic": ("python-magic",)})
    assert index.hint("cv2") == "opencv-python"
    assert index.hint("PIL.Image") == "pillow"
    assert index.hint("google.protobuf.message") == "protobuf"
    assert index.hint("magic") == "python-magic"
    assert index.hint("some_pkg.sub") == "some-pkg"


def test_the_installed_distributions_are_read_once_when_asked_from_two_threads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The check starts reading them on a thread of its own; FL101 may ask before it is done.
    reads: list[int] = []
    started, go_on = threading.Event(), threading.Event()

    @functools.lru_cache(maxsize=1)
    def read() -> dict[str, tuple[str, ...]]:
        reads.append(1)
        started.set()
        go_on.wait(5)
        return {"fancy_mod": ("Fancy-Dist",)}

    monkeypatch.setattr(modules, "_read_host_distributions", read)
    first = threading.Thread(target=modules.host_distributions)
    first.start()
    assert started.wait(5)
    answers: list[Mapping[str, tuple[str, ...]]] = []
    second = threading.Thread(target=lambda: answers.append(modules.host_distributions()))
    second.start()
    go_on.set()
    first.join(5)
    second.join(5)
    assert reads == [1]
    assert answers == [{"fancy_mod": ("Fancy-Dist",)}]


def test_the_installed_distributions_read_in_another_process_are_this_one_s() -> None:
    # Read elsewhere so that their 0.1 s of CPU is not the resolutions': the same answer.
    here = modules.read_host_distributions_here()
    assert modules._read_host_distributions_elsewhere() == here
    assert here["packaging"] == ("packaging",)  # a dependency of fletlint, installed beside it


def test_without_another_process_they_are_read_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    assert modules._read_host_distributions_elsewhere() is None
    read = modules._read_host_distributions.__wrapped__  # without the per-process cache
    assert read() == modules.read_host_distributions_here()
