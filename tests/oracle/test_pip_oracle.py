"""fletlint's verdicts, proven against pip run as `flet build` runs it (issue 7, item 1).

For every fixture project and every generated dependency universe, for each of its targets:
- verdict: fletlint says the build passes exactly when pip's dry run succeeds (the phone
  resolution, and the report's build-failing findings);
- releases: when both pass, every package gets the same release;
- culprits: when pip fails, fletlint's build-failing findings name a package pip's error names.

One run builds every universe into one pair of local indexes (each under its own name prefix),
runs pip for each (universe, target) in parallel with fletlint's checks, then the tests below
read the comparisons. `FLETLINT_ORACLE_SEED` and `FLETLINT_ORACLE_UNIVERSES` change the
generated set; the seed is printed. A disagreement prints the universe as a fixture: save it
as `tests/oracle/cases/<name>.json` and it is checked on every run.

Deliberate differences, each with its reason:
- `sys_platform` and `platform_machine` markers: serious_python's pip answers them for the build
  host; fletlint resolves for the phone and reports the divergence as FL103. Where a marker of the
  graph answers differently on this host and on the phone, the comparison requires FL103 (Android,
  whose builds run on a Linux host like this one) or is not made (iOS, whose builds run on macOS,
  which FL103 judges instead).
- `python_version` / `python_full_version` markers: serious_python's pip runs on a host CPython of
  the bundled version, so they answer as on the phone; the sitecustomize makes this pip (on the
  tests' own Python) answer them so too (tests/support/pip_oracle.py).
"""

from __future__ import annotations

import os
import platform
import re
import resource
import sys
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings
from packaging.markers import Marker
from packaging.utils import NormalizedName, canonicalize_name

from fletlint.linter.analysis import TargetResult
from fletlint.linter.engine import Linter, Report, Settings
from fletlint.linter.findings import Finding
from fletlint.linter.resolve import Resolution
from fletlint.linter.rules.fl103_host_device_marker_divergence import BUILD_HOSTS
from fletlint.linter.targets import Target
from tests.support.fix_projects import fix_copy, fixture_projects
from tests.support.index_server import LocalIndex
from tests.support.pip_oracle import PipOutcome, run_pip
from tests.support.universe import Universe
from tests.support.universe_gen import (
    StaticIndex,
    UniverseSpec,
    universes,
    write_universe,
)
from tests.support.wheels import read_metadata

SEED = int(os.environ.get("FLETLINT_ORACLE_SEED", "7"))
UNIVERSES = int(os.environ.get("FLETLINT_ORACLE_UNIVERSES", "500"))
CASES = Path(__file__).parent / "cases"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# Findings that say the build fails for their targets.
BUILD_FAILING = frozenset({"FL001", "FL003", "FL004", "FL007"})
# Kept cases that show a known gap of another part (each test below says whose), by fixture text.
FL103_CASES = frozenset(
    UniverseSpec.from_fixture(p.read_text()).as_fixture() for p in CASES.glob("fl103-*.json")
)
# Fixture projects the oracle cannot run, each with its reason.
FIXTURES_LEFT_OUT = {
    "FL005": "Flet's index is down on purpose: pip fails on the network, not on a verdict",
}
# The targets fixture projects are compared on: 64-bit Android, the 32-bit ABI (the standard
# universe's ABI gap) and an iPhone; the other slices answer like one of these there.
FIXTURE_TARGETS = ("android_24_arm64_v8a", "android_24_armeabi_v7a", "ios_13_0_arm64_iphoneos")
# Host-sensitive markers: what this host answers where the phone would answer otherwise.
HOST_MARKERS = {"sys_platform": sys.platform, "platform_machine": platform.machine()}


def generate(count: int, at_seed: int) -> list[UniverseSpec]:
    """`count` universes from hypothesis, the same ones for the same seed."""
    found: list[UniverseSpec] = []
    if count < 1:
        return found

    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(universes())
    def collect(spec: UniverseSpec) -> None:
        found.append(spec)

    unique: dict[str, UniverseSpec] = {}
    attempt = 0
    while len(unique) < count and attempt < 5:
        found.clear()
        # A new seed per attempt: hypothesis repeats small examples, and duplicates are dropped.
        seed(at_seed + attempt)(collect)()
        unique.update((spec.as_fixture(), spec) for spec in found)
        attempt += 1
    return list(unique.values())[:count]


