"""Reading simple-repository pages: PEP 691 JSON and PEP 503 HTML (and find-links pages).

Pure functions from bytes to links; fetching and caching are the client's business.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit


@dataclass(frozen=True)
class Link:
    url: str  # without fragment
    filename: str
    requires_python: str | None = None
    yanked: bool = False
    hashes: tuple[tuple[str, str], ...] = ()
    has_metadata: bool = False
    metadata_hashes: tuple[tuple[str, str], ...] = ()


def _is_phone_or_pure_wheel(filename: str) -> bool:
    platforms = filename[:-4].rsplit("-", 1)[-1].split(".")
    return any(p == "any" or p.startswith(("android_", "ios_")) for p in platforms)


class RelevantFiles:
    """Says which files of one project page can change an answer; ask in page order.

    Kept: sdists, pure and phone wheels, and one other wheel per release. Native projects publish
    hundreds of desktop wheels per release (pydantic-core: 15,000 files); none installs on a phone,
    one per release is enough to know that the release has wheels and to read its metadata, and
    parsing all of them made every run slow.
    """

    def __init__(self) -> None:
        self._releases_with_desktop_wheel: set[str] = set()

    def __call__(self, filename: str) -> bool:
        if not filename.endswith(".whl") or _is_phone_or_pure_wheel(filename):
            return True
        release = filename.split("-", 2)[1] if filename.count("-") >= 2 else filename
        if release in self._releases_with_desktop_wheel:
            return False
        self._releases_with_desktop_wheel.add(release)
        return True


class _AnchorParser(HTMLParser):
    def __init__(self) -> None:
        # convert_charrefs also unescapes attribute values (`&gt;=3.9` → `>=3.9`).
        super().__init__(convert_charrefs=True)
        self.anchors: list[dict[str, str | None]] = []
        self.base: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.anchors.append(dict(attrs))
        elif tag == "base" and self.base is None:
            self.base = dict(attrs).get("href")


def _hashes_from_fragment(fragment: str) -> tuple[tuple[str, str], ...]:
    found = []
    for part in fragment.split("&"):
        algo, _, digest = part.partition("=")
        if algo in hashlib.algorithms_guaranteed and digest:
            found.append((algo, digest.lower()))
    return tuple(found)


def _filename_of(url: str) -> str:
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1])


def parse_html_page(body: bytes, page_url: str) -> list[Link]:
    parser = _AnchorParser()
    parser.feed(body.decode("utf-8", "replace"))
    parser.close()
    base = urljoin(page_url, parser.base) if parser.base else page_url
    links = []
    relevant = RelevantFiles()
    for anchor in parser.anchors:
        href = anchor.get("href")
        if not href or not relevant(_filename_of(href.strip().split("#", 1)[0])):
            continue
        url, fragment = urldefrag(urljoin(base, href.strip()))
        has_meta = False
        meta_hashes: tuple[tuple[str, str], ...] = ()
        # PEP 714: data-core-metadata is the name; data-dist-info-metadata the legacy spelling.
        key = "data-core-metadata" if "data-core-metadata" in anchor else "data-dist-info-metadata"
        if key in anchor:
            value = anchor[key]
            if value is None or value.strip().lower() == "true":
                has_meta = True
            elif value.strip().lower() != "false":
                has_meta = True
                meta_hashes = _hashes_from_fragment(value.strip())
        links.append(
            Link(
                url=url,
                filename=_filename_of(url),
                requires_python=anchor.get("data-requires-python"),
                yanked="data-yanked" in anchor,
                hashes=_hashes_from_fragment(fragment),
                has_metadata=has_meta,
                metadata_hashes=meta_hashes,
            )
        )
    return links


def parse_json_page(body: bytes, page_url: str) -> list[Link]:
    data = json.loads(body)
    links = []
    relevant = RelevantFiles()
    for entry in data.get("files", []):
        if not isinstance(entry, dict) or not entry.get("url"):
            continue
        if not relevant(str(entry.get("filename") or _filename_of(str(entry["url"])))):
            continue
        url, fragment = urldefrag(urljoin(page_url, str(entry["url"])))
        raw_hashes = entry.get("hashes") or {}
        hashes = tuple(sorted((str(k), str(v).lower()) for k, v in raw_hashes.items()))
        meta: Any = entry.get("core-metadata", entry.get("dist-info-metadata", False))
        meta_hashes: tuple[tuple[str, str], ...] = ()
        if isinstance(meta, dict):
            meta_hashes = tuple(sorted((str(k), str(v).lower()) for k, v in meta.items()))
        links.append(
            Link(
                url=url,
                filename=str(entry.get("filename") or _filename_of(url)),
                requires_python=entry.get("requires-python"),
                yanked=bool(entry.get("yanked", False)),
                hashes=hashes or _hashes_from_fragment(fragment),
                has_metadata=bool(meta),
                metadata_hashes=meta_hashes,
            )
        )
    return links
