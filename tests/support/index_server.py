"""A real local package index for offline tests (PEP 503 HTML, PEP 691 JSON, PEP 658 metadata).

The index client under test speaks HTTP: content negotiation, redirects, conditional
requests, range requests and Basic auth are all things it must get right against
PyPI and private mirrors. Mocking the transport would test our assumptions about those
servers instead of the client, so this is a small but genuine HTTP server on 127.0.0.1
that serves a folder of distribution files.

The folder is rescanned on every request (with a per-file cache), so a test can drop a
new release into it mid-test and watch the client notice (ETag changes).
"""

from __future__ import annotations

import base64
import contextlib
import email.parser
import email.utils
import hashlib
import html
import json
import socket
import threading
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)

from tests.support.wheels import read_metadata

JSON_TYPE = "application/vnd.pypi.simple.v1+json"
HTML_V1_TYPE = "application/vnd.pypi.simple.v1+html"
TEXT_HTML_TYPE = "text/html"
API_VERSION = "1.1"


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it. Header names are lower-cased for easy lookup."""

    method: str
    path: str
    headers: dict[str, str]
    status: int = 0

    @property
    def is_conditional(self) -> bool:
        return "if-none-match" in self.headers or "if-modified-since" in self.headers

    @property
    def is_range(self) -> bool:
        return "range" in self.headers


@dataclass(frozen=True)
class _FileInfo:
    filename: str
    path: Path
    project: str  # canonical name
    version: str
    size: int
    mtime: float
    sha256: str
    requires_python: str | None
    metadata: bytes | None  # wheel METADATA, for PEP 658; None for sdists


@dataclass
class _Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


FaultHook = Callable[[BaseHTTPRequestHandler, RecordedRequest, _Response], bool]


def _parse_accept(header: str | None) -> list[tuple[str, float]]:
    if not header:
        return [("*/*", 1.0)]
    result: list[tuple[str, float]] = []
    for part in header.split(","):
        pieces = [p.strip() for p in part.split(";")]
        if not pieces[0]:
            continue
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        result.append((pieces[0].lower(), q))
    return result


def _match_quality(media: str, accepted: list[tuple[str, float]]) -> tuple[float, int]:
    """(q, specificity) of the most specific Accept entry matching `media` (RFC 9110 12.5.1)."""
    best: tuple[float, int] = (0.0, -1)
    major = media.split("/", 1)[0]
    for pattern, q in accepted:
        if pattern == media:
            spec = 2
        elif pattern == f"{major}/*":
            spec = 1
        elif pattern == "*/*":
            spec = 0
        else:
            continue
        if spec > best[1]:
            best = (q, spec)
    return best


def _http_date(timestamp: float) -> str:
    return email.utils.formatdate(timestamp, usegmt=True)


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


class LocalIndex:
    """Serve `root` (a folder of wheels and sdists) as a simple repository on 127.0.0.1.

    Routes: `/simple/`, `/simple/<project>/`, `/files/<filename>`, `/files/<filename>.metadata`.
    """

    def __init__(
        self,
        root: Path,
        *,
        pep658: bool = True,
        json_api: bool = True,
        html_api: bool = True,
        yanked: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        cache_control: str = "max-age=0",
    ) -> None:
        self.root = Path(root)
        self.pep658 = pep658
        self.json_api = json_api
        self.html_api = html_api
        self.yanked: dict[str, str] = dict(yanked or {})
        self.auth = auth
        self.cache_control = cache_control
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._cache: dict[Path, tuple[tuple[int, int], _FileInfo]] = {}
        self._down = False
        self._port = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        # tests/support/faults.py: given the handler, the request and the response the index
        # would send, a hook may write something else (a cut body, a stall) and return True.
        self.fault_hook: FaultHook | None = None

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> LocalIndex:
        if self._server is not None:
            return self
        index = self

        class Server(ThreadingHTTPServer):
            # Daemon threads: a client holding a keep-alive socket open must not block exit.
            daemon_threads = True
            allow_reuse_address = True
            # socketserver listens with a backlog of 5: a client opening more connections at
            # once (uv opens dozens) had the others' SYNs dropped and waited 1, 3, 7 s to retry.
            request_queue_size = 128

            def process_request(self, request: Any, client_address: Any) -> None:
                # Track live sockets so stop() can cut keep-alive connections: otherwise a
                # pooled client connection would still be answered after "stop".
                with index._lock:
                    index._connections.add(request)
                super().process_request(request, client_address)

            def shutdown_request(self, request: Any) -> None:
                with index._lock:
                    index._connections.discard(request)
                super().shutdown_request(request)

            def handle_error(self, request: Any, client_address: Any) -> None:
                # Connections reset by stop() or by clients are expected; stay quiet.
                pass

        handler = _make_handler(self)
        # Reuse the same port on restart so a test can stop() and start() the "same" index.
        self._server = Server(("127.0.0.1", self._port), handler)
        self._port = int(self._server.server_address[1])
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"LocalIndex:{self._port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        with self._lock:
            connections = list(self._connections)
            self._connections.clear()
        for conn in connections:
            # OSError: the other side already closed it.
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> LocalIndex:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def down(self) -> None:
        """Answer every request with 503 until up(): an index that is there but failing."""
        self._down = True

    def up(self) -> None:
        self._down = False

    @property
    def is_down(self) -> bool:
        return self._down

    # ----------------------------------------------------------------- addresses

    @property
    def port(self) -> int:
        if self._port == 0:
            raise RuntimeError("LocalIndex not started")
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def url(self) -> str:
        return f"{self.base_url}simple/"

    @property
    def files_url(self) -> str:
        return f"{self.base_url}files/"

    def project_url(self, name: str) -> str:
        return f"{self.url}{canonicalize_name(name)}/"

    def file_url(self, filename: str) -> str:
        return f"{self.files_url}{urllib.parse.quote(filename)}"

    def url_with_credentials(self, user: str, password: str) -> str:
        quoted_user = urllib.parse.quote(user, safe="")
        quoted_password = urllib.parse.quote(password, safe="")
        return f"http://{quoted_user}:{quoted_password}@127.0.0.1:{self.port}/simple/"

    # ----------------------------------------------------------------- request log

    def clear_requests(self) -> None:
        with self._lock:
            self.requests.clear()

    def requests_to(self, path_prefix: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path.startswith(path_prefix)]

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    # ----------------------------------------------------------------- content

    def _file_info(self, path: Path) -> _FileInfo | None:
        stat = path.stat()
        key = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            cached = self._cache.get(path)
        if cached is not None and cached[0] == key:
            return cached[1]
        filename = path.name
        try:
            if filename.endswith(".whl"):
                name, version, _, _ = parse_wheel_filename(filename)
            elif filename.endswith((".tar.gz", ".zip")):
                name, version = parse_sdist_filename(filename)
            else:
                return None
        except (InvalidWheelFilename, InvalidSdistFilename):
            return None
        data = path.read_bytes()
        metadata_text = read_metadata(path)
        message = email.parser.Parser().parsestr(metadata_text, headersonly=True)
        info = _FileInfo(
            filename=filename,
            path=path,
            project=str(name),
            version=str(version),
            size=len(data),
            mtime=stat.st_mtime,
            sha256=hashlib.sha256(data).hexdigest(),
            requires_python=message.get("Requires-Python"),
            metadata=metadata_text.encode("utf-8") if filename.endswith(".whl") else None,
        )
        with self._lock:
            self._cache[path] = (key, info)
        return info

    def _scan(self) -> dict[str, list[_FileInfo]]:
        projects: dict[str, list[_FileInfo]] = {}
        if not self.root.is_dir():
            return projects
        for path in sorted(self.root.iterdir()):
            if not path.is_file():
                continue
            info = self._file_info(path)
            if info is not None:
                projects.setdefault(info.project, []).append(info)
        return projects

    def _yanked_value(self, filename: str) -> bool | str:
        if filename not in self.yanked:
            return False
        # PEP 691: a reason string, or plain true when no reason was given.
        return self.yanked[filename] or True

    def _project_json(self, project: str, files: list[_FileInfo]) -> bytes:
        entries: list[dict[str, Any]] = []
        for f in files:
            core: dict[str, str] | bool = (
                {"sha256": hashlib.sha256(f.metadata).hexdigest()}
                if self.pep658 and f.metadata is not None
                else False
            )
            entries.append(
                {
                    "filename": f.filename,
                    "url": f"../../files/{urllib.parse.quote(f.filename)}",
                    "hashes": {"sha256": f.sha256},
                    "requires-python": f.requires_python,
                    "yanked": self._yanked_value(f.filename),
                    "core-metadata": core,
                    # PEP 714: older clients only know the first key; serve both.
                    "data-dist-info-metadata": core,
                    "size": f.size,
                }
            )
        versions = sorted({f.version for f in files})
        document = {
            "meta": {"api-version": API_VERSION},
            "name": project,
            "files": entries,
            "versions": versions,
        }
        return json.dumps(document, indent=2, sort_keys=True).encode("utf-8")

    def _project_html(self, project: str, files: list[_FileInfo]) -> bytes:
        lines = [
            "<!DOCTYPE html>",
            "<html>",
            "<head>",
            f'<meta name="pypi:repository-version" content="{API_VERSION}">',
            f"<title>Links for {html.escape(project)}</title>",
            "</head>",
            "<body>",
            f"<h1>Links for {html.escape(project)}</h1>",
        ]
        for f in files:
            href = f"../../files/{urllib.parse.quote(f.filename)}#sha256={f.sha256}"
            attrs = [f'href="{html.escape(href)}"']
            if f.requires_python:
                attrs.append(f'data-requires-python="{html.escape(f.requires_python)}"')
            if f.filename in self.yanked:
                attrs.append(f'data-yanked="{html.escape(self.yanked[f.filename])}"')
            if self.pep658 and f.metadata is not None:
                digest = hashlib.sha256(f.metadata).hexdigest()
                attrs.append(f'data-core-metadata="sha256={digest}"')
                attrs.append(f'data-dist-info-metadata="sha256={digest}"')
            lines.append(f"<a {' '.join(attrs)}>{html.escape(f.filename)}</a><br>")
        lines += ["</body>", "</html>", ""]
        return "\n".join(lines).encode("utf-8")

    def _root_json(self, projects: list[str]) -> bytes:
        document = {
            "meta": {"api-version": API_VERSION},
            "projects": [{"name": p} for p in projects],
        }
        return json.dumps(document, indent=2, sort_keys=True).encode("utf-8")

    def _root_html(self, projects: list[str]) -> bytes:
        lines = [
            "<!DOCTYPE html>",
            "<html>",
            "<head>",
            f'<meta name="pypi:repository-version" content="{API_VERSION}">',
            "<title>Simple index</title>",
            "</head>",
            "<body>",
            *(f'<a href="{p}/">{html.escape(p)}</a><br>' for p in projects),
            "</body>",
            "</html>",
            "",
        ]
        return "\n".join(lines).encode("utf-8")

    def _negotiate(self, accept: str | None) -> str | None:
        """Pick the page format for an Accept header; None means 406."""
        accepted = _parse_accept(accept)
        candidates: list[str] = []
        if self.json_api:
            candidates.append(JSON_TYPE)
        if self.html_api:
            candidates += [HTML_V1_TYPE, TEXT_HTML_TYPE]
        scored = [(_match_quality(c, accepted), c) for c in candidates]
        scored = [(qs, c) for qs, c in scored if qs[0] > 0]
        if not scored:
            return None
        best_q = max(qs[0] for qs, _ in scored)
        top = [(qs, c) for qs, c in scored if qs[0] == best_q]
        if all(qs[1] == 0 for qs, _ in top) and self.html_api:
            # Only `*/*` matched (or no Accept): like PyPI, default to plain HTML.
            return TEXT_HTML_TYPE
        # Most specific match wins; among equals, the candidate order (JSON first).
        top.sort(key=lambda item: -item[0][1])
        return top[0][1]

    def _page(self, content_type: str, body: bytes, mtime: float) -> _Response:
        header_type = (
            f"{TEXT_HTML_TYPE}; charset=utf-8" if content_type == TEXT_HTML_TYPE else content_type
        )
        return _Response(
            200,
            body,
            {"Content-Type": header_type, "Last-Modified": _http_date(mtime), "Vary": "Accept"},
        )

    def respond(self, method: str, raw_path: str, headers: Mapping[str, str]) -> _Response:
        """Compute the response for a request (header names lower-cased), before validators."""
        if self._down:
            headers_503 = {"Content-Type": "text/plain", "Retry-After": "1"}
            return _Response(503, b"index is down\n", headers_503)
        if self.auth is not None and not self._authorized(headers.get("authorization")):
            return _Response(
                401,
                b"authentication required\n",
                {"Content-Type": "text/plain", "WWW-Authenticate": 'Basic realm="fletlint-test"'},
            )
        path = urllib.parse.unquote(urllib.parse.urlsplit(raw_path).path)
        if path in ("/simple", "/simple/"):
            if path == "/simple":
                return _redirect("/simple/")
            return self._respond_root(headers)
        if path.startswith("/simple/"):
            return self._respond_project(path, headers)
        if path.startswith("/files/"):
            return self._respond_file(path.removeprefix("/files/"), headers)
        return _not_found()

    def _respond_root(self, headers: Mapping[str, str]) -> _Response:
        content_type = self._negotiate(headers.get("accept"))
        if content_type is None:
            return _Response(406, b"not acceptable\n", {"Content-Type": "text/plain"})
        projects = self._scan()
        names = sorted(projects)
        body = self._root_json(names) if content_type == JSON_TYPE else self._root_html(names)
        mtime = max((f.mtime for fs in projects.values() for f in fs), default=0.0)
        return self._page(content_type, body, mtime)

    def _respond_project(self, path: str, headers: Mapping[str, str]) -> _Response:
        rest = path.removeprefix("/simple/")
        name = rest.rstrip("/")
        if not name or "/" in name:
            return _not_found()
        canonical = canonicalize_name(name)
        # PEP 503: non-normalized names (and a missing slash) redirect to the canonical URL.
        if name != canonical or not rest.endswith("/"):
            return _redirect(f"/simple/{canonical}/")
        files = self._scan().get(canonical)
        if not files:
            return _not_found()
        content_type = self._negotiate(headers.get("accept"))
        if content_type is None:
            return _Response(406, b"not acceptable\n", {"Content-Type": "text/plain"})
        if content_type == JSON_TYPE:
            body = self._project_json(canonical, files)
        else:
            body = self._project_html(canonical, files)
        return self._page(content_type, body, max(f.mtime for f in files))

    def _respond_file(self, filename: str, headers: Mapping[str, str]) -> _Response:
        if "/" in filename or not filename:
            return _not_found()
        if filename.endswith(".metadata"):
            target = self._find_file(filename.removesuffix(".metadata"))
            if target is None or target.metadata is None or not self.pep658:
                return _not_found()
            return _Response(
                200,
                target.metadata,
                {
                    "Content-Type": "text/plain; charset=utf-8",
                    "Last-Modified": _http_date(target.mtime),
                },
            )
        info = self._find_file(filename)
        if info is None:
            return _not_found()
        content_type = "application/zip" if filename.endswith(".whl") else "application/gzip"
        data = info.path.read_bytes()
        base_headers = {
            "Content-Type": content_type,
            "Last-Modified": _http_date(info.mtime),
            "Accept-Ranges": "bytes",
        }
        range_header = headers.get("range")
        if range_header is None:
            return _Response(200, data, base_headers)
        parsed = _parse_range(range_header, len(data))
        if parsed is None:
            # Not a single bytes range we understand: RFC 9110 lets us ignore it.
            return _Response(200, data, base_headers)
        if isinstance(parsed, str):  # "unsatisfiable"
            return _Response(416, b"", {**base_headers, "Content-Range": f"bytes */{len(data)}"})
        start, end = parsed
        response = _Response(
            206,
            data[start : end + 1],
            {**base_headers, "Content-Range": f"bytes {start}-{end}/{len(data)}"},
        )
        # The ETag names the whole file, not the slice, so partial and full responses agree.
        response.headers["ETag"] = _etag(data)
        return response

    def _find_file(self, filename: str) -> _FileInfo | None:
        path = self.root / filename
        if not path.is_file():
            return None
        return self._file_info(path)

    def _authorized(self, header: str | None) -> bool:
        assert self.auth is not None
        if header is None or not header.lower().startswith("basic "):
            return False
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return False
        user, sep, password = decoded.partition(":")
        return bool(sep) and (user, password) == self.auth

    def finish(self, method: str, headers: Mapping[str, str], response: _Response) -> _Response:
        """Add validators and caching headers, and turn matching conditionals into 304."""
        if response.status not in (200, 206):
            return response
        response.headers.setdefault("ETag", _etag(response.body))
        response.headers["Cache-Control"] = self.cache_control
        if _not_modified(headers, response.headers):
            kept = {
                k: v
                for k, v in response.headers.items()
                if k in ("ETag", "Last-Modified", "Cache-Control", "Vary")
            }
            return _Response(304, b"", kept)
        return response


def _not_modified(request: Mapping[str, str], response: Mapping[str, str]) -> bool:
    if_none_match = request.get("if-none-match")
    if if_none_match is not None:
        # RFC 9110 13.1.2: weak comparison; If-Modified-Since is ignored when this is present.
        current = response["ETag"].removeprefix("W/")
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or current in tags
    if_modified_since = request.get("if-modified-since")
    last_modified = response.get("Last-Modified")
    if if_modified_since and last_modified:
        try:
            since = email.utils.parsedate_to_datetime(if_modified_since)
            modified = email.utils.parsedate_to_datetime(last_modified)
        except (TypeError, ValueError):
            return False
        return modified <= since
    return False


def _parse_range(header: str, size: int) -> tuple[int, int] | str | None:
    """A single `bytes=` range as inclusive (start, end); "unsatisfiable"; or None to ignore."""
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = spec.strip().partition("-")
    if not dash:
        return None
    try:
        if first == "":
            length = int(last)  # suffix range: the last N bytes
            if length <= 0:
                return "unsatisfiable"
            return (max(0, size - length), size - 1)
        start = int(first)
        end = int(last) if last else size - 1
    except ValueError:
        return None
    if start >= size:
        return "unsatisfiable"
    if end < start:
        return None
    return (start, min(end, size - 1))


def _redirect(location: str) -> _Response:
    return _Response(301, b"", {"Location": location})


def _not_found() -> _Response:
    return _Response(404, b"not found\n", {"Content-Type": "text/plain"})


def _make_handler(index: LocalIndex) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.1 so clients keep connections alive, as they would with a real index.
        protocol_version = "HTTP/1.1"
        server_version = "fletlint-test-index/1.0"
        # Headers and body go out in two writes: with Nagle's algorithm the body waits for the
        # client's delayed ACK of the headers (40 ms on Linux), and every request took 44 ms.
        disable_nagle_algorithm = True

        def _handle(self, send_body: bool) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            response = index.respond(self.command, self.path, headers)
            response = index.finish(self.command, headers, response)
            # Record before writing: once the client has the response, the log must show it.
            recorded = RecordedRequest(self.command, self.path, headers, response.status)
            index._record(recorded)
            hook = index.fault_hook
            if hook is not None and hook(self, recorded, response):
                return
            self.send_response(response.status)
            for key, value in response.headers.items():
                self.send_header(key, value)
            if response.status != 304:
                self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if send_body and response.status != 304:
                self.wfile.write(response.body)

        def do_GET(self) -> None:
            self._handle(send_body=True)

        def do_HEAD(self) -> None:
            self._handle(send_body=False)

        def log_message(self, format: str, *args: Any) -> None:
            # Test output should show assertions, not an access log.
            pass

    return Handler