@dataclass(frozen=True)
class Comparison:
    """One (project, target): what pip said and what fletlint said."""

    case: str
    target: Target
    pip: PipOutcome
    resolution: Resolution
    findings: tuple[Finding, ...]
    host_sensitive: bool
    fixture: str  # how to reproduce: a universe as JSON, or the fixture project's path

    @property
    def failing_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.code in BUILD_FAILING]

    @property
    def exempt(self) -> bool:
        """Host markers decide pip's answer here (see the module docstring)."""
        return self.host_sensitive

    @property
    def differs(self) -> bool:
        """pip's verdict or releases differ from fletlint's phone resolution."""
        if self.resolution.ok != self.pip.ok:
            return True
        return self.pip.ok and _versions(self.resolution) != self.pip.installs

    def describe(self, what: str) -> str:
        tail = "\n".join(self.pip.output.strip().splitlines()[-12:])
        found = [(f.code, f.package, f.version) for f in self.findings]
        return (
            f"--- {self.case} on {self.target.name} (Python {self.target.python}): {what}\n"
            f"fletlint: ok={self.resolution.ok} error={self.resolution.error!r} "
            f"packages={_versions(self.resolution)} findings={found}\n"
            f"pip: ok={self.pip.ok} installs={self.pip.installs} culprits={sorted(self.pip.culprits)}\n"
            f"pip said:\n{tail}\n"
            f"reproduce with this fixture:\n{self.fixture}\n"
        )


def _versions(resolution: Resolution) -> dict[str, str]:
    return {str(n): str(p.version) for n, p in sorted(resolution.packages.items())}


def _for_target(findings: list[Finding], target: Target) -> tuple[Finding, ...]:
    return tuple(f for f in findings if not f.targets or target.name in f.targets)


def _reached(pip: PipOutcome, result: TargetResult) -> set[str]:
    """The projects an install may have read the requirements of, by either side's account."""
    return {
        *pip.installs,
        *pip.culprits,
        *result.resolution.packages,
        *result.unconstrained.packages,
    }


def _failed_names(report: Report, target: Target) -> set[str]:
    return {f.package for f in _for_target(report.findings, target) if f.package}


def _diverges(markers: set[str], target: Target) -> bool:
    """Whether some marker answers differently on this host (as pip sees it) and on the phone,
    for no extra or for an extra it names (metadata's `...; sys_platform == "linux" and
    extra == "hotkeys"`)."""
    phone = dict(target.marker_environment)
    host = {**phone, **HOST_MARKERS}
    for text in markers:
        marker = Marker(text)
        for extra in ("", *_EXTRA.findall(text)):
            if marker.evaluate({**phone, "extra": extra}) != marker.evaluate(
                {**host, "extra": extra}
            ):
                return True
    return False


_EXTRA = re.compile(r"""extra\s*==\s*['"]([^'"]+)['"]""")


def _check(
    project: Path,
    *,
    targets: tuple[str, ...],
    python: str,
    pypi: LocalIndex,
    flet: LocalIndex,
    cache: Path,
) -> Report:
    settings = Settings(
        python_version=python,
        targets=targets,
        index_url=pypi.url,
        flet_index_url=flet.url,
        use_pip_config=False,
        cache_dir=cache,
    )
    with Linter(settings, environ={}) as linter:
        return linter.check(project, fixes=False)  # verdicts, not fixes: their trials cost most


def _pip_requirements(report: Report, target: Target) -> list[str]:
    """The requirements flet build hands pip for this target, as fletlint read them."""
    return [
        str(d.requirement)
        for d in report.project.requirements
        if d.requirement is not None
        and not d.uncheckable_reason
        and d.platform in (None, target.platform)
    ]


