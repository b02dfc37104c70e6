"""The connections fletlint opens to an index: TLS trust, proxies and kept-alive connections, as
httpx gave them, against real servers on 127.0.0.1 (a TLS server with a CA made here by trustme,
an HTTP proxy that tunnels CONNECT and forwards absolute-form requests)."""

from __future__ import annotations

import base64
import select
import socket
import socketserver
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import trustme

from fletlint.linter.index import transport
from fletlint.linter.index.http import HttpSession, SourceError, UnreachableHosts
from fletlint.linter.index.limits import IndexLimits

BODY = b'{"meta": {"api-version": "1.0"}, "files": []}'
_PROXY_VARIABLES = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
)


@pytest.fixture(autouse=True)
def _no_proxy_or_trust_from_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def _session(unreachable: UnreachableHosts | None = None) -> HttpSession:
    return HttpSession(
        auth={},
        timeout=5.0,
        limits=IndexLimits(),
        count=lambda _stat: None,
        unreachable=unreachable or UnreachableHosts(None),
    )


class _Index(BaseHTTPRequestHandler):
    """Answers every GET with BODY, keeping the connection open (HTTP/1.1)."""

    protocol_version = "HTTP/1.1"
    connections: set[tuple[str, int]]
    close_after_each = False

    def do_GET(self) -> None:
        type(self).connections.add(self.client_address)
        self.send_response(200)
        self.send_header("Content-Type", "application/vnd.pypi.simple.v1+json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)
        if self.close_after_each:
            # Closed without saying so (no `Connection: close`): the client finds out later.
            self.close_connection = True

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA()


def _serve(server: ThreadingHTTPServer) -> Iterator[str]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _index(close_after_each: bool = False) -> type[_Index]:
    handler = type("Index", (_Index,), {"connections": set(), "close_after_each": close_after_each})
    return handler


@pytest.fixture
def tls_index(ca: trustme.CA) -> Iterator[tuple[str, type[_Index]]]:
    handler = _index()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    for address in _serve(server):
        yield address, handler


@pytest.fixture
def plain_index() -> Iterator[tuple[str, type[_Index]]]:
    handler = _index()
    for address in _serve(ThreadingHTTPServer(("127.0.0.1", 0), handler)):
        yield address, handler


class _Proxy(socketserver.ThreadingTCPServer):
    """An HTTP proxy: CONNECT opens a tunnel (or is refused, `refuse`); any other request names
    its whole URL and is sent on. `seen` records each request line and Proxy-Authorization."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, refuse: bool = False) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.refuse = refuse
        self.seen: list[tuple[str, str | None]] = []


class _ProxyHandler(socketserver.StreamRequestHandler):
    server: _Proxy

    def handle(self) -> None:
        line = self.rfile.readline().decode("latin-1").strip()
        headers: dict[str, str] = {}
        while (header := self.rfile.readline().decode("latin-1").strip()) != "":
            key, _, value = header.partition(":")
            headers[key.strip().lower()] = value.strip()
        self.server.seen.append((line, headers.get("proxy-authorization")))
        method, target, _ = line.split(" ", 2)
        if method == "CONNECT":
            if self.server.refuse:
                self.wfile.write(b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n")
                return
            host, _, port = target.rpartition(":")
            upstream = socket.create_connection((host, int(port)))
            self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            self.wfile.flush()
            self._pipe(self.connection, upstream)
            return
        # Absolute form: forward the request as it came, with Connection: close.
        rest = target.split("://", 1)[1]
        hostport, _, path = rest.partition("/")
        host, _, port = hostport.rpartition(":")
        with socket.create_connection((host, int(port))) as upstream:
            request = f"{method} /{path} HTTP/1.1\r\nHost: {hostport}\r\nConnection: close\r\n\r\n"
            upstream.sendall(request.encode())
            while data := upstream.recv(65536):
                self.wfile.write(data)

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        with b:
            while True:
                ready, _, _ = select.select([a, b], [], [], 5)
                if not ready:
                    return
                for source in ready:
                    data = source.recv(65536)
                    if not data:
                        return
                    (b if source is a else a).sendall(data)


@pytest.fixture
def proxy() -> Iterator[_Proxy]:
    server = _Proxy()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _ca_file(ca: trustme.CA, tmp_path: Path) -> str:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def test_tls_is_trusted_through_ssl_cert_file(
    tls_index: tuple[str, type[_Index]],
    ca: trustme.CA,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    address, _ = tls_index
    url = f"https://{address}/simple/lib/"
    # Without it: certifi's bundle, which does not know this CA.
    with pytest.raises(SourceError) as refused:
        _session().fetch(url, {}, limit=1000)
    assert "CERTIFICATE_VERIFY_FAILED" in refused.value.message
    assert refused.value.message.startswith(f"cannot reach {url}: ")
    monkeypatch.setenv("SSL_CERT_FILE", _ca_file(ca, tmp_path))
    fetched = _session().fetch(url, {}, limit=1000)
    assert (fetched.status, fetched.body) == (200, BODY)
    assert fetched.headers["content-type"] == fetched.headers["Content-Type"]


def test_a_refused_certificate_marks_the_host_unreachable_as_httpx_did(
    tls_index: tuple[str, type[_Index]], tmp_path: Path
) -> None:
    address, _ = tls_index
    unreachable = UnreachableHosts(tmp_path)
    with pytest.raises(SourceError):
        _session(unreachable).fetch(f"https://{address}/simple/lib/", {}, limit=1000)
    assert unreachable.detail(address) is not None


def test_kept_alive_connections_are_reused(plain_index: tuple[str, type[_Index]]) -> None:
    address, handler = plain_index
    session = _session()
    for _ in range(3):
        assert session.fetch(f"http://{address}/simple/lib/", {}, limit=1000).body == BODY
    session.close()
    assert len(handler.connections) == 1


def test_a_connection_the_server_closed_while_idle_is_not_reused() -> None:
    handler = _index(close_after_each=True)
    for address in _serve(ThreadingHTTPServer(("127.0.0.1", 0), handler)):
        session = _session()
        answers = [session.fetch(f"http://{address}/x/", {}, limit=1000).body for _ in range(3)]
        session.close()
        assert answers == [BODY] * 3
        assert len(handler.connections) == 3


def test_an_http_index_is_asked_through_http_proxy_with_its_credentials(
    plain_index: tuple[str, type[_Index]], proxy: _Proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    address, _ = plain_index
    monkeypatch.setenv("HTTP_PROXY", f"http://me:s%40cret@127.0.0.1:{proxy.server_address[1]}")
    fetched = _session().fetch(f"http://{address}/simple/lib/", {}, limit=1000)
    assert fetched.body == BODY
    expected = "Basic " + base64.b64encode(b"me:s@cret").decode()
    assert proxy.seen == [(f"GET http://{address}/simple/lib/ HTTP/1.1", expected)]


def test_an_https_index_is_tunnelled_through_https_proxy(
    tls_index: tuple[str, type[_Index]],
    proxy: _Proxy,
    ca: trustme.CA,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    address, _ = tls_index
    monkeypatch.setenv("SSL_CERT_FILE", _ca_file(ca, tmp_path))
    monkeypatch.setenv("https_proxy", f"127.0.0.1:{proxy.server_address[1]}")  # no scheme: http
    fetched = _session().fetch(f"https://{address}/simple/lib/", {}, limit=1000)
    assert fetched.body == BODY
    [(line, authorization)] = proxy.seen
    assert line.startswith(f"CONNECT {address} HTTP/1.")  # 1.0 before Python 3.12
    assert authorization is None


def test_no_proxy_and_all_proxy(
    plain_index: tuple[str, type[_Index]], proxy: _Proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    address, _ = plain_index
    monkeypatch.setenv("ALL_PROXY", f"http://127.0.0.1:{proxy.server_address[1]}")
    assert _session().fetch(f"http://{address}/a/", {}, limit=1000).body == BODY
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    assert _session().fetch(f"http://{address}/b/", {}, limit=1000).body == BODY
    assert [line for line, _ in proxy.seen] == [f"GET http://{address}/a/ HTTP/1.1"]


def test_a_proxy_fletlint_cannot_use_is_named(
    plain_index: tuple[str, type[_Index]], monkeypatch: pytest.MonkeyPatch
) -> None:
    address, _ = plain_index
    monkeypatch.setenv("HTTP_PROXY", "socks5://127.0.0.1:1080")
    with pytest.raises(SourceError) as failed:
        _session().fetch(f"http://{address}/simple/lib/", {}, limit=1000)
    assert failed.value.message == (
        f"cannot reach http://{address}/simple/lib/: the proxy socks5://127.0.0.1:1080 is not "
        "supported (fletlint talks to http:// proxies)"
    )


def test_a_refused_tunnel_is_not_a_host_down(
    tls_index: tuple[str, type[_Index]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    address, _ = tls_index
    refusing = _Proxy(refuse=True)
    threading.Thread(target=refusing.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{refusing.server_address[1]}")
        unreachable = UnreachableHosts(tmp_path)
        with pytest.raises(SourceError) as failed:
            _session(unreachable).fetch(f"https://{address}/simple/lib/", {}, limit=1000)
    finally:
        refusing.shutdown()
        refusing.server_close()
    assert "the proxy refused the tunnel" in failed.value.message
    assert "407" in failed.value.message
    assert unreachable.detail(address) is None


def test_tls_trust_loaded_ahead_is_the_one_requests_use(
    tls_index: tuple[str, type[_Index]],
    ca: trustme.CA,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    address, _ = tls_index
    monkeypatch.setenv("SSL_CERT_FILE", _ca_file(ca, tmp_path))
    loaders: list[str] = []
    real = ssl.create_default_context

    def loading(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        loaders.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(ssl, "create_default_context", loading)
    transport.start_tls_context()
    for thread in threading.enumerate():
        if thread.name == "fletlint-tls":
            thread.join()
    assert _session().fetch(f"https://{address}/simple/lib/", {}, limit=1000).body == BODY
    assert _session().fetch(f"https://{address}/simple/lib/", {}, limit=1000).body == BODY
    assert loaders == ["fletlint-tls"]  # loaded once, ahead, for every session


def test_unreadable_tls_trust_is_said_and_is_not_a_host_down(
    tls_index: tuple[str, type[_Index]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    address, _ = tls_index
    missing = tmp_path / "no-such-ca.pem"
    monkeypatch.setenv("SSL_CERT_FILE", str(missing))
    unreachable = UnreachableHosts(tmp_path)
    url = f"https://{address}/simple/lib/"
    with pytest.raises(SourceError) as failed:
        _session(unreachable).fetch(url, {}, limit=1000)
    assert failed.value.message.startswith(
        f"cannot reach {url}: the TLS certificates cannot be read: "
    )
    assert "No such file or directory" in failed.value.message
    assert unreachable.detail(address) is None
