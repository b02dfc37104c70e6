"""Dependency resolution for one environment with resolvelib.

An environment is either a phone target (only distributions whose tags fit it, as
`pip install --only-binary :all:` would take them) or the same marker environment without the tag
filter (any wheel or sdist): the "unconstrained" graph that shows what the project *means* to install,
so the difference between the two names what the phone cannot have.
"""

from __future__ import annotations

import dataclasses
import heapq
import math
import threading
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.tags import Tag
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version
from resolvelib import AbstractProvider, BaseReporter, ResolutionImpossible
from resolvelib.resolvers import ResolutionTooDeep
from resolvelib.structs import RequirementInformation, State

from fletlint.linter.index.model import EMPTY, CoreMetadata, DistFile, ProjectListing
from fletlint.linter.resolve_rounds import MemoResolution
from fletlint.linter.sources.model import DeclaredRequirement


class PackageSource(Protocol):
    """What the resolver needs from an index client (a protocol, so tests can pass plain data)."""

    def listing(self, name: str) -> ProjectListing: ...

    def metadata(self, file: DistFile) -> CoreMetadata: ...

    def prefetch(self, names: Iterable[str]) -> None: ...

    def warm_metadata(self, files: Iterable[DistFile]) -> None: ...


@dataclass(frozen=True)
class Environment:
    """Where a resolution installs: markers, Python, and (for a phone) the wheel tags it accepts.

    `tags` None means any distribution fits. `sdist_names` lists the projects that may come from
    an sdist even when `tags` is set (Flet's `source_packages`).
    """

    key: str
    python: str
    markers: Mapping[str, str]
    tags: frozenset[Tag] | None = None
    sdist_names: frozenset[str] = frozenset()
    # Projects whose every file fits here: the rules' blockers "held out" (what else fails, or
    # what the phone gets, were they installable). `key` must say so too.
    held_out: frozenset[str] = frozenset()

    @property
    def constrained(self) -> bool:
        return self.tags is not None


def file_fits(file: DistFile, env: Environment, *, allow_yanked: bool = False) -> bool:
    """Whether `pip --only-binary :all:` for this environment could install this file.

    Yanked files count only when asked for (PEP 592: an exact `==` pin may still select one).
    """
    if file.yanked and not allow_yanked:
        return False
    if file.requires_python is not None and not _python_allowed(file.requires_python, env.python):
        return False
    if env.tags is None or file.name in env.held_out:
        return True
    if file.is_wheel:
        return not file.tags.isdisjoint(env.tags)
    return file.name in env.sdist_names


def fitting_files(
    files: Iterable[DistFile], env: Environment, *, allow_yanked: bool = False
) -> Iterator[DistFile]:
    """The files `file_fits` admits, asked once per kind of file rather than once per file.

    What `file_fits` reads of a file is its name, wheel-ness, tag set, Requires-Python and
    yanked flag; a listing shares one tag set and one Requires-Python object between the files
    that have the same (`shared_tags`, `lenient_specifier`), so pydantic-core's 15,000 files
    come in a few hundred kinds: the rest are dictionary lookups."""
    answers: dict[tuple[str, bool, int, int, bool], bool] = {}
    for file in files:
        kind = (file.name, file.is_wheel, id(file.tags), id(file.requires_python), file.yanked)
        fits = answers.get(kind)
        if fits is None:
            fits = answers[kind] = file_fits(file, env, allow_yanked=allow_yanked)
        if fits:
            yield file


@lru_cache(maxsize=4096)
def _python_allowed(requires_python: SpecifierSet, python: str) -> bool:
    # A pure function of two small values, asked tens of thousands of times per resolution.
    return requires_python.contains(f"{python}.0", prereleases=True)


def marker_applies(marker: Marker | None, env: Environment, extra: str = "") -> bool:
    if marker is None:
        return True
    answer = marker.evaluate({**env.markers, "extra": extra})
    read = getattr(_MARKERS_READ, "answers", None)
    if read is not None:
        read[(id(marker), extra)] = (marker, extra, answer)
    return answer


# The markers this thread evaluated while `reading_markers` records them, with their answers.
_MARKERS_READ = threading.local()
MarkerAnswers = dict[tuple[int, str], tuple[Marker, str, bool]]


@contextmanager
def reading_markers() -> Iterator[MarkerAnswers]:
    """Records every marker `marker_applies` evaluates on this thread, with its answer: a
    resolution is a function of its roots, the files that fit and these answers, so another
    environment where every one of them is the same gets the same resolution."""
    previous = getattr(_MARKERS_READ, "answers", None)
    answers: MarkerAnswers = {}
    _MARKERS_READ.answers = answers
    try:
        yield answers
    finally:
        _MARKERS_READ.answers = previous


def same_marker_answers(answers: MarkerAnswers, env: Environment) -> bool:
    """Whether every recorded marker answers the same in `env`."""
    return all(
        marker.evaluate({**env.markers, "extra": extra}) == answer
        for marker, extra, answer in answers.values()
    )


@dataclass(frozen=True)
class Wanted:
    """A requirement as the resolver sees it, with who asked for it (for chains)."""

    name: NormalizedName
    extras: frozenset[str]
    specifier: SpecifierSet
    text: str
    declared: DeclaredRequirement | None = None
    # `pkg[extra]` asking for `pkg` itself: pip's ExplicitRequirement, which its preference
    # calls "direct" and decides first, and whose specifier it does not weigh.
    direct: bool = False
    # pip's SpecifierWithoutExtrasRequirement: the base `pkg>=1` pip adds for a declared
    # `pkg[extra]>=1` (an internal requirement: no edge of its own).
    split_base: bool = False
    # Taken once, asked millions of times: `str(specifier)` (the resolver's memos are keyed by
    # it), the identifier, and whether the specifier pins one release.
    specifier_key: str = field(init=False, compare=False, repr=False)
    identifier: str = field(init=False, compare=False, repr=False)
    exact: bool = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "specifier_key", str(self.specifier))
        object.__setattr__(self, "identifier", _identifier(self.name, self.extras))
        exact = any(_exact(spec.operator, spec.version) for spec in self.specifier)
        object.__setattr__(self, "exact", exact)


