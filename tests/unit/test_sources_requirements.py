from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pip_requirements_parser as prp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fletlint.linter.findings import InputError, Location
from fletlint.linter.sources.requirements import (
    _break_args_options,
    _logical_lines,
    _parse_line_now,
    _requirement_part,
    _split_options,
    read_requirements,
)
from fletlint.linter.text_lines import split_lines


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_plain_requirement_with_extras_marker_and_comment(tmp_path: Path) -> None:
    req = write(
        tmp_path / "requirements.txt",
        '# header\n  requests[socks]>=2.0 ; python_version >= "3.8"  # why\n',
    )
    result = read_requirements(req)
    (only,) = result.requirements
    assert only.text == 'requests[socks]>=2.0 ; python_version >= "3.8"'
    assert only.requirement is not None
    assert only.requirement.extras == {"socks"}
    assert str(only.requirement.marker) == 'python_version >= "3.8"'
    assert only.location == Location(str(req), 2, 3, 2, 49)
    assert only.origin == "requirements.txt"
    assert only.uncheckable_reason is None
    assert result.files == (req,)


def test_hashes_and_line_continuations(tmp_path: Path) -> None:
    req = write(
        tmp_path / "requirements.txt",
        "flet==0.28.3 \\\n    --hash=sha256:aaa \\\n    --hash=sha256:bbb\nnumpy\n",
    )
    first, second = read_requirements(req).requirements
    assert first.text == "flet==0.28.3"
    assert first.hashes == ("sha256:aaa", "sha256:bbb")
    # The location covers the requirement only, not the --hash options.
    assert first.location == Location(str(req), 1, 1, 1, 13)
    assert second.location.line == 4


def test_requirement_split_over_lines_maps_back_to_both_lines(tmp_path: Path) -> None:
    req = write(tmp_path / "requirements.txt", "pydantic\\\n>=2,<3\n")
    (only,) = read_requirements(req).requirements
    assert only.text == "pydantic>=2,<3"
    assert only.location == Location(str(req), 1, 1, 2, 7)


@pytest.mark.parametrize(
    ("line", "reason_part", "column", "end_column"),
    [
        ("bar @ https://example.com/bar-1.0-py3-none-any.whl", "direct URL", 1, 51),
        ("https://example.com/baz-1.0.tar.gz", "direct URL", 1, 35),
        ("git+https://github.com/x/y.git@main#egg=y", "direct URL", 1, 42),
        ("./vendor/pkg", "local path", 1, 13),
        ("../wheels/thing-1.0-py3-none-any.whl", "local path", 1, 37),
        ("-e ./local", "editable", 4, 11),
        ("--editable git+https://github.com/a/b.git#egg=b", "editable", 12, 48),
    ],
)
def test_uncheckable_forms(
    tmp_path: Path, line: str, reason_part: str, column: int, end_column: int
) -> None:
    req = write(tmp_path / "requirements.txt", line + "\n")
    (only,) = read_requirements(req).requirements
    assert only.requirement is None
    assert only.uncheckable_reason is not None
    assert reason_part in only.uncheckable_reason
    assert (only.location.column, only.location.end_column) == (column, end_column)


def test_index_options(tmp_path: Path) -> None:
    req = write(
        tmp_path / "sub" / "requirements.txt",
        "--index-url https://first.example/simple\n"
        "-i https://idx.example/simple\n"
        "--extra-index-url=https://pypi.flet.dev\n"
        "--extra-index-url https://extra.example\n"
        "-f ./wheels\n"
        "--find-links https://links.example/\n"
        "--no-index\n"
        "flet\n",
    )
    result = read_requirements(req)
    options = result.index_options
    assert options.index_url == "https://idx.example/simple"
    assert options.extra_index_urls == ("https://pypi.flet.dev", "https://extra.example")
    # Relative find-links are relative to the requirements file, not the working directory.
    assert options.find_links == (
        str((tmp_path / "sub" / "wheels").absolute()),
        "https://links.example/",
    )
    assert options.no_index is True
    assert [r.text for r in result.requirements] == ["flet"]


