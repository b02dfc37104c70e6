"""Every bound on what an index (or a project file) may make fletlint read, in one place.

A hostile or broken index must not be able to exhaust memory, disk or time: each response is read
as a stream and cut at its limit, compressed bodies are measured by the bytes they inflate to, and
every request and every check has a deadline. Crossing a limit is an answer (FL005 for an index, a
located error for a project file), never a crash. docs/limits.md lists them for users.
"""

from __future__ import annotations

from dataclasses import dataclass

MiB = 1024 * 1024

# A project page (PEP 691 JSON or PEP 503 HTML) or a find-links page, after decompression.
# PyPI's largest pages (projects with tens of thousands of files) are a few tens of MB of JSON.
MAX_PAGE_BYTES = 48 * MiB
# A PEP 658 `.metadata` file; real ones are a few kB, the largest known well under 1 MB.
MAX_METADATA_BYTES = 8 * MiB
# One archive member read for its metadata (METADATA, PKG-INFO), counted as decompressed bytes
# produced: what the archive claims about its members is not trusted.
MAX_MEMBER_BYTES = 8 * MiB
# A whole file downloaded (a wheel whose server ignores ranges, an sdist looked into by FL003).
MAX_DOWNLOAD_BYTES = 64 * MiB
# An sdist's tar stream, decompressed, read to find its PKG-INFO.
MAX_UNPACKED_ARCHIVE_BYTES = 256 * MiB
# Redirects followed for one request (pip's requests session allows 30; real indexes use one).
MAX_REDIRECTS = 10
# A request's deadline and a check's, as multiples of the per-read timeout (FLETLINT_TIMEOUT,
# 10 s by default): a server trickling one byte at a time never times a read out, these stop it.
REQUEST_DEADLINE_READS = 6.0
CHECK_DEADLINE_READS = 30.0

# Project files (requirements files, pyproject.toml, the app's .py files): read only when they
# are regular files no larger than this.
MAX_PROJECT_FILE_BYTES = 4 * MiB
MAX_SOURCE_FILE_BYTES = 256 * 1024


@dataclass(frozen=True)
class IndexLimits:
    """The bounds one IndexClient applies; tests shrink them, users get the defaults."""

    page_bytes: int = MAX_PAGE_BYTES
    metadata_bytes: int = MAX_METADATA_BYTES
    member_bytes: int = MAX_MEMBER_BYTES
    download_bytes: int = MAX_DOWNLOAD_BYTES
    unpacked_archive_bytes: int = MAX_UNPACKED_ARCHIVE_BYTES
    redirects: int = MAX_REDIRECTS
    # Seconds; None: the multiple of the client's read timeout given above.
    request_deadline: float | None = None
    check_deadline: float | None = None

    def deadlines(self, timeout: float) -> tuple[float, float]:
        """(per request, per check) in seconds for a client whose read timeout is `timeout`."""
        request = self.request_deadline
        check = self.check_deadline
        return (
            request if request is not None else REQUEST_DEADLINE_READS * timeout,
            check if check is not None else CHECK_DEADLINE_READS * timeout,
        )


def describe(size: int) -> str:
    """`48 MiB`, `512 kB`: how a limit is named in messages."""
    if size >= MiB and size % MiB == 0:
        return f"{size // MiB} MiB"
    if size >= 1024:
        return f"{size // 1024} kB"
    return f"{size} bytes"
