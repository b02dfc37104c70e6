"""Text helpers shared by the fix builders and the applier: positions, file reads, TOML edits.

Edits are ranges in the file's text as it is on disk (or in an editor buffer), so everything
here works on exact strings: no newline translation, no BOM.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fletlint.linter.findings import Edit, Location
from fletlint.linter.observed import saw_file

if TYPE_CHECKING:
    # tomlkit is imported where a TOML edit is made: a check without one never loads it.
    import tomlkit
    from tomlkit.items import Array, Table

Texts = Mapping[Path, str]
BOM = "\ufeff"


def key(path: str | Path) -> Path:
    return Path(os.path.abspath(path))


def read_text(path: str | Path, texts: Texts | None = None) -> str | None:
    """The file's text (an unsaved buffer wins), without a BOM; None when it does not exist."""
    wanted = key(path)
    for candidate, text in (texts or {}).items():
        if key(candidate) == wanted:
            return text.removeprefix(BOM)
    saw_file(path)
    try:
        raw = Path(path).read_bytes()
        # Decoding bytes (not read_text) keeps "\r\n" as written, so columns match the sources'.
        return raw.decode("utf-8").removeprefix(BOM)
    except (OSError, UnicodeDecodeError):
        # Missing or not UTF-8: no edit is offered for it (a fix must never garble a file).
        return None


def line_starts(text: str) -> list[int]:
    starts = [0]
    for i, char in enumerate(text):
        if char == "\n":
            starts.append(i + 1)
    return starts


def to_offset(text: str, line: int, column: int, starts: list[int] | None = None) -> int:
    """Offset of a 1-based (line, column); the line after the last one is the end of the text."""
    starts = starts if starts is not None else line_starts(text)
    if line > len(starts):
        return len(text)
    return min(starts[line - 1] + column - 1, len(text))


def to_position(text: str, offset: int) -> tuple[int, int]:
    starts = line_starts(text)
    line = max(i for i, start in enumerate(starts) if start <= offset)
    return line + 1, offset - starts[line] + 1


def span(text: str, location: Location) -> tuple[int, int]:
    """Character offsets of a location; without an end it covers its whole line."""
    starts = line_starts(text)
    start = to_offset(text, location.line, location.column, starts)
    if location.end_line is None:
        return start, to_offset(text, location.line + 1, 1, starts)
    return start, to_offset(text, location.end_line, location.end_column or 1, starts)


def newline_of(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def minimal_edit(path: str, old: str, new: str) -> Edit | None:
    """One edit covering the lines that differ between two versions of a file.

    tomlkit rewrites a document; the edit keeps only what changed, so an editor or a diff shows
    the change alone, and two fixes to different parts of one file do not overlap.
    """
    if old == new:
        return None
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    prefix = 0
    while prefix < min(len(old_lines), len(new_lines)) and old_lines[prefix] == new_lines[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < min(len(old_lines), len(new_lines)) - prefix
        and old_lines[-1 - suffix] == new_lines[-1 - suffix]
    ):
        suffix += 1
    start = sum(len(x) for x in old_lines[:prefix])
    end = len(old) - sum(len(x) for x in old_lines[len(old_lines) - suffix :])
    replacement = "".join(new_lines[prefix : len(new_lines) - suffix])
    line, column = to_position(old, start)
    end_line, end_column = to_position(old, end)
    return Edit(Location(path, line, column, end_line, end_column), replacement)


def toml_edit(
    path: str | Path, texts: Texts | None, change: Callable[[tomlkit.TOMLDocument], None]
) -> Edit | None:
    """Apply a structural change with tomlkit (comments and layout kept), as one minimal edit.

    A file that does not exist yet starts empty: the edit then creates it.
    """
    import tomlkit

    old = read_text(path, texts)
    document = tomlkit.parse(old or "")
    change(document)
    return minimal_edit(str(path), old or "", tomlkit.dumps(document))


def table(container: Any, *names: str) -> Table:
    """The table at `names` under `container`, created (as `[a.b]`, not inline) when missing."""
    import tomlkit
    from tomlkit.items import Table

    current = container
    for i, name in enumerate(names):
        found = current.get(name)
        if found is None:
            # Intermediate tables are "super tables": only `[tool.flet]` appears, not `[tool]`.
            found = tomlkit.table(is_super_table=i < len(names) - 1)
            current[name] = found
        current = found
    if not isinstance(current, Table):
        raise TypeError(f"{'.'.join(names)} is not a table")
    return current


def array(container: Table, name: str) -> Array:
    import tomlkit
    from tomlkit.items import Array

    found = container.get(name)
    if found is None:
        found = tomlkit.array()
        container[name] = found
    if not isinstance(found, Array):
        raise TypeError(f"{name} is not an array")
    return found


def toml_string_body(new_text: str, quote: str) -> str:
    """`new_text` written inside an existing TOML string delimited by `quote`."""
    if quote == "'" and "'" not in new_text:
        return new_text
    return new_text.replace("\\", "\\\\").replace('"', '\\"')
