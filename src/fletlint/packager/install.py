"""Install one target's wheels into its own folder, as serious_python's
`pip install --target <site-packages>/<arch key>` lays them out.

The PyPA `installer` library does the unpacking (>= 1.0: it refuses a wheel path that would land
outside the folder): it honours `Root-Is-Purelib`, `.data/` folders and RECORD. As pip's
`--target` does, scripts go to `bin/`, data files to the folder itself, and the distributions the
project asked for get a `REQUESTED` file. What serious_python does after pip (move `flutter/`,
compile, clean up) is the build's next step, not this module's.
"""

from __future__ import annotations

import os
import warnings
import zipfile
from collections.abc import Collection, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import installer
from installer.destinations import SchemeDictionaryDestination
from installer.exceptions import InstallerError
from installer.sources import WheelFile
from installer.utils import parse_wheel_filename
from packaging.utils import canonicalize_name

from fletlint.linter.targets import Target
from fletlint.packager.errors import BuildError


def install_target(
    target: Target, wheels: Iterable[Path], root: Path, requested: Collection[str] = ()
) -> None:
    """Install `wheels` into `root` (created). `requested`: canonical names the project declares.
    Raises BuildError."""
    root.mkdir(parents=True, exist_ok=True)
    for wheel in wheels:
        dist = parse_wheel_filename(wheel.name).distribution
        scheme = {
            "purelib": str(root),
            "platlib": str(root),
            "scripts": str(root / "bin"),
            "data": str(root),
            "headers": str(root / "include" / "python" / dist),
        }
        destination = SchemeDictionaryDestination(
            scheme,
            # Only written into the shebang of console scripts, which phones never run.
            interpreter=f"/usr/bin/python{target.python}",
            script_kind="posix",
            # pip overwrites a file two wheels share (namespace packages); so do we.
            overwrite_existing=True,
        )
        metadata = {"INSTALLER": b"fletlint\n"}
        if canonicalize_name(dist) in requested:
            metadata["REQUESTED"] = b""
        try:
            with WheelFile.open(wheel) as source, warnings.catch_warnings():
                # installer skips a wheel's __pycache__ with a warning; serious_python's
                # clean-up drops those folders anyway, so it is not news for the user.
                warnings.filterwarnings("ignore", "Skip installing .*__pycache__", RuntimeWarning)
                installer.install(source, destination, metadata)
        except (InstallerError, OSError, ValueError, zipfile.BadZipFile) as exc:
            raise BuildError(f"{target.name}: cannot install {wheel.name}: {exc}") from exc


def install_targets(
    jobs: Sequence[tuple[Target, Sequence[Path], Path]], requested: Collection[str] = ()
) -> None:
    """Install several targets at once, one thread per target: each writes only its own folder,
    and the time goes to file creation, which releases the GIL. Raises the first BuildError."""
    if len(jobs) <= 1:
        for target, wheels, root in jobs:
            install_target(target, wheels, root, requested)
        return
    with ThreadPoolExecutor(max_workers=min(len(jobs), os.cpu_count() or 1, 6)) as pool:
        futures = [pool.submit(install_target, t, w, r, requested) for t, w, r in jobs]
        for future in futures:
            future.result()
