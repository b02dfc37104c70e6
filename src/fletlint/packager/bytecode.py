"""Compile to `.pyc` as serious_python does (`python -m compileall -b <dir>`, then every `.py`
deleted), with an interpreter of the target's Python X.Y: bytecode is version-specific, so a
`.pyc` from another X.Y would not load on the phone.

The interpreter: `--python PATH` when given (it must be X.Y), else `pythonX.Y` on PATH, else one
uv manages (`uv python find X.Y`, never a download). With none, the `.py` files stay and the
build says so: the app still runs, it only starts slower.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from fletlint.packager.errors import BuildError
from fletlint.packager.layout import SOURCE_FILES, cleanup_dir

_VERSION_PROBE = "import sys; print('%d.%d' % sys.version_info[:2])"


def interpreter_version(python: Path) -> str | None:
    try:
        done = subprocess.run(
            [str(python), "-I", "-c", _VERSION_PROBE],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def find_interpreter(version: str, explicit: Path | None = None) -> Path | None:
    """An interpreter of Python `version` (X.Y); BuildError when `explicit` is not one."""
    if explicit is not None:
        found = interpreter_version(explicit)
        if found is None:
            raise BuildError(f"--python {explicit}: not a Python interpreter that runs here")
        if found != version:
            raise BuildError(
                f"--python {explicit} is Python {found}; the app bundles Python {version}, "
                "whose bytecode differs"
            )
        return explicit
    on_path = shutil.which(f"python{version}")
    if on_path is not None and interpreter_version(Path(on_path)) == version:
        return Path(on_path)
    uv = shutil.which("uv")
    if uv is not None:
        try:
            done = subprocess.run(
                [uv, "python", "find", "--no-python-downloads", version],
                capture_output=True,
                text=True,
                check=False,
                timeout=60,
                env={**os.environ, "UV_NO_PROGRESS": "1"},
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        candidate = done.stdout.strip()
        if done.returncode == 0 and candidate and interpreter_version(Path(candidate)) == version:
            return Path(candidate)
    return None


def compile_tree(python: Path, root: Path, what: str) -> None:
    """compileall -b over `root`, then delete the sources (and folders left empty)."""
    try:
        done = subprocess.run(
            [str(python), "-I", "-m", "compileall", "-b", "-q", str(root)],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as exc:
        raise BuildError(f"cannot run {python} to compile {what}: {exc}") from exc
    if done.returncode != 0:
        detail = (done.stdout + done.stderr).strip().splitlines()
        raise BuildError(
            f"compiling {what} failed (as it fails flet build): "
            + (" | ".join(detail[-5:]) or f"exit {done.returncode}")
        )
    cleanup_dir(root, SOURCE_FILES)
