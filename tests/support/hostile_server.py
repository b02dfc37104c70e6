"""Hostile behaviours for a LocalIndex: what an attacker's index (or a compromised mirror) sends.

Where tests/support/faults.py models accidents (a cut body, a stall), these model intent: bodies
that never end, a `Content-Length` of 2 GB, compression bombs, a server that trickles one byte at
a time, JSON pages of the wrong shape, links to this machine's files, redirects to another host,
a wheel whose METADATA member inflates to hundreds of megabytes while claiming a few bytes.

Every action is an `Action` for `faults.Faults.on(...)`. Big bodies are generated while they are
sent, never held in memory, and every loop is bounded (by bytes, by time, and by the client going
away), so a client that forgot a limit makes the test fail, not the machine swap.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import io
import struct
import tarfile
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from tests.support.faults import Action
from tests.support.index_server import JSON_TYPE, RecordedRequest, _Response

MiB = 1024 * 1024
GiB = 1024 * MiB
# No hostile stream runs longer than this, whatever the client does (far beyond what a client
# with its limits needs on a loaded machine: a stream cut short would end as a wrong answer).
MAX_SECONDS = 120.0
_BLOCK = 256 * 1024


def _head(handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str]) -> None:
    handler.send_response(status)
    for key, value in headers.items():
        handler.send_header(key, value)
    handler.end_headers()


def _stream(
    handler: BaseHTTPRequestHandler,
    status: int,
    headers: dict[str, str],
    chunks: Iterator[bytes],
    *,
    chunked: bool,
) -> None:
    """Send `chunks` until they end, the client hangs up, or MAX_SECONDS pass."""
    handler.close_connection = True
    # Said, so that the client does not reuse a connection this server is about to close.
    headers = {**headers, "Connection": "close"}
    if chunked:
        headers["Transfer-Encoding"] = "chunked"
    _head(handler, status, headers)
    ends = time.monotonic() + MAX_SECONDS
    with contextlib.suppress(OSError):  # the client stopped reading: that is the point
        for chunk in chunks:
            if time.monotonic() > ends:
                break
            if chunked:
                handler.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            else:
                handler.wfile.write(chunk)
        if chunked:
            handler.wfile.write(b"0\r\n\r\n")
        handler.wfile.flush()


def _filler(total: int, pattern: bytes = b" ") -> Iterator[bytes]:
    block = (pattern * (_BLOCK // len(pattern) + 1))[:_BLOCK]
    sent = 0
    while sent < total:
        piece = block[: min(_BLOCK, total - sent)]
        sent += len(piece)
        yield piece


def huge_declared(size: int = 2 * GiB, content_type: str = JSON_TYPE) -> Action:
    """Announce `size` bytes in Content-Length, then send them (as long as the client reads)."""

    def act(handler: BaseHTTPRequestHandler, _req: RecordedRequest, _res: _Response) -> None:
        headers = {"Content-Type": content_type, "Content-Length": str(size)}
        _stream(handler, 200, headers, _filler(size), chunked=False)

    return act


def endless_chunked(content_type: str = JSON_TYPE, limit: int = 4 * GiB) -> Action:
    """A chunked body that does not end (a JSON page that opens and never closes)."""

    def act(handler: BaseHTTPRequestHandler, _req: RecordedRequest, _res: _Response) -> None:
        def body() -> Iterator[bytes]:
            yield b'{"meta": {"api-version": "1.1"}, "files": ['
            yield from _filler(limit, b'{"url": "x-1.0.tar.gz"}, ')

        _stream(handler, 200, {"Content-Type": content_type}, body(), chunked=True)

    return act


def _zeros_deflated(total: int, *, wbits: int) -> Iterator[bytes]:
    """`total` zero bytes compressed as they are asked for: the server pays only for what the
    client reads, so a "6 GiB" bomb costs what the client inflates before it stops."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    zeros = bytes(MiB)
    done = 0
    while done < total:
        step = min(MiB, total - done)
        done += step
        out = compressor.compress(zeros[:step])
        if out:
            yield out
    yield compressor.flush()


def gzip_bomb(inflated: int = 6 * GiB, content_type: str = JSON_TYPE) -> Action:
    """A gzip Content-Encoding that inflates to `inflated` bytes (about 1000:1)."""

    def act(handler: BaseHTTPRequestHandler, _req: RecordedRequest, _res: _Response) -> None:
        headers = {"Content-Type": content_type, "Content-Encoding": "gzip"}
        _stream(handler, 200, headers, _zeros_deflated(inflated, wbits=31), chunked=True)

    return act


def trickle(interval: float = 0.2, content_type: str = JSON_TYPE) -> Action:
    """Headers at once, then one byte every `interval` seconds: no read ever times out."""

    def act(handler: BaseHTTPRequestHandler, _req: RecordedRequest, _res: _Response) -> None:
        def body() -> Iterator[bytes]:
            while True:
                yield b" "
                handler.wfile.flush()
                time.sleep(interval)

        _stream(handler, 200, {"Content-Type": content_type}, body(), chunked=True)

    return act


def redirect(location: str, status: int = 302) -> Action:
    """Send the client elsewhere (another host, a file: URL)."""

    def act(handler: BaseHTTPRequestHandler, _req: RecordedRequest, _res: _Response) -> None:
        handler.close_connection = True
        _head(handler, status, {"Location": location, "Content-Length": "0", "Connection": "close"})

    return act


