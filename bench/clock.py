"""Run a Python module with the wall clock moved forward: `python bench/clock.py SECONDS MODULE ARGS…`.

The benchmark's "stale" series: a tool started this way sees every cache entry as SECONDS older
than it is, exactly as if it ran that much later, whatever its cache format (fletlint and pip
both judge freshness with `time.time()`). Only the wall clock moves; `perf_counter` and
`monotonic`, which time things, do not.
"""

from __future__ import annotations

import runpy
import sys
import time


def main() -> None:
    skew = float(sys.argv[1])
    module = sys.argv[2]
    sys.argv = [module, *sys.argv[3:]]
    real_time, real_time_ns = time.time, time.time_ns
    time.time = lambda: real_time() + skew
    time.time_ns = lambda: real_time_ns() + int(skew * 1e9)
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
