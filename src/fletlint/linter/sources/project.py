"""Find a Flet app's dependency list the way `flet build` does, and describe it as a ProjectSpec.

The precedence (see FLET-FACTS.md, "Where `flet build` takes the dependency list from"), per
phone platform: poetry dependencies, else `[project].dependencies`, plus
`[tool.flet.<platform>].dependencies`, with that platform's `dev_packages` replacing entries;
only when that list is empty, `requirements.txt`; when there is nothing at all, `flet` itself.
Settings are resolved with the rules of the flet-cli that will build the app (flet_model).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from fletlint.linter.findings import InputError, Location
from fletlint.linter.flet_model.releases import (
    FletRules,
    choose_flet,
    installed_flet_cli,
)
from fletlint.linter.observed import saw_file
from fletlint.linter.sources.model import (
    AppSettings,
    DeclaredRequirement,
    FletSettings,
    IndexOptions,
    ProjectSpec,
)
from fletlint.linter.sources.pyproject import (
    MOBILE_PLATFORMS,
    FletTable,
    PyprojectResult,
    apply_dev_packages,
    read_pyproject,
)
from fletlint.linter.sources.requirements import RequirementsResult, read_requirements

__all__ = ["IMPLICIT_ORIGIN", "flet_version_of", "load_project"]

IMPLICIT_ORIGIN = "implicit"


def _key(path: Path) -> Path:
    return Path(os.path.abspath(path))


def _exists(path: Path, texts: Mapping[Path, str]) -> bool:
    # An unsaved buffer counts as the file even before it is first written to disk.
    saw_file(path)
    return _key(path) in {_key(p) for p in texts} or path.is_file()


def _text_for(path: Path, texts: Mapping[Path, str]) -> str | None:
    key = _key(path)
    for candidate, text in texts.items():
        if _key(candidate) == key:
            return text
    return None


def _split_root(root: Path) -> tuple[Path, Path | None]:
    """The app folder, and the requirements file the user pointed at (if they did)."""
    saw_file(root)
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


def _flet_specifiers(
    declared: Sequence[DeclaredRequirement],
) -> tuple[list[SpecifierSet], str]:
    found = [
        d
        for d in declared
        if d.requirement is not None and canonicalize_name(d.requirement.name) == "flet"
    ]
    return [d.requirement.specifier for d in found if d.requirement], ", ".join(
        d.text for d in found
    )


def _resolved_settings(table: FletTable | None, rules: FletRules) -> FletSettings:
    """Every `[tool.flet]` setting fletlint uses, as the chosen flet-cli resolves it per platform."""
    if table is None:
        return FletSettings()
    source_packages: dict[str, frozenset[str]] = {}
    target_arch: dict[str, tuple[str, ...]] = {}
    target_arch_at: dict[str, Location] = {}
    exclude: dict[str, tuple[str, ...]] = {}
    include: dict[str, tuple[str, ...]] = {}
    default_excludes: dict[str, bool] = {}
    for platform in MOBILE_PLATFORMS:
        packages = table.strings(rules, platform, "source_packages")
        if packages.value:
            source_packages[platform] = frozenset(canonicalize_name(p) for p in packages.value)
        arch = table.string_or_strings(rules, platform, "target_arch")
        if arch.path is not None:
            target_arch[platform] = tuple(arch.value)
            if arch.location is not None:
                target_arch_at[platform] = arch.location
        exclude[platform] = tuple(table.strings(rules, platform, "app.exclude").value)
        include[platform] = tuple(table.strings(rules, platform, "app.include").value)
        default_excludes[platform] = bool(
            table.boolean(rules, platform, "app.default_excludes", True).value
        )
    path, path_at = table.app_path()
    extract = table.strings(rules, "android", "extract_packages")
    return FletSettings(
        source_packages=source_packages,
        target_arch=target_arch,
        target_arch_at=target_arch_at,
        exclude=exclude["android"],
        app=AppSettings(path, exclude, include, default_excludes, path_at),
        extract_packages=tuple(extract.value),
        extract_packages_at=extract.location,
        extract_packages_scope=(
            "" if extract.path is None else "android" if "android" in extract.path else "global"
        ),
    )


def _per_platform(lists: Mapping[str, Sequence[DeclaredRequirement]]) -> list[DeclaredRequirement]:
    """One list from each phone platform's: an entry every platform has once, platform-free; the
    others tagged with their platform (as `[tool.flet.<platform>].dependencies` are)."""
    result: list[DeclaredRequirement] = []
    platforms = list(lists)
    seen: set[DeclaredRequirement] = set()
    # Sets, not the lists: 10,000 lines would otherwise cost 10,000² comparisons per platform.
    members = {p: set(lists[p]) for p in platforms}
    for platform in platforms:
        for declared in lists[platform]:
            if declared.platform is not None:
                result.append(declared)
                continue
            everywhere = all(declared in members[p] for p in platforms)
            if everywhere:
                if declared not in seen:
                    seen.add(declared)
                    result.append(declared)
            else:
                result.append(dataclasses.replace(declared, platform=platform))
    return result


def load_project(
    root: Path,
    *,
    texts: Mapping[Path, str] | None = None,
    requirements_files: Sequence[Path] = (),
    extras: Sequence[str] = (),
    groups: Sequence[str] = (),
    environ: Mapping[str, str] | None = None,
    extract_packages: Sequence[str] = (),
) -> ProjectSpec:
    """Read the app at `root` (a folder, its pyproject.toml, or a requirements file).

    `texts` maps paths to unsaved editor contents that replace the files on disk.
    `requirements_files` replace the discovered dependency list; `extras` and `groups` append
    those optional dependencies / dependency groups to it. `environ` is where an active virtual
    environment is looked for (the flet-cli installed there builds the app); `extract_packages`
    extends the packages FL107 knows must be extracted on Android.
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

    def read_files(paths: Sequence[Path]) -> list[DeclaredRequirement]:
        found: list[DeclaredRequirement] = []
        for path in paths:
            result = read_requirements(path, texts=texts, root=folder)
            req_results.append(result)
            found.extend(result.requirements)
            constraints.extend(result.constraints)
            files.extend(f for f in result.files if f not in files)
        return found

    if pyproject is not None:
        files.append(pyproject_path)
    # Which flet-cli builds the app decides how the rest is read; its choice needs only the
    # declared `flet` requirement, whichever list it sits in.
    declared_flet = list(pyproject.main_dependencies) if pyproject is not None else []
    if pyproject is not None:
        declared_flet += [
            d for p in MOBILE_PLATFORMS for d in pyproject.platform_dependencies.get(p, ())
        ]
    requirements_txt = folder / "requirements.txt"
    txt_requirements: list[DeclaredRequirement] | None = None
    if requirements_files:
        requirements.extend(read_files(requirements_files))
        declared_flet = list(requirements)
    elif _exists(requirements_txt, texts) and (pyproject is None or not pyproject.has_dependencies):
        txt_requirements = read_files([requirements_txt])
        if pyproject is None or not any(pyproject.dependencies_for(p) for p in MOBILE_PLATFORMS):
            declared_flet = list(txt_requirements)
    # pip applies the constraint files too (`-c pins.txt` holding `flet<1`).
    specifiers, flet_text = _flet_specifiers([*declared_flet, *constraints])
    choice = choose_flet(
        installed=installed_flet_cli(folder, environ if environ is not None else os.environ),
        specifiers=specifiers,
        requirement_text=flet_text,
    )
    rules = choice.rules
    settings = _resolved_settings(pyproject.table if pyproject is not None else None, rules)

    if not requirements_files:
        # flet build assembles each platform's list on its own (package_python_app): the
        # pyproject list plus the platform's own, with that platform's dev_packages applied;
        # when both are empty, requirements.txt; when that is missing too, flet itself.
        where = Location(str(pyproject_path if pyproject is not None else folder), 1)
        # `flet==<the flet next to flet-cli>`: known only when flet-cli is installed.
        text = f"flet=={choice.version}" if choice.how == "installed" else "flet"
        implicit = DeclaredRequirement(text, where, IMPLICIT_ORIGIN, Requirement(text))
        per_platform: dict[str, list[DeclaredRequirement]] = {}
        for platform in MOBILE_PLATFORMS:
            toml = list(pyproject.dependencies_for(platform)) if pyproject is not None else []
            if toml:
                assert pyproject is not None and pyproject.table is not None
                dev = pyproject.table.string_table(rules, platform, "dev_packages").value
                per_platform[platform] = list(apply_dev_packages(toml, dev))
            elif txt_requirements is not None:
                per_platform[platform] = txt_requirements
            else:
                per_platform[platform] = [implicit]
        requirements.extend(_per_platform(per_platform))

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
        requires_python_at=pyproject.requires_python_at if pyproject is not None else None,
        flet_version=choice.version,
        flet=settings,
        optional=optional,
        groups=dependency_groups,
        files=tuple(files),
        flet_build=choice,
        dropped_extras=pyproject.dropped_extras if pyproject is not None else (),
        extract_packages_known=tuple(extract_packages),
    )
