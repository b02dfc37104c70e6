"""Findings the user asked not to see: `per-file-ignores` globs and `# fletlint: ignore` comments.

Both act after the rules ran, on the findings' locations, so a rule never needs to know about
them and every front end (CLI, language server, pre-commit) hides the same findings.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

from fletlint.linter.findings import Finding
from fletlint.linter.observed import saw_file
from fletlint.linter.text_lines import split_lines

__all__ = ["apply_suppressions", "comment_codes", "glob_matches"]

# `# fletlint: ignore` or `# fletlint: ignore[FL001, FL002]`, anywhere in a line's comment.
_COMMENT = re.compile(r"#.*?\bfletlint\s*:\s*ignore\b(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)

ALL = frozenset({"*"})


def comment_codes(line: str) -> frozenset[str] | None:
    """The codes a line's `# fletlint: ignore[...]` names; ALL for a bare one; None without one."""
    match = _COMMENT.search(line)
    if match is None:
        return None
    listed = match.group("codes")
    if listed is None:
        return ALL
    codes = frozenset(c.strip().upper() for c in listed.split(",") if c.strip())
    # `ignore[]` names nothing; reading it as "everything" would hide more than was written.
    return codes


def _covers(codes: Iterable[str], code: str) -> bool:
    # A prefix counts, as in `select`/`ignore`: `FL1` covers FL101-FL103.
    return any(c == "*" or code.startswith(c) for c in codes)


@lru_cache(maxsize=256)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob as a regex: `*` and `?` stay inside one folder, `**/` spans any number of them."""
    out = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = pattern[i + 1 : end]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = end
        else:
            out.append(re.escape(char))
        i += 1
    return re.compile("".join(out) + r"\Z")


def glob_matches(pattern: str, path: str) -> bool:
    """Whether a `/`-separated relative `path` matches `pattern`.

    A pattern without a `/` also matches the file name alone, as in ruff and .gitignore, so
    `requirements*.txt` covers the requirements files of every folder.
    """
    pattern = pattern.replace(os.sep, "/").removeprefix("./")
    regex = _glob_regex(pattern)
    if regex.match(path):
        return True
    return "/" not in pattern and regex.match(path.rsplit("/", 1)[-1]) is not None


def _relative(path: str, root: Path) -> tuple[str, str]:
    """(path relative to the root, absolute path), both with `/` separators."""
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute, os.path.abspath(root))
    except ValueError:  # another drive on Windows
        relative = absolute
    return relative.replace(os.sep, "/"), absolute.replace(os.sep, "/")


def _per_file_ignored(
    finding: Finding, root: Path, per_file: Sequence[tuple[str, tuple[str, ...]]]
) -> bool:
    if finding.location is None or not per_file:
        return False
    relative, absolute = _relative(finding.location.path, root)
    for pattern, codes in per_file:
        target = absolute if os.path.isabs(pattern) else relative
        if _covers(codes, finding.code) and glob_matches(pattern, target):
            return True
    return False


def _line_reader(texts: Mapping[Path, str]) -> Callable[[str, int], str]:
    """A (path, 1-based line) → text reader that prefers unsaved editor texts and reads once."""
    overrides = {os.path.abspath(p): t for p, t in texts.items()}
    cache: dict[str, list[str]] = {}

    def line(path: str, number: int) -> str:
        key = os.path.abspath(path)
        if key not in cache:
            text = overrides.get(key)
            if text is None:
                saw_file(key)
                try:
                    text = Path(key).read_text(encoding="utf-8", errors="replace")
                except OSError:
                    text = ""
            cache[key] = split_lines(text)
        lines = cache[key]
        return lines[number - 1] if 0 < number <= len(lines) else ""

    return line


def apply_suppressions(
    findings: Iterable[Finding],
    root: Path,
    *,
    per_file_ignores: Sequence[tuple[str, tuple[str, ...]]] = (),
    texts: Mapping[Path, str] | None = None,
) -> list[Finding]:
    """The findings left after `per-file-ignores` and the `# fletlint: ignore` comments.

    A comment counts on any line of the finding's range: a requirement continued with `\\` has
    its comment on the last line.
    """
    line = _line_reader(texts or {})
    kept = []
    for finding in findings:
        if _per_file_ignored(finding, root, per_file_ignores):
            continue
        loc = finding.location
        if loc is not None:
            last = max(loc.line, loc.end_line or loc.line)
            if last > loc.line and loc.end_column == 1:
                last -= 1  # the range ends at the start of the next line: not on it
            if any(
                (codes := comment_codes(line(loc.path, n))) is not None
                and _covers(codes, finding.code)
                for n in range(loc.line, last + 1)
            ):
                continue
        kept.append(finding)
    return kept
