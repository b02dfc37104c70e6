"""The memory-heavy attacks, each checked in a subprocess under an address-space limit.

Before the limits, these cost 1.2 to 3.5 GB of memory (or ended in MemoryError). Run in-process, a
regression would eat the (shared) machine; here the child gets RLIMIT_AS, so a regression fails
the test instead, and the child reports its peak resident memory, which must stay under 300 MB.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MakeIndex
from tests.support import hostile_server as hostile
from tests.support.faults import Action, Faults
from tests.support.index_server import LocalIndex
from tests.support.universe import Universe
from tests.support.wheels import wheel_filename

MiB = 1024 * 1024
# The child's address space: far above a bounded check, far below what an unbounded read needs.
ADDRESS_SPACE = 1536 * MiB
PEAK_RSS_GOAL = 300 * MiB
PYDANTIC = wheel_filename("pydantic", "2.12.5")

# The child: limit itself, run the real CLI, report (exit code, peak RSS in bytes) on stderr.
_CHILD = """
import json, resource, sys
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from fletlint.cli import main
code = main(sys.argv[2:])
# VmHWM, not ru_maxrss: after a vfork + exec, ru_maxrss still holds the parent's (pytest's) peak.
with open("/proc/self/status") as status:
    peak_kib = next(int(ln.split()[1]) for ln in status if ln.startswith("VmHWM:"))
sys.stderr.write("\\nFLETLINT-CHILD " + json.dumps({"code": code, "peak": peak_kib * 1024}) + "\\n")
"""

ATTACKS: dict[str, tuple[str, Action, str]] = {
    "content-length-2GB": (r"^/simple/", hostile.huge_declared(), "Content-Length"),
    "endless-chunked-page": (r"^/simple/", hostile.endless_chunked(), "larger than the 48 MiB"),
    "gzip-bomb-6GiB": (r"^/simple/", hostile.gzip_bomb(), "(decompressed)"),
    "metadata-1.2GB": (r"\.metadata$", hostile.huge_declared(1200 * MiB), ""),
    "range-answered-1.2GB": (rf"{PYDANTIC}$", hostile.whole_file_for_range(), "64 MiB limit"),
}


def _child_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "FLETLINT_"))}
    env.update(
        PIP_CONFIG_FILE=os.devnull,
        HOME=str(tmp_path / "home"),
        FLETLINT_CACHE_DIR=str(tmp_path / "cache"),
        # Generous (request deadline 60 s): these attacks are ended by size limits, not time.
        FLETLINT_TIMEOUT="10",
        NO_COLOR="1",
        # Few malloc arenas: the address-space limit then measures data, not per-thread reserves.
        MALLOC_ARENA_MAX="2",
    )
    return env


def run_limited(tmp_path: Path, *args: str) -> tuple[int, int, str, str]:
    """(exit code, peak RSS bytes, stdout, stderr) of `fletlint *args` in a limited child."""
    (tmp_path / "home").mkdir(exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(ADDRESS_SPACE), *args],
        capture_output=True,
        text=True,
        env=_child_env(tmp_path),
        timeout=600,  # a hang guard for a regressed child, not a measure
        check=False,
    )
    marker = [ln for ln in done.stderr.splitlines() if ln.startswith("FLETLINT-CHILD ")]
    assert marker, f"the child died (exit {done.returncode}): {done.stderr[-2000:]}"
    report = json.loads(marker[-1].removeprefix("FLETLINT-CHILD "))
    return int(report["code"]), int(report["peak"]), done.stdout, done.stderr


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_a_memory_attack_stays_bounded(
    attack: str,
    tmp_path: Path,
    make_index: MakeIndex,
    universe: Universe,
    flet_index: LocalIndex,
) -> None:
    path, action, said = ATTACKS[attack]
    index = make_index(universe.pypi_dir, yanked=universe.yanked, pep658="metadata" in attack)
    Faults().on(path, action).install(index)
    app = tmp_path / "app"
    app.mkdir()
    (app / "requirements.txt").write_text("pydantic==2.12.5\nmsgpack\n")
    code, peak, out, err = run_limited(
        tmp_path,
        "check",
        str(app),
        "--format",
        "json",
        "--index-url",
        index.url,
        "--flet-index-url",
        flet_index.url,
        "--python-version",
        "3.12",
        "--target",
        "android_24_arm64_v8a",
    )
    assert "Traceback" not in err and "internal error" not in err, err
    assert code in (0, 1), err
    report = json.loads(out)
    problems = [f["message"] for f in report["findings"] if f["code"] == "FL005"]
    if said:
        assert any(said in m for m in problems), problems
    else:  # the attack only cost a shortcut: no FL005, the wheel itself was read instead
        assert problems == []
    print(f"{attack}: peak RSS {peak / MiB:.0f} MiB")
    assert peak < PEAK_RSS_GOAL, f"{attack}: peak RSS {peak / MiB:.0f} MiB"
