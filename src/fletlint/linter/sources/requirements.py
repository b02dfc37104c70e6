"""Read pip requirements files (`requirements.txt` and the files it includes) with exact locations.

pip-requirements-parser supplies pip's own line handling (continuations, comments) and option table;
it only reads from disk and reports line numbers, so this module feeds it text itself (unsaved
editor buffers must win over the disk) and maps every requirement back to its line and columns.
"""

from __future__ import annotations

import bisect
import functools
import os
import re
import shlex
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pip_requirements_parser as prp
from packaging.requirements import InvalidRequirement, Requirement

from fletlint.linter.findings import InputError, Location
from fletlint.linter.index.urls import redact_text
from fletlint.linter.project_files import read_project_bytes
from fletlint.linter.sources.model import DeclaredRequirement, IndexOptions

__all__ = ["RequirementsResult", "parse_requirement_text", "read_requirements"]

# pip accepts these in front of a URL; anything with them cannot be looked up on an index.
_VCS_PREFIXES = ("git+", "hg+", "svn+", "bzr+")
_URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_ARCHIVE_SUFFIXES = (".whl", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".zip", ".tar")
# Options pip dropped long ago; the parser still knows them only to flag them.
_LEGACY_DESTS = frozenset(
    {"allow_all_external", "allow_external", "allow_unverified", "always_unzip", "no_use_wheel"}
)


@dataclass(frozen=True)
class RequirementsResult:
    requirements: tuple[DeclaredRequirement, ...]
    constraints: tuple[DeclaredRequirement, ...]
    index_options: IndexOptions
    files: tuple[Path, ...]


@dataclass(frozen=True)
class _LogicalLine:
    """One line as pip sees it (continuations joined), with where its characters came from."""

    number: int
    text: str
    # (offset in `text`, line, column) where each physical piece of `text` starts, by offset;
    # line and column are 1-based. One entry per piece, not per character: a 5 MB file stays small.
    pieces: tuple[tuple[int, int, int], ...]

    def _position(self, index: int) -> tuple[int, int]:
        piece = bisect.bisect_right(self.pieces, index, key=lambda p: p[0]) - 1
        start, line, column = self.pieces[max(piece, 0)]
        return line, column + index - start

    def span(self, start: int, end: int, path: str) -> Location:
        """Location of text[start:end]; clamps so a bad offset still points at the line."""
        if not self.text:
            return Location(path=path, line=self.number)
        start = max(0, min(start, len(self.text) - 1))
        end = max(start + 1, min(end, len(self.text)))
        line, column = self._position(start)
        end_line, last_column = self._position(end - 1)
        return Location(path, line, column, end_line, last_column + 1)


def _comment_start(line: str) -> int:
    """Where pip's comment starts in `line` (-1: none): the first `#` that begins the line or
    follows whitespace, as `COMMENT_RE` (`(^|\\s+)(#.*)$`) finds it. The library splits with that
    regular expression, which takes quadratic time on a long run of spaces; this is linear."""
    found = line.find("#")
    while found > 0 and not line[found - 1].isspace():
        found = line.find("#", found + 1)
    return found


def _requirement_part(line: str) -> str:
    """What pip reads as the requirement and options of a logical line: the text before its
    comment, stripped ("" for a comment or blank line), as `split_comments` yields it."""
    cut = _comment_start(line)
    return (line if cut < 0 else line[:cut]).strip()


