"""The indexes every tool in the benchmark reads: local PEP 503/691 servers on 127.0.0.1.

`BenchIndex` is the test suite's `LocalIndex` with the caching headers PyPI sends (project pages
`max-age=600`, files immutable), so warm, stale and cold mean for every tool what they mean against
PyPI, and with its folder scanned once (the files do not change during a run, and a rescan per
request would time the server rather than the clients).

`build_flet_standin` writes the stand-in for Flet's mobile index (https://pypi.flet.dev, not
reachable from here) from fletlint's embedded snapshot: for every project, release, Python and
phone tag the snapshot lists, one stub wheel (a real wheel holding one module and METADATA). The
snapshot has no dependencies; the stubs' Requires-Dist are copied from the same release on PyPI
when the caller passes them (the live series asks PyPI's JSON API for the releases it needs).
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from tests.support.index_server import LocalIndex, _FileInfo, _Response
from tests.support.wheels import build_wheel

PAGE_CACHE_CONTROL = "max-age=600, public"  # PyPI's simple pages
FILE_CACHE_CONTROL = "max-age=365000000, immutable, public"  # PyPI's files
_FILE_MARK = "X-Bench-File"


class BenchIndex(LocalIndex):
    """A `LocalIndex` with PyPI's caching headers and a folder scanned once."""

    def __init__(self, root: Path) -> None:
        super().__init__(root, cache_control=PAGE_CACHE_CONTROL)
        self._scanned: dict[str, list[_FileInfo]] | None = None

    def _scan(self) -> dict[str, list[_FileInfo]]:
        if self._scanned is None:
            self._scanned = super()._scan()
        return self._scanned

    def respond(self, method: str, raw_path: str, headers: Mapping[str, str]) -> _Response:
        response = super().respond(method, raw_path, headers)
        if raw_path.startswith("/files/"):
            response.headers[_FILE_MARK] = "1"
        return response

    def finish(self, method: str, headers: Mapping[str, str], response: _Response) -> _Response:
        is_file = response.headers.pop(_FILE_MARK, None) is not None
        response = super().finish(method, headers, response)
        if is_file and "Cache-Control" in response.headers:
            response.headers["Cache-Control"] = FILE_CACHE_CONTROL
        return response

    @property
    def simple_url(self) -> str:
        return f"{self.base_url}simple/"


def load_snapshot_json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def snapshot_releases(snapshot: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(project, version) of every release the snapshot lists for Flet's index."""
    return [
        (name, version)
        for name, info in snapshot["flet"]["packages"].items()
        for version in info["v"]
    ]


def build_flet_standin(
    dest: Path,
    snapshot: Mapping[str, Any],
    requires: Mapping[tuple[str, str], list[str]] | None = None,
) -> int:
    """Write the stub wheels of the stand-in into `dest` (once); returns how many there are."""
    flet = snapshot["flet"]
    marker = dest / ".built"
    if marker.exists():
        return sum(1 for p in dest.iterdir() if p.suffix == ".whl")
    count = 0
    for name, info in flet["packages"].items():
        for version, (python_set, tag_set) in info["v"].items():
            depends = (requires or {}).get((name, version), [])
            platforms = flet["tag_sets"][tag_set]
            if info.get("lib"):  # flet-lib*: native libraries, one wheel per platform
                tags = [f"py3-none-{platform}" for platform in platforms]
            else:
                pythons = [p.replace(".", "") for p in flet["python_sets"][python_set]]
                tags = [f"cp{py}-cp{py}-{plat}" for py in pythons for plat in platforms]
            for tag in tags:
                build_wheel(dest, name, version, tag, requires_dist=depends)
                count += 1
    marker.write_text("ok\n")
    return count


def pypi_requires(
    releases: Iterable[tuple[str, str]], store: Path
) -> dict[tuple[str, str], list[str]]:
    """Requires-Dist of each release from PyPI's JSON API (stored in `store`, asked once)."""
    known: dict[str, list[str]] = json.loads(store.read_text()) if store.exists() else {}
    for name, version in releases:
        key = f"{name}=={version}"
        if key in known:
            continue
        url = f"https://pypi.org/pypi/{name}/{version}/json"
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                info = json.load(response)["info"]
            known[key] = list(info.get("requires_dist") or [])
        except OSError:
            known[key] = []  # not on PyPI (Flet-only builds): no dependencies known
    store.write_text(json.dumps(known, indent=1, sort_keys=True))
    result: dict[tuple[str, str], list[str]] = {}
    for key, value in known.items():
        name, _, version = key.partition("==")
        result[(name, version)] = value
    return result
