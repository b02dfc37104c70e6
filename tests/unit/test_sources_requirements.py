from __future__ import annotations

from pathlib import Path

import pytest

from fletlint.linter.findings import InputError, Location
from fletlint.linter.sources.requirements import read_requirements


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
