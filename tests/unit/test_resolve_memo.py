"""The resolver's memos change its cost, never its answer: the memoised loop picks what resolvelib
picks, repeated requirements resolve as one, and a known resolution answers a trial's verdict."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import resolvelib.resolvers
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version
from resolvelib import BaseReporter, ResolutionImpossible, Resolver
from resolvelib.resolvers import ResolutionTooDeep

from fletlint.linter.analysis import Analysis
from fletlint.linter.fixes.context import FixContext
from fletlint.linter.resolve import (
    Candidate,
    Environment,
    EnvironmentMemo,
    Proofs,
    Provider,
    Resolution,
    ResolvedPackage,
    ResolverMemos,
    Wanted,
    _Resolution,
    resolve,
    solution_from,
)
from fletlint.linter.sources.project import load_project
from tests.unit.test_resolve_budget import ENV, PlainSource, _root, _walk_back


def _universe() -> PlainSource:
    """A few projects whose newest releases do not go together: the resolver backtracks."""
    return PlainSource(
        {
            "app": {"1.0": ["web>=1", "db"], "2.0": ["web>=2", "db>=2"]},
            "web": {"1.0": ["core<2"], "2.0": ["core>=2", "tls"], "2.1": ["core>=3"]},
            "db": {"1.0": ["core"], "2.0": ["core<3", "tls<2"]},
            "core": {"1.0": [], "2.0": [], "3.0": []},
            "tls": {"1.0": [], "2.0": [], "2.1b1": []},
        }
    )


def _stock(source: PlainSource, roots: Sequence[Wanted]) -> dict[str, str] | None:
    """What resolvelib's own Resolver picks with the same provider."""
    provider = Provider(source, ENV, {})
    resolver: Resolver[Wanted, object, str] = Resolver(provider, BaseReporter())  # type: ignore[arg-type]
    try:
        result = resolver.resolve(roots, max_rounds=10_000)
    except ResolutionImpossible:
        return None
    return {c.name: str(c.version) for c in result.mapping.values()}  # type: ignore[attr-defined]


def _picked(resolution: Resolution) -> dict[str, str] | None:
    if not resolution.ok:
        return None
    return {n: str(p.version) for n, p in resolution.packages.items()}


def test_the_memoised_loop_picks_what_resolvelib_picks() -> None:
    cases = [
        (_universe(), ["app"]),
        (_universe(), ["app", "tls>=2"]),
        (_universe(), ["app==2.0", "core<2"]),  # impossible
        (_walk_back(40), ["top"]),
    ]
    for source, texts in cases:
        roots = [_root(t) for t in texts]
        assert _picked(resolve(source, ENV, roots)) == _stock(source, roots), texts


class _Rounds(BaseReporter[Wanted, Candidate, str]):
    """Every pin and every conflict of a resolution, in order."""

    def __init__(self) -> None:
        self.events: list[str] = []

    def pinning(self, candidate: Candidate) -> None:
        self.events.append(f"pin {candidate.identifier}=={candidate.version}")

    def resolving_conflicts(self, causes: object) -> None:
        self.events.append("backjump")


def _random_universe(seed: int, size: int) -> tuple[PlainSource, list[Wanted]]:
    """Projects with a few releases each, needing later projects (some with an extra) under
    specifiers that often disagree: resolutions that pin, backjump and sometimes fail."""
    rng = random.Random(seed)
    projects: dict[str, dict[str, list[str]]] = {}
    for index in range(size):
        releases: dict[str, list[str]] = {}
        for version in range(1, rng.randint(2, 5)):
            requires = []
            for child in rng.sample(range(index + 1, size), min(size - index - 1, 2)):
                spec = rng.choice(["", "", "", "", ">=2", "<3", "!=1", "==2", "<2"])
                extra = "[x]" if rng.random() < 0.1 else ""
                requires.append(f"p{child}{extra}{spec}")
            if rng.random() < 0.3:
                requires.append(f"p{rng.randint(0, size - 1)}>=2; extra == 'x'")
            releases[f"{version}"] = requires
        projects[f"p{index}"] = releases
    roots = [_root(f"p{i}") for i in rng.sample(range(size), 4)]
    return PlainSource(projects), roots


def _rounds(loop: type[Any], source: PlainSource, roots: list[Wanted]) -> list[str]:
    reporter = _Rounds()
    try:
        loop(Provider(source, ENV, {}), reporter).resolve(roots, max_rounds=2_000)
    except (ResolutionImpossible, ResolutionTooDeep) as exc:
        reporter.events.append(type(exc).__name__)
    return reporter.events


