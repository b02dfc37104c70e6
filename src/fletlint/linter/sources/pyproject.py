"""Read the dependency-related parts of pyproject.toml, with the location of every value.

tomllib decodes TOML but forgets where values were; `TomlLocator` rescans the (already valid) text
and records the span of each value and key/value entry by its key path, so findings can point at
the exact dependency string an editor shows.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name

from fletlint.linter.findings import InputError, Location
from fletlint.linter.flet_model.releases import FletRules
from fletlint.linter.project_files import read_project_text
from fletlint.linter.sources.model import DeclaredRequirement, DroppedExtras
from fletlint.linter.sources.requirements import parse_requirement_text
from fletlint.linter.text_lines import LineIndex, split_lines

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    # tomli is the stdlib tomllib before 3.11; it may be absent where mypy runs.
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = [
    "MOBILE_PLATFORMS",
    "PLATFORMS",
    "FletTable",
    "PlatformValue",
    "PyprojectResult",
    "TomlLocator",
    "apply_dev_packages",
    "poetry_constraint",
    "read_pyproject",
]

# `[tool.flet.<platform>]` tables flet build reads; other subtables (app, splash, …) are settings.
PLATFORMS = ("android", "ios", "macos", "windows", "linux", "web")
# The platforms fletlint checks; a platform-only dev_packages entry splits a dependency over them.
MOBILE_PLATFORMS = ("android", "ios")

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class _Span:
    start: int
    end: int


class TomlLocator:
    """Where each value of a TOML document is, by key path (array items by index).

    `value(path)` covers a string's contents (inside the quotes) or a whole non-string value;
    `entry(path)` covers `key = value` (or a `[table]` header). Paths are absolute, e.g.
    ("project", "dependencies", 0). Only meant for documents tomllib accepted; on text it cannot
    follow it stops, and lookups fall back to the nearest known parent.
    """

    def __init__(self, text: str, path: str) -> None:
        self._text = text
        self._path = path
        self._lines = LineIndex(text)
        self._values: dict[KeyPath, _Span] = {}
        self._entries: dict[KeyPath, _Span] = {}
        self._aot: dict[KeyPath, int] = {}
        self._i = 0
        # On syntax it cannot follow, keep what was found; lookups degrade to parents.
        with contextlib.suppress(IndexError, ValueError):
            self._document()

    # --- lookups -------------------------------------------------------------------------------

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        return self._lines.position(offset)

    def _location(self, span: _Span) -> Location:
        line, column = self.position(span.start)
        end_line, end_column = self.position(span.end)
        return Location(self._path, line, column, end_line, end_column)

    def _lookup(self, table: dict[KeyPath, _Span], path: KeyPath) -> Location:
        for size in range(len(path), 0, -1):
            span = table.get(path[:size]) or self._entries.get(path[:size])
            if span is not None:
                return self._location(span)
        return Location(self._path, 1)

    def value(self, path: KeyPath) -> Location:
        return self._lookup(self._values, path)

    def entry(self, path: KeyPath) -> Location:
        return self._lookup(self._entries, path)

    def offset_in_value(self, path: KeyPath, offset: int) -> Location:
        """Location of character `offset` inside a single-line string value (for caret errors)."""
        span = self._values.get(path)
        if span is None:
            return self.value(path)
        start = min(span.start + offset, max(span.start, span.end - 1))
        if "\n" in self._text[span.start : start]:
            return self._location(span)
        return self._location(_Span(start, span.end))

    # --- scanner -------------------------------------------------------------------------------

    def _peek(self, size: int = 1) -> str:
        return self._text[self._i : self._i + size]

    def _skip(self, newlines: bool) -> None:
        text = self._text
        while self._i < len(text):
            char = text[self._i]
            if char in " \t" or (newlines and char in "\r\n"):
                self._i += 1
            elif char == "#":
                while self._i < len(text) and text[self._i] not in "\r\n":
                    self._i += 1
            else:
                return

    def _document(self) -> None:
        table: KeyPath = ()
        while True:
            self._skip(newlines=True)
            if self._i >= len(self._text):
                return
            start = self._i
            if self._peek(2) == "[[":
                self._i += 2
                keys = self._with_aot(self._keys())
                self._skip(newlines=False)
                self._expect("]]")
                index = self._aot.get(keys, -1) + 1
                self._aot[keys] = index
                table = (*keys, index)
            elif self._peek() == "[":
                self._i += 1
                table = self._with_aot(self._keys())
                self._skip(newlines=False)
                self._expect("]")
            else:
                keys = self._keys()
                self._skip(newlines=False)
                self._expect("=")
                self._skip(newlines=False)
                full = (*table, *keys)
                self._value(full)
                self._entries[full] = _Span(start, self._i)
                continue
            self._entries.setdefault(table, _Span(start, self._i))

    def _with_aot(self, keys: KeyPath) -> KeyPath:
        """`[a.b]` after `[[a]]` means the b of a's last element."""
        result: KeyPath = ()
        for key in keys:
            result = (*result, key)
            if result in self._aot and len(result) < len(keys):
                result = (*result, self._aot[result])
        return result

    def _expect(self, token: str) -> None:
        if not self._text.startswith(token, self._i):
            raise ValueError(f"expected {token!r} at offset {self._i}")
        self._i += len(token)

    def _keys(self) -> KeyPath:
        keys: list[str | int] = []
        while True:
            self._skip(newlines=False)
            char = self._peek()
            if char in ("'", '"'):
                start = self._i
                self._string()
                raw = self._text[start : self._i]
                # Let tomllib decode escapes in quoted keys rather than re-implementing them.
                keys.append(str(tomllib.loads(f"k = {raw}")["k"]))
            else:
                match = re.compile(r"[A-Za-z0-9_-]+").match(self._text, self._i)
                if match is None:
                    raise ValueError(f"expected a key at offset {self._i}")
                keys.append(match.group())
                self._i = match.end()
            self._skip(newlines=False)
            if self._peek() != ".":
                return tuple(keys)
            self._i += 1

    def _string(self) -> _Span:
        """Consume a string literal; return the span of its contents."""
        text = self._text
        quote = text[self._i]
        if text.startswith(quote * 3, self._i):
            self._i += 3
            # A newline right after the opening delimiter is not part of the string.
            if text.startswith("\r\n", self._i):
                self._i += 2
            elif text.startswith("\n", self._i):
                self._i += 1
            start = self._i
            while not text.startswith(quote * 3, self._i):
                if quote == '"' and text[self._i] == "\\":
                    self._i += 1
                self._i += 1
                if self._i >= len(text):
                    raise ValueError("unterminated string")
            # Up to two quotes right before the closing delimiter belong to the contents.
            extra = 0
            while extra < 2 and text.startswith(quote * 4, self._i + extra):
                extra += 1
            end = self._i + extra
            self._i = end + 3
            return _Span(start, end)
        self._i += 1
        start = self._i
        while text[self._i] != quote:
            if text[self._i] in "\r\n":
                raise ValueError("unterminated string")
            if quote == '"' and text[self._i] == "\\":
                self._i += 1
            self._i += 1
        end = self._i
        self._i += 1
        return _Span(start, end)

    def _value(self, path: KeyPath) -> None:
        start = self._i
        char = self._peek()
        if char in ("'", '"'):
            self._values[path] = self._string()
            return
        if char == "[":
            self._i += 1
            index = 0
            while True:
                self._skip(newlines=True)
                if self._peek() == "]":
                    break
                self._value((*path, index))
                index += 1
                self._skip(newlines=True)
                if self._peek() == ",":
                    self._i += 1
            self._i += 1
        elif char == "{":
            self._i += 1
            while True:
                # Newlines inside inline tables are TOML 1.1; accepting them costs nothing.
                self._skip(newlines=True)
                if self._peek() == "}":
                    break
                entry_start = self._i
                keys = self._keys()
                self._skip(newlines=False)
                self._expect("=")
                self._skip(newlines=False)
                full = (*path, *keys)
                self._value(full)
                self._entries[full] = _Span(entry_start, self._i)
                self._skip(newlines=True)
                if self._peek() == ",":
                    self._i += 1
            self._i += 1
        else:
            match = re.compile(r"[^,\]}\r\n#]+").match(self._text, self._i)
            if match is None:
                raise ValueError(f"expected a value at offset {self._i}")
            self._i = start + len(match.group().rstrip())
        self._values[path] = _Span(start, self._i)