@dataclass(frozen=True)
class Candidate:
    name: NormalizedName
    version: Version
    extras: frozenset[str]
    files: tuple[DistFile, ...] = field(compare=False, hash=False)
    identifier: str = field(init=False, compare=False, hash=False, repr=False)
    # Made when first asked (`as_package`): one per candidate, shared by every verdict built
    # from it. Kept per known resolution instead, the fixes of a cold 500-package check held
    # 74,000 of them at once (8.7 MB, most of its peak above the resolutions').
    _package: ResolvedPackage | None = field(
        default=None, init=False, compare=False, hash=False, repr=False
    )
    _plain: bool | None = field(default=None, init=False, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "identifier", _identifier(self.name, self.extras))

    @property
    def is_plain(self) -> bool:
        """Neither a pre-release nor with a yanked file: nothing but its requirements keeps the
        resolver from picking it. Asked by every walk of a fix's trials (cold 500-package
        check: 0.1 s of the lock when each walk looked at the files again)."""
        plain = self._plain
        if plain is None:
            plain = not self.version.is_prerelease and not any(f.yanked for f in self.files)
            object.__setattr__(self, "_plain", plain)
        return plain

    def as_package(self) -> ResolvedPackage:
        """The release as a resolution's package. Two threads asking at once may each make
        one: equal, and either is kept."""
        package = self._package
        if package is None:
            package = ResolvedPackage(self.name, self.version, self.files)
            object.__setattr__(self, "_package", package)
        return package


# How many of the newest matching releases get their metadata read ahead of the resolver.
_METADATA_LOOKAHEAD = 8
# pip's budget (pip/_internal/resolution/resolvelib/resolver.py: `try_to_avoid_resolution_too_deep
# = 2000000`, passed to resolvelib as 200,000 rounds since pip 21.3): a resolution fletlint calls
# too complex is one pip gives up on too. Affordable because every answer the resolver asks twice
# comes from the environment's memo.
MAX_ROUNDS = 200_000
# How many of the packages a resolution backtracked on most a too-complex finding names.
_BACKTRACKING_SHOWN = 5


class FilesMemo:
    """What an environment's resolutions ask that depends only on which files fit there.

    The files of each project that fit, the versions each specifier allows and the candidates a
    set of requirements admits depend on the Python version and the accepted tags (and the
    projects allowed from sdists or held out), never on the markers: the desktop resolutions of
    every target share one, and so do a phone's resolutions and its trials. Plain dicts: two
    threads that compute one answer at once store equal values.
    """

    def __init__(self) -> None:
        self.by_version: dict[NormalizedName, dict[Version, list[DistFile]]] = {}
        # Each project's fitting versions, newest first (sorted once, not on every match).
        self.newest_first: dict[NormalizedName, tuple[Version, ...]] = {}
        self.matching: dict[tuple[NormalizedName, str], frozenset[Version]] = {}
        # find_matches' answers: (identifier, its specifiers, the constraint, the excluded
        # versions) -> candidates, newest first. The same Candidate objects every time.
        self.matches: dict[
            tuple[str, frozenset[str], str, frozenset[Version]], tuple[Candidate, ...]
        ] = {}
        self.candidates: dict[tuple[NormalizedName, Version, frozenset[str], bool], Candidate] = {}
        # find_matches' answers whose releases' metadata the source was asked to read ahead.
        self.warmed: set[tuple[tuple[str, frozenset[str], str, frozenset[Version]], int]] = set()


class EnvironmentMemo:
    """What resolutions in one environment ask again and again, each answered once per check.

    Each release's dependencies there depend only on the environment and the listings, never on
    the roots or constraints of one resolution: the per-target resolution, the unconstrained one
    and every trial resolution of the fixes share them. The answers that depend only on which
    files fit are `files`' (shared with the environments where the same files fit).
    """

    def __init__(
        self,
        env: Environment,
        files: FilesMemo | None = None,
        satisfies: dict[tuple[str, Version], bool] | None = None,
    ) -> None:
        self.env = env
        self.files = files if files is not None else FilesMemo()
        self.dependencies: dict[tuple[NormalizedName, Version, frozenset[str]], list[Wanted]] = {}
        # Whether a version satisfies a specifier (keyed by its text): true anywhere.
        self.satisfies = satisfies if satisfies is not None else {}


class ResolverMemos:
    """One EnvironmentMemo per environment, for the resolutions of one check (state per run)."""

    def __init__(self) -> None:
        self._memos: dict[tuple[Any, ...], EnvironmentMemo] = {}
        self._files: dict[tuple[Any, ...], FilesMemo] = {}
        self._satisfies: dict[tuple[str, Version], bool] = {}
        self._lock = threading.Lock()

    def for_env(self, env: Environment) -> EnvironmentMemo:
        key = (
            env.key,
            env.python,
            tuple(sorted(env.markers.items())),
            env.tags,
            env.sdist_names,
        )
        # What `file_fits` reads of the environment: with no tags, every file fits.
        fits: tuple[Any, ...] = (env.python, env.tags)
        if env.tags is not None:
            fits += (env.sdist_names, env.held_out)
        with self._lock:
            memo = self._memos.get(key)
            if memo is None:
                files = self._files.setdefault(fits, FilesMemo())
                memo = self._memos[key] = EnvironmentMemo(env, files, self._satisfies)
            return memo


def _exact(operator: str, version: str) -> bool:
    return operator in ("==", "===") and "*" not in version


def _pins(specifiers: Sequence[SpecifierSet], version: Version) -> bool:
    return any(
        _exact(spec.operator, spec.version) and spec.contains(version)
        for specifier in specifiers
        for spec in specifier
    )