def whole_file_for_range(size: int = 1200 * MiB) -> Action:
    """Answer a Range request with 200 and a `size`-byte body, as if it were the whole file."""

    def act(handler: BaseHTTPRequestHandler, _req: RecordedRequest, _res: _Response) -> None:
        headers = {"Content-Type": "application/octet-stream", "Content-Length": str(size)}
        _stream(handler, 200, headers, _filler(size, b"\0"), chunked=False)

    return act


def json_page(document: bytes) -> Action:
    """A JSON page with `document` as its body (any shape)."""

    def act(handler: BaseHTTPRequestHandler, _req: RecordedRequest, _res: _Response) -> None:
        headers = {"Content-Type": JSON_TYPE, "Content-Length": str(len(document))}
        _head(handler, 200, headers)
        with contextlib.suppress(OSError):
            handler.wfile.write(document)

    return act


def deeply_nested(depth: int = 100_000) -> bytes:
    return b"[" * depth + b"]" * depth


@functools.lru_cache(maxsize=4)
def _deflated_zeros(size: int) -> tuple[bytes, int]:
    """(raw deflate of `size` zero bytes, its crc32), made once per size and test session."""
    data = b"".join(_zeros_deflated(size, wbits=-15))
    crc = 0
    zeros = bytes(MiB)
    for start in range(0, size, MiB):
        crc = zlib.crc32(zeros[: min(MiB, size - start)], crc)
    return data, crc


def bomb_wheel(folder: Path, name: str, version: str, *, inflated: int, claimed: int) -> Path:
    """A wheel whose `.dist-info/METADATA` inflates to `inflated` bytes while both zip headers
    claim `claimed`: the archive lies, only the bytes produced can be trusted."""
    filename = f"{name}-{version}-py3-none-any.whl"
    member = f"{name}-{version}.dist-info/METADATA".encode()
    data, crc = _deflated_zeros(inflated)
    local = struct.pack(
        "<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), claimed, len(member), 0
    )
    central = struct.pack(
        "<4sHHHHHHIIIHHHHHII",
        b"PK\x01\x02",
        20,
        20,
        0,
        8,
        0,
        0,
        crc,
        len(data),
        claimed,
        len(member),
        0,
        0,
        0,
        0,
        0,
        0,
    )
    body = local + member + data
    directory = central + member
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(directory), len(body), 0)
    path = folder / filename
    path.write_bytes(body + directory + end)
    return path


def serve_file(path: Path) -> Action:
    """Serve `path` as a file of the index, ranges included (for files the index's own folder
    scan must not read, such as a bomb wheel)."""

    def act(handler: BaseHTTPRequestHandler, req: RecordedRequest, _res: _Response) -> None:
        data = path.read_bytes()
        spec = req.headers.get("range", "").removeprefix("bytes=")
        status, start, end = 200, 0, len(data)
        if spec.startswith("-"):
            status, start = 206, max(0, len(data) - int(spec[1:]))
        elif spec:
            first, _, last = spec.partition("-")
            status, start = 206, int(first)
            end = min(len(data), int(last) + 1) if last else len(data)
        headers = {"Content-Type": "application/octet-stream", "Content-Length": str(end - start)}
        if status == 206:
            headers["Content-Range"] = f"bytes {start}-{end - 1}/{len(data)}"
        _head(handler, status, headers)
        with contextlib.suppress(OSError):
            handler.wfile.write(data[start:end])

    return act


def tar_bomb_sdist(folder: Path, name: str, version: str, *, inflated: int) -> Path:
    """An sdist `.tar.gz` whose first member inflates to `inflated` zero bytes, PKG-INFO after."""
    top = f"{name}-{version}"
    path = folder / f"{top}.tar.gz"
    with (
        path.open("wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=1) as gz,
        tarfile.open(fileobj=gz, mode="w|") as tf,
    ):
        info = tarfile.TarInfo(f"{top}/padding.bin")
        info.size = inflated
        tf.addfile(info, _ZeroReader(inflated))
        pkg_info = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
        member = tarfile.TarInfo(f"{top}/PKG-INFO")
        member.size = len(pkg_info)
        tf.addfile(member, io.BytesIO(pkg_info))
    return path


class _ZeroReader:
    def __init__(self, size: int) -> None:
        self._left = size

    def read(self, size: int = -1) -> bytes:
        size = self._left if size < 0 else min(size, self._left)
        self._left -= size
        return bytes(size)


def dribble(pieces: int = 8, pause: float = 0.05) -> Action:
    """The normal answer, complete, in `pieces` parts `pause` seconds apart: each request ends
    in time, but a check made of many of them would not."""

    def act(handler: BaseHTTPRequestHandler, _req: RecordedRequest, res: _Response) -> None:
        body = res.body
        step = max(1, len(body) // pieces + 1)

        def parts() -> Iterator[bytes]:
            for start in range(0, len(body), step):
                yield body[start : start + step]
                handler.wfile.flush()
                time.sleep(pause)

        headers = {k: v for k, v in res.headers.items() if k.lower() != "content-length"}
        headers["Content-Length"] = str(len(body))
        _stream(handler, res.status, headers, parts(), chunked=False)

    return act
