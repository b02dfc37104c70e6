"""The only part of fletlint that talks to package indexes.

It reads project listings (PEP 691 JSON or PEP 503 HTML, from http(s) or file:// indexes and
pip-style find-links) and core metadata (PEP 658 first, then range requests into the wheel, then a
full download), merges every configured source the way pip does, and turns any unreadable index
into a single IndexProblem instead of an exception, so that a resolution can always finish and say
what it could not see.

`IndexClient` is the front; its parts, as pip-audit splits its services: http.py (requests, auth,
bounds, unreachable hosts), policy.py (the HTTP cache's policy: fresh, revalidated, 304),
cache.py (the HTTP cache on disk and its pruning), listing_store.py (parsed listings by page
identity), archives.py (reading wheels and sdists).

Credentials: `DistFile.url` keeps the URL as pip would use it (possibly with `user:pw@`), but every
text we produce (problems, progress, error messages) goes through `redact_url` / `redact_text`, and
requests are sent with a credential-free URL plus an explicit Basic auth header.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import threading
import time
import zipfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urljoin, urlsplit, urlunsplit

from packaging.markers import UndefinedComparison, UndefinedEnvironmentName
from packaging.requirements import Requirement
from packaging.tags import Tag
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    NormalizedName,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from fletlint.linter import observed
from fletlint.linter.findings import InputError
from fletlint.linter.index.archives import RemoteWheels, metadata_from_archive
from fletlint.linter.index.cache import HTTP_FOLDER, CacheBounds, HttpCache, prune
from fletlint.linter.index.http import HttpSession, SourceError, TooLarge, UnreachableHosts
from fletlint.linter.index.limits import IndexLimits
from fletlint.linter.index.listing_store import LISTINGS_FOLDER, ListingStore
from fletlint.linter.index.metadata import lenient_specifier, parse_core_metadata
from fletlint.linter.index.model import (
    EMPTY,
    ClientStats,
    CoreMetadata,
    DistFile,
    IndexProblem,
    IndexSource,
    ProjectListing,
    shared_tags,
)
from fletlint.linter.index.page_worker import PageParser
from fletlint.linter.index.pages import Link, parse_html_page
from fletlint.linter.index.policy import CachePolicy, NotCached
from fletlint.linter.index.snapshot import hosted_pure_files, load_snapshot, snapshot_files
from fletlint.linter.index.urls import (
    netloc_of,
    normalize_index_url,
    redact_text,
    redact_url,
    split_credentials,
    url_to_path,
)
from fletlint.linter.observed import IndexProbes
from fletlint.linter.project_files import read_project_bytes

ACCEPT_SIMPLE = (
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, "
    "text/html;q=0.01"
)
ACCEPT_FLAT = "text/html"
# Not sent to servers: the cache namespace for extracted core metadata, keyed by file URL.
_METADATA_NS = "fletlint/core-metadata"
# Cache namespaces for a wheel's member names and for whole archives (sdists read by FL003).
_NAMES_NS = "fletlint/archive-names"
_ARCHIVE_NS = "fletlint/archive"

# Seconds before a later check asks an index that failed again, doubled per failure up to the
# maximum: an index that is down does not make every keystroke wait for it, and one that is
# back is read again soon.
RETRY_FIRST, RETRY_MAX = 1.0, 60.0

# Reading ahead of the resolver on a cold run. A resolver asks for one release's metadata at a
# time and waits; with range requests into wheels that is a round trip each, and a project's
# listing must be read before its metadata. So, as uv does:
# - when the resolver asks for the release just older than one it asked for already, it is
#   walking back through the releases: the next READ_AHEAD older ones are read in parallel, as
#   many as it walked already once that is more (up to READ_AHEAD_MAX). A jump to an older
#   release (a pin, an upper bound) is not a walk: `pydantic==2.11.10` asks for one
#   pydantic-core, and reading the 20 below it cost a fix trial 66 reads;
# - when a listing is read because a release depends on the project, its newest release (a pure
#   wheel, whose metadata every target shares) is read with it, and the listings of that
#   release's own dependencies (and so on down), before the resolver gets there.
# Bounded: READ_AHEAD_BUDGET guesses (files and listings) per check, so a hostile index cannot
# make fletlint read unboundedly; a guess whose read fails is reported only if it is then used.
READ_AHEAD = 8
READ_AHEAD_MAX = 32
READ_AHEAD_BUDGET = 512
READ_AHEAD_WORKERS = 12

# Pages smaller than this are parsed again rather than kept parsed in the listing store.
LISTING_STORE_MIN_BYTES = 16 * 1024

T = TypeVar("T")


def _digest_key(sha256: str) -> str:
    """Where metadata the index gave this sha256 for is cached (beside entries keyed by URL)."""
    return "sha256:" + sha256


def _sha256_of(digests: tuple[tuple[str, str], ...]) -> str | None:
    return next((d for algo, d in digests if algo == "sha256"), None)


def _wanted_ahead(requirement: Requirement, extras: set[str]) -> bool:
    """Whether a read ahead follows this dependency: always unless its marker names an extra,
    then when one of `extras` (asked for the project) makes the marker true. A guess: the
    marker is evaluated for the running interpreter, and one that cannot be is not followed."""
    marker = requirement.marker
    if marker is None or "extra" not in str(marker):
        return True
    try:
        return any(marker.evaluate({"extra": extra}) for extra in sorted(extras))
    except (UndefinedComparison, UndefinedEnvironmentName, ValueError):
        return False  # `python_version > "3.x"`: only this read ahead is lost


@dataclass
class _Page:
    """A project page: what identifies its content (None: not worth storing) and how to parse
    it. Parsing may learn that the identity changed (a lost body fetched again): it then sets
    `fingerprint` to None, so that the listing is not stored under the old one."""

    fingerprint: bytes | None
    links: Callable[[], list[Link]]


def _complete_source(source: IndexSource) -> IndexSource:
    """Index roots need their trailing slash (else `urljoin` climbs out of `/simple`), and
    every source needs a credential-free display name."""
    if source.kind == "simple":
        source = replace(source, url=normalize_index_url(source.url))
    return source if source.name else replace(source, name=redact_url(source.url))


class _Settled:
    """A computed answer, kept in a memo where its Future was (the answers a Future's waiters
    saw): a Future holds a lock, a condition and two lists, 1 KB each for thousands of keys."""

    __slots__ = ("_error", "_value")

    def __init__(self, value: Any, error: BaseException | None) -> None:
        self._value = value
        self._error = error

    def done(self) -> bool:
        return True

    def exception(self) -> BaseException | None:
        return self._error

    def result(self) -> Any:
        if self._error is not None:
            raise self._error
        return self._value


@dataclass
class _Memo:
    futures: dict[str, Future[Any] | _Settled] = field(default_factory=dict)


@dataclass
class _MetadataRead:
    """Metadata read (perhaps ahead of need) and what its failures must say once it is used.

    A read ahead is a guess: when it fails, the problem, the "metadata missing" count and the
    index's back-off belong to the check only if the metadata is then used."""

    metadata: CoreMetadata
    failures: list[Callable[[], None]] = field(default_factory=list)


