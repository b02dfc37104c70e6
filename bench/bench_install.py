"""Benchmark: installing a lock into the three Android ABI folders, fletlint beside pip and uv.

Not a test (speed is never asserted in tests). From a fresh clone:

    python3 -m venv .venv && .venv/bin/pip install -e '.[test,bench]' && .venv/bin/python bench/bench_install.py

What is measured, on the same wheels for every tool:
- The lock: `fletlint build --target android` of an app whose requirements are a synthetic
  universe's roots (`synthetic.py`, real wheels on two local indexes; the example app's lock
  needs Flet's index, which is not reachable here). That build leaves the wheels in fletlint's
  cache (warm) and `pylock.toml`; the lock's wheels are then copied into one find-links folder.
- fletlint: one process installing the three ABIs' locked wheels from the warm cache as
  `fletlint build` does (`fletlint.packager.install.install_targets`, a thread per ABI).
- pip: `pip install --target … --platform android_24_<abi> --only-binary :all: --python-version
  X.Y --implementation cp --no-index --find-links <wheels> --no-deps -r <pins>`, times 3.
- uv: `uv pip install --target … --python-platform <arch>-linux-android --python-version X.Y
  --no-index --find-links <wheels> --no-deps -r <pins>`, times 2 (uv has no armv7).
- `--no-deps` everywhere: a lock is installed, not resolved. Each run into fresh folders; exit
  codes checked (a failing tool aborts the benchmark with its stderr). Medians of --runs, and
  per-ABI ratios (fletlint ÷ uv, pip ÷ uv). Goal: fletlint ≤ 1.0 x uv per ABI.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
for entry in (str(ROOT), str(BENCH)):
    if entry not in sys.path:
        sys.path.insert(0, entry)

import measure  # noqa: E402
import synthetic  # noqa: E402
from indexes import BenchIndex  # noqa: E402

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

ABIS = {"arm64-v8a": "arm64_v8a", "armeabi-v7a": "armeabi_v7a", "x86_64": "x86_64"}
UV_PLATFORMS = {"arm64-v8a": "aarch64-linux-android", "x86_64": "x86_64-linux-android"}
PYTHON = "3.12"

FLETLINT_INSTALL = """
import sys
from pathlib import Path
from fletlint.linter.targets import Target
from fletlint.packager.install import install_targets
out, cache = Path(sys.argv[1]), Path(sys.argv[2])
jobs = []
for spec in sys.argv[4:]:
    abi, wheels = spec.split("=", 1)
    target = Target("android", abi, "24", "3.12")
    jobs.append((target, [cache / w for w in wheels.split(",")], out / abi))
