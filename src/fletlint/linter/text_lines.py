"""Lines as editors count them: the one rule every parser and converter uses for locations.

A line ends at "\\r\\n", "\\n" or "\\r" and nowhere else. That is the Language Server Protocol's
rule, Python's for source files (so libcst's positions agree) and, for valid documents, TOML's.
`str.splitlines()` also breaks at \\v, \\f, \\x1c-\\x1e, \\x85, U+2028 and U+2029: a form feed in a
requirements comment would then put every later location one line off in the editor.

What a line *means* may still follow another rule (pip reads requirements files with
`splitlines()`, so a form feed does end a requirement there); only where things are is counted
here.
"""

from __future__ import annotations

import bisect
import re

LINE_BREAK = re.compile(r"\r\n|\n|\r")


def split_lines(text: str) -> list[str]:
    """The lines of `text` without their breaks (a text ending in a break has an empty last
    line, as with str.split)."""
    return LINE_BREAK.split(text)


class LineIndex:
    """Character offsets of a text ⇄ 1-based (line, column), columns counted in characters."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0, *(m.end() for m in LINE_BREAK.finditer(text))]

    @property
    def count(self) -> int:
        return len(self.starts)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset (clamped to the text)."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def offset(self, line: int, column: int = 1) -> int:
        """The character offset of a 1-based (line, column), clamped to the text."""
        line = max(1, min(line, len(self.starts)))
        return min(self.starts[line - 1] + max(column, 1) - 1, len(self.text))

    def line_text(self, line: int) -> str:
        """Line `line` (1-based) without its break; "" past the end."""
        if not 0 < line <= len(self.starts):
            return ""
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        return LINE_BREAK.sub("", self.text[start:end], count=1)