# pip's preference, the part that does not change while a criterion stands: (not direct,
# not pinned, not upper-bounded, the order the user asked in, no specifier, identifier).
StandingPreference = tuple[bool, bool, bool, float, bool, str]
# The whole of it: (not promoted by conflicts, *the standing preference).
Preference = tuple[bool, bool, bool, bool, float, bool, str]
# pip promotes a project to be decided first once it was an unpinned backtrack cause this often.
CONFLICT_PRIORITY_THRESHOLD = 5


def standing_preference(
    identifier: str,
    infos: Iterable[RequirementInformation[Wanted, Candidate]],
    requested: Mapping[str, int],
) -> StandingPreference:
    """pip's `PipProvider.get_preference` without its first term (promotion by conflicts):
    direct requirements, then pinned (`==`/`===` without a wildcard), then upper-bounded (`<`,
    `<=`, `~=`, `==` with a wildcard), then in the order the user declared them, then any with a
    specifier, then by name. pip weighs only named requirements' specifiers."""
    direct = pinned = upper = unfree = False
    for info in infos:
        wanted = info.requirement
        if wanted.direct:
            direct = True
            continue
        for spec in wanted.specifier:
            unfree = True
            operator, version = spec.operator, spec.version
            if operator[:2] == "==" and "*" not in version:
                pinned = True
            if operator in ("<", "<=", "~=") or (operator == "==" and "*" in version):
                upper = True
    return (
        not direct,
        not pinned,
        not upper,
        requested.get(identifier, math.inf),
        not unfree,
        identifier,
    )


def _identifier(name: str, extras: frozenset[str]) -> str:
    return f"{name}[{','.join(sorted(extras))}]" if extras else name


def preferred_file(files: Sequence[DistFile], env: Environment) -> DistFile:
    """The file whose metadata stands for the release: a pure wheel, else a fitting wheel, else any.

    Releases rarely vary their dependencies per wheel; preferring one that fits the target keeps
    the rare platform-specific metadata right.
    """
    wheels = [f for f in files if f.is_wheel]
    for f in wheels:
        if f.is_pure:
            return f
    if env.tags is not None:
        for f in wheels:
            if not f.tags.isdisjoint(env.tags):
                return f
    return wheels[0] if wheels else files[0]


def release_file(files: Iterable[DistFile], version: Version, env: Environment) -> DistFile | None:
    """The file whose metadata `env` reads for `version` (`preferred_file` of those that fit,
    yanked ones too: a pin may select one); None when none fits. What to read ahead of a trial
    that will take this release."""
    fitting = [f for f in files if f.version == version and file_fits(f, env, allow_yanked=True)]
    return preferred_file(fitting, env) if fitting else None


def extras_of(requirement: Requirement) -> frozenset[str]:
    """A requirement's extras, normalized (the shared EMPTY when it has none)."""
    if not requirement.extras:
        return EMPTY
    return frozenset(canonicalize_name(e) for e in requirement.extras)


def requirement_text(req: Requirement) -> str:
    """The requirement as a person writes it, without its marker (chains show what was asked)."""
    extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
    return f"{req.name}{extras}{req.specifier}"


