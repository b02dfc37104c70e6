"""A small on-disk HTTP cache for index pages and core metadata.

One file per entry: a line of JSON (status, validators, freshness) followed by the raw body. Entries
are written to a temp file in the same folder and moved into place with `os.replace`, so a reader
(another thread, or another fletlint process sharing the cache) sees either the old entry or the new
one, never half of one; anything unreadable is simply a miss.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import platformdirs

from fletlint.linter.index.urls import split_credentials
from fletlint.linter.storage import store_in_cache

_FORMAT = 1
_MAX_AGE_RE = re.compile(r"(?:^|,)\s*(?:s-)?max-age\s*=\s*\"?(\d+)\"?", re.IGNORECASE)


@dataclass(frozen=True)
class CacheEntry:
    body: bytes
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    max_age: float = 0.0
    stored_at: float = 0.0
    content_type: str = ""
    url: str = ""  # final (post-redirect) URL, credential-free: relative links resolve against it
    immutable: bool = False

    def is_fresh(self, now: float | None = None) -> bool:
        if self.immutable:
            return True
        return (now if now is not None else time.time()) - self.stored_at < self.max_age

    @property
    def has_validators(self) -> bool:
        return self.etag is not None or self.last_modified is not None


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


def default_cache_dir(environ: Mapping[str, str]) -> Path:
    """`$FLETLINT_CACHE_DIR`, else the per-user cache folder (tests and CI point it elsewhere)."""
    override = environ.get("FLETLINT_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir("fletlint"))


def cache_key(url: str, accept: str) -> str:
    """sha256 of the credential-free URL and the Accept header (JSON and HTML pages differ)."""
    bare, _ = split_credentials(url)
    return hashlib.sha256(f"{bare}\n{accept}".encode()).hexdigest()


class HttpCache:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def _path(self, key: str) -> Path:
        # Two-level fan-out keeps folders small on big resolutions.
        return self.folder / "http-v1" / key[:2] / key

    def get(self, url: str, accept: str) -> CacheEntry | None:
        path = self._path(cache_key(url, accept))
        try:
            raw = path.read_bytes()
            header, sep, body = raw.partition(b"\n")
            if not sep:
                return None
            meta = json.loads(header)
            if not isinstance(meta, dict) or meta.get("format") != _FORMAT:
                return None
            if len(body) != meta["length"]:  # truncated by a crash or a full disk
                return None
            return CacheEntry(
                body=body,
                status=int(meta["status"]),
                etag=meta.get("etag"),
                last_modified=meta.get("last_modified"),
                max_age=float(meta.get("max_age", 0.0)),
                stored_at=float(meta["stored_at"]),
                content_type=str(meta.get("content_type", "")),
                url=str(meta.get("url", "")),
                immutable=bool(meta.get("immutable", False)),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, url: str, accept: str, entry: CacheEntry) -> None:
        """Store an entry; an unwritable cache only costs speed, so errors are ignored."""
        path = self._path(cache_key(url, accept))
        stored_at = entry.stored_at or time.time()
        header = {
            "format": _FORMAT,
            "status": entry.status,
            "etag": entry.etag,
            "last_modified": entry.last_modified,
            "max_age": entry.max_age,
            "stored_at": stored_at,
            "content_type": entry.content_type,
            "url": split_credentials(entry.url)[0],
            "immutable": entry.immutable,
            "length": len(entry.body),
        }
        data = json.dumps(header, separators=(",", ":")).encode() + b"\n" + entry.body
        store_in_cache(path, data)

    def touch(self, url: str, accept: str, entry: CacheEntry, max_age: float) -> CacheEntry:
        """After a 304: the stored body is confirmed, restart its freshness clock."""
        fresh = replace(entry, stored_at=time.time(), max_age=max_age)
        self.put(url, accept, fresh)
        return fresh
