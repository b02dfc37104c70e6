"""Download each locked wheel once, verify its sha256 against the lock, keep it in a cache.

The cache is content-addressed (`wheels-v1/<sha256>/<filename>`), so a hit is re-verified and a
wheel shared by several targets (every pure one) is fetched once. Downloads go through the index
client: its credentials, its offline mode and its own archive cache.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from pathlib import Path

from packaging.utils import InvalidWheelFilename, parse_wheel_filename

from fletlint.linter.index.model import DistFile
from fletlint.linter.storage import write_atomic
from fletlint.packager.errors import BuildError
from fletlint.packager.lock import Lock, LockedWheel

Download = Callable[[DistFile], bytes | None]


_SHA256 = re.compile(r"[0-9a-f]{64}\Z")


def checked_filename(filename: str, url: str) -> str:
    """An index-supplied wheel filename, refused unless it is one plain wheel filename: a PEP 691
    `filename` or an HTML link text may hold `../`, `/`, `\\` or a decoded `%2F`, and the
    name is joined to a folder."""
    plain = (
        filename
        and filename not in (".", "..")
        and not any(c in filename for c in "/\\\0:")
        and not filename.startswith(".")
    )
    if plain:
        try:
            parse_wheel_filename(filename)
        except InvalidWheelFilename:
            plain = False
    if not plain:
        raise BuildError(
            f"the index gave {filename!r} as the name of {url}: not a wheel filename; "
            "refused before writing anything"
        )
    return filename


def cached_path(cache_dir: Path, wheel: LockedWheel) -> Path:
    if not _SHA256.match(wheel.sha256):
        raise BuildError(f"{wheel.url}: {wheel.sha256!r} is not a sha256 hex digest")
    return cache_dir / "wheels-v1" / wheel.sha256 / checked_filename(wheel.filename, wheel.url)


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(
    lock: Lock,
    download: Download,
    cache_dir: Path,
    on_progress: Callable[[str], None] | None = None,
) -> Mapping[str, Path]:
    """Every wheel of the lock, verified, by filename. Raises BuildError on a failed download or
    a hash mismatch, before anything is installed."""
    found: dict[str, Path] = {}
    for wheel in lock.wheels():
        path = cached_path(cache_dir, wheel)
        if path.is_file() and _digest(path) == wheel.sha256:
            found[wheel.filename] = path
            continue
        if on_progress is not None:
            on_progress(f"downloading {wheel.filename}")
        data = download(wheel.file)
        if data is None:
            raise BuildError(
                f"cannot download {wheel.filename} from {wheel.url} (unreachable, not in the "
                "cache while offline, or larger than 64 MB)"
            )
        actual = hashlib.sha256(data).hexdigest()
        if actual != wheel.sha256:
            raise BuildError(
                f"{wheel.filename}: sha256 mismatch: the lock says {wheel.sha256}, the download "
                f"from {wheel.url} is {actual}; nothing was installed"
            )
        try:
            write_atomic(path, data)
        except OSError as exc:
            raise BuildError(f"cannot store {wheel.filename} in {path.parent}: {exc}") from exc
        found[wheel.filename] = path
    return found
