"""What every fix builder needs: the analysis, the files' texts, requirement edits, verification."""

from __future__ import annotations

import copy
import dataclasses
import itertools
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

from fletlint.linter.analysis import Analysis, TargetResult
from fletlint.linter.findings import Edit, Finding, Fix, Location
from fletlint.linter.fixes import text as tx
from fletlint.linter.resolve import (
    Environment,
    Proofs,
    Resolution,
    ResolverMemos,
    Wanted,
    file_fits,
    roots_for,
    solution_from,
)
from fletlint.linter.sources.model import DeclaredRequirement
from fletlint.linter.targets import Target

if TYPE_CHECKING:
    # tomlkit is imported where a TOML edit is made: a check without one never loads it.
    from tomlkit.items import Array

# (package, replacement, reason), as `Settings.alternatives` carries them.
AlternativeEntry = tuple[str, str, str]
# How many known resolutions a trial is checked against before it is resolved: the newest of
# its own environment (a phone target, held out or not; a desktop), then the newest of any.
_WITNESSES_OF_ITS_OWN = 4
_WITNESSES = 6


@dataclass
class FixContext:
    """What the fix builders of one `attach_fixes` share. The fixes of several findings are
    built at once, each finding's on its own view (`for_finding`): the verdicts and what they
    learn are shared, what a finding's fixes change is its own."""

    analysis: Analysis
    texts: tx.Texts | None = None
    alternatives: tuple[AlternativeEntry, ...] = ()
    # What each verified fix changes in the requirements: applying all safe fixes together is
    # verified again from these (`verify_together`).
    changes: dict[Fix, RequirementChange] = field(default_factory=dict)
    # The releases of the newest successful resolutions the check has seen, by family, each
    # numbered in the order learnt: a trial whose requirements they already satisfy installs,
    # and only that verdict is asked of it. No more than _WITNESSES of a family are ever asked
    # (`_verdict`): older ones are let go, with what was proven from them (at 500 packages,
    # every trial's releases and proofs kept were 6 MB of a check's peak).
    _known: dict[str, list[tuple[int, dict[NormalizedName, Version]]]] = field(default_factory=dict)
    # The hash of every release set learnt, kept or let go: one is learnt once (a collision
    # costs a witness, never a verdict).
    _known_keys: set[int] = field(default_factory=set)
    _serials: Iterator[int] = field(default_factory=itertools.count)
    # The analysis's memos when it has them, else the fixes' own (see `__post_init__`).
    _memos: ResolverMemos = field(default_factory=ResolverMemos)
    # (number of known releases, id of an environment's memo) -> what solution_from proved there.
    _proven: dict[tuple[int, int], Proofs] = field(default_factory=dict)
    _admitted: dict[tuple[str, tuple[str, ...]], bool] = field(default_factory=dict)
    # Guards `_known`, `_known_keys` and `_proven`, which trials of several findings extend at
    # once.
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    # The analysis whose resolutions answer verdicts only (see `_verdict`).
    verdicts: Analysis = field(init=False)

    def __post_init__(self) -> None:
        if self.analysis.memos is not None:
            self._memos = self.analysis.memos
        for result in self.analysis.results:
            self._learn(result.resolution)
            self._learn(result.unconstrained)
        # Without an index nothing resolves, and the analysis says so (None): keep its answer.
        resolver = self._verdict if self.analysis.source is not None else self.analysis.resolver
        self.verdicts = dataclasses.replace(self.analysis, resolver=resolver)

    def for_finding(self) -> FixContext:
        """A view for one finding's builders, to run beside other findings' on other threads:
        everything shared but `changes`, which `attach_fixes` merges in the findings' order."""
        view = copy.copy(self)  # the same objects, not learnt again (`__post_init__`)
        view.changes = {}
        return view

    def _learn(self, resolution: Resolution | None) -> Resolution | None:
        if resolution is not None and resolution.ok and resolution.packages:
            releases = {n: p.version for n, p in resolution.packages.items()}
            key = hash(frozenset(releases.items()))
            with self._lock:
                if key not in self._known_keys:
                    self._known_keys.add(key)
                    family = self._known.setdefault(_family(resolution.env), [])
                    family.append((next(self._serials), releases))
                    if len(family) > _WITNESSES:
                        gone, _ = family.pop(0)
                        for proof in [k for k in self._proven if k[0] == gone]:
                            del self._proven[proof]
        return resolution

    def _verdict(self, env: Environment, roots: Sequence[Wanted]) -> Resolution:
        """Whether `roots` install in `env`, as a resolution good for its `ok` only: from a
        known resolution that already solves them, else from one repaired to solve them (then
        known), else resolved (and then known)."""
        source = self.analysis.source
        family = _family(env)
        with self._lock:
            newest = sorted(
                ((n, f, r) for f, known in self._known.items() for n, r in known),
                key=lambda entry: entry[0],
                reverse=True,
            )
        own = [(n, r) for n, f, r in newest if f == family][:_WITNESSES_OF_ITS_OWN]
        others = [(n, r) for n, f, r in newest if f != family][: _WITNESSES - len(own)]
        memo = self._memos.for_env(env)
        constraints = self.analysis.constraints
        # Most trials change a release or two of a known resolution: when none solves the
        # trial as it is, each is tried again with the releases the change needs taken
        # instead (`repair`), before resolving.
        for repair in (False, True):
            for number, releases in own + others if source is not None else []:
                assert source is not None
                with self._lock:  # `_learn` lets proofs go
                    proven = self._proven.setdefault((number, id(memo)), Proofs())
                chosen = solution_from(
                    source, env, roots, releases, constraints, memo, proven, repair=repair
                )
                if chosen is None:
                    continue
                packages = {c.name: c.as_package() for c in chosen.values()}
                verdict = Resolution(env, packages)
                # A repaired solution is a new one: the trial's other targets are answered
                # from it.
                return (self._learn(verdict) or verdict) if repair else verdict
        resolved = self._learn(self.analysis.resolve(env, roots))
        return resolved if resolved is not None else Resolution(env, error="nothing to resolve")

    def remember(
        self,
        fix: Fix,
        finding: Finding,
        requirements: Sequence[DeclaredRequirement],
        sdist_names: Iterable[str] = (),
    ) -> Fix:
        """Record what `fix` does to the project's requirements (as verified); returns it."""
        original = self.analysis.project.requirements
        replaced = tuple(
            (old, new) for old, new in zip(original, requirements, strict=False) if old is not new
        )
        added = tuple(requirements[len(original) :])
        self.changes[fix] = RequirementChange(
            finding.package, replaced, added, frozenset(canonicalize_name(n) for n in sdist_names)
        )
        return fix

    def verify_together(self, fixes: Sequence[Fix]) -> bool:
        """Whether these fixes, all applied, still install: on every target the culprits no
        fix here covers are held out, every other target must install, and desktops accept
        the result. Two fixes rewriting one declaration differently do not go together."""
        analysis = self.analysis
        requirements = list(analysis.project.requirements)
        rewritten: dict[int, DeclaredRequirement] = {}
        added: list[DeclaredRequirement] = []
        sdists: set[str] = set()
        covered: set[str] = set()
        for fix in fixes:
            change = self.changes[fix]
            for old, new in change.replaced:
                index = next(i for i, d in enumerate(requirements) if d is old)
                if index in rewritten and rewritten[index].text != new.text:
                    return False
                rewritten[index] = new
            added.extend(change.added)
            sdists |= change.sdist_names
            if change.package:
                covered.add(canonicalize_name(change.package))
        combined = [rewritten.get(i, d) for i, d in enumerate(requirements)] + added
        if not self.desktop_releases_exist(combined):
            return False
        verdicts = self.verdicts
        for result in analysis.results:
            if not result.unconstrained.ok:
                continue
            env = dataclasses.replace(result.env, sdist_names=result.env.sdist_names | sdists)
            held = {
                v.blocker.name
                for v in analysis.verdicts(result)
                if v.blocks_build and v.blocker.name not in covered
            }
            phone = verdicts.resolve_held_out(result, held, combined, env)
            if phone is None or not phone.ok:
                return False
            desktop_env = result.unconstrained.env
            desktop = verdicts.resolve(
                desktop_env, roots_for(combined, desktop_env, result.target.platform)
            )
            if desktop is None or not desktop.ok:
                return False
        return self._linux_resolves(combined)

    # -- reading the project --------------------------------------------------------------------

    def declared_at(self, location: Location | None) -> DeclaredRequirement | None:
        if location is None:
            return None
        for declared in self.analysis.project.requirements:
            if declared.location == location and declared.requirement is not None:
                return declared
        return None

    def failing(self, finding: Finding) -> list[TargetResult]:
        return [r for r in self.analysis.results if r.target.name in finding.targets]

    def phone_versions(self, name: str, results: Sequence[TargetResult]) -> list[str]:
        """Releases of `name` (newest first) with a non-yanked file for every one of `results`."""
        by_version: dict[str, set[str]] = {}
        order = {}
        for file in self.analysis.listing(name).files:
            for result in results:
                if file_fits(file, result.env):
                    by_version.setdefault(str(file.version), set()).add(result.target.name)
                    order[str(file.version)] = file.version
        wanted = {r.target.name for r in results}
        fitting = [v for v, names in by_version.items() if names >= wanted]
        return sorted(fitting, key=lambda v: order[v], reverse=True)

    @property
    def hash_checking(self) -> bool:
        # pip's hash-checking mode needs a hash for every line: a pin without one breaks install.
        return any(d.hashes for d in self.analysis.project.requirements)

    # -- edits of declared requirements ------------------------------------------------------

    def _string_quote(self, declared: DeclaredRequirement, text: str) -> str | None:
        """The quote around a pyproject requirement string; None for a requirements-file line."""
        if not declared.location.path.endswith(".toml"):
            return None
        start, _ = tx.span(text, declared.location)
        before = text[start - 1 : start] if start else ""
        # Anything else is a poetry `name = "spec"` entry, which these edits do not rewrite.
        return before if before in ("'", '"') else ""

    def _editable(self, declared: DeclaredRequirement) -> tuple[str, str | None] | None:
        """The declaring file's text and the requirement's quote (None: a requirements-file
        line), or None when the declaration is not one these edits can rewrite."""
        text = tx.read_text(declared.location.path, self.texts)
        if text is None:
            return None
        quote = self._string_quote(declared, text)
        return None if quote == "" else (text, quote)

    def replace_requirement(self, declared: DeclaredRequirement, new_text: str) -> Edit | None:
        if self._in_poetry(declared):
            return self._poetry_edit(declared, new_text, replace=True)
        editable = self._editable(declared)
        if editable is None:
            return None
        text, quote = editable
        if quote is None:
            return Edit(declared.location, new_text)
        if quote == "'" and "'" in new_text:
            # A literal string cannot hold its quote: rewrite it as a basic string.
            start, end = tx.span(text, declared.location)
            (line, column), (end_line, end_column) = (
                tx.to_position(text, start - 1),
                tx.to_position(text, end + 1),
            )
            body = tx.toml_string_body(new_text, '"')
            location = Location(declared.location.path, line, column, end_line, end_column)
            return Edit(location, f'"{body}"')
        return Edit(declared.location, tx.toml_string_body(new_text, quote))

    def add_requirement_after(
        self, declared: DeclaredRequirement, new_text: str, *more: str
    ) -> Edit | None:
        """New requirements next to `declared`: the lines after it, or the same TOML array."""
        added = (new_text, *more)
        path = declared.location.path
        if self._in_poetry(declared):
            return self._poetry_edit(declared, *added, replace=False)
        editable = self._editable(declared)
        if editable is None:
            return None
        text, quote = editable
        if quote is None:
            _, end = tx.span(text, declared.location)
            line_end = text.find("\n", end)
            line_end = len(text) if line_end < 0 else line_end
            if text[line_end - 1 : line_end] == "\r":
                line_end -= 1
            line, column = tx.to_position(text, line_end)
            newline = tx.newline_of(text)
            return Edit(Location(path, line, column, line, column), newline + newline.join(added))

        def insert(array: Array, index: int) -> None:
            for offset, item in enumerate(added, start=1):
                array.insert(index + offset, item)

        return self._array_edit(declared, insert)

    def remove_requirement(self, declared: DeclaredRequirement) -> Edit | None:
        if self._in_poetry(declared):
            return self._poetry_edit(declared, replace=True)
        editable = self._editable(declared)
        if editable is None:
            return None
        if editable[1] is None:
            location = declared.location
            end_line = location.end_line or location.line
            return Edit(Location(location.path, location.line, 1, end_line + 1, 1), "")

        def delete(array: Array, index: int) -> None:
            del array[index]

        return self._array_edit(declared, delete)

    # -- poetry: `[tool.poetry.dependencies]` entries, edited as TOML keys ---------------------

    def _in_poetry(self, declared: DeclaredRequirement) -> bool:
        text = (
            tx.read_text(declared.location.path, self.texts)
            if declared.location.path.endswith(".toml")
            else None
        )
        return text is not None and self._string_quote(declared, text) == ""

    def _poetry_edit(
        self, declared: DeclaredRequirement, *texts: str, replace: bool
    ) -> Edit | None:
        """Rewrite (or remove, with no `texts`) the entry of `declared` in
        `[tool.poetry.dependencies]`, or add entries after the table's others, as poetry writes
        them: `name = "==1.2"`, or `{ version = "==1.2", markers = "..." }` with a marker."""
        if declared.requirement is None:
            return None
        entries = [_poetry_entry(t) for t in texts]
        if any(e is None for e in entries):
            return None
        own = canonicalize_name(declared.requirement.name)

        def change(document: object) -> None:
            table = _poetry_table(document)
            keys = {canonicalize_name(str(k)): str(k) for k in table}
            if replace:
                if own not in keys:
                    raise LookupError(own)
                if not entries:
                    del table[keys[own]]
                    return
            for entry in entries:
                assert entry is not None
                name, value = entry
                existing = keys.get(canonicalize_name(name))
                if existing is not None and not (replace and canonicalize_name(name) == own):
                    raise LookupError(name)  # poetry holds one entry per package
                table[existing or name] = value

        try:
            return tx.toml_edit(declared.location.path, self.texts, change)
        except (LookupError, TypeError):
            return None

    def _array_edit(
        self, declared: DeclaredRequirement, mutate: Callable[[Array, int], None]
    ) -> Edit | None:
        """A tomlkit change to the array holding `declared`, as a minimal text edit."""

        def change(document: object) -> None:
            found = _array_holding(document, declared.text)
            if found is None:
                raise LookupError(declared.text)
            mutate(*found)

        try:
            return tx.toml_edit(declared.location.path, self.texts, change)
        except (LookupError, TypeError):
            return None

    # -- verification -------------------------------------------------------------------------

    def verify(
        self,
        finding: Finding,
        requirements: Sequence[DeclaredRequirement],
        *,
        sdist_names: Iterable[str] = (),
    ) -> bool:
        """Whether the project, changed so, installs on the finding's targets with its package fixed.

        On the finding's targets the other culprits are held out (each gets its own fix, and
        two independent blockers get two working fixes); targets that installed before must
        still install; the desktop graph must still resolve, and a real desktop (Linux, macOS,
        Windows markers) must accept the requirements: a fix that trades one failure for
        another is no fix.
        """
        analysis, verdicts = self.analysis, self.verdicts
        # Cheap checks first, then the trials most likely to fail (the finding's targets), the
        # desktops last: each trial that installs is a known resolution the next ones may need
        # no resolution of their own for (`_verdict`).
        if analysis.source is None or not self.desktop_releases_exist(requirements):
            return False
        extra = frozenset(canonicalize_name(n) for n in sdist_names)
        blocked = canonicalize_name(finding.package) if finding.package else None
        desktops: dict[str, bool] = {}
        for result in analysis.results:
            env = result.env
            if extra:
                env = dataclasses.replace(env, sdist_names=env.sdist_names | extra)
            platform = result.target.platform
            if result.target.name in finding.targets:
                others = self.other_culprits(finding, result)
                phone = verdicts.resolve_held_out(result, others, requirements, env)
                if phone is None or not phone.ok:
                    return False
            elif result.resolution.ok:
                phone = verdicts.resolve(env, roots_for(requirements, env, platform))
                if phone is None or not phone.ok:
                    return False
            desktop_env = result.unconstrained.env
            if not result.unconstrained.ok or desktop_env.key in desktops:
                continue
            roots = roots_for(requirements, desktop_env, platform)
            # Which release of the blocked package the desktop picks is asked below: a verdict
            # answers it only when the roots pin that release.
            picks = blocked is not None and result.target.name in finding.targets
            if picks and not any(w.name == blocked and _pins_one(w) for w in roots):
                desktop = self._learn(analysis.resolve(desktop_env, roots))
            else:
                desktop = verdicts.resolve(desktop_env, roots)
            desktops[desktop_env.key] = desktop is not None and desktop.ok
            if desktop is None or not desktop.ok:
                return False
            if (
                blocked is not None
                and result.target.name in finding.targets
                and not self._installs(desktop.packages.get(blocked), env)
            ):
                return False
        return self._linux_resolves(requirements)

    def _installs(self, package: object, env: Environment) -> bool:
        # The package the desktop picks must install on the phone too, or the phone backtracks.
        if package is None:
            return True
        name = getattr(package, "name", "")
        version = getattr(package, "version", None)
        files = [f for f in self.analysis.listing(name).files if f.version == version]
        return any(file_fits(f, env, allow_yanked=True) for f in files)

    def other_culprits(self, finding: Finding, result: TargetResult) -> set[str]:
        """The packages other than the finding's that fail this target's build on their own."""
        mine = canonicalize_name(finding.package) if finding.package else None
        return {
            v.blocker.name
            for v in self.analysis.verdicts(result)
            if v.blocks_build and v.blocker.name != mine
        }

    def desktop_accepts(self, requirements: Sequence[DeclaredRequirement]) -> bool:
        """Whether pip on a desktop accepts these requirements: on Linux, macOS and Windows,
        the requirements that apply to one project admit at least one release together
        (`numpy==2.2.6; platform_system != "Android"` next to `numpy==2.2.2` does not), and
        on Linux they resolve."""
        return self.desktop_releases_exist(requirements) and self._linux_resolves(requirements)

    def _linux_resolves(self, requirements: Sequence[DeclaredRequirement]) -> bool:
        results = self.analysis.results
        if not results:
            return True
        linux = desktop_environments(results[0].target)[0]
        resolved = self.verdicts.resolve(linux, roots_for(requirements, linux, None))
        return resolved is None or resolved.ok

    def desktop_releases_exist(self, requirements: Sequence[DeclaredRequirement]) -> bool:
        """The cheap half of `desktop_accepts`: on Linux, macOS and Windows the requirements
        that apply to one project admit at least one release together."""
        results = self.analysis.results
        for env in desktop_environments(results[0].target) if results else ():
            wanted: dict[str, list[Wanted]] = {}
            for root in roots_for(requirements, env, None):
                wanted.setdefault(root.name, []).append(root)
            for name, roots in wanted.items():
                if not self._admits(name, roots):
                    return False
        return True

    def _admits(self, name: str, roots: Sequence[Wanted]) -> bool:
        """Whether a project without releases, or a release of it, meets every specifier of
        `roots` (asked for every root of every trial: answered once per project and set of
        specifiers)."""
        key = (name, tuple(sorted({r.specifier_key for r in roots})))
        known = self._admitted.get(key)
        if known is None:
            specifier = SpecifierSet()
            for root in roots:
                specifier &= root.specifier
            releases = {f.version for f in self.analysis.listing(name).files}
            known = not releases or any(specifier.contains(v, True) for v in releases)
            self._admitted[key] = known
        return known


