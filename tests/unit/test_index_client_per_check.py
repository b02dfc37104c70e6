"""State per check: problems, statistics and unreachable indexes belong to one check of a client
that serves many (a language server's), and an index that failed is asked again later."""

from __future__ import annotations

from pathlib import Path

import pytest

from fletlint.linter.index import client as client_module
from fletlint.linter.index.client import IndexClient
from fletlint.linter.index.model import IndexSource
from tests.support.index_server import LocalIndex


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
