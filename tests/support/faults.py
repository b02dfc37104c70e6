"""Faults for a LocalIndex: error statuses, garbage bodies, cut and stalled connections.

A real index misbehaves in ways a mock would not think of: a proxy that truncates a page, a CDN
that ignores Range, a mirror that stalls mid-body. `Faults` is a per-path table installed as a
LocalIndex's `fault_hook`: the first rule whose regex matches the request path decides what is
written instead of the normal response; unmatched requests are answered normally.

Every wait is bounded (`slow` sleeps at most `MAX_STALL` seconds), so a client that forgot its
timeout makes a test slow, never hang.
"""

from __future__ import annotations

import contextlib
import re
import socket
import struct
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from tests.support.index_server import JSON_TYPE, LocalIndex, RecordedRequest, _Response

MAX_STALL = 30.0

# An action writes a whole (faulty) answer to the handler's socket.
Action = Callable[[BaseHTTPRequestHandler, RecordedRequest, _Response], None]


def _write_head(handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str]) -> None:
    handler.send_response(status)
    for key, value in headers.items():
        if key.lower() != "content-length":
            handler.send_header(key, value)


def _send(
    handler: BaseHTTPRequestHandler,
    status: int,
    headers: dict[str, str],
    body: bytes,
    *,
    declared: int | None = None,
) -> None:
    """A response whose Content-Length is `declared` (default: the true length)."""
    _write_head(handler, status, headers)
    handler.send_header("Content-Length", str(len(body) if declared is None else declared))
    handler.end_headers()
    if handler.command != "HEAD":
        with contextlib.suppress(OSError):  # the client gave up first: that is the point
            handler.wfile.write(body)
            handler.wfile.flush()


def _hang_up(handler: BaseHTTPRequestHandler, *, reset: bool) -> None:
    handler.close_connection = True
    conn = handler.connection
    with contextlib.suppress(OSError):
        if reset:
            # SO_LINGER 0: close() sends RST instead of FIN, a connection reset mid-body.
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        else:
            conn.shutdown(socket.SHUT_RDWR)


def status(code: int, headers: dict[str, str] | None = None) -> Action:
    """Answer `code` (e.g. 500, 429 with Retry-After) with a short text body."""

    def act(handler: BaseHTTPRequestHandler, _req: RecordedRequest, _res: _Response) -> None:
        base = {"Content-Type": "text/plain", **(headers or {})}
        _send(handler, code, base, f"fault {code}\n".encode())

    return act


def body(data: bytes, content_type: str = JSON_TYPE) -> Action:
    """200 with `data` and the given content type: invalid JSON, HTML garbage, a wrong type."""

    def act(handler: BaseHTTPRequestHandler, _req: RecordedRequest, _res: _Response) -> None:
        _send(handler, 200, {"Content-Type": content_type}, data)

    return act


def content_type(value: str) -> Action:
    """The normal body under another Content-Type."""

    def act(handler: BaseHTTPRequestHandler, _req: RecordedRequest, res: _Response) -> None:
        _send(handler, res.status, {**res.headers, "Content-Type": value}, res.body)

    return act


def rewrite(change: Callable[[bytes], bytes]) -> Action:
    """The normal status and headers with a changed body (a corrupt wheel, other metadata)."""

    def act(handler: BaseHTTPRequestHandler, _req: RecordedRequest, res: _Response) -> None:
        headers = {k: v for k, v in res.headers.items() if k not in ("ETag", "Content-Range")}
        new = change(res.body)
        if res.status == 206:  # keep a range answer self-consistent
            headers["Content-Range"] = f"bytes 0-{len(new) - 1}/{len(new)}"
        _send(handler, res.status, headers, new)

    return act


def truncated(keep: float = 0.5) -> Action:
    """Promise the whole body, send part of it, close the connection cleanly."""

    def act(handler: BaseHTTPRequestHandler, _req: RecordedRequest, res: _Response) -> None:
        part = res.body[: int(len(res.body) * keep)]
        _send(handler, res.status, res.headers, part, declared=len(res.body))
        _hang_up(handler, reset=False)

    return act


def reset(keep: float = 0.5) -> Action:
    """Send part of the body, then reset the connection (RST)."""

    def act(handler: BaseHTTPRequestHandler, _req: RecordedRequest, res: _Response) -> None:
        part = res.body[: int(len(res.body) * keep)]
        _send(handler, res.status, res.headers, part, declared=len(res.body))
        _hang_up(handler, reset=True)

    return act


def slow(seconds: float = 1.0, *, before_headers: bool = False) -> Action:
    """Stall `seconds` (at most MAX_STALL) before the headers or in the middle of the body."""
    stall = min(seconds, MAX_STALL)

    def act(handler: BaseHTTPRequestHandler, _req: RecordedRequest, res: _Response) -> None:
        if before_headers:
            time.sleep(stall)
            _send(handler, res.status, res.headers, res.body)
            return
        half = len(res.body) // 2
        _write_head(handler, res.status, res.headers)
        handler.send_header("Content-Length", str(len(res.body)))
        handler.end_headers()
        with contextlib.suppress(OSError):
            handler.wfile.write(res.body[:half])
            handler.wfile.flush()
            time.sleep(stall)
            handler.wfile.write(res.body[half:])
        _hang_up(handler, reset=False)

    return act


def together(barrier: threading.Barrier, met: list[bool], wait: float = 5.0) -> Action:
    """Answer normally once every party of `barrier` has a request waiting (appends True to
    `met`), or after `wait` seconds without them (appends False): whether requests were in
    flight at the same time, told without timing them."""

    def act(handler: BaseHTTPRequestHandler, _req: RecordedRequest, res: _Response) -> None:
        try:
            barrier.wait(min(wait, MAX_STALL))
            met.append(True)
        except threading.BrokenBarrierError:
            met.append(False)
        _send(handler, res.status, res.headers, res.body)

    return act


def ignore_range(index: LocalIndex) -> Action:
    """Answer a Range request with 200 and the whole file, as some CDNs and proxies do."""

    def act(handler: BaseHTTPRequestHandler, req: RecordedRequest, res: _Response) -> None:
        plain = {k: v for k, v in req.headers.items() if k != "range"}
        whole = index.respond(req.method, req.path, plain)
        headers = {k: v for k, v in whole.headers.items() if k != "Accept-Ranges"}
        _send(handler, whole.status, headers, whole.body)

    return act


@dataclass
class Faults:
    """Rules of (path regex, action); the first match wins. `hits` counts faulty answers."""

    rules: list[tuple[re.Pattern[str], Action]] = field(default_factory=list)
    hits: int = 0

    def on(self, pattern: str, action: Action) -> Faults:
        self.rules.append((re.compile(pattern), action))
        return self

    def install(self, index: LocalIndex) -> LocalIndex:
        index.fault_hook = self
        return index

    def __call__(
        self, handler: BaseHTTPRequestHandler, req: RecordedRequest, res: _Response
    ) -> bool:
        path = req.path.split("?", 1)[0]
        for pattern, action in self.rules:
            if pattern.search(path):
                self.hits += 1
                action(handler, req, res)
                return True
        return False


def rewrite_member(wheel: Path, suffix: str, change: Callable[[bytes], bytes]) -> None:
    """Rewrite one member of a wheel in place (e.g. METADATA with garbage lines)."""
    with zipfile.ZipFile(wheel) as zf:
        members = [(info, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(wheel, "w") as zf:
        for info, data in members:
            zf.writestr(info, change(data) if info.filename.endswith(suffix) else data)
