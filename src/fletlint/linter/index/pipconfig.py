"""Read pip's index settings exactly as `pip install` would see them.

`flet build` runs pip on the developer's machine, so whatever indexes pip is configured with are the
indexes the build will use: a private mirror in `~/.config/pip/pip.conf` matters as much as PyPI.

pip's rules reproduced here (pip/_internal/configuration.py and cli/parser.py):
- files, lowest to highest priority: global (`$XDG_CONFIG_DIRS/pip/pip.conf` for every entry,
  default `/etc/xdg`, then `/etc/pip.conf`), user (`~/.pip/pip.conf`, then
  `$XDG_CONFIG_HOME/pip/pip.conf` or `~/.config/pip/pip.conf`), site (`sys.prefix/pip.conf`), then
  the file named by `PIP_CONFIG_FILE`;
- `PIP_CONFIG_FILE=os.devnull` disables every config file; when `PIP_CONFIG_FILE` names an existing
  file, the user files are not read;
- values are merged per `section.key` (a higher-priority file wins), then all `[global]` keys are
  applied, then all `[install]` keys (so `[install]` in any file beats `[global]` in any file);
- `PIP_*` environment variables beat every file.
"""

from __future__ import annotations

import configparser
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from fletlint.linter.findings import InputError
from fletlint.linter.index.model import IndexSource
from fletlint.linter.index.urls import make_source, redact_text
from fletlint.linter.observed import saw_file
from fletlint.linter.project_files import read_project_text

PYPI_SIMPLE = "https://pypi.org/simple/"
_KEYS = ("index-url", "extra-index-url", "find-links", "no-index", "constraint")
_SECTIONS = ("global", "install")
_TRUE = {"1", "true", "yes", "on", "y", "t"}
_FALSE = {"0", "false", "no", "off", "n", "f", ""}


class PipConfigError(Exception):
    """A pip configuration file (or variable) that pip itself would reject."""


@dataclass(frozen=True)
class PipIndexConfig:
    index_url: str | None = None
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    no_index: bool = False
    files_read: tuple[Path, ...] = ()
    # Constraint files (`constraint` / PIP_CONSTRAINT): pip applies them to every install.
    constraints: tuple[str, ...] = ()


def _home(environ: Mapping[str, str]) -> Path:
    home = environ.get("HOME")
    return Path(home) if home else Path.home()


def _global_files(environ: Mapping[str, str]) -> list[Path]:
    if sys.platform == "win32":  # pragma: no cover - pip's Windows layout
        program_data = environ.get("PROGRAMDATA", r"C:\ProgramData")
        return [Path(program_data) / "pip" / "pip.ini"]
    if sys.platform == "darwin":  # pragma: no cover
        return [Path("/Library/Application Support/pip/pip.conf")]
    dirs = environ.get("XDG_CONFIG_DIRS") or "/etc/xdg"
    files = [Path(d).expanduser() / "pip" / "pip.conf" for d in dirs.split(os.pathsep) if d]
    files.append(Path("/etc/pip.conf"))
    return files


def _user_files(environ: Mapping[str, str]) -> list[Path]:
    home = _home(environ)
    if sys.platform == "win32":  # pragma: no cover
        appdata = environ.get("APPDATA", str(home / "AppData" / "Roaming"))
        return [home / "pip" / "pip.ini", Path(appdata) / "pip" / "pip.ini"]
    legacy = home / ".pip" / "pip.conf"
    if sys.platform == "darwin":  # pragma: no cover
        mac = home / "Library" / "Application Support" / "pip"
        new_dir = mac if mac.is_dir() else home / ".config" / "pip"
    else:
        xdg = environ.get("XDG_CONFIG_HOME")
        new_dir = (Path(xdg) if xdg else home / ".config") / "pip"
    return [legacy, new_dir / "pip.conf"]


