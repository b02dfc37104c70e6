"""Writing files so that a reader sees the old content or the new, never half of it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temp file beside `path`, then rename it into place. Raises OSError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def store_in_cache(path: Path, data: bytes) -> None:
    """`write_atomic` for cache entries: an unwritable cache only costs speed, so no error."""
    try:
        write_atomic(path, data)
    except (OSError, ValueError):  # ValueError: a NUL byte or lone surrogate in the cache path
        return
