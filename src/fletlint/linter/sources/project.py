"""Find a Flet app's dependency list the way `flet build` does, and describe it as a ProjectSpec.

The precedence (see FLET-FACTS.md, "Where `flet build` takes the dependency list from"):
poetry dependencies, else `[project].dependencies`, plus `[tool.flet.<platform>].dependencies`,
with `dev_packages` replacing entries; only when pyproject.toml declares none, `requirements.txt`;
when there is nothing at all, the build installs `flet` itself.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from fletlint.linter.findings import InputError, Location
from fletlint.linter.sources.model import (
    DeclaredRequirement,
    FletSettings,
    IndexOptions,
    ProjectSpec,
)
from fletlint.linter.sources.pyproject import PyprojectResult, apply_dev_packages, read_pyproject
from fletlint.linter.sources.requirements import RequirementsResult, read_requirements

__all__ = ["IMPLICIT_ORIGIN", "flet_version_of", "load_project"]

IMPLICIT_ORIGIN = "implicit"


def _key(path: Path) -> Path:
    return Path(os.path.abspath(path))


def _exists(path: Path, texts: Mapping[Path, str]) -> bool:
    # An unsaved buffer counts as the file even before it is first written to disk.
    return _key(path) in {_key(p) for p in texts} or path.is_file()


def _text_for(path: Path, texts: Mapping[Path, str]) -> str | None:
    key = _key(path)
    for candidate, text in texts.items():
        if _key(candidate) == key:
            return text
    return None


def _split_root(root: Path) -> tuple[Path, Path | None]:
    """The app folder, and the requirements file the user pointed at (if they did)."""
    if root.is_dir():
        return root, None
    if root.name == "pyproject.toml":
        return root.parent, None
    if root.suffix == ".txt":
        return root.parent, root
    if root.exists():
        # Any other file (e.g. main.py) stands for the app folder it lives in.
        return root.parent, None
    raise InputError(f"no such file or folder: '{root}'")


def flet_version_of(requirements: Sequence[DeclaredRequirement]) -> Version | None:
    """The flet version a requirement pins or starts from (`==`, `>=`, `~=`), if any."""
    for declared in requirements:
        req = declared.requirement
        if req is None or canonicalize_name(req.name) != "flet":
            continue
        # An exact pin says more than a lower bound, so look for one first.
        for operators in (("==", "==="), (">=", "~=")):
            for spec in req.specifier:
                if spec.operator in operators:
                    try:
                        return Version(spec.version.removesuffix(".*"))
                    except InvalidVersion:
                        continue
    return None


def _merge_index(results: Sequence[RequirementsResult]) -> IndexOptions:
    index_url: str | None = None
    extra: list[str] = []
    links: list[str] = []
    no_index = False
    for result in results:
        options = result.index_options
        # Like pip reading the files one after another: the last --index-url wins.
        index_url = options.index_url or index_url
        extra += [u for u in options.extra_index_urls if u not in extra]
        links += [u for u in options.find_links if u not in links]
        no_index = no_index or options.no_index
    return IndexOptions(index_url, tuple(extra), tuple(links), no_index)


def _select(
    kind: str,
    wanted: Sequence[str],
    declared: Mapping[str, tuple[DeclaredRequirement, ...]],
    where: Location | None,
) -> list[DeclaredRequirement]:
    # Extra and group names compare normalized (PEP 685, PEP 735).
    by_normal = {canonicalize_name(name): reqs for name, reqs in declared.items()}
    result: list[DeclaredRequirement] = []
    for name in wanted:
        reqs = by_normal.get(canonicalize_name(name))
        if reqs is None:
            known = ", ".join(sorted(declared)) or "none"
            raise InputError(f"unknown {kind} '{name}' (declared: {known})", where)
        result.extend(reqs)
    return result


def load_project(
    root: Path,
    *,
    texts: Mapping[Path, str] | None = None,
    requirements_files: Sequence[Path] = (),
    extras: Sequence[str] = (),
    groups: Sequence[str] = (),
) -> ProjectSpec:
    """Read the app at `root` (a folder, its pyproject.toml, or a requirements file).

    `texts` maps paths to unsaved editor contents that replace the files on disk.
    `requirements_files` replace the discovered dependency list; `extras` and `groups` append
    those optional dependencies / dependency groups to it.
    """
    texts = texts or {}
    folder, pointed = _split_root(root)
    if pointed is not None and not requirements_files:
        requirements_files = (pointed,)

    files: list[Path] = []
    pyproject_path = folder / "pyproject.toml"
    pyproject: PyprojectResult | None = None
    if _exists(pyproject_path, texts):
        pyproject = read_pyproject(
            pyproject_path, text=_text_for(pyproject_path, texts), origin="pyproject.toml"
        )

    requirements: list[DeclaredRequirement] = []
    constraints: list[DeclaredRequirement] = []
    req_results: list[RequirementsResult] = []

    def read_files(paths: Sequence[Path]) -> None:
        for path in paths:
            result = read_requirements(path, texts=texts, root=folder)
            req_results.append(result)
            requirements.extend(result.requirements)
            constraints.extend(result.constraints)
            files.extend(f for f in result.files if f not in files)

    if pyproject is not None:
        files.append(pyproject_path)
    if requirements_files:
        read_files(requirements_files)
    elif pyproject is not None and pyproject.has_dependencies:
        platform_deps = tuple(d for deps in pyproject.platform_dependencies.values() for d in deps)
        requirements.extend(
            apply_dev_packages(pyproject.main_dependencies + platform_deps, pyproject.dev_packages)
        )
    elif _exists(folder / "requirements.txt", texts):
        read_files([folder / "requirements.txt"])
    else:
        # flet build then installs the flet it runs with; its version is unknown here.
        where = Location(str(pyproject_path if pyproject is not None else folder), 1)
        requirements.append(
            DeclaredRequirement("flet", where, IMPLICIT_ORIGIN, Requirement("flet"))
        )

    optional = dict(pyproject.optional) if pyproject is not None else {}
    dependency_groups = dict(pyproject.groups) if pyproject is not None else {}
    table_at = Location(str(pyproject_path), 1) if pyproject is not None else None
    requirements += _select("extra", extras, optional, table_at)
    requirements += _select("dependency group", groups, dependency_groups, table_at)

    return ProjectSpec(
        root=folder,
        requirements=tuple(requirements),
        constraints=tuple(constraints),
        index_options=_merge_index(req_results),
        requires_python=pyproject.requires_python if pyproject is not None else None,
        flet_version=flet_version_of(requirements),
        flet=pyproject.flet if pyproject is not None else FletSettings(),
        optional=optional,
        groups=dependency_groups,
        files=tuple(files),
    )
