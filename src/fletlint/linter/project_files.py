"""Reading a project file safely: the one way requirements files, pyproject.toml and the app's
Python files are read from disk.

A project folder may hold anything: a FIFO (opening it for reading would wait for a writer
forever), `main.py` linked to `/dev/zero` (endless), a 50 MB requirements file, a name with a NUL
byte or a lone surrogate, a folder nobody may read. Only regular files are read, never beyond
their limit (fletlint.linter.index.limits), and every failure is an InputError that names the file
and, for undecodable text, the line and column.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from fletlint.linter.findings import InputError, Location
from fletlint.linter.index.limits import MAX_PROJECT_FILE_BYTES, describe
from fletlint.linter.observed import saw_file

__all__ = ["decode_error_location", "display_path", "read_project_bytes", "read_project_text"]


def display_path(path: Path | str) -> str:
    """A path as messages show it: lone surrogates and control characters escaped, so a hostile
    file name can neither break the output's encoding nor forge extra lines."""
    text = os.fspath(path)
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if _unsafe(ch) else ch for ch in text
    )


def _unsafe(ch: str) -> bool:
    return ch < " " or ch == "\x7f" or "\ud800" <= ch <= "\udfff" or ch in "\u2028\u2029\x85"


def read_project_bytes(
    path: Path,
    *,
    what: str,
    limit: int = MAX_PROJECT_FILE_BYTES,
    where: Location | None = None,
) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, else an InputError located at
    `where` (the line that names the file) or at the file itself."""
    shown = display_path(path)
    at = where if where is not None else Location(shown, 1)
    saw_file(path)
    try:
        # O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer; on a
        # regular file it changes nothing.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except (ValueError, UnicodeError) as exc:  # a NUL byte, an unencodable name
        raise InputError(f"cannot read {what} '{shown}': invalid file name ({exc})", at) from None
    except OSError as exc:
        reason = "it is a folder" if exc.errno == errno.EISDIR else exc.strerror or str(exc)
        raise InputError(f"cannot read {what} '{shown}': {reason}", at) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = _kind(info.st_mode)
            raise InputError(f"cannot read {what} '{shown}': it is {kind}, not a file", at)
        if info.st_size > limit:
            raise InputError(f"{what} '{shown}' is larger than the {describe(limit)} limit", at)
        chunks: list[bytes] = []
        size = 0
        while True:
            # A file that grows while it is read still stops at the limit.
            chunk = os.read(fd, min(1024 * 1024, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise InputError(f"{what} '{shown}' is larger than the {describe(limit)} limit", at)
        return b"".join(chunks)
    except OSError as exc:
        raise InputError(f"cannot read {what} '{shown}': {exc.strerror or exc}", at) from None
    finally:
        os.close(fd)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def decode_error_location(raw: bytes, offset: int, path: Path | str) -> Location:
    """Where byte `offset` of `raw` is, as a 1-based line and column."""
    line = raw.count(b"\n", 0, offset) + 1
    column = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
    return Location(display_path(path), line, column)


def read_project_text(
    path: Path,
    *,
    what: str,
    limit: int = MAX_PROJECT_FILE_BYTES,
    where: Location | None = None,
    encoding: str = "utf-8-sig",
) -> str:
    """`read_project_bytes`, decoded; bytes that are not `encoding` are a located error."""
    raw = read_project_bytes(path, what=what, limit=limit, where=where)
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        byte = f"byte 0x{raw[exc.start]:02x}" if exc.start < len(raw) else "the end"
        raise InputError(
            f"cannot decode {what}: {byte} is not UTF-8",
            decode_error_location(raw, exc.start, path),
        ) from None
