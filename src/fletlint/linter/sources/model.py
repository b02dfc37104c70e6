"""What the project declares, and where: the output of every dependency source."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from fletlint.linter.findings import Location


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
class FletSettings:
    """The `[tool.flet]` keys that change which packages get into the bundle.

    Dicts are keyed by platform ("android", "ios") with "*" for the platform-independent value.
    """

    source_packages: dict[str, frozenset[str]] = field(default_factory=dict)
    target_arch: dict[str, tuple[str, ...]] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProjectSpec:
    """Everything fletlint needs to know about a project, with the location of each fact."""

    root: Path
    requirements: tuple[DeclaredRequirement, ...]
    constraints: tuple[DeclaredRequirement, ...] = ()
    index_options: IndexOptions = IndexOptions()
    requires_python: SpecifierSet | None = None
    flet_version: Version | None = None
    flet: FletSettings = FletSettings()
    # Declared but not bundled by `flet build`; checked only when asked for (`--extra`, `--group`).
    optional: dict[str, tuple[DeclaredRequirement, ...]] = field(default_factory=dict)
    groups: dict[str, tuple[DeclaredRequirement, ...]] = field(default_factory=dict)
    # The files the requirements came from, in the order flet build reads them.
    files: tuple[Path, ...] = ()