def test_the_loop_carrying_unsatisfied_names_makes_resolvelibs_rounds() -> None:
    backjumped = failed = 0
    # Small universes, and some with more rounds than StateStack keeps whole states apart.
    cases = [(seed, 14) for seed in range(60)] + [(seed, 60) for seed in range(10)]
    for seed, size in cases:
        source, roots = _random_universe(seed, size)
        stock = _rounds(resolvelib.resolvers.Resolution, source, roots)
        assert _rounds(_Resolution, source, roots) == stock, (seed, size)
        backjumped += "backjump" in stock
        failed += stock[-1] == "ResolutionImpossible"
    # The cases took every path: pins only, backjumps, and failures.
    assert 0 < backjumped < len(cases)
    assert 0 < failed < len(cases)


def test_a_shared_memo_gives_every_resolution_the_same_answer() -> None:
    source = _universe()
    memo = EnvironmentMemo(ENV)
    first = resolve(source, ENV, [_root("app")], memo=memo)
    other = resolve(source, ENV, [_root("db==1.0")], memo=memo)
    again = resolve(source, ENV, [_root("app")], memo=memo)
    assert _picked(first) == _picked(again) == _picked(resolve(_universe(), ENV, [_root("app")]))
    assert _picked(other) == {"db": "1.0", "core": "3.0"}
    # Each release's metadata was read once for the three resolutions.
    assert max(source.reads.values()) == 1


def test_ten_thousand_lines_naming_one_package_resolve_as_one() -> None:
    source = PlainSource({"pkg": {"1.0": [], "2.0": [], "3.0": ["dep"]}, "dep": {"1": []}})
    texts = [f"pkg>={i % 3}" for i in range(10_000)]
    roots = [_root(t) for t in texts]
    resolution = resolve(source, ENV, roots)
    assert _picked(resolution) == _picked(resolve(source, ENV, [_root("pkg>=2")]))
    assert _picked(resolution) == {"pkg": "3.0", "dep": "1"}
    # Every line is an edge of its own, in the order of the file.
    assert [e.text for e in resolution.edges if e.parent is None] == texts
    assert [e.child for e in resolution.edges if e.parent is not None] == ["dep"]


def test_repeated_lines_that_conflict_name_what_one_pass_names() -> None:
    source = PlainSource({"pkg": {"1.0": [], "2.0": []}})
    texts = ["pkg>=2", "pkg>=2", "pkg<2", "pkg>=2"]
    resolution = resolve(source, ENV, [_root(t) for t in texts])
    assert not resolution.ok
    # resolvelib stops at the line that leaves nothing: the lines before it, and it.
    assert [c.requirement for c in resolution.conflicts] == ["pkg>=2", "pkg>=2", "pkg<2"]


def test_a_known_resolution_answers_whether_a_trial_installs() -> None:
    source = _universe()
    known = resolve(source, ENV, [_root("app")])
    releases = {n: p.version for n, p in known.packages.items()}
    assert solution_from(source, ENV, [_root("app")], releases) is not None
    # A root the known releases meet: still a solution; one they do not: ask the resolver.
    assert solution_from(source, ENV, [_root("app"), _root("core>=2")], releases) is not None
    assert solution_from(source, ENV, [_root("app"), _root("core<2")], releases) is None
    assert solution_from(source, ENV, [_root("app"), _root("left-pad")], releases) is None


def test_a_repaired_known_resolution_answers_a_trial_that_changes_a_release() -> None:
    source = _universe()
    known = resolve(source, ENV, [_root("app")])
    releases = {n: p.version for n, p in known.packages.items()}
    assert _picked(known) == {"app": "2.0", "web": "2.0", "db": "2.0", "core": "2.0", "tls": "1.0"}
    trial = [_root("app==1.0")]
    assert solution_from(source, ENV, trial, releases) is None
    chosen = solution_from(source, ENV, trial, releases, repair=True)
    assert chosen is not None
    # app 1.0 taken for the pin, the rest kept where app 1.0's requirements allow it.
    assert {c.name: str(c.version) for c in chosen.values()} == {
        "app": "1.0",
        "web": "2.0",
        "db": "2.0",
        "core": "2.0",
        "tls": "1.0",
    }
    assert resolve(source, ENV, trial).ok


