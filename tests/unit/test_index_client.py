"""IndexClient against real local HTTP indexes (tests/support/index_server.py) and real files."""

from __future__ import annotations

import hashlib
import json
import random
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

from packaging.version import Version

from fletlint.linter.index.cache import default_cache_dir
from fletlint.linter.index.client import IndexClient
from fletlint.linter.index.model import DistFile, IndexSource
from fletlint.linter.index.urls import make_source, redact_text, redact_url
from tests.support import faults
from tests.support.faults import Faults
from tests.support.index_server import LocalIndex
from tests.support.universe import Universe
from tests.support.wheels import build_sdist, build_wheel, wheel_filename, write_file_index
from tests.unit.conftest import ClientFactory


def _summary(files: tuple[DistFile, ...]) -> list[tuple[object, ...]]:
    return sorted(
        (f.filename, f.url, f.version, f.yanked, str(f.requires_python), f.hashes, f.metadata_url)
        for f in files
    )


def _file(client: IndexClient, project: str, filename: str) -> DistFile:
    return next(f for f in client.listing(project).files if f.filename == filename)


# ------------------------------------------------------------------------------ listings


def test_json_and_html_pages_give_the_same_listing(
    pypi_index: LocalIndex, client_factory: ClientFactory, tmp_path: Path
) -> None:
    via_json = client_factory(pypi_index.url, cache_dir=tmp_path / "a").listing("pydantic-core")
    pypi_index.json_api = False
    via_html = client_factory(pypi_index.url, cache_dir=tmp_path / "b").listing("Pydantic_Core")

    assert via_json.name == via_html.name == "pydantic-core"
    # Desktop wheels cannot install on a phone: one per release is kept (to know the release has
    # wheels and to read its metadata), with every sdist. Published: 2.41.5: 3 linux + 1 mac +
    # sdist; 2.33.2: 3 linux + sdist.
    assert sorted((str(f.version), f.is_wheel) for f in via_json.files) == [
        ("2.33.2", False),
        ("2.33.2", True),
        ("2.41.5", False),
        ("2.41.5", True),
    ]
    assert _summary(via_json.files) == _summary(via_html.files)
    assert all(f.hashes and f.hashes[0][0] == "sha256" for f in via_html.files)
    # Relative hrefs resolved against the page URL.
    assert all(f.url.startswith(pypi_index.files_url) for f in via_html.files)
    # We asked for JSON first, HTML as fallback, and the server honoured both preferences.
    accept = pypi_index.requests_to("/simple/pydantic-core/")[0].headers["accept"]
    assert accept.startswith("application/vnd.pypi.simple.v1+json")


def test_listing_merges_all_indexes_like_pip(
    pypi_index: LocalIndex, flet_index: LocalIndex, client_factory: ClientFactory
) -> None:
    client = client_factory(pypi_index.url, flet_index.url)
    files = client.listing("pydantic-core").files
    by_index = {f.index for f in files}
    assert by_index == {pypi_index.url, flet_index.url}
    flet_versions = {f.version for f in files if f.index == flet_index.url}
    assert flet_versions == {Version("2.33.2"), Version("2.47.0")}
    mobile = [f for f in files if any(t.platform == "android_24_arm64_v8a" for t in f.tags)]
    assert mobile and all(f.index == flet_index.url for f in mobile)
    assert client.problems == ()


def test_yanked_requires_python_and_missing_project(
    pypi_index: LocalIndex, client_factory: ClientFactory
) -> None:
    client = client_factory(pypi_index.url)
    yanked = {f.version: f.yanked for f in client.listing("yankedpkg").files}
    assert yanked == {Version("1.0.0"): True, Version("0.9.0"): False}
    gates = {f.version: str(f.requires_python) for f in client.listing("newpython").files}
    assert gates == {Version("2.0.0"): ">=3.13", Version("1.0.0"): ">=3.8"}
    # A 404 means "no such project here", which is an answer, not an unreadable index.
    assert client.listing("does-not-exist").files == ()
    assert client.problems == ()


def test_prefetch_fetches_concurrently_then_memoizes(
    pypi_index: LocalIndex, client_factory: ClientFactory
) -> None:
    names = ["supabase", "postgrest", "realtime", "websockets", "httpx", "anyio", "pydantic"]
    client = client_factory(pypi_index.url, max_workers=4)
    pages = {f"/simple/{n}/" for n in names}

    def asked() -> list[str]:
        # Other pages may be read ahead meanwhile (the dependencies of the newest releases).
        return sorted(r.path for r in pypi_index.requests_to("/simple/") if r.path in pages)

    client.prefetch([*names, "HTTPX"])
    assert asked() == sorted(pages)  # each once
    assert {f.name for n in names for f in client.listing(n).files} == set(names)
    assert asked() == sorted(pages)  # served from memory


