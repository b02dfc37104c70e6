"""A small on-disk HTTP cache for index pages and core metadata, and its pruning.

An entry is a header file (a line of JSON: status, validators, freshness, the body's identity)
holding small bodies inline; a big body (a project page, an archive) lives in a file of its own,
named after its identity, and is read only when asked for (`CacheEntry.read_body`): a warm run
whose parsed listings are stored reads a few kB per page, not the pages. The identity is the
sha256 of the body, taken once when it was downloaded; a 304 keeps it, so everything keyed on it
(the parsed-listing store) stays valid without reading the body again.

Every file is written to a temp file in the same folder and moved into place (linter/storage.py),
so a reader (another thread, or another fletlint process sharing the cache) sees either the old
file or the new one, never half of one; anything unreadable, or a body that does not match its
identity, is simply a miss. `prune` keeps the cache folders within CacheBounds.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from fletlint.linter.index.urls import split_credentials
from fletlint.linter.storage import default_cache_dir as default_cache_dir  # re-exported
from fletlint.linter.storage import store_in_cache

_FORMAT = 2
HTTP_FOLDER = "http-v3"
# The HTTP cache and the parsed-listing store keep their files in one folder each, without the
# fan-out of two hex digits they had (http-v2, listings-v2): a cold check made 170 folders, and on
# ext4, under the check's threads, making one cost about 1 ms of kernel time (cold example, three
# alternated pairs: the cache's writes 0.53-0.61 -> 0.35-0.52 s of CPU). A folder of 100,000
# entries is no burden to ext4, APFS or NTFS, and the caches are pruned (CacheBounds).
# Bodies up to this size stay in their header file, and a released file's values (metadata,
# member names) always do: a body file of its own is a second file to create, and creating one
# cost a cold check 0.2-0.9 ms of kernel time here (the cold example wrote 261 files: 32 were
# pydantic's METADATA bodies of 60-170 kB, 14 pages of 32-128 kB). Bigger pages keep theirs
# apart: a warm check reads every header, and a 304 rewrites only the header.
INLINE_BODY_BYTES = 128 * 1024
_MAX_AGE_RE = re.compile(r"(?:^|,)\s*(?:s-)?max-age\s*=\s*\"?(\d+)\"?", re.IGNORECASE)
_DAY = 86400.0


@dataclass(frozen=True)
class CacheBounds:
    """How big the index client's caches may grow; checked at most once per `prune_every`
    seconds (a stamp file in the cache folder), by the first client to close after that."""

    http_bytes: int = 1024 * 1024 * 1024
    listing_bytes: int = 256 * 1024 * 1024
    # An entry not used (read or written) for this long is removed whatever the sizes.
    unused_for: float = 30 * _DAY
    prune_every: float = 3600.0


@dataclass(frozen=True)
class CacheEntry:
    body: bytes | None  # None: stored apart, read with read_body()
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    max_age: float = 0.0
    stored_at: float = 0.0
    content_type: str = ""
    url: str = ""  # final (post-redirect) URL, credential-free: relative links resolve against it
    immutable: bool = False
    identity: str = ""  # sha256 of the body, taken when it was downloaded
    body_file: Path | None = None
    length: int = 0

    def is_fresh(self, now: float | None = None) -> bool:
        if self.immutable:
            return True
        return (now if now is not None else time.time()) - self.stored_at < self.max_age

    @property
    def has_validators(self) -> bool:
        return self.etag is not None or self.last_modified is not None

    def read_body(self) -> bytes | None:
        """The body; None when its file is gone or damaged (pruned, a crash, a full disk)."""
        if self.body is not None:
            return self.body
        if self.body_file is None:
            return None
        try:
            data = self.body_file.read_bytes()
        except (OSError, ValueError):  # ValueError: a NUL byte or lone surrogate in the path
            return None
        if len(data) != self.length or hashlib.sha256(data).hexdigest() != self.identity:
            # Damaged: removed, so that storing the body again (same name) rewrites it.
            with contextlib.suppress(OSError):
                self.body_file.unlink(missing_ok=True)
            return None
        return data


def body_identity(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def parse_cache_control(value: str | None) -> tuple[float, bool]:
    """(max-age seconds, storable). `no-cache` means: store, but revalidate every time."""
    if not value:
        return 0.0, True
    low = value.lower()
    if "no-store" in low:
        return 0.0, False
    if "no-cache" in low:
        return 0.0, True
    match = _MAX_AGE_RE.search(value)
    return (float(match.group(1)) if match else 0.0), True


def cache_key(url: str, accept: str) -> str:
    """sha256 of the credential-free URL and the Accept header (JSON and HTML pages differ)."""
    bare, _ = split_credentials(url)
    return hashlib.sha256(f"{bare}\n{accept}".encode()).hexdigest()


class HttpCache:
    """Entries by (URL, Accept): headers read on `get`, big bodies only on `read_body`."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._entries = self.folder / HTTP_FOLDER  # joined once: asked for every read

    def _path(self, key: str) -> Path:
        # One folder, no fan-out: see HTTP_FOLDER.
        return self._entries / key

    def has(self, url: str, accept: str) -> bool:
        """Whether an entry is stored (not read, not validated): cheaper than `get`."""
        return self._path(cache_key(url, accept)).is_file()

    def header_path(self, url: str, accept: str) -> Path:
        """The header file of the entry for (url, accept); `observed.page_state` reads it too."""
        return self._path(cache_key(url, accept))

    def get(self, url: str, accept: str) -> CacheEntry | None:
        path = self._path(cache_key(url, accept))
        try:
            with path.open("rb") as fh:
                header = fh.readline(64 * 1024)
                meta = json.loads(header)
                if not isinstance(meta, dict) or meta.get("format") != _FORMAT:
                    return None
                length = int(meta["length"])
                identity = str(meta["identity"])
                body: bytes | None = None
                body_file: Path | None = None
                if meta.get("body") is None:
                    body = fh.read(length + 1)
                    if len(body) != length:  # truncated by a crash or a full disk
                        return None
                else:
                    name = str(meta["body"])
                    if "/" in name or "\\" in name or not name.startswith(path.name + "."):
                        return None
                    body_file = path.parent / name
            return CacheEntry(
                body=body,
                status=int(meta["status"]),
                etag=_optional_str(meta.get("etag")),
                last_modified=_optional_str(meta.get("last_modified")),
                max_age=float(meta.get("max_age", 0.0)),
                stored_at=float(meta["stored_at"]),
                content_type=str(meta.get("content_type", "")),
                url=str(meta.get("url", "")),
                immutable=bool(meta.get("immutable", False)),
                identity=identity,
                body_file=body_file,
                length=length,
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, url: str, accept: str, entry: CacheEntry) -> CacheEntry:
        """Store an entry whose body is in memory; returns it as stored (identity, time).
        An unwritable cache only costs speed, so errors are ignored."""
        body = entry.body if entry.body is not None else b""
        key = cache_key(url, accept)
        path = self._path(key)
        identity = entry.identity or body_identity(body)
        stored = replace(
            entry,
            stored_at=entry.stored_at or time.time(),
            identity=identity,
            length=len(body),
            url=split_credentials(entry.url)[0],
        )
        if len(body) <= INLINE_BODY_BYTES or entry.immutable:
            self._write_header(path, stored, None, body)
            return replace(stored, body_file=None)
        body_file = path.parent / f"{key}.{identity[:32]}"
        if not _has_size(body_file, len(body)):
            store_in_cache(body_file, body)
        self._write_header(path, stored, body_file.name, b"")
        _drop_other_bodies(path, body_file.name)
        return replace(stored, body_file=body_file)

    def touch(
        self, url: str, accept: str, entry: CacheEntry, max_age: float, **validators: str | None
    ) -> CacheEntry:
        """After a 304: the stored body is confirmed, restart its freshness clock. Only the
        header is written; the body (and its identity) stay as they are."""
        fresh = replace(
            entry,
            stored_at=time.time(),
            max_age=max_age,
            etag=validators.get("etag") or entry.etag,
            last_modified=validators.get("last_modified") or entry.last_modified,
        )
        path = self._path(cache_key(url, accept))
        if fresh.body_file is None:
            self._write_header(path, fresh, None, fresh.body or b"")
        else:
            self._write_header(path, fresh, fresh.body_file.name, b"")
        return fresh

    @staticmethod
    def _write_header(path: Path, entry: CacheEntry, body_name: str | None, inline: bytes) -> None:
        header = {
            "format": _FORMAT,
            "status": entry.status,
            "etag": entry.etag,
            "last_modified": entry.last_modified,
            "max_age": entry.max_age,
            "stored_at": entry.stored_at,
            "content_type": entry.content_type,
            "url": entry.url,
            "immutable": entry.immutable,
            "length": entry.length,
            "identity": entry.identity,
            "body": body_name,
        }
        data = json.dumps(header, separators=(",", ":")).encode() + b"\n" + inline
        store_in_cache(path, data)


