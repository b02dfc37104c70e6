"""HTTP/1.1 connections to indexes: a bounded pool, TLS trust and proxies found as httpx finds them.

The standard library's `http.client` does the talking. A cold check is bound by one interpreter
lock, and the cold example's 154 requests took 0.50-0.55 s of it through httpx (thread CPU of
`HttpSession.fetch`), 0.22-0.24 s through `http.client`, which costs nothing to import either
(`urllib.request` loads it). What httpx gave fletlint is kept here, and tested against real TLS
and proxy servers (tests/unit/test_transport.py):

- TLS trust: `$SSL_CERT_FILE`, else `$SSL_CERT_DIR`, else certifi's bundle (httpx's order);
- proxies from `HTTP(S)_PROXY` / `ALL_PROXY`, with `NO_PROXY` (the standard library's reading,
  which pip's also follows): a CONNECT tunnel for https, absolute-form requests for http;
- at most 16 connections, kept alive and reused; one that the server closed while idle is not;
- a failed connect is tried once more (httpx's `retries=1`).

Bodies are not decoded here: `HttpSession` counts what it decompresses against its limits.
"""

from __future__ import annotations

import base64
import contextlib
import os
import select
import ssl
import threading
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from http.client import HTTPConnection, HTTPException, HTTPResponse, HTTPSConnection
from urllib.parse import quote, unquote, urlsplit

MAX_CONNECTIONS = 16
_CHUNK = 65536
# Characters a request target may carry as they are; anything else is percent-encoded (httpx
# does so too: `http.client` refuses a non-ASCII request line).
_SAFE_IN_TARGET = "/?#[]@!$&'()*+,;=:-._~%"


class TransportError(Exception):
    """A request that got no usable answer; `str()` is the cause in the socket's words."""


class ConnectFailed(TransportError):
    """No connection: DNS, refused, unreachable, TLS set-up, or the connect timed out."""


class TransportTimeout(TransportError):
    """The answer did not come (or stopped coming) within the timeout."""


class Headers(Mapping[str, str]):
    """A response's headers, case-insensitive; repeated ones joined by ", " (as httpx does)."""

    def __init__(self, items: list[tuple[str, str]]) -> None:
        joined: dict[str, str] = {}
        for key, value in items:
            low = key.lower()
            joined[low] = f"{joined[low]}, {value}" if low in joined else value
        self._items = joined

    def __getitem__(self, key: str) -> str:
        return self._items[key.lower()]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key.lower() in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


def tls_context() -> ssl.SSLContext:
    """Trust as httpx (trust_env) sets it up: $SSL_CERT_FILE, $SSL_CERT_DIR, else certifi.

    One per process and setting: loading some 140 certificates takes 30 ms, which the first
    https request waits for (the CLI starts it while the engine loads: `start_tls_context`).
    A caller while another thread loads it waits for that load. Raises OSError (ssl.SSLError)
    when the certificates cannot be read."""
    cafile = os.environ.get("SSL_CERT_FILE") or None
    capath = os.environ.get("SSL_CERT_DIR") or None
    with _contexts_lock:
        context = _contexts.get((cafile, capath))
        if context is None:
            if cafile:
                context = ssl.create_default_context(cafile=cafile)
            elif capath:
                context = ssl.create_default_context(capath=capath)
            else:
                import certifi

                context = ssl.create_default_context(cafile=certifi.where())
            context.set_alpn_protocols(["http/1.1"])
            _contexts[(cafile, capath)] = context
        return context


_contexts: dict[tuple[str | None, str | None], ssl.SSLContext] = {}
_contexts_lock = threading.Lock()


def start_tls_context() -> None:
    """Load the TLS trust on a thread of its own (outside the interpreter lock, mostly), for a
    process that will soon make https requests; a failure is met again by the first request."""

    def load() -> None:
        with contextlib.suppress(OSError):
            tls_context()

    threading.Thread(target=load, name="fletlint-tls", daemon=True).start()


