"""Real dependency universes, captured from PyPI, checked offline against pip (issue 7, item 5).

Each file in `tests/oracle/captured/` (written by capture_universe.py) is a slice of PyPI and of
Flet's mobile index: what pip and fletlint read resolving an app's requirements for a phone
target. Here it becomes real (tiny) wheels on two local indexes; pip runs as serious_python runs
it (tests/support/pip_oracle.py) and fletlint checks a project requiring the same roots:
- the capture cut nothing: pip here answers what pip answered on the real PyPI;
- verdict: fletlint says the build passes exactly when pip's dry run succeeds, and says so
  without FL007 (pip needs no more than its own budget here: it finished);
- releases: where pip installs, fletlint resolves every package to the same release;
- culprits: when pip fails, fletlint's build-failing findings name a package pip's error names.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from fletlint.linter.engine import Linter, Report, Settings
from fletlint.linter.findings import Finding
from fletlint.linter.targets import Target
from tests.oracle.capture_universe import all_targets
from tests.oracle.captured import CAPTURED, CapturedData, load_captured, write_captured
from tests.support.pip_oracle import PipOutcome, run_pip
from tests.support.universe_gen import StaticIndex

# Findings that say the build fails for their targets (as in test_pip_oracle.py).
BUILD_FAILING = frozenset({"FL001", "FL003", "FL004", "FL007"})
UNIVERSES = sorted(CAPTURED.glob("*.json"))
# fletlint's resolver budget here, in resolvelib rounds, as pip counts them. pip's full budget
# (200,000) would cost fletlint over a quarter of an hour on the universe below before it gives
# up; pip settles it in 212 rounds (PIP_RESOLVER_DEBUG=1, pip 26.3: 212 rounds, 4,109 rejected
# candidates), so ten times that is a fair bar that still fails fast.
MAX_ROUNDS = 2_000
# Captured universes where fletlint disagrees with pip today, by test, with the cause. None:
# issue 7's langchain + openai + flet universe agreed once fletlint's provider took pip's
# preference (narrow_requirement_selection, conflict promotion, pip's ordering; see
# tests/oracle/captured/README.md).
KNOWN: dict[str, dict[str, str]] = {}


def _universes(test: str) -> list[object]:
    """The captured universes as parameters of `test`, its known disagreements strict xfails."""
    known = KNOWN.get(test, {})
    return [
        pytest.param(
            p,
            id=p.stem,
            marks=[pytest.mark.xfail(strict=True, reason=known[p.stem])] if p.stem in known else [],
        )
        for p in UNIVERSES
    ]


@dataclass(frozen=True)
class Checked:
    """One captured universe on one target: pip's answer, fletlint's, and the reference."""

    name: str
    data: CapturedData
    target: Target
    pip: PipOutcome
    report: Report

    @property
    def findings(self) -> list[Finding]:
        return [f for f in self.report.findings if not f.targets or self.target.name in f.targets]

    @property
    def failing(self) -> list[Finding]:
        return [f for f in self.findings if f.code in BUILD_FAILING]

    @property
    def fletlint_installs(self) -> dict[str, str]:
        result = next(r for r in self.report.results if r.target == self.target)
        return {str(n): str(p.version) for n, p in sorted(result.resolution.packages.items())}

    @property
    def fletlint_ok(self) -> bool:
        result = next(r for r in self.report.results if r.target == self.target)
        return result.resolution.ok

    def describe(self) -> str:
        found = [(f.code, f.package, f.version) for f in self.findings]
        tail = "\n".join(self.pip.output.strip().splitlines()[-12:])
        return (
            f"{self.name} on {self.target.name} (Python {self.target.python})\n"
            f"fletlint: ok={self.fletlint_ok} installs={self.fletlint_installs} findings={found}\n"
            f"pip: ok={self.pip.ok} installs={self.pip.installs} culprits={sorted(self.pip.culprits)}\n"
            f"pip said:\n{tail}"
        )


def _targets(data: CapturedData) -> list[Target]:
    return [t for t in all_targets(data["python"]) if t.name in data["reference"]]


def _check(path: Path, root: Path) -> list[Checked]:
    data = load_captured(path)
    targets = _targets(data)
    wanted = frozenset(tag for t in targets for tag in t.tags)
    written = write_captured(data, root / "universe", wanted)
    app = root / "app"
    app.mkdir()
    (app / "requirements.txt").write_text("".join(f"{r}\n" for r in data["roots"]))
    (app / "main.py").write_text("import flet as ft\n")
    with (
        StaticIndex(written.pypi_dir, yanked=written.yanked) as pypi,
        StaticIndex(written.flet_dir, yanked=written.yanked) as flet,
        ThreadPoolExecutor(max_workers=2) as pool,
    ):
        # pip runs (subprocesses) while fletlint checks.
        outcomes = {
            target.name: pool.submit(
                run_pip,
                data["roots"],
                target,
                index_url=pypi.url,
                extra_index_urls=[flet.url],
                work=root / "pip",
            )
            for target in targets
        }
        settings = Settings(
            python_version=data["python"],
            targets=tuple(t.name for t in targets),
            index_url=pypi.url,
            flet_index_url=flet.url,
            use_pip_config=False,
            cache_dir=root / "cache",
        )
        with Linter(settings, environ={"FLETLINT_MAX_ROUNDS": str(MAX_ROUNDS)}) as linter:
            report = linter.check(app, fixes=False)
        checked = [
            Checked(path.stem, data, target, outcomes[target.name].result(), report)
            for target in report.targets
        ]
    return checked


_CHECKED: dict[Path, list[Checked]] = {}


@pytest.fixture
def check_universe(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], list[Checked]]:
    """Each captured universe checked once per session, whichever test asks first."""

    def checked(path: Path) -> list[Checked]:
        if path not in _CHECKED:
            _CHECKED[path] = _check(path, tmp_path_factory.mktemp(path.stem))
        return _CHECKED[path]

    return checked


def test_captured_universes_exist() -> None:
    assert UNIVERSES, "tests/oracle/captured/ holds at least the issue 7 universe"


@pytest.mark.parametrize("path", _universes("test_capture_cut_nothing_pip_needs"))
def test_capture_cut_nothing_pip_needs(
    path: Path, check_universe: Callable[[Path], list[Checked]]
) -> None:
    """pip on the captured slice answers as pip on the real PyPI did."""
    for c in check_universe(path):
        reference = c.data["reference"][c.target.name]
        assert (c.pip.ok, c.pip.installs) == (reference["ok"], reference["installs"]), c.describe()
        if not reference["ok"]:
            assert sorted(c.pip.culprits) == reference["culprits"], c.describe()


@pytest.mark.parametrize("path", _universes("test_verdict_is_pips"))
def test_verdict_is_pips(path: Path, check_universe: Callable[[Path], list[Checked]]) -> None:
    for c in check_universe(path):
        assert c.fletlint_ok == c.pip.ok, c.describe()
        assert bool(c.failing) != c.pip.ok, c.describe()


@pytest.mark.parametrize("path", _universes("test_no_fl007_where_pip_finishes"))
def test_no_fl007_where_pip_finishes(
    path: Path, check_universe: Callable[[Path], list[Checked]]
) -> None:
    """pip finished within its budget (it answered), so fletlint's must suffice."""
    for c in check_universe(path):
        assert not [f for f in c.findings if f.code == "FL007"], c.describe()


@pytest.mark.parametrize("path", _universes("test_releases_are_pips"))
def test_releases_are_pips(path: Path, check_universe: Callable[[Path], list[Checked]]) -> None:
    """Where pip installs, fletlint's phone resolution installs the same releases."""
    for c in check_universe(path):
        if c.pip.ok:
            assert c.fletlint_installs == c.pip.installs, c.describe()


@pytest.mark.parametrize("path", _universes("test_culprits_are_pips"))
def test_culprits_are_pips(path: Path, check_universe: Callable[[Path], list[Checked]]) -> None:
    for c in check_universe(path):
        if not c.pip.ok and c.pip.culprits:
            named = {canonicalize_name(f.package) for f in c.failing if f.package}
            assert named & c.pip.culprits, c.describe()
