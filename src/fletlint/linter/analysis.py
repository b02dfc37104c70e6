"""The facts every rule reads: per-target resolutions and what each package offers phones.

Rules never touch the network themselves; they read listings the resolutions already fetched
(the client memoizes them), so a rule costs nothing but CPU. The exceptions look inside files
through `archives` (the client, which caches every answer): FL101 reads wheels' member names
for the imports no name explains, FL003 reads the sdists it reports.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

from packaging.specifiers import SpecifierSet
from packaging.utils import NormalizedName
from packaging.version import Version

from fletlint.linter.findings import AvailableVersion, ChainLink, Location
from fletlint.linter.index.model import CoreMetadata, DistFile, IndexProblem, ProjectListing
from fletlint.linter.resolve import (
    Edge,
    Environment,
    PackageSource,
    Resolution,
    Wanted,
    file_fits,
    resolve,
)
from fletlint.linter.sources.imports import ImportScan
from fletlint.linter.sources.model import DeclaredRequirement, ProjectSpec
from fletlint.linter.targets import Target


class ArchiveReader(Protocol):
    """What the index client offers rules that look inside distribution files."""

    def metadata(self, file: DistFile) -> CoreMetadata: ...

    def archive_names(self, file: DistFile) -> tuple[str, ...]: ...

    def download(self, file: DistFile) -> bytes | None: ...


@dataclass
class TargetResult:
    target: Target
    env: Environment
    resolution: Resolution  # only distributions that install on the target
    unconstrained: Resolution  # same markers, any distribution: what the project means to install


@dataclass(frozen=True)
class Blocker:
    """A package of the unconstrained graph whose picked release cannot install on a target."""

    name: NormalizedName
    version: Version
    declared: DeclaredRequirement
    chain: tuple[ChainLink, ...]
    sdist_only: bool


@dataclass
class Analysis:
    project: ProjectSpec
    targets: tuple[Target, ...]
    results: list[TargetResult]
    problems: tuple[IndexProblem, ...]
    listing: Callable[[str], ProjectListing]
    # The fixes re-resolve with a proposed change, to offer only pins that work.
    source: PackageSource | None = None
    constraints: Mapping[NormalizedName, SpecifierSet] = field(default_factory=dict)
    # The engine's way to resolve (through its store of resolutions); plain `resolve` without.
    resolver: Callable[[Environment, Sequence[Wanted]], Resolution] | None = None

    def resolve(self, env: Environment, roots: Sequence[Wanted]) -> Resolution | None:
        """A trial resolution with other roots (the fixes verify their edits so)."""
        if self.resolver is not None:
            return self.resolver(env, roots)
        if self.source is None:
            return None
        return resolve(self.source, env, roots, self.constraints)

    # The app's imports (FL101, FL102, FL001 at the import line).
    imports: ImportScan = field(default_factory=ImportScan)
    # Looking inside files (wheel member names, sdists): the few rules that need more than
    # metadata go through the index client, which caches every answer.
    archives: ArchiveReader | None = None
    # Results several rules share within one check (e.g. which package provides a module).
    memo: dict[str, Any] = field(default_factory=dict)
    _blockers: dict[str, list[Blocker]] = field(default_factory=dict)

    def release_files(self, name: str, version: Version) -> tuple[DistFile, ...]:
        """The files of one release on every index."""
        return self.listing(name).by_version.get(version, ())

    def blockers(self, result: TargetResult) -> list[Blocker]:
        key = result.target.name
        if key not in self._blockers:
            self._blockers[key] = self._find_blockers(result)
        return self._blockers[key]

    def _find_blockers(self, result: TargetResult) -> list[Blocker]:
        found = []
        graph = result.unconstrained
        for package in sorted(graph.packages.values(), key=lambda p: p.name):
            release = self.release_files(package.name, package.version)
            if any(file_fits(f, result.env, allow_yanked=True) for f in release):
                continue
            path = graph.chain_to(package.name)
            if path is None:
                continue
            declared, edges = path
            found.append(
                Blocker(
                    package.name,
                    package.version,
                    declared,
                    chain_links(graph, edges),
                    sdist_only=bool(release) and not any(f.is_wheel for f in release),
                )
            )
        return found

    def available_for(
        self, name: str, targets: Sequence[TargetResult]
    ) -> tuple[AvailableVersion, ...]:
        """Releases of `name` with a distribution for at least one of these targets, and where."""
        by_version: dict[Version, tuple[set[str], set[str]]] = {}
        for file in self.listing(name).files:
            fitting = [r.target.name for r in targets if file_fits(file, r.env)]
            if fitting:
                indexes, names = by_version.setdefault(file.version, (set(), set()))
                indexes.add(file.index)
                names.update(fitting)
        return tuple(
            AvailableVersion(str(v), ", ".join(sorted(ix)), tuple(sorted(t)))
            for v, (ix, t) in sorted(by_version.items())
        )

    @cached_property
    def all_target_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.targets)


def chain_links(graph: Resolution, edges: Sequence[Edge]) -> tuple[ChainLink, ...]:
    links = []
    for edge in edges:
        picked = graph.packages.get(edge.child)
        text = edge.declared.text if edge.declared is not None else edge.text
        links.append(ChainLink(edge.child, text, str(picked.version) if picked else None))
    return tuple(links)


def location_of(declared: DeclaredRequirement | None) -> Location | None:
    return declared.location if declared is not None else None


def describe_targets(names: Sequence[str], targets: Sequence[Target]) -> str:
    """`android (arm64_v8a, x86_64) or ios (arm64_iphoneos)`: how people talk about targets."""
    by_platform: dict[str, list[str]] = {}
    for target in targets:
        if target.name in names:
            by_platform.setdefault(target.platform, []).append(target.abi)
    return " or ".join(f"{p} ({', '.join(abis)})" for p, abis in by_platform.items())
