"""What the project declares, and where: the output of every dependency source."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from fletlint.linter.findings import Location
from fletlint.linter.flet_model.releases import FletChoice, newest_flet_choice


@dataclass(frozen=True)
class DeclaredRequirement:
    """One requirement as the project writes it.

    `requirement` is None when the line cannot be checked against an index (a URL, a local path,
    an editable install); `uncheckable_reason` then says why.
    `platform` is set for requirements that apply to one Flet platform only
    (`[tool.flet.android].dependencies` → "android").
    """

    text: str
    location: Location
    origin: str
    requirement: Requirement | None
    uncheckable_reason: str | None = None
    platform: str | None = None
    hashes: tuple[str, ...] = ()


@dataclass(frozen=True)
class IndexOptions:
    """Index settings found inside project files (`--index-url` and friends in requirements files)."""

    index_url: str | None = None
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    no_index: bool = False


@dataclass(frozen=True)
class AppSettings:
    """`[tool.flet.app]` and `[tool.flet.<platform>.app]`: which of the project's files flet build
    packages as the app. Per-platform dicts hold the value flet build uses for that platform
    ("android", "ios"), already resolved the way the chosen flet-cli resolves it."""

    # `[tool.flet.app].path`, relative to the project folder (the global key only); None: the
    # project folder itself.
    path: str | None = None
    exclude: dict[str, tuple[str, ...]] = field(default_factory=dict)
    include: dict[str, tuple[str, ...]] = field(default_factory=dict)
    default_excludes: dict[str, bool] = field(default_factory=dict)
    path_at: Location | None = None


@dataclass(frozen=True)
class DroppedExtras:
    """A Poetry dependency whose `extras = [...]` flet build's conversion leaves out."""

    package: str
    extras: tuple[str, ...]
    location: Location  # the `extras` value
    declared: DeclaredRequirement


@dataclass(frozen=True)
class FletSettings:
    """The `[tool.flet]` keys that change which packages and files get into the bundle.

    Dicts are keyed by platform ("android", "ios") and hold what flet build uses for it:
    `get_platform_setting` of the chosen flet-cli already applied (in 1.0 a platform value wins
    even when empty; in 0.86 an empty one falls through to `[tool.flet]`). `target_arch` keeps
    the spelling written (`arm64-v8a`); `target_arch_at` locates the value that was used.
    """

    source_packages: dict[str, frozenset[str]] = field(default_factory=dict)
    target_arch: dict[str, tuple[str, ...]] = field(default_factory=dict)
    target_arch_at: dict[str, Location] = field(default_factory=dict)
    # Android's `app.exclude`, for readers that predate `app` (see sources/app_files.py).
    exclude: tuple[str, ...] = ()
    app: AppSettings = field(default_factory=AppSettings)
    # `[tool.flet.android].extract_packages` (else `[tool.flet]`'s), as written.
    extract_packages: tuple[str, ...] = ()
    extract_packages_at: Location | None = None
    # Which table that list is in: "android", "global", or "" (neither has one).
    extract_packages_scope: str = ""


@dataclass(frozen=True)
class ProjectSpec:
    """Everything fletlint needs to know about a project, with the location of each fact."""

    root: Path
    requirements: tuple[DeclaredRequirement, ...]
    constraints: tuple[DeclaredRequirement, ...] = ()
    index_options: IndexOptions = IndexOptions()
    # `[project].requires-python` only (flet build never reads Poetry's `python`).
    requires_python: SpecifierSet | None = None
    requires_python_at: Location | None = None
    flet_version: Version | None = None
    flet: FletSettings = FletSettings()
    # Declared but not bundled by `flet build`; checked only when asked for (`--extra`, `--group`).
    optional: dict[str, tuple[DeclaredRequirement, ...]] = field(default_factory=dict)
    groups: dict[str, tuple[DeclaredRequirement, ...]] = field(default_factory=dict)
    # The files the requirements came from, in the order flet build reads them.
    files: tuple[Path, ...] = ()
    # The flet-cli whose rules this project was read with, and why that one.
    flet_build: FletChoice = field(default_factory=newest_flet_choice)
    dropped_extras: tuple[DroppedExtras, ...] = ()
    # `[tool.fletlint] extend-extract-packages`: more packages that must be extracted on Android.
    extract_packages_known: tuple[str, ...] = ()
