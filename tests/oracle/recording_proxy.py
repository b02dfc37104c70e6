"""A recording proxy of PyPI and a stand-in for Flet's index, for capture_universe.py (by hand only).

pip (as serious_python runs it) and fletlint are pointed at this server on 127.0.0.1 instead of
PyPI and pypi.flet.dev. It answers PEP 691 JSON project pages from PyPI's own, and PEP 658
metadata for every wheel, read out of PyPI's file with HTTP range requests (the zip's central
directory, then the METADATA member): a dry run needs nothing else, so no whole wheel is fetched.
Flet's index (unreachable from here) is served under `/flet/` from the snapshot fletlint ships:
the phone wheels it lists, with the metadata of the same release on PyPI.

Every project page and every metadata read is recorded: that is the universe the two resolvers
walked, which capture_universe.py writes out as a fixture. Answers are cached on disk.
"""

from __future__ import annotations

import email.parser
import hashlib
import io
import json
import threading
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)

from fletlint.linter.index.snapshot import load_snapshot

PYPI_SIMPLE = "https://pypi.org/simple/"
USER_AGENT = "fletlint-tests-capture/1 (one-off fixture capture)"
JSON_TYPE = "application/vnd.pypi.simple.v1+json"


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[bytes, dict[str, str]]:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **(headers or {})})
    with urllib.request.urlopen(request, timeout=120) as answer:
        return answer.read(), {k.lower(): v for k, v in answer.headers.items()}