# --- the run ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Comparison]]:
    """Every kept case and generated universe, checked by fletlint and by pip."""
    print(f"\npip oracle: seed {SEED}, {UNIVERSES} generated universes (FLETLINT_ORACLE_SEED)")
    kept = [
        (f"case {p.stem}", UniverseSpec.from_fixture(p.read_text()))
        for p in sorted(CASES.glob("*.json"))
    ]
    specs = [*kept, *((f"universe {i}", s) for i, s in enumerate(generate(UNIVERSES, SEED)))]
    root = tmp_path_factory.mktemp("oracle")
    started, checking = time.perf_counter(), 0.0
    pypi_dir, flet_dir = root / "pypi", root / "flet"
    yanked: dict[str, str] = {}
    prefixed = []
    for i, (case, spec) in enumerate(specs):
        spec = spec.with_prefix(f"u{i}-")
        write_universe(spec, pypi_dir, flet_dir, yanked)
        app = root / "apps" / f"u{i}"
        app.mkdir(parents=True)
        (app / "requirements.txt").write_text("".join(f"{r}\n" for r in spec.requirements()))
        prefixed.append((case, spec, app))
    with (
        StaticIndex(pypi_dir, yanked=yanked) as pypi,
        StaticIndex(flet_dir, yanked=yanked) as flet,
        ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool,
    ):
        jobs: list[tuple[str, UniverseSpec, Report, Target, Future[PipOutcome]]] = []
        for case, spec, app in prefixed:
            began = time.perf_counter()
            report = _check(
                app,
                targets=spec.targets,
                python=spec.python,
                pypi=pypi,
                flet=flet,
                cache=root / "cache",
            )
            checking += time.perf_counter() - began
            # pip runs in the pool while the main thread goes on with the next check.
            for target in report.targets:
                outcome = pool.submit(
                    run_pip,
                    spec.requirements(),
                    target,
                    index_url=pypi.url,
                    extra_index_urls=[flet.url],
                    work=root / "pip",
                )
                jobs.append((case, spec, report, target, outcome))
        comparisons = []
        for case, spec, report, target, outcome in jobs:
            result = next(r for r in report.results if r.target == target)
            pip = outcome.result()
            reached = {
                *_reached(pip, result),
                *(canonicalize_name(n) for n in _failed_names(report, target)),
            }
            comparisons.append(
                Comparison(
                    case,
                    target,
                    pip,
                    result.resolution,
                    _for_target(report.findings, target),
                    _diverges(spec.markers(reached), target),
                    spec.as_fixture(),
                )
            )
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"pip oracle: {len(specs)} universes, {len(comparisons)} pip runs in "
        f"{time.perf_counter() - started:.0f} s (fletlint checks {checking:.0f} s; pip's CPU "
        f"{children.ru_utime + children.ru_stime:.0f} s in all)"
    )
    yield comparisons


def _fixture_projects(root: Path, pypi: LocalIndex, flet: LocalIndex) -> Iterator[tuple[str, Path]]:
    """Every fixture project, then each rule fixture after `check --fix --unsafe-fixes` (the
    acceptance of issue 7 item 4: what fletlint calls repaired, pip must install)."""
    for folder in ("rules", "fixes"):
        for path in sorted((FIXTURES / folder).iterdir()):
            if path.is_dir() and path.name not in FIXTURES_LEFT_OUT:
                yield f"fixture {folder}/{path.name}", path
    for path in fixture_projects():
        options = ("--python-version", "3.12", "--cache-dir", str(root / "cache"))
        fixed = fix_copy(path, root / "fixed", pypi, flet, *options)
        yield f"fixed rules/{path.name}", fixed.root


def _universe_markers(universe: Universe) -> dict[NormalizedName, set[str]]:
    """The markers of each project's requirements in the standard test universe."""
    from packaging.requirements import Requirement

    found: dict[NormalizedName, set[str]] = {}
    for folder in (universe.pypi_dir, universe.flet_dir):
        for path in folder.iterdir():
            text = read_metadata(path)
            name = canonicalize_name(path.name.split("-", 1)[0])
            for line in text.splitlines():
                if line.startswith("Requires-Dist:"):
                    marker = Requirement(line.split(":", 1)[1]).marker
                    if marker is not None:
                        found.setdefault(name, set()).add(str(marker))
    return found


@pytest.fixture(scope="module")
def fixtures_checked(
    tmp_path_factory: pytest.TempPathFactory,
    universe: Universe,
    _pypi_index_server: LocalIndex,
    _flet_index_server: LocalIndex,
) -> list[Comparison]:
    """Every fixture project, on every target, against the standard test universe."""
    root = tmp_path_factory.mktemp("oracle-fixtures")
    pypi, flet = _pypi_index_server, _flet_index_server
    pypi.up()
    flet.up()
    markers = _universe_markers(universe)
    comparisons = []
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for label, project in _fixture_projects(root, pypi, flet):
            report = _check(
                project,
                targets=FIXTURE_TARGETS,
                python="3.12",
                pypi=pypi,
                flet=flet,
                cache=root / "cache",
            )
            if any(report.project.flet.source_packages.values()):
                continue  # pip would build the sdist on this host: needs a build backend offline
            outcomes = {
                t: pool.submit(
                    run_pip,
                    _pip_requirements(report, t),
                    t,
                    index_url=pypi.url,
                    extra_index_urls=[flet.url],
                    work=root / "pip",
                )
                for t in report.targets
            }
            for result in report.results:
                target = result.target
                outcome = outcomes[target].result()
                names = _reached(outcome, result)
                roots = {
                    str(d.requirement.marker)
                    for d in report.project.requirements
                    if d.requirement is not None and d.requirement.marker is not None
                }
                graph = roots.union(*(markers.get(canonicalize_name(n), set()) for n in names))
                comparisons.append(
                    Comparison(
                        label,
                        target,
                        outcome,
                        result.resolution,
                        _for_target(report.findings, target),
                        _diverges(graph, target),
                        str(project),
                    )
                )
    return comparisons


