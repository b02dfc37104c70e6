"""The app as `flet build` stages it: `build/python-app/` (Android, iOS) or `app.zip` +
`app.zip.hash` (web), from `[tool.flet.app].path`.

Which files: serious_python copies the app folder minus an exclude list of exact relative paths
(`build`, `app.exclude`, `assets` on the web, and flet-cli 1.0.5's default excludes: top-level
hidden entries, virtual environments and `__pycache__` at any depth, except what `app.include`
names). Then, as serious_python does: compile (`compile.app`) and clean up (`cleanup.app`).

`AppFiles` is the one question asked of the app folder; `flet_app_files` answers it as flet-cli
1.0.5 does (`utils/app_excludes.py` + serious_python's `copyDirectory`).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import zipfile
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path

from fletlint.linter.index.urls import redact_text
from fletlint.linter.sources.app_files import find_default_excludes
from fletlint.packager.errors import BuildError
from fletlint.packager.flet_settings import PackageSettings

# (app folder, explicit excludes, includes, default excludes on) → files, relative, "/"-separated.
AppFiles = Callable[[Path, Sequence[str], Sequence[str], bool], list[str]]


def _norm(paths: Iterable[str]) -> set[str]:
    return {os.path.normpath(p.replace("\\", "/")).replace(os.sep, "/") for p in paths}


def default_excludes(app_dir: Path, include: Sequence[str], exclude: Sequence[str]) -> list[str]:
    """flet-cli 1.0.5 `find_default_excludes`, with "/"-separated results (the core's reading)."""
    return [p.replace(os.sep, "/") for p in find_default_excludes(app_dir, include, exclude)]


def flet_app_files(
    app_dir: Path, exclude: Sequence[str], include: Sequence[str], use_defaults: bool
) -> list[str]:
    """The files serious_python copies from `app_dir` (symlinks followed, as it does)."""
    excluded = _norm(exclude)
    if use_defaults:
        excluded |= set(default_excludes(app_dir, include, exclude))
    files: list[str] = []

    def walk(folder: Path, rel_dir: str) -> None:
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            rel = entry.name if not rel_dir else f"{rel_dir}/{entry.name}"
            if rel in excluded:
                continue
            if entry.is_dir():
                walk(Path(entry.path), rel)
            elif entry.is_file():
                files.append(rel)

    walk(app_dir, "")
    return files


def excluded_env_files(settings: PackageSettings) -> list[str]:
    """`.env` files the default excludes drop: flet build warns about them, so do we."""
    if not settings.default_excludes:
        return []
    return [
        p
        for p in default_excludes(settings.app_dir, settings.include, settings.exclude)
        if p == ".env" or p.startswith(".env.")
    ]


def copy_app(
    settings: PackageSettings, dest: Path, app_files: AppFiles = flet_app_files
) -> list[str]:
    """Copy the app's files into `dest` (created); returns them, relative."""
    files = app_files(
        settings.app_dir, settings.exclude, settings.include, settings.default_excludes
    )
    dest.mkdir(parents=True, exist_ok=True)
    for rel in files:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copyfile(settings.app_dir / rel, target)
        except OSError as exc:
            raise BuildError(
                f"{settings.app_dir / rel}: cannot copy it into the bundle: {exc}"
            ) from exc
    return files


REQUIREMENT_FILE = re.compile(r"(requirements|constraints)[^/]*\.(txt|in)\Z|pyproject\.toml\Z")


def mask_credentials(dest: Path, files: Sequence[str], also: Collection[Path] = ()) -> list[str]:
    """Mask index credentials (`https://user:token@host`) in the requirement files the bundle
    holds (pip's usual names, pyproject.toml, and the names of `also`: the files the lint read);
    anyone can unpack a phone bundle. Returns the files that held some."""
    names = {p.name for p in also}
    masked: list[str] = []
    for rel in files:
        path = dest / rel
        if not (REQUIREMENT_FILE.match(path.name) or path.name in names):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        redacted = redact_text(text)
        if redacted != text:
            path.write_text(redacted, encoding="utf-8")
            masked.append(rel)
    return masked


def write_web_zip(app: Path, site_packages: Path | None, dest: Path) -> str:
    """serious_python's web asset: the processed app, its packages under `__pypackages__/`, as
    `app.zip` with `/` names, plus `app.zip.hash` (the zip's sha256 hex, no newline)."""
    entries: list[tuple[str, Path]] = []
    for root, prefix in ((app, ""), (site_packages, "__pypackages__/")):
        if root is None or not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file():
                entries.append((prefix + path.relative_to(root).as_posix(), path))
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, path in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            zf.writestr(info, path.read_bytes())
    digest = hashlib.sha256(dest.read_bytes()).hexdigest()
    Path(f"{dest}.hash").write_text(digest, encoding="utf-8")
    return digest