def test_a_repair_walks_again_with_a_release_every_requirement_allows() -> None:
    source = _universe()
    releases = {canonicalize_name("core"): Version("3.0"), canonicalize_name("web"): Version("2.1")}
    # `core>=1` (walked first) settles on the 3.0 named; `core<3` is not met by it: walked
    # again with the newest release both allow.
    chosen = solution_from(source, ENV, [_root("core<3"), _root("core>=1")], releases, repair=True)
    assert chosen is not None
    assert {c.name: str(c.version) for c in chosen.values()} == {"core": "2.0"}
    # A repair never answers where nothing installs.
    impossible = [_root("app==2.0"), _root("core<2")]
    assert not resolve(source, ENV, impossible).ok
    assert solution_from(source, ENV, impossible, releases, repair=True) is None


def test_a_known_resolution_is_no_answer_where_the_resolver_could_not_pick_it() -> None:
    source = _universe()
    # A pre-release only a specifier that names one allows (pip's rule).
    assert (
        solution_from(source, ENV, [_root("tls")], {canonicalize_name("tls"): Version("2.1b1")})
        is None
    )
    assert (
        solution_from(
            source, ENV, [_root("tls>=2.1b1")], {canonicalize_name("tls"): Version("2.1b1")}
        )
        is not None
    )
    # A release with no file for the environment.
    phone = Environment("phone", "3.12", ENV.markers, frozenset())
    assert (
        solution_from(source, phone, [_root("tls")], {canonicalize_name("tls"): Version("2.0")})
        is None
    )


def test_a_trial_is_resolved_once_and_one_a_known_resolution_solves_not_at_all(
    tmp_path: Path,
) -> None:
    (tmp_path / "requirements.txt").write_text("app\n")
    source = _universe()
    resolved: list[list[str]] = []

    def resolver(env: Environment, roots: Sequence[Wanted]) -> Resolution:
        resolved.append([r.text for r in roots])
        return resolve(source, env, roots)

    analysis = Analysis(
        load_project(tmp_path), (), [], (), source.listing, source=source, resolver=resolver
    )
    ctx = FixContext(analysis)
    first = ctx.verdicts.resolve(ENV, [_root("app")])
    again = ctx.verdicts.resolve(ENV, [_root("app")])
    pinned = ctx.verdicts.resolve(ENV, [_root("app"), _root("core==2.0")])
    assert first is not None and again is not None and pinned is not None
    assert first.ok and again.ok and pinned.ok
    assert resolved == [["app"]]
    # A trial no known resolution solves is resolved; a failure is never assumed.
    failed = ctx.verdicts.resolve(ENV, [_root("app==2.0"), _root("core<2")])
    assert failed is not None and not failed.ok
    assert resolved == [["app"], ["app==2.0", "core<2"]]


