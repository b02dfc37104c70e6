"""HTTP and auth: every request fletlint sends to an index, within every bound.

`HttpSession.fetch` reads a response whole as a stream cut at its limit (decompressed bytes
counted), follows redirects itself (refusing a credentialed request that leaves its host), sends
Basic auth per host as pip does (netrc and keyring after a 401), and keeps the request and check
deadlines. The connections are `transport`'s (the standard library's `http.client`); TLS is set
up on the first https request only: a warm run answered by the cache never pays for it. A host
that could not be connected to is remembered on disk (`UnreachableHosts`), so that the next
process does not wait on DNS again.
"""

from __future__ import annotations

import json
import netrc
import os
import threading
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from fletlint.linter import observed
from fletlint.linter.index.limits import IndexLimits, describe
from fletlint.linter.index.urls import (
    InvalidURLError,
    check_url,
    netloc_of,
    redact_text,
    redact_url,
    split_credentials,
)
from fletlint.linter.storage import store_in_cache

if TYPE_CHECKING:
    from fletlint.linter.index.transport import Transport

_REDIRECTS = (301, 302, 303, 307, 308)
# How long a host that could not be connected to (DNS, refused, connect timeout) is not asked
# again by later processes sharing the cache (seconds). Within one check it is not asked again
# at all; a long-lived client (the language server) asks again after its own back-off.
UNREACHABLE_FOR = 600.0
_UNREACHABLE_FILE = "unreachable-v1.json"