def config_files(environ: Mapping[str, str], *, prefix: Path | None = None) -> list[Path]:
    """Candidate files in increasing priority (they may not exist). Empty when pip reads none."""
    env_file = environ.get("PIP_CONFIG_FILE")
    if env_file is not None and env_file == os.devnull:
        return []
    files = _global_files(environ)
    if not (env_file and os.path.exists(env_file)):
        files += _user_files(environ)
    files.append((prefix if prefix is not None else Path(sys.prefix)) / "pip.conf")
    if env_file:
        files.append(Path(env_file))
    return files


def _read_file(path: Path) -> dict[str, str]:
    parser = configparser.RawConfigParser()
    try:
        # A regular file within the project-file limit: a FIFO or /dev/zero is not a config.
        text = read_project_text(path, what="pip configuration file", encoding="utf-8")
        parser.read_string(text, source=str(path))
    except InputError as exc:
        raise PipConfigError(redact_text(str(exc))) from None
    except configparser.Error as exc:
        # configparser quotes the offending line, which may be `index-url = https://u:pw@...`.
        detail = redact_text(" ".join(str(exc).split()))  # one line: the error is a line too
        raise PipConfigError(f"pip configuration file {path} is invalid: {detail}") from None
    values: dict[str, str] = {}
    for section in parser.sections():
        if section not in _SECTIONS:
            continue
        for key, value in parser.items(section):
            # pip accepts `index_url` as well as `index-url`.
            values[f"{section}.{key.replace('_', '-')}"] = value
    return values


def _to_bool(value: str, where: str) -> bool:
    low = value.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise PipConfigError(f"{where}: invalid boolean value {redact_text(value)!r} for no-index")


def read_pip_index_config(
    environ: Mapping[str, str], *, prefix: Path | None = None
) -> PipIndexConfig:
    """The index settings `pip install` would use with this environment.

    `prefix` stands in for `sys.prefix` (the site config file's folder); tests pass a temp dir.
    """
    merged: dict[str, str] = {}
    origin: dict[str, str] = {}
    read: list[Path] = []
    for path in config_files(environ, prefix=prefix):
        saw_file(path)
        if not path.is_file():
            continue
        for key, value in _read_file(path).items():
            merged[key] = value
            origin[key] = str(path)
        read.append(path)

    effective: dict[str, tuple[str, str]] = {}
    for section in _SECTIONS:
        for key in _KEYS:
            if f"{section}.{key}" in merged:
                effective[key] = (merged[f"{section}.{key}"], origin[f"{section}.{key}"])
    for key in _KEYS:
        var = "PIP_" + key.upper().replace("-", "_")
        if var in environ:
            effective[key] = (environ[var], f"environment variable {var}")

    index_url = effective["index-url"][0].strip() or None if "index-url" in effective else None
    extra = tuple(effective["extra-index-url"][0].split()) if "extra-index-url" in effective else ()
    links = tuple(effective["find-links"][0].split()) if "find-links" in effective else ()
    no_index = _to_bool(*effective["no-index"]) if "no-index" in effective else False
    constraints = tuple(effective["constraint"][0].split()) if "constraint" in effective else ()
    return PipIndexConfig(index_url, extra, links, no_index, tuple(read), constraints)


def sources_from_pip_config(
    config: PipIndexConfig, *, default_index: str = PYPI_SIMPLE
) -> list[IndexSource]:
    """IndexSources in pip's order: the main index, the extra indexes, then find-links.

    `no-index` drops every index but keeps find-links, as pip does.
    """
    sources: list[IndexSource] = []
    if not config.no_index:
        sources.append(make_source(config.index_url or default_index))
        sources.extend(make_source(url) for url in config.extra_index_urls)
    sources.extend(make_source(link, "find-links") for link in config.find_links)
    seen: set[tuple[str, str]] = set()
    unique = []
    for source in sources:
        if (source.url, source.kind) not in seen:
            seen.add((source.url, source.kind))
            unique.append(source)
    return unique
