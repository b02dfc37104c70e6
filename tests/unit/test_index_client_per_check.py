"""State per check: problems, statistics and unreachable indexes belong to one check of a client
that serves many (a language server's), and an index that failed is asked again later."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fletlint.linter.index import client as client_module
from fletlint.linter.index.client import IndexClient
from fletlint.linter.index.model import IndexSource
from tests.conftest import MakeIndex
from tests.support.index_server import LocalIndex
from tests.support.wheels import build_wheel, wheel_filename


def test_an_index_that_comes_back_is_read_again_after_its_back_off(
    tmp_path: Path, pypi_index: LocalIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client_module, "RETRY_FIRST", 0.0)
    with IndexClient([IndexSource(pypi_index.url)], cache_dir=tmp_path) as client:
        pypi_index.down()
        client.begin_check()
        assert client.listing("anyio").files == ()
        assert [p.index for p in client.problems] == [pypi_index.url]
        assert client.stats.requests >= 1
        pypi_index.up()
        client.begin_check()
        assert client.problems == ()  # a new check starts without the last one's problems
        assert client.stats.requests == 0
        assert {f.filename for f in client.listing("anyio").files} == {
            "anyio-4.9.0-py3-none-any.whl"
        }
        assert client.problems == ()


def test_while_backing_off_each_check_still_reports_the_index(
    tmp_path: Path, pypi_index: LocalIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client_module, "RETRY_FIRST", 3600.0)
    with IndexClient([IndexSource(pypi_index.url)], cache_dir=tmp_path) as client:
        pypi_index.down()
        client.begin_check()
        client.listing("anyio")
        [first] = client.problems
        pypi_index.up()
        pypi_index.clear_requests()
        client.begin_check()
        assert client.listing("anyio").files == ()  # not asked again yet
        assert client.problems == (first,)  # and this check says so too
        assert pypi_index.requests == []


def test_a_host_that_could_not_be_connected_to_is_asked_again_after_the_back_off(
    tmp_path: Path, make_index: MakeIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Later processes skip it for a while (test_index_client_cache.py); a long-lived client
    # (the language server's) keeps its own back-off, and forgets the host once it answers.
    monkeypatch.setattr(client_module, "RETRY_FIRST", 0.0)
    build_wheel(tmp_path / "index", "anyio", "4.9.0")
    index = make_index(tmp_path / "index")
    url = index.url
    index.stop()
    cache = tmp_path / "cache"
    with IndexClient([IndexSource(url)], cache_dir=cache) as client:
        client.begin_check()
        assert client.listing("anyio").files == ()
        [problem] = client.problems
        assert "cannot reach" in problem.message
        assert json.loads((cache / "unreachable-v1.json").read_text()) != {}
        index.start()
        client.begin_check()
        assert [f.filename for f in client.listing("anyio").files] == [
            wheel_filename("anyio", "4.9.0")
        ]
        assert client.problems == ()
    assert json.loads((cache / "unreachable-v1.json").read_text()) == {}
