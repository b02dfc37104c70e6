"""One line rule for every parser and converter: "\\r\\n", "\\n" or "\\r" end a line, nothing else.

A form feed, U+2028, U+0085 or U+001C in a comment must not move later locations: pip still
splits there (what a line means), the editor does not (where things are)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fletlint.linter.findings import Location
from fletlint.linter.sources.pyproject import TomlLocator
from fletlint.linter.sources.requirements import read_requirements
from fletlint.linter.text_lines import LineIndex, split_lines
from fletlint.lsp import convert

# Characters str.splitlines() breaks at and editors do not.
NOT_LINE_BREAKS = ["\f", "\v", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


def test_only_cr_lf_and_crlf_end_lines() -> None:
    assert split_lines("a\r\nb\nc\rd") == ["a", "b", "c", "d"]
    assert split_lines("a\n") == ["a", ""]
    for char in NOT_LINE_BREAKS:
        assert split_lines(f"a{char}b\nc") == [f"a{char}b", "c"]


def test_a_line_index_maps_offsets_both_ways() -> None:
    index = LineIndex("ab\r\ncd\re\u2028f\n")
    assert index.position(0) == (1, 1)
    assert index.position(4) == (2, 1)
    assert index.position(7) == (3, 1)
    assert index.position(9) == (3, 3)  # U+2028 is a character of line 3
    assert index.offset(3, 3) == 9
    assert index.line_text(2) == "cd"
    assert index.line_text(3) == "e\u2028f"
    assert index.line_text(9) == ""


@pytest.mark.parametrize("char", NOT_LINE_BREAKS)
def test_requirements_after_an_odd_character_in_a_comment_keep_their_line(
    tmp_path: Path, char: str
) -> None:
    path = tmp_path / "requirements.txt"
    text = f"anyio\n# a comment{char}# and more\npydantic==2.12.5\n"
    result = read_requirements(path, texts={path: text})
    [_, pydantic] = result.requirements
    assert pydantic.location == Location(str(path), 3, 1, 3, 17)
    # The converter agrees: LSP line 2, the whole requirement.
    found = convert.to_range(pydantic.location, text)
    assert (found.start.line, found.start.character, found.end.character) == (2, 0, 16)


@pytest.mark.parametrize("char", ["\u2028", "\x85"])
def test_toml_locations_after_an_odd_character_in_a_comment_keep_their_line(char: str) -> None:
    text = f'[project]\n# note{char}more\ndependencies = ["anyio"]\n'
    where = TomlLocator(text, "pyproject.toml").value(("project", "dependencies", 0))
    assert (where.line, where.column) == (3, 18)
