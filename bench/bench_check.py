"""Benchmark: `fletlint check` on the example app against uv and pip on the same requirements.

Not a test: it reads the live indexes and prints figures. Run:
    .venv/bin/pip install -e '.[bench]' && .venv/bin/python bench/bench_check.py [--runs 5]
Cold = an empty fletlint cache; warm = the cache of the previous run (a new Linter each time, so
only the disk cache is reused, as for a new CLI invocation). uv and pip are timed as subprocesses,
fletlint both in-process (the engine's own time) and as a subprocess (with interpreter start-up).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from fletlint.linter.engine import FLET_INDEX_URL, Linter, Settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "supabase-app"
REQUIREMENTS = EXAMPLE / "requirements.txt"
BIN = Path(sys.executable).parent


def flet_index_reachable() -> bool:
    try:
        httpx.get(FLET_INDEX_URL, timeout=5.0)
    except httpx.HTTPError:
        return False
    return True


def timed(action: Callable[[], object], runs: int) -> list[float]:
    figures = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        figures.append(time.perf_counter() - started)
    return figures


def fletlint_in_process(cache: Path, targets: tuple[str, ...]) -> Callable[[], object]:
    def run() -> object:
        with Linter(Settings(cache_dir=cache, targets=targets)) as linter:
            return linter.check(EXAMPLE)

    return run


def command(args: list[str]) -> Callable[[], object]:
    # Some machines set PYTHONDONTWRITEBYTECODE; a user's Python keeps its bytecode, and timing
    # the recompilation of every module on each run would measure something users never see.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def run() -> object:
        return subprocess.run(args, capture_output=True, check=False, env=env)

    return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--fletlint-only", action="store_true", help="skip uv and pip")
    options = parser.parse_args()
    runs = options.runs
    work = Path(tempfile.mkdtemp(prefix="fletlint-bench-"))
    rows: list[tuple[str, float]] = []

    def record(label: str, figures: list[float]) -> float:
        median = statistics.median(figures)
        rows.append((label, median))
        print(f"{label:<58} median {median * 1000:8.1f} ms  ({len(figures)} runs)", flush=True)
        return median

    cold_runs = []
    for i in range(max(1, runs // 2)):
        cold_runs += timed(fletlint_in_process(work / f"cold-{i}", ()), 1)
    record("fletlint check, 6 targets, cold cache (in-process)", cold_runs)
    cache = work / "warm"
    fletlint_in_process(cache, ())()
    warm6 = record(
        "fletlint check, 6 targets, warm (in-process)", timed(fletlint_in_process(cache, ()), runs)
    )
    warm1 = record(
        "fletlint check, android arm64 only, warm (in-process)",
        timed(fletlint_in_process(cache, ("android_24_arm64_v8a",)), runs),
    )
    cli = [str(BIN / "fletlint"), "check", str(EXAMPLE), "--cache-dir", str(cache), "--exit-zero"]
    record("fletlint check CLI, 6 targets, warm (subprocess)", timed(command(cli), runs))

    if options.fletlint_only:
        shutil.rmtree(work, ignore_errors=True)
        return
    # uv and pip retry an unreachable index for a long time; timing that would measure the
    # network, not the tools. Where Flet's index cannot be reached, all three go without it
    # (fletlint then uses its embedded snapshot, and says so).
    flet_extra = ["--extra-index-url", FLET_INDEX_URL] if flet_index_reachable() else []
    if not flet_extra:
        print(f"note: {FLET_INDEX_URL} is unreachable here; uv and pip run without it")
    uv = shutil.which("uv", path=str(BIN)) or shutil.which("uv")
    uv_median = None
    if uv:
        uv_cmd = [
            uv,
            "pip",
            "compile",
            str(REQUIREMENTS),
            "--python-platform",
            "aarch64-linux-android",
            "--python-version",
            "3.14",
            "--only-binary",
            ":all:",
            "--extra-index-url",
            "https://pypi.flet.dev",
            "--cache-dir",
            str(work / "uv-cache"),
            "--quiet",
        ]
        command(uv_cmd)()  # fill uv's cache: compare warm with warm
        uv_median = record(
            "uv pip compile, aarch64-linux-android, warm", timed(command(uv_cmd), runs)
        )
    else:
        print("uv not found: pip install uv (the [bench] extra) to compare")
    pip_cmd = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--dry-run",
        "--quiet",
        "--report",
        "-",
        "--platform",
        "android_24_arm64_v8a",
        "--python-version",
        "3.14",
        "--only-binary",
        ":all:",
        "--target",
        str(work / "pip-target"),
        "--extra-index-url",
        "https://pypi.flet.dev",
        "-r",
        str(REQUIREMENTS),
    ]
    command(pip_cmd)()
    pip_median = record(
        "pip install --dry-run, android_24_arm64_v8a, warm", timed(command(pip_cmd), runs)
    )

    print()
    print(
        f"goal: warm 6-target check < 250 ms: {'met' if warm6 < 0.25 else 'NOT met'} ({warm6 * 1000:.0f} ms)"
    )
    if uv_median:
        print(f"ratio fletlint(1 target, warm) / uv: {warm1 / uv_median:.2f}")
        print(f"ratio fletlint(6 targets, warm) / uv(1 target): {warm6 / uv_median:.2f}")
    print(f"ratio fletlint(1 target, warm) / pip: {warm1 / pip_median:.2f}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