# ------------------------------------------------------------------------------ metadata


def test_metadata_from_pep658_file(pypi_index: LocalIndex, client_factory: ClientFactory) -> None:
    client = client_factory(pypi_index.url)
    wheel = _file(client, "postgrest", wheel_filename("postgrest", "2.20.0"))
    assert wheel.metadata_url == wheel.url + ".metadata"
    meta = client.metadata(wheel)
    assert meta.name == "postgrest" and meta.version == Version("2.20.0")
    assert sorted(r.name for r in meta.requires_dist) == ["httpx", "pydantic"]
    file_requests = pypi_index.requests_to("/files/")
    assert [r.path for r in file_requests] == [f"/files/{wheel.filename}.metadata"]
    assert client.stats.extra["metadata_pep658"] == 1


_PHONE_TAGS = (
    "cp312-cp312-android_24_arm64_v8a",
    "cp312-cp312-android_24_x86_64",
    "cp312-cp312-ios_13_0_arm64_iphoneos",
)


def _per_platform_index(make_index: Callable[..., LocalIndex], root: Path) -> LocalIndex:
    """`native` 1.0 with the same METADATA in three phone wheels; 2.0 with two that differ."""
    for tag in _PHONE_TAGS:
        build_wheel(root, "native", "1.0", tag=tag, requires_dist=["dep>=1"])
    build_wheel(root, "native", "2.0", tag=_PHONE_TAGS[0], requires_dist=["dep>=2"])
    build_wheel(root, "native", "2.0", tag=_PHONE_TAGS[1], requires_dist=["dep>=3"])
    return make_index(root)


def test_wheels_whose_metadata_has_one_hash_are_read_once(
    make_index: Callable[..., LocalIndex], client_factory: ClientFactory, tmp_path: Path
) -> None:
    index = _per_platform_index(make_index, tmp_path / "native")
    client = client_factory(index.url)
    wanted = {f.filename: f for f in client.listing("native").files}
    read = {name: [str(r) for r in client.metadata(f).requires_dist] for name, f in wanted.items()}
    assert read == {
        **{wheel_filename("native", "1.0", tag): ["dep>=1"] for tag in _PHONE_TAGS},
        wheel_filename("native", "2.0", _PHONE_TAGS[0]): ["dep>=2"],
        wheel_filename("native", "2.0", _PHONE_TAGS[1]): ["dep>=3"],
    }
    # One request for 1.0's three wheels (their hashes are equal), one for each 2.0 wheel.
    asked = [r.path for r in index.requests_to("/files/")]
    assert len(asked) == 3 and all(p.endswith(".metadata") for p in asked)
    assert client.problems == ()


def test_a_failed_shared_metadata_read_leaves_each_file_its_own(
    make_index: Callable[..., LocalIndex], client_factory: ClientFactory, tmp_path: Path
) -> None:
    index = _per_platform_index(make_index, tmp_path / "native")
    first = wheel_filename("native", "1.0", _PHONE_TAGS[0])
    Faults().on(re.escape(first) + r"\.metadata$", faults.status(500)).install(index)
    client = client_factory(index.url)
    files = [f for f in client.listing("native").files if f.version == Version("1.0")]
    files.sort(key=lambda f: f.filename != first)  # the failing one first
    assert [[str(r) for r in client.metadata(f).requires_dist] for f in files] == [["dep>=1"]] * 3
    # The first is read from its wheel, whose METADATA hashes to the sha256 the page gives:
    # those bytes answer the others (equal digests, equal bytes); the failure answers no one.
    asked = [r.path.rsplit("/", 1)[1] for r in index.requests_to("/files/")]
    assert asked.count(first + ".metadata") == 1 and first in asked
    assert [a for a in asked if a.endswith(".metadata")] == [first + ".metadata"]
    assert client.problems == ()


