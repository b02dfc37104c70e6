"""Run one command and measure it: wall time, CPU time and peak RSS of the process tree.

`os.wait4` gives the resource usage of exactly the child waited for (and of the descendants it
waited for: uv's interpreter probe, pip's build isolation), so runs in parallel elsewhere on a
shared machine do not leak into the figures, as they would with `RUSAGE_CHILDREN` differences.
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
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            args=tuple(args),
            returncode=None if killed.is_set() else process.returncode,
            wall=wall,
            cpu=usage.ru_utime + usage.ru_stime,
            peak_rss_mb=usage.ru_maxrss / 1024,  # Linux: kilobytes
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )
