"""The only part of fletlint that talks to package indexes.

It reads project listings (PEP 691 JSON or PEP 503 HTML, from http(s) or file:// indexes and
pip-style find-links) and core metadata (PEP 658 first, then range requests into the wheel, then a
full download), merges every configured source the way pip does, caches HTTP responses on disk and
turns any unreadable index into a single IndexProblem instead of an exception, so that a resolution
can always finish and say what it could not see.

Credentials: `DistFile.url` keeps the URL as pip would use it (possibly with `user:pw@`), but every
text we produce (problems, progress, error messages) goes through `redact_url` / `redact_text`, and
requests are sent with a credential-free URL plus an explicit Basic auth header.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import lzma
import netrc
import os
import pickle
import re
import struct
import tarfile
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from fletlint.linter.findings import InputError
from fletlint.linter.index.cache import CacheEntry, HttpCache, parse_cache_control
from fletlint.linter.index.limits import IndexLimits, describe
from fletlint.linter.index.metadata import lenient_specifier, parse_core_metadata
from fletlint.linter.index.model import (
    ClientStats,
    CoreMetadata,
    DistFile,
    IndexProblem,
    IndexSource,
    ProjectListing,
)
from fletlint.linter.index.pages import (
    Link,
    parse_html_page,
    parse_json_page,
)
from fletlint.linter.index.snapshot import hosted_pure_files, load_snapshot, snapshot_files
from fletlint.linter.index.urls import (
    InvalidURLError,
    check_url,
    netloc_of,
    normalize_index_url,
    redact_text,
    redact_url,
    split_credentials,
    url_to_path,
)
from fletlint.linter.project_files import read_project_bytes
from fletlint.linter.storage import store_in_cache

ACCEPT_SIMPLE = (
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, "
    "text/html;q=0.01"
)
ACCEPT_FLAT = "text/html"
# How long a page that came with neither a lifetime nor a validator is believed (seconds).
HEURISTIC_MAX_AGE = 600.0
# How long "this project is not on this index" is believed without asking again (seconds).
NOT_FOUND_MAX_AGE = 600.0
# Not sent to servers: the cache namespace for extracted core metadata, keyed by file URL.
_METADATA_NS = "fletlint/core-metadata"
# Cache namespaces for a wheel's member names and for whole archives (sdists read by FL003).
_NAMES_NS = "fletlint/archive-names"
_ARCHIVE_NS = "fletlint/archive"
_TAIL = 65536  # bytes asked for first when reading a wheel's central directory (like uv / pip)
_REDIRECTS = (301, 302, 303, 307, 308)

# Seconds before a later check asks an index that failed again, doubled per failure up to the
# maximum: an index that is down does not make every keystroke wait for it, and one that is
# back is read again soon.
RETRY_FIRST, RETRY_MAX = 1.0, 60.0

T = TypeVar("T")


class _SourceError(Exception):
    """The index cannot be read; `message` is already credential-free."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _TooLarge(_SourceError):
    """A body beyond its limit: the index answered, but with more than fletlint reads."""


class _NotCached(Exception):
    """Offline mode, and the cache has no answer."""


class _ArchiveTooLarge(Exception):
    """An archive inflates beyond its limit while being read."""


@dataclass(frozen=True)
class _Fetched:
    """A response read whole, within its limits. `url` is the final, credential-free URL."""

    status: int
    reason: str
    headers: httpx.Headers
    body: bytes
    url: str


class _Inflater:
    """Decodes a Content-Encoding chunk by chunk, never producing more than `limit` bytes."""

    def __init__(self, encoding: str, limit: int, what: str) -> None:
        self._what = what
        self._limit = limit
        self._out = bytearray()
        self._zlib: Any = None
        encoding = encoding.strip().lower()
        if encoding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding not in ("", "identity", "deflate"):  # deflate: its first byte decides
            raise _SourceError(f"{what} comes with an unsupported Content-Encoding {encoding!r}")
        self._encoding = encoding

    def feed(self, data: bytes) -> None:
        if self._encoding == "deflate" and self._zlib is None:
            # RFC 9110 says zlib-wrapped; some servers send raw deflate. The first byte tells.
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS if data[:1] == b"\x78" else -15)
        if self._zlib is None:
            self._out += data
            self._check()
            return
        pending = data
        while pending:
            room = self._limit + 1 - len(self._out)
            try:
                produced = self._zlib.decompress(pending, room)
            except zlib.error as exc:
                raise _SourceError(f"{self._what} is not valid {self._encoding}: {exc}") from None
            self._out += produced
            self._check()
            pending = self._zlib.unconsumed_tail
            if not produced and pending:  # pragma: no cover - zlib always progresses
                break

    def _check(self) -> None:
        if len(self._out) > self._limit:
            size = describe(self._limit)
            raise _TooLarge(f"{self._what} is larger than the {size} limit (decompressed)")

    def result(self) -> bytes:
        return bytes(self._out)