@dataclass(frozen=True)
class PyprojectResult:
    path: Path
    dependencies: tuple[DeclaredRequirement, ...] = ()
    optional: dict[str, tuple[DeclaredRequirement, ...]] = field(default_factory=dict)
    groups: dict[str, tuple[DeclaredRequirement, ...]] = field(default_factory=dict)
    poetry_dependencies: tuple[DeclaredRequirement, ...] = ()
    # `[tool.flet.<platform>].dependencies` of the phone platforms, as flet build appends them.
    platform_dependencies: dict[str, tuple[DeclaredRequirement, ...]] = field(default_factory=dict)
    requires_python: SpecifierSet | None = None
    requires_python_at: Location | None = None
    dropped_extras: tuple[DroppedExtras, ...] = ()
    # The raw `[tool.flet]` values, read per platform by `FletTable.setting`.
    table: FletTable | None = None

    @property
    def main_dependencies(self) -> tuple[DeclaredRequirement, ...]:
        """flet build's base list: poetry's when it has any, else `[project].dependencies`."""
        return self.poetry_dependencies or self.dependencies

    def dependencies_for(self, platform: str) -> tuple[DeclaredRequirement, ...]:
        """What flet build passes pip for `platform` from this file (empty: it falls back to
        requirements.txt, then to `flet` itself)."""
        return self.main_dependencies + self.platform_dependencies.get(platform, ())

    @property
    def has_dependencies(self) -> bool:
        """True when flet build takes every phone platform's list from this file."""
        return all(self.dependencies_for(p) for p in MOBILE_PLATFORMS)


