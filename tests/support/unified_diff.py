"""Reading a unified diff back the way `patch` does, to check that `--diff` output is well-formed.

Lines are split at `\\n` only; each hunk's line counts must match its header; applying the hunks
to the old text must give the new one.
"""

from __future__ import annotations

import re

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def _lines(text: str) -> list[str]:
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def apply_one_file(diff: str, old: str) -> str:
    """Apply a one-file unified diff to `old`; AssertionError when the diff is malformed."""
    lines = diff.split("\n")
    assert lines[-1] == "", "a diff ends with a newline"
    lines = lines[:-1]
    assert lines[0].startswith(("--- a/", "--- /dev/null")), lines[0]
    assert lines[1].startswith("+++ b/"), lines[1]
    source = _lines(old)
    result: list[str] = []
    at = 0  # lines of `source` consumed
    i = 2
    while i < len(lines):
        match = _HUNK.match(lines[i])
        assert match is not None, f"not a hunk header: {lines[i]!r}"
        start = int(match.group(1))
        old_count = int(match.group(2) or "1")
        new_count = int(match.group(4) or "1")
        begin = start - 1 if old_count else start
        result += source[at:begin]
        at = begin
        i += 1
        seen_old = seen_new = 0
        while i < len(lines) and not lines[i].startswith("@@"):
            line = lines[i]
            kind, body = line[:1], line[1:]
            nonl = i + 1 < len(lines) and lines[i + 1] == "\\ No newline at end of file"
            text = body if nonl else body + "\n"
            if kind == " ":
                assert source[at] == text, (source[at], text)
                result.append(text)
                at += 1
                seen_old += 1
                seen_new += 1
            elif kind == "-":
                assert source[at] == text, (source[at], text)
                at += 1
                seen_old += 1
            elif kind == "+":
                result.append(text)
                seen_new += 1
            else:
                raise AssertionError(f"not a diff line: {line!r}")
            i += 2 if nonl else 1
        assert (seen_old, seen_new) == (old_count, new_count), (lines, seen_old, seen_new)
    result += source[at:]
    return "".join(result)
