"""The index client's caches across processes: revalidation, page identity, pruning, the
unreachable-host memory and lazy imports, against real local indexes (tests/support/index_server.py).

A "later process" is a new IndexClient on the same cache folder: it shares nothing in memory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from fletlint.linter.index import cache as cache_module
from fletlint.linter.index import client as client_module
from fletlint.linter.index.cache import CacheBounds, CacheEntry
from fletlint.linter.index.client import IndexClient
from fletlint.linter.index.page_worker import PageParser
from fletlint.linter.index.urls import make_source
from tests.conftest import MakeIndex
from tests.support.index_server import LocalIndex
from tests.support.wheels import build_wheel, wheel_filename
from tests.unit.conftest import ClientFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def bodies_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every body in a file of its own and every listing kept parsed, as big project pages
    are (the test pages are small)."""
    monkeypatch.setattr(cache_module, "INLINE_BODY_BYTES", 0)
    monkeypatch.setattr(client_module, "LISTING_STORE_MIN_BYTES", 0)


def _files(folder: Path) -> dict[Path, tuple[int, int]]:
    """Every cache file with its inode and mtime: a rewrite (atomic rename) changes both."""
    return {
        p: (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }


def _never(*args: object, **kwargs: object) -> object:
    raise AssertionError("called on a page that did not change")


# ------------------------------------------------------------------------ layout


def test_the_http_cache_and_the_listings_are_one_folder_each(
    pypi_index: LocalIndex, client_factory: ClientFactory, isolated_env: Path, bodies_apart: None
) -> None:
    # No fan-out folders: on a cold check, making them cost more kernel time than the files.
    client = client_factory(pypi_index.url)
    client.prefetch(["anyio", "httpx", "pydantic", "pydantic-core"])
    client.metadata(client.listing("anyio").files[0])
    client.close()  # its reads ahead written too
    for folder in ("http-v3", "listings-v3"):
        entries = list((isolated_env / folder).iterdir())
        assert len(entries) >= 4
        assert all(e.is_file() for e in entries), folder


def test_a_released_files_values_keep_their_body_in_their_header_file(
    pypi_index: LocalIndex, client_factory: ClientFactory, isolated_env: Path, bodies_apart: None
) -> None:
    # Even where every page's body has a file of its own: metadata is read whenever its header
    # is, and a second file is a second creation on a cold check.
    client = client_factory(pypi_index.url)
    first = client.listing("anyio").files[0]
    expected = client.metadata(first)
    client.close()
    headers = [
        json.loads(p.read_bytes().split(b"\n", 1)[0])
        for p in (isolated_env / "http-v3").iterdir()
        if "." not in p.name  # a body apart is `<key>.<sha256>`
    ]
    kept = [h for h in headers if h["immutable"]]
    assert kept and all(h["body"] is None for h in kept)
    assert any(h["body"] is not None for h in headers if not h["immutable"])  # pages apart
    again = client_factory(pypi_index.url, offline=True)
    assert again.metadata(first) == expected  # read back from the one file
    again.close()


# ------------------------------------------------------------------------ revalidation


def test_a_304_reuses_the_stored_body_and_parsed_listing_without_rewriting_them(
    pypi_index: LocalIndex,
    client_factory: ClientFactory,
    isolated_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    bodies_apart: None,
) -> None:
    first = client_factory(pypi_index.url).listing("pydantic-core")
    listings = _files(isolated_env / "listings-v3")
    bodies = {p: s for p, s in _files(isolated_env / "http-v3").items() if "." in p.name}
    assert len(listings) == 1 and len(bodies) == 1
    pypi_index.clear_requests()

    # The page is stale at once (max-age=0): the later process revalidates it. Neither the
    # parse nor the body may be touched when the index answers 304.
    monkeypatch.setattr(PageParser, "parse", _never)  # every index page is parsed there
    monkeypatch.setattr(client_module, "parse_html_page", _never)  # find-links pages
    monkeypatch.setattr(CacheEntry, "read_body", _never)
    later = client_factory(pypi_index.url)
    assert later.listing("pydantic-core").files == first.files

    (request,) = pypi_index.requests
    assert request.is_conditional and request.status == 304
    assert "if-none-match" in request.headers and "if-modified-since" in request.headers
    assert later.stats.not_modified == 1 and later.stats.conditional_requests == 1
    assert _files(isolated_env / "listings-v3") == listings  # not parsed, not written again
    after = {p: s for p, s in _files(isolated_env / "http-v3").items() if "." in p.name}
    assert after == bodies  # only the small header was written


def test_a_page_that_changed_is_downloaded_and_parsed_again(
    tmp_path: Path,
    make_index: MakeIndex,
    client_factory: ClientFactory,
    isolated_env: Path,
    bodies_apart: None,
) -> None:
    root = tmp_path / "index"
    build_wheel(root, "anyio", "4.8.0")
    index = make_index(root)
    assert [f.filename for f in client_factory(index.url).listing("anyio").files] == [
        wheel_filename("anyio", "4.8.0")
    ]
    build_wheel(root, "anyio", "4.9.0")  # a new release: a new ETag
    index.clear_requests()

    later = client_factory(index.url)
    assert sorted(f.filename for f in later.listing("anyio").files) == [
        wheel_filename("anyio", "4.8.0"),
        wheel_filename("anyio", "4.9.0"),
    ]
    (request,) = index.requests
    assert request.is_conditional and request.status == 200
    assert len(_files(isolated_env / "listings-v3")) == 2  # one listing per page identity


def test_a_small_page_is_parsed_again_instead_of_kept_parsed(
    tmp_path: Path, make_index: MakeIndex, client_factory: ClientFactory, isolated_env: Path
) -> None:
    # A page under LISTING_STORE_MIN_BYTES costs less to parse than a file in the store.
    root = tmp_path / "index"
    build_wheel(root, "anyio", "4.8.0")
    index = make_index(root)
    first = client_factory(index.url).listing("anyio").files
    assert not (isolated_env / "listings-v3").exists() or _files(isolated_env / "listings-v3") == {}
    later = client_factory(index.url).listing("anyio").files
    assert later == first


def test_a_body_lost_after_its_header_was_read_is_fetched_again(
    pypi_index: LocalIndex, client_factory: ClientFactory, isolated_env: Path, bodies_apart: None
) -> None:
    first = client_factory(pypi_index.url).listing("anyio")
    # Another process pruned the body and the parsed listing, not the header.
    for path in _files(isolated_env):
        if "listings-v3" in path.parts or ("http-v3" in path.parts and "." in path.name):
            path.unlink()
    pypi_index.clear_requests()
    later = client_factory(pypi_index.url)
    assert later.listing("anyio").files == first.files
    assert later.problems == ()
    statuses = [(r.is_conditional, r.status) for r in pypi_index.requests]
    assert statuses == [(True, 304), (False, 200)]


# ------------------------------------------------------------------------ unreachable hosts


def _unreachable_record(cache: Path) -> dict[str, list[object]]:
    data: dict[str, list[object]] = json.loads((cache / "unreachable-v1.json").read_text())
    return data


def test_an_unreachable_index_is_remembered_for_later_processes(
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
    client_factory: ClientFactory,
    isolated_env: Path,
) -> None:
    flet_url = flet_index.url
    flet_index.stop()  # nothing listens: the connection fails, as with a name DNS cannot find
    first = client_factory(pypi_index.url, flet_url, snapshot_index=flet_url)
    first_files = first.listing("pydantic-core").files
    (problem,) = first.problems
    assert problem.index == flet_url and "cannot reach" in problem.message
    assert problem.fallback is not None  # the snapshot answered
    host = f"127.0.0.1:{flet_index.port}"
    assert list(_unreachable_record(isolated_env)) == [host]

    flet_index.start()  # back on the same port, but a later process does not ask it yet
    flet_index.clear_requests()
    later = client_factory(pypi_index.url, flet_url, snapshot_index=flet_url)
    assert later.listing("pydantic-core").files == first_files
    assert later.problems == first.problems  # the same words, the same fallback
    assert flet_index.requests == []
    assert later.stats.extra.get("unreachable_skipped", 0) >= 1

    # Once the remembered time has passed, the index is asked again and forgotten.
    record = _unreachable_record(isolated_env)
    record[host][0] = time.time() - 1
    (isolated_env / "unreachable-v1.json").write_text(json.dumps(record))
    again = client_factory(pypi_index.url, flet_url, snapshot_index=flet_url)
    assert not any(f.from_snapshot for f in again.listing("pydantic-core").files)
    assert again.problems == ()
    assert flet_index.requests
    assert _unreachable_record(isolated_env) == {}


def test_an_index_that_answers_with_an_error_is_not_remembered(
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
    client_factory: ClientFactory,
    isolated_env: Path,
) -> None:
    flet_index.down()  # it answers 503: reachable, so the next process asks again
    client = client_factory(pypi_index.url, flet_index.url)
    client.listing("msgpack")
    (problem,) = client.problems
    assert "503" in problem.message
    assert not (isolated_env / "unreachable-v1.json").exists()


def test_a_damaged_unreachable_record_is_ignored(
    pypi_index: LocalIndex, client_factory: ClientFactory, isolated_env: Path
) -> None:
    host = pypi_index.url.split("/")[2]
    isolated_env.mkdir(parents=True, exist_ok=True)
    for damaged in ("{", "[1]", json.dumps({host: "x"}), json.dumps({host: [1e18, "far"]})):
        (isolated_env / "unreachable-v1.json").write_text(damaged)
        client = client_factory(pypi_index.url)
        assert client.listing("anyio").files, damaged
        assert client.problems == (), damaged


# ------------------------------------------------------------------------ pruning


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def test_pruning_keeps_each_cache_within_its_bound(
    pypi_index: LocalIndex,
    isolated_env: Path,
    bodies_apart: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    names = ["anyio", "httpx", "pydantic", "pydantic-core", "postgrest", "msgpack", "numpy"]
    with IndexClient([make_source(pypi_index.url)], cache_dir=isolated_env) as filler:
        filler.prefetch(names)
        filler.metadata(filler.listing("anyio").files[0])
        # Closed with the default bounds: nothing this small is pruned.
    unbounded_http = _size(isolated_env / "http-v3")
    unbounded_listings = _size(isolated_env / "listings-v3")
    assert unbounded_http and unbounded_listings
    # Older formats' leftovers:
    for retired in ("http-v1", "http-v2", "listings-v2", "resolutions-v1"):
        (isolated_env / retired / "ab").mkdir(parents=True)
        (isolated_env / retired / "ab" / "entry").write_bytes(b"old")
    # One stale entry, far beyond the age bound; and a temp file a crash left.
    # Not anyio's listing: the client below reads that one back, which marks it used.
    old = next(
        p
        for p in sorted((isolated_env / "listings-v3").rglob("*"))
        if p.is_file() and b"anyio" not in p.read_bytes()
    )
    long_ago = time.time() - 90 * 86400
    os.utime(old, (long_ago, long_ago))
    crash = old.parent / ".tmp-crashed"
    crash.write_bytes(b"half")
    os.utime(crash, (long_ago, long_ago))

    monkeypatch.setattr(cache_module, "_pruned", set())  # as in a later process
    bounds = CacheBounds(
        http_bytes=unbounded_http // 2,
        listing_bytes=unbounded_listings * 3 // 4,
        unused_for=30 * 86400,
        prune_every=0.0,
    )
    client = IndexClient([make_source(pypi_index.url)], cache_dir=isolated_env, cache_bounds=bounds)
    client.listing("anyio")
    client.close()  # prunes: the first close of this cache folder in this process
    assert 0 < _size(isolated_env / "http-v3") <= bounds.http_bytes
    assert 0 < _size(isolated_env / "listings-v3") <= bounds.listing_bytes
    assert not old.exists() and not crash.exists()
    assert not any((isolated_env / r).exists() for r in ("http-v1", "http-v2", "listings-v2"))
    # Every header left has its body: a header and its body go together.
    for header in (isolated_env / "http-v3").rglob("*"):
        if header.is_file() and "." not in header.name:
            body = json.loads(header.read_bytes().partition(b"\n")[0])["body"]
            assert body is None or (header.parent / body).is_file()

    # Once per process, and once per `prune_every` across processes (the stamp).
    assert cache_module.prune(isolated_env, {"listings-v3": 0}, bounds) is False
    assert (isolated_env / "pruned-v1").is_file()
    # What was pruned is a miss, nothing worse.
    with IndexClient([make_source(pypi_index.url)], cache_dir=isolated_env) as later:
        later.prefetch(names)
        assert later.problems == ()


def test_the_prune_stamp_spares_the_next_processes(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    entry = cache / "listings-v3" / "abcd"
    entry.parent.mkdir(parents=True)
    entry.write_bytes(b"x" * 100)
    (cache / "pruned-v1").write_bytes(b"")  # another process pruned a moment ago
    assert cache_module.prune(cache, {"listings-v3": 0}, CacheBounds()) is False
    assert entry.exists()


# ------------------------------------------------------------------------ lazy imports


def test_a_warm_run_whose_pages_are_fresh_sets_up_no_connection(
    pypi_index: LocalIndex, isolated_env: Path
) -> None:
    pypi_index.cache_control = "max-age=600"
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from fletlint.linter.index.client import IndexClient
        from fletlint.linter.index.urls import make_source

        with IndexClient([make_source(sys.argv[1])], cache_dir=Path(sys.argv[2])) as client:
            wheel = client.listing("postgrest").files[0]
            client.metadata(wheel)
            print(client.stats.requests > 0, "fletlint.linter.index.transport" in sys.modules)
        """
    )

    def run() -> str:
        command = [sys.executable, "-c", script, pypi_index.url, str(isolated_env)]
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=True)
        return done.stdout.strip()

    assert run() == "True True"  # cold: requests, so the transport
    assert run() == "False False"  # warm: the cache answers, no connection is ever set up