install_targets(jobs, images=Path(sys.argv[3]))  # as fletlint build: from its warm cache
"""


def clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_", "FLETLINT_"))}
    env.update(
        {
            "PIP_CONFIG_FILE": os.devnull,
            "UV_NO_CONFIG": "1",
            "HOME": str(home),
            "FLETLINT_CACHE_DIR": str(home / "fletlint-cache"),
            "UV_CACHE_DIR": str(home / "uv-cache"),
            "PIP_CACHE_DIR": str(home / "pip-cache"),
        }
    )
    return env


def checked(run: measure.Run, what: str) -> measure.Run:
    if run.returncode != 0:
        sys.exit(f"{what} failed (exit {run.returncode}):\n{run.stderr[-3000:]}")
    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--size", type=int, default=150, help="synthetic universe size")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-install-"))
    try:
        universe = synthetic.build(work / "universe", args.size)
        env = clean_env(work / "home")
        (work / "home").mkdir()
        python = sys.executable
        uv = shutil.which("uv", path=str(Path(python).parent)) or shutil.which("uv")
        if uv is None:
            sys.exit("uv is not installed: pip install -e '.[bench]'")
        with BenchIndex(universe.pypi_dir) as pypi, BenchIndex(universe.flet_dir) as flet:
            app = work / "app"
            app.mkdir()
            shutil.copy(universe.requirements, app / "requirements.txt")
            (app / "main.py").write_text("\n")
            checked(
                measure.run(
                    [python, "-m", "fletlint", "build", str(app), "--allow-dirty", "--target",
                     "android", "--python-version", PYTHON, "-o", str(work / "out"),
                     "--index-url", pypi.simple_url, "--flet-index-url", flet.simple_url],
                    env, args.timeout,
                ),
                "fletlint build (the lock)",
            )  # fmt: skip
        lock = tomllib.loads((work / "out" / "pylock.toml").read_text())
        per_abi: dict[str, list[str]] = {}
        shas: dict[str, str] = {}
        for package in lock["packages"]:
            for wheel in package["wheels"]:
                shas[wheel["name"]] = wheel["hashes"]["sha256"]
        for target, table in lock["tool"]["fletlint"]["targets"].items():
            key = next(k for k, abi in ABIS.items() if target.endswith(abi))
            per_abi[key] = list(table["wheels"])
        cache = Path(env["FLETLINT_CACHE_DIR"]) / "wheels-v1"
        links = work / "wheels"
        links.mkdir()
        for name, sha in shas.items():
            shutil.copy(cache / sha / name, links / name)
        pins: dict[str, Path] = {}
        for key, wheels in per_abi.items():
            pins[key] = work / f"pins-{key}.txt"
            pins[key].write_text("".join(f"{w.split('-')[0]}=={w.split('-')[1]}\n" for w in wheels))

        results: dict[str, list[float]] = {"fletlint": [], "pip": [], "uv": []}
        for i in range(args.runs):
            target_root = work / f"run-{i}"
            spec = [
                f"{ABIS[k]}={','.join(f'{shas[n]}/{n}' for n in w)}" for k, w in per_abi.items()
            ]
            run = checked(
                measure.run(
                    [python, "-c", FLETLINT_INSTALL, str(target_root / "fletlint"), str(cache),
                     env["FLETLINT_CACHE_DIR"], *spec],
                    env, args.timeout,
                ),
                "fletlint install",
            )  # fmt: skip
            results["fletlint"].append(run.wall / len(per_abi))
            total = 0.0
            for key in per_abi:
                run = checked(
                    measure.run(
                        [python, "-m", "pip", "install", "--disable-pip-version-check", "--quiet",
                         "--target", str(target_root / "pip" / key), "--platform",
                         f"android_24_{ABIS[key]}", "--only-binary", ":all:", "--python-version",
                         PYTHON, "--implementation", "cp", "--no-index", "--find-links", str(links),
                         "--no-deps", "-r", str(pins[key])],
                        env, args.timeout,
                    ),
                    f"pip ({key})",
                )  # fmt: skip
                total += run.wall
            results["pip"].append(total / len(per_abi))
            total = 0.0
            for key, platform in UV_PLATFORMS.items():
                run = checked(
                    measure.run(
                        [uv, "pip", "install", "--quiet", "--target", str(target_root / "uv" / key),
                         "--python-platform", platform, "--python-version", PYTHON, "--python",
                         python, "--no-index", "--find-links", str(links), "--no-deps", "-r",
                         str(pins[key])],
                        env, args.timeout,
                    ),
                    f"uv ({key})",
                )  # fmt: skip
                total += run.wall
            results["uv"].append(total / len(UV_PLATFORMS))
            shutil.rmtree(target_root)

        wheels = len(shas)
        print(
            f"lock: {wheels} wheels, {sum(len(w) for w in per_abi.values())} installs over 3 ABIs"
        )
        uv_median = statistics.median(results["uv"])
        print(f"{'tool':<10} {'median s/ABI':>13} {'÷ uv':>7}   runs: {args.runs}")
        for tool, times in results.items():
            median = statistics.median(times)
            print(f"{tool:<10} {median:>13.3f} {median / uv_median:>6.2f}×")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