class RangeFile(io.RawIOBase):
    """A remote file read through HTTP range requests, for `zipfile` (which seeks and reads)."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        tail, headers = _get(url, {"Range": "bytes=-65536"})
        self.size = int(headers["content-range"].rsplit("/", 1)[1])
        self.blocks: dict[int, bytes] = {self.size - len(tail): tail}
        self.position = 0
        self.requests = 1

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self.position, 2: self.size}[whence]
        self.position = base + offset
        return self.position

    def _cached(self, start: int, end: int) -> bytes | None:
        for begin, data in self.blocks.items():
            if begin <= start and end <= begin + len(data):
                return data[start - begin : end - begin]
        return None

    def read(self, size: int = -1) -> bytes:
        end = self.size if size < 0 else min(self.size, self.position + size)
        start = self.position
        if start >= end:
            return b""
        data = self._cached(start, end)
        if data is None:
            # At least 64 KiB: a local header and its member usually come in one request.
            fetch_end = min(self.size, max(end, start + 65536))
            block, _ = _get(self.url, {"Range": f"bytes={start}-{fetch_end - 1}"})
            self.requests += 1
            self.blocks[start] = block
            data = block[: end - start]
        self.position = start + len(data)
        return data


def wheel_metadata(url: str) -> bytes:
    with zipfile.ZipFile(RangeFile(url)) as archive:
        for member in archive.namelist():
            parts = member.split("/")
            if len(parts) == 2 and parts[0].endswith(".dist-info") and parts[1] == "METADATA":
                return archive.read(member)
    raise ValueError(f"{url}: no METADATA")


def parse_metadata(text: bytes) -> tuple[str | None, list[str]]:
    """Requires-Python and Requires-Dist of a METADATA file."""
    message = email.parser.BytesParser().parsebytes(text, headersonly=True)
    return message.get("Requires-Python"), [str(r) for r in message.get_all("Requires-Dist") or []]


def _version_of(filename: str) -> str | None:
    try:
        if filename.endswith(".whl"):
            return str(parse_wheel_filename(filename)[1])
        return str(parse_sdist_filename(filename)[1])
    except (InvalidWheelFilename, InvalidSdistFilename):
        return None


@dataclass
class Recording:
    """What the resolvers asked for: project pages per index, metadata reads (filename -> bytes)."""

    pages: dict[str, set[str]] = field(default_factory=lambda: {"pypi": set(), "flet": set()})
    metadata: dict[str, dict[str, bytes]] = field(default_factory=lambda: {"pypi": {}, "flet": {}})


class RecordingProxy:
    """The server: `/simple/` proxies PyPI, `/flet/simple/` serves the snapshot of Flet's index."""

    def __init__(self, cache: Path) -> None:
        self.cache = cache
        cache.mkdir(parents=True, exist_ok=True)
        self.recording = Recording()
        self.lock = threading.Lock()
        self.snapshot = load_snapshot()
        self.upstream_requests = 0
        self._pages: dict[str, dict[str, Any]] = {}
        self._server: ThreadingHTTPServer | None = None

    # --------------------------------------------------------------- upstream, cached on disk

    def _stored(self, key: str, fetch: Any) -> bytes:
        path = self.cache / hashlib.sha256(key.encode()).hexdigest()[:32]
        if path.exists():
            return path.read_bytes()
        data: bytes = fetch()
        with self.lock:
            self.upstream_requests += 1
        path.write_bytes(data)
        return data

    def pypi_page(self, project: str) -> dict[str, Any]:
        if project not in self._pages:

            def fetch() -> bytes:
                try:
                    return _get(f"{PYPI_SIMPLE}{project}/", {"Accept": JSON_TYPE})[0]
                except urllib.error.HTTPError as error:
                    if error.code == 404:
                        return b'{"files": [], "name": "' + project.encode() + b'"}'
                    raise

            self._pages[project] = json.loads(self._stored(f"page:{project}", fetch))
        return self._pages[project]

    def pypi_file_url(self, filename: str) -> str | None:
        project = str(canonicalize_name(filename.split("-", 1)[0]))
        for entry in self.pypi_page(project)["files"]:
            if entry["filename"] == filename:
                url: str = entry["url"]
                return url
        return None

    def pypi_metadata(self, filename: str) -> bytes:
        url = self.pypi_file_url(filename)
        if url is None:
            raise KeyError(filename)
        return self._stored(f"metadata:{filename}", lambda: wheel_metadata(url))

    def flet_files(self, project: str) -> list[dict[str, Any]]:
        """The snapshot's phone wheels of `project`, as PEP 691 file entries."""
        found: list[dict[str, Any]] = []
        for release in self.snapshot.flet.get(project, ()):
            python = self._release_python(project, release.version)
            for py in release.pythons:
                cp = "cp" + py.replace(".", "")
                for platform in release.platform_tags:
                    name = project.replace("-", "_")
                    filename = f"{name}-{release.version}-{cp}-{cp}-{platform}.whl"
                    found.append(
                        {
                            "filename": filename,
                            "url": f"/flet/files/{filename}",
                            "hashes": {},
                            "requires-python": python,
                            "core-metadata": True,
                            "yanked": False,
                        }
                    )
        return found

    def _release_python(self, project: str, version: str) -> str | None:
        for entry in self.pypi_page(project)["files"]:
            if _version_of(entry["filename"]) == version and entry.get("requires-python"):
                value: str = entry["requires-python"]
                return value
        return None

    def flet_metadata(self, filename: str) -> bytes:
        """The same release's METADATA on PyPI (any of its wheels), else a bare one."""
        project = str(canonicalize_name(filename.split("-", 1)[0]))
        version = _version_of(filename)
        for entry in self.pypi_page(project)["files"]:
            if entry["filename"].endswith(".whl") and _version_of(entry["filename"]) == version:
                return self.pypi_metadata(entry["filename"])
        return f"Metadata-Version: 2.1\nName: {project}\nVersion: {version}\n\n".encode()

    # --------------------------------------------------------------- serving

    def answer(self, path: str) -> tuple[int, str, bytes]:
        path = urllib.parse.unquote(urllib.parse.urlsplit(path).path)
        index = "flet" if path.startswith("/flet/") else "pypi"
        rest = path.removeprefix("/flet")
        if rest.startswith("/simple/") and rest.count("/") == 3:
            project = str(canonicalize_name(rest.split("/")[2]))
            with self.lock:
                self.recording.pages[index].add(project)
            files = self.page_files(index, project)
            if not files:
                return 404, "text/plain", b"not found"
            body = {"meta": {"api-version": "1.1"}, "name": project, "files": files}
            return 200, JSON_TYPE, json.dumps(body).encode()
        if rest.startswith("/files/") and rest.endswith(".metadata"):
            filename = rest.removeprefix("/files/").removesuffix(".metadata")
            data = self.flet_metadata(filename) if index == "flet" else self.pypi_metadata(filename)
            with self.lock:
                self.recording.metadata[index][filename] = data
            return 200, "application/octet-stream", data
        return 404, "text/plain", b"not served: only pages and metadata"

    def page_files(self, index: str, project: str) -> list[dict[str, Any]]:
        if index == "flet":
            return self.flet_files(project)
        files = []
        for entry in self.pypi_page(project)["files"]:
            files.append(
                {
                    **entry,
                    "url": f"/files/{entry['filename']}",
                    "core-metadata": entry["filename"].endswith(".whl"),
                }
            )
            files[-1].pop("data-dist-info-metadata", None)
            files[-1].pop("dist-info-metadata", None)
        return files

    @contextmanager
    def serving(self) -> Iterator[str]:
        """Serve on 127.0.0.1; yields the base URL (`<base>simple/`, `<base>flet/simple/`)."""
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                try:
                    status, content_type, body = proxy.answer(self.path)
                except Exception as error:  # shown to the client and on stderr
                    status, content_type, body = 502, "text/plain", repr(error).encode()
                    print(f"proxy: {self.path}: {error!r}")
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/"
        finally:
            server.shutdown()
            server.server_close()
