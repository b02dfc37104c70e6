"""Benchmark: `fletlint check` beside uv and pip, on the same indexes, in one run.

Not a test (speed is never asserted in tests). From a fresh clone:

    python3 -m venv .venv && .venv/bin/pip install -e '.[test,bench]' && .venv/bin/python bench/bench_check.py

writes bench/RESULTS.md (add `--live` for the example app against PyPI; `--help` for the rest).

What is fair here:
- Same indexes for every tool. Synthetic universes of 50 / 150 / 500 projects (`synthetic.py`)
  are served as a "PyPI" and a "Flet" index on 127.0.0.1 with PyPI's caching headers
  (`indexes.py`). With `--live`, the example app (examples/supabase-app) reads the real PyPI plus
  a stand-in for Flet's index built from fletlint's snapshot, also on 127.0.0.1.
- No configuration for any tool: the environment loses every PIP_*, UV_* and FLETLINT_* variable,
  then gets PIP_CONFIG_FILE=/dev/null (pip then reads no file, not even /etc/xdg/pip) and
  UV_NO_CONFIG=1; pip runs with --isolated, fletlint with --isolated; every index is on the
  command line. uv gets its interpreter (--python, never a download) and
  --index-strategy unsafe-best-match (merges indexes as pip does).
- pip runs as serious_python runs it for one phone target (`--only-binary :all: --platform
  --python-version --implementation cp --target`), as a dry run with a report; uv as
  `pip compile --python-platform aarch64-linux-android`; fletlint checks its six phone targets
  and, in a second row, the same one target.
- Cold: an empty cache folder for every tool, every run. Warm: the cache the cold run left
  (project pages are fresh for 10 minutes, as on PyPI). Stale: a copy of the warm cache, read
  11 minutes later: fletlint and pip run with the wall clock moved forward 660 s (`clock.py`),
  uv (which has no such knob) with `--refresh`, which revalidates everything it has cached.
- A baseline (uv, pip) that exits non-zero or times out aborts the benchmark with its stderr;
  so does fletlint exiting non-zero (it runs with --exit-zero), while fletlint taking longer than
  --timeout is recorded as such. The answers are compared: the packages fletlint resolves for
  android_24_arm64_v8a against uv's and pip's.
- Project pages absent from an index answer 404 without caching headers: uv and pip ask again
  on every run (the "requests" of their warm runs), fletlint remembers a 404 for 10 minutes.
- Wall time and CPU time are the child's own (`os.wait4`); peak RSS is the largest VmHWM of its
  processes (`measure.py`). The shared machine's other work shows in wall time only, as load,
  which RESULTS.md records: compare CPU ratios when the load is high.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for entry in (str(ROOT), str(BENCH)):  # tests.support (the index server) and bench's helpers
    if entry not in sys.path:
        sys.path.insert(0, entry)

import indexes  # noqa: E402
import measure  # noqa: E402
import synthetic  # noqa: E402

EXAMPLE = ROOT / "examples" / "supabase-app"
SNAPSHOT = ROOT / "src" / "fletlint" / "linter" / "index" / "snapshot.json"
PYTHON = sys.executable
BIN = Path(sys.executable).parent
PYPI_SIMPLE = "https://pypi.org/simple/"
STALE_SKEW = 660.0  # seconds: past fletlint's (and PyPI's) 10-minute freshness window
ONE_TARGET = "android_24_arm64_v8a"
UV_PLATFORM = "aarch64-linux-android"  # uv's name for android_24_arm64_v8a
MODES = ("warm", "stale", "cold")


class BenchmarkAborted(SystemExit):
    pass


# ---------------------------------------------------------------------------------- tools


@dataclass(frozen=True)
class Workload:
    """One project and the indexes every tool reads for it."""

    label: str  # "50 packages", "example app"
    requirements: Path
    index_url: str
    flet_url: str
    python: str  # the phone's Python, X.Y
    counters: tuple[indexes.BenchIndex, ...] = ()  # local indexes whose requests we count


@dataclass(frozen=True)
class Tool:
    key: str
    label: str
    is_baseline: bool
    command: Callable[[Workload, Path, bool], list[str]]  # (workload, cache dir, stale)


# Where `python -m fletlint` imports fletlint from: the working tree (None), or the `src/` of a
# commit exported by --commit, so the figures belong to one commit whatever else is being edited.
FLETLINT_SRC: Path | None = None
COMMIT: str | None = None


def clean_environment() -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PIP_", "UV_", "FLETLINT_")) and k != "PYTHONDONTWRITEBYTECODE"
    }
    # PYTHONDONTWRITEBYTECODE is dropped too: users' Pythons keep bytecode, and recompiling every
    # module on each run would time something users never see.
    env["PIP_CONFIG_FILE"] = os.devnull
    env["UV_NO_CONFIG"] = "1"
    env["UV_PYTHON_DOWNLOADS"] = "never"
    if FLETLINT_SRC is not None:
        env["PYTHONPATH"] = str(FLETLINT_SRC)
    else:
        env.pop("PYTHONPATH", None)
    return env


def export_commit(commit: str, dest: Path) -> Path:
    """`src/` of `commit`, exported under dest (git archive), for fletlint to run from."""
    dest.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", commit, "src"],
        capture_output=True, check=False,
    )  # fmt: skip
    if archive.returncode != 0:
        raise BenchmarkAborted(f"git archive {commit}: {archive.stderr.decode(errors='replace')}")
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    # Bytecode now, as an installed package has it, not during the first timed run.
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(dest / "src")], check=True)
    return dest / "src"


def _python_module(module: str, stale: bool) -> list[str]:
    if stale:
        return [PYTHON, str(BENCH / "clock.py"), str(STALE_SKEW), module]
    return [PYTHON, "-m", module]


def fletlint_command(targets: Sequence[str]) -> Callable[[Workload, Path, bool], list[str]]:
    def command(work: Workload, cache: Path, stale: bool) -> list[str]:
        args = [
            *_python_module("fletlint", stale),
            "check",
            str(work.requirements),
            "--isolated",
            "--format",
            "json",
            "--exit-zero",
            "--python-version",
            work.python,
            "--index-url",
            work.index_url,
            "--flet-index-url",
            work.flet_url,
            "--cache-dir",
            str(cache),
        ]
        for target in targets:
            args += ["--target", target]
        return args

    return command


def uv_binary() -> str:
    found = shutil.which("uv", path=str(BIN))
    if found is None:
        raise BenchmarkAborted("uv is missing: .venv/bin/pip install -e '.[bench]'")
    return found


def uv_command(work: Workload, cache: Path, stale: bool) -> list[str]:
    return [
        uv_binary(),
        "pip",
        "compile",
        str(work.requirements),
        "--python",
        PYTHON,
        "--python-version",
        work.python,
        "--python-platform",
        UV_PLATFORM,
        "--only-binary",
        ":all:",
        "--index-url",
        work.index_url,
        "--extra-index-url",
        work.flet_url,
        "--index-strategy",
        "unsafe-best-match",
        "--cache-dir",
        str(cache),
        "--no-header",
        "--no-annotate",
        *(["--refresh"] if stale else []),
    ]


def pip_command(work: Workload, cache: Path, stale: bool) -> list[str]:
    return [
        *_python_module("pip", stale),
        "install",
        "--isolated",
        "--disable-pip-version-check",
        "--dry-run",
        "--quiet",
        "--report",
        "-",
        "--ignore-installed",
        "--only-binary",
        ":all:",
        "--platform",
        ONE_TARGET,
        "--python-version",
        work.python,
        "--implementation",
        "cp",
        "--target",
        str(cache.parent / f"{cache.name}-target"),
        "--index-url",
        work.index_url,
        "--extra-index-url",
        work.flet_url,
        # pip caches responses only from https:// and trusted hosts: without this, "warm" pip
        # would download every page and file again from the local indexes.
        "--trusted-host",
        "127.0.0.1",
        "--cache-dir",
        str(cache),
        "-r",
        str(work.requirements),
    ]


TOOLS = (
    Tool("fletlint6", "fletlint check, 6 targets", False, fletlint_command(())),
    Tool("fletlint1", "fletlint check, 1 target", False, fletlint_command((ONE_TARGET,))),
    Tool("uv", "uv pip compile, 1 target", True, uv_command),
    Tool("pip", "pip install --dry-run, 1 target", True, pip_command),
)

# Not a row of its own: run after uv's warm runs, on the cache uv's cold run left.
UV_OFFLINE = Tool(
    "uv-offline",
    "uv pip compile --offline, 1 target",
    True,
    lambda work, cache, stale: [*uv_command(work, cache, stale), "--offline"],
)


def answer(tool: Tool, run: measure.Run) -> dict[str, str] | None:
    """The packages the tool resolved for android_24_arm64_v8a (None: it found no answer)."""
    if tool.key.startswith("fletlint"):
        report = json.loads(run.stdout)
        for target in report.get("targets", []):
            if target.get("name") == ONE_TARGET:
                return dict(target.get("packages", {})) if target.get("installs") else None
        return None
    if tool.key == "uv":
        pins = re.findall(r"^([A-Za-z0-9._-]+)==(\S+)$", run.stdout, re.MULTILINE)
        return {name.lower(): version for name, version in pins}
    report = json.loads(run.stdout)
    return {i["metadata"]["name"].lower(): i["metadata"]["version"] for i in report["install"]}


def _canonical(packages: dict[str, str]) -> dict[str, str]:
    return {re.sub(r"[-_.]+", "-", k).lower(): v for k, v in packages.items()}


# ---------------------------------------------------------------------------------- series


@dataclass
class Cell:
    """The runs of one tool in one mode on one workload."""

    runs: list[measure.Run] = field(default_factory=list)
    requests: list[int] = field(default_factory=list)
    timed_out: bool = False
    skipped: str = ""

    @property
    def median(self) -> float | None:
        if self.timed_out or not self.runs:
            return None
        return statistics.median(r.wall for r in self.runs)

    @property
    def cpu(self) -> float | None:
        if self.timed_out or not self.runs:
            return None
        return statistics.median(r.cpu for r in self.runs)

    @property
    def rss(self) -> float | None:
        return max(r.peak_rss_mb for r in self.runs) if self.runs else None

    def wall_text(self, timeout: float) -> str:
        if self.skipped:
            return "—"
        if self.timed_out:
            return f"> {timeout:.0f} s"
        return seconds(self.median)


def seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


@dataclass
class Options:
    runs: int
    cold_runs: int
    timeout: float
    tools: tuple[Tool, ...]


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def run_workload(
    work: Workload, options: Options, scratch: Path
) -> tuple[dict[tuple[str, str], Cell], list[str]]:
    """Cold, then warm, then stale runs of every tool; returns the cells and the notes."""
    env = clean_environment()
    cells: dict[tuple[str, str], Cell] = {}
    notes: list[str] = []
    answers: dict[str, dict[str, str] | None] = {}

    def timed(tool: Tool, cache: Path, stale: bool, cell: Cell) -> measure.Run | None:
        before = sum(len(index.requests) for index in work.counters)
        result = measure.run(tool.command(work, cache, stale), env, options.timeout, cwd=scratch)
        after = sum(len(index.requests) for index in work.counters)
        if result.timed_out:
            if tool.is_baseline:
                raise BenchmarkAborted(
                    f"{tool.label} on {work.label} took more than {options.timeout:.0f} s\n"
                    f"{' '.join(result.args)}\n{result.stderr[-4000:]}"
                )
            cell.timed_out = True
            cell.runs.append(result)
            return None
        if result.returncode != 0:
            raise BenchmarkAborted(
                f"{tool.label} on {work.label} exited {result.returncode}:\n"
                f"{' '.join(result.args)}\n{result.stderr[-4000:]}"
            )
        cell.runs.append(result)
        cell.requests.append(after - before)
        return result

    for tool in options.tools:
        print(f"  {tool.label}: cold", end="", flush=True)
        cold = cells[(tool.key, "cold")] = Cell()
        warm_cache = scratch / f"{tool.key}-cold-0"
        for i in range(options.cold_runs):
            cache = scratch / f"{tool.key}-cold-{i}"
            result = timed(tool, cache, False, cold)
            print(".", end="", flush=True)
            if result is None:
                break
            answers.setdefault(tool.key, answer(tool, result))
            warm_cache = cache
        warm = cells[(tool.key, "warm")] = Cell()
        stale = cells[(tool.key, "stale")] = Cell()
        if cold.timed_out:
            warm.skipped = stale.skipped = "the cold run did not finish"
            print(" (timed out)")
            continue
        print(" warm", end="", flush=True)
        for _ in range(options.runs):
            if timed(tool, warm_cache, False, warm) is None:
                break
            print(".", end="", flush=True)
        if tool.key == "uv":
            # The warm goal is against uv with no network at all (`--offline`), from the
            # cache its cold run left: the floor of what a resolver with a warm cache can do.
            print(" offline", end="", flush=True)
            offline = cells[("uv-offline", "warm")] = Cell()
            for _ in range(options.runs):
                timed(UV_OFFLINE, warm_cache, False, offline)
                print(".", end="", flush=True)
        print(" stale", end="", flush=True)
        for i in range(options.runs):
            copy = scratch / f"{tool.key}-stale-{i}"
            if warm_cache.exists():
                shutil.copytree(warm_cache, copy, symlinks=True)
            if timed(tool, copy, True, stale) is None:
                break
            shutil.rmtree(copy, ignore_errors=True)
            print(".", end="", flush=True)
        print(flush=True)
        for old in scratch.glob(f"{tool.key}-*"):
            shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink()

    reference = answers.get("uv")
    for key, packages in answers.items():
        if key == "uv" or reference is None:
            continue
        if packages is None:
            notes.append(f"{work.label}: {key} found no answer for {ONE_TARGET}; uv did")
        elif _canonical(packages) != _canonical(reference):
            diff = sorted(set(_canonical(packages).items()) ^ set(_canonical(reference).items()))
            notes.append(
                f"{work.label}: {key}'s answer for {ONE_TARGET} differs from uv's "
                f"({len(packages)} vs {len(reference)} packages; differing pins: {diff[:8]})"
            )
    if reference is not None:
        agreeing = [
            k
            for k, p in answers.items()
            if p is not None and _canonical(p) == _canonical(reference)
        ]
        notes.append(
            f"{work.label}: {len(reference)} packages for {ONE_TARGET}; same answer as uv: "
            f"{', '.join(k for k in agreeing if k != 'uv') or 'none'}"
        )
    return cells, notes


# ---------------------------------------------------------------------------------- workloads


def synthetic_workloads(
    sizes: Sequence[int], store: Path
) -> list[tuple[Workload, Callable[[], None], str]]:
    """(workload, stop its servers, description) per size; the universes are built under store."""
    result: list[tuple[Workload, Callable[[], None], str]] = []
    for size in sizes:
        universe = synthetic.build(store / f"universe-{size}", size)
        pypi = indexes.BenchIndex(universe.pypi_dir)
        flet = indexes.BenchIndex(universe.flet_dir)
        for index in (pypi, flet):
            index.start()
            index._scan()  # hash every file now, not during the first timed run
        work = Workload(
            f"{size} packages",
            universe.requirements,
            pypi.simple_url,
            flet.simple_url,
            "3.12",
            counters=(pypi, flet),
        )

        def stop(pypi: indexes.BenchIndex = pypi, flet: indexes.BenchIndex = flet) -> None:
            pypi.stop()
            flet.stop()

        roots = len(universe.requirements.read_text().split())
        description = (
            f"{size} projects ({roots} asked for by the app), {universe.files} files, "
            f"{universe.downgraded_natives} native projects whose newest releases have no phone wheel"
        )
        result.append((work, stop, description))
    return result


def example_workload(store: Path) -> tuple[Workload, Callable[[], None], str]:
    """The example app against PyPI plus the stand-in for Flet's index (needs PyPI)."""
    snapshot = indexes.load_snapshot_json(SNAPSHOT)
    # Which snapshot projects the app can reach: a desktop resolution on PyPI says (uv, quick).
    desktop = subprocess.run(
        [
            uv_binary(), "pip", "compile", str(EXAMPLE / "requirements.txt"), "--python", PYTHON,
            "--python-version", "3.12", "--index-url", PYPI_SIMPLE, "--no-header",
            "--no-annotate", "--cache-dir", str(store / "uv-desktop-cache"), "--quiet",
        ],
        capture_output=True, text=True, env=clean_environment(), check=False,
    )  # fmt: skip
    if desktop.returncode != 0:
        raise BenchmarkAborted(f"uv could not resolve the example for a desktop:\n{desktop.stderr}")
    reached = {line.split("==")[0].lower() for line in desktop.stdout.splitlines() if "==" in line}
    wanted = [(n, v) for n, v in indexes.snapshot_releases(snapshot) if n in reached]
    requires = indexes.pypi_requires(wanted, store / "pypi-requires.json")
    standin_dir = store / "flet-standin"
    count = indexes.build_flet_standin(standin_dir, snapshot, requires)
    flet = indexes.BenchIndex(standin_dir)
    flet.start()
    flet._scan()
    work = Workload(
        "example app", EXAMPLE / "requirements.txt", PYPI_SIMPLE, flet.simple_url, "3.12", (flet,)
    )
    description = (
        f"examples/supabase-app ({', '.join(EXAMPLE.joinpath('requirements.txt').read_text().split())}) "
        f"on https://pypi.org/simple/ plus a stand-in for Flet's index: {count} stub wheels "
        f"(one module and METADATA each) for every release, Python and tag in the snapshot; "
        f"Requires-Dist copied from PyPI for the {len(wanted)} releases of snapshot projects "
        f"the app reaches ({', '.join(sorted({n for n, _ in wanted}))}), none for the others"
    )
    return work, flet.stop, description