def test_nested_requirements_and_constraints_relative_to_including_file(tmp_path: Path) -> None:
    top = write(
        tmp_path / "requirements.txt", "-r reqs/base.txt\n--constraint reqs/pins.txt\nflet\n"
    )
    base = write(tmp_path / "reqs" / "base.txt", "-r more/extra.txt\nrequests\n")
    extra = write(tmp_path / "reqs" / "more" / "extra.txt", "httpx\n")
    pins = write(tmp_path / "reqs" / "pins.txt", "requests<3\n")
    result = read_requirements(top)
    assert [r.text for r in result.requirements] == ["httpx", "requests", "flet"]
    assert [r.origin for r in result.requirements] == [
        "reqs/more/extra.txt",
        "reqs/base.txt",
        "requirements.txt",
    ]
    assert [r.text for r in result.constraints] == ["requests<3"]
    assert result.constraints[0].location == Location(str(pins), 1, 1, 1, 11)
    assert result.files == (top, base, extra, pins)


def test_cycle_is_reported_at_the_including_line(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "flet\n-r b.txt\n")
    b = write(tmp_path / "b.txt", "\n-r a.txt\n")
    with pytest.raises(InputError) as info:
        read_requirements(tmp_path / "a.txt")
    assert "include each other: a.txt -> b.txt -> a.txt" in info.value.message
    assert info.value.location == Location(str(b), 2, 4, 2, 9)


def test_missing_nested_file(tmp_path: Path) -> None:
    req = write(tmp_path / "requirements.txt", "flet\n-r nope.txt\n")
    with pytest.raises(InputError) as info:
        read_requirements(req)
    assert "cannot read requirements file" in info.value.message
    assert info.value.location == Location(str(req), 2, 4, 2, 12)


def test_missing_top_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read requirements file"):
        read_requirements(tmp_path / "requirements.txt")


def test_invalid_requirement_points_at_the_problem(tmp_path: Path) -> None:
    req = write(tmp_path / "requirements.txt", "flet\n  pydantic>=>2\n")
    with pytest.raises(InputError) as info:
        read_requirements(req)
    assert info.value.message.startswith("invalid requirement 'pydantic>=>2': Expected")
    assert info.value.location is not None
    assert info.value.location.line == 2
    # packaging's caret is after the name: column 3 + len("pydantic").
    assert info.value.location.column == 11


def test_unknown_option(tmp_path: Path) -> None:
    req = write(tmp_path / "requirements.txt", "flet\n--bogus-option\n")
    with pytest.raises(InputError) as info:
        read_requirements(req)
    assert info.value.message == "no such option: --bogus-option"
    assert info.value.location == Location(str(req), 2, 1, 2, 15)


def test_unsaved_texts_override_disk_including_nested_files(tmp_path: Path) -> None:
    top = write(tmp_path / "requirements.txt", "old-top\n")
    nested = write(tmp_path / "nested.txt", "old-nested\n")
    unsaved_only = tmp_path / "unsaved.txt"
    texts = {
        top: "-r nested.txt\n-r unsaved.txt\nnew-top\n",
        nested: "\n\nnew-nested\n",
        unsaved_only: "brand-new\n",
    }
    result = read_requirements(top, texts=texts)
    assert [r.text for r in result.requirements] == ["new-nested", "brand-new", "new-top"]
    # Locations refer to the real paths and the buffer's lines.
    assert result.requirements[0].location == Location(str(nested), 3, 1, 3, 11)
    assert result.requirements[1].location.path == str(unsaved_only)


def test_global_option_after_requirement_is_ignored_like_pip(tmp_path: Path) -> None:
    req = write(tmp_path / "requirements.txt", "numpy --no-binary :all:\n")
    (only,) = read_requirements(req).requirements
    assert only.text == "numpy"
    assert only.location.end_column == 6


def test_origin_relative_to_given_root(tmp_path: Path) -> None:
    req = write(tmp_path / "reqs" / "requirements.txt", "flet\n")
    (only,) = read_requirements(req, root=tmp_path).requirements
    assert only.origin == "reqs/requirements.txt"


