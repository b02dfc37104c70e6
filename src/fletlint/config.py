"""`[tool.fletlint]` in pyproject.toml, merged with the command line into one `Settings`.

The file holds what a project always wants (its targets, its private index, the rules it has
decided about); a flag given on the command line wins over the file, as in ruff. `ignore` is the
one exception: like ruff's rule selection, `--ignore` adds to the file's list instead of
replacing it, so a one-off `--ignore FL002` does not bring back what the project ignores.

Every mistake in the table (an unknown key, a wrong type, an unknown rule code) is an InputError
carrying the line and column of the offending key or value.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fletlint.linter.defaults import FLET_INDEX_URL
from fletlint.linter.engine import Settings
from fletlint.linter.findings import InputError
from fletlint.linter.observed import saw_file
from fletlint.linter.project_files import read_project_text
from fletlint.linter.sources.pyproject import TomlLocator, toml_error

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = ["Config", "find_config", "load_config", "settings_for", "unknown_code_message"]

TABLE = ("tool", "fletlint")

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Config:
    """The `[tool.fletlint]` table, checked and converted; None/empty: the key is absent."""

    path: Path | None = None
    targets: tuple[str, ...] | None = None
    python_version: str | None = None
    index_url: str | None = None
    extra_index_urls: tuple[str, ...] | None = None
    find_links: tuple[str, ...] | None = None
    flet_index_url: str | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    alternatives: tuple[tuple[str, str, str], ...] = ()
    extract_packages: tuple[str, ...] = ()
    offline: bool | None = None
    cache_dir: Path | None = None


# --- finding the file ---------------------------------------------------------------------------


def _app_folder(path: Path) -> Path:
    # The same reading of the checked path as the sources: a folder, or the folder of a file.
    return path if path.is_dir() or not path.suffix else path.parent


def _has_table(text: str) -> bool:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    tool = data.get("tool")
    return isinstance(tool, dict) and "fletlint" in tool


def find_config(path: Path, texts: Mapping[Path, str] | None = None) -> Path | None:
    """The pyproject.toml whose `[tool.fletlint]` applies to the checked `path`.

    The app's own pyproject.toml first; else, like ruff, the nearest parent folder's
    pyproject.toml that has a `[tool.fletlint]` table, without leaving the git repository.
    """
    texts = {Path(os.path.abspath(p)): t for p, t in (texts or {}).items()}
    folder = Path(os.path.abspath(_app_folder(path)))
    own = folder / "pyproject.toml"
    saw_file(own)
    if own in texts or own.is_file():
        return own
    for parent in folder.parents:
        candidate = parent / "pyproject.toml"
        saw_file(candidate)
        saw_file(parent / ".git")
        text = texts.get(candidate)
        if text is None and candidate.is_file():
            try:
                text = read_project_text(candidate, what="pyproject.toml", encoding="utf-8")
            except InputError:
                text = None
        if text is not None and _has_table(text):
            return candidate
        if (parent / ".git").exists():
            break
    return None


# --- reading the table ---------------------------------------------------------------------------


class _Reader:
    """Typed access to the table's values, each failure located at its key or value."""

    def __init__(self, text: str, path: Path) -> None:
        self.path = path
        self.root = path.parent
        self._locator: TomlLocator | None = None
        self._text = text

    @property
    def locator(self) -> TomlLocator:
        # Only a broken table needs locations; most runs never build the locator.
        if self._locator is None:
            self._locator = TomlLocator(self._text, str(self.path))
        return self._locator

    def fail(self, message: str, keypath: KeyPath, *, entry: bool = False) -> InputError:
        full = (*TABLE, *keypath)
        where = self.locator.entry(full) if entry else self.locator.value(full)
        return InputError(message, where)

    def string(self, value: Any, keypath: KeyPath) -> str:
        if not isinstance(value, str):
            raise self.fail(f"{_name(keypath)} must be a string, not {_kind(value)}", keypath)
        return value

    def strings(self, value: Any, keypath: KeyPath) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise self.fail(
                f"{_name(keypath)} must be a list of strings, not {_kind(value)}", keypath
            )
        return tuple(self.string(item, (*keypath, i)) for i, item in enumerate(value))

    def boolean(self, value: Any, keypath: KeyPath) -> bool:
        if not isinstance(value, bool):
            raise self.fail(f"{_name(keypath)} must be true or false, not {_kind(value)}", keypath)
        return value

    def table(self, value: Any, keypath: KeyPath) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(f"{_name(keypath)} must be a table, not {_kind(value)}", keypath)
        return value

    def codes(self, value: Any, keypath: KeyPath) -> tuple[str, ...]:
        codes = self.strings(value, keypath)
        for i, code in enumerate(codes):
            problem = unknown_code_message(code, _name(keypath))
            if problem is not None:
                raise self.fail(problem, (*keypath, i))
        return tuple(c.upper() for c in codes)

    def local_path(self, text: str) -> str:
        # Relative folders in the file mean relative to the file, not to wherever fletlint runs.
        if "://" in text or os.path.isabs(text):
            return text
        return str(self.root / text)