@dataclass(frozen=True)
class RequirementChange:
    """A verified fix as a change of the declared requirements (not of the text)."""

    package: str | None  # the finding's package: the culprit the fix deals with
    replaced: tuple[tuple[DeclaredRequirement, DeclaredRequirement], ...]
    added: tuple[DeclaredRequirement, ...]
    sdist_names: frozenset[str]


# The desktops a Flet app also runs on, as pip's markers see them.
_DESKTOPS = (
    {"platform_system": "Linux", "sys_platform": "linux", "platform_machine": "x86_64"},
    {"platform_system": "Darwin", "sys_platform": "darwin", "platform_machine": "arm64"},
    {"platform_system": "Windows", "sys_platform": "win32", "platform_machine": "AMD64"},
)


def _family(env: Environment) -> str:
    """The environment a trial's is a variant of: held-out ones are their phone target's."""
    return env.key.split("|", 1)[0]


def _pins_one(requirement: Wanted) -> bool:
    """Whether the requirement allows one release only (`==1.2`, not `==1.*`)."""
    return any(s.operator == "==" and "*" not in s.version for s in requirement.specifier)


def desktop_environments(target: Target) -> list[Environment]:
    """Linux, macOS and Windows with the target's Python, any distribution."""
    found = []
    for desktop in _DESKTOPS:
        markers = {**target.marker_environment, **desktop}
        if desktop["platform_system"] == "Windows":
            markers["os_name"] = "nt"
        key = "host:" + ",".join(f"{k}={v}" for k, v in sorted(markers.items()))
        found.append(Environment(key, target.python, markers))
    return found


