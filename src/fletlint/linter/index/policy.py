"""Cache policy: when a stored page is used as is, revalidated, or fetched again.

A fresh entry is used without a request; a stale one with validators is revalidated with
If-None-Match / If-Modified-Since, and a 304 keeps the stored body and its identity (only the
header's clock is written); a 404 is believed for NOT_FOUND_MAX_AGE; a page with neither lifetime
nor validator for HEURISTIC_MAX_AGE. Offline, the cache is the only answer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future

from fletlint.linter.index.cache import CacheEntry, HttpCache, body_identity, parse_cache_control
from fletlint.linter.index.http import HttpSession
from fletlint.linter.index.limits import IndexLimits

# How long a page that came with neither a lifetime nor a validator is believed (seconds).
HEURISTIC_MAX_AGE = 600.0
# How long "this project is not on this index" is believed without asking again (seconds).
NOT_FOUND_MAX_AGE = 600.0


class NotCached(Exception):
    """Offline mode, and the cache has no answer."""


class CachePolicy:
    """GETs through the HTTP cache for one IndexClient."""

    def __init__(
        self,
        cache: HttpCache | None,
        session: HttpSession,
        *,
        offline: bool,
        limits: IndexLimits,
        count: Callable[[str], None],
    ) -> None:
        self.cache = cache
        self._session = session
        self._offline = offline
        self._limits = limits
        self._count = count
        # Pages being fetched: a thread asking for one already on its way waits for that
        # request (a read ahead and the resolver both asked for pydantic-core's 7 MB page).
        self._lock = threading.Lock()
        self._in_flight: dict[tuple[str, str], Future[CacheEntry]] = {}

    def get(self, url: str, accept: str, *, reload: bool = False) -> CacheEntry:
        """Status 200 or 404 entries (raises SourceError for the rest, NotCached offline).
        `reload`: the stored body was lost; ask without validators."""
        entry = self.cache.get(url, accept) if self.cache is not None and not reload else None
        if self._offline:
            if entry is None:
                raise NotCached
            self._count("cache_hits")
            return entry
        if entry is not None and entry.is_fresh():
            self._count("cache_hits")
            return entry
        if reload:
            return self._fetch(url, accept, None)
        with self._lock:
            pending = self._in_flight.get((url, accept))
            if pending is None:
                mine: Future[CacheEntry] = Future()
                self._in_flight[(url, accept)] = mine
        if pending is not None:
            return pending.result()
        try:
            fetched = self._fetch(url, accept, entry)
        except BaseException as exc:
            mine.set_exception(exc)
            raise
        else:
            mine.set_result(fetched)
            return fetched
        finally:
            with self._lock:
                del self._in_flight[(url, accept)]

    def _fetch(self, url: str, accept: str, entry: CacheEntry | None) -> CacheEntry:
        headers = {"Accept": accept}
        if entry is not None and entry.status == 200 and entry.has_validators:
            if entry.etag:
                headers["If-None-Match"] = entry.etag
            if entry.last_modified:
                headers["If-Modified-Since"] = entry.last_modified
            self._count("conditional_requests")
        response = self._session.fetch(url, headers, limit=self._limits.page_bytes)
        max_age, storable = parse_cache_control(response.headers.get("cache-control"))
        if "cache-control" not in response.headers and not (
            response.headers.get("etag") or response.headers.get("last-modified")
        ):
            # Nothing to revalidate with and no lifetime given (some mirrors and proxies answer
            # so): without a heuristic lifetime every run would download every page again.
            max_age = HEURISTIC_MAX_AGE
        if response.status == 304 and entry is not None:
            self._count("not_modified")
            if self.cache is not None:
                return self.cache.touch(
                    url,
                    accept,
                    entry,
                    max_age,
                    etag=response.headers.get("etag"),
                    last_modified=response.headers.get("last-modified"),
                )
            return entry
        if response.status in (404, 410):
            # Remembered so that offline mode knows "not on this index" from "never asked", and
            # trusted for a while: a 404 carries no validator, so revalidating it costs a full
            # request per project per index on every run (most projects are not on Flet's index).
            new = CacheEntry(
                b"",
                status=404,
                stored_at=time.time(),
                url=response.url,
                max_age=NOT_FOUND_MAX_AGE,
                identity=body_identity(b""),
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
                url=response.url,
                # The page's identity, taken once here: what the listing store is keyed on.
                identity=body_identity(response.body),
                length=len(response.body),
            )
        else:
            raise self._session.status_error(url, response)
        if self.cache is not None and storable:
            return self.cache.put(url, accept, new)  # the body stays in memory too
        return new

    def body(self, url: str, accept: str, entry: CacheEntry) -> tuple[CacheEntry, bytes]:
        """`entry`'s body, fetched again when its stored copy was lost since the header was
        read (pruned by another process, damaged); returns the entry the body belongs to."""
        body = entry.read_body()
        if body is not None:
            return entry, body
        fresh = self.get(url, accept, reload=True)
        return fresh, fresh.body or b""

    def get_immutable(self, url: str, namespace: str) -> bytes | None:
        """A stored value of a released file (metadata, member names, an archive)."""
        if self.cache is None:
            return None
        entry = self.cache.get(url, namespace)
        return entry.read_body() if entry is not None else None

    def has_immutable(self, url: str, namespace: str) -> bool:
        """Whether a value of a released file is stored (a guess, not read)."""
        return self.cache is not None and self.cache.has(url, namespace)

    def put_immutable(self, url: str, namespace: str, body: bytes) -> None:
        """Released files never change (PyPI forbids re-uploads), so no revalidation."""
        if self.cache is not None:
            entry = CacheEntry(body, stored_at=time.time(), url=url, immutable=True)
            self.cache.put(url, namespace, entry)