def unknown_code_message(code: str, where: str) -> str | None:
    """Why `code` selects no rule (with the nearest code, if any), or None when it selects some.

    Codes are case-insensitive, and a prefix selects a family (`FL1`), as in ruff; a code that
    matches nothing is a typo, wherever it was written (the table or `--select`/`--ignore`).
    """
    # Here, not at the top: a check loads the rules once its resolutions have started.
    from fletlint.linter.rules import RULES

    if code.strip() and any(known.startswith(code.strip().upper()) for known in RULES):
        return None
    close = difflib.get_close_matches(code.strip().upper(), list(RULES), n=1, cutoff=0.5)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown rule code '{code}' in {where}{hint} (`fletlint rule --all` lists them)"


def _name(keypath: KeyPath) -> str:
    parts = [f"[{p}]" if isinstance(p, int) else p for p in keypath]
    return "`" + ".".join(str(p) for p in parts).replace(".[", "[") + "`"


def _kind(value: Any) -> str:
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _python_version(r: _Reader, value: Any, key: KeyPath) -> str:
    text = r.string(value, key)
    parts = text.split(".")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise r.fail(f'{_name(key)} must look like "3.13", not {text!r}', key)
    return text


def _per_file_ignores(
    r: _Reader, value: Any, key: KeyPath
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    table = r.table(value, key)
    result = []
    for pattern, codes in table.items():
        listed = r.codes(codes, (*key, pattern))
        # Globs are relative to the file's folder; the engine matches them relative to the
        # checked project's root, so a file found in a parent folder gets absolute globs.
        result.append((pattern, listed))
    return tuple(result)


def _alternatives(r: _Reader, value: Any, key: KeyPath) -> tuple[tuple[str, str, str], ...]:
    table = r.table(value, key)
    result = []
    for package, entry in table.items():
        where = (*key, package)
        fields = r.table(entry, where)
        for name in fields:
            if name not in ("replacement", "reason"):
                raise r.fail(
                    f"unknown key '{name}' in {_name(where)} (expected replacement, reason)",
                    (*where, name),
                    entry=True,
                )
        if "replacement" not in fields:
            raise r.fail(f"{_name(where)} needs a `replacement`", where)
        replacement = r.string(fields["replacement"], (*where, "replacement"))
        reason = r.string(fields.get("reason", ""), (*where, "reason"))
        result.append((package, replacement, reason))
    return tuple(result)


# key → (Config field, converter). The converters check types; the table is the documentation.
_KEYS: dict[str, tuple[str, Callable[[_Reader, Any, KeyPath], Any]]] = {
    "targets": ("targets", lambda r, v, k: r.strings(v, k)),
    "python-version": ("python_version", _python_version),
    "index-url": ("index_url", lambda r, v, k: r.string(v, k)),
    "extra-index-url": ("extra_index_urls", lambda r, v, k: r.strings(v, k)),
    "find-links": (
        "find_links",
        lambda r, v, k: tuple(r.local_path(x) for x in r.strings(v, k)),
    ),
    "flet-index-url": ("flet_index_url", lambda r, v, k: r.string(v, k)),
    "select": ("select", lambda r, v, k: r.codes(v, k)),
    "ignore": ("ignore", lambda r, v, k: r.codes(v, k)),
    "per-file-ignores": ("per_file_ignores", _per_file_ignores),
    "extend-alternatives": ("alternatives", _alternatives),
    # More packages FL107 knows must be extracted on Android (import names).
    "extend-extract-packages": ("extract_packages", lambda r, v, k: r.strings(v, k)),
    "offline": ("offline", lambda r, v, k: r.boolean(v, k)),
    "cache-dir": ("cache_dir", lambda r, v, k: Path(r.local_path(r.string(v, k)))),
}


def load_config(path: Path, text: str | None = None) -> Config:
    """Read `[tool.fletlint]` of a pyproject.toml (or `text`, its unsaved contents)."""
    if text is None:
        text = read_project_text(path, what="pyproject.toml", encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # The project reader's parsing of the message: `exc.lineno` only exists from 3.14 on.
        raise toml_error(exc, text, str(path)) from exc
    reader = _Reader(text, path)
    tool = data.get("tool", {})
    if not isinstance(tool, dict) or "fletlint" not in tool:
        return Config(path=path)
    table = reader.table(tool["fletlint"], ())
    values: dict[str, Any] = {}
    for key, value in table.items():
        known = _KEYS.get(key)
        if known is None:
            close = difflib.get_close_matches(key, list(_KEYS), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f" (known: {', '.join(_KEYS)})"
            raise reader.fail(f"unknown key '{key}' in [tool.fletlint]{hint}", (key,), entry=True)
        field, convert = known
        values[field] = convert(reader, value, (key,))
    return Config(path=path, **values)


# --- merging with the command line ---------------------------------------------------------------


def _absolute_globs(
    entries: tuple[tuple[str, tuple[str, ...]], ...], config_dir: Path, app_dir: Path
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if os.path.abspath(config_dir) == os.path.abspath(app_dir):
        return entries
    base = os.path.abspath(config_dir).replace(os.sep, "/")
    return tuple(
        (p if os.path.isabs(p) else f"{base}/{p.removeprefix('./')}", codes) for p, codes in entries
    )


def settings_for(
    path: Path,
    overrides: Mapping[str, Any] | None = None,
    *,
    texts: Mapping[Path, str] | None = None,
    isolated: bool = False,
) -> Settings:
    """Settings for checking `path`: its `[tool.fletlint]`, then `overrides` from flags.

    `overrides` maps Settings field names to what the command line gave; None (and, for lists,
    an empty tuple) means "not given", so the file's value stays. `isolated` skips the file.
    """
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None and v != ()}
    for key in ("select", "ignore"):
        # Flags are checked as the table is: a typo must not silently select nothing.
        for code in overrides.get(key, ()):
            problem = unknown_code_message(code, f"--{key}")
            if problem is not None:
                raise InputError(problem)
        if key in overrides:
            overrides[key] = tuple(c.strip().upper() for c in overrides[key])
    config = Config()
    found = None if isolated else find_config(path, texts)
    if found is not None:
        text = next((t for p, t in (texts or {}).items() if os.path.abspath(p) == str(found)), None)
        config = load_config(found, text)
    from_file: dict[str, Any] = {
        "targets": config.targets,
        "python_version": config.python_version,
        "index_url": config.index_url,
        "extra_index_urls": config.extra_index_urls,
        "find_links": config.find_links,
        "flet_index_url": config.flet_index_url,
        "select": config.select,
        "offline": config.offline,
        "cache_dir": config.cache_dir,
        "alternatives": config.alternatives or None,
        "extract_packages": config.extract_packages or None,
    }
    values = {k: v for k, v in from_file.items() if v is not None}
    if config.path is not None and config.per_file_ignores:
        values["per_file_ignores"] = _absolute_globs(
            config.per_file_ignores, config.path.parent, _app_folder(path)
        )
    values.update(overrides)
    values["ignore"] = (*config.ignore, *overrides.get("ignore", ()))
    values.setdefault("flet_index_url", FLET_INDEX_URL)
    # "" is how the file and `--no-flet-index` say "leave Flet's index out" (None: not given).
    values["flet_index_url"] = values["flet_index_url"] or None
    known = {f.name for f in dataclasses.fields(Settings)}
    unknown = set(values) - known
    if unknown:
        raise TypeError(f"not Settings fields: {', '.join(sorted(unknown))}")
    return Settings(**values)