# What ends a line for str.splitlines(), hence for pip; only the first three end an editor's line.
_PIP_LINE_BREAK = re.compile("\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_EDITOR_LINE_BREAKS = frozenset({"\r\n", "\n", "\r"})


def _pip_lines(content: str) -> Iterator[tuple[str, int, int]]:
    """`content.splitlines()` one line at a time, each with the editor's (line, column) of its
    first character (linter/text_lines.py): pip's lines, the editor's positions."""
    row, column, start = 1, 1, 0
    for found in _PIP_LINE_BREAK.finditer(content):
        yield content[start : found.start()], row, column
        if found.group() in _EDITOR_LINE_BREAKS:
            row, column = row + 1, 1
        else:
            column += found.end() - start
        start = found.end()
    if start < len(content):
        yield content[start:], row, column


def _logical_lines(content: str) -> Iterator[_LogicalLine]:
    """pip_requirements_parser's `join_lines` over `str.splitlines()`, keeping positions.

    A joined line is numbered by its first physical line, as the library numbers it. Lines are
    produced one at a time, in time and memory linear in the text.
    """
    parts: list[str] = []
    pieces: list[tuple[int, int, int]] = []
    size = 0
    primary: int | None = None

    def add(text: str, row: int, column: int) -> None:
        nonlocal size
        if text:
            parts.append(text)
            pieces.append((size, row, column))
            size += len(text)

    def flush(number: int) -> _LogicalLine:
        nonlocal size
        line = _LogicalLine(number, "".join(parts), tuple(pieces))
        parts.clear()
        pieces.clear()
        size = 0
        return line

    for number, (line, row, column) in enumerate(_pip_lines(content), start=1):
        is_comment = line.lstrip().startswith("#")  # COMMENT_RE.match: whitespace, then `#`
        if not line.endswith("\\") or is_comment:
            if is_comment:
                # The library prefixes comment lines with a space; that space exists nowhere.
                add(" ", row, column)
            add(line, row, column)
            yield flush(primary if primary is not None else number)
            primary = None
        else:
            if primary is None:
                primary = number
            # The library strips backslashes at both ends (str.strip("\\")); track the left cut.
            kept = line.strip("\\")
            add(kept, row, column + len(line) - len(line.lstrip("\\")))
    if primary is not None:
        yield flush(primary)


def _read_text(path: Path, texts: Mapping[Path, str], where: Location | None, what: str) -> str:
    key = _key(path)
    for candidate, text in texts.items():
        if _key(candidate) == key:
            return text
    raw = read_project_bytes(path, what=what, where=where)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # pip honours BOMs and `# -*- coding` lines; the library reproduces that.
        return str(prp.auto_decode(raw))
    except (UnicodeDecodeError, LookupError) as exc:
        # Binary junk, or a coding line naming no codec: pip stops here too. Say where.
        bad = exc.start if isinstance(exc, UnicodeDecodeError) else 0
        line = raw.count(b"\n", 0, bad) + 1
        column = bad - (raw.rfind(b"\n", 0, bad) + 1) + 1
        byte = f"byte 0x{raw[bad]:02x}" if bad < len(raw) else "the encoding"
        raise InputError(
            f"cannot decode {what}: {byte} is not UTF-8 nor the file's declared encoding",
            Location(str(path), line, column),
        ) from exc


def _key(path: Path) -> Path:
    return Path(os.path.abspath(path))


@functools.lru_cache(maxsize=4096)
def _requirement(text: str) -> Requirement:
    """packaging's parse of a requirement string, remembered like `_parse_line` (only read)."""
    return Requirement(text)


# The library builds a new optparse parser for every line (a millisecond each: two minutes for a
# 5 MB file) because appended options would accumulate in shared defaults. One parser per thread
# (a parse keeps its state on the parser), with fresh lists for those defaults, parses the same.
_LINE_PARSERS = threading.local()
# Long lines are parsed, not remembered: a language server re-reading an edited file full of them
# would keep every version.
_REMEMBERED_LINE_CHARS = 1000


def _pip_line_parser() -> Any:
    parser = getattr(_LINE_PARSERS, "parser", None)
    if parser is None:
        parser = _LINE_PARSERS.parser = prp.build_parser()
    return parser


def _parse_line_now(text: str) -> tuple[str, Any, list[str]]:
    """`pip_requirements_parser.get_line_parser()(text)`, with one parser reused."""
    parser = _pip_line_parser()
    defaults = parser.get_default_values()
    for name, value in vars(defaults).items():
        if isinstance(value, list):
            setattr(defaults, name, list(value))
    args_text, options_text = _break_args_options(text)
    options, arguments = parser.parse_args(_split_options(options_text), defaults)
    return args_text, options, arguments


def _break_args_options(line: str) -> tuple[str, str]:
    """`pip_requirements_parser.break_args_options`, linear (it pops the head of a list per
    token): the options start at the first space-separated token that starts with `-`."""
    found = line.find("-")
    while found > 0 and line[found - 1] != " ":
        found = line.find("-", found + 1)
    if found < 0:
        return line, ""
    return line[: max(found - 1, 0)], line[found:]


_SHLEX_SPECIAL = re.compile(r"['\"\\]")
_SHLEX_WHITESPACE = re.compile(r"[ \t\r\n]+")


def _split_options(text: str) -> list[str]:
    """`shlex.split(text)`; without quotes or backslashes (`--hash=...` lines), a plain split on
    shlex's whitespace gives the same words, without shlex's character-by-character loop."""
    if _SHLEX_SPECIAL.search(text):
        return shlex.split(text)
    return [word for word in _SHLEX_WHITESPACE.split(text) if word]


_parse_line_remembered = functools.lru_cache(maxsize=4096)(_parse_line_now)


def _parse_line(text: str) -> tuple[str, Any, list[str]]:
    """pip's parser of one logical line, remembered: a language server reads the same lines again
    on every keystroke. The options it returns are only read."""
    if len(text) > _REMEMBERED_LINE_CHARS:
        return _parse_line_now(text)
    return _parse_line_remembered(text)


def _origin(path: Path, root: Path) -> str:
    try:
        return _key(path).relative_to(_key(root)).as_posix()
    except ValueError:
        return str(path)


def _is_url(text: str) -> bool:
    return _URL_RE.match(text) is not None or text.startswith((*_VCS_PREFIXES, "file:"))


def _looks_like_path(text: str) -> bool:
    bare = text.split(";", 1)[0].split("[", 1)[0].strip()
    return (
        bare.startswith((".", "/", "~", "\\"))
        or "/" in bare
        or "\\" in bare
        or bare.lower().endswith(_ARCHIVE_SUFFIXES)
        or re.match(r"^[A-Za-z]:", bare) is not None
    )


def _requirement_error(text: str, exc: InvalidRequirement) -> tuple[str, int]:
    """A one-line message from packaging's error, and the offset its caret points at."""
    lines = str(exc).splitlines()
    offset = 0
    if len(lines) >= 3 and "^" in lines[-1]:
        # packaging indents the echoed requirement and its caret line by four spaces.
        offset = max(0, lines[-1].index("^") - 4)
    reason = lines[0] if lines else str(exc)
    return f"invalid requirement '{text}': {reason}", offset


def parse_requirement_text(
    text: str,
    location: Location,
    origin: str,
    *,
    hashes: tuple[str, ...] = (),
    locate_offset: Callable[[int], Location] | None = None,
) -> DeclaredRequirement:
    """Turn one requirement string into a DeclaredRequirement; raise InputError when malformed.

    Shared with pyproject.toml, where the same strings appear. `locate_offset` maps an offset in
    `text` to a Location, so a syntax error can point at the character packaging complains about.
    """
    try:
        parsed = _requirement(text)
    except InvalidRequirement as exc:
        if _is_url(text):
            reason = "a direct URL; fletlint cannot look it up on a package index"
        elif _looks_like_path(text):
            reason = "a local path; fletlint cannot look it up on a package index"
        else:
            message, offset = _requirement_error(text, exc)
            where = locate_offset(offset) if locate_offset is not None else location
            raise InputError(message, where) from exc
        return DeclaredRequirement(text, location, origin, None, reason, hashes=hashes)
    if parsed.url is not None:
        reason = f"'{parsed.name}' comes from a direct URL; fletlint cannot look it up on an index"
        return DeclaredRequirement(text, location, origin, None, reason, hashes=hashes)
    return DeclaredRequirement(text, location, origin, parsed, hashes=hashes)


class _Reader:
    def __init__(self, root: Path, texts: Mapping[Path, str]) -> None:
        self.root = root
        self.texts = texts
        self.requirements: list[DeclaredRequirement] = []
        self.constraints: list[DeclaredRequirement] = []
        self.files: list[Path] = []
        self.seen: set[tuple[Path, bool]] = set()
        self.index_url: str | None = None
        self.extra_index_urls: list[str] = []
        self.find_links: list[str] = []
        self.no_index = False

    def read(
        self,
        path: Path,
        *,
        constraint: bool,
        stack: tuple[Path, ...],
        where: Location | None,
    ) -> None:
        key = _key(path)
        if key in stack:
            chain = " -> ".join(_origin(p, self.root) for p in (*stack, key))
            raise InputError(f"requirements files include each other: {chain}", where)
        if (key, constraint) in self.seen:
            # pip would read a file included twice twice; once is enough to know what it asks for.
            return
        what = "constraints file" if constraint else "requirements file"
        content = _read_text(path, self.texts, where, what)
        self.seen.add((key, constraint))
        if path not in self.files:
            self.files.append(path)
        parse_line = _parse_line
        origin = _origin(path, self.root)
        for logical in _logical_lines(content):
            text = _requirement_part(logical.text)
            if not text:
                continue
            text_start = len(logical.text) - len(logical.text.lstrip())
            line_location = logical.span(text_start, text_start + len(text), str(path))
            try:
                req_string, options, arguments = parse_line(text)
            except prp.OptionParsingError as exc:
                message = str(exc.msg).replace("pip_requirements_parser: error: ", "").strip()
                raise InputError(message, line_location) from exc
            except ValueError as exc:  # shlex: unbalanced quotes in the options part
                raise InputError(f"cannot parse line: {exc}", line_location) from exc
            self._check_legacy(options, line_location)
            if req_string.strip():
                self._requirement(
                    req_string.strip(), options, logical, text_start, path, origin, constraint
                )
            elif options.editables:
                self._editable(
                    options.editables, logical, text_start, text, path, origin, constraint
                )
            else:
                if arguments:
                    raise InputError(
                        f"unexpected text after an option: {' '.join(arguments)}", line_location
                    )
                self._options(options, path, logical, text_start, text, constraint, (*stack, key))

    def _check_legacy(self, options: Any, where: Location) -> None:
        for dest in _LEGACY_DESTS:
            if getattr(options, dest, None):
                flag = prp.OPT_BY_OPTIONS_DEST.get(dest, dest)
                raise InputError(f"{flag} is a legacy option that pip no longer supports", where)

    def _add(self, declared: DeclaredRequirement, constraint: bool) -> None:
        (self.constraints if constraint else self.requirements).append(declared)

    def _requirement(
        self,
        req_string: str,
        options: Any,
        logical: _LogicalLine,
        start: int,
        path: Path,
        origin: str,
        constraint: bool,
    ) -> None:
        location = logical.span(start, start + len(req_string), str(path))
        hashes = tuple(options.hashes or ())
        declared = parse_requirement_text(
            req_string,
            location,
            origin,
            hashes=hashes,
            locate_offset=lambda offset: logical.span(
                start + offset, start + len(req_string), str(path)
            ),
        )
        # Global options (e.g. --no-binary) after a requirement are ignored by pip; so here.
        self._add(declared, constraint)

    def _editable(
        self,
        editables: list[str],
        logical: _LogicalLine,
        start: int,
        text: str,
        path: Path,
        origin: str,
        constraint: bool,
    ) -> None:
        for value in editables:
            found = text.find(value)
            if found < 0:
                # Quoted on the line (shlex removed the quotes): underline the whole line.
                location = logical.span(start, start + len(text), str(path))
            else:
                location = logical.span(start + found, start + found + len(value), str(path))
            reason = "an editable install (-e); fletlint cannot look it up on a package index"
            self._add(DeclaredRequirement(value, location, origin, None, reason), constraint)

    def _options(
        self,
        options: Any,
        path: Path,
        logical: _LogicalLine,
        start: int,
        text: str,
        constraint: bool,
        stack: tuple[Path, ...],
    ) -> None:
        def where(value: str) -> Location:
            found = text.rfind(value)
            if found < 0:
                return logical.span(start, start + len(text), str(path))
            return logical.span(start + found, start + found + len(value), str(path))

        if options.index_url:
            self.index_url = options.index_url.lstrip("=")
        for url in options.extra_index_urls or ():
            self.extra_index_urls.append(url.lstrip("="))
        for link in options.find_links or ():
            link = link.lstrip("=")
            if not _is_url(link):
                # pip resolves a relative --find-links against the requirements file's folder.
                link = os.path.normpath(os.path.join(_key(path).parent, os.path.expanduser(link)))
            self.find_links.append(link)
        if options.no_index:
            self.no_index = True
        nested = [(v, False) for v in options.requirements or ()]
        nested += [(v, True) for v in options.constraints or ()]
        for value, is_constraint in nested:
            value = value.lstrip("=")
            location = where(value)
            if _is_url(value):
                raise InputError(
                    f"remote requirements files are not supported: '{redact_text(value)}'", location
                )
            # pip: -r inside a constraints file still lists requirements, and -c constraints.
            self.read(path.parent / value, constraint=is_constraint, stack=stack, where=location)


def read_requirements(
    path: Path,
    *,
    texts: Mapping[Path, str] | None = None,
    root: Path | None = None,
) -> RequirementsResult:
    """Read a requirements file and every file it includes with -r / -c.

    `texts` maps paths to unsaved editor contents that replace what is on disk.
    `root` (default: the file's folder) is what `origin` names are relative to.
    """
    reader = _Reader(root if root is not None else path.parent, texts or {})
    reader.read(path, constraint=False, stack=(), where=None)
    return RequirementsResult(
        requirements=tuple(reader.requirements),
        constraints=tuple(reader.constraints),
        index_options=IndexOptions(
            index_url=reader.index_url,
            extra_index_urls=tuple(reader.extra_index_urls),
            find_links=tuple(reader.find_links),
            no_index=reader.no_index,
        ),
        files=tuple(reader.files),
    )