def with_replaced(
    requirements: Sequence[DeclaredRequirement], old: DeclaredRequirement, new_text: str
) -> list[DeclaredRequirement] | None:
    new = parsed(new_text, old)
    if new is None:
        return None
    return [new if d is old else d for d in requirements]


def with_added(
    requirements: Sequence[DeclaredRequirement], after: DeclaredRequirement, new_text: str
) -> list[DeclaredRequirement] | None:
    new = parsed(new_text, after)
    if new is None:
        return None
    return [*requirements, new]


def parsed(text: str, like: DeclaredRequirement) -> DeclaredRequirement | None:
    try:
        requirement = Requirement(text)
    except InvalidRequirement:
        return None
    return dataclasses.replace(like, text=text, requirement=requirement, hashes=())


def split_marker(declared: DeclaredRequirement) -> tuple[str, str | None]:
    """The requirement text without its marker, and the marker (as written)."""
    req = declared.requirement
    if req is None or req.marker is None:
        return declared.text.strip(), None
    if req.url is None and ";" in declared.text:
        head, _, marker = declared.text.partition(";")
        return head.rstrip(), marker.strip()
    return declared.text.strip(), str(req.marker)


def with_marker(base: str, marker: str | None) -> str:
    return f"{base}; {marker}" if marker else base