class SourceError(Exception):
    """The index cannot be read; `message` is already credential-free."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TooLarge(SourceError):
    """A body beyond its limit: the index answered, but with more than fletlint reads."""


@dataclass(frozen=True)
class Fetched:
    """A response read whole, within its limits. `url` is the final, credential-free URL;
    `headers` is case-insensitive."""

    status: int
    reason: str
    headers: Mapping[str, str]
    body: bytes
    url: str


class Inflater:
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
            raise SourceError(f"{what} comes with an unsupported Content-Encoding {encoding!r}")
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
                raise SourceError(f"{self._what} is not valid {self._encoding}: {exc}") from None
            self._out += produced
            self._check()
            pending = self._zlib.unconsumed_tail
            if not produced and pending:  # pragma: no cover - zlib always progresses
                break

    def _check(self) -> None:
        if len(self._out) > self._limit:
            size = describe(self._limit)
            raise TooLarge(f"{self._what} is larger than the {size} limit (decompressed)")

    def result(self) -> bytes:
        return bytes(self._out)


def stored_credentials(url: str) -> tuple[str, str] | None:
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


class UnreachableHosts:
    """Hosts that could not be connected to, kept in the cache folder for UNREACHABLE_FOR.

    What a process finds in the file when it first needs it is believed until its time is up
    (the failure's own words are replayed, so the user reads the same problem). Failures seen by
    this process are written for the next ones and believed here until the next check begins,
    when the client's own back-off decides. The file is small JSON written atomically; a lost
    update between two processes only costs one more failed request.
    """

    def __init__(self, folder: Path | None) -> None:
        self._path = folder / _UNREACHABLE_FILE if folder is not None else None
        self._lock = threading.Lock()
        self._stored: dict[str, tuple[float, str]] | None = None  # host -> (until, detail)
        self._this_check: dict[str, str] = {}
        self._written: set[str] = set()  # hosts this process put in the file

    def _load(self) -> dict[str, tuple[float, str]]:
        if self._stored is not None:
            return self._stored
        stored: dict[str, tuple[float, str]] = {}
        if self._path is not None:
            try:
                raw = json.loads(self._path.read_bytes())
            except (OSError, ValueError):
                raw = None
            if isinstance(raw, dict):
                # Expired records are kept here too: a host that answers is then removed.
                now = time.time()
                for host, value in raw.items():
                    if (
                        isinstance(value, list)
                        and len(value) == 2
                        and isinstance(value[0], (int, float))
                        and isinstance(value[1], str)
                        and value[0] <= now + UNREACHABLE_FOR  # not from the future
                    ):
                        stored[host] = (float(value[0]), value[1])
        self._stored = stored
        return stored

    def detail(self, host: str) -> str | None:
        """Why `host` is not asked now, or None: ask it."""
        with self._lock:
            if host in self._this_check:
                return self._this_check[host]
            known = self._load().get(host)
        if known is not None and time.time() < known[0]:
            return known[1]
        return None

    def record(self, host: str) -> tuple[str, float, str] | None:
        """The file's record of `host` while it is in force: (the file, until, detail), read
        afresh (a replay of the check probes the same record, `observed.host_state`)."""
        if self._path is None:
            return None
        now = time.time()
        found = observed.host_state(str(self._path), host, now)
        if found is None or found[0] > now + UNREACHABLE_FOR:  # from the future: not believed
            return None
        return str(self._path), *found

    def remember(self, host: str, detail: str) -> None:
        with self._lock:
            self._this_check[host] = detail
            self._written.add(host)
            self._write({host: (time.time() + UNREACHABLE_FOR, detail)}, forget=())

    def forget(self, host: str) -> None:
        """`host` answered: later processes may ask it."""
        with self._lock:
            if host in self._load() or host in self._written:
                self._stored = {h: v for h, v in self._load().items() if h != host}
                self._written.discard(host)
                self._write({}, forget=(host,))

    def begin_check(self) -> None:
        with self._lock:
            self._this_check.clear()

    def _write(self, add: dict[str, tuple[float, str]], forget: tuple[str, ...]) -> None:
        if self._path is None:
            return
        try:
            current = json.loads(self._path.read_bytes())
        except (OSError, ValueError):  # ValueError: also a NUL byte in the path
            current = {}
        if not isinstance(current, dict):
            current = {}
        now = time.time()
        kept = {
            host: value
            for host, value in current.items()
            if host not in forget
            and isinstance(value, list)
            and len(value) == 2
            and isinstance(value[0], (int, float))
            and value[0] > now
        }
        kept.update({host: [until, detail] for host, (until, detail) in add.items()})
        store_in_cache(self._path, json.dumps(kept, sort_keys=True).encode())


class HttpSession:
    """Requests to indexes for one IndexClient: auth per host, bounds, deadlines, redirects."""

    def __init__(
        self,
        *,
        auth: dict[str, tuple[str, str]],
        timeout: float,
        limits: IndexLimits,
        count: Callable[[str], None],
        unreachable: UnreachableHosts,
    ) -> None:
        self.auth = auth  # netloc -> credentials; pip reuses an index's for its whole host
        self._timeout = timeout
        self._limits = limits
        self._count = count
        self._unreachable = unreachable
        self.request_deadline, self.check_deadline = limits.deadlines(timeout)
        self.check_started = time.monotonic()
        self._lock = threading.Lock()
        self._transport: Transport | None = None

    def begin_check(self) -> None:
        self.check_started = time.monotonic()
        self._unreachable.begin_check()

    def unreachable_record(self, url: str) -> tuple[str, float, str] | None:
        """Why the host of `url` is not asked, as the unreachable-hosts file says now."""
        return self._unreachable.record(netloc_of(url))

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()

    def _connections(self) -> Transport:
        """Made on first use: a warm run answered by the cache never loads the transport nor
        pays for TLS set-up."""
        from fletlint.linter.index.transport import Transport

        with self._lock:
            if self._transport is None:
                self._transport = Transport()
            return self._transport

    def fetch(
        self, url: str, headers: dict[str, str], *, limit: int, what: str | None = None
    ) -> Fetched:
        """GET `url` whole, within every bound: at most `limit` body bytes (decompressed),
        the request and check deadlines, `limits.redirects` redirects, and no redirect of a
        credentialed request to another host. Raises SourceError (credential-free)."""
        what = what or redact_url(url)
        started = time.monotonic()
        original_host = netloc_of(url)
        bare, creds = split_credentials(url)
        explicit = creds is not None
        if creds is None:
            creds = self.auth.get(original_host)
        headers = {"Accept-Encoding": "gzip, deflate", **headers}
        tried_netrc = False
        redirects = 0
        current = bare
        while True:
            fetched = self._fetch_once(current, headers, creds, limit, what, started)
            if fetched.status == 401 and creds is None and not tried_netrc:
                # pip asks netrc (and keyring, when installed) after a 401, not before.
                tried_netrc = True
                creds = stored_credentials(current)
                if creds is not None:
                    with self._lock:
                        self.auth.setdefault(netloc_of(current), creds)
                    continue
            if fetched.status not in _REDIRECTS or "location" not in fetched.headers:
                return fetched
            redirects += 1
            if redirects > self._limits.redirects:
                raise SourceError(f"{what}: more than {self._limits.redirects} redirects")
            try:
                target = urljoin(current, fetched.headers["location"])
            except ValueError as exc:  # `http://[::1/x`: no URL at all
                raise SourceError(
                    f"{what} redirects to an unusable URL: invalid URL in location header ({exc})"
                ) from None
            try:
                check_url(target)
            except InvalidURLError as exc:
                raise SourceError(f"{what} redirects to an unusable URL: {exc.message}") from None
            if urlsplit(target).scheme not in ("http", "https"):
                raise SourceError(f"{what} redirects to {redact_url(target)}, not an http URL")
            target, target_creds = split_credentials(target)
            host = netloc_of(target)
            if host != original_host and (explicit or original_host in self.auth):
                raise SourceError(
                    f"{what} redirects to another host ({host}); refused, because the index "
                    "has credentials that must not be sent elsewhere"
                )
            if host != netloc_of(current):
                creds = target_creds or self.auth.get(host)
            current = target

    def _fetch_once(
        self,
        url: str,
        headers: dict[str, str],
        creds: tuple[str, str] | None,
        limit: int,
        what: str,
        started: float,
    ) -> Fetched:
        now = time.monotonic()
        check_left = self.check_started + self.check_deadline - now
        if check_left <= 0:
            raise SourceError(
                f"{what} not read: the check's {self.check_deadline:g} s deadline passed"
            )
        host = netloc_of(url)
        known = self._unreachable.detail(host)
        if known is not None:
            # Not asked again: the same words as when the connection failed.
            self._count("unreachable_skipped")
            raise SourceError(f"cannot reach {what}: {known}")
        from fletlint.linter.index.transport import (
            ConnectFailed,
            TransportError,
            TransportTimeout,
            basic_authorization,
        )

        ends = min(started + self.request_deadline, now + check_left)
        if creds:
            headers = {**headers, "Authorization": basic_authorization(*creds)}
        self._count("requests")
        try:
            wait_at_most = max(0.05, min(self._timeout, ends - now))
            r = self._connections().get(
                url, headers, timeout=wait_at_most, connect_timeout=min(wait_at_most, 5.0)
            )
            try:
                self._unreachable.forget(host)  # it answered: later processes may ask it
                if r.status != 200 and r.status != 206:
                    # Error, redirect and not-modified bodies are never used: not read at all.
                    return Fetched(r.status, r.reason, r.headers, b"", url)
                encoding = r.headers.get("content-encoding", "")
                declared = r.headers.get("content-length", "")
                plain = encoding.strip().lower() in ("", "identity")
                if plain and declared.strip().isdigit() and int(declared) > limit:
                    raise TooLarge(
                        f"{what} is larger than the {describe(limit)} limit "
                        f"(Content-Length {int(declared)})"
                    )
                inflater = Inflater(encoding, limit, what)
                for chunk in r.chunks():  # as received: a chunk size would wait to fill it
                    inflater.feed(chunk)
                    if time.monotonic() > ends:
                        raise SourceError(self._deadline_message(what))
                inflater.feed(b"")
                return Fetched(r.status, r.reason, r.headers, inflater.result(), url)
            finally:
                r.close()
        except TransportError as exc:
            if time.monotonic() >= ends - 0.01 and isinstance(exc, TransportTimeout):
                raise SourceError(self._deadline_message(what)) from None
            detail = redact_text(str(exc)) or type(exc).__name__
            if isinstance(exc, ConnectFailed):
                self._unreachable.remember(host, detail)
            raise SourceError(f"cannot reach {what}: {detail}") from None

    def _deadline_message(self, what: str) -> str:
        if self.check_started + self.check_deadline <= time.monotonic():
            return f"{what} not read: the check's {self.check_deadline:g} s deadline passed"
        return f"{what} not read within the {self.request_deadline:g} s deadline per request"

    @staticmethod
    def status_error(url: str, response: Fetched) -> SourceError:
        reason = response.reason or ""
        return SourceError(f"HTTP {response.status} {reason} for {redact_url(url)}".strip())