def test_metadata_is_cached_once_per_sha256(
    make_index: Callable[..., LocalIndex],
    client_factory: ClientFactory,
    tmp_path: Path,
    isolated_env: Path,
) -> None:
    # 1.0's three phone wheels share one METADATA sha256: one cache entry, which serves all
    # three in a later process; 2.0's two wheels differ: an entry each.
    index = _per_platform_index(make_index, tmp_path / "native")
    client = client_factory(index.url)
    listing = client.listing("native")

    def entries() -> int:
        return sum(1 for p in isolated_env.rglob("*") if p.is_file())

    before = entries()
    for file in listing.by_version[Version("1.0")]:
        client.metadata(file)
    after_one = entries()
    for file in listing.by_version[Version("2.0")]:
        client.metadata(file)
    assert (after_one - before, entries() - after_one) == (1, 2)
    client.close()
    index.clear_requests()
    later = client_factory(index.url)
    again = later.listing("native").by_version[Version("1.0")]
    assert [[str(r) for r in later.metadata(f).requires_dist] for f in again] == [["dep>=1"]] * 3
    later.close()
    assert index.requests_to("/files/") == []


def test_metadata_shared_by_digest_is_checked_against_that_digest(
    make_index: Callable[..., LocalIndex], client_factory: ClientFactory, tmp_path: Path
) -> None:
    # An index that gives its file the sha256 of another project's metadata (with an md5 that
    # matches its own): what it serves must not become that other project's metadata.
    root = tmp_path / "two"
    good = build_wheel(root, "good", "1.0", requires_dist=["dep-good"])
    evil = build_wheel(root, "evil", "1.0", requires_dist=["dep-evil"])

    def metadata_of(wheel: Path) -> bytes:
        with zipfile.ZipFile(wheel) as archive:
            name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
            return archive.read(name)

    claimed = {
        "md5": hashlib.md5(metadata_of(evil)).hexdigest(),
        "sha256": hashlib.sha256(metadata_of(good)).hexdigest(),
    }

    def lie(body: bytes) -> bytes:
        page = json.loads(body)
        for entry in page["files"]:
            entry["core-metadata"] = entry["data-dist-info-metadata"] = claimed
        return json.dumps(page).encode()

    index = make_index(root)
    Faults().on("/simple/evil/$", faults.rewrite(lie)).install(index)
    client = client_factory(index.url)
    (evil_file,) = client.listing("evil").files
    (good_file,) = client.listing("good").files
    assert [str(r) for r in client.metadata(evil_file).requires_dist] == ["dep-evil"]
    assert [str(r) for r in client.metadata(good_file).requires_dist] == ["dep-good"]


def test_metadata_by_range_requests_without_full_download(
    make_index: Callable[..., LocalIndex], client_factory: ClientFactory, tmp_path: Path
) -> None:
    # A wheel far bigger than the 64 KiB tail, so reading it whole would show in the log.
    rng = random.Random(1)
    payload = "".join(rng.choice("0123456789abcdef") for _ in range(600_000))
    root = tmp_path / "big"
    path = build_wheel(
        root,
        "bigpkg",
        "1.0",
        requires_dist=["anyio>=4", 'colorama; sys_platform == "win32"', "not a valid req !!"],
        requires_python=">=3.10",
        provides_extra=["Fast"],
        files={"bigpkg/__init__.py": "", "bigpkg/blob.txt": payload},
    )
    size = path.stat().st_size
    assert size > 200_000
    index = make_index(root, pep658=False)
    client = client_factory(index.url)
    (wheel,) = client.listing("bigpkg").files
    assert wheel.metadata_url is None

    meta = client.metadata(wheel)
    assert [str(r) for r in meta.requires_dist] == ["anyio>=4", 'colorama; sys_platform == "win32"']
    assert str(meta.requires_python) == ">=3.10"
    assert meta.provides_extra == ("fast",)

    file_requests = index.requests_to("/files/")
    assert file_requests and all(r.is_range and r.status == 206 for r in file_requests)
    assert file_requests[0].headers["range"] == "bytes=-65536"
    assert client.stats.range_requests == len(file_requests)
    assert client.stats.extra["metadata_range"] == 1
    assert "metadata_download" not in client.stats.extra


def test_metadata_of_sdist_reads_pkg_info(
    pypi_index: LocalIndex, client_factory: ClientFactory
) -> None:
    client = client_factory(pypi_index.url)
    (sdist,) = client.listing("nativesdist").files
    assert not sdist.is_wheel and sdist.tags == frozenset()
    meta = client.metadata(sdist)
    assert (meta.name, meta.version) == ("nativesdist", Version("2.0.0"))
    (core_sdist,) = [
        f for f in client.listing("pydantic-core").files if f.filename.endswith("2.41.5.tar.gz")
    ]
    assert [str(r) for r in client.metadata(core_sdist).requires_dist] == [
        "typing-extensions>=4.14.1"
    ]


