"""Another interpreter for work done on the other core: parsing the app's imports, big index
pages, reading the installed distributions. A cold check is bound by this one's interpreter lock."""

from __future__ import annotations

import json
import sys


def isolated_python(code: str) -> list[str]:
    """The command line that runs `code` in a new interpreter finding its modules where this one
    found them, and nowhere else: isolated (-I), so the checked project's folder (the current
    one) cannot put a `fletlint` of its own first."""
    path = "import json, sys; sys.path[:] = json.loads(sys.argv[1]); "
    return [sys.executable, "-I", "-c", path + code, json.dumps(sys.path)]


def run_elsewhere(code: str, *, stdin: bytes = b"", timeout: float) -> bytes | None:
    """What `code` wrote to its output, run by `isolated_python`; None when it could not start,
    failed or took more than `timeout` seconds (the caller then does the work itself)."""
    import subprocess

    try:
        done = subprocess.run(
            isolated_python(code), input=stdin, capture_output=True, timeout=timeout, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None