@dataclass(frozen=True)
class PlatformValue:
    """A `[tool.flet]` setting as one platform's build sees it, and where it is written."""

    value: Any
    path: KeyPath | None  # None: set nowhere (the default)
    location: Location | None


class FletTable:
    """`get_platform_setting` over the raw `[tool.flet]` table, with locations and type checks."""

    def __init__(self, reader: _Reader) -> None:
        self._reader = reader

    def setting(
        self, rules: FletRules, platform: str, key: str, default: Any = None
    ) -> PlatformValue:
        keys = tuple(key.split("."))
        platform_path: KeyPath = ("tool", "flet", platform, *keys)
        global_path: KeyPath = ("tool", "flet", *keys)
        platform_value = self._reader.get(platform_path)
        global_value = self._reader.get(global_path)
        if platform_value is not None and (rules.platform_wins_when_empty or platform_value):
            path: KeyPath = platform_path
        elif global_value is not None:
            path = global_path
        else:
            return PlatformValue(default, None, None)
        value = platform_value if path == platform_path else global_value
        return PlatformValue(value, path, self._reader.locator.value(path))

    def strings(self, rules: FletRules, platform: str, key: str) -> PlatformValue:
        found = self.setting(rules, platform, key, [])
        if found.path is not None:
            checked = self._reader.strings(found.path)
            return PlatformValue(tuple(checked or ()), found.path, found.location)
        return PlatformValue((), None, None)

    def string_or_strings(self, rules: FletRules, platform: str, key: str) -> PlatformValue:
        """`target_arch`: a string is a one-item list."""
        found = self.setting(rules, platform, key)
        if isinstance(found.value, str):
            return PlatformValue((found.value,), found.path, found.location)
        if found.path is None:
            return PlatformValue((), None, None)
        return self.strings(rules, platform, key)

    def boolean(self, rules: FletRules, platform: str, key: str, default: bool) -> PlatformValue:
        found = self.setting(rules, platform, key, default)
        if found.path is not None and not isinstance(found.value, bool):
            raise InputError(f"{_dotted(found.path)} must be true or false", found.location)
        return found

    def string_table(self, rules: FletRules, platform: str, key: str) -> PlatformValue:
        """`dev_packages`: package name → path or URL."""
        found = self.setting(rules, platform, key, {})
        if found.path is None:
            return PlatformValue({}, None, None)
        if not isinstance(found.value, dict):
            raise InputError(f"[{_dotted(found.path)}] must be a table", found.location)
        for name, value in found.value.items():
            if not isinstance(value, str):
                raise InputError(
                    f"{key}.{name} must be a path or URL string",
                    self._reader.locator.value((*found.path, name)),
                )
        return found

    def app_path(self) -> tuple[str | None, Location | None]:
        path: KeyPath = ("tool", "flet", "app", "path")
        value = self._reader.get(path)
        if value is None:
            return None, None
        where = self._reader.locator.value(path)
        if not isinstance(value, str):
            raise InputError("[tool.flet.app].path must be a string", where)
        return value, where

    def location(self, path: KeyPath) -> Location:
        return self._reader.locator.entry(path)

    def has(self, path: KeyPath) -> bool:
        return self._reader.get(path) is not None


