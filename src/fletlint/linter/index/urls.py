"""URL helpers for indexes: credential redaction, normalisation, file:// conversion.

Redaction is consistent everywhere: the whole userinfo part becomes `***@`, so a user can still see
that credentials were configured for an index without any part of them leaking.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit
from urllib.request import url2pathname

from fletlint.linter.index.model import IndexSource

# `scheme://userinfo@` anywhere in a text (exception messages may embed URLs we did not build).
_USERINFO_RE = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/@\s?#]+)@")


def redact_url(url: str) -> str:
    """`https://user:pw@host/x` → `https://***@host/x`; URLs without credentials are unchanged."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"***@{host}"))


def redact_text(text: str) -> str:
    """Redact every credential-carrying URL inside free text (e.g. an httpx error message)."""
    return _USERINFO_RE.sub(lambda m: f"{m.group('scheme')}***@", text)


def split_credentials(url: str) -> tuple[str, tuple[str, str] | None]:
    """Return the URL without userinfo, and (user, password) when it had any.

    We send credentials as an explicit Basic auth header rather than inside the URL so that the URL
    httpx keeps on requests/responses (and puts in its exception texts) is always credential-free.
    """
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, _, host = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    bare = urlunsplit(parts._replace(netloc=host))
    return bare, (unquote(user), unquote(password))


def netloc_of(url: str) -> str:
    """host[:port] without credentials, lower-cased: the key for per-host credentials (like pip)."""
    return urlsplit(url).netloc.rpartition("@")[2].lower()


def is_url(text: str) -> bool:
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", text))


def path_to_url(path: str | os.PathLike[str]) -> str:
    """An absolute file:// URL for a local path (relative to the cwd, like pip)."""
    return Path(path).expanduser().resolve().as_uri()


def url_to_path(url: str) -> Path:
    """The local path of a file:// URL."""
    parts = urlsplit(url)
    if parts.scheme != "file":
        raise ValueError(f"not a file:// URL: {redact_url(url)}")
    netloc = parts.netloc if parts.netloc not in ("", "localhost") else ""
    path = url2pathname(unquote(parts.path))
    return Path(f"//{netloc}{path}" if netloc else path)


def normalize_index_url(url: str) -> str:
    """Index roots always end with `/` so that `urljoin(root, name + "/")` stays below the root.

    A bare local path is accepted too (pip accepts it for `--index-url`) and becomes a file:// URL.
    """
    if not is_url(url):
        url = path_to_url(url)
    parts = urlsplit(url)
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urlunsplit(parts._replace(path=path))


def make_source(url: str, kind: str = "simple") -> IndexSource:
    """Build an IndexSource whose display name is credential-free.

    Simple-index roots get a trailing slash; find-links stay as given (a page URL must not gain a
    slash), but local paths become file:// URLs so every source is a URL.
    """
    if kind == "simple":
        url = normalize_index_url(url)
    elif not is_url(url):
        url = path_to_url(url)
    return IndexSource(url=url, kind=kind, name=redact_url(url))
