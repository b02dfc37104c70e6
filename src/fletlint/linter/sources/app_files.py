"""The app's own files, exactly as `flet build` packages them: one function for every reader.

flet-cli (`package_python_app`) hands serious_python the folder `<project>/<[tool.flet.app].path>`
and an exclude list: `build`, the platform's `app.exclude` (`get_platform_setting`), and, from
flet-cli 1.0 on, `find_default_excludes` (`utils/app_excludes.py`): top-level hidden entries,
virtual environments and `__pycache__` at any depth, minus the exact paths of `app.include`,
unless `app.default_excludes = false`. serious_python's `copyDirectory` then copies every entry
whose path relative to that folder is not *exactly* in the list (no globs, no prefix matching:
excluding `assets` drops the folder, `assets/` drops nothing), following symbolic links.

The import scan reads the `.py` files of this list, and the packager (`fletlint build`) bundles it:
call `list_app_files(project, platform)`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fletlint.linter.findings import InputError
from fletlint.linter.flet_model.releases import FletRules
from fletlint.linter.observed import saw_file, saw_folder
from fletlint.linter.sources.model import ProjectSpec

__all__ = [
    "AppFiles",
    "app_excludes",
    "app_python_files",
    "find_default_excludes",
    "list_app_files",
]

_PYVENV_CFG = "pyvenv.cfg"
_PYCACHE = "__pycache__"


@dataclass(frozen=True)
class AppFiles:
    """The files flet build copies as the app for one platform."""

    root: Path  # the app folder: the project folder or `[tool.flet.app].path` inside it
    files: tuple[Path, ...]  # every copied file (absolute paths through `root`), sorted
    excludes: tuple[str, ...]  # the exclude list flet build passes serious_python, in its order
    platform: str

    def relative(self) -> tuple[str, ...]:
        """The files as `/`-separated paths relative to `root` (the names inside the bundle)."""
        return tuple(p.relative_to(self.root).as_posix() for p in self.files)


def _normalize(paths: Iterable[str]) -> set[str]:
    return {os.path.normpath(p.replace("\\", "/")) for p in paths}


def find_default_excludes(
    app_root: Path, include: Iterable[str] = (), exclude: Iterable[str] = ()
) -> list[str]:
    """flet-cli 1.0's `find_default_excludes`, on a POSIX host (no Windows hidden attribute)."""
    keep = _normalize(include)
    skip = _normalize(exclude)
    excludes: list[str] = []

    def add(rel: str) -> bool:
        if rel in keep:
            return False
        excludes.append(rel)
        return True

    subdirs: list[str] = []
    saw_folder(app_root)
    with os.scandir(app_root) as entries:
        for entry in entries:
            if entry.name in skip:
                continue
            if entry.name.startswith(".") and add(entry.name):
                continue
            if entry.is_dir(follow_symlinks=True):
                subdirs.append(entry.name)
    for subdir in subdirs:
        ancestors = [app_root.resolve()]
        saw_folder(app_root / subdir)  # before os.walk lists it; each subfolder before it descends
        for dirpath, dirnames, _ in os.walk(app_root / subdir, followlinks=True):
            rel_dir = os.path.relpath(dirpath, app_root)
            del ancestors[len(Path(rel_dir).parts) :]
            resolved = Path(dirpath).resolve()
            if resolved in ancestors:
                excludes.append(rel_dir)  # a link back to an ancestor: always left out
                dirnames.clear()
                continue
            ancestors.append(resolved)
            is_venv = os.path.isfile(os.path.join(dirpath, _PYVENV_CFG))
            if (os.path.basename(dirpath) == _PYCACHE or is_venv) and add(rel_dir):
                dirnames.clear()
                continue
            dirnames[:] = [d for d in dirnames if os.path.join(rel_dir, d) not in skip]
            for name in dirnames:
                saw_folder(os.path.join(dirpath, name))
    return sorted(excludes)


def app_root(project: ProjectSpec) -> Path:
    """`<project>/<[tool.flet.app].path>` (the global key only), else the project folder."""
    path = project.flet.app.path
    return project.root / path if path else project.root


def app_excludes(root: Path, project: ProjectSpec, platform: str, rules: FletRules) -> list[str]:
    """The exclude list flet build passes serious_python for `platform`."""
    app = project.flet.app
    explicit = ["build", *app.exclude.get(platform, ())]
    default: list[str] = []
    if rules.default_excludes and app.default_excludes.get(platform, True) and root.is_dir():
        default = find_default_excludes(root, app.include.get(platform, ()), explicit)
    return list(dict.fromkeys(explicit + default))


def list_app_files(
    project: ProjectSpec, platform: str = "android", *, extra: Sequence[Path] = ()
) -> AppFiles:
    """The files `flet build` packages as the app of `project` for `platform` ("android"/"ios").

    `extra` adds files that exist only as unsaved editor buffers, when inside the app folder and
    not excluded. Raises InputError when `[tool.flet.app].path` is not a folder.
    """
    root = app_root(project)
    saw_file(root)
    if not root.is_dir():
        raise InputError(
            f"[tool.flet.app].path {project.flet.app.path!r} is not a folder in {project.root}",
            project.flet.app.path_at,
        )
    rules = project.flet_build.rules
    excludes = app_excludes(root, project, platform, rules)
    # serious_python compares each entry's path relative to the app folder with the list as is.
    excluded = {e.strip() for e in excludes}
    found: set[Path] = set()

    def walk(folder: Path, rel_dir: str, ancestors: tuple[Path, ...]) -> None:
        saw_folder(folder)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            rel = entry.name if not rel_dir else f"{rel_dir}/{entry.name}"
            if rel in excluded:
                continue
            path = folder / entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=True)
                is_file = entry.is_file(follow_symlinks=True)
            except OSError:
                continue
            if is_dir:
                resolved = path.resolve()
                if resolved in ancestors:
                    continue  # serious_python would copy forever; flet's default excludes stop it
                walk(path, rel, (*ancestors, resolved))
            elif is_file:
                found.add(path)

    walk(root, "", (root.resolve(),))
    resolved_root = root.resolve()
    for path in extra:
        try:
            rel = Path(os.path.abspath(path)).resolve().relative_to(resolved_root).as_posix()
        except ValueError:
            continue
        parts = rel.split("/")
        prefixes = {"/".join(parts[: i + 1]) for i in range(len(parts))}
        if not prefixes & excluded and "__pycache__" not in parts:
            found.add(root / rel)
    return AppFiles(root, tuple(sorted(found)), tuple(excludes), platform)


def app_python_files(
    project: ProjectSpec, platforms: Sequence[str], *, extra: Sequence[Path] = ()
) -> tuple[Path, tuple[Path, ...]]:
    """The app folder and the `.py` files bundled for at least one of `platforms`.

    Files inside a virtual environment are left out even where flet-cli 0.86 bundles them (it
    has no default excludes): the environment's packages are not the app's imports, and
    scanning them would report every import of every installed package.
    """
    found: set[Path] = set()
    root = app_root(project)
    for platform in dict.fromkeys(platforms):
        listed = list_app_files(project, platform, extra=extra)
        found.update(p for p in listed.files if p.suffix == ".py")
    venv: dict[Path, bool] = {}

    def in_venv(path: Path) -> bool:
        folder = path.parent
        if folder == root or root not in folder.parents:
            return False
        if folder not in venv:
            saw_file(folder / _PYVENV_CFG)
            venv[folder] = (folder / _PYVENV_CFG).is_file() or in_venv(folder)
        return venv[folder]

    return root, tuple(sorted(p for p in found if not in_venv(p)))