_TOML_ERROR_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_ERROR_END = re.compile(r"\s*\(at end of document\)\s*$")


def toml_error(exc: Exception, text: str, path: str) -> InputError:
    """A TOMLDecodeError as an InputError at its line and column (tomllib only says them in
    the message before Python 3.14)."""
    message = str(exc)
    match = _TOML_ERROR_AT.search(message)
    if match:
        where = Location(path, int(match.group(1)), int(match.group(2)))
        return InputError(f"invalid TOML: {message[: match.start()]}", where)
    match = _TOML_ERROR_END.search(message)
    if match:
        lines = split_lines(text)
        if len(lines) > 1 and not lines[-1]:
            lines.pop()  # the break that ends the last line starts no line of its own
        where = Location(path, len(lines), len(lines[-1]) + 1)
        return InputError(f"invalid TOML: {message[: match.start()]} (at end of file)", where)
    return InputError(f"invalid TOML: {message}", Location(path, 1))


class _Reader:
    def __init__(self, path: Path, text: str, origin: str) -> None:
        self.path = path
        self.origin = origin
        try:
            self.data: dict[str, Any] = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise toml_error(exc, text, str(path)) from exc
        self.locator = TomlLocator(text, str(path))
        self.dropped: list[DroppedExtras] = []

    def get(self, path: KeyPath) -> Any:
        node: Any = self.data
        for key in path:
            if not isinstance(node, dict) or key not in node:
                return None
            node = node[key]
        return node

    def table(self, path: KeyPath) -> dict[str, Any]:
        value = self.get(path)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise InputError(f"[{_dotted(path)}] must be a table", self.locator.value(path))
        return value

    def strings(self, path: KeyPath) -> list[str] | None:
        value = self.get(path)
        if value is None:
            return None
        if not isinstance(value, list):
            raise InputError(f"{_dotted(path)} must be a list of strings", self.locator.value(path))
        for index, item in enumerate(value):
            if not isinstance(item, str):
                raise InputError(
                    f"{_dotted(path)} must be a list of strings; item {index + 1} is not",
                    self.locator.value((*path, index)),
                )
        return list(value)

    def requirement(
        self, path: KeyPath, text: str, platform: str | None = None
    ) -> DeclaredRequirement:
        declared = parse_requirement_text(
            text,
            self.locator.value(path),
            self.origin,
            locate_offset=lambda offset: self.locator.offset_in_value(path, offset),
        )
        if platform is not None:
            declared = DeclaredRequirement(
                declared.text,
                declared.location,
                declared.origin,
                declared.requirement,
                declared.uncheckable_reason,
                platform=platform,
            )
        return declared

    def requirement_list(
        self, path: KeyPath, platform: str | None = None
    ) -> tuple[DeclaredRequirement, ...] | None:
        items = self.strings(path)
        if items is None:
            return None
        return tuple(
            self.requirement((*path, index), item, platform) for index, item in enumerate(items)
        )

    # --- sections ------------------------------------------------------------------------------

    def optional(self) -> dict[str, tuple[DeclaredRequirement, ...]]:
        base: KeyPath = ("project", "optional-dependencies")
        return {name: self.requirement_list((*base, name)) or () for name in self.table(base)}

    def groups(self) -> dict[str, tuple[DeclaredRequirement, ...]]:
        base: KeyPath = ("dependency-groups",)
        table = self.table(base)
        # PEP 735: group names compare like package names.
        by_normal = {canonicalize_name(name): name for name in table}
        done: dict[str, tuple[DeclaredRequirement, ...]] = {}

        def expand(name: str, stack: tuple[str, ...]) -> tuple[DeclaredRequirement, ...]:
            if name in done:
                return done[name]
            path: KeyPath = (*base, name)
            items = table[name]
            if not isinstance(items, list):
                raise InputError(
                    f"dependency group '{name}' must be a list", self.locator.value(path)
                )
            result: list[DeclaredRequirement] = []
            for index, item in enumerate(items):
                item_path: KeyPath = (*path, index)
                if isinstance(item, str):
                    result.append(self.requirement(item_path, item))
                    continue
                include = item.get("include-group") if isinstance(item, dict) else None
                if not isinstance(include, str) or len(item) != 1:
                    raise InputError(
                        f"dependency group '{name}': item {index + 1} must be a requirement "
                        'string or {include-group = "..."}',
                        self.locator.value(item_path),
                    )
                target = by_normal.get(canonicalize_name(include))
                where = self.locator.value((*item_path, "include-group"))
                if target is None:
                    raise InputError(
                        f"dependency group '{name}' includes unknown group '{include}'", where
                    )
                if target in stack or target == name:
                    chain = " -> ".join((*stack, name, target))
                    raise InputError(f"dependency groups include each other: {chain}", where)
                result.extend(expand(target, (*stack, name)))
            done[name] = tuple(result)
            return done[name]

        return {name: expand(name, ()) for name in table}

    def poetry(self) -> tuple[DeclaredRequirement, ...]:
        base: KeyPath = ("tool", "poetry", "dependencies")
        result: list[DeclaredRequirement] = []
        for name, value in self.table(base).items():
            if name.lower() == "python":
                continue
            result.append(self.poetry_dependency((*base, name), name, value))
        return tuple(result)

    def poetry_dependency(self, path: KeyPath, name: str, value: Any) -> DeclaredRequirement:
        where = self.locator.entry(path)
        markers = ""
        if isinstance(value, str):
            version: Any = value
        elif isinstance(value, dict):
            version = value.get("version")
            if value.get("markers") is not None:
                markers = f"; {value['markers']}"
            if version is None:
                return self._poetry_direct(name, value, where)
            # flet build ignores `extras` (and `python`, `optional`) in poetry tables: follow it,
            # since fletlint predicts what that build installs (FL106 reports the extras).
        else:
            raise InputError(
                f"poetry dependency '{name}': multiple-constraint lists are not supported by "
                "flet build; use one version constraint",
                where,
            )
        if not isinstance(version, str):
            raise InputError(f"poetry dependency '{name}': version must be a string", where)
        try:
            text = f"{name}{poetry_constraint(version)}{markers}"
        except ValueError as exc:
            raise InputError(f"poetry dependency '{name}': {exc}", where) from exc
        declared = parse_requirement_text(text, where, self.origin)
        extras = value.get("extras") if isinstance(value, dict) else None
        if isinstance(extras, list) and extras and all(isinstance(e, str) for e in extras):
            self.dropped.append(
                DroppedExtras(name, tuple(extras), self.locator.value((*path, "extras")), declared)
            )
        return declared

    def _poetry_direct(
        self, name: str, value: dict[str, Any], where: Location
    ) -> DeclaredRequirement:
        # Mirrors flet build's conversion so `text` shows what pip receives.
        if isinstance(value.get("git"), str):
            url = value["git"]
            text = f"{name} @ {url if url.startswith('git@') else 'git+' + url}"
            rev = value.get("branch") or value.get("rev") or value.get("tag")
            if rev:
                text += f"@{rev}"
            if value.get("subdirectory"):
                text += f"#subdirectory={value['subdirectory']}"
            reason = "a git dependency; fletlint cannot look it up on a package index"
        elif isinstance(value.get("path"), str):
            text = value["path"]
            reason = "a local path; fletlint cannot look it up on a package index"
        elif isinstance(value.get("url"), str):
            text = value["url"]
            reason = "a direct URL; fletlint cannot look it up on a package index"
        else:
            raise InputError(f"poetry dependency '{name}' has no version, git, path or url", where)
        return DeclaredRequirement(text, where, self.origin, None, reason)

    def requires_python(self) -> tuple[SpecifierSet | None, Location | None]:
        """`[project].requires-python` only: flet build never reads Poetry's `python`."""
        path: KeyPath = ("project", "requires-python")
        value = self.get(path)
        if value is None:
            return None, None
        where = self.locator.value(path)
        if not isinstance(value, str):
            raise InputError("requires-python must be a string", where)
        try:
            return SpecifierSet(value), where
        except InvalidSpecifier as exc:
            raise InputError(f"invalid requires-python '{value}': {exc}", where) from exc

    def platform_dependencies(self) -> dict[str, tuple[DeclaredRequirement, ...]]:
        found: dict[str, tuple[DeclaredRequirement, ...]] = {}
        for platform in MOBILE_PLATFORMS:
            path: KeyPath = ("tool", "flet", platform)
            if not isinstance(self.get(path), dict):
                continue
            deps = self.requirement_list((*path, "dependencies"), platform=platform)
            if deps:
                found[platform] = deps
        return found