# ------------------------------------------------------------------------------ caching


def test_second_run_only_revalidates_and_reuses_metadata(
    pypi_index: LocalIndex, client_factory: ClientFactory
) -> None:
    first = client_factory(pypi_index.url)
    wheel = _file(first, "postgrest", wheel_filename("postgrest", "2.20.0"))
    first.listing("anyio")
    first.metadata(wheel)
    assert first.stats.conditional_requests == 0
    pypi_index.clear_requests()

    second = client_factory(pypi_index.url)  # same cache dir, fresh memory
    again = _file(second, "postgrest", wheel.filename)
    second.listing("anyio")
    assert second.metadata(again) == first.metadata(wheel)

    pages = pypi_index.requests_to("/simple/")
    assert len(pages) == 2
    assert all(r.is_conditional and r.status == 304 for r in pages)
    assert pypi_index.requests_to("/files/") == []  # metadata is immutable: no request at all
    assert second.stats.not_modified == 2 and second.stats.conditional_requests == 2
    assert second.stats.cache_hits == 1


def test_fresh_cache_entry_needs_no_request(
    pypi_index: LocalIndex, client_factory: ClientFactory
) -> None:
    pypi_index.cache_control = "max-age=600"
    client_factory(pypi_index.url).listing("anyio")
    pypi_index.clear_requests()
    second = client_factory(pypi_index.url)
    assert [f.filename for f in second.listing("anyio").files] == [wheel_filename("anyio", "4.9.0")]
    assert pypi_index.requests == []
    assert second.stats.cache_hits == 1


def test_offline_uses_cache_only_and_reports_uncached_sources(
    pypi_index: LocalIndex, flet_index: LocalIndex, client_factory: ClientFactory
) -> None:
    online = client_factory(pypi_index.url)
    wanted = online.listing("httpx")
    online.metadata(wanted.files[0])
    pypi_index.clear_requests()

    offline = client_factory(pypi_index.url, flet_index.url, offline=True)
    assert offline.listing("httpx").files == wanted.files
    assert offline.metadata(wanted.files[0]).requires_dist[0].name == "anyio"
    assert offline.listing("anyio").files == ()
    offline.listing("websockets")
    assert pypi_index.requests == [] and flet_index.requests == []

    problems = offline.problems
    assert [p.index for p in problems] == [flet_index.url, pypi_index.url]
    assert all("not in the cache" in p.message for p in problems)


# ------------------------------------------------------------------------------ failures


def test_index_down_is_one_problem_and_other_indexes_still_answer(
    pypi_index: LocalIndex, flet_index: LocalIndex, client_factory: ClientFactory
) -> None:
    flet_index.down()
    client = client_factory(pypi_index.url, flet_index.url)
    assert {f.index for f in client.listing("pydantic-core").files} == {pypi_index.url}
    assert client.listing("msgpack").files  # PyPI still answers
    client.prefetch(["numpy", "greenlet", "polars"])

    (problem,) = client.problems
    assert problem.index == flet_index.url
    assert "503" in problem.message and problem.fallback is None
    # Skipped for the rest of the run once it failed.
    assert len(flet_index.requests) == 1


def test_snapshot_replaces_an_unreachable_flet_index(
    pypi_index: LocalIndex, flet_index: LocalIndex, client_factory: ClientFactory
) -> None:
    flet_url = flet_index.url
    flet_index.stop()
    client = client_factory(pypi_index.url, flet_url, snapshot_index=flet_url)

    files = client.listing("pydantic-core").files
    snap = [f for f in files if f.from_snapshot]
    assert snap and all(f.index == flet_url for f in snap)
    platforms = {t.platform for f in snap if f.version == Version("2.47.0") for t in f.tags}
    assert {"android_24_arm64_v8a", "android_24_armeabi_v7a", "ios_13_0_arm64_iphoneos"} <= (
        platforms
    )
    assert "pydantic_core-2.47.0-cp314-cp314-android_24_x86_64.whl" in {f.filename for f in snap}

    (problem,) = client.problems
    assert problem.index == flet_url
    assert problem.fallback is not None and problem.fallback.startswith(
        f"embedded snapshot of {flet_url} collected "
    )

    # Metadata is borrowed from PyPI's file of the same version; unknown versions get none.
    borrowed = next(f for f in snap if f.version == Version("2.33.2"))
    assert [str(r) for r in client.metadata(borrowed).requires_dist] == [
        "typing-extensions!=4.7.0,>=4.6.0"
    ]
    lonely = next(f for f in snap if f.version == Version("2.47.0"))
    assert client.metadata(lonely).requires_dist == ()


