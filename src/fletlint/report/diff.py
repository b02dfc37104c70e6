"""Unified diffs of the files `--diff` would change, as `git diff` and ruff print them.

Well-formed whatever the files hold: lines are split at `\\n` only (as `patch` and git read them),
so a U+2028, a form feed or a lone `\\r` inside a line stays inside it instead of starting a line
the diff never accounted for; file names with control characters are escaped; and every line goes
through the one redaction function, so a context line with `https://user:password@` prints none.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from pathlib import Path

from fletlint.linter.index.urls import redact_text
from fletlint.linter.project_files import display_path


def _name(path: Path, root: Path) -> str:
    try:
        return display_path(os.path.relpath(path, root))
    except ValueError:  # another drive on Windows
        return display_path(path)


def _lines(text: str) -> list[str]:
    """`text` cut after each `\\n` and nowhere else (str.splitlines also cuts at \\r, \\x0c,
    \\x1c-\\x1e, \\x85, U+2028 and U+2029, which `patch` does not)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def render(originals: Mapping[Path, str | None], texts: Mapping[Path, str], root: Path) -> str:
    chunks: list[str] = []
    for path in sorted(texts):
        old = originals.get(path)
        new = texts[path]
        if new == (old or ""):
            continue
        name = _name(path, root)
        chunks.extend(
            difflib.unified_diff(
                _lines(old or ""),
                _lines(new),
                fromfile="/dev/null" if old is None else f"a/{name}",
                tofile=f"b/{name}",
            )
        )
    # A last line without a newline would run into the next file's header.
    return "".join(
        redact_text(c) if c.endswith("\n") else redact_text(c) + "\n\\ No newline at end of file\n"
        for c in chunks
    )