def _dotted(path: KeyPath) -> str:
    return ".".join(str(key) for key in path)


_OPERATOR = re.compile(r"^(===|==|!=|<=|>=|~=|<|>)")


def poetry_constraint(value: str) -> str:
    """A poetry version constraint as a PEP 440 specifier ("" means any version).

    `^x` → `>=x` and `~x` → `~=x` as flet build converts them (looser than poetry's own upper
    bounds, but that is what the build installs); a bare version → `==x`; `*` → any.
    """
    value = value.strip()
    if "||" in value or "|" in value:
        raise ValueError(f"'{value}': alternatives ('||') cannot be expressed for pip")
    if value in ("", "*"):
        return ""
    parts: list[str] = []
    for part in (p.strip().replace(" ", "") for p in value.split(",")):
        if not part or part == "*":
            continue
        if part.startswith("^"):
            parts.append(f">={part[1:]}")
        elif part.startswith("~") and not part.startswith("~="):
            parts.append(f"~={part[1:]}")
        elif _OPERATOR.match(part):
            parts.append(part)
        elif part.startswith("="):
            parts.append(f"={part}")
        else:
            parts.append(f"=={part}")
    return ",".join(parts)


def apply_dev_packages(
    requirements: Sequence[DeclaredRequirement], dev_packages: Mapping[str, str]
) -> tuple[DeclaredRequirement, ...]:
    """Mark the requirements flet build replaces with `name @ file:///…` as uncheckable.

    `dev_packages` is the table flet build uses for one platform. Like flet build, a requirement
    matches a key only by its name exactly as written (no name normalization).
    """
    result: list[DeclaredRequirement] = []
    for declared in requirements:
        req = declared.requirement
        path = dev_packages.get(req.name) if req is not None else None
        if path is None:
            result.append(declared)
            continue
        result.append(
            dataclasses.replace(
                declared, requirement=None, uncheckable_reason=f"replaced by dev_packages: {path}"
            )
        )
    return tuple(result)


def read_pyproject(
    path: Path, *, text: str | None = None, origin: str | None = None
) -> PyprojectResult:
    """Read pyproject.toml (`text` replaces the file's contents, e.g. an unsaved editor buffer).

    `origin` names the file in DeclaredRequirement.origin (default: the file name).
    """
    if text is None:
        text = read_project_text(path, what="pyproject.toml")
    reader = _Reader(path, text, origin or path.name)
    dependencies = reader.requirement_list(("project", "dependencies"))
    poetry = reader.poetry()
    reader.table(("tool", "flet"))  # a `tool.flet` that is not a table is a located error
    requires_python, requires_python_at = reader.requires_python()
    return PyprojectResult(
        path=path,
        dependencies=dependencies or (),
        optional=reader.optional(),
        groups=reader.groups(),
        poetry_dependencies=poetry,
        platform_dependencies=reader.platform_dependencies(),
        requires_python=requires_python,
        requires_python_at=requires_python_at,
        dropped_extras=tuple(reader.dropped),
        table=FletTable(reader),
    )