# pip_requirements_parser is the oracle for how lines are joined, split from their comments and
# parsed; the reader has linear versions of those steps (the library's are quadratic on long runs
# of spaces or tokens, and build a parser per line). Texts made of the characters that matter.
_PIECES = st.sampled_from(
    [
        "six",
        "a",
        "x#y",
        "#",
        " # c",
        " ",
        "\t",
        "\xa0",
        "\u3000",
        "\\",
        "\\\\",
        "-",
        "--hash=h",
        " --hash=sha256:ab",
        "-e ./x",
        "-r r.txt",
        "--pre",
        "'",
        '"',
        "==1",
        "[x]",
        " ; os_name=='nt'",
        "\n",
        "\r\n",
        "\r",
        "\x0c",
        "\x0b",
        "\x1c",
        "\x85",
        "\u2028",
        "\u2029",
    ]
)
_TEXTS = st.lists(_PIECES, max_size=24).map("".join)
_EXAMPLES = settings(max_examples=400, deadline=None, database=None)


@_EXAMPLES
@given(text=_TEXTS)
def test_lines_and_comments_split_as_the_library_splits_them(text: str) -> None:
    expected = [
        (item.line_number, item.line)
        for item in prp.preprocess(text)
        if not isinstance(item, prp.CommentLine)
    ]
    ours = [(line.number, _requirement_part(line.text)) for line in _logical_lines(text)]
    assert [(number, part) for number, part in ours if part] == expected


@_EXAMPLES
@given(text=_TEXTS)
def test_every_character_of_a_logical_line_maps_to_itself_in_the_editor(text: str) -> None:
    editor_lines = split_lines(text)
    for line in _logical_lines(text):
        for index, char in enumerate(line.text):
            where = line.span(index, index + 1, "r.txt")
            assert where.end_line == where.line and where.end_column == where.column + 1
            found = editor_lines[where.line - 1][where.column - 1]
            # The one character that exists nowhere: the space the library puts before a comment
            # line; it is placed where the comment line starts, with the line's first character.
            after = line.span(index + 1, index + 2, "r.txt")
            synthetic = (
                char == " "
                and index + 1 < len(line.text)
                and (after.line, after.column) == (where.line, where.column)
            )
            assert found == char or synthetic, (index, line)


def _library_parse(text: str) -> Any:
    try:
        req, options, arguments = prp.get_line_parser()(text)
    except prp.OptionParsingError as exc:
        return ("error", exc.msg)
    except ValueError as exc:
        return ("error", str(exc))
    return req, vars(options), arguments


def _our_parse(text: str) -> Any:
    try:
        req, options, arguments = _parse_line_now(text)
    except prp.OptionParsingError as exc:
        return ("error", exc.msg)
    except ValueError as exc:
        return ("error", str(exc))
    return req, vars(options), arguments


@_EXAMPLES
@given(text=st.lists(_PIECES.filter(lambda p: p not in "\r\n"), max_size=12).map(" ".join))
def test_one_reused_option_parser_parses_as_a_new_parser_per_line(text: str) -> None:
    # The same text twice: options appended on the first parse must not leak into the second.
    assert _our_parse(text) == _library_parse(text)
    assert _our_parse(text) == _library_parse(text)
    assert _break_args_options(text) == prp.break_args_options(text)
    expected: Any
    try:
        expected = shlex.split(text)
    except ValueError as exc:
        expected = str(exc)
    try:
        assert _split_options(text) == expected
    except ValueError as exc:
        assert str(exc) == expected


def test_a_requirement_after_a_long_run_of_spaces_keeps_its_column(tmp_path: Path) -> None:
    # The library's comment split takes quadratic time on such a run; this one is linear.
    req = write(tmp_path / "requirements.txt", "six" + " " * 20_000 + "# why\n\\\n  numpy\n")
    first, second = read_requirements(req).requirements
    assert (first.text, first.location) == ("six", Location(str(req), 1, 1, 1, 4))
    assert (second.text, second.location) == ("numpy", Location(str(req), 3, 3, 3, 8))