@pytest.fixture(scope="module")
def compared(generated: list[Comparison], fixtures_checked: list[Comparison]) -> list[Comparison]:
    return [*fixtures_checked, *generated]


def _fail_on(bad: list[tuple[Comparison, str]]) -> None:
    if bad:
        # Every one on stdout (pytest shows it with the failure); the message keeps ten.
        print("\n".join(c.describe(what) for c, what in bad))
        shown = "\n".join(c.describe(what) for c, what in bad[:10])
        pytest.fail(f"{len(bad)} disagreement(s) with pip (seed {SEED}); first ones:\n{shown}")


# --- the tests ----------------------------------------------------------------------------------


def test_enough_universes_are_compared(compared: list[Comparison]) -> None:
    universes_seen = {c.case for c in compared if c.case.startswith("universe ")}
    exempt = [c for c in compared if c.exempt]
    print(
        f"pip oracle (seed {SEED}): {len(universes_seen)} generated universes, "
        f"{len(compared)} (project, target) comparisons, {len(exempt)} decided by host markers, "
        f"pip failed on {sum(not c.pip.ok for c in compared)}"
    )
    assert len(universes_seen) >= min(UNIVERSES, 500)
    assert any(c.case.startswith("fixture ") for c in compared)
    # Both verdicts occur often enough for the comparison to mean something.
    assert sum(c.pip.ok for c in compared) > len(compared) // 10
    assert sum(not c.pip.ok for c in compared) > len(compared) // 10


def test_resolver_verdict_is_pips(compared: list[Comparison]) -> None:
    bad = [
        (c, "the phone resolution's verdict differs from pip's")
        for c in compared
        if not c.exempt and c.resolution.ok != c.pip.ok
    ]
    _fail_on(bad)


def test_report_verdict_is_pips(compared: list[Comparison]) -> None:
    """Build-failing findings exactly when pip fails."""
    bad = [
        (c, "build-failing findings do not match pip's verdict")
        for c in compared
        if not c.exempt and bool(c.failing_findings) == c.pip.ok
    ]
    _fail_on(bad)


def test_releases_are_pips(compared: list[Comparison]) -> None:
    bad = [
        (c, "both pass with different releases")
        for c in compared
        if not c.exempt
        and c.pip.ok
        and c.resolution.ok
        and _versions(c.resolution) != c.pip.installs
    ]
    _fail_on(bad)


def _culprit_disagreements(compared: list[Comparison]) -> list[tuple[Comparison, str]]:
    bad = []
    for c in compared:
        if c.exempt or c.pip.ok or not c.pip.culprits:
            continue
        named = {canonicalize_name(f.package) for f in c.failing_findings if f.package}
        if not named & c.pip.culprits:
            bad.append((c, "fletlint's build-failing findings name none of pip's culprits"))
    return bad


def test_culprits_are_pips(compared: list[Comparison]) -> None:
    """Also where the project fails on a desktop too (FL004): pip stops at the first package
    with no phone distribution, and FL001 names it (kept in cases/culprit-*.json)."""
    kept = {c.case for c in compared if c.case.startswith("case culprit-")}
    assert len(kept) == len(list(CASES.glob("culprit-*.json")))
    _fail_on(_culprit_disagreements(compared))


def _host_marker_gaps(compared: list[Comparison]) -> list[tuple[Comparison, str]]:
    return [
        (c, "pip on this (Linux) build host differs and no FL103 says so")
        for c in compared
        if c.host_sensitive
        and c.target.platform == "android"
        and c.differs
        and not any(f.code == "FL103" for f in c.findings)
    ]


def test_host_marker_differences_are_fl103(compared: list[Comparison]) -> None:
    """Android builds run on a host like this one: where its markers change pip's answer,
    FL103 must say so (iOS builds run on macOS, which FL103 judges instead). The kept cases
    tests/oracle/cases/fl103-*.json are run every time: markers under an extra, in a release
    only the host picks, in the releases a failed phone resolution walked through."""
    if not any(values == HOST_MARKERS for _, values, _ in BUILD_HOSTS):
        modelled = ", ".join(name for name, _, _ in BUILD_HOSTS)
        pytest.skip(f"FL103 models {modelled} build hosts, and this one answers {HOST_MARKERS}")
    assert any(c.fixture in FL103_CASES for c in compared), "the kept FL103 cases are compared"
    _fail_on(_host_marker_gaps(compared))
