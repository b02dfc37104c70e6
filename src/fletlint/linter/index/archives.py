"""Archive reading: a wheel's METADATA or member names by range requests into its central
directory (a 50 MB wheel costs a few kB), and METADATA / PKG-INFO from a whole archive.

Nothing is extracted or run, and every read is bounded by the bytes it produces, not by what the
archive claims about itself (IndexLimits).
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from fletlint.linter.index.http import Fetched, HttpSession
from fletlint.linter.index.limits import IndexLimits
from fletlint.linter.index.model import DistFile

_TAIL = 65536  # bytes asked for first when reading a wheel's central directory (like uv / pip)


class _ArchiveTooLarge(Exception):
    """An archive inflates beyond its limit while being read."""


def pick_member(names: Iterable[str], suffix: str, project: str) -> str | None:
    """The top-level `<dir>/<suffix>`, preferring a dir named after the project."""
    candidates = [n for n in names if n.count("/") == 1 and n.endswith("/" + suffix)]
    for candidate in candidates:
        top = candidate.split("/", 1)[0]
        stem = top.rsplit(".dist-info", 1)[0].rsplit("-", 1)[0]
        if canonicalize_name(stem) == project:
            return candidate
    return candidates[0] if candidates else None


def metadata_from_archive(
    source: bytes | Path,
    filename: str,
    project: str,
    *,
    limits: IndexLimits | None = None,
) -> bytes | None:
    """Read METADATA (wheel) or PKG-INFO (sdist) from an archive; nothing is extracted or run.

    Bounded by bytes produced, not by what the archive claims: a member inflating beyond
    `limits.member_bytes`, or a tar stream beyond `limits.unpacked_archive_bytes`, is no answer.
    """
    limits = limits or IndexLimits()
    fh: Any = io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")  # noqa: SIM115
    try:
        if filename.endswith((".whl", ".zip")):
            with zipfile.ZipFile(fh) as zf:
                suffix = "METADATA" if filename.endswith(".whl") else "PKG-INFO"
                member = pick_member(zf.namelist(), suffix, project)
                if member is None or zf.getinfo(member).file_size > limits.member_bytes:
                    return None
                with zf.open(member) as data:
                    raw = data.read(limits.member_bytes + 1)
                return raw if len(raw) <= limits.member_bytes else None
        return _pkg_info_from_tar(fh, project, limits)
    except (
        zipfile.BadZipFile,
        tarfile.TarError,
        OSError,
        EOFError,
        KeyError,
        zlib.error,
        lzma.LZMAError,
        ValueError,
        NotImplementedError,
        _ArchiveTooLarge,
    ):
        return None
    finally:
        fh.close()


class _CappedStream:
    """A file object that stops with _ArchiveTooLarge once `limit` bytes were read from it."""

    def __init__(self, inner: Any, limit: int) -> None:
        self._inner = inner
        self._left = limit

    def read(self, size: int = -1) -> bytes:
        want = self._left + 1 if size < 0 else min(size, self._left + 1)
        data: bytes = self._inner.read(want)
        self._left -= len(data)
        if self._left < 0:
            raise _ArchiveTooLarge
        return data


def _pkg_info_from_tar(fh: Any, project: str, limits: IndexLimits) -> bytes | None:
    """An sdist's PKG-INFO, reading its tar as a stream: memory stays at a member or two, and
    a compression bomb stops at the unpacked limit instead of inflating to the end."""
    magic = fh.read(6)
    fh.seek(0)
    inner: Any = fh
    if magic.startswith(b"\x1f\x8b"):
        inner = gzip.GzipFile(fileobj=fh)
    elif magic.startswith(b"BZh"):
        inner = bz2.BZ2File(fh)
    elif magic.startswith(b"\xfd7zXZ"):
        inner = lzma.LZMAFile(fh)  # noqa: SIM115 - closed with `fh` by the caller
    first: tuple[str, bytes] | None = None
    stream: Any = _CappedStream(inner, limits.unpacked_archive_bytes)
    with tarfile.open(fileobj=stream, mode="r|") as tf:
        for member in tf:
            name = member.name
            if not (member.isfile() and name.count("/") == 1 and name.endswith("/PKG-INFO")):
                continue
            if member.size > limits.member_bytes:
                continue
            extracted = tf.extractfile(member)
            if extracted is None:
                continue
            data: bytes = extracted.read(limits.member_bytes + 1)
            if len(data) > limits.member_bytes:
                continue
            if _named_for(name, project):
                return data
            if first is None:
                first = (name, data)
    return first[1] if first is not None else None


def _named_for(member: str, project: str) -> bool:
    top = member.split("/", 1)[0]
    stem = top.rsplit(".dist-info", 1)[0].rsplit("-", 1)[0]
    return canonicalize_name(stem) == project


@dataclass(frozen=True)
class ZipDirectory:
    """A zip's central directory: entries by name (method, crc, compressed size, size, local
    header offset), a reader of byte ranges, the total size, and whether it was all downloaded."""

    entries: dict[str, tuple[int, int, int, int, int]]
    read: Callable[[int, int], bytes | None]
    total: int
    whole: bool = False


class RemoteWheels:
    """Range requests into remote wheels, through one IndexClient's session."""

    def __init__(
        self, session: HttpSession, limits: IndexLimits, count: Callable[[str], None]
    ) -> None:
        self._session = session
        self._limits = limits
        self._count = count

    def _range_get(self, url: str, spec: str) -> Fetched:
        self._count("range_requests")
        # identity: a compressed 206 would not be addressable by byte offsets. The limit is the
        # download's: a server may answer with the whole file (200) instead of the range.
        headers = {"Range": f"bytes={spec}", "Accept-Encoding": "identity"}
        return self._session.fetch(url, headers, limit=self._limits.download_bytes)

    def central_directory(self, url: str) -> ZipDirectory | None:
        """A remote zip's central directory by range requests. None when the server or the
        layout does not allow it (zip64, no ranges): the caller then downloads the file."""
        response = self._range_get(url, f"-{_TAIL}")
        if response.status == 200:  # server ignores ranges: we already have the whole file
            body = response.body
            try:
                with zipfile.ZipFile(io.BytesIO(body)) as zf:
                    infos = zf.infolist()
            except zipfile.BadZipFile:
                return None
            whole = {
                i.filename: (i.compress_type, i.CRC, i.compress_size, i.file_size, i.header_offset)
                for i in infos
            }
            return ZipDirectory(
                whole,
                lambda start, end: body[start:end],
                len(body),
                whole=True,
            )
        if response.status != 206:
            if response.status in (416, 501):
                return None
            raise self._session.status_error(url, response)
        content_range = response.headers.get("content-range", "")
        try:
            total = int(content_range.rsplit("/", 1)[1])
        except (IndexError, ValueError):
            return None
        tail = response.body
        tail_start = total - len(tail)

        def read(start: int, end: int) -> bytes | None:
            if start >= tail_start:
                return tail[start - tail_start : end - tail_start]
            part = self._range_get(url, f"{start}-{end - 1}")
            if part.status == 206 and len(part.body) == end - start:
                return part.body
            return None

        eocd = tail.rfind(b"PK\x05\x06")
        if eocd < 0 or len(tail) - eocd < 22:
            return None
        (_, _, _, _, count, cd_size, cd_offset, _) = struct.unpack(
            "<4sHHHHIIH", tail[eocd : eocd + 22]
        )
        if cd_offset == 0xFFFFFFFF or count == 0xFFFF:
            return None  # zip64: rare for wheels, let zipfile handle the full file
        directory = read(cd_offset, cd_offset + cd_size)
        if directory is None:
            return None
        entries: dict[str, tuple[int, int, int, int, int]] = {}
        pos = 0
        while pos + 46 <= len(directory) and directory[pos : pos + 4] == b"PK\x01\x02":
            (method, _t, _d, crc, csize, usize, nlen, xlen, clen) = struct.unpack(
                "<HHHIIIHHH", directory[pos + 10 : pos + 34]
            )
            (offset,) = struct.unpack("<I", directory[pos + 42 : pos + 46])
            name = directory[pos + 46 : pos + 46 + nlen].decode("utf-8", "replace")
            entries[name] = (method, crc, csize, usize, offset)
            pos += 46 + nlen + xlen + clen
        return ZipDirectory(entries, read, total)

    def wheel_metadata(self, file: DistFile) -> bytes | None:
        """Read `*.dist-info/METADATA` from a remote wheel with a few range requests.

        Returns None when the wheel is laid out in a way this reader does not handle (zip64,
        unusual compression, server quirks): the caller then downloads the whole file.
        """
        zipdir = self.central_directory(file.url)
        if zipdir is None:
            return None
        if zipdir.whole:
            self._count("metadata_download")
        entries, read, total = zipdir.entries, zipdir.read, zipdir.total
        member = pick_member(entries, "METADATA", file.name)
        if member is None:
            return None
        method, crc, csize, usize, offset = entries[member]
        limit = self._limits.member_bytes
        if usize > limit or method not in (0, 8):
            return None
        # The local header's extra field may differ from the central one: read header first
        # with some slack, then the data if the slack was not enough.
        slack = 30 + len(member.encode()) + 1024
        chunk = read(offset, min(offset + slack + csize, total))
        if chunk is None or chunk[:4] != b"PK\x03\x04":
            return None
        nlen, xlen = struct.unpack("<HH", chunk[26:30])
        start = 30 + nlen + xlen
        data = chunk[start : start + csize]
        if len(data) < csize:
            more = read(offset + start, offset + start + csize)
            if more is None:
                return None
            data = more
        try:
            # Bounded by what is produced: the sizes in the directory are the archive's claim.
            raw = data if method == 0 else zlib.decompressobj(-15).decompress(data, usize + 1)
        except zlib.error:
            return None
        if len(raw) != usize or zlib.crc32(raw) != crc:
            return None
        self._count("metadata_range")
        return raw
