"""What a check looked at on disk, and probes that tell in milliseconds whether any of it moved.

A stored report (report_store.py) is found only after the project is loaded, the settings and
pip's configuration read and the key computed: that needs the engine, a few hundred milliseconds
of imports before any answer. A command-line check whose inputs did not move should cost what
reading its answer costs. So while a check runs, every file it reads or looks for and every
folder it lists is noted here (`recording`; `saw_file` and `saw_folder` are no-ops outside one),
and a front end can store these observations beside its output (cli_replay.py). The next
identical command probes them again, before importing anything heavy:

- a file by its kind and content (`file_state`: the sha256 of a regular file, or "absent",
  "folder", "other"), so an edit, a new file or a removed one is seen whatever the clocks say;
- a folder by its entries and their kinds (`folder_state`): a file added to the app, a virtual
  environment created, flet-cli upgraded in it (its dist-info folder is renamed);
- fletlint's own code and the distributions installed beside it by name, size and change time
  (`code_files`, `installed_packages`), as the stored report's key has them;
- the environment variables that reach a check or the places it reads (`environ_read`);
- every index page read, by its HTTP cache header (`page_state`): its body's identity, and
  whether it is still fresh (a stale page would be revalidated, so only the engine can answer).

Standard library only: this runs before anything heavy is imported.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import NamedTuple

# Variables a check reads (its settings, pip's), or that move the files it reads: pip's and
# fletlint's configuration and cache folders, the active virtual environment (its flet-cli).
_ENVIRON_PREFIXES = ("FLETLINT_", "PIP_")
_ENVIRON_NAMES = (
    "VIRTUAL_ENV",
    "HOME",
    "USERPROFILE",
    "XDG_CONFIG_HOME",
    "XDG_CONFIG_DIRS",
    "XDG_CACHE_HOME",
    "APPDATA",
    "LOCALAPPDATA",
    "PROGRAMDATA",
    "PYTHONPATH",
    "PYTHONHOME",
)
# A file the check reads is never larger (project files are refused beyond 16 MiB): a larger
# one is recorded by size and change time, without reading it.
_HASHED_BYTES = 32 * 1024 * 1024
# Distribution folders beside fletlint: installing, upgrading or removing a package adds or
# removes one of these (or rewrites it), which moves FL101's answer to "which one provides it".
_DIST_SUFFIXES = (".dist-info", ".egg-info", ".egg-link")
# The HTTP cache's header format (index/cache.py) this module reads pages from.
_CACHE_FORMAT = 2


class Observations:
    """The files and folders one check looked at, collected while `recording`, each with its
    state when first looked at: before it is read, so that a file edited while the check runs
    differs from what a replay recorded (a later state could be recorded with an earlier
    answer)."""

    def __init__(self) -> None:
        self.files: dict[str, str] = {}
        self.folders: dict[str, str] = {}
        self.stats: dict[str, str] = {}
        self._lock = threading.Lock()

    def file(self, path: str, state: str | None = None) -> None:
        if path not in self.files:  # racing threads: the first state stays (setdefault)
            found = state if state is not None else file_state(path)
            with self._lock:
                self.files.setdefault(path, found)

    def folder(self, path: str, state: str | None = None) -> None:
        if path not in self.folders:
            found = state if state is not None else folder_state(path)
            with self._lock:
                self.folders.setdefault(path, found)

    def stat(self, path: str, state: str) -> None:
        with self._lock:
            self.stats.setdefault(path, state)


_current: ContextVar[Observations | None] = ContextVar("fletlint_observations", default=None)


@contextlib.contextmanager
def recording() -> Iterator[Observations]:
    """Note what the code run inside looks at (in this thread and context only)."""
    seen = Observations()
    token = _current.set(seen)
    try:
        yield seen
    finally:
        _current.reset(token)


def saw_file(path: str | os.PathLike[str], state: str | None = None) -> None:
    """The check is about to read this file, or asks whether it exists (call it before).
    `state`: the file's `file_state` taken earlier, when it was read (by another thread)."""
    seen = _current.get()
    if seen is not None:
        seen.file(os.path.abspath(path), state)


def saw_folder(path: str | os.PathLike[str], state: str | None = None) -> None:
    """The check is about to list this folder (its entries decide what it reads)."""
    seen = _current.get()
    if seen is not None:
        seen.folder(os.path.abspath(path), state)


def saw_stat(path: str, state: str) -> None:
    """The check read a file known by its `stat_state` (a local index's page: its parsed
    listing is stored under its size and change time, so that is what the answer depends on)."""
    seen = _current.get()
    if seen is not None:
        seen.stat(path, state)


# -- probes ----------------------------------------------------------------------------------


def _stat(path: str) -> os.stat_result | str:
    """The file's stat (through symbolic links, as the readers open it), or what it is instead."""
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return "absent"
    except (OSError, ValueError):
        return "unreadable"
    return "folder" if stat.S_ISDIR(info.st_mode) else info


