"""Shared fixtures: the package universe, local indexes, a hermetic environment, no internet.

The logic lives in tests/support; this file only wires it into pytest.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import netguard
from tests.support.index_server import LocalIndex
from tests.support.universe import Universe, build_universe

MakeIndex = Callable[..., LocalIndex]


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """No user pip config, cache or colours leak into a test; returns the fresh cache dir."""
    base = tmp_path_factory.mktemp("env")
    for key in list(os.environ):
        if key.startswith("PIP_"):
            monkeypatch.delenv(key)
    # An activated virtual environment's flet-cli would decide which Flet rules a check uses.
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    # os.devnull as the config file makes pip (and our pip-config reader) skip every
    # global, user and site config file.
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    cache = base / "fletlint-cache"
    for var, sub in (
        ("HOME", "home"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        (base / sub).mkdir()
        monkeypatch.setenv(var, str(base / sub))
    monkeypatch.setenv("FLETLINT_CACHE_DIR", str(cache))
    monkeypatch.setenv("NO_COLOR", "1")
    return cache


@pytest.fixture(autouse=True)
def no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection outside loopback raises NetworkAccessError."""
    netguard.install(monkeypatch)


@pytest.fixture(scope="session")
def universe(tmp_path_factory: pytest.TempPathFactory) -> Universe:
    return build_universe(tmp_path_factory.mktemp("universe"))


@pytest.fixture(scope="session")
def _pypi_index_server(universe: Universe) -> Iterator[LocalIndex]:
    with LocalIndex(universe.pypi_dir, yanked=universe.yanked) as index:
        yield index


@pytest.fixture(scope="session")
def _flet_index_server(universe: Universe) -> Iterator[LocalIndex]:
    with LocalIndex(universe.flet_dir) as index:
        yield index


def _fresh(index: LocalIndex) -> Iterator[LocalIndex]:
    """Hand a session server to one test with an empty request log, restored afterwards."""
    saved: dict[str, Any] = {
        "pep658": index.pep658,
        "json_api": index.json_api,
        "html_api": index.html_api,
        "yanked": dict(index.yanked),
        "auth": index.auth,
        "cache_control": index.cache_control,
    }
    index.start()  # no-op when running; restarts on the same port if a test stopped it
    index.up()
    index.clear_requests()
    yield index
    for key, value in saved.items():
        setattr(index, key, value)
    index.start()
    index.up()
    index.clear_requests()


@pytest.fixture
def pypi_index(_pypi_index_server: LocalIndex) -> Iterator[LocalIndex]:
    """The PyPI mirror of the universe (session server, request log cleared per test)."""
    yield from _fresh(_pypi_index_server)


@pytest.fixture
def flet_index(_flet_index_server: LocalIndex) -> Iterator[LocalIndex]:
    """Flet's mobile index of the universe (session server, request log cleared per test)."""
    yield from _fresh(_flet_index_server)


@pytest.fixture
def make_index() -> Iterator[MakeIndex]:
    """Factory for a started LocalIndex with special options; all are stopped after the test."""
    created: list[LocalIndex] = []

    def factory(root: Path, **options: Any) -> LocalIndex:
        index = LocalIndex(root, **options).start()
        created.append(index)
        return index

    yield factory
    for index in created:
        index.stop()