@dataclass(frozen=True)
class Proxy:
    """An http:// proxy from the environment; `authorization` is its Proxy-Authorization."""

    host: str
    port: int
    authorization: str | None


def proxy_for(url: str, proxies: Mapping[str, str]) -> Proxy | None:
    """The proxy `proxies` (the environment's, `getproxies_environment`) names for `url`
    (None: connect directly). Raises TransportError for a proxy fletlint cannot use (https://
    or socks)."""
    parts = urlsplit(url)
    if not proxies:
        return None
    host = parts.hostname or ""
    named = proxies.get(parts.scheme) or proxies.get("all")
    # proxy_bypass_environment: in urllib.request since Python 2, missing from typeshed.
    bypass = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]
    if not named or bypass(host, proxies):
        return None
    if "://" not in named:
        named = f"http://{named}"
    proxy = urlsplit(named)
    if proxy.scheme != "http":
        raise TransportError(
            f"the proxy {proxy.scheme}://{proxy.hostname}:{proxy.port or ''} is not supported "
            "(fletlint talks to http:// proxies)"
        )
    authorization = None
    if proxy.username is not None:
        authorization = basic_authorization(unquote(proxy.username), unquote(proxy.password or ""))
    return Proxy(proxy.hostname or "", proxy.port or 80, authorization)


def basic_authorization(username: str, password: str) -> str:
    """An Authorization (or Proxy-Authorization) header's value for these credentials."""
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


class Response:
    """A response whose body is still to be read (`chunks`); `close` gives its connection
    back to the pool when the body was read to its end and the server keeps it open."""

    def __init__(self, pool: Transport, key: _Key, conn: HTTPConnection, raw: HTTPResponse):
        self._pool, self._key, self._conn, self._raw = pool, key, conn, raw
        self.status = raw.status
        self.reason = raw.reason
        self.headers = Headers(raw.getheaders())
        self._done = False

    def chunks(self) -> Iterator[bytes]:
        """The body as it arrives (no decoding)."""
        while True:
            try:
                chunk = self._raw.read1(_CHUNK)
            except TimeoutError as exc:
                raise TransportTimeout(str(exc) or "timed out") from None
            except (OSError, HTTPException) as exc:
                raise TransportError(_describe(exc)) from None
            if not chunk:
                self._done = True
                return
            yield chunk

    def close(self) -> None:
        reusable = self._done and not self._raw.will_close
        self._raw.close()
        if not reusable:
            self._conn.close()  # a body not read to its end leaves the connection mid-answer
        self._pool.release(self._key, self._conn if reusable else None)


_Key = tuple[str, str, int, "Proxy | None"]