def requirement_base(declared: DeclaredRequirement, name: str, specifier: str) -> str:
    """`name[extras]specifier` keeping the declared extras."""
    req = declared.requirement
    extras = f"[{','.join(sorted(req.extras))}]" if req is not None and req.extras else ""
    return f"{name}{extras}{specifier}"


def normalized(name: str) -> NormalizedName:
    return canonicalize_name(name)


def _poetry_table(document: object) -> Any:
    found: Any = document
    for name in ("tool", "poetry", "dependencies"):
        found = found.get(name) if isinstance(found, dict) else None
    if not isinstance(found, dict):
        raise LookupError("tool.poetry.dependencies")
    return found


def _poetry_entry(text: str) -> tuple[str, Any] | None:
    """A PEP 508 requirement as a poetry entry; None when poetry (as flet build reads it)
    cannot say it: extras and URLs are not carried over."""
    try:
        requirement = Requirement(text)
    except InvalidRequirement:
        return None
    if requirement.extras or requirement.url:
        return None
    version = str(requirement.specifier) or "*"
    if requirement.marker is None:
        return requirement.name, version
    import tomlkit  # only a poetry edit needs it

    value = tomlkit.inline_table()
    value.update({"version": version, "markers": str(requirement.marker)})
    return requirement.name, value


def _array_holding(document: object, value: str) -> tuple[Array, int] | None:
    """The TOML array (searched depth-first, [project] first) holding the string `value`."""
    from tomlkit.items import Array

    stack: list[object] = [document]
    while stack:
        node = stack.pop(0)
        if isinstance(node, Array):
            for index, item in enumerate(node):
                if isinstance(item, str) and item.strip() == value:
                    return node, index
        elif isinstance(node, dict):
            stack.extend(node.values())
    return None
