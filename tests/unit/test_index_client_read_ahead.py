"""IndexClient reads metadata ahead of the resolver on a cold run, within bounds.

A real local index with range requests only (no PEP 658), as PyPI answers for most files: every
metadata read is a request to `/files/`, so the index's log shows what was read ahead.
`close()` waits for reads ahead, which makes the log complete when it is asserted.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from packaging.version import Version

from fletlint.linter.index import client as client_module
from fletlint.linter.index.client import READ_AHEAD, IndexClient
from fletlint.linter.index.model import DistFile
from tests.support import faults
from tests.support.faults import Faults
from tests.support.index_server import LocalIndex
from tests.support.wheels import build_wheel, wheel_filename
from tests.unit.conftest import ClientFactory

RELEASES = [f"1.{minor}" for minor in range(13)]  # 1.0 ... 1.12
CORRUPT = "1.9"  # served, but not a zip: its metadata cannot be read
# dep-broken's page answers 500; dep-c is wanted only for an extra.
WALKER_REQUIRES = ["dep-a", "dep-b>=1", "dep-broken", "dep-c; extra == 'fast'"]


@pytest.fixture
def walker_index(make_index: Callable[..., LocalIndex], tmp_path: Path) -> LocalIndex:
    root = tmp_path / "walker"
    for version in RELEASES:
        build_wheel(root, "walker", version, requires_dist=WALKER_REQUIRES)
    for dep in ("dep-a", "dep-b"):
        for version in ("1.0", "2.0", "3.0rc1"):
            build_wheel(root, dep, version)
    garbage = faults.rewrite(lambda data: b"PK\x03\x04 not a zip " + bytes(range(256)) * 8)
    index = make_index(root, pep658=False)
    rules = Faults().on(re.escape(wheel_filename("walker", CORRUPT)) + "$", garbage)
    return rules.on("/simple/dep-broken/$", faults.status(500)).install(index)


def _release(client: IndexClient, project: str, version: str) -> DistFile:
    (file,) = client.listing(project).by_version[Version(version)]
    return file


def _ask(client: IndexClient, *versions: str) -> None:
    """The resolver asking for these releases of `walker`, one after the other."""
    for version in versions:
        client.metadata(_release(client, "walker", version))


def _files_read(index: LocalIndex) -> set[str]:
    return {r.path.rsplit("/", 1)[1] for r in index.requests_to("/files/")}


def test_walking_back_reads_the_next_older_releases_ahead(
    walker_index: LocalIndex, client_factory: ClientFactory
) -> None:
    client = client_factory(walker_index.url)
    client.metadata(_release(client, "walker", "1.12"))
    assert _files_read(walker_index) == {wheel_filename("walker", "1.12")}

    # An older release after a newer one: the resolver is walking back through them.
    client.metadata(_release(client, "walker", "1.11"))
    client.close()

    ahead = [f"1.{minor}" for minor in range(10, 10 - READ_AHEAD, -1)]  # 1.10 ... 1.3
    expected = {wheel_filename("walker", v) for v in ["1.12", "1.11", *ahead]}
    assert _files_read(walker_index) == expected
    # 1.9 was read ahead and failed; unused, it is nobody's problem yet.
    assert client.problems == ()
    assert "metadata_missing" not in client.stats.extra


def test_a_jump_to_an_older_release_is_not_a_walk(
    walker_index: LocalIndex, client_factory: ClientFactory
) -> None:
    client = client_factory(walker_index.url)
    # 1.6 after 1.12 (a pin, an upper bound): one release wanted, nothing read ahead of it.
    _ask(client, "1.12", "1.6")
    client.close()
    assert _files_read(walker_index) == {wheel_filename("walker", v) for v in ("1.12", "1.6")}

    # The release just below one asked for: now it is a walk.
    client = client_factory(walker_index.url)
    _ask(client, "1.12", "1.6", "1.5")
    client.close()
    walked = ["1.12", "1.6", "1.5", *(f"1.{minor}" for minor in range(4, -1, -1))]
    assert _files_read(walker_index) == {wheel_filename("walker", v) for v in walked}


def test_a_failed_read_ahead_is_reported_once_used(
    walker_index: LocalIndex, client_factory: ClientFactory
) -> None:
    client = client_factory(walker_index.url)
    _ask(client, "1.12", "1.10")
    # Waiting for 1.9 (read ahead, or read now if its turn has not come): the failure is said
    # once it is used, exactly as when the resolver reads it itself.
    metadata = client.metadata(_release(client, "walker", CORRUPT))
    assert metadata.requires_dist == ()
    (problem,) = client.problems
    assert f"metadata of {wheel_filename('walker', CORRUPT)} could not be read" in problem.message
    assert client.stats.extra["metadata_missing"] == 1
    client.metadata(_release(client, "walker", CORRUPT))  # used again: said once
    assert len(client.problems) == 1 and client.stats.extra["metadata_missing"] == 1


def test_reads_ahead_stop_at_the_checks_budget(
    walker_index: LocalIndex, client_factory: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client_module, "READ_AHEAD_BUDGET", 3)
    client = client_factory(walker_index.url)
    _ask(client, "1.12", "1.11", "1.5")
    client.close()
    # 1.11 after 1.12 spends the budget on 1.10, 1.9, 1.8; walking on to 1.5 reads no more.
    read = {wheel_filename("walker", v) for v in ("1.12", "1.11", "1.10", "1.9", "1.8", "1.5")}
    assert _files_read(walker_index) == read


def test_dependencies_listings_come_with_their_newest_release(
    walker_index: LocalIndex, client_factory: ClientFactory, isolated_env: Path
) -> None:
    client = client_factory(walker_index.url)
    client.prefetch(["dep-a", "DEP_B"])
    client.close()
    # The newest final release of each (not the pre-release), nothing else.
    assert _files_read(walker_index) == {
        wheel_filename("dep-a", "2.0"),
        wheel_filename("dep-b", "2.0"),
    }
    assert client.problems == ()

    # A warm run finds them cached: no file is asked for, nothing is read ahead.
    walker_index.clear_requests()
    later = client_factory(walker_index.url)
    later.prefetch(["dep-a", "dep-b"])
    assert later.metadata(_release(later, "dep-a", "2.0")).name == "dep-a"
    later.close()
    assert walker_index.requests_to("/files/") == []


def test_offline_reads_nothing_ahead(
    walker_index: LocalIndex, client_factory: ClientFactory
) -> None:
    online = client_factory(walker_index.url)
    for version in ("1.12", "1.11"):
        online.metadata(_release(online, "walker", version))
    online.close()
    walker_index.clear_requests()

    offline = client_factory(walker_index.url, offline=True)
    offline.prefetch(["dep-a"])
    for version in ("1.12", "1.11"):
        offline.metadata(_release(offline, "walker", version))
    offline.close()
    assert walker_index.requests == []
    # Only what was asked for is missing from the cache (dep-a's listing): no guess reported.
    assert [p.message for p in offline.problems] == [
        f"{walker_index.url} is not in the cache (offline mode)"
    ]


def test_the_dependencies_of_a_newest_release_are_read_ahead_down_the_tree(
    walker_index: LocalIndex, client_factory: ClientFactory
) -> None:
    client = client_factory(walker_index.url)
    client.prefetch(["walker"])
    client.close()
    # walker's newest release, then its dependencies' listings and their newest releases; not
    # dep-c (wanted for an extra only), and dep-broken's failure is not reported: unused.
    pages = {r.path for r in walker_index.requests_to("/simple/")}
    assert pages == {"/simple/walker/", "/simple/dep-a/", "/simple/dep-b/", "/simple/dep-broken/"}
    assert _files_read(walker_index) == {
        wheel_filename("walker", "1.12"),
        wheel_filename("dep-a", "2.0"),
        wheel_filename("dep-b", "2.0"),
    }
    assert client.problems == ()


def test_a_listing_read_ahead_that_failed_is_reported_when_the_resolver_reads_it(
    walker_index: LocalIndex, client_factory: ClientFactory
) -> None:
    client = client_factory(walker_index.url)
    client.prefetch(["walker"])
    assert client.listing("dep-a").files  # read ahead or not, the same listing
    assert client.listing("dep-broken").files == ()
    (problem,) = client.problems
    assert "500" in problem.message


def test_a_one_shot_close_drops_the_reads_ahead_not_yet_started(
    walker_index: LocalIndex, client_factory: ClientFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One read-ahead thread, held up on the first guess (1.10): the others wait in its queue
    # when the client closes.
    monkeypatch.setattr(client_module, "READ_AHEAD_WORKERS", 1)
    first_guess = re.escape(wheel_filename("walker", "1.10")) + "$"
    Faults().on(first_guess, faults.slow(0.5, before_headers=True)).install(walker_index)
    client = client_factory(walker_index.url)
    client.metadata(_release(client, "walker", "1.12"))
    client.metadata(_release(client, "walker", "1.11"))  # walking back: 1.10 ... 1.3 guessed
    client.close(finish_reads_ahead=False)
    read = {wheel_filename("walker", v) for v in ("1.12", "1.11", "1.10")}
    assert _files_read(walker_index) == read  # the running guess finished, no other started
    assert client.problems == ()


def test_an_extra_asked_for_by_a_release_read_ahead_brings_its_dependencies(
    make_index: Callable[..., LocalIndex], client_factory: ClientFactory, tmp_path: Path
) -> None:
    # supabase-auth needs pyjwt[crypto]: cryptography (and what it needs) is read ahead too.
    root = tmp_path / "extras"
    build_wheel(root, "app-x", "1.0", requires_dist=["lib[fast]>=1"])
    build_wheel(
        root,
        "lib",
        "1.0",
        requires_dist=["plain-dep", "fast-dep; extra == 'fast'", "slow-dep; extra == 'slow'"],
        provides_extra=["fast", "slow"],
    )
    for dep in ("plain-dep", "fast-dep", "slow-dep"):
        build_wheel(root, dep, "1.0")
    index = make_index(root, pep658=False)
    client = client_factory(index.url)
    client.prefetch(["app-x"])
    client.close()
    pages = {r.path for r in index.requests_to("/simple/")}
    assert pages == {"/simple/app-x/", "/simple/lib/", "/simple/plain-dep/", "/simple/fast-dep/"}
    assert client.problems == ()


def test_a_native_projects_newest_release_is_read_ahead_from_its_first_wheel(
    make_index: Callable[..., LocalIndex], client_factory: ClientFactory, tmp_path: Path
) -> None:
    # cryptography has no pure wheel: its first wheel is what a desktop resolution reads, and
    # its dependencies (cffi) are read ahead from it.
    root = tmp_path / "native"
    for tag in ("cp312-cp312-manylinux_2_17_x86_64", "cp312-cp312-macosx_11_0_arm64"):
        build_wheel(root, "crypto-like", "2.0", tag=tag, requires_dist=["cffi-like"])
    build_wheel(root, "crypto-like", "1.0", tag="cp312-cp312-macosx_11_0_arm64")
    build_wheel(root, "cffi-like", "1.0")
    index = make_index(root, pep658=False)
    client = client_factory(index.url)
    client.prefetch(["crypto-like"])
    client.close()
    first = next(f for f in client.listing("crypto-like").by_version[Version("2.0")])
    assert _files_read(index) == {first.filename, wheel_filename("cffi-like", "1.0")}


def test_a_listing_read_ahead_asks_every_index_side_by_side(
    make_index: Callable[..., LocalIndex], client_factory: ClientFactory, tmp_path: Path
) -> None:
    # One after the other, each listing of a chain read ahead (realtime, pydantic,
    # pydantic-core) waited for two round trips. Both indexes' lib pages must be asked for
    # before either answers.
    first, second = tmp_path / "first", tmp_path / "second"
    build_wheel(first, "app-x", "1.0", requires_dist=["lib"])
    build_wheel(first, "lib", "1.0")
    build_wheel(second, "lib", "1.0", tag="cp312-cp312-android_24_arm64_v8a")
    barrier, met = threading.Barrier(2), list[bool]()
    indexes = [make_index(root, pep658=False) for root in (first, second)]
    for index in indexes:
        Faults().on("/simple/lib/$", faults.together(barrier, met)).install(index)
    client = client_factory(*(index.url for index in indexes))
    client.prefetch(["app-x"])
    client.close()
    # The read ahead's pair, then the listing's revalidations (the test indexes say max-age=0).
    assert met == [True] * 4
    assert {f.index for f in client.listing("lib").files} == {i.url for i in indexes}