def test_the_fixes_ask_the_checks_memos_when_the_analysis_has_them(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("app\n")
    source = _universe()
    memos = ResolverMemos()
    check_memo = memos.for_env(ENV)
    resolve(source, ENV, [_root("app")], memo=check_memo)
    reads = sum(source.reads.values())

    def resolver(env: Environment, roots: Sequence[Wanted]) -> Resolution:
        return resolve(source, env, roots, memo=memos.for_env(env))

    project = load_project(tmp_path)
    analysis = Analysis(
        project, (), [], (), source.listing, source=source, resolver=resolver, memos=memos
    )
    ctx = FixContext(analysis)
    ctx._learn(resolve(source, ENV, [_root("app")], memo=check_memo))
    verdict = ctx.verdicts.resolve(ENV, [_root("app"), _root("core>=2")])
    assert verdict is not None and verdict.ok
    # The known resolution answered from the check's memo: no release's metadata read again.
    assert sum(source.reads.values()) == reads
    assert FixContext(dataclasses.replace(analysis, memos=None))._memos is not memos


def test_a_candidate_is_one_package_for_every_verdict_built_from_it(tmp_path: Path) -> None:
    # Verdicts from known resolutions share their packages (cold 500: 74,000 copies before).
    (tmp_path / "requirements.txt").write_text("app\n")
    source = _universe()
    memos = ResolverMemos()
    analysis = Analysis(
        load_project(tmp_path), (), [], (), source.listing, source=source, memos=memos
    )
    ctx = FixContext(analysis)
    ctx._learn(resolve(source, ENV, [_root("app")], memo=memos.for_env(ENV)))
    one = ctx.verdicts.resolve(ENV, [_root("app"), _root("core>=2")])
    two = ctx.verdicts.resolve(ENV, [_root("app"), _root("core>=1")])
    assert one is not None and two is not None and one.ok and two.ok
    # (A verdict is for its `ok`: below a project proven before, the second one stops.)
    shared = one.packages.keys() & two.packages.keys()
    assert {"app", "core"} <= shared
    assert all(one.packages[n] is two.packages[n] for n in shared)
    candidates = list(memos.for_env(ENV).files.candidates.values())
    assert all(
        any(one.packages[n] is c.as_package() for c in candidates if c.name == n) for n in shared
    )
    candidate = Candidate(canonicalize_name("core"), Version("2.0"), frozenset(), ())
    assert candidate.as_package() is candidate.as_package()
    assert candidate.as_package() == ResolvedPackage(canonicalize_name("core"), Version("2.0"), ())


def test_requirement_keys_are_taken_once() -> None:
    wanted = Wanted(
        canonicalize_name("Pkg"), frozenset({"x"}), Requirement("pkg>=1,<2").specifier, "t"
    )
    assert wanted.identifier == "pkg[x]"
    assert wanted.specifier_key == "<2,>=1"
    assert not wanted.exact
    assert _root("pkg==1.0").exact and not _root("pkg==1.*").exact


_NAMES = ("a", "b", "c", "d", "e")
_VERSIONS = ("1", "2", "3")
_requirement_texts = st.builds(
    lambda name, op, version: f"{name}{op}{version}",
    st.sampled_from(_NAMES),
    st.sampled_from((">=", "<", "==", "!=")),
    st.sampled_from(_VERSIONS),
)


@st.composite
def _universes(draw: st.DrawFn) -> dict[str, dict[str, list[str]]]:
    projects: dict[str, dict[str, list[str]]] = {}
    for name in _NAMES:
        versions = draw(st.lists(st.sampled_from(_VERSIONS), min_size=1, max_size=3, unique=True))
        projects[name] = {
            v: [r for r in draw(st.lists(_requirement_texts, max_size=2)) if r[0] != name]
            for v in versions
        }
    return projects


@settings(max_examples=300, deadline=None)
@given(
    projects=_universes(),
    known_roots=st.lists(_requirement_texts, min_size=1, max_size=3),
    trial_roots=st.lists(_requirement_texts, min_size=1, max_size=3),
)
def test_a_repaired_solution_is_one_the_resolver_finds_too(
    projects: dict[str, dict[str, list[str]]], known_roots: list[str], trial_roots: list[str]
) -> None:
    source = PlainSource(projects)
    known = resolve(source, ENV, [_root(t) for t in known_roots])
    releases = (
        {n: p.version for n, p in known.packages.items()}
        if known.ok
        else {canonicalize_name(n): Version(max(v)) for n, v in projects.items()}
    )
    roots = [_root(t) for t in trial_roots]
    chosen = solution_from(source, ENV, roots, releases, repair=True)
    if chosen is None:
        return  # no answer: the resolver decides
    assert resolve(source, ENV, roots).ok
    # And the releases chosen are a solution: every requirement on the walk met.
    picked = {c.name: c.version for c in chosen.values()}
    for root in roots:
        assert root.specifier.contains(picked[root.name], prereleases=True)
    for candidate in chosen.values():
        for requirement in source.metadata(next(iter(candidate.files))).requires_dist:
            name = canonicalize_name(requirement.name)
            assert requirement.specifier.contains(picked[name], prereleases=True)


@settings(max_examples=200, deadline=None)
@given(
    projects=_universes(),
    known_roots=st.lists(_requirement_texts, min_size=1, max_size=3),
    trials=st.lists(st.lists(_requirement_texts, min_size=1, max_size=4), min_size=2, max_size=6),
)
def test_proofs_kept_across_trials_change_no_answer(
    projects: dict[str, dict[str, list[str]]], known_roots: list[str], trials: list[list[str]]
) -> None:
    source = PlainSource(projects)
    known = resolve(source, ENV, [_root(t) for t in known_roots])
    if not known.ok:
        return  # only resolutions are known ones
    releases = {n: p.version for n, p in known.packages.items()}
    # The same requirement objects across trials, as roots_for and the memos give them: what
    # one trial proved (projects, requirements met on them) the next one looks up.
    wanted = {t: _root(t) for trial in trials for t in trial}
    memo = ResolverMemos().for_env(ENV)
    proofs = Proofs()
    for trial in trials:
        roots = [wanted[t] for t in trial]
        kept = solution_from(source, ENV, roots, releases, memo=memo, proven=proofs)
        fresh = solution_from(source, ENV, roots, releases)
        assert (kept is None) == (fresh is None)
        if kept is not None and fresh is not None:
            # Not below a proven project (a verdict is for its `ok`), the same releases.
            assert kept.keys() <= fresh.keys()
            assert all(kept[i].version == fresh[i].version for i in kept)
            assert {r.identifier for r in roots} <= kept.keys()
    assert proofs.identifiers or all(
        solution_from(source, ENV, [wanted[t] for t in trial], releases) is None for trial in trials
    )