# ---------------------------------------------------------------------------------- report


def tool_versions() -> dict[str, str]:
    def out(args: list[str]) -> str:
        done = subprocess.run(
            args, capture_output=True, text=True, check=False, env=clean_environment()
        )
        return (
            (done.stdout or done.stderr).strip().splitlines()[0]
            if (done.stdout or done.stderr)
            else "?"
        )

    if COMMIT is not None:
        where = f"commit {COMMIT}"
    else:
        head = out(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
        dirty = out(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no", "src"]
        )
        where = f"working tree at {head}" + (
            ", with uncommitted changes in src/" if dirty not in ("", "?") else ""
        )
    return {
        "fletlint": f"{out([PYTHON, '-m', 'fletlint', '--version'])} ({where})".removeprefix(
            "fletlint "
        ),
        "uv": out([uv_binary(), "--version"]),
        "pip": out([PYTHON, "-m", "pip", "--version"]).split(" from ")[0],
        "python": f"{platform.python_implementation()} {platform.python_version()}",
    }


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "?"
    try:
        memory = Path("/proc/meminfo").read_text().split("\n", 1)[0].split(":")[1].strip()
    except (OSError, IndexError):
        memory = "?"
    return f"{cpu}, {os.cpu_count()} cores, {memory} RAM, {platform.system()} {platform.release()} {platform.machine()}"


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "—"
    return f"{a / b:.1f}×" if a / b >= 1.95 else f"{a / b:.2f}×"


def render(
    command: str,
    started: datetime.datetime,
    results: list[tuple[Workload, str, dict[tuple[str, str], Cell], list[str], str]],
    options: Options,
    load_start: str,
    load_end: str,
) -> str:
    versions = tool_versions()
    lines = [
        "# Benchmark results",
        "",
        "Written by `bench/bench_check.py`; do not edit by hand. From a fresh clone:",
        "",
        "```",
        "python3 -m venv .venv && .venv/bin/pip install -e '.[test,bench]'",
        ".venv/bin/python bench/bench_check.py            # synthetic universes (local indexes only)",
        ".venv/bin/python bench/bench_check.py --live     # also the example app against PyPI",
        "```",
        "",
        f"This run: `{command}`, started {started:%Y-%m-%d %H:%M} UTC.",
        "",
        f"- Machine: {machine()}",
        f"- Load averages (1, 5, 15 min; the machine is shared): {load_start} at the start, "
        f"{load_end} at the end",
        f"- Tools: fletlint {versions['fletlint']}; {versions['uv']}; {versions['pip']}; "
        f"{versions['python']} (every tool's interpreter)",
        f"- Runs: {options.runs} warm and {options.runs} stale runs per cell, "
        f"{options.cold_runs} cold; medians of wall time. Timeout {options.timeout:.0f} s a run.",
        "",
        "## Summary",
        "",
        "fletlint checks six phone targets (3 Android ABIs, 3 iOS slices) or one "
        f"(`{ONE_TARGET}`); uv and pip resolve that one target.",
        "",
        "| work | fletlint, 6 targets | fletlint, 1 target | uv, 1 target | pip, 1 target "
        "| fletlint 6 / uv | fletlint 1 / uv | same, CPU time | pip / uv |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    offline_rows: list[str] = []
    for mode in MODES:
        for work, _, cells, _, _ in results:
            f6, f1, uv, pip = (
                cells.get((key, mode), Cell(skipped="not run"))
                for key in ("fletlint6", "fletlint1", "uv", "pip")
            )
            lines.append(
                f"| {mode}, {work.label} | {f6.wall_text(options.timeout)} "
                f"| {f1.wall_text(options.timeout)} | {uv.wall_text(options.timeout)} "
                f"| {pip.wall_text(options.timeout)} | {ratio(f6.median, uv.median)} "
                f"| {ratio(f1.median, uv.median)} "
                f"| {ratio(f6.cpu, uv.cpu)} / {ratio(f1.cpu, uv.cpu)} | {ratio(pip.median, uv.median)} |"
            )
            off = cells.get(("uv-offline", mode))
            if off is not None and off.runs:
                offline_rows.append(
                    f"| {work.label} | {f6.wall_text(options.timeout)} "
                    f"| {f1.wall_text(options.timeout)} | {off.wall_text(options.timeout)} "
                    f"| {ratio(f6.median, off.median)} | {ratio(f1.median, off.median)} "
                    f"| {ratio(f6.cpu, off.cpu)} / {ratio(f1.cpu, off.cpu)} |"
                )
    if offline_rows:
        lines += [
            "",
            "Warm, against uv with no network at all (`uv pip compile --offline`, same cache):",
            "",
            "| work | fletlint, 6 targets | fletlint, 1 target | uv --offline, 1 target "
            "| fletlint 6 / uv | fletlint 1 / uv | same, CPU time |",
            "|---|---|---|---|---|---|---|",
            *offline_rows,
        ]
    lines += [
        "",
        "## Detail",
        "",
        "CPU: user + system time of the tool's process tree (median). Peak RSS: the largest VmHWM "
        "of the tool's processes over the runs. Requests: to the local indexes (median; the example's PyPI requests are not counted).",
        "",
        "| work | mode | tool | wall (median) | min–max | CPU | peak RSS | requests | runs |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for work, _, cells, _, _ in results:
        for mode in MODES:
            for tool in (*options.tools, UV_OFFLINE):
                c = cells.get((tool.key, mode))
                if c is None:
                    continue
                if c.skipped:
                    lines.append(
                        f"| {work.label} | {mode} | {tool.label} | — ({c.skipped}) | | | | | 0 |"
                    )
                    continue
                walls = [r.wall for r in c.runs]
                lines.append(
                    f"| {work.label} | {mode} | {tool.label} | {c.wall_text(options.timeout)} "
                    f"| {seconds(min(walls))}–{seconds(max(walls))} | {seconds(c.cpu)} "
                    f"| {c.rss:.0f} MB | {statistics.median(c.requests) if c.requests else '—'} "
                    f"| {len(c.runs)} |"
                )
    lines += ["", "## Goals (issue 12)", ""]
    lines += goals(results)
    lines += ["", "## Workloads and answers", ""]
    for work, description, _, notes, load in results:
        lines.append(f"- **{work.label}**: {description}. Load after it: {load}.")
        lines += [f"  - {note}" for note in notes]
    lines += [
        "",
        "## Method",
        "",
        *(__doc__ or "").split("What is fair here:\n", 1)[-1].splitlines(),
    ]
    return "\n".join(lines).rstrip() + "\n"


def goals(
    results: list[tuple[Workload, str, dict[tuple[str, str], Cell], list[str], str]],
) -> list[str]:
    by_label = {work.label: cells for work, _, cells, _, _ in results}
    out: list[str] = []

    def med(label: str, key: str, mode: str) -> float | None:
        c = by_label.get(label, {}).get((key, mode))
        return c.median if c else None

    if "example app" in by_label:
        w6 = med("example app", "fletlint6", "warm")
        uvw = med("example app", "uv-offline", "warm")
        c6, uvc = med("example app", "fletlint6", "cold"), med("example app", "uv", "cold")
        out.append(f"- warm example, 6 targets ≤ 1.0× uv --offline (done at 2×): {ratio(w6, uvw)}")
        out.append(f"- cold example, 6 targets ≤ 1.5× uv cold: {ratio(c6, uvc)}")
    w500 = med("500 packages", "fletlint6", "warm")
    if "500 packages" in by_label:
        out.append(f"- 500 packages warm ≤ 0.3 s: {seconds(w500)}")
        c50, c500 = (
            med("50 packages", "fletlint6", "cold"),
            med("500 packages", "fletlint6", "cold"),
        )
        out.append(
            f"- cold 500 ≤ 12× cold 50: {ratio(c500, c50)} ({seconds(c500)} / {seconds(c50)})"
        )
    for work, _, cells, _, _ in results:
        rss = [c.rss for (k, _), c in cells.items() if k.startswith("fletlint") and c.rss]
        uv = [c.rss for (k, _), c in cells.items() if k == "uv" and c.rss]
        if rss and uv:
            out.append(
                f"- peak RSS ≤ uv's + 50 MB, {work.label}: fletlint {max(rss):.0f} MB, "
                f"uv {max(uv):.0f} MB"
            )
    return out


# ---------------------------------------------------------------------------------- profile


def profile(work: Workload, dest: Path, scratch: Path) -> None:
    """One cold and one warm fletlint check (6 targets) under cProfile; top costs to dest."""
    import pstats

    env = clean_environment()
    dest.mkdir(parents=True, exist_ok=True)
    cache = scratch / "profile-cache"
    shutil.rmtree(cache, ignore_errors=True)
    for mode in ("cold", "warm"):
        stats_file = dest / f"{mode}.prof"
        args = TOOLS[0].command(work, cache, False)
        args = [PYTHON, "-m", "cProfile", "-o", str(stats_file), "-m", "fletlint", *args[3:]]
        done = subprocess.run(
            args, capture_output=True, text=True, env=env, cwd=scratch, check=False
        )
        if done.returncode != 0:
            raise BenchmarkAborted(
                f"profiled fletlint exited {done.returncode}:\n{done.stderr[-4000:]}"
            )
        with (dest / f"{mode}.txt").open("w") as text:
            stats = pstats.Stats(str(stats_file), stream=text)
            stats.sort_stats("cumulative").print_stats(45)
            stats.sort_stats("tottime").print_stats(30)
        print(f"profile ({mode}): {dest / f'{mode}.txt'}")


# ---------------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=3, help="warm and stale runs per cell (3)")
    parser.add_argument("--cold-runs", type=int, default=1, help="cold runs per cell (1)")
    parser.add_argument("--sizes", default="50,150,500", help="synthetic universes (50,150,500)")
    parser.add_argument("--live", action="store_true", help="also the example app against PyPI")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds a run may take (600)")
    parser.add_argument(
        "--tools", default="fletlint6,fletlint1,uv,pip", help="which rows (default: all four)"
    )
    parser.add_argument("--output", type=Path, default=BENCH / "RESULTS.md")
    parser.add_argument(
        "--commit", help="run fletlint from this commit's src/ (default: the working tree)"
    )
    parser.add_argument("--store", type=Path, help="where built universes are kept (temporary)")
    parser.add_argument(
        "--profile", type=Path, help="instead: profile fletlint cold and warm on --sizes' first"
    )
    args = parser.parse_args(argv)
    wanted = args.tools.split(",")
    options = Options(
        runs=args.runs,
        cold_runs=max(1, args.cold_runs),
        timeout=args.timeout,
        tools=tuple(t for t in TOOLS if t.key in wanted),
    )
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    started = datetime.datetime.now(datetime.timezone.utc)
    load_start = _load()
    command = " ".join(["bench/bench_check.py", *(argv if argv is not None else sys.argv[1:])])
    store = args.store or Path(tempfile.mkdtemp(prefix="fletlint-bench-store-"))
    store.mkdir(parents=True, exist_ok=True)
    results = []
    global FLETLINT_SRC, COMMIT
    try:
        if args.commit:
            resolved = subprocess.run(
                ["git", "-C", str(ROOT), "rev-parse", "--short", args.commit],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            if resolved.returncode != 0:
                raise BenchmarkAborted(f"no commit {args.commit!r}: {resolved.stderr.strip()}")
            COMMIT = resolved.stdout.strip()  # HEAD moves while others commit: name it now
            FLETLINT_SRC = export_commit(args.commit, store / "fletlint-commit")
        workloads = []
        if args.live:
            workloads.append(example_workload(store))
        workloads += synthetic_workloads(sizes[:1] if args.profile else sizes, store)
        if args.profile:
            with tempfile.TemporaryDirectory(prefix="fletlint-bench-") as scratch:
                profile(workloads[-1][0], args.profile, Path(scratch))
            return
        for work, stop, description in workloads:
            print(f"{work.label}: {description}", flush=True)
            with tempfile.TemporaryDirectory(prefix="fletlint-bench-") as scratch:
                try:
                    cells, notes = run_workload(work, options, Path(scratch))
                finally:
                    stop()
            results.append((work, description, cells, notes, _load()))
    finally:
        if args.store is None:
            shutil.rmtree(store, ignore_errors=True)
    text = render(command, started, results, options, load_start, _load())
    args.output.write_text(text)
    print()
    print(text)


if __name__ == "__main__":
    try:
        main()
    except BenchmarkAborted as aborted:
        print(f"\nbenchmark aborted: {aborted.code}", file=sys.stderr)
        sys.exit(1)