def test_credentials_never_leak(
    universe: Universe,
    make_index: Callable[..., LocalIndex],
    client_factory: ClientFactory,
) -> None:
    index = make_index(universe.pypi_dir, auth=("alice", "s3cr3t-PW"))
    progress: list[str] = []
    good = client_factory(
        index.url_with_credentials("alice", "s3cr3t-PW"), on_progress=progress.append
    )
    wheel = _file(good, "postgrest", wheel_filename("postgrest", "2.20.0"))
    assert good.sources[0].name == f"http://***@127.0.0.1:{index.port}/simple/"
    assert wheel.index == good.sources[0].name
    # Files on the index's host get its credentials, like pip's per-host auth.
    assert good.metadata(wheel).requires_dist
    assert good.problems == ()

    secret = "wrong-PW-4711"
    bad = client_factory(index.url_with_credentials("alice", secret), on_progress=progress.append)
    assert bad.listing("postgrest").files == ()
    (problem,) = bad.problems
    assert "401" in problem.message

    index.stop()  # connection errors carry URLs too
    gone = client_factory(
        index.url_with_credentials("alice", secret), cache_dir=None, on_progress=progress.append
    )
    gone.listing("anyio")
    texts = (
        [str(p) for c in (good, bad, gone) for p in c.problems]
        + progress
        + [s.name for c in (good, bad, gone) for s in c.sources]
    )
    assert len(gone.problems) == 1 and progress
    for text in texts:
        assert secret not in text and "s3cr3t" not in text and "alice" not in text


# ------------------------------------------------------------------------------ local sources


def test_file_index_and_find_links_folder(
    universe: Universe, client_factory: ClientFactory, tmp_path: Path
) -> None:
    simple = tmp_path / "simple"
    write_file_index(simple, universe.pypi_dir)
    links = tmp_path / "links"
    build_wheel(links, "localonly", "0.1", requires_dist=["anyio"])
    build_sdist(links, "localonly", "0.2", requires_dist=["click"])
    (links / "notes.txt").write_text("not a distribution")

    client = client_factory(make_source(str(simple)), make_source(str(links), "find-links"))
    sqlalchemy = client.listing("SQLAlchemy").files
    assert [f.filename for f in sqlalchemy] == [wheel_filename("sqlalchemy", "2.0.44")]
    assert sqlalchemy[0].url.startswith("file://")
    assert str(sqlalchemy[0].requires_python) == ">=3.8"
    assert client.metadata(sqlalchemy[0]).requires_dist[0].name == "greenlet"

    local = sorted(client.listing("localonly").files, key=lambda f: f.version)
    assert [(f.version, f.is_wheel) for f in local] == [
        (Version("0.1"), True),
        (Version("0.2"), False),
    ]
    assert [r.name for r in client.metadata(local[1]).requires_dist] == ["click"]
    assert client.listing("nothing-here").files == ()
    assert client.problems == ()


def test_missing_local_sources_are_problems(client_factory: ClientFactory, tmp_path: Path) -> None:
    client = client_factory(
        make_source(str(tmp_path / "no-index")),
        make_source(str(tmp_path / "no-links"), "find-links"),
    )
    assert client.listing("anyio").files == ()
    assert sorted("does not exist" in p.message for p in client.problems) == [True, True]


def test_redaction_helpers() -> None:
    assert redact_url("https://u:p@host:8080/simple/") == "https://***@host:8080/simple/"
    assert redact_url("https://host/simple/") == "https://host/simple/"
    text = "failed: GET https://tok%40en:pw@h/x and http://user@h2/ done"
    assert redact_text(text) == "failed: GET https://***@h/x and http://***@h2/ done"


def test_cache_dir_and_source_normalisation(
    pypi_index: LocalIndex, client_factory: ClientFactory, isolated_env: Path, tmp_path: Path
) -> None:
    assert default_cache_dir({"FLETLINT_CACHE_DIR": str(tmp_path)}) == tmp_path
    assert default_cache_dir({}).name == "fletlint"
    # An IndexSource built by hand without the trailing slash still lists below /simple/.
    client = client_factory(IndexSource(url=pypi_index.url.rstrip("/")))
    assert client.sources[0].name == pypi_index.url
    assert client.listing("anyio").files
    assert any(isolated_env.rglob("*"))  # the page went to the cache folder


