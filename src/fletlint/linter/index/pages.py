"""Reading simple-repository pages: PEP 691 JSON and PEP 503 HTML (and find-links pages).

Pure functions from bytes to links; fetching and caching are the client's business.
"""

from __future__ import annotations

import hashlib
import json
import re
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
    # Asked for every file of a page (pydantic-core: 15,000): the common answers first.
    platform = filename[filename.rfind("-") + 1 : -4]
    if platform == "any":
        return True
    if "android_" not in platform and "ios_" not in platform:
        # A desktop wheel (most of them; "manylinux" has "any" in it): only an `any` part can
        # make it pure.
        return "." in platform and "any" in platform.split(".")
    if "." not in platform:
        return platform.startswith(("android_", "ios_"))
    return any(p == "any" or p.startswith(("android_", "ios_")) for p in platform.split("."))


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


# The only tags a simple page needs: `<a ...>` and `<base ...>`, quotes honoured, bounded. Python's
# HTMLParser costs ~20 us per stray `<` (a 48 MB page of them: a quarter of an hour), so it only
# ever sees these tags; a regular expression finds them in linear time whatever surrounds them.
_WANTED_TAG = re.compile(
    r"""<(?:a|base)(?=[\s/>])(?:[^<>"']|"[^"]{0,65536}"|'[^']{0,65536}'){0,65536}>""",
    re.IGNORECASE,
)


def parse_html_page(body: bytes, page_url: str) -> list[Link]:
    parser = _AnchorParser()
    text = body.decode("utf-8", "replace")
    parser.feed("\n".join(match.group(0) for match in _WANTED_TAG.finditer(text)))
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


class PageShapeError(ValueError):
    """A JSON page that is not the shape PEP 691 defines; says where (`files[3].hashes`)."""


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), "a number"
    )


def _expect(value: object, kinds: tuple[type, ...], where: str, wanted: str) -> None:
    # bool is an int in Python but not a number in JSON's sense here, and vice versa.
    if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
        raise PageShapeError(f"{where} is {_json_kind(value)}, not {wanted}")


def _digests(value: object, where: str) -> tuple[tuple[str, str], ...]:
    _expect(value, (dict,), where, "an object of digests")
    assert isinstance(value, dict)
    for algo, digest in value.items():
        _expect(digest, (str,), f"{where}.{algo}", "a string")
    return tuple(sorted((str(k), str(v).lower()) for k, v in value.items()))


def _json_link(entry: object, number: int, page_url: str) -> Link | None:
    """`files[number]`, checked field by field (PEP 691 with PEP 714 and PEP 700 keys)."""
    where = f"files[{number}]"
    _expect(entry, (dict,), where, "an object")
    assert isinstance(entry, dict)
    raw_url = entry.get("url")
    _expect(raw_url, (str,), f"{where}.url", "a string")
    assert isinstance(raw_url, str)
    filename = entry.get("filename", None)
    if filename is not None:
        _expect(filename, (str,), f"{where}.filename", "a string")
    requires_python = entry.get("requires-python")
    if requires_python is not None:
        _expect(requires_python, (str,), f"{where}.requires-python", "a string")
    yanked = entry.get("yanked", False)
    if yanked is not None:
        _expect(yanked, (bool, str), f"{where}.yanked", "a boolean or a string")
    hashes = _digests(entry.get("hashes", {}), f"{where}.hashes")
    key = "core-metadata" if "core-metadata" in entry else "dist-info-metadata"
    meta = entry.get(key, False)
    meta_hashes: tuple[tuple[str, str], ...] = ()
    if isinstance(meta, dict):
        meta_hashes = _digests(meta, f"{where}.{key}")
    elif meta is not None:
        _expect(meta, (bool,), f"{where}.{key}", "a boolean or an object")
    if not raw_url:
        return None
    if _has_surrogate(raw_url) or (filename is not None and _has_surrogate(filename)):
        # Valid JSON (`"\\udc80"`), but no file name or URL: it could not even be printed.
        raise PageShapeError(f"{where} has a lone surrogate in its url or filename")
    if _PLAIN_URL.match(raw_url):
        # What urljoin and urldefrag give back unchanged (PyPI's file URLs): parsing each
        # of a page's thousands of URLs twice was a tenth of reading the page.
        url, fragment = raw_url, ""
    else:
        url, fragment = urldefrag(urljoin(page_url, raw_url))
    return Link(
        url=url,
        filename=filename or _filename_of(url),
        requires_python=requires_python,
        yanked=bool(yanked),
        hashes=hashes or _hashes_from_fragment(fragment),
        has_metadata=bool(meta),
        metadata_hashes=meta_hashes,
    )


# An absolute http(s) URL with nothing urljoin/urldefrag would change: no fragment, query,
# parameters, backslashes or whitespace (they strip or normalise those; an absolute URL's dot
# segments they leave as they are, and so does this).
_PLAIN_URL = re.compile(
    r"https?://[A-Za-z0-9._~%:@!$&'()*+,=-]+(?:/[A-Za-z0-9_~%:@!$&'()*+,=.-]*)*\Z"
)


def _has_surrogate(text: str) -> bool:
    return not text.isascii() and any("\ud800" <= ch <= "\udfff" for ch in text)


def parse_json_page(body: bytes, page_url: str) -> list[Link]:
    """A PEP 691 project page. Raises ValueError (PageShapeError for a wrong shape) when the
    body is not one: a page that is a list, `files` that is null, `hashes` that is a list."""
    try:
        data: Any = json.loads(body)
    except RecursionError:
        # Nesting deeper than the parser's stack (`[[[[...` 100,000 deep).
        raise PageShapeError("the page is nested too deeply to be a PEP 691 page") from None
    _expect(data, (dict,), "the page", "an object")
    files = data.get("files")
    _expect(files, (list,), "files", "a list")
    links = []
    relevant = RelevantFiles()
    for number, entry in enumerate(files):
        if isinstance(entry, dict) and isinstance(entry.get("url"), str):
            name = entry.get("filename")
            if not relevant(name if isinstance(name, str) and name else _filename_of(entry["url"])):
                continue
        link = _json_link(entry, number, page_url)
        if link is not None:
            links.append(link)
    return links
