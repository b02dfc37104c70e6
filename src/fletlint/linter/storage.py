"""Writing files so that a reader sees the old content or the new, never half of it."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temp file beside `path`, then rename it into place (its folders made first).
    For fletlint's own files: private (0600), not synced to disk. Raises OSError."""
    folder = path.parent
    if folder not in _made_folders:
        _make_folder(folder)
    try:
        _replace(path, data, prefix=".tmp-", suffix="", durable=False, mode=None)
    except FileNotFoundError:
        _make_folder(folder)  # gone since (a cache removed by hand under a language server)
        _replace(path, data, prefix=".tmp-", suffix="", durable=False, mode=None)


# Folders write_atomic made or found: a cold check writes thousands of cache files into a few
# folders, and asking the file system to make an existing one costs a system call (and a lock on
# its parent) each time.
_made_folders: set[Path] = set()


def _make_folder(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    _made_folders.add(folder)


def write_user_file(
    path: Path, data: bytes, *, mode: int | None = None, suffix: str = ".tmp"
) -> None:
    """Write a file the user reads or edits (a fixed requirements file, a graph): a reader
    sees the old content or the new, even after a crash (synced before the rename). `mode`:
    the file's permissions (a rewritten file keeps its own); else the usual ones (0666 minus
    the umask). The folder must exist. Raises OSError."""
    if mode is None:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    _replace(path, data, prefix=f".{path.name}.", suffix=suffix, durable=True, mode=mode)


def _replace(
    path: Path, data: bytes, *, prefix: str, suffix: str, durable: bool, mode: int | None
) -> None:
    """The one atomic write: a temp file beside `path` (removed on any failure), renamed."""
    import tempfile  # here: a replayed check (cli_replay.py) writes nothing and needs none

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
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


def default_cache_dir(environ: Mapping[str, str]) -> Path:
    """`$FLETLINT_CACHE_DIR`, else the per-user cache folder (tests and CI point it elsewhere)."""
    override = environ.get("FLETLINT_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs  # here: the replay of a warm check needs it only without the variable

    return Path(platformdirs.user_cache_dir("fletlint"))


def prune_unused(folder: Path, unused_for: float) -> None:
    """Remove the files of `folder` not read or written for `unused_for` seconds (their change
    time: readers of a stored file touch it, see `mark_used`)."""
    cutoff = time.time() - unused_for
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < cutoff:
                    Path(entry.path).unlink(missing_ok=True)
    # Another process pruning, an unreadable folder, a NUL byte or a lone surrogate in its
    # path: only costs space.
    except (OSError, ValueError):
        return


def mark_used(path: Path) -> None:
    """A stored file read back is in use: its change time is what pruning looks at (once a day)."""
    try:
        if path.stat().st_mtime < time.time() - 86400:
            os.utime(path)
    except (OSError, ValueError):
        return
