"""IndexClient.archive_names and IndexClient.download: looking inside files, cached."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fletlint.linter.index.client import IndexClient
from fletlint.linter.index.urls import make_source
from tests.support.index_server import LocalIndex
from tests.support.wheels import build_sdist, build_wheel


@pytest.fixture
def big_index(make_index: Callable[..., LocalIndex], tmp_path: Path) -> tuple[LocalIndex, Path]:
    rng = random.Random(2)
    payload = "".join(rng.choice("0123456789abcdef") for _ in range(400_000))
    root = tmp_path / "index"
    build_wheel(
        root,
        "toolbelt-utils",
        "1.0.0",
        files={"toolbelt/__init__.py": "", "toolbelt/blob.txt": payload},
    )
    build_sdist(root, "nativesdist", "2.0.0", native=True)
    return make_index(root, pep658=False), tmp_path / "cache"


@pytest.fixture
def clients() -> Iterator[list[IndexClient]]:
    made: list[IndexClient] = []
    yield made
    for client in made:
        client.close()


def _client(
    index: LocalIndex, cache: Path, made: list[IndexClient], offline: bool = False
) -> IndexClient:
    client = IndexClient([make_source(index.url)], cache_dir=cache, timeout=5.0, offline=offline)
    made.append(client)
    return client


def test_archive_names_by_range_requests_then_from_cache(
    big_index: tuple[LocalIndex, Path], clients: list[IndexClient]
) -> None:
    index, cache = big_index
    client = _client(index, cache, clients)
    (wheel,) = client.listing("toolbelt-utils").files
    names = client.archive_names(wheel)
    assert "toolbelt/__init__.py" in names
    assert "toolbelt_utils-1.0.0.dist-info/METADATA" in names
    file_requests = index.requests_to("/files/")
    # The central directory only: every request is a range, none downloads the 400 kB wheel.
    assert file_requests and all(r.is_range and r.status == 206 for r in file_requests)
    assert client.archive_names(wheel) == names  # memoized: no new request
    assert len(index.requests_to("/files/")) == len(file_requests)

    index.clear_requests()
    offline = _client(index, cache, clients, offline=True)
    (same,) = offline.listing("toolbelt-utils").files
    assert offline.archive_names(same) == names  # from the disk cache
    assert index.requests_to("/files/") == []


def test_download_reads_a_whole_sdist_once_and_caches_it(
    big_index: tuple[LocalIndex, Path], clients: list[IndexClient]
) -> None:
    index, cache = big_index
    client = _client(index, cache, clients)
    (sdist,) = client.listing("nativesdist").files
    data = client.download(sdist)
    assert data is not None and data[:2] == b"\x1f\x8b"  # gzip
    assert client.download(sdist) is data
    assert len(index.requests_to("/files/")) == 1

    index.clear_requests()
    offline = _client(index, cache, clients, offline=True)
    (same,) = offline.listing("nativesdist").files
    assert offline.download(same) == data
    assert index.requests_to("/files/") == []


def test_unreadable_files_give_empty_answers(
    big_index: tuple[LocalIndex, Path], clients: list[IndexClient], tmp_path: Path
) -> None:
    index, _ = big_index
    client = _client(index, tmp_path / "fresh-cache", clients, offline=True)
    # Offline with an empty cache: no listing either, so build the question by hand.
    online = _client(index, tmp_path / "other-cache", clients)
    (wheel,) = online.listing("toolbelt-utils").files
    (sdist,) = online.listing("nativesdist").files
    assert client.archive_names(wheel) == ()
    assert client.download(sdist) is None
    assert online.archive_names(sdist) == ()  # an sdist has no zip directory to read