class IndexClient:
    """Listings, metadata and archives from every configured source, for one or many checks.

    State per check (problems, statistics, the deadline) restarts with `begin_check`; what was
    read stays memoised for the client's lifetime, except what was read while something failed.
    """

    def __init__(
        self,
        sources: Sequence[IndexSource],
        *,
        cache_dir: Path | None,
        offline: bool = False,
        snapshot_index: str | None = None,
        timeout: float = 10.0,
        max_workers: int = 16,
        on_progress: Callable[[str], None] | None = None,
        limits: IndexLimits | None = None,
        cache_bounds: CacheBounds | None = None,
    ) -> None:
        self.sources: tuple[IndexSource, ...] = tuple(_complete_source(s) for s in sources)
        self._offline = offline
        self._on_progress = on_progress
        self._cache_dir = Path(cache_dir) if cache_dir is not None else None
        self._cache_bounds = cache_bounds or CacheBounds()
        self._store = ListingStore(self._cache_dir)
        self._snapshot_key = (
            normalize_index_url(split_credentials(snapshot_index)[0]) if snapshot_index else None
        )
        # pip reuses an index's credentials for every URL on the same host (files hosted beside
        # the index often come as credential-free absolute links); so do we.
        auth: dict[str, tuple[str, str]] = {}
        for source in self.sources:
            _, creds = split_credentials(source.url)
            if creds is not None:
                auth.setdefault(netloc_of(source.url), creds)
        self._by_name = {s.name: s for s in self.sources}
        self._lock = threading.Lock()
        self._stats_lock = threading.Lock()
        self._stats = ClientStats()
        self._listings = _Memo()
        self._metadata = _Memo()
        self._flat = _Memo()
        self._names = _Memo()
        self._archives = _Memo()
        # PEP 658 metadata by its sha256, as the index gives it: a release's wheels for six
        # phones and a desktop mostly carry the same METADATA, read once instead of seven times.
        self._metadata_by_digest = _Memo()
        self._metadata_hashes: dict[str, tuple[tuple[str, str], ...]] = {}
        self._problems: list[IndexProblem] = []
        self._reported: set[str] = set()
        self._dead: set[str] = set()
        # (source URL, project) the embedded snapshot answered for (the index was unreadable).
        self._snapshot_answered: set[tuple[str, str]] = set()
        # Per source URL that failed: (when it may be asked again, back-off, its message).
        self._retry: dict[str, tuple[float, float, str]] = {}
        # Listings (project names) and metadata (file URLs) read while something failed: a later
        # check reads them again instead of keeping what the failure left out.
        self._missed_listings: set[str] = set()
        self._missed_metadata: set[str] = set()
        # Local files and folders listings were read from, with their state before the read
        # (path -> (probe, state)): what `page_probes` hands a replay of the check.
        self._local_reads: dict[str, tuple[str, str]] = {}
        # The identity of every index page as it was read ((URL, Accept) -> body sha256): a
        # replay probes that one, not whatever another process cached since.
        self._pages_read: dict[tuple[str, str], str] = {}
        self._limits = limits or IndexLimits()
        self._session = HttpSession(
            auth=auth,
            timeout=timeout,
            limits=self._limits,
            count=self._count,
            unreachable=UnreachableHosts(self._cache_dir),
        )
        self._pages = CachePolicy(
            HttpCache(self._cache_dir) if self._cache_dir is not None else None,
            self._session,
            offline=offline,
            limits=self._limits,
            count=self._count,
        )
        self._wheels = RemoteWheels(self._session, self._limits, self._count)
        self._pool = ThreadPoolExecutor(max_workers, thread_name_prefix="fletlint-index")
        # Pages of one listing's other indexes: never waits for this pool or `_pool`.
        self._pages_pool = ThreadPoolExecutor(max_workers, thread_name_prefix="fletlint-page")
        self._parser = PageParser()  # big pages: parsed in another process
        self._thread = threading.local()  # `reports`: where _report puts what is said later
        # Reads ahead get their own threads: what the resolver waits for never queues behind a
        # guess (they share the connection pool).
        self._ahead_pool = ThreadPoolExecutor(
            READ_AHEAD_WORKERS, thread_name_prefix="fletlint-ahead"
        )
        self._ahead_left = READ_AHEAD_BUDGET
        self._ahead_asked: set[str] = set()  # file URLs given to the read-ahead threads
        self._ahead_running: list[Future[None]] = []
        # Per project: the releases whose metadata was asked for, and its releases newest first
        # (the walk back reads ahead along them).
        self._asked_releases: dict[str, set[Version]] = {}
        self._releases: dict[str, tuple[Version, ...]] = {}
        # Per project: the extras a release read ahead asked for (their dependencies are read
        # ahead too).
        self._extras_ahead: dict[str, set[str]] = {}
        self._canonical: dict[str, str] = {}  # name as asked -> canonical (asked again and again)

    # ---------------------------------------------------------------- public API

    @property
    def problems(self) -> tuple[IndexProblem, ...]:
        with self._lock:
            return tuple(self._problems)

    @property
    def stats(self) -> ClientStats:
        return self._stats

    def page_probes(self, names: Iterable[str]) -> IndexProbes | None:
        """What a replay of the check must probe of the indexes (`observed.IndexProbes`): the
        HTTP cache's header file of every page the listings of `names` come from, with its
        body's identity; for an index not asked because its host is remembered unreachable,
        that record, its pages absent from the cache. A local index or find-links folder is
        noted as the files and folders it read, as they were then (`observed.saw_stat`,
        `saw_folder`). None when a
        listing comes from an index with credentials or a page not stored: only a full check
        can tell then whether it moved."""
        cache = self._pages.cache
        if cache is None:
            return None
        projects = sorted({str(canonicalize_name(n)) for n in names})
        pages: list[tuple[str, str]] = []
        hosts: list[tuple[str, str, float, str]] = []
        down: list[str] = []
        with self._lock:
            local = list(self._local_reads.items())
        for path, (probe, state) in local:  # the files and folders of local sources
            (observed.saw_folder if probe == "folder" else observed.saw_stat)(path, state)
        for source in self.sources:
            if source.url.startswith("file:"):
                continue
            if source.name != source.url or not source.url.startswith(("http://", "https://")):
                return None  # credentials: such pages are never stored
            accept = ACCEPT_SIMPLE if source.kind == "simple" else ACCEPT_FLAT
            if source.kind == "simple":
                urls = [urljoin(source.url, p + "/") for p in projects]
            else:
                urls = [source.url]  # find-links: one page of links
            with self._lock:
                read = [self._pages_read.get((url, accept)) for url in urls]
            # No page of this index was read: it was not asked, its host remembered unreachable
            # (the pages must then be absent from the cache: `has` reads no entry).
            if not any(read) and not any(cache.has(url, accept) for url in urls):
                record = self._session.unreachable_record(source.url)
                if record is None:
                    return None
                memory, until, detail = record
                hosts.append((memory, netloc_of(source.url), until, detail))
                down.append(source.name)
                pages += [(str(cache.header_path(url, accept)), "absent") for url in urls]
                continue
            for url, identity in zip(urls, read, strict=True):
                if not identity:
                    return None  # not read by this client as a cached page
                pages.append((str(cache.header_path(url, accept)), identity))
        return IndexProbes(tuple(pages), tuple(hosts), tuple(down))

    def _page_read(self, url: str, accept: str, identity: str) -> None:
        """Note the identity of the page a listing is read from (the last read wins: a page
        fetched again while being read, or read again by a later check, is parsed anew)."""
        with self._lock:
            self._pages_read[(url, accept)] = identity

    def _local_read(self, path: Path, probe: str) -> None:
        """Note the state of a local source's file or folder before it is read (first read)."""
        key = os.path.abspath(path)
        if key in self._local_reads:
            return
        state = {
            "folder": observed.folder_state,
            "stat": observed.stat_state,
        }[probe](key)
        with self._lock:
            self._local_reads.setdefault(key, (probe, state))

    def listing(self, name: str) -> ProjectListing:
        project = self._canonical.get(name)
        if project is None:
            project = self._canonical[name] = str(canonicalize_name(name))
        return self._once(self._listings, project, lambda: self._build_listing(project))

    def prefetch(self, names: Iterable[str]) -> None:
        unique = {str(canonicalize_name(n)) for n in names}
        with self._lock:
            # The resolver prefetches on every step, mostly names it already has: a thread
            # hand-off per known name costs more than the lookup itself.
            missing = sorted(n for n in unique if n not in self._listings.futures)
        if len(missing) == 1:
            self._listing_and_newest(missing[0])
        elif missing:
            self._run_all([self._pool.submit(self._listing_and_newest, n) for n in missing])

    def metadata(self, file: DistFile) -> CoreMetadata:
        self._walk_back(file)
        read = self._read_metadata(file)
        if read.failures:
            with self._lock:
                failures, read.failures = read.failures, []
            for failure in failures:
                failure()
        return read.metadata

    def prefetch_metadata(self, files: Iterable[DistFile]) -> None:
        unique = {f.url: f for f in files}
        self._run_all([self._pool.submit(self.metadata, f) for f in unique.values()])

    def warm_metadata(self, files: Iterable[DistFile]) -> None:
        """Start reading metadata the resolver will probably ask for next; do not wait.

        Backtracking walks releases newest first, one at a time; reading the next few in the
        background turns a hundred sequential round trips into a few parallel batches. What
        fails is reported only if the metadata is then used.
        """
        with self._lock:
            wanted = [f for f in files if f.url not in self._metadata.futures]
        for file in wanted:
            self._pool.submit(self._read_metadata, file)

    def archive_names(self, file: DistFile) -> tuple[str, ...]:
        """The member names of a wheel (read from its zip central directory by range requests,
        so a 50 MB wheel costs a few kB); () when the file cannot be read."""
        return self._once(self._names, file.url, lambda: self._load_names(file))

    def download(self, file: DistFile) -> bytes | None:
        """A whole archive (an sdist to look inside: never built, never run); None when it
        cannot be read or is larger than anything worth fetching for a static look."""
        return self._once(self._archives, file.url, lambda: self._load_archive(file))

    def begin_check(self) -> None:
        """Start a check (a language server checks many times with one client): restart its
        deadline and give it problems and statistics of its own. An index that failed is asked
        again once its back-off has passed (until then this check reports it too); listings and
        metadata read while something failed are read again."""
        now = time.monotonic()
        with self._lock:
            self._session.begin_check()
            self._problems = []
            self._reported = set()
            for url, (retry_at, _, _) in self._retry.items():
                if now >= retry_at:
                    self._dead.discard(url)
            for memo, missed in (
                (self._listings, self._missed_listings),
                (self._metadata, self._missed_metadata),
            ):
                for key in list(missed):
                    future = memo.futures.get(key)
                    if future is None or future.done():
                        memo.futures.pop(key, None)
                        missed.discard(key)
        with self._stats_lock:
            self._stats = ClientStats()
        with self._lock:
            self._ahead_left = READ_AHEAD_BUDGET

    def close(self, *, finish_reads_ahead: bool = True) -> None:
        """Stop the client's threads and prune its cache. Reads ahead already asked for finish,
        and those they ask for (within the check's budget): what they read is cached for the
        next run. `finish_reads_ahead=False`: those not yet started are dropped, for a process
        that exits after its one check (a guess that check did not use is seldom the next
        one's, and waiting for them cost a cold check 0.2-0.4 s after its answer)."""
        drop = not finish_reads_ahead
        self._pool.shutdown(wait=True, cancel_futures=drop)
        while finish_reads_ahead:
            with self._lock:
                running = [f for f in self._ahead_running if not f.done()]
            if not running:
                break
            wait(running)
        self._ahead_pool.shutdown(wait=True, cancel_futures=drop)
        self._pages_pool.shutdown(wait=True)
        self._parser.close()
        self._session.close()
        if self._cache_dir is not None:
            bounds = self._cache_bounds
            budgets = {HTTP_FOLDER: bounds.http_bytes, LISTINGS_FOLDER: bounds.listing_bytes}
            prune(self._cache_dir, budgets, bounds)

    def __enter__(self) -> IndexClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- plumbing

    def _once(self, memo: _Memo, key: str, compute: Callable[[], T]) -> T:
        """Compute once per key even when many threads ask at the same time."""
        known = memo.futures.get(key)
        if type(known) is _Settled:
            # Answered: no lock (a resolver asks for the same listing tens of thousands of
            # times, from several threads; an answer, once settled, never changes).
            settled: T = known.result()
            return settled
        with self._lock:
            future = memo.futures.get(key)
            owner = future is None
            if future is None:
                future = Future()
                memo.futures[key] = future
        if owner:
            assert isinstance(future, Future)
            value: Any = None
            error: BaseException | None = None
            try:
                value = compute()
            except BaseException as exc:
                error = exc
            with self._lock:
                # Unless the key was dropped meanwhile (begin_check forgets missed reads).
                if memo.futures.get(key) is future:
                    memo.futures[key] = _Settled(value, error)
            if error is None:
                future.set_result(value)
            else:
                future.set_exception(error)
        result: T = future.result()
        return result

    @staticmethod
    def _run_all(futures: list[Future[Any]]) -> None:
        wait(futures)
        for future in futures:
            future.result()  # surface programming errors instead of swallowing them

    def _count(self, stat: str, n: int = 1) -> None:
        with self._stats_lock:
            if hasattr(self._stats, stat) and stat != "extra":
                setattr(self._stats, stat, getattr(self._stats, stat) + n)
            else:
                self._stats.extra[stat] = self._stats.extra.get(stat, 0) + n

    def _progress(self, message: str) -> None:
        if self._on_progress is not None:
            self._on_progress(redact_text(message))

    def _is_snapshot_source(self, source: IndexSource) -> bool:
        if self._snapshot_key is None or source.kind != "simple":
            return False
        return normalize_index_url(split_credentials(source.url)[0]) == self._snapshot_key

    def _report(self, source: IndexSource, message: str, dead: bool) -> None:
        later: list[tuple[IndexSource, str, bool]] | None = getattr(self._thread, "reports", None)
        if later is not None:
            later.append((source, message, dead))
            return
        fallback = None
        if self._is_snapshot_source(source):
            fallback = load_snapshot().describe(source.name)
        with self._lock:
            if dead:
                self._dead.add(source.url)
                known = self._retry.get(source.url)
                if known is None or source.url not in self._reported:
                    # A new failure (not a repeat within this check): back off longer.
                    back_off = min(RETRY_MAX, known[1] * 2) if known else RETRY_FIRST
                    self._retry[source.url] = (time.monotonic() + back_off, back_off, message)
            if source.url in self._reported:
                return
            self._reported.add(source.url)
            self._problems.append(IndexProblem(source.name, redact_text(message), fallback))

    # ---------------------------------------------------------------- HTTP

    def _download(self, url: str) -> bytes:
        response = self._session.fetch(url, {"Accept": "*/*"}, limit=self._limits.download_bytes)
        if response.status != 200:
            raise self._session.status_error(url, response)
        return response.body

    # ---------------------------------------------------------------- listings

    def _build_listing(self, project: str) -> ProjectListing:
        files: list[DistFile] = []
        seen: set[tuple[str, str]] = set()
        for found in self._from_every_source(project):
            for dist in found:
                if (dist.index, dist.url) not in seen:
                    seen.add((dist.index, dist.url))
                    files.append(dist)
        for source in self.sources:
            # The snapshot's `hosted_pure` (flet-desktop, ...): pure wheels on the Flet index,
            # which an unreadable index must not turn into "no phone wheel".
            if (source.url, project) in self._snapshot_answered:
                base = split_credentials(source.url)[0]
                versions = [f.version for f in files if f.index != source.name]
                files += hosted_pure_files(project, versions, source.name, base)
        return ProjectListing(project, tuple(files))

    def _from_every_source(self, project: str) -> list[list[DistFile]]:
        """Each source's files of the project, in the sources' order. Remote indexes are asked
        side by side: a listing costs the slowest index's round trip, not the sum of them."""
        remote = [s for s in self.sources[1:] if not s.url.startswith("file:")]
        if self._offline or not remote:
            return [self._files_from(source, project) for source in self.sources]
        others = {
            s.url: self._pages_pool.submit(self._files_reported_later, s, project) for s in remote
        }
        found = [self._files_from(self.sources[0], project)]
        for source in self.sources[1:]:
            if source.url not in others:
                found.append(self._files_from(source, project))
                continue
            files, reports = others[source.url].result()
            for report in reports:  # said in the sources' order, as if read one by one
                self._report(*report)
            found.append(files)
        return found

    def _files_reported_later(
        self, source: IndexSource, project: str
    ) -> tuple[list[DistFile], list[tuple[IndexSource, str, bool]]]:
        reports: list[tuple[IndexSource, str, bool]] = []
        self._thread.reports = reports
        try:
            return self._files_from(source, project), reports
        finally:
            self._thread.reports = None

    def _files_from(self, source: IndexSource, project: str) -> list[DistFile]:
        if source.url in self._dead:
            # Still backing off: this check says so too, with the failure's own words.
            with self._lock:
                known = self._retry.get(source.url)
            if known is not None:
                self._report(source, known[2], dead=False)
            return self._fallback(source, project)
        self._progress(f"listing {project} on {source.name}")
        try:
            if source.kind == "find-links":
                page = _Page(None, lambda: self._flat_links(source))
            elif source.url.startswith("file:"):
                page = self._file_index_page(source, project)
            else:
                page = self._simple_page(source, project)
            return self._files_of_page(source, project, page)
        except SourceError as exc:
            # Name the index, not whichever project page happened to be asked for first: the
            # message is said once per index and should read the same on every run.
            message = re.sub(re.escape(source.name) + r"[^\s:]*", source.name, exc.message)
            self._report(source, message, dead=True)
            return self._fallback(source, project)
        except NotCached:
            self._report(source, f"{source.name} is not in the cache (offline mode)", dead=False)
            return self._fallback(source, project)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # an unparsable page
            self._report(source, f"unreadable page from {source.name}: {exc}", dead=True)
            return self._fallback(source, project)

    def _fallback(self, source: IndexSource, project: str) -> list[DistFile]:
        with self._lock:
            self._missed_listings.add(project)
        if not self._is_snapshot_source(source):
            return []
        self._count("snapshot_listings")
        with self._lock:
            self._snapshot_answered.add((source.url, project))
        return list(snapshot_files(project, source.name, split_credentials(source.url)[0]))

    def _with_source_credentials(self, page_url: str, source_url: str) -> str:
        """Relative links inherit the index's credentials, as they do in pip."""
        bare_source, creds = split_credentials(source_url)
        if creds is None or netloc_of(page_url) != netloc_of(bare_source):
            return page_url
        userinfo = urlsplit(source_url).netloc.rpartition("@")[0]
        parts = urlsplit(page_url)
        return urlunsplit(parts._replace(netloc=f"{userinfo}@{parts.netloc}"))

    def _files_of_page(self, source: IndexSource, project: str, page: _Page) -> list[DistFile]:
        """The page's files, from the parsed-listing store when the page has not changed
        (listing_store.py). Sources with credentials are never stored, because their file URLs
        carry them."""
        key = None
        if page.fingerprint is not None and source.name == source.url:
            key = ListingStore.key(page.fingerprint, source.url, project)
            stored = self._store.read(key)
            if stored is not None:
                files, metadata_hashes = stored
                with self._lock:
                    self._metadata_hashes.update(metadata_hashes)
                return files
        files = []
        # One Version object per release, shared by its files: a stored listing then holds a
        # few dozen versions instead of thousands, each hashed (costly) once per run.
        versions: dict[Version, Version] = {}
        remote = not source.url.startswith("file:")
        for link in page.links():
            if remote and not link.url.startswith(("http://", "https://")):
                # A remote page must not make us read this machine's files (file:///etc/passwd,
                # file:///dev/zero): only a local index or folder may point at local files.
                message = (
                    f"{source.name} links to {redact_url(link.url)}; a remote index may only "
                    "link to http(s) files, the link is ignored"
                )
                self._report(source, message, dead=False)
                continue
            dist = self._to_file(link, project, source.name, versions)
            if dist is not None:
                files.append(dist)
        if key is not None and page.fingerprint is not None:
            with self._lock:
                hashes = {
                    f.metadata_url: self._metadata_hashes[f.metadata_url]
                    for f in files
                    if f.metadata_url in self._metadata_hashes
                }
            self._store.write(key, (files, hashes))
        return files

    def _simple_page(self, source: IndexSource, project: str) -> _Page:
        url = urljoin(source.url, project + "/")
        entry = self._pages.get(url, ACCEPT_SIMPLE)
        self._page_read(url, ACCEPT_SIMPLE, entry.identity)
        if entry.status == 404:
            return _Page(None, list)
        base = self._with_source_credentials(entry.url or split_credentials(url)[0], source.url)
        kind = "json" if "json" in entry.content_type.lower() else "html"
        # The body's sha256, taken once at download and kept by a 304: a revalidated page
        # finds its parsed listing again; the body is read only when it must be parsed. A small
        # page is parsed again instead (h11's 10 kB: 0.7 ms), which costs less than a file
        # of its own in the store (500 of them in a cold check of 500 projects).
        size = len(entry.body) if entry.body is not None else entry.length
        worth_storing = entry.identity and not 0 < size < LISTING_STORE_MIN_BYTES
        page = _Page(f"{base}|{entry.identity}".encode() if worth_storing else None, list)

        def links() -> list[Link]:
            now, body = self._pages.body(url, ACCEPT_SIMPLE, entry)
            if now.identity != entry.identity:
                page.fingerprint = None  # fetched again and changed: not stored under the old
                self._page_read(url, ACCEPT_SIMPLE, now.identity)
            return self._parser.parse(kind, body, base)

        page.links = links
        return page

    def _file_index_page(self, source: IndexSource, project: str) -> _Page:
        page = self._file_index_path(source, project)
        if page is None:
            return _Page(None, list)
        stat = page.stat()
        fingerprint = f"{page}\n{stat.st_mtime_ns}\n{stat.st_size}".encode()
        limit = self._limits.page_bytes
        return _Page(
            fingerprint,
            lambda: parse_html_page(self._local_bytes(page, "index page", limit), page.as_uri()),
        )

    def _file_index_path(self, source: IndexSource, project: str) -> Path | None:
        root = url_to_path(source.url)
        # Before they are read: a page, and the folder a loosely named project is found in.
        self._local_read(root, "folder")
        self._local_read(root / project / "index.html", "stat")
        if not root.is_dir():
            raise SourceError(f"index folder {redact_url(source.url)} does not exist")
        page = root / project / "index.html"
        if not page.is_file():
            # Tolerate folders named before normalisation (e.g. `Django/`); pip would not.
            page = next(
                (
                    child / "index.html"
                    for child in root.iterdir()
                    if canonicalize_name(child.name) == project and (child / "index.html").is_file()
                ),
                page,
            )
            self._local_read(page, "stat")
            if not page.is_file():
                return None
        return page

    @staticmethod
    def _local_bytes(path: Path, what: str, limit: int) -> bytes:
        """A file of a local index: a regular file within `limit`, else SourceError."""
        try:
            return read_project_bytes(path, what=what, limit=limit)
        except InputError as exc:
            raise SourceError(exc.message) from None

    def _flat_links(self, source: IndexSource) -> list[Link]:
        """All links of a find-links source, read once per run."""
        return self._once(self._flat, source.url, lambda: self._read_flat(source))

    def _read_flat(self, source: IndexSource) -> list[Link]:
        if source.url.startswith("file:"):
            path = url_to_path(source.url)
            self._local_read(path, "folder")  # before it is read: its files are the links
            self._local_read(path, "stat")  # or it is a page of links
            if path.is_dir():
                return [
                    Link(url=child.as_uri(), filename=child.name)
                    for child in sorted(path.iterdir())
                    if child.is_file()
                ]
            if path.is_file():
                page = self._local_bytes(path, "find-links page", self._limits.page_bytes)
                return parse_html_page(page, path.as_uri())
            raise SourceError(f"find-links location {redact_url(source.url)} does not exist")
        entry = self._pages.get(source.url, ACCEPT_FLAT)
        if entry.status == 404:
            raise SourceError(f"find-links page {redact_url(source.url)} not found (HTTP 404)")
        base = self._with_source_credentials(entry.url or source.url, source.url)
        now, body = self._pages.body(source.url, ACCEPT_FLAT, entry)
        self._page_read(source.url, ACCEPT_FLAT, now.identity)
        return parse_html_page(body, base)

    def _to_file(
        self,
        link: Link,
        project: str,
        index: str,
        versions: dict[Version, Version] | None = None,
    ) -> DistFile | None:
        filename = link.filename
        try:
            if filename.endswith(".whl"):
                name, version, tags = wheel_filename_parts(filename)
                is_wheel = True
            elif filename.endswith((".tar.gz", ".zip")):
                name, version = parse_sdist_filename(filename)
                tags = EMPTY
                is_wheel = False
            else:
                return None
        except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion):
            return None
        if name != project:
            return None
        if versions is not None:
            version = versions.setdefault(version, version)
        metadata_url = link.url + ".metadata" if link.has_metadata else None
        if metadata_url and link.metadata_hashes:
            with self._lock:
                self._metadata_hashes[metadata_url] = link.metadata_hashes
        return DistFile(
            filename=filename,
            url=link.url,
            index=index,
            name=str(name),
            version=version,
            is_wheel=is_wheel,
            tags=tags,
            requires_python=lenient_specifier(link.requires_python),
            yanked=link.yanked,
            hashes=link.hashes,
            metadata_url=metadata_url,
        )

    # ---------------------------------------------------------------- metadata

    def _read_metadata(self, file: DistFile) -> _MetadataRead:
        """Read once per file, by whoever asks first (the resolver or a read ahead)."""
        read: _MetadataRead = self._once(
            self._metadata, file.url, lambda: self._load_metadata(file)
        )
        return read

    def _load_metadata(self, file: DistFile) -> _MetadataRead:
        if file.from_snapshot:
            return _MetadataRead(self._borrowed_metadata(file))
        self._progress(f"metadata of {file.filename}")
        source = self._by_name.get(file.index)
        failures: list[Callable[[], None]] = []

        def report(message: str, *, dead: bool) -> None:
            if source is not None:
                failures.append(lambda: self._report(source, message, dead=dead))

        try:
            raw = self._metadata_bytes(file)
        except TooLarge as exc:
            # One oversized file (a huge wheel on a server that ignores ranges) says nothing
            # about the index: the rest of it is still read.
            report(f"{exc.message}; the dependencies of {file.filename} are unknown", dead=False)
            raw = None
        except SourceError as exc:
            report(exc.message, dead=True)
            raw = None
        except NotCached:
            report(f"metadata of {file.filename} is not in the cache (offline mode)", dead=False)
            raw = None
        else:
            if raw is None:
                # Served, but no METADATA/PKG-INFO inside (a corrupt archive): resolving on as if
                # it had no dependencies must not pass silently for a complete answer.
                message = (
                    f"metadata of {file.filename} could not be read (not a valid archive); "
                    "its dependencies are unknown"
                )
                report(message, dead=False)
        if raw is None:
            with self._lock:
                self._missed_metadata.add(file.url)
            failures.append(lambda: self._count("metadata_missing"))
            return _MetadataRead(CoreMetadata(file.name, file.version), failures)
        return _MetadataRead(parse_core_metadata(raw, file.name, file.version))

    # ---------------------------------------------------------------- reading ahead

    def _read_ahead(self, files: Iterable[DistFile], *, follow: bool = False) -> None:
        """Start reading these files' metadata on the read-ahead threads, within the budget."""
        if self._offline:
            return
        with self._lock:
            wanted = list(
                {
                    f.url: f
                    for f in files
                    if not f.from_snapshot
                    and f.url not in self._metadata.futures
                    and f.url not in self._ahead_asked
                }.values()
            )[: max(0, self._ahead_left)]
            self._ahead_left -= len(wanted)
            self._ahead_asked.update(f.url for f in wanted)
        for file in wanted:
            self._submit_ahead(self._read_one_ahead, file, follow)

    def _submit_ahead(self, read: Callable[..., None], *args: Any) -> None:
        future = self._ahead_pool.submit(read, *args)
        with self._lock:
            self._ahead_running = [f for f in self._ahead_running if not f.done()]
            self._ahead_running.append(future)

    def _read_one_ahead(self, file: DistFile, follow: bool = False) -> None:
        # Already on disk (a warm run): the resolver reads it itself at the cost of a file read;
        # reading it here would only cost the warm run a parse it may not need.
        if file.url.startswith("file:") or any(
            self._pages.has_immutable(key, _METADATA_NS) for key in self._metadata_keys(file)
        ):
            return
        read = self._read_metadata(file)
        if follow and not read.failures:
            # Its dependencies' listings next; those of an extra when a release read ahead
            # before asked for it (supabase-auth needs `pyjwt[crypto]`: cryptography, then
            # cffi, then pycparser, a chain the resolver would otherwise start last).
            with self._lock:
                extras = set(self._extras_ahead.get(str(canonicalize_name(file.name)), ()))
            wanted = [r for r in read.metadata.requires_dist if _wanted_ahead(r, extras)]
            with self._lock:
                for r in wanted:
                    if r.extras:
                        name = str(canonicalize_name(r.name))
                        self._extras_ahead.setdefault(name, set()).update(r.extras)
            self._listings_ahead(sorted({str(canonicalize_name(r.name)) for r in wanted}))

    def _listings_ahead(self, projects: Sequence[str]) -> None:
        """Start reading these listings on the read-ahead threads, within the budget."""
        if self._offline or self._pages.cache is None:
            return
        with self._lock:
            wanted = [
                p
                for p in projects
                if p not in self._listings.futures and "listing:" + p not in self._ahead_asked
            ][: max(0, self._ahead_left)]
            self._ahead_left -= len(wanted)
            self._ahead_asked.update("listing:" + p for p in wanted)
        for project in wanted:
            self._submit_ahead(self._listing_ahead, project)

    def _listing_ahead(self, project: str) -> None:
        """A guess: the pages are fetched into the HTTP cache first, and only when every index
        answered (or was already known to be down) is the listing read and kept. A failure here
        is nobody's business: if the resolver needs the project, its own read says so."""
        remote = [s for s in self.sources if s.kind == "simple" and not s.url.startswith("file:")]
        # Side by side, as `_from_every_source` asks them: one after the other, every listing
        # of a chain read ahead (realtime, pydantic, pydantic-core) waited for two round trips.
        others = [self._pages_pool.submit(self._page_ahead, s, project) for s in remote[1:]]
        answered = [self._page_ahead(s, project) for s in remote[:1]]
        answered += [future.result() for future in others]
        if all(answered):
            self._listing_and_newest(project)

    def _page_ahead(self, source: IndexSource, project: str) -> bool:
        """Fetch a source's page into the HTTP cache; False when it failed and the source is
        not known to be down (its listing would then be a guess kept for the whole check)."""
        with self._lock:
            if source.url in self._dead or project in self._listings.futures:
                return True
        try:
            self._pages.get(urljoin(source.url, project + "/"), ACCEPT_SIMPLE)
        except (SourceError, NotCached, OSError, ValueError):
            with self._lock:
                return source.url in self._dead
        return True

    def _listing_and_newest(self, project: str) -> ProjectListing:
        """A listing asked for because a release depends on the project: its newest release
        is the likeliest to be resolved, and a pure wheel's metadata serves every target."""
        listing = self.listing(project)
        newest = self._newer_releases(listing)
        if newest:
            wheels = [f for f in listing.by_version[newest[0]] if f.is_wheel and not f.yanked]
            pure = [f for f in wheels if f.is_pure]
            # A native project (cryptography): its first wheel, the one a desktop resolution
            # reads (preferred_file), so that its dependencies (cffi, then pycparser) are read
            # ahead too instead of after it.
            self._read_ahead(pure[:1] or wheels[:1], follow=True)
        return listing

    def _newer_releases(self, listing: ProjectListing) -> tuple[Version, ...]:
        """The listing's releases newest first, final releases with a file not yanked only."""
        with self._lock:
            known = self._releases.get(listing.name)
        if known is None:
            known = tuple(
                sorted(
                    (
                        v
                        for v, fs in listing.by_version.items()
                        if not v.is_prerelease and any(not f.yanked for f in fs)
                    ),
                    reverse=True,
                )
            )
            with self._lock:
                self._releases[listing.name] = known
        return known

    def _walk_back(self, file: DistFile) -> None:
        """Asked for the release just older than one asked before: read the next older ones
        ahead, the same kind of file (same tags, else a pure wheel) from the same index."""
        if self._offline or file.from_snapshot:
            return
        known = self._asked_releases.get(file.name)
        if known is not None and file.version in known:
            return  # asked before (most asks): no lock
        with self._lock:
            asked = self._asked_releases.setdefault(file.name, set())
            if file.version in asked:
                return
            asked.add(file.version)
            if len(asked) == 1:
                return
            future = self._listings.futures.get(file.name)
        if future is None or not future.done() or future.exception() is not None:
            return
        listing: ProjectListing = future.result()
        releases = self._newer_releases(listing)
        position = next((i for i, v in enumerate(releases) if v <= file.version), len(releases))
        # The releases asked for just above this one, without a gap: how far the walk has come.
        walked = 0
        with self._lock:
            while walked < position and releases[position - 1 - walked] in asked:
                walked += 1
        if walked == 0:
            return  # a jump, not a step: nothing says the resolver will walk on from here
        if position < len(releases) and releases[position] == file.version:
            position += 1
        # The further back, the further ahead: a project walked back through 24 releases will
        # likely be walked as far again (most walks are short: a guess too far is a wasted read).
        older = releases[position : position + min(READ_AHEAD_MAX, max(READ_AHEAD, walked))]
        ahead = []
        for version in older:
            files = [
                f for f in listing.by_version[version] if not f.yanked and f.index == file.index
            ]
            same = [f for f in files if f.tags == file.tags]
            if not same and file.is_pure:
                same = [f for f in files if f.is_pure]
            ahead.extend(same[:1])
        self._read_ahead(ahead)

    def _borrowed_metadata(self, file: DistFile) -> CoreMetadata:
        """Snapshot files have no metadata of their own: dependencies rarely differ between a
        project's platform builds, so a real file of the same version elsewhere stands in."""
        real = [
            f
            for f in self.listing(file.name).files
            if not f.from_snapshot and f.version == file.version
        ]
        # Prefer what is cheapest to read: PEP 658 metadata, then wheels, then sdists.
        real.sort(key=lambda f: (f.metadata_url is None, not f.is_wheel, f.filename))
        if real:
            return self.metadata(real[0])
        return CoreMetadata(file.name, file.version)

    def _metadata_bytes(self, file: DistFile) -> bytes | None:
        if file.url.startswith("file:"):
            return self._local_metadata(file)
        for key in self._metadata_keys(file):
            cached = self._pages.get_immutable(key, _METADATA_NS)
            if cached is not None:
                self._count("cache_hits")
                return cached
        if self._offline:
            raise NotCached
        raw = None
        if file.metadata_url:
            try:
                raw = self._pep658(file)
            except SourceError:
                # PEP 658 only saves a download: a failing .metadata (an error status, a cut or
                # stalled body) is read from the wheel itself; only if that fails is the index.
                raw = None
        if raw is None and file.is_wheel:
            raw = self._wheels.wheel_metadata(file)
        if raw is None:
            self._count("metadata_download")
            raw = metadata_from_archive(
                self._download(file.url), file.filename, file.name, limits=self._limits
            )
        if raw is not None:
            # Stored once per sha256 the index gives for it (a release's phone wheels mostly
            # share their METADATA: 1,718 entries were 613 bodies in a check of 500 packages),
            # and only as bytes that hash to it; else under the file's own URL.
            digest = _sha256_of(self._metadata_digests(file))
            key = file.url
            if digest is not None and hashlib.sha256(raw).hexdigest() == digest:
                key = _digest_key(digest)
            self._pages.put_immutable(key, _METADATA_NS, raw)
        return raw

    def _metadata_digests(self, file: DistFile) -> tuple[tuple[str, str], ...]:
        """The digests the index gives for the file's PEP 658 metadata."""
        if not file.metadata_url:
            return ()
        with self._lock:
            return self._metadata_hashes.get(file.metadata_url, ())

    def _metadata_keys(self, file: DistFile) -> tuple[str, ...]:
        """Where the file's metadata may be cached: under the sha256 the index gives for it
        (shared by the files with that digest), then under the file's own URL."""
        digest = _sha256_of(self._metadata_digests(file))
        return (_digest_key(digest), file.url) if digest else (file.url,)

    def _local_metadata(self, file: DistFile) -> bytes | None:
        if file.metadata_url:
            meta_path = url_to_path(file.metadata_url)
            if meta_path.is_file():
                return self._local_bytes(meta_path, "metadata file", self._limits.metadata_bytes)
        path = url_to_path(file.url)
        if not path.is_file():
            raise SourceError(f"{redact_url(file.url)} does not exist")
        return metadata_from_archive(path, file.filename, file.name)

    def _pep658(self, file: DistFile) -> bytes | None:
        expected = self._metadata_digests(file)
        digest = _sha256_of(expected)
        if digest is None:
            return self._fetch_pep658(file, expected)
        # The same sha256 is the same bytes: another file's metadata, checked against that
        # sha256 (not only the first digest the page gives), is this file's. Only an answer is
        # shared: a file whose read failed is asked for itself.
        asked = False  # whether this call made the request the others share

        def fetch() -> bytes | None:
            nonlocal asked
            asked = True
            body = self._fetch_pep658(file, expected)
            if body is not None and hashlib.sha256(body).hexdigest() != digest:
                # An md5 that matches beside a sha256 that does not: a page that claims another
                # file's metadata must not hand its own bytes to that file.
                self._count("metadata_hash_mismatch")
                return None
            return body

        try:
            shared: bytes | None = self._once(self._metadata_by_digest, digest, fetch)
        except SourceError:
            if asked:
                raise
            shared = None
        if shared is None and not asked:
            return self._fetch_pep658(file, expected)
        return shared

    def _fetch_pep658(self, file: DistFile, expected: tuple[tuple[str, str], ...]) -> bytes | None:
        assert file.metadata_url is not None
        limit = self._limits.metadata_bytes
        response = self._session.fetch(file.metadata_url, {"Accept": "*/*"}, limit=limit)
        if response.status in (404, 410):
            return None  # the index advertised it but lacks it: read the wheel instead
        if response.status != 200:
            raise self._session.status_error(file.metadata_url, response)
        body = response.body
        for algo, digest in expected:
            if algo in hashlib.algorithms_guaranteed:
                if hashlib.new(algo, body).hexdigest() != digest:
                    self._count("metadata_hash_mismatch")
                    return None
                break
        self._count("metadata_pep658")
        return body

    def _load_names(self, file: DistFile) -> tuple[str, ...]:
        if not file.is_wheel:
            return ()
        cached = self._pages.get_immutable(file.url, _NAMES_NS)
        if cached is not None:
            return tuple(cached.decode("utf-8", "replace").splitlines())
        names: list[str] | None = None
        try:
            if file.url.startswith("file:"):
                with zipfile.ZipFile(url_to_path(file.url)) as zf:
                    names = zf.namelist()
            elif not self._offline:
                directory = self._wheels.central_directory(file.url)
                if directory is not None:
                    names = list(directory.entries)
                else:
                    with zipfile.ZipFile(io.BytesIO(self._download(file.url))) as zf:
                        names = zf.namelist()
        except (SourceError, zipfile.BadZipFile, OSError):
            names = None
        if names is None:
            return ()
        self._pages.put_immutable(file.url, _NAMES_NS, "\n".join(names).encode("utf-8"))
        return tuple(names)

    def _load_archive(self, file: DistFile) -> bytes | None:
        try:
            if file.url.startswith("file:"):
                path = url_to_path(file.url)
                return read_project_bytes(path, what="archive", limit=self._limits.download_bytes)
            cached = self._pages.get_immutable(file.url, _ARCHIVE_NS)
            if cached is not None:
                return cached
            if self._offline:
                return None
            self._progress(f"download of {file.filename}")
            data = self._download(file.url)
        except (SourceError, OSError, InputError):
            return None
        self._pages.put_immutable(file.url, _ARCHIVE_NS, data)
        return data


