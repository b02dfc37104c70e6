"""Writing the build's output folder so that no moment leaves it half-written or missing.

- The build is staged in `.<name>.tmp-<pid>-<random>` beside the output; the next build removes
  the staging folders of builds whose process is gone (killed, power cut).
- The staged folder replaces the output by an atomic exchange of the two paths (Linux
  `renameat2(RENAME_EXCHANGE)`, macOS `renamex_np(RENAME_SWAP)`), so the output path always
  names a whole build; elsewhere two renames, and a build killed between them is put back by
  the next build before anything else.
- Folders the build had to create are removed again when it fails or is refused.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import sys
import tempfile
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2  # Linux
_RENAME_SWAP = 2  # macOS renamex_np


def staging_prefix(output: Path) -> str:
    return f".{output.name}.tmp-"


def old_prefix(output: Path) -> str:
    return f".{output.name}.old-"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but not ours (EPERM), or a platform without signal 0
        return True
    return True


def _pid_of(name: str, prefix: str) -> int | None:
    rest = name[len(prefix) :]
    head = rest.split("-", 1)[0]
    return int(head) if head.isdigit() else None


def recover(output: Path) -> list[Path]:
    """Put back an output a killed swap left aside, and remove dead builds' staging folders.
    Returns what was removed."""
    parent = output.parent
    if not parent.is_dir():
        return []
    removed: list[Path] = []
    for prefix in (staging_prefix(output), old_prefix(output)):
        for entry in sorted(parent.glob(prefix + "*")):
            pid = _pid_of(entry.name, prefix)
            if pid is not None and _alive(pid):
                continue
            aside = entry / output.name
            if prefix == old_prefix(output) and aside.is_dir() and not output.exists():
                os.replace(aside, output)  # the swap was killed between its two renames
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def make_staging(output: Path) -> Path:
    return Path(
        tempfile.mkdtemp(prefix=f"{staging_prefix(output)}{os.getpid()}-", dir=output.parent)
    )


def _exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths atomically; False when the platform cannot."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    try:
        libc = ctypes.CDLL(libc_name, use_errno=True)
    except OSError:
        return False
    fa, fb = os.fsencode(a), os.fsencode(b)
    if sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
        result = libc.renameat2(_AT_FDCWD, fa, _AT_FDCWD, fb, _RENAME_EXCHANGE)
    elif sys.platform == "darwin" and hasattr(libc, "renamex_np"):
        result = libc.renamex_np(fa, fb, _RENAME_SWAP)
    else:
        return False
    return bool(result == 0)


def replace(staging: Path, output: Path) -> None:
    """Make `staging` the output; the earlier output, if any, is deleted."""
    if not output.exists():
        os.replace(staging, output)
        return
    if _exchange(staging, output):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the earlier output
        return
    aside = Path(tempfile.mkdtemp(prefix=f"{old_prefix(output)}{os.getpid()}-", dir=output.parent))
    os.replace(output, aside / output.name)
    os.replace(staging, output)
    shutil.rmtree(aside, ignore_errors=True)


def missing_parents(path: Path) -> list[Path]:
    """The ancestors of `path` that do not exist yet, outermost first."""
    missing: list[Path] = []
    for parent in path.parents:
        if parent.exists():
            break
        missing.append(parent)
    return list(reversed(missing))


def remove_created(folders: list[Path]) -> None:
    """Remove folders this build created, innermost first, only while they are empty."""
    for folder in reversed(folders):
        with contextlib.suppress(OSError):
            folder.rmdir()