class Provider(AbstractProvider[Wanted, Candidate, str]):
    def __init__(
        self,
        source: PackageSource,
        env: Environment,
        constraints: Mapping[NormalizedName, SpecifierSet],
        memo: EnvironmentMemo | None = None,
    ) -> None:
        self._source = source
        self._env = env
        # The same markers with any distribution: what the desktop beside this phone reads.
        self._desktop = dataclasses.replace(
            env, tags=None, held_out=frozenset(), sdist_names=frozenset()
        )
        self._constraints = constraints
        # Backtracking asks the same questions many times, and so do the other resolutions of
        # the check in this environment: the memo keeps each answer.
        memo = memo if memo is not None else EnvironmentMemo(env)
        self._files = memo.files
        self._by_version = memo.files.by_version
        self._matching = memo.files.matching
        self._dependencies = memo.dependencies
        self._satisfies = memo.satisfies
        self._consulted: set[NormalizedName] = set()
        # pip's PipProvider state: the order roots were declared in (identifier -> first index),
        # how often each unpinned project was a backtrack cause, and those promoted for it.
        self.requested: dict[str, int] = {}
        self._conflict_counts: Counter[str] = Counter()
        self.conflict_promoted: set[str] = set()

    def identify(self, requirement_or_candidate: Wanted | Candidate) -> str:
        return requirement_or_candidate.identifier

    def get_preference(
        self,
        identifier: str,
        resolutions: Mapping[str, Candidate],
        candidates: Mapping[str, Iterator[Candidate]],
        information: Mapping[str, Iterator[RequirementInformation[Wanted, Candidate]]],
        backtrack_causes: Sequence[RequirementInformation[Wanted, Candidate]],
    ) -> tuple[bool, bool, bool, bool, float, bool, str]:
        standing = standing_preference(identifier, information[identifier], self.requested)
        return (identifier not in self.conflict_promoted, *standing)

    def narrow_requirement_selection(
        self,
        identifiers: Iterable[str],
        resolutions: Mapping[str, Candidate],
        candidates: Mapping[str, Iterator[Candidate]],
        information: Mapping[str, Iterator[RequirementInformation[Wanted, Candidate]]],
        backtrack_causes: Sequence[RequirementInformation[Wanted, Candidate]],
    ) -> Iterable[str]:
        """pip's `PipProvider.narrow_requirement_selection`: after a conflict, decide its
        causes (the requirements and their parents) first; a project that was an unpinned cause
        often is promoted for good. Without it a resolver walks back unrelated pins where pip
        does not (issue 7's langchain + openai + flet universe: FL007 where pip installs)."""
        causes: set[str] = set()
        for info in backtrack_causes:
            names = [info.requirement.identifier]
            if info.parent is not None:
                names.append(info.parent.identifier)
            for name in names:
                causes.add(name)
                if name not in resolutions:
                    self._conflict_counts[name] += 1
                    if self._conflict_counts[name] >= CONFLICT_PRIORITY_THRESHOLD:
                        self.conflict_promoted.add(name)
        current = []
        promoted = []
        for identifier in identifiers:
            if identifier in causes:
                current.append(identifier)
            elif identifier in self.conflict_promoted:
                promoted.append(identifier)
        return current or promoted or identifiers

    def _versions(self, name: NormalizedName) -> dict[Version, list[DistFile]]:
        """Fitting files by version, yanked ones included (find_matches decides on those)."""
        self._consulted.add(name)
        found = self._by_version.get(name)
        if found is None:
            found = defaultdict(list)
            for file in fitting_files(
                self._source.listing(name).files, self._env, allow_yanked=True
            ):
                found[file.version].append(file)
            self._files.newest_first[name] = tuple(sorted(found, reverse=True))
            self._by_version[name] = found
        return found

    def find_matches(
        self,
        identifier: str,
        requirements: Mapping[str, Iterator[Wanted]],
        incompatibilities: Mapping[str, Iterator[Candidate]],
    ) -> Sequence[Candidate]:
        # One pass over the requirements, keeping each distinct specifier once: a project named
        # by thousands of requirements (or asked about in every round) costs a set lookup each.
        specifiers: dict[str, SpecifierSet] = {}
        first: Wanted | None = None
        for wanted in requirements[identifier]:
            if first is None:
                first = wanted
            if wanted.specifier_key not in specifiers:
                specifiers[wanted.specifier_key] = wanted.specifier
        if first is None:
            return ()
        name = first.name
        if first.extras and name in requirements:
            # pip's factory.find_candidates: `pkg[extra]` is also held to the requirements on
            # `pkg` itself (`pkg==2.1rc1` beside `pkg[extra]` admits that pre-release for both).
            for wanted in requirements[name]:
                if wanted.specifier_key not in specifiers:
                    specifiers[wanted.specifier_key] = wanted.specifier
        constraint = self._constraints.get(name)
        constraint_key = str(constraint) if constraint is not None else ""
        excluded = frozenset(c.version for c in incompatibilities[identifier]) or EMPTY
        versions = self._versions(name)
        key = (identifier, frozenset(specifiers), constraint_key, excluded)
        matches = self._files.matches.get(key)
        if matches is None:
            every = list(specifiers.values())
            if constraint is not None:
                every.append(constraint)
            matches = self._files.matches[key] = self._matches(
                name, first.extras, every, versions, excluded
            )
        # Once the resolver has rejected a release of this project it is walking back through
        # them: read several ahead. Otherwise only the first is likely to be needed. Asked once
        # per answer: the metadata stays read.
        ahead = _METADATA_LOOKAHEAD if excluded else 1
        if (key, ahead) not in self._files.warmed:
            self._files.warmed.add((key, ahead))
            self._source.warm_metadata(preferred_file(c.files, self._env) for c in matches[:ahead])
        return matches

    def _matches(
        self,
        name: NormalizedName,
        extras: frozenset[str],
        specifiers: Sequence[SpecifierSet],
        versions: Mapping[Version, list[DistFile]],
        excluded: frozenset[Version],
    ) -> tuple[Candidate, ...]:
        allowed: frozenset[Version] | None = None
        for specifier in specifiers:
            matching = self._matching_versions(name, specifier, versions)
            allowed = matching if allowed is None else allowed & matching
        if allowed is None:
            allowed = frozenset(versions)
        # pip's rule: pre-releases only when a specifier names one, or when nothing else matches.
        allow_pre = any(s.prereleases for s in specifiers) or all(v.is_prerelease for v in allowed)
        matches = []
        for version in self._files.newest_first[name]:
            if version in excluded or version not in allowed:
                continue
            if version.is_prerelease and not allow_pre:
                continue
            files = versions[version]
            usable = [f for f in files if not f.yanked]
            # PEP 592: an exact pin may select a yanked release.
            yanked = not usable and _pins(specifiers, version)
            if usable or yanked:
                matches.append(self._candidate(name, version, extras, files, yanked))
        return tuple(matches)

    def _candidate(
        self,
        name: NormalizedName,
        version: Version,
        extras: frozenset[str],
        files: Sequence[DistFile],
        yanked: bool,
    ) -> Candidate:
        key = (name, version, extras, yanked)
        found = self._files.candidates.get(key)
        if found is None:
            usable = tuple(files) if yanked else tuple(f for f in files if not f.yanked)
            found = self._files.candidates[key] = Candidate(name, version, extras, usable)
        return found

    @property
    def consulted(self) -> tuple[NormalizedName, ...]:
        """The projects this resolution read (not every one the shared memo knows)."""
        return tuple(sorted(self._consulted))

    def _matching_versions(
        self, name: NormalizedName, specifier: SpecifierSet, versions: Iterable[Version]
    ) -> frozenset[Version]:
        key = (name, str(specifier))
        found = self._matching.get(key)
        if found is None:
            found = frozenset(v for v in versions if specifier.contains(v, prereleases=True))
            self._matching[key] = found
        return found

    def is_satisfied_by(self, requirement: Wanted, candidate: Candidate) -> bool:
        return self.meets(requirement, candidate.version)

    def meets(self, requirement: Wanted, version: Version) -> bool:
        """Whether the version satisfies the requirement's specifier (memoised)."""
        key = (requirement.specifier_key, version)
        known = self._satisfies.get(key)
        if known is None:
            known = self._satisfies[key] = requirement.specifier.contains(version, prereleases=True)
        return known

    def known_candidate(self, requirement: Wanted, version: Version) -> Candidate | None:
        """The candidate find_matches gave for this release before (files not yanked), when the
        constraint on its project allows it; None: ask find_matches."""
        found = self._files.candidates.get((requirement.name, version, requirement.extras, False))
        constraint = self._constraints.get(requirement.name)
        if found is None or (constraint is not None and not constraint.contains(version, True)):
            return None
        return found

    def get_dependencies(self, candidate: Candidate) -> list[Wanted]:
        key = (candidate.name, candidate.version, candidate.extras)
        known = self._dependencies.get(key)
        if known is None:
            known = self._dependencies[key] = self._read_dependencies(candidate)
        return known

    def _warm_for_desktop(self, candidate: Candidate, chosen: DistFile) -> None:
        """Start reading the metadata a desktop reads for this native release, from its own
        file (PyPI's macOS wheel where a phone reads Flet's Android one): where the desktop
        resolution picks another release, the fixes' trials put this one on the desktop, and
        a range request here took 0.1-0.17 s when the trial waited for it. Read beside the
        phone's own metadata, not after the resolutions; the same file is read once."""
        every = self._source.listing(candidate.name).by_version.get(candidate.version, ())
        desktop = release_file(every, candidate.version, self._desktop)
        if desktop is not None and desktop.url != chosen.url:
            self._source.warm_metadata([desktop])

    def _read_dependencies(self, candidate: Candidate) -> list[Wanted]:
        deps: list[Wanted] = []
        if candidate.extras:
            # `pkg[extra]` depends on `pkg` itself at the same version, plus the extra's requirements.
            deps.append(
                Wanted(
                    candidate.name,
                    EMPTY,
                    SpecifierSet(f"=={candidate.version}"),
                    f"{candidate.name}=={candidate.version}",
                    direct=True,
                )
            )
        chosen = preferred_file(candidate.files, self._env)
        if self._env.tags is not None and not chosen.is_pure:
            self._warm_for_desktop(candidate, chosen)
        metadata = self._source.metadata(chosen)
        for req in metadata.requires_dist:
            if candidate.extras:
                # As pip's ExtrasCandidate: the release's own requirements too, in metadata order
                # (the first one without a candidate is the one pip's error names).
                applies = any(
                    marker_applies(req.marker, self._env, extra) for extra in candidate.extras
                )
            else:
                applies = marker_applies(req.marker, self._env)
            if applies:
                deps.append(
                    Wanted(
                        canonicalize_name(req.name),
                        extras_of(req),
                        req.specifier,
                        requirement_text(req),
                    )
                )
        # Ask for the children's listings together: the resolver will want them one by one next.
        self._source.prefetch(d.name for d in deps)
        return deps