def wheel_filename_parts(filename: str) -> tuple[NormalizedName, Version, frozenset[Tag]]:
    """`parse_wheel_filename`'s name, version and (shared) tags of a name ending in `.whl`,
    parsed once per release and once per tag string: a listing repeats both (pydantic-core:
    15,057 files, 165 releases, 275 tag strings), and a cold check builds some 5,000 files
    under one interpreter lock. Raises InvalidWheelFilename exactly when it does: each part is
    `parse_wheel_filename` itself, on the release with a plain tag or the tags with a plain
    release, which split into the same pieces as the whole name."""
    head, dash, _ = filename[:-4].rpartition("-")
    head, dash2, _ = head.rpartition("-")
    head, dash3, _ = head.rpartition("-")
    if not (dash and dash2 and dash3):
        name, version, _build, tags = parse_wheel_filename(filename)  # raises, as it should
        return name, version, shared_tags(tags)
    name, version = _wheel_release(head)
    return name, version, _wheel_tags(filename[len(head) + 1 : -4])


@lru_cache(maxsize=65536)
def _wheel_release(head: str) -> tuple[NormalizedName, Version]:
    name, version, _build, _tags = parse_wheel_filename(f"{head}-py3-none-any.whl")
    return name, version


@lru_cache(maxsize=8192)
def _wheel_tags(text: str) -> frozenset[Tag]:
    return shared_tags(parse_wheel_filename(f"x-0-{text}.whl")[3])