@dataclass(frozen=True)
class _Page:
    """A project page: what identifies its content (None: not worth storing) and how to parse it."""

    fingerprint: bytes | None
    links: Callable[[], list[Link]]


_PARSED_FORMAT = 2
_ParsedListing = tuple[list[DistFile], dict[str, tuple[tuple[str, str], ...]]]


def _parsed_path(folder: Path, key: str) -> Path:
    return folder / key[:2] / key


def _read_parsed(folder: Path, key: str) -> _ParsedListing | None:
    try:
        with _parsed_path(folder, key).open("rb") as fh:
            # Our own cache folder, written by this code: a pickle is the fastest faithful copy
            # of packaging's Version/Tag/SpecifierSet objects. Anything unreadable is a miss.
            stored = pickle.load(fh)
    except Exception:
        return None
    # A pickle that loads can still hold other shapes (a damaged or foreign entry): checked
    # here, or the caller's unpacking raises far from the cache.
    if not (isinstance(stored, tuple) and len(stored) == 2):
        return None
    files, hashes = stored
    if not (isinstance(files, list) and all(isinstance(f, DistFile) for f in files)):
        return None
    if not isinstance(hashes, dict):
        return None
    return cast(_ParsedListing, stored)


def _write_parsed(folder: Path, key: str, value: _ParsedListing) -> None:
    store_in_cache(_parsed_path(folder, key), pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def _pick_member(names: Iterable[str], suffix: str, project: str) -> str | None:
    """The top-level `<dir>/<suffix>`, preferring a dir named after the project."""
    candidates = [n for n in names if n.count("/") == 1 and n.endswith("/" + suffix)]
    for candidate in candidates:
        top = candidate.split("/", 1)[0]
        stem = top.rsplit(".dist-info", 1)[0].rsplit("-", 1)[0]
        if canonicalize_name(stem) == project:
            return candidate
    return candidates[0] if candidates else None


def metadata_from_archive(
    source: bytes | Path,
    filename: str,
    project: str,
    *,
    limits: IndexLimits | None = None,
) -> bytes | None:
    """Read METADATA (wheel) or PKG-INFO (sdist) from an archive; nothing is extracted or run.

    Bounded by bytes produced, not by what the archive claims: a member inflating beyond
    `limits.member_bytes`, or a tar stream beyond `limits.unpacked_archive_bytes`, is no answer.
    """
    limits = limits or IndexLimits()
    fh: Any = io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")  # noqa: SIM115
    try:
        if filename.endswith((".whl", ".zip")):
            with zipfile.ZipFile(fh) as zf:
                suffix = "METADATA" if filename.endswith(".whl") else "PKG-INFO"
                member = _pick_member(zf.namelist(), suffix, project)
                if member is None or zf.getinfo(member).file_size > limits.member_bytes:
                    return None
                with zf.open(member) as data:
                    raw = data.read(limits.member_bytes + 1)
                return raw if len(raw) <= limits.member_bytes else None
        return _pkg_info_from_tar(fh, project, limits)
    except (
        zipfile.BadZipFile,
        tarfile.TarError,
        OSError,
        EOFError,
        KeyError,
        zlib.error,
        lzma.LZMAError,
        ValueError,
        NotImplementedError,
        _ArchiveTooLarge,
    ):
        return None
    finally:
        fh.close()


class _CappedStream:
    """A file object that stops with _ArchiveTooLarge once `limit` bytes were read from it."""

    def __init__(self, inner: Any, limit: int) -> None:
        self._inner = inner
        self._left = limit

    def read(self, size: int = -1) -> bytes:
        want = self._left + 1 if size < 0 else min(size, self._left + 1)
        data: bytes = self._inner.read(want)
        self._left -= len(data)
        if self._left < 0:
            raise _ArchiveTooLarge
        return data


def _pkg_info_from_tar(fh: Any, project: str, limits: IndexLimits) -> bytes | None:
    """An sdist's PKG-INFO, reading its tar as a stream: memory stays at a member or two, and
    a compression bomb stops at the unpacked limit instead of inflating to the end."""
    magic = fh.read(6)
    fh.seek(0)
    inner: Any = fh
    if magic.startswith(b"\x1f\x8b"):
        inner = gzip.GzipFile(fileobj=fh)
    elif magic.startswith(b"BZh"):
        inner = bz2.BZ2File(fh)
    elif magic.startswith(b"\xfd7zXZ"):
        inner = lzma.LZMAFile(fh)  # noqa: SIM115 - closed with `fh` by the caller
    first: tuple[str, bytes] | None = None
    stream: Any = _CappedStream(inner, limits.unpacked_archive_bytes)
    with tarfile.open(fileobj=stream, mode="r|") as tf:
        for member in tf:
            name = member.name
            if not (member.isfile() and name.count("/") == 1 and name.endswith("/PKG-INFO")):
                continue
            if member.size > limits.member_bytes:
                continue
            extracted = tf.extractfile(member)
            if extracted is None:
                continue
            data: bytes = extracted.read(limits.member_bytes + 1)
            if len(data) > limits.member_bytes:
                continue
            if _named_for(name, project):
                return data
            if first is None:
                first = (name, data)
    return first[1] if first is not None else None


def _named_for(member: str, project: str) -> bool:
    top = member.split("/", 1)[0]
    stem = top.rsplit(".dist-info", 1)[0].rsplit("-", 1)[0]
    return canonicalize_name(stem) == project


def _stored_credentials(url: str) -> tuple[str, str] | None:
    """Credentials for `url`'s host from netrc ($NETRC, else ~/.netrc), then keyring when it
    is installed: where pip looks after a 401."""
    host = urlsplit(url).hostname or ""
    candidates = [os.environ.get("NETRC") or "", os.path.join(os.path.expanduser("~"), ".netrc")]
    for name in candidates:
        if not name or not os.path.isfile(name):
            continue
        try:
            found = netrc.netrc(name).authenticators(host)
        except (netrc.NetrcParseError, OSError, UnicodeDecodeError):
            continue
        if found is not None and found[2] is not None:
            return found[0] or "", found[2]
        break
    try:
        import keyring  # type: ignore[import-not-found, unused-ignore]
    except Exception:  # not installed, or a broken backend at import
        return None
    try:
        credential = keyring.get_credential(url, None) or keyring.get_credential(host, None)
    except Exception:  # any backend failure means: no stored credentials
        return None
    if credential is None or credential.password is None:
        return None
    return str(credential.username or ""), str(credential.password)


def _complete_source(source: IndexSource) -> IndexSource:
    """Index roots need their trailing slash (else `urljoin` climbs out of `/simple`), and
    every source needs a credential-free display name."""
    if source.kind == "simple":
        source = replace(source, url=normalize_index_url(source.url))
    return source if source.name else replace(source, name=redact_url(source.url))


@dataclass(frozen=True)
class _ZipDirectory:
    """A zip's central directory: entries by name (method, crc, compressed size, size, local
    header offset), a reader of byte ranges, the total size, and whether it was all downloaded."""

    entries: dict[str, tuple[int, int, int, int, int]]
    read: Callable[[int, int], bytes | None]
    total: int
    whole: bool = False


@dataclass
class _Memo:
    futures: dict[str, Future[Any]] = field(default_factory=dict)


class IndexClient:
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
    ) -> None:
        self.sources: tuple[IndexSource, ...] = tuple(_complete_source(s) for s in sources)
        self._offline = offline
        self._on_progress = on_progress
        self._cache = HttpCache(cache_dir) if cache_dir is not None else None
        self._parsed_dir = Path(cache_dir) / "listings-v1" if cache_dir is not None else None
        self._snapshot_key = (
            normalize_index_url(split_credentials(snapshot_index)[0]) if snapshot_index else None
        )
        # pip reuses an index's credentials for every URL on the same host (files hosted beside
        # the index often come as credential-free absolute links); so do we.
        self._auth: dict[str, tuple[str, str]] = {}
        for source in self.sources:
            _, creds = split_credentials(source.url)
            if creds is not None:
                self._auth.setdefault(netloc_of(source.url), creds)
        self._by_name = {s.name: s for s in self.sources}
        self._lock = threading.Lock()
        self._stats_lock = threading.Lock()
        self._stats = ClientStats()
        self._listings = _Memo()
        self._metadata = _Memo()
        self._flat = _Memo()
        self._names = _Memo()
        self._archives = _Memo()
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
        self._timeout = timeout
        self._limits = limits or IndexLimits()
        self._request_deadline, self._check_deadline = self._limits.deadlines(timeout)
        self._check_started = time.monotonic()
        self._http_client: httpx.Client | None = None
        self._pool = ThreadPoolExecutor(max_workers, thread_name_prefix="fletlint-index")

    # ---------------------------------------------------------------- public API

    @property
    def problems(self) -> tuple[IndexProblem, ...]:
        with self._lock:
            return tuple(self._problems)

    @property
    def stats(self) -> ClientStats:
        return self._stats

    def listing(self, name: str) -> ProjectListing:
        project = str(canonicalize_name(name))
        return self._once(self._listings, project, lambda: self._build_listing(project))

    def prefetch(self, names: Iterable[str]) -> None:
        unique = {str(canonicalize_name(n)) for n in names}
        with self._lock:
            # The resolver prefetches on every step, mostly names it already has: a thread
            # hand-off per known name costs more than the lookup itself.
            missing = sorted(n for n in unique if n not in self._listings.futures)
        if len(missing) == 1:
            self.listing(missing[0])
        elif missing:
            self._run_all([self._pool.submit(self.listing, n) for n in missing])

    def metadata(self, file: DistFile) -> CoreMetadata:
        return self._once(self._metadata, file.url, lambda: self._load_metadata(file))

    def prefetch_metadata(self, files: Iterable[DistFile]) -> None:
        unique = {f.url: f for f in files}
        self._run_all([self._pool.submit(self.metadata, f) for f in unique.values()])

    def warm_metadata(self, files: Iterable[DistFile]) -> None:
        """Start reading metadata the resolver will probably ask for next; do not wait.

        Backtracking walks releases newest first, one at a time; reading the next few in the
        background turns a hundred sequential round trips into a few parallel batches.
        """
        with self._lock:
            wanted = [f for f in files if f.url not in self._metadata.futures]
        for file in wanted:
            self._pool.submit(self.metadata, file)

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
            self._check_started = now
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

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        if self._http_client is not None:
            self._http_client.close()

    @property
    def _http(self) -> httpx.Client:
        """Made on first use: a warm run answered by the cache never pays for TLS set-up."""
        with self._lock:
            if self._http_client is None:
                self._http_client = httpx.Client(
                    http1=True,
                    http2=False,
                    timeout=httpx.Timeout(self._timeout, connect=min(self._timeout, 5.0)),
                    limits=httpx.Limits(max_connections=16, max_keepalive_connections=16),
                    # Followed by `_fetch`, which refuses a credentialed index leaving its host.
                    follow_redirects=False,
                    headers={"User-Agent": "fletlint"},
                    # One retry for failed connects only: a hiccup should not declare an index down.
                    transport=httpx.HTTPTransport(retries=1),
                )
            return self._http_client

    def __enter__(self) -> IndexClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- plumbing

    def _once(self, memo: _Memo, key: str, compute: Callable[[], T]) -> T:
        """Compute once per key even when many threads ask at the same time."""
        with self._lock:
            future = memo.futures.get(key)
            owner = future is None
            if future is None:
                future = Future()
                memo.futures[key] = future
        if owner:
            try:
                future.set_result(compute())
            except BaseException as exc:
                future.set_exception(exc)
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

    def _report(self, source: IndexSource, message: str, *, dead: bool) -> None:
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

    def _fetch(
        self, url: str, headers: dict[str, str], *, limit: int, what: str | None = None
    ) -> _Fetched:
        """GET `url` whole, within every bound: at most `limit` body bytes (decompressed),
        the request and check deadlines, `limits.redirects` redirects, and no redirect of a
        credentialed request to another host. Raises _SourceError (credential-free)."""
        what = what or redact_url(url)
        started = time.monotonic()
        original_host = netloc_of(url)
        bare, creds = split_credentials(url)
        explicit = creds is not None
        if creds is None:
            creds = self._auth.get(original_host)
        headers = {"Accept-Encoding": "gzip, deflate", **headers}
        tried_netrc = False
        redirects = 0
        current = bare
        while True:
            fetched = self._fetch_once(current, headers, creds, limit, what, started)
            if fetched.status == 401 and creds is None and not tried_netrc:
                # pip asks netrc (and keyring, when installed) after a 401, not before.
                tried_netrc = True
                creds = _stored_credentials(current)
                if creds is not None:
                    with self._lock:
                        self._auth.setdefault(netloc_of(current), creds)
                    continue
            if fetched.status not in _REDIRECTS or "location" not in fetched.headers:
                return fetched
            redirects += 1
            if redirects > self._limits.redirects:
                raise _SourceError(f"{what}: more than {self._limits.redirects} redirects")
            target = urljoin(current, fetched.headers["location"])
            try:
                check_url(target)
            except InvalidURLError as exc:
                raise _SourceError(f"{what} redirects to an unusable URL: {exc.message}") from None
            if urlsplit(target).scheme not in ("http", "https"):
                raise _SourceError(f"{what} redirects to {redact_url(target)}, not an http URL")
            target, target_creds = split_credentials(target)
            host = netloc_of(target)
            if host != original_host and (explicit or original_host in self._auth):
                raise _SourceError(
                    f"{what} redirects to another host ({host}); refused, because the index "
                    "has credentials that must not be sent elsewhere"
                )
            if host != netloc_of(current):
                creds = target_creds or self._auth.get(host)
            current = target

    def _fetch_once(
        self,
        url: str,
        headers: dict[str, str],
        creds: tuple[str, str] | None,
        limit: int,
        what: str,
        started: float,
    ) -> _Fetched:
        now = time.monotonic()
        check_left = self._check_started + self._check_deadline - now
        if check_left <= 0:
            raise _SourceError(
                f"{what} not read: the check's {self._check_deadline:g} s deadline passed"
            )
        ends = min(started + self._request_deadline, now + check_left)
        auth = httpx.BasicAuth(*creds) if creds else None
        self._count("requests")
        try:
            wait_at_most = max(0.05, min(self._timeout, ends - now))
            timeout = httpx.Timeout(wait_at_most, connect=min(wait_at_most, 5.0))
            with self._http.stream("GET", url, headers=headers, auth=auth, timeout=timeout) as r:
                if r.status_code != 200 and r.status_code != 206:
                    # Error, redirect and not-modified bodies are never used: not read at all.
                    return _Fetched(r.status_code, r.reason_phrase, r.headers, b"", url)
                encoding = r.headers.get("content-encoding", "")
                declared = r.headers.get("content-length", "")
                plain = encoding.strip().lower() in ("", "identity")
                if plain and declared.strip().isdigit() and int(declared) > limit:
                    raise _TooLarge(
                        f"{what} is larger than the {describe(limit)} limit "
                        f"(Content-Length {int(declared)})"
                    )
                inflater = _Inflater(encoding, limit, what)
                for chunk in r.iter_raw():  # as received: a chunk size would wait to fill it
                    inflater.feed(chunk)
                    if time.monotonic() > ends:
                        raise _SourceError(self._deadline_message(what, started))
                inflater.feed(b"")
                return _Fetched(r.status_code, r.reason_phrase, r.headers, inflater.result(), url)
        except httpx.HTTPError as exc:
            if time.monotonic() >= ends - 0.01 and isinstance(exc, httpx.TimeoutException):
                raise _SourceError(self._deadline_message(what, started)) from None
            detail = redact_text(str(exc)) or type(exc).__name__
            raise _SourceError(f"cannot reach {what}: {detail}") from None

    def _deadline_message(self, what: str, started: float) -> str:
        if self._check_started + self._check_deadline <= time.monotonic():
            return f"{what} not read: the check's {self._check_deadline:g} s deadline passed"
        return f"{what} not read within the {self._request_deadline:g} s deadline per request"

    @staticmethod
    def _status_error(url: str, response: _Fetched) -> _SourceError:
        reason = response.reason or ""
        return _SourceError(f"HTTP {response.status} {reason} for {redact_url(url)}".strip())

    def _get(self, url: str, accept: str) -> CacheEntry:
        """GET through the cache; returns status 200 or 404 entries, raises for the rest."""
        entry = self._cache.get(url, accept) if self._cache else None
        if self._offline:
            if entry is None:
                raise _NotCached
            self._count("cache_hits")
            return entry
        if entry is not None and entry.is_fresh():
            self._count("cache_hits")
            return entry
        headers = {"Accept": accept}
        if entry is not None and entry.status == 200 and entry.has_validators:
            if entry.etag:
                headers["If-None-Match"] = entry.etag
            if entry.last_modified:
                headers["If-Modified-Since"] = entry.last_modified
            self._count("conditional_requests")
        response = self._fetch(url, headers, limit=self._limits.page_bytes)
        max_age, storable = parse_cache_control(response.headers.get("cache-control"))
        if "cache-control" not in response.headers and not (
            response.headers.get("etag") or response.headers.get("last-modified")
        ):
            # Nothing to revalidate with and no lifetime given (some mirrors and proxies answer
            # so): without a heuristic lifetime every run would download every page again.
            max_age = HEURISTIC_MAX_AGE
        final_url = response.url
        if response.status == 304 and entry is not None:
            self._count("not_modified")
            if self._cache is not None:
                return self._cache.touch(url, accept, entry, max_age)
            return entry
        if response.status in (404, 410):
            # Remembered so that offline mode knows "not on this index" from "never asked", and
            # trusted for a while: a 404 carries no validator, so revalidating it costs a full
            # request per project per index on every run (most projects are not on Flet's index).
            new = CacheEntry(
                b"", status=404, stored_at=time.time(), url=final_url, max_age=NOT_FOUND_MAX_AGE
            )
        elif response.status == 200:
            new = CacheEntry(
                body=response.body,
                status=200,
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
                max_age=max_age,
                stored_at=time.time(),
                content_type=response.headers.get("content-type", ""),
                url=final_url,
            )
        else:
            raise self._status_error(url, response)
        if self._cache is not None and storable:
            self._cache.put(url, accept, new)
        return new

    def _download(self, url: str) -> bytes:
        response = self._fetch(url, {"Accept": "*/*"}, limit=self._limits.download_bytes)
        if response.status != 200:
            raise self._status_error(url, response)
        return response.body

    # ---------------------------------------------------------------- listings

    def _build_listing(self, project: str) -> ProjectListing:
        files: list[DistFile] = []
        seen: set[tuple[str, str]] = set()
        for source in self.sources:
            for dist in self._files_from(source, project):
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
        except _SourceError as exc:
            # Name the index, not whichever project page happened to be asked for first: the
            # message is said once per index and should read the same on every run.
            message = re.sub(re.escape(source.name) + r"[^\s:]*", source.name, exc.message)
            self._report(source, message, dead=True)
            return self._fallback(source, project)
        except _NotCached:
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
        """The page's files, from the parsed-listing store when the page has not changed.

        Parsing a big project page (thousands of links, each with a version, tags and a
        Requires-Python) costs far more than reading a pickle of the result; warm runs would
        otherwise spend most of their time here. Sources with credentials are never stored,
        because their file URLs carry them.
        """
        key = None
        if (
            page.fingerprint is not None
            and self._parsed_dir is not None
            and source.name == source.url
        ):
            digest = hashlib.sha256(page.fingerprint)
            digest.update(f"\n{source.url}\n{project}\n{_PARSED_FORMAT}".encode())
            key = digest.hexdigest()
            stored = _read_parsed(self._parsed_dir, key)
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
        if key is not None and self._parsed_dir is not None:
            with self._lock:
                hashes = {
                    f.metadata_url: self._metadata_hashes[f.metadata_url]
                    for f in files
                    if f.metadata_url in self._metadata_hashes
                }
            _write_parsed(self._parsed_dir, key, (files, hashes))
        return files

    def _simple_page(self, source: IndexSource, project: str) -> _Page:
        url = urljoin(source.url, project + "/")
        entry = self._get(url, ACCEPT_SIMPLE)
        if entry.status == 404:
            return _Page(None, list)
        base = self._with_source_credentials(entry.url or split_credentials(url)[0], source.url)
        parse = parse_json_page if "json" in entry.content_type.lower() else parse_html_page
        # The entry's identity, not its bytes: hashing megabytes of JSON per project per run
        # cost more than the parse it saves. A re-download or revalidation changes stored_at.
        identity = f"{base}|{entry.etag}|{entry.last_modified}|{entry.stored_at}|{len(entry.body)}"
        return _Page(identity.encode(), lambda: parse(entry.body, base))

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
        if not root.is_dir():
            raise _SourceError(f"index folder {redact_url(source.url)} does not exist")
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
            if not page.is_file():
                return None
        return page

    @staticmethod
    def _local_bytes(path: Path, what: str, limit: int) -> bytes:
        """A file of a local index: a regular file within `limit`, else _SourceError."""
        try:
            return read_project_bytes(path, what=what, limit=limit)
        except InputError as exc:
            raise _SourceError(exc.message) from None

    def _flat_links(self, source: IndexSource) -> list[Link]:
        """All links of a find-links source, read once per run."""
        return self._once(self._flat, source.url, lambda: self._read_flat(source))

    def _read_flat(self, source: IndexSource) -> list[Link]:
        if source.url.startswith("file:"):
            path = url_to_path(source.url)
            if path.is_dir():
                return [
                    Link(url=child.as_uri(), filename=child.name)
                    for child in sorted(path.iterdir())
                    if child.is_file()
                ]
            if path.is_file():
                page = self._local_bytes(path, "find-links page", self._limits.page_bytes)
                return parse_html_page(page, path.as_uri())
            raise _SourceError(f"find-links location {redact_url(source.url)} does not exist")
        entry = self._get(source.url, ACCEPT_FLAT)
        if entry.status == 404:
            raise _SourceError(f"find-links page {redact_url(source.url)} not found (HTTP 404)")
        base = self._with_source_credentials(entry.url or source.url, source.url)
        return parse_html_page(entry.body, base)

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
                name, version, _build, tags = parse_wheel_filename(filename)
                is_wheel = True
            elif filename.endswith((".tar.gz", ".zip")):
                name, version = parse_sdist_filename(filename)
                tags = frozenset()
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
            tags=frozenset(tags),
            requires_python=lenient_specifier(link.requires_python),
            yanked=link.yanked,
            hashes=link.hashes,
            metadata_url=metadata_url,
        )

    # ---------------------------------------------------------------- metadata

    def _load_metadata(self, file: DistFile) -> CoreMetadata:
        if file.from_snapshot:
            return self._borrowed_metadata(file)
        self._progress(f"metadata of {file.filename}")
        source = self._by_name.get(file.index)
        try:
            raw = self._metadata_bytes(file)
        except _TooLarge as exc:
            # One oversized file (a huge wheel on a server that ignores ranges) says nothing
            # about the index: the rest of it is still read.
            if source is not None:
                message = f"{exc.message}; the dependencies of {file.filename} are unknown"
                self._report(source, message, dead=False)
            raw = None
        except _SourceError as exc:
            if source is not None:
                self._report(source, exc.message, dead=True)
            raw = None
        except _NotCached:
            if source is not None:
                message = f"metadata of {file.filename} is not in the cache (offline mode)"
                self._report(source, message, dead=False)
            raw = None
        else:
            if raw is None and source is not None:
                # Served, but no METADATA/PKG-INFO inside (a corrupt archive): resolving on as if
                # it had no dependencies must not pass silently for a complete answer.
                message = (
                    f"metadata of {file.filename} could not be read (not a valid archive); "
                    "its dependencies are unknown"
                )
                self._report(source, message, dead=False)
        if raw is None:
            with self._lock:
                self._missed_metadata.add(file.url)
            self._count("metadata_missing")
            return CoreMetadata(file.name, file.version)
        return parse_core_metadata(raw, file.name, file.version)

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
        if self._cache is not None:
            cached = self._cache.get(file.url, _METADATA_NS)
            if cached is not None:
                self._count("cache_hits")
                return cached.body
        if self._offline:
            raise _NotCached
        raw = None
        if file.metadata_url:
            try:
                raw = self._pep658(file)
            except _SourceError:
                # PEP 658 only saves a download: a failing .metadata (an error status, a cut or
                # stalled body) is read from the wheel itself; only if that fails is the index.
                raw = None
        if raw is None and file.is_wheel:
            raw = self._wheel_metadata_by_range(file)
        if raw is None:
            self._count("metadata_download")
            raw = metadata_from_archive(
                self._download(file.url), file.filename, file.name, limits=self._limits
            )
        if raw is not None and self._cache is not None:
            # Released files never change (PyPI forbids re-uploads), so no revalidation.
            entry = CacheEntry(raw, stored_at=time.time(), url=file.url, immutable=True)
            self._cache.put(file.url, _METADATA_NS, entry)
        return raw

    def _local_metadata(self, file: DistFile) -> bytes | None:
        if file.metadata_url:
            meta_path = url_to_path(file.metadata_url)
            if meta_path.is_file():
                return self._local_bytes(meta_path, "metadata file", self._limits.metadata_bytes)
        path = url_to_path(file.url)
        if not path.is_file():
            raise _SourceError(f"{redact_url(file.url)} does not exist")
        return metadata_from_archive(path, file.filename, file.name)

    def _pep658(self, file: DistFile) -> bytes | None:
        assert file.metadata_url is not None
        limit = self._limits.metadata_bytes
        response = self._fetch(file.metadata_url, {"Accept": "*/*"}, limit=limit)
        if response.status in (404, 410):
            return None  # the index advertised it but lacks it: read the wheel instead
        if response.status != 200:
            raise self._status_error(file.metadata_url, response)
        body = response.body
        with self._lock:
            expected = self._metadata_hashes.get(file.metadata_url, ())
        for algo, digest in expected:
            if algo in hashlib.algorithms_guaranteed:
                if hashlib.new(algo, body).hexdigest() != digest:
                    self._count("metadata_hash_mismatch")
                    return None
                break
        self._count("metadata_pep658")
        return body

    def _range_get(self, url: str, spec: str) -> _Fetched:
        self._count("range_requests")
        # identity: a compressed 206 would not be addressable by byte offsets. The limit is the
        # download's: a server may answer with the whole file (200) instead of the range.
        headers = {"Range": f"bytes={spec}", "Accept-Encoding": "identity"}
        return self._fetch(url, headers, limit=self._limits.download_bytes)

    def _load_names(self, file: DistFile) -> tuple[str, ...]:
        if not file.is_wheel:
            return ()
        cached = self._cache.get(file.url, _NAMES_NS) if self._cache is not None else None
        if cached is not None:
            return tuple(cached.body.decode("utf-8").splitlines())
        names: list[str] | None = None
        try:
            if file.url.startswith("file:"):
                with zipfile.ZipFile(url_to_path(file.url)) as zf:
                    names = zf.namelist()
            elif not self._offline:
                directory = self._central_directory(file.url)
                if directory is not None:
                    names = list(directory.entries)
                else:
                    with zipfile.ZipFile(io.BytesIO(self._download(file.url))) as zf:
                        names = zf.namelist()
        except (_SourceError, zipfile.BadZipFile, OSError):
            names = None
        if names is None:
            return ()
        if self._cache is not None:
            body = "\n".join(names).encode("utf-8")
            entry = CacheEntry(body, stored_at=time.time(), url=file.url, immutable=True)
            self._cache.put(file.url, _NAMES_NS, entry)
        return tuple(names)

    def _load_archive(self, file: DistFile) -> bytes | None:
        try:
            if file.url.startswith("file:"):
                path = url_to_path(file.url)
                return read_project_bytes(path, what="archive", limit=self._limits.download_bytes)
            cached = self._cache.get(file.url, _ARCHIVE_NS) if self._cache is not None else None
            if cached is not None:
                return cached.body
            if self._offline:
                return None
            self._progress(f"download of {file.filename}")
            data = self._download(file.url)
        except (_SourceError, OSError, InputError):
            return None
        if self._cache is not None:
            entry = CacheEntry(data, stored_at=time.time(), url=file.url, immutable=True)
            self._cache.put(file.url, _ARCHIVE_NS, entry)
        return data

    def _central_directory(self, url: str) -> _ZipDirectory | None:
        """A remote zip's central directory by range requests. None when the server or the
        layout does not allow it (zip64, no ranges): the caller then downloads the file."""
        response = self._range_get(url, f"-{_TAIL}")
        if response.status == 200:  # server ignores ranges: we already have the whole file
            body = response.body
            try:
                with zipfile.ZipFile(io.BytesIO(body)) as zf:
                    infos = zf.infolist()
            except zipfile.BadZipFile:
                return None
            whole = {
                i.filename: (i.compress_type, i.CRC, i.compress_size, i.file_size, i.header_offset)
                for i in infos
            }
            return _ZipDirectory(
                whole,
                lambda start, end: body[start:end],
                len(body),
                whole=True,
            )
        if response.status != 206:
            if response.status in (416, 501):
                return None
            raise self._status_error(url, response)
        content_range = response.headers.get("content-range", "")
        try:
            total = int(content_range.rsplit("/", 1)[1])
        except (IndexError, ValueError):
            return None
        tail = response.body
        tail_start = total - len(tail)

        def read(start: int, end: int) -> bytes | None:
            if start >= tail_start:
                return tail[start - tail_start : end - tail_start]
            part = self._range_get(url, f"{start}-{end - 1}")
            if part.status == 206 and len(part.body) == end - start:
                return part.body
            return None

        eocd = tail.rfind(b"PK\x05\x06")
        if eocd < 0 or len(tail) - eocd < 22:
            return None
        (_, _, _, _, count, cd_size, cd_offset, _) = struct.unpack(
            "<4sHHHHIIH", tail[eocd : eocd + 22]
        )
        if cd_offset == 0xFFFFFFFF or count == 0xFFFF:
            return None  # zip64: rare for wheels, let zipfile handle the full file
        directory = read(cd_offset, cd_offset + cd_size)
        if directory is None:
            return None
        entries: dict[str, tuple[int, int, int, int, int]] = {}
        pos = 0
        while pos + 46 <= len(directory) and directory[pos : pos + 4] == b"PK\x01\x02":
            (method, _t, _d, crc, csize, usize, nlen, xlen, clen) = struct.unpack(
                "<HHHIIIHHH", directory[pos + 10 : pos + 34]
            )
            (offset,) = struct.unpack("<I", directory[pos + 42 : pos + 46])
            name = directory[pos + 46 : pos + 46 + nlen].decode("utf-8", "replace")
            entries[name] = (method, crc, csize, usize, offset)
            pos += 46 + nlen + xlen + clen
        return _ZipDirectory(entries, read, total)

    def _wheel_metadata_by_range(self, file: DistFile) -> bytes | None:
        """Read `*.dist-info/METADATA` from a remote wheel with a few range requests.

        Returns None when the wheel is laid out in a way this reader does not handle (zip64,
        unusual compression, server quirks): the caller then downloads the whole file.
        """
        zipdir = self._central_directory(file.url)
        if zipdir is None:
            return None
        if zipdir.whole:
            self._count("metadata_download")
        entries, read, total = zipdir.entries, zipdir.read, zipdir.total
        member = _pick_member(entries, "METADATA", file.name)
        if member is None:
            return None
        method, crc, csize, usize, offset = entries[member]
        limit = self._limits.member_bytes
        if usize > limit or method not in (0, 8):
            return None
        # The local header's extra field may differ from the central one: read header first
        # with some slack, then the data if the slack was not enough.
        slack = 30 + len(member.encode()) + 1024
        chunk = read(offset, min(offset + slack + csize, total))
        if chunk is None or chunk[:4] != b"PK\x03\x04":
            return None
        nlen, xlen = struct.unpack("<HH", chunk[26:30])
        start = 30 + nlen + xlen
        data = chunk[start : start + csize]
        if len(data) < csize:
            more = read(offset + start, offset + start + csize)
            if more is None:
                return None
            data = more
        try:
            # Bounded by what is produced: the sizes in the directory are the archive's claim.
            raw = data if method == 0 else zlib.decompressobj(-15).decompress(data, usize + 1)
        except zlib.error:
            return None
        if len(raw) != usize or zlib.crc32(raw) != crc:
            return None
        self._count("metadata_range")
        return raw