def _optional_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _has_size(path: Path, size: int) -> bool:
    try:
        return path.stat().st_size == size
    except (OSError, ValueError):
        return False


def _drop_other_bodies(header: Path, keep: str) -> None:
    """Older bodies of the same entry: a reader holding their header then misses, no more."""
    try:
        with os.scandir(header.parent) as found:
            names = [e.name for e in found if e.name.startswith(header.name + ".")]
        for name in names:
            if name != keep:
                (header.parent / name).unlink(missing_ok=True)
    except (OSError, ValueError):
        return


# ---------------------------------------------------------------------------------- pruning

_PRUNE_STAMP = "pruned-v1"
# Folders of formats this fletlint no longer reads: removed whole by the next prune.
_RETIRED_FOLDERS = ("http-v1", "listings-v1", "http-v2", "listings-v2", "resolutions-v1")
# A temp file this old belongs to no live writer (a crash left it).
_STALE_TEMP = 3600.0
_pruned: set[Path] = set()
_pruned_lock = threading.Lock()


def prune(cache_dir: Path, folders: Mapping[str, int], bounds: CacheBounds) -> bool:
    """Keep each of `folders` (name -> byte budget) under `cache_dir` within its budget and
    `bounds.unused_for`, least recently used first. At most once per process and per
    `bounds.prune_every` (a stamp file); True when it pruned. Safe beside other processes:
    a file removed under a reader is a cache miss for it, never an error."""
    try:
        return _prune(Path(cache_dir), folders, bounds)
    except (OSError, ValueError):  # an unusable cache folder only costs speed
        return False


