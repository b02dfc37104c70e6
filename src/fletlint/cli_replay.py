"""A warm `fletlint check` answered with its previous output, before the engine is imported.

When nothing a check looked at has moved, its report is the previous one (the report store,
linter/report_store.py, already knows that), and so is its output. But the report store is
consulted only after the engine is imported and the project loaded: most of a warm check's
time. So beside a machine-format output (json, sarif, github) the command line stores what the
check looked at (linter/observed.py): every file read or looked for, every folder listed, the
environment variables that reach a check, fletlint's own code, the distributions installed
beside it, the interpreter, and each index page behind a listing (its cache header: still
fresh, same body). An identical command line in the same folder probes all of them again and,
when every probe answers as before, writes the stored output (its elapsed time restated) and
exits as the check did. Anything else, and the check runs as always.

Only a complete, storable report is replayed: the engine says so by naming the pages it read
(`Report.index_probes`), which it does not when an index failed (but for a host the
unreachable-hosts file keeps from being asked: a replay probes that record), metadata was
missing, a listing came from a find-links folder, a local index or one with credentials, or
`--no-cache` (or `reuse-report = false`) was given. The text format is not replayed: it is drawn for the terminal
at hand. Like every cache here, a replay file that is unreadable, foreign or of another format
is a miss; it is strict JSON, never code.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from fletlint import __version__
from fletlint.linter.observed import (
    IndexProbes,
    Observations,
    code_files,
    environ_read,
    file_state,
    folder_state,
    host_state,
    installed_packages,
    own_code_root,
    page_state,
    stat_state,
)
from fletlint.linter.storage import default_cache_dir, mark_used, prune_unused, store_in_cache

_FORMAT = 1
FOLDER = "replays-v1"
REPLAYED_FORMATS = ("json", "sarif", "github")
# Options that do not change the report: how it is written and the exit code's policy.
_OUTPUT_OPTIONS = frozenset({"format", "exit_zero"})
# A replay file larger than this is not read (a real one is a few hundred kilobytes at most).
_MAX_BYTES = 64 * 1024 * 1024
UNUSED_FOR = 30 * 86400
# The JSON report's one value that differs between two runs of the same check.
_ELAPSED = '"elapsed_seconds": '


class Replay:
    """A stored output: `output` restates its elapsed time; `has_errors` decides the exit code.

    A plain class: dataclasses cost a replay more import time than all of its probes."""

    __slots__ = ("elapsed", "has_errors", "text")

    def __init__(self, text: str, elapsed: str | None, has_errors: bool) -> None:
        self.text = text
        self.elapsed = elapsed  # `"elapsed_seconds": <value>` as written in `text`, if any
        self.has_errors = has_errors

    def output(self, elapsed_seconds: float) -> str:
        if self.elapsed is None:
            return self.text
        now = _ELAPSED + json.dumps(round(elapsed_seconds, 3))
        return self.text.replace(self.elapsed, now, 1)


def elapsed_marker(text: str, elapsed_seconds: float) -> str | None:
    """How `text` (a rendered report) states its elapsed time, when it does (the JSON format)."""
    marker = _ELAPSED + json.dumps(round(elapsed_seconds, 3))
    return marker if marker in text else None


def _fixed_inputs() -> str:
    """What every probe of one process shares: the environment, interpreter, code, packages."""
    data = [
        environ_read(os.environ),
        [sys.version, sys.executable, sys.path],
        code_files(own_code_root()),
        installed_packages(),
    ]
    return hashlib.sha256(json.dumps(data).encode("utf-8", "surrogatepass")).hexdigest()


class ReplayStore:
    """The replays of one command line (its options, in its working folder), one per format."""

    def __init__(self, folder: Path, slot: str) -> None:
        self.folder = folder
        self._slot = slot

    @classmethod
    def for_check(cls, args: argparse.Namespace) -> ReplayStore | None:
        """The store for `fletlint check <args>`, or None when this check is never replayed."""
        if args.format not in REPLAYED_FORMATS or args.fix or args.diff or args.no_cache:
            return None
        options = {
            key: [str(v) for v in value] if isinstance(value, list) else str(value)
            for key, value in sorted(vars(args).items())
            if key not in _OUTPUT_OPTIONS
        }
        try:
            where = [_FORMAT, __version__, os.getcwd(), options]
            slot = hashlib.sha256(json.dumps(where).encode("utf-8", "surrogatepass")).hexdigest()
            cache = args.cache_dir if args.cache_dir is not None else default_cache_dir(os.environ)
        except (OSError, ValueError, UnicodeError):  # a working folder gone, an unusable name
            return None
        return cls(Path(cache) / FOLDER, slot)

    def _path(self, fmt: str) -> Path:
        return self.folder / f"{self._slot}-{fmt}.json"

    def load(self, fmt: str) -> Replay | None:
        """The stored output in `fmt`, when every probe answers as it did."""
        path = self._path(fmt)
        try:
            if path.stat().st_size > _MAX_BYTES:
                return None
            data = json.loads(path.read_bytes())
            replay = _decode(data)
            probes = data["probes"]
            if data["fixed"] != _fixed_inputs():
                return None
            now = time.time()
            for header, identity in _pairs(probes["pages"]):
                if page_state(header, now) != identity:
                    return None
            for memory, host, until, detail in _hosts(probes["hosts"]):
                if host_state(memory, host, now) != (until, detail):
                    return None
            for name, state in _pairs(probes["folders"]):
                if folder_state(name) != state:
                    return None
            for name, state in _pairs(probes["stats"]):
                if stat_state(name) != state:
                    return None
            for name, state in _pairs(probes["files"]):
                if file_state(name) != state:
                    return None
        except (OSError, ValueError, TypeError, KeyError, RecursionError):
            return None
        mark_used(path)
        return replay

    def save(
        self,
        fmt: str,
        seen: Observations,
        indexes: IndexProbes,
        replay: Replay,
    ) -> None:
        """Store `replay` with the state of everything the check looked at, as it was then."""
        data = {
            "format": _FORMAT,
            "fixed": _fixed_inputs(),
            "probes": {
                "pages": sorted([h, i] for h, i in indexes.pages),
                "hosts": [list(h) for h in indexes.hosts],
                "folders": sorted([f, state] for f, state in seen.folders.items()),
                "files": sorted([f, state] for f, state in seen.files.items()),
                "stats": sorted([f, state] for f, state in seen.stats.items()),
            },
            "text": replay.text,
            "elapsed": replay.elapsed,
            "has_errors": replay.has_errors,
        }
        try:
            encoded = json.dumps(data).encode("utf-8", "surrogatepass")
        except (TypeError, ValueError, UnicodeError):
            return
        store_in_cache(self._path(fmt), encoded)
        prune_unused(self.folder, UNUSED_FOR)


def _decode(data: Any) -> Replay:
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        raise ValueError("another format")
    text, elapsed, has_errors = data["text"], data["elapsed"], data["has_errors"]
    if not isinstance(text, str) or not isinstance(has_errors, bool):
        raise TypeError("not a replay")
    if elapsed is not None and not (isinstance(elapsed, str) and elapsed in text):
        raise TypeError("not a replay")
    if not isinstance(data["fixed"], str) or not isinstance(data["probes"], dict):
        raise TypeError("not a replay")
    return Replay(text, elapsed, has_errors)


def _hosts(data: object) -> list[tuple[str, str, float, str]]:
    if not isinstance(data, list):
        raise TypeError("expected a list")
    found = []
    for item in data:
        if not (isinstance(item, list) and len(item) == 4):
            raise TypeError("expected host records")
        memory, host, until, detail = item
        if not (isinstance(memory, str) and isinstance(host, str) and isinstance(detail, str)):
            raise TypeError("expected host records")
        if not isinstance(until, (int, float)) or isinstance(until, bool):
            raise TypeError("expected host records")
        found.append((memory, host, float(until), detail))
    return found


def _pairs(data: object) -> list[tuple[str, str]]:
    if not isinstance(data, list):
        raise TypeError("expected a list")
    found = []
    for item in data:
        if not (
            isinstance(item, list) and len(item) == 2 and all(isinstance(x, str) for x in item)
        ):
            raise TypeError("expected pairs of strings")
        found.append((item[0], item[1]))
    return found