class Transport:
    """Connections shared by one client's threads: at most MAX_CONNECTIONS at once."""

    def __init__(self, max_connections: int = MAX_CONNECTIONS) -> None:
        # Read once, as httpx's client read them when it was made: scanning the environment
        # on every request cost 40 us each (150 requests in a cold check).
        self._proxies = urllib.request.getproxies_environment()
        self._slots = threading.BoundedSemaphore(max_connections)
        self._lock = threading.Lock()
        self._idle: dict[_Key, list[HTTPConnection]] = {}

    def get(
        self, url: str, headers: Mapping[str, str], *, timeout: float, connect_timeout: float
    ) -> Response:
        """Send `GET url` and read the answer's head. Raises ConnectFailed, TransportTimeout
        or TransportError. The caller reads `chunks()` and must `close()` the response."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise TransportError(f"not an http(s) URL: {url}")
        host = parts.hostname
        port = parts.port or (443 if parts.scheme == "https" else 80)
        proxy = proxy_for(url, self._proxies)
        key: _Key = (parts.scheme, host, port, proxy)
        target = quote(parts.path or "/", safe=_SAFE_IN_TARGET)
        if parts.query:
            target += "?" + quote(parts.query, safe=_SAFE_IN_TARGET)
        sent = {"Accept": "*/*", "User-Agent": "fletlint", **headers}
        if proxy is not None and parts.scheme == "http":
            # Through an http proxy an http request names its whole URL.
            target = f"http://{parts.netloc.rpartition('@')[2]}{target}"
            if proxy.authorization:
                sent["Proxy-Authorization"] = proxy.authorization
        if not self._slots.acquire(timeout=max(timeout, 0.0)):
            raise TransportTimeout("timed out waiting for a free connection")
        try:
            return self._send(key, target, sent, timeout, connect_timeout)
        except BaseException:
            self._slots.release()
            raise

    def _send(
        self,
        key: _Key,
        target: str,
        headers: dict[str, str],
        timeout: float,
        connect_timeout: float,
    ) -> Response:
        reused = self._idle_connection(key)
        if reused is not None:
            try:
                return self._exchange(key, reused, target, headers, timeout)
            except _Stale:
                pass  # the server closed it meanwhile: once more on a new connection
        conn = self._connect(key, timeout, connect_timeout)
        try:
            return self._exchange(key, conn, target, headers, timeout)
        except _Stale as exc:
            raise TransportError(str(exc)) from None

    def _exchange(
        self, key: _Key, conn: HTTPConnection, target: str, headers: dict[str, str], timeout: float
    ) -> Response:
        try:
            if conn.sock is not None:
                conn.sock.settimeout(timeout)
            conn.request("GET", target, headers=headers)
            raw = conn.getresponse()
        except TimeoutError as exc:
            conn.close()
            raise TransportTimeout(str(exc) or "timed out") from None
        except (ConnectionError, HTTPException) as exc:
            # Reset, closed, or no status line: the request may have met a connection the
            # server had closed.
            conn.close()
            raise _Stale(_describe(exc)) from exc
        except OSError as exc:
            conn.close()
            raise TransportError(_describe(exc)) from None
        return Response(self, key, conn, raw)

    def _idle_connection(self, key: _Key) -> HTTPConnection | None:
        while True:
            with self._lock:
                idle = self._idle.get(key)
                conn = idle.pop() if idle else None
            if conn is None:
                return None
            sock = conn.sock
            # Readable while idle means closed by the server (or talking out of turn).
            if sock is not None and not select.select([sock], [], [], 0)[0]:
                return conn
            conn.close()

    def _connect(self, key: _Key, timeout: float, connect_timeout: float) -> HTTPConnection:
        scheme, host, port, proxy = key
        conn: HTTPConnection
        address = (host, port) if proxy is None else (proxy.host, proxy.port)
        if scheme == "https":
            try:
                trust = tls_context()
            except OSError as exc:
                raise TransportError(f"the TLS certificates cannot be read: {exc}") from None
            conn = HTTPSConnection(*address, timeout=connect_timeout, context=trust)
            if proxy is not None:
                tunnel = {"Proxy-Authorization": proxy.authorization} if proxy.authorization else {}
                conn.set_tunnel(host, port, headers=tunnel)
        else:
            conn = HTTPConnection(*address, timeout=connect_timeout)
        for attempt in (1, 2):  # one retry of a failed connect, as httpx's retries=1
            try:
                conn.connect()
                break
            except TimeoutError as exc:
                failure: Exception = ConnectFailed(str(exc) or "timed out")
            except (OSError, HTTPException) as exc:  # ssl.SSLError is an OSError
                if str(exc).startswith("Tunnel connection failed"):
                    # The proxy answered, refusing the tunnel (407, 403): not a host down.
                    conn.close()
                    raise TransportError(f"the proxy refused the tunnel: {exc}") from None
                failure = ConnectFailed(_describe(exc))
            conn.close()
            if attempt == 2:
                raise failure from None
        assert conn.sock is not None
        conn.sock.settimeout(timeout)
        return conn

    def release(self, key: _Key, conn: HTTPConnection | None) -> None:
        if conn is not None:
            with self._lock:
                self._idle.setdefault(key, []).append(conn)
        self._slots.release()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, {}
        for conns in idle.values():
            for conn in conns:
                conn.close()


class _Stale(TransportError):
    """The connection failed before an answer began: perhaps one the server had closed."""


def _describe(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__  # RemoteDisconnected and BadStatusLine may say nothing
