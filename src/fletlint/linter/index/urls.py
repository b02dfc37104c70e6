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

from fletlint.linter.findings import InputError
from fletlint.linter.index.model import IndexSource

# `scheme://userinfo@` anywhere in a text (exception messages may embed URLs we did not build).
# Everything from `://` to the last `@` of the word is taken as userinfo: a password written with
# a raw `/`, `?` or `#` (which ends the authority for a URL parser) must not leak either. A path
# holding an `@` is over-redacted, which costs nothing.
_USERINFO_RE = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^\s'\"<>`]*)@")


class InvalidURLError(InputError, ValueError):
    """A URL that no HTTP client could use; the message is credential-free (exit 2 in the CLI)."""


def redact_url(url: str) -> str:
    """`https://user:pw@host/x` → `https://***@host/x`; URLs without credentials are unchanged.

    Never raises: a URL that does not even split (`http://[::1/simple`) is redacted as text.
    """
    return redact_text(url)


def redact_text(text: str) -> str:
    """Redact every credential-carrying URL inside free text (e.g. a connection's error message).

    The one redaction function: every message, output format, diff and log line goes through it.
    """
    if "@" not in text:
        return text
    return _USERINFO_RE.sub(lambda m: f"{m.group('scheme')}***@", text)


def split_credentials(url: str) -> tuple[str, tuple[str, str] | None]:
    """Return the URL without userinfo, and (user, password) when it had any.

    We send credentials as an explicit Basic auth header rather than inside the URL so that the URL
    a request carries (and its errors may quote) is always credential-free.
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


def check_url(url: str) -> str:
    """`url` if an HTTP client can use it, else InvalidURLError saying why (credential-free)."""
    if "\x00" in url or any("\ud800" <= ch <= "\udfff" for ch in url):
        raise InvalidURLError(f"invalid URL {_shown(url)}: it holds a NUL byte or a lone surrogate")
    if any(ch in url for ch in "\r\n\t"):
        raise InvalidURLError(f"invalid URL {_shown(url)}: it holds a line break or a tab")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        # urllib's own words may quote part of a password (`Port could not be cast ... 'pa'`).
        reason = "its port is not a number from 0 to 65535" if "ort" in str(exc) else str(exc)
        if "@" in url and "/" in url.partition("://")[2].rpartition("@")[0]:
            reason += " (a `/` in a user name or password must be written %2F)"
        raise InvalidURLError(f"invalid URL {_shown(url)}: {reason}") from None
    if parts.scheme in ("http", "https") and not parts.hostname:
        raise InvalidURLError(f"invalid URL {_shown(url)}: no host name")
    if parts.scheme not in ("http", "https", "file"):
        raise InvalidURLError(
            f"invalid URL {_shown(url)}: only http, https and file URLs can be read"
        )
    return url


def _shown(url: str) -> str:
    return repr(redact_text(url)).encode("ascii", "backslashreplace").decode("ascii")


def make_source(url: str, kind: str = "simple") -> IndexSource:
    """Build an IndexSource whose display name is credential-free.

    Simple-index roots get a trailing slash; find-links stay as given (a page URL must not gain a
    slash), but local paths become file:// URLs so every source is a URL. A URL no client could
    use (`http://[::1/simple`, a password with a raw `/`, a NUL byte) is InvalidURLError.
    """
    if is_url(url):
        check_url(url)
    elif "\x00" in url or any("\ud800" <= ch <= "\udfff" for ch in url):
        raise InvalidURLError(
            f"invalid path {_shown(url)}: it holds a NUL byte or a lone surrogate"
        )
    if kind == "simple":
        url = normalize_index_url(url)
    elif not is_url(url):
        url = path_to_url(url)
    return IndexSource(url=url, kind=kind, name=redact_url(url))
