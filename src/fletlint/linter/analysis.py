"""The facts every rule reads: per-target resolutions and what each package offers phones.

A package of the desktop graph whose release has no phone distribution is a *blocker*; whether it
is the build's real culprit (FL001/FL003) or only makes the phone take older releases (FL002) is
decided per blocker with the other blockers held out (`Analysis.verdicts`), as pip would see it
if the others could install. Where the desktop graph fails too (a requirement nothing satisfies,
FL004), there is no graph to look in: the blockers are then the packages where the phone
resolution stops, as pip stops at the first requirement it finds no distribution for.

Rules never touch the network themselves; they read listings the resolutions already fetched
(the client memoizes them), so a rule costs nothing but CPU. The exceptions look inside files
through `archives` (the client, which caches every answer): FL101 reads wheels' member names
for the imports no name explains, FL003 reads the sdists it reports.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol, TypeVar, cast

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

from fletlint.linter.findings import (
    AvailableVersion,
    ChainLink,
    Location,
    PackageSubject,
    VersionChange,
)
from fletlint.linter.index.model import CoreMetadata, DistFile, IndexProblem, ProjectListing
from fletlint.linter.modules import ModuleIndex
from fletlint.linter.resolve import (
    Candidate,
    Conflict,
    Edge,
    Environment,
    PackageSource,
    Provider,
    Resolution,
    ResolverMemos,
    Wanted,
    file_fits,
    fitting_files,
    resolve,
    roots_for,
)
from fletlint.linter.sources.imports import ImportScan
from fletlint.linter.sources.model import DeclaredRequirement, ProjectSpec
from fletlint.linter.stdlib import is_stdlib_anywhere
from fletlint.linter.targets import Target

T = TypeVar("T")


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

    @property
    def constraint(self) -> tuple[str, str | None]:
        """The requirement that holds the package, as people say it, and whose it is (None:
        the project's own): `pydantic==2.12.5 pins pydantic-core==2.41.5`."""
        return constraint_of(self.chain)


@dataclass(frozen=True)
class Verdict:
    """One blocker on one target: the build's culprit, or only a cause of older releases.

    `phone`: the phone resolution that shows what the phone gets instead (the target's own when
    it installs, else the one with the other blockers held out); None when it is a culprit.
    """

    blocker: Blocker
    result: TargetResult
    phone: Resolution | None

    @property
    def blocks_build(self) -> bool:
        return self.phone is None

    def phone_gets(self) -> tuple[VersionChange, ...]:
        """Along the chain, each package whose phone release differs from the desktop's."""
        if self.phone is None:
            return ()
        desktop = self.result.unconstrained.packages
        changes = []
        for link in self.blocker.chain:
            name = canonicalize_name(link.name)
            on_desktop, on_phone = desktop.get(name), self.phone.packages.get(name)
            if on_desktop is None:
                continue
            if on_phone is None:
                changes.append(VersionChange(name, str(on_desktop.version), None))
            elif on_phone.version != on_desktop.version:
                changes.append(VersionChange(name, str(on_desktop.version), str(on_phone.version)))
        return tuple(changes)


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
    # The check's memos of its resolutions (one per environment): the fixes' trials ask them
    # too, rather than filling their own (21 MB and their answers again at 500 packages).
    memos: ResolverMemos | None = None

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
    _verdicts: dict[str, list[Verdict]] = field(default_factory=dict)
    # The fixes of several findings are built at once (threads): each lazily computed answer
    # above is computed by one of them, the others wait for it (`_once`). Shared by the copies
    # `dataclasses.replace` makes, as the answers are.
    _computing: dict[str, threading.Lock] = field(default_factory=dict, repr=False, compare=False)
    _computing_lock: threading.Lock = field(
        default_factory=threading.Lock, repr=False, compare=False
    )

    def _once(self, answers: dict[str, Any], key: str, compute: Callable[[], T]) -> T:
        """`answers[key]`, computed once however many threads ask at the same time."""
        if key in answers:
            return cast(T, answers[key])
        with self._computing_lock:
            lock = self._computing.setdefault(f"{id(answers)}:{key}", threading.Lock())
        with lock:
            if key not in answers:
                answers[key] = compute()
            return cast(T, answers[key])

    def release_files(self, name: str, version: Version) -> tuple[DistFile, ...]:
        """The files of one release on every index."""
        return self.listing(name).by_version.get(version, ())

    def blockers(self, result: TargetResult) -> list[Blocker]:
        return self._once(self._blockers, result.target.name, lambda: self._find_blockers(result))

    def verdicts(self, result: TargetResult) -> list[Verdict]:
        """Each blocker of the target, judged with the other blockers held out (memoized)."""
        return self._once(self._verdicts, result.target.name, lambda: self._judge(result))

    def _judge(self, result: TargetResult) -> list[Verdict]:
        blockers = self.blockers(result)
        if result.unconstrained.gave_up or result.resolution.gave_up:
            return []  # gave up: nothing is proven missing (FL007 says so)
        if not result.unconstrained.ok:
            # Where the phone stops (`_stopping_blockers`): no release the requirements allow
            # has a distribution there, whatever else is held out. No trial needed.
            return [] if result.resolution.ok else [Verdict(b, result, None) for b in blockers]
        if result.resolution.ok:
            return [Verdict(b, result, result.resolution) for b in blockers]
        found = []
        for blocker in blockers:
            others = {b.name for b in blockers if b is not blocker}
            trial = self.resolve_held_out(result, others) if others else result.resolution
            if trial is not None and not trial.ok and self._fails_elsewhere(result, blocker, trial):
                # The phone has a release of it; the build fails on what that release needs,
                # which the resolution's conflicts name (pip names that package, not this one).
                continue
            found.append(Verdict(blocker, result, trial if trial and trial.ok else None))
        return found

    def _fails_elsewhere(self, result: TargetResult, blocker: Blocker, trial: Resolution) -> bool:
        """The failing `trial` names only other packages, and some release of `blocker` has a
        file for the target: then it is not the culprit, whatever the desktop picked."""
        named = {conflict_name(c.requirement) for c in trial.conflicts}
        if not named or blocker.name in named:
            return False
        return any(file_fits(f, result.env) for f in self.listing(blocker.name).files)

    def resolve_held_out(
        self,
        result: TargetResult,
        held_out: Iterable[str],
        requirements: Sequence[DeclaredRequirement] | None = None,
        env: Environment | None = None,
    ) -> Resolution | None:
        """The phone resolution as if the `held_out` packages installed there (their releases
        and dependencies as published): what else fails, or what the phone gets, once those
        are dealt with. Through the engine's store, as every resolution of a check."""
        env = env or result.env
        declared = self.project.requirements if requirements is None else requirements
        roots = roots_for(declared, env, result.target.platform)
        names = frozenset(canonicalize_name(n) for n in held_out)
        if names:
            key = f"{env.key}|held-out:{','.join(sorted(names))}"
            env = dataclasses.replace(env, key=key, held_out=env.held_out | names)
        return self.resolve(env, roots)

    def module_index(self) -> ModuleIndex:
        """Which distribution provides which module, shared by every rule and fix of a check."""
        return self._once(self.memo, "module_index", self._module_index)

    def _module_index(self) -> ModuleIndex:
        reader = self.archives.archive_names if self.archives is not None else None
        return ModuleIndex(reader, lambda name: self.listing(name).files)

    def imported_distributions(self) -> frozenset[NormalizedName]:
        """The distributions that provide a module the app imports, on any target's desktop
        graph: a fix must never take one of them off a phone."""
        return self._once(self.memo, "imported_distributions", self._imported_distributions)

    def _imported_distributions(self) -> frozenset[NormalizedName]:
        names: set[NormalizedName] = set()
        graphs = {id(r.unconstrained): r.unconstrained for r in self.results}
        local = self.imports.local_modules
        for imported in self.imports.imports:
            # A guarded import (try/except ImportError) already copes with its absence.
            if imported.guarded or imported.top in local or is_stdlib_anywhere(imported.module):
                continue
            for graph in graphs.values():
                names.update(self.module_index().providers(imported.module, graph.packages))
        return frozenset(names)

    def subject(self, verdict: Verdict, names: Sequence[str]) -> PackageSubject:
        """The finding's typed subject for a verdict that holds on these targets."""
        constraint, parent = verdict.blocker.constraint
        return PackageSubject(
            name=verdict.blocker.name,
            version=str(verdict.blocker.version),
            constraint=constraint,
            constraint_parent=parent,
            phone_gets=verdict.phone_gets(),
            blocks_build=verdict.blocks_build,
            where=describe_targets(names, self.targets),
        )

    def _find_blockers(self, result: TargetResult) -> list[Blocker]:
        found = []
        graph = result.unconstrained
        if not graph.ok:
            return [] if graph.gave_up else self._stopping_blockers(result)
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

    def _stopping_blockers(self, result: TargetResult) -> list[Blocker]:
        """The blockers of a target whose desktop graph fails too (FL004 names why).

        pip resolves the phone until a requirement has no candidate, and names that one: the
        phone resolution's conflicts. A package they name is a blocker when the requirements
        on it there allow a release on the desktop but none with a distribution for the target
        (nothing on any platform is FL004's; phone releases in a combination the phone
        refuses are FL001's conflict finding).
        """
        wanted: dict[NormalizedName, tuple[SpecifierSet, Conflict]] = {}
        for conflict in result.resolution.conflicts:
            try:
                requirement = Requirement(conflict.requirement)
            except InvalidRequirement:
                continue
            name = canonicalize_name(requirement.name)
            specifier, first = wanted.get(name, (SpecifierSet(), conflict))
            wanted[name] = (specifier & requirement.specifier, first)
        found = []
        for name, (specifier, conflict) in wanted.items():
            version = self._newest_allowed(name, specifier, result.unconstrained.env)
            if version is None or self._newest_allowed(name, specifier, result.env) is not None:
                continue
            path = self._chain_to_conflict(result, conflict, version)
            if path is None:
                continue
            release = self.release_files(name, version)
            sdist_only = bool(release) and not any(f.is_wheel for f in release)
            found.append(Blocker(name, version, path[0], path[1], sdist_only))
        return found

    def _newest_allowed(
        self, name: NormalizedName, specifier: SpecifierSet, env: Environment
    ) -> Version | None:
        """The release pip would pick for `specifier` alone in `env`: the newest with a file that
        fits (pre-releases only when asked for or alone; a yanked one only when pinned)."""
        fitting = list(fitting_files(self.listing(name).files, env, allow_yanked=True))
        current = list(specifier.filter({f.version for f in fitting if not f.yanked}))
        if current:
            return max(current)
        pinned = {
            Version(s.version) for s in specifier if s.operator == "==" and "*" not in s.version
        }
        yanked = pinned & {f.version for f in fitting}
        return max(yanked) if yanked else None

    def _chain_to_conflict(
        self, result: TargetResult, conflict: Conflict, version: Version
    ) -> tuple[DeclaredRequirement, tuple[ChainLink, ...]] | None:
        """The declaration and chain that lead to a failing requirement of the phone resolution.

        A failed resolution keeps no graph: the path to the requirement's parent is walked
        again over the releases the phone would pick for each requirement on its own, reading
        metadata the resolution already read.
        """
        name = conflict_name(conflict.requirement)
        if conflict.parent is None:
            if conflict.declared is None:
                return None
            return conflict.declared, (ChainLink(name, conflict.declared.text, str(version)),)
        path = self._phone_path(result, conflict.parent)
        if path is None:
            return None
        declared, links = path
        return declared, (*links, ChainLink(name, conflict.requirement, str(version)))

    def _phone_path(
        self, result: TargetResult, goal: NormalizedName
    ) -> tuple[DeclaredRequirement, tuple[ChainLink, ...]] | None:
        """Breadth-first from the declared requirements to `goal`, through the newest release
        each requirement allows on the target."""
        if self.source is None:
            return None
        env = result.env
        provider = Provider(self.source, env, self.constraints)
        queue: deque[tuple[Wanted, tuple[ChainLink, ...], DeclaredRequirement]] = deque(
            (root, (), root.declared)
            for root in roots_for(self.project.requirements, env, result.target.platform)
            if root.declared is not None
        )
        seen: set[str] = set()
        while queue:
            wanted, links, declared = queue.popleft()
            if wanted.identifier in seen:
                continue
            seen.add(wanted.identifier)
            version = self._newest_allowed(wanted.name, wanted.specifier, env)
            if version is None:
                continue
            text = wanted.declared.text if wanted.declared is not None else wanted.text
            here = (*links, ChainLink(wanted.name, text, str(version)))
            if wanted.name == goal:
                return declared, here
            files = tuple(
                f
                for f in self.release_files(wanted.name, version)
                if file_fits(f, env, allow_yanked=True)
            )
            # `pkg[extra]` needs pkg's own requirements and the extra's.
            for extras in {frozenset[str](), wanted.extras}:
                candidate = Candidate(wanted.name, version, extras, files)
                for child in provider.get_dependencies(candidate):
                    if child.name != wanted.name:
                        queue.append((child, here, declared))
        return None

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


def constraint_of(chain: Sequence[ChainLink]) -> tuple[str, str | None]:
    """`pydantic==2.12.5 pins pydantic-core==2.41.5`, `the project requires scipy`."""
    if not chain:
        return "", None
    last = chain[-1]
    verb = "pins" if "==" in last.requirement.split(";")[0] else "requires"
    if len(chain) == 1:
        return f"the project {verb} {last.requirement}", None
    parent = chain[-2]
    who = f"{parent.name}=={parent.version}" if parent.version else parent.name
    return f"{who} {verb} {last.requirement}", parent.name


def chain_links(graph: Resolution, edges: Sequence[Edge]) -> tuple[ChainLink, ...]:
    links = []
    for edge in edges:
        picked = graph.packages.get(edge.child)
        text = edge.declared.text if edge.declared is not None else edge.text
        links.append(ChainLink(edge.child, text, str(picked.version) if picked else None))
    return tuple(links)


def location_of(declared: DeclaredRequirement | None) -> Location | None:
    return declared.location if declared is not None else None


_PLATFORM_NAMES = {"android": "android", "ios": "iOS"}


def describe_targets(names: Sequence[str], targets: Sequence[Target]) -> str:
    """How people talk about targets: `all phones`, `android`, `iOS simulators`,
    `android armeabi_v7a`. The checked `targets` are the whole; the finding keeps the list."""
    chosen = [t for t in targets if t.name in names]
    if not chosen:
        return ", ".join(names)
    platforms = {t.platform for t in targets}
    if len(chosen) == len(targets) and len(platforms) > 1:
        return "all phones"
    parts = []
    for platform in sorted({t.platform for t in chosen}):
        mine = [t for t in chosen if t.platform == platform]
        every = [t for t in targets if t.platform == platform]
        label = _PLATFORM_NAMES.get(platform, platform)
        if len(mine) == len(every):
            parts.append(label)
        elif platform == "ios" and {t.abi for t in mine} == _slices(every, simulator=True):
            parts.append("iOS simulators")
        elif platform == "ios" and {t.abi for t in mine} == _slices(every, simulator=False):
            parts.append("iOS devices")
        else:
            parts.append(f"{label} {', '.join(t.abi for t in mine)}")
    return " and ".join(parts)


def _slices(targets: Sequence[Target], *, simulator: bool) -> set[str]:
    return {t.abi for t in targets if t.abi.endswith("simulator") == simulator}


def conflict_name(requirement: str) -> NormalizedName:
    """The project a conflict's requirement text names (`b>=1.0 (from a)` → `b`)."""
    match = _NAME.match(requirement)
    return canonicalize_name(match.group(0) if match else requirement)


_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")