def file_state(path: str) -> str:
    """The file at `path` as a check would find it: its content's sha256, or what it is instead."""
    info = _stat(path)
    if isinstance(info, str):
        return info
    if not stat.S_ISREG(info.st_mode):
        return "other"  # a FIFO, a device: the readers refuse it without opening it
    if info.st_size > _HASHED_BYTES:
        return f"large:{info.st_size}:{info.st_mtime_ns}"
    try:
        with open(path, "rb") as fh:
            return "sha256:" + hashlib.sha256(fh.read(_HASHED_BYTES + 1)).hexdigest()
    except (OSError, ValueError):
        return "unreadable"


def stat_state(path: str) -> str:
    """The file's kind, size and change time (not its content), or what it is instead."""
    info = _stat(path)
    if isinstance(info, str):
        return info
    return f"stat:{stat.S_IFMT(info.st_mode)}:{info.st_size}:{info.st_mtime_ns}"


def folder_state(path: str) -> str:
    """The folder's entries, each with its kind (a file that became a folder is a change)."""
    try:
        with os.scandir(path) as entries:
            listed = sorted(f"{e.name}/" if _is_dir(e) else e.name for e in entries)
    except (FileNotFoundError, NotADirectoryError):
        return "absent"
    except (OSError, ValueError):
        return "unreadable"
    return (
        "sha256:" + hashlib.sha256("\0".join(listed).encode("utf-8", "surrogatepass")).hexdigest()
    )


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=True)
    except OSError:
        return False


def environ_read(environ: Mapping[str, str]) -> list[list[str]]:
    """The variables that reach a check, sorted."""
    return sorted(
        [k, v] for k, v in environ.items() if k.startswith(_ENVIRON_PREFIXES) or k in _ENVIRON_NAMES
    )


def installed_packages(path: Sequence[str] | None = None) -> list[list[object]]:
    """The distributions fletlint's own environment holds, by folder entry and its change time."""
    found: list[list[object]] = []
    for entry in sys.path if path is None else path:
        try:
            with os.scandir(entry or ".") as listing:
                found += sorted(
                    [entry, item.name, item.stat().st_mtime_ns]
                    for item in listing
                    if item.name.endswith(_DIST_SUFFIXES)
                )
        except OSError:  # a zip file or a missing folder on sys.path: no distributions inside
            continue
    return found


def code_files(root: Path) -> list[list[object]]:
    """Every file of a package folder (code and data) by size and change time.

    The version alone does not name the code: a development checkout (or an editable install)
    changes its rules under one version number, and a stale answer must not outlive them.
    """
    found: list[list[object]] = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
        for name in sorted(names):
            where = os.path.join(folder, name)
            try:
                info = os.stat(where)
            except OSError:
                continue
            found.append([os.path.relpath(where, root), info.st_size, info.st_mtime_ns])
    return found


def own_code_root() -> Path:
    """The `fletlint` package folder."""
    return Path(__file__).resolve().parents[1]


class IndexProbes(NamedTuple):
    """What a replay probes of the indexes a check read.

    `pages`: each page behind a listing, by its HTTP cache header file and its body's identity
    ("absent": not in the cache, its index was not asked). `hosts`: each index host the check
    did not ask because the unreachable-hosts file remembered it: (that file, host, until,
    detail). `down`: the names of those indexes (their problems are what the file says).
    """

    pages: tuple[tuple[str, str], ...]
    hosts: tuple[tuple[str, str, float, str], ...] = ()
    down: tuple[str, ...] = ()


def page_state(header: str, now: float) -> str | None:
    """The identity of the page whose HTTP cache header is at `header`, while it is fresh at
    `now` ("absent" when not cached; None when stale, as the engine would revalidate it, or
    unreadable)."""
    try:
        with open(header, "rb") as fh:
            meta = json.loads(fh.readline(64 * 1024))
        if not isinstance(meta, dict) or meta.get("format") != _CACHE_FORMAT:
            return None
        identity = meta["identity"]
        fresh = bool(meta.get("immutable", False)) or (
            now - float(meta["stored_at"]) < float(meta.get("max_age", 0.0))
        )
    except FileNotFoundError:
        return "absent"
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return identity if fresh and isinstance(identity, str) and identity else None


def host_state(memory: str, host: str, now: float) -> tuple[float, str] | None:
    """(until, detail) while the unreachable-hosts file (index/http.py) keeps `host` from being
    asked at `now`; else None."""
    try:
        with open(memory, "rb") as fh:
            raw = json.loads(fh.read(1024 * 1024))
        value = raw[host] if isinstance(raw, dict) else None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not (isinstance(value, list) and len(value) == 2 and isinstance(value[1], str)):
        return None
    until = value[0]
    if not isinstance(until, (int, float)) or isinstance(until, bool) or not now < until:
        return None
    return float(until), value[1]
