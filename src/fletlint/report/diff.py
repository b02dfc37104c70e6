"""Unified diffs of the files `--diff` would change, as `git diff` and ruff print them."""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from pathlib import Path


def _name(path: Path, root: Path) -> str:
    try:
        return os.path.relpath(path, root)
    except ValueError:  # another drive on Windows
        return str(path)


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
                (old or "").splitlines(keepends=True),
                new.splitlines(keepends=True),
                fromfile="/dev/null" if old is None else f"a/{name}",
                tofile=f"b/{name}",
            )
        )
    # A last line without a newline would run into the next file's header.
    return "".join(
        c if c.endswith("\n") else c + "\n\\ No newline at end of file\n" for c in chunks
    )