@dataclass(frozen=True)
class Edge:
    parent: NormalizedName | None  # None: a declared (root) requirement
    child: NormalizedName
    text: str
    declared: DeclaredRequirement | None = None


@dataclass(frozen=True)
class ResolvedPackage:
    name: NormalizedName
    version: Version
    files: tuple[DistFile, ...]  # the release's files that fit the environment


@dataclass(frozen=True)
class Conflict:
    """Why a resolution failed: the requirements that could not be met together."""

    requirement: str
    parent: NormalizedName | None
    declared: DeclaredRequirement | None


@dataclass
class Resolution:
    env: Environment
    packages: dict[NormalizedName, ResolvedPackage] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    error: str | None = None
    # The resolver ran out of budget: the outcome is unknown, not a failure of the packages.
    gave_up: bool = False
    # When it gave up: the packages it backtracked on most, most first, and its budget in rounds.
    backtracking: tuple[NormalizedName, ...] = ()
    budget: int = 0
    # Every project whose listing the resolution read: what a stored result depends on.
    consulted: tuple[NormalizedName, ...] = ()
    # chain_to's index of `edges` by parent, and how many edges it covers (edges are only
    # appended): the rules and the fixes ask for hundreds of chains in one resolution.
    _children: tuple[int, dict[NormalizedName | None, list[Edge]]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def ok(self) -> bool:
        return self.error is None

    def chain_to(self, name: NormalizedName) -> tuple[DeclaredRequirement, list[Edge]] | None:
        """The shortest path from a declared requirement to `name` (breadth-first, stable order)."""
        known = self._children
        if known is not None and known[0] == len(self.edges):
            children = known[1]
        else:
            children = {}
            for edge in self.edges:
                children.setdefault(edge.parent, []).append(edge)
            self._children = (len(self.edges), children)
        frontier: list[tuple[Edge, list[Edge]]] = [(e, [e]) for e in children.get(None, ())]
        seen: set[NormalizedName] = set()
        while frontier:
            following: list[tuple[Edge, list[Edge]]] = []
            for edge, path in frontier:
                if edge.child == name and path[0].declared is not None:
                    return path[0].declared, path
                if edge.child in seen:
                    continue
                seen.add(edge.child)
                following.extend((e, [*path, e]) for e in children.get(edge.child, ()))
            frontier = following
        return None


def roots_for(
    declared: Iterable[DeclaredRequirement], env: Environment, platform: str | None
) -> list[Wanted]:
    """The declared requirements that apply in this environment, as resolver requirements."""
    roots = []
    for item in declared:
        req = item.requirement
        if req is None or item.uncheckable_reason:
            continue
        if item.platform is not None and item.platform != platform:
            continue
        if not marker_applies(req.marker, env):
            continue
        known = _ROOTS.get(id(item))
        if known is None or known[0] is not item:
            if len(_ROOTS) >= _ROOTS_KEPT:
                _ROOTS.clear()
            wanted = Wanted(
                canonicalize_name(req.name),
                extras_of(req),
                req.specifier,
                requirement_text(req),
                item,
            )
            known = _ROOTS[id(item)] = (item, wanted)
        roots.append(known[1])
    return roots


# Each declared requirement's Wanted (id -> the requirement, which keeps the id its own, and
# its Wanted): the fixes ask `roots_for` of every trial's requirements in every environment,
# mostly the same objects (2,600 times 129 roots in a check of 500 packages). Bounded, as a
# language server checks again and again.
_ROOTS: dict[int, tuple[DeclaredRequirement, Wanted]] = {}
_ROOTS_KEPT = 50_000


class _BacktrackRecorder(BaseReporter[Wanted, Candidate, str]):
    """Counts, per project, how often the resolver rejected a release or met it in a conflict."""

    def __init__(self) -> None:
        self.counts: Counter[NormalizedName] = Counter()

    def rejecting_candidate(self, criterion: Any, candidate: Candidate) -> None:
        self.counts[candidate.name] += 1

    def resolving_conflicts(
        self, causes: Collection[RequirementInformation[Wanted, Candidate]]
    ) -> None:
        for cause in causes:
            self.counts[cause.requirement.name] += 1
            if cause.parent is not None:
                self.counts[cause.parent.name] += 1

    def most(self) -> tuple[NormalizedName, ...]:
        ranked = sorted(self.counts.items(), key=lambda item: (-item[1], item[0]))
        return tuple(name for name, _ in ranked[:_BACKTRACKING_SHOWN])


def _record_failure(
    resolution: Resolution,
    exc: ResolutionImpossible[Wanted, Candidate] | ResolutionTooDeep,
    max_rounds: int,
    recorder: _BacktrackRecorder,
) -> None:
    if isinstance(exc, ResolutionTooDeep):
        resolution.error = f"gave up after {max_rounds} rounds of backtracking"
        resolution.gave_up = True
        resolution.backtracking = recorder.most()
        resolution.budget = max_rounds
        return
    resolution.error = "no set of releases satisfies every requirement"
    for cause in exc.causes:
        resolution.conflicts.append(
            Conflict(
                cause.requirement.text,
                cause.parent.name if cause.parent else None,
                cause.requirement.declared,
            )
        )


class _Resolution(MemoResolution[Wanted, Candidate, str]):
    """The resolution loop with the provider's preference answered once per criterion: among
    the unsatisfied projects every round asks which to decide first (resolvelib never changes a
    criterion in place, so the memo keeps each one alive and its id stays its own)."""

    def __init__(self, provider: Provider, reporter: BaseReporter[Wanted, Candidate, str]) -> None:
        super().__init__(provider, reporter)
        self._provider = provider
        self._promoted = provider.conflict_promoted
        # id(criterion) -> (criterion, its preference unpromoted, promoted)
        self._preferences: dict[int, tuple[object, Preference, Preference]] = {}
        # The unsatisfied names by preference, for rounds that pick among all of them: entries
        # (preference, sequence, name, criterion), current while the name is unsatisfied with
        # that criterion. Built for one `_unsatisfied` dict and one set of promoted projects
        # (a sweep makes a new dict; a promotion changes preferences): either way, built again.
        self._heap: list[tuple[Preference, int, str, object]] = []
        self._heap_for: dict[str, None] | None = None
        self._heap_promoted = 0
        self._pushed = 0

    def _pick(self, names: list[str], every: bool) -> str:
        unsatisfied = self._unsatisfied
        if not every or unsatisfied is None:
            return super()._pick(names, every)
        heap = self._heap
        criteria = self._states[-1].criteria
        if self._heap_for is not unsatisfied or self._heap_promoted != len(self._promoted):
            heap.clear()
            for name in names:
                self._pushed += 1
                heap.append((self._get_preference(name), self._pushed, name, criteria[name]))
            heapq.heapify(heap)
            self._heap_for = unsatisfied  # held: the dict itself, not an id that may be reused
            self._heap_promoted = len(self._promoted)
        while True:
            _, _, name, held = heap[0]
            if name in unsatisfied and criteria.get(name) is held:
                return name  # the least preference of all (it ends in the identifier: unique)
            heapq.heappop(heap)

    def _now_unsatisfied(self, name: str, criterion: object) -> None:
        if self._heap_for is None:
            return  # no round has picked among all of them yet: the heap is built then
        self._pushed += 1
        entry = (self._get_preference(name), self._pushed, name, criterion)
        heapq.heappush(self._heap, entry)

    def _get_preference(self, name: str) -> Preference:
        # Provider.get_preference's answer, without building its mappings every round (asked
        # of every unsatisfied name every round: both answers are built once).
        criterion = self._states[-1].criteria[name]
        known = self._preferences.get(id(criterion))
        if known is None:
            standing = standing_preference(name, criterion.information, self._provider.requested)
            known = (criterion, (True, *standing), (False, *standing))
            self._preferences[id(criterion)] = known
        return known[2] if name in self._promoted else known[1]


def resolve(
    source: PackageSource,
    env: Environment,
    roots: Sequence[Wanted],
    constraints: Mapping[NormalizedName, SpecifierSet] | None = None,
    max_rounds: int = MAX_ROUNDS,
    memo: EnvironmentMemo | None = None,
) -> Resolution:
    """Resolve `roots` in `env`; `memo`: the check's memo for `env` (ResolverMemos.for_env)."""
    # pip's preference orders roots as declared (identifier -> its first place), whatever
    # order they are added to the resolver in.
    requested: dict[str, int] = {}
    for index, root in enumerate(roots):
        requested.setdefault(root.identifier, index)
    # Requirements the resolver cannot tell apart (same project, extras and specifier: a file
    # naming one package thousands of times) go to it once; each resolvelib round walks every
    # requirement on a project. The copies come back as edges of their own. A failure is
    # resolved again with every copy: which ones its conflict names depends on where it arose.
    distinct: dict[tuple[str, str], list[int]] = {}
    for index, root in enumerate(roots):
        distinct.setdefault((root.identifier, root.specifier_key), []).append(index)
    if len(distinct) < len(roots):
        copies = {id(roots[group[0]]): group for group in distinct.values()}
        resolution = _resolve(
            source,
            env,
            [roots[g[0]] for g in distinct.values()],
            constraints,
            max_rounds,
            memo,
            roots,
            copies,
            requested,
        )
        if resolution.ok:
            return resolution
    return _resolve(source, env, roots, constraints, max_rounds, memo, roots, {}, requested)


def reachable_pins(state: State[Wanted, Candidate, str]) -> dict[str, Candidate]:
    """The pins of a finished resolution that a root's requirements lead to, what resolvelib's
    `_build_result` keeps. Backjumping can leave pins that only require each other (b needs c,
    c needs b, nothing else needs either); resolvelib's recursive walk never ends on such a
    cycle (RecursionError, found by hypothesis), so this one walks down from the roots."""
    key_of = {id(candidate): key for key, candidate in state.mapping.items()}
    children: dict[str | None, list[str]] = {}
    for key, criterion in state.criteria.items():
        for parent in criterion.iter_parent():
            parent_key = None if parent is None else key_of.get(id(parent), _NOT_PINNED)
            if parent_key != _NOT_PINNED:
                children.setdefault(parent_key, []).append(key)
    reached: set[str | None] = {None}
    todo: list[str | None] = [None]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in reached:
                reached.add(child)
                todo.append(child)
    return {k: v for k, v in state.mapping.items() if k in reached}


_NOT_PINNED = "\0not pinned"  # no identifier has a NUL


def _as_pip_adds(roots: Sequence[Wanted]) -> list[Wanted]:
    """The roots as pip's collect_root_requirements adds them: `pkg[extra]` with a specifier
    becomes the base `pkg<spec>` in its place plus `pkg[extra]<spec>`, and every requirement
    with extras goes last. Of two roots nothing satisfies, the first added is the one pip's
    error names."""
    bases: list[Wanted] = []
    with_extras: list[Wanted] = []
    for root in roots:
        if not root.extras:
            bases.append(root)
            continue
        if len(root.specifier):
            bases.append(dataclasses.replace(root, extras=EMPTY, split_base=True))
        with_extras.append(root)
    return bases + with_extras


def _resolve(
    source: PackageSource,
    env: Environment,
    distinct: Sequence[Wanted],
    constraints: Mapping[NormalizedName, SpecifierSet] | None,
    max_rounds: int,
    memo: EnvironmentMemo | None,
    roots: Sequence[Wanted],
    copies: Mapping[int, list[int]],
    requested: Mapping[str, int],
) -> Resolution:
    """`resolve` of the `distinct` roots; `copies`: id of a root given -> indexes in `roots` of
    the requirements it stands for (all of them, itself first)."""
    provider = Provider(source, env, constraints or {}, memo)
    provider.requested.update(requested)
    recorder = _BacktrackRecorder()
    resolution = Resolution(env)
    source.prefetch(r.name for r in distinct)
    try:
        state = _Resolution(provider, recorder).resolve(
            _as_pip_adds(distinct), max_rounds=max_rounds
        )
        pinned = reachable_pins(state)
    except (ResolutionImpossible, ResolutionTooDeep) as exc:
        resolution.consulted = provider.consulted
        _record_failure(resolution, exc, max_rounds, recorder)
        return resolution
    resolution.consulted = provider.consulted
    for candidate in pinned.values():
        if candidate.name not in resolution.packages or not candidate.extras:
            resolution.packages[candidate.name] = candidate.as_package()
    for identifier, criterion in state.criteria.items():
        child = canonicalize_name(identifier.split("[")[0])
        # Declared requirements come first in a criterion (they are added before any pin), in
        # the order given: with their copies, in the order of `roots` again.
        declared = (
            sorted(
                index
                for info in criterion.information
                if info.parent is None and not info.requirement.split_base
                for index in copies[id(info.requirement)]
            )
            if copies
            else []
        )
        for index in declared:
            root = roots[index]
            resolution.edges.append(Edge(None, child, root.text, root.declared))
        for info in criterion.information:
            if (copies and info.parent is None) or info.requirement.split_base:
                continue
            parent = info.parent.name if info.parent is not None else None
            if parent == child:
                continue  # `pkg[extra]` → `pkg`: an internal step, not a dependency
            resolution.edges.append(
                Edge(parent, child, info.requirement.text, info.requirement.declared)
            )
    return resolution


class Proofs:
    """What `solution_from` proved with one set of releases in one environment (`proven`)."""

    def __init__(self) -> None:
        # Projects (identifiers) whose releases, with everything below them, are met.
        self.identifiers: set[str] = set()
        # id(requirement) -> (that requirement, the candidate of the proven project it is met
        # on): the requirement is kept, so its id names no other object while this lives.
        self.met: dict[int, tuple[Wanted, Candidate]] = {}


def solution_from(
    source: PackageSource,
    env: Environment,
    roots: Sequence[Wanted],
    releases: Mapping[NormalizedName, Version],
    constraints: Mapping[NormalizedName, SpecifierSet] | None = None,
    memo: EnvironmentMemo | None = None,
    proven: Proofs | None = None,
    *,
    repair: bool = False,
) -> dict[str, Candidate] | None:
    """`releases` (another resolution's, say) as a resolution of `roots` in `env`, or None.

    Walks the requirements from the roots, taking for each project the release named: every
    requirement met, every release one the resolver could pick there (find_matches with all
    the requirements on it: fitting files, yanked and pre-release rules, constraints). Then a
    solution exists, and `resolve` (which backtracks until it finds one) succeeds too: a
    verdict without resolving. Not which releases `resolve` picks: those can differ.

    `proven`: projects (identifiers) whose releases, with everything they need, an earlier
    call with the same `releases`, environment and constraints found met; a call that finds
    a solution adds its own. The walk does not go below them again. Kept only from walks
    without pre-releases or yanked files, the only releases the final check looks at again.
    With them, the requirements (the same objects) found met on a proven project: asked
    again, each is one lookup.

    `repair`: when the named releases are no solution, walk again, and where the first
    requirement on a project is not met by the release named (or none is named), take the
    newest release that meets it instead (a trial that pins a parent to an older release
    needs that release and what it requires). Where a later requirement is not met by the
    release taken, walk again with the newest release that meets every requirement on it
    met so far (up to _REPAIR_WALKS times): None then, though a solution may exist. A
    solution found is checked as any other, so it is one. Nothing is proven from a repair.
    """
    provider = Provider(source, env, constraints or {}, memo)
    # The roots first: most known resolutions that are no answer differ from a trial there,
    # and the last first: a trial's added requirements come last.
    met = proven.met if proven is not None else {}
    if all(
        ((known := met.get(id(root))) is not None and known[0] is root)
        or ((version := releases.get(root.name)) is not None and provider.meets(root, version))
        for root in reversed(roots)
    ):
        chosen = _walk_releases(provider, roots, releases, proven, None)
        if isinstance(chosen, dict) or not repair:
            return chosen if isinstance(chosen, dict) else None
    elif not repair:
        return None
    taken: dict[NormalizedName, Version] = {}
    for _ in range(_REPAIR_WALKS):
        outcome = _walk_releases(provider, roots, releases, None, taken)
        if not isinstance(outcome, _Unmet):
            return outcome
        version = _newest_meeting(provider, outcome.requirements)
        if version is None or taken.get(outcome.name) == version:
            return None
        taken[outcome.name] = version
    return None


# How many times a repairing `solution_from` walks again, each time with one more release taken
# that every requirement met so far on its project allows.
_REPAIR_WALKS = 8


@dataclass(frozen=True)
class _Unmet:
    """A repairing walk's dead end: a project whose release, taken for the first requirement
    on it, does not meet a later one (`requirements`: all of them, that one last)."""

    name: NormalizedName
    requirements: list[Wanted]


def _walk_releases(
    provider: Provider,
    roots: Sequence[Wanted],
    releases: Mapping[NormalizedName, Version],
    proven: Proofs | None,
    taken: Mapping[NormalizedName, Version] | None,
) -> dict[str, Candidate] | _Unmet | None:
    """`solution_from`'s walk. Repairing (`taken` given: releases chosen by earlier walks
    instead of those named), a project's release is the one taken, else the one named when it
    meets the first requirement on the project, else the newest that does."""
    wanted: dict[str, list[Wanted]] = {}
    chosen: dict[str, Candidate] = {}
    # Repairing: the release of each project some requirement was met on, and those
    # requirements.
    settled: dict[NormalizedName, Version] = {}
    met: dict[NormalizedName, list[Wanted]] = defaultdict(list)
    pending = list(roots)
    version: Version | None
    proven_met = proven.met if proven is not None else {}
    while pending:
        requirement = pending.pop()
        name, identifier = requirement.name, requirement.identifier
        known = proven_met.get(id(requirement))
        if known is not None and known[0] is requirement:
            chosen[identifier] = known[1]  # met on a proven project before: nothing below
            continue
        candidate = None
        if taken is None:
            version = releases.get(name)
            if version is None or not provider.meets(requirement, version):
                return None
        else:
            version = settled.get(name) or taken.get(name) or releases.get(name)
            candidate = _candidate(provider, requirement, version)
            if candidate is None:
                # Not met, or no release the resolver could pick here (a desktop's release
                # without a phone file): another release, unless one is settled.
                if name in settled or name in taken:
                    return _Unmet(name, [*met[name], requirement])
                version = _newest_meeting(provider, [requirement])
                candidate = _candidate(provider, requirement, version)
                if version is None or candidate is None:
                    return None
            settled[name] = candidate.version
            met[name].append(requirement)
        if identifier in chosen and identifier not in wanted:
            continue  # proven, below
        if candidate is None and version is not None:
            candidate = provider.known_candidate(requirement, version)
        if proven is not None and identifier in proven.identifiers and candidate is not None:
            chosen[identifier] = candidate  # named (a root's release is asked), not walked
            if taken is None:
                proven_met[id(requirement)] = (requirement, candidate)
            continue
        wanted.setdefault(identifier, []).append(requirement)
        if identifier in chosen:
            continue
        if candidate is None:
            candidate = _candidate(provider, requirement, version, known=False)
            if candidate is None:
                return None
        chosen[identifier] = candidate
        pending.extend(provider.get_dependencies(candidate))
    # Each release meets every requirement on it. What else could keep the resolver from
    # picking it depends on all of them together: pre-releases (and yanked files, which
    # known_candidate never gives): find_matches says.
    plain = True
    for identifier, requirements in wanted.items():
        candidate = chosen[identifier]
        if candidate.is_plain:
            continue
        plain = False
        matches = provider.find_matches(
            identifier, {identifier: iter(requirements)}, {identifier: iter(())}
        )
        if not any(c is candidate for c in matches):
            return None
    if proven is not None and plain:
        proven.identifiers.update(chosen)
    return chosen


def _candidate(
    provider: Provider, requirement: Wanted, version: Version | None, *, known: bool = True
) -> Candidate | None:
    """The candidate for `version` the resolver could pick for `requirement` alone, or None;
    `known`: a candidate find_matches gave before is enough (without asking it again)."""
    if version is None or not provider.meets(requirement, version):
        return None
    if known and (candidate := provider.known_candidate(requirement, version)) is not None:
        return candidate
    identifier = requirement.identifier
    matches = provider.find_matches(
        identifier, {identifier: iter([requirement])}, {identifier: iter(())}
    )
    return next((c for c in matches if c.version == version), None)


def _newest_meeting(provider: Provider, requirements: list[Wanted]) -> Version | None:
    """The release the resolver would try first for these requirements on one project."""
    identifier = requirements[-1].identifier
    matches = provider.find_matches(
        identifier, {identifier: iter(requirements)}, {identifier: iter(())}
    )
    return next((c.version for c in matches), None)
