"""Hand the checked build to `flet build`: run the installed Flet CLI with pip constrained to
the lock's exact releases, then verify what it installed.

serious_python runs pip with the caller's environment (FLET-FACTS.md §5), so `PIP_CONSTRAINT`
reaches Flet's own pip: it installs what fletlint checked and locked, or fails saying which
pin it cannot meet. During that pip run `platform_system` is the phone's (`Android`/`iOS`),
so releases that differ between the platforms get a marker; ABIs of one platform cannot be told
apart by a marker, so a release that differs between them is bounded to the range the lock
holds (and `verify` then names the skew).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.version import Version

from fletlint.packager.errors import BuildError
from fletlint.packager.lock import Lock

FLET_TARGETS = ("apk", "aab", "ipa", "web")
_SYSTEM = {"android": "Android", "ios": "iOS"}
INSTALL_HINT = (
    "the Flet CLI is not installed: install it into this environment "
    "(`pip install flet-cli`, or `uv add --dev flet-cli`), or put `flet` on PATH"
)


def constraints(lock: Lock) -> str:
    """A pip constraints file pinning every locked release, per platform."""
    by_name: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for target_lock in lock.targets:
        for wheel in target_lock.wheels:
            by_name[wheel.name][target_lock.target.platform].add(wheel.version)
    lines = ["# written by fletlint build: the lock's releases, for flet build's pip"]
    for name in sorted(by_name):
        per_platform = by_name[name]
        specs = {
            platform: (
                f"=={next(iter(versions))}"
                if len(versions) == 1
                else f">={min(versions, key=Version)},<={max(versions, key=Version)}"
            )
            for platform, versions in per_platform.items()
        }
        if len(set(specs.values())) == 1:
            # Same pin wherever it is used; a platform that does not use it never asks.
            lines.append(f"{name}{next(iter(specs.values()))}")
        else:
            for platform, spec in sorted(specs.items()):
                lines.append(f'{name}{spec}; platform_system == "{_SYSTEM[platform]}"')
    return "\n".join(lines) + "\n"


def flet_executable(environ: Mapping[str, str] | None = None) -> str:
    path = (environ if environ is not None else os.environ).get("PATH")
    found = shutil.which("flet", path=path)
    if found is None:
        raise BuildError(INSTALL_HINT)
    return found


@dataclass(frozen=True)
class HandOff:
    returncode: int
    constraint_file: str  # where it was, for the message (deleted afterwards)


def run_flet(
    flet_target: str,
    project: Path,
    lock: Lock,
    flet_args: Sequence[str] = (),
    environ: Mapping[str, str] | None = None,
    *,
    python: str | None = None,
) -> HandOff:
    """`flet build <target> <project> <flet_args>` with PIP_CONSTRAINT; its output is the
    user's. An existing PIP_CONSTRAINT is kept: pip reads a space-separated list. `python`: the
    X.Y the lint checked, passed on unless the Flet arguments name one."""
    if flet_target not in FLET_TARGETS:
        raise BuildError(f"--flet {flet_target}: one of {', '.join(FLET_TARGETS)}")
    env = dict(environ if environ is not None else os.environ)
    flet = flet_executable(env)
    extra = list(flet_args)
    if python is not None and not any(a.startswith("--python-version") for a in extra):
        extra = ["--python-version", python, *extra]
    with tempfile.TemporaryDirectory(prefix="fletlint-constraints-") as tmp:
        constraint = Path(tmp) / "constraints.txt"
        constraint.write_text(constraints(lock), encoding="utf-8")
        earlier = env.get("PIP_CONSTRAINT", "").strip()
        env["PIP_CONSTRAINT"] = f"{earlier} {constraint}".strip()
        try:
            done = subprocess.run(
                [flet, "build", flet_target, str(project), *extra], env=env, check=False
            )
        except OSError as exc:
            raise BuildError(f"cannot run {flet}: {exc}") from exc
    return HandOff(done.returncode, str(constraint))