def _prune(cache_dir: Path, folders: Mapping[str, int], bounds: CacheBounds) -> bool:
    with _pruned_lock:
        if cache_dir in _pruned:
            return False
        _pruned.add(cache_dir)
    stamp = cache_dir / _PRUNE_STAMP
    now = time.time()
    try:
        if now - stamp.stat().st_mtime < bounds.prune_every:
            return False
    except FileNotFoundError:
        pass
    store_in_cache(stamp, b"")
    for retired in _RETIRED_FOLDERS:
        shutil.rmtree(cache_dir / retired, ignore_errors=True)
    for name, budget in folders.items():
        _prune_folder(cache_dir / name, budget, bounds.unused_for, now)
    return True


def _prune_folder(folder: Path, budget: int, unused_for: float, now: float) -> None:
    # Files group by the name before the first dot: a header and its body go together.
    groups: dict[Path, tuple[float, int, list[Path]]] = {}
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        path = Path(entry.path)
        if entry.name.startswith(".tmp-"):
            if now - info.st_mtime > _STALE_TEMP:
                with contextlib.suppress(OSError):
                    path.unlink(missing_ok=True)
            continue
        key = path.with_name(entry.name.split(".", 1)[0])
        used = max(info.st_mtime, info.st_atime)
        last, size, paths = groups.get(key, (0.0, 0, []))
        paths.append(path)
        groups[key] = (max(last, used), size + info.st_size, paths)
    total = sum(size for _, size, _ in groups.values())
    for last, size, paths in sorted(groups.values(), key=lambda g: g[0]):
        if total <= budget and now - last < unused_for:
            break
        for path in paths:
            with contextlib.suppress(OSError):  # gone already, or not ours to remove
                path.unlink(missing_ok=True)
        total -= size
