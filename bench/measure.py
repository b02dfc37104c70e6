"""Run one command and measure it: wall time, CPU time and peak RSS of the process tree.

CPU time comes from `os.wait4`: exactly the child waited for (and the descendants it waited for:
uv's interpreter probe), so work in parallel elsewhere on a shared machine does not leak into it.
Peak RSS does not: Linux carries a forked child's high-water mark across `exec`, so the child of
a big benchmark process would report the benchmark's own size. It is the largest `VmHWM` of the
child and its descendants, read from /proc every 10 ms while they run (`VmHWM` only grows, so
missing the last interval loses little); the descendants are looked for every 100 ms.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Run:
    """One finished (or killed) command."""

    args: tuple[str, ...]
    returncode: int | None  # None: killed after the timeout
    wall: float  # seconds
    cpu: float  # user + system seconds
    peak_rss_mb: float
    stdout: str
    stderr: str

    @property
    def timed_out(self) -> bool:
        return self.returncode is None


def run(
    args: Sequence[str],
    env: Mapping[str, str],
    timeout: float,
    cwd: Path | None = None,
) -> Run:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(args), stdout=out, stderr=err, env=dict(env), cwd=cwd, start_new_session=True
        )
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        done = threading.Event()
        peaks: dict[int, int] = {}
        poller = threading.Thread(target=_poll_peaks, args=(process.pid, done, peaks), daemon=True)
        poller.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
            done.set()
            poller.join()
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            args=tuple(args),
            returncode=None if killed.is_set() else process.returncode,
            wall=wall,
            cpu=usage.ru_utime + usage.ru_stime,
            peak_rss_mb=max(peaks.values(), default=0) / 1024,  # kB
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


def _hwm_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _descendants(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                queue += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return found


# How often the process tree is walked again for new descendants, in polls. Walking it reads a
# file per thread of every process (fletlint runs some 45 threads), in the benchmark's process,
# whose GIL the local index servers share: walked every 10 ms, it slowed their answers to a
# tool with many requests and threads (fletlint's cold 500: 19.2 s); VmHWM itself is cheap.
_WALK_EVERY = 10


def _poll_peaks(pid: int, done: threading.Event, peaks: dict[int, int]) -> None:
    polls = 0
    known: list[int] = [pid]
    while True:
        if polls % _WALK_EVERY == 0:
            known = _descendants(pid)
        polls += 1
        for each in known:
            hwm = _hwm_kb(each)
            if hwm is not None and hwm > peaks.get(each, 0):
                peaks[each] = hwm
        if done.wait(0.01):
            return