def test_corrupt_cache_entry_is_a_miss(
    pypi_index: LocalIndex, client_factory: ClientFactory, isolated_env: Path
) -> None:
    client_factory(pypi_index.url).listing("anyio")
    for entry in isolated_env.rglob("*"):
        if entry.is_file():
            entry.write_bytes(entry.read_bytes()[:-5])  # truncated, as after a crash
    pypi_index.clear_requests()
    assert client_factory(pypi_index.url).listing("anyio").files
    (request,) = pypi_index.requests
    assert not request.is_conditional and request.status == 200


def test_only_files_that_can_change_an_answer_are_kept() -> None:
    from fletlint.linter.index.pages import RelevantFiles

    relevant = RelevantFiles()
    names = [
        "pkg-1.0-cp312-cp312-manylinux_2_17_x86_64.whl",
        "pkg-1.0-cp312-cp312-macosx_11_0_arm64.whl",
        "pkg-1.0-cp312-cp312-android_24_arm64_v8a.whl",
        "pkg-1.0-cp312-cp312-ios_13_0_arm64_iphoneos.whl",
        "pkg-1.0-py3-none-any.whl",
        "pkg-1.0.tar.gz",
        "pkg-2.0-cp312-cp312-win_amd64.whl",
        "pkg-2.0-cp312-cp312-macosx_10_9_x86_64.macosx_11_0_arm64.whl",
    ]
    assert [n for n in names if relevant(n)] == [
        "pkg-1.0-cp312-cp312-manylinux_2_17_x86_64.whl",
        "pkg-1.0-cp312-cp312-android_24_arm64_v8a.whl",
        "pkg-1.0-cp312-cp312-ios_13_0_arm64_iphoneos.whl",
        "pkg-1.0-py3-none-any.whl",
        "pkg-1.0.tar.gz",
        "pkg-2.0-cp312-cp312-win_amd64.whl",
    ]


def test_metadata_headers_stop_at_the_description_and_join_continuations() -> None:
    from packaging.version import Version

    from fletlint.linter.index.metadata import parse_core_metadata

    raw = (
        b"Metadata-Version: 2.1\n"
        b"Name: Some_Pkg\n"
        b"Version: 1.2\n"
        b"Requires-Python: >=3.9\n"
        b"Requires-Dist: anyio>=4\n"
        b"Requires-Dist: colorama;\n"
        b"  sys_platform == 'win32'\n"
        b"Requires-Dist: not a valid ((requirement\n"
        b"Provides-Extra: Fast\n"
        b"\n"
        b"Requires-Dist: this-is-the-description-not-a-header\n"
    )
    meta = parse_core_metadata(raw, "some-pkg", Version("1.2"))
    assert meta.name == "some-pkg"
    assert [str(r) for r in meta.requires_dist] == ["anyio>=4", 'colorama; sys_platform == "win32"']
    assert str(meta.requires_python) == ">=3.9"
    assert meta.provides_extra == ("fast",)


def test_a_multi_line_licence_keeps_every_header_after_it() -> None:
    """matplotlib, pandas and scipy put a whole licence text, blank-ish lines included, in
    `License:`; every Requires-Dist after it must still be read (it was once dropped)."""
    from packaging.version import Version

    from fletlint.linter.index.metadata import parse_core_metadata

    raw = (
        b"Metadata-Version: 2.1\n"
        b"Name: matplotlib\n"
        b"Version: 3.10.9\n"
        b"License: License agreement for matplotlib versions 1.3.0 and later\n"
        b"         =========================================================\n"
        b"        \n"
        b"         1. This LICENSE AGREEMENT is between the Matplotlib Development Team\n"
        b"\t\n"
        b"         8. By copying, installing or otherwise using matplotlib.\n"
        b"Requires-Python: >=3.10\n"
        b"Requires-Dist: numpy>=1.23\n"
        b"Requires-Dist: kiwisolver>=1.3.1\n"
        b"\n"
        b"Description body\n"
    )
    meta = parse_core_metadata(raw, "matplotlib", Version("3.10.9"))
    assert [str(r) for r in meta.requires_dist] == ["numpy>=1.23", "kiwisolver>=1.3.1"]
    assert str(meta.requires_python) == ">=3.10"
