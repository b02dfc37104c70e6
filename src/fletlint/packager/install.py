"""Install one target's wheels into its own folder, as `pip install --target` would, then remove
what `flet build` removes from packages before bundling (FLET-FACTS.md).

The PyPA `installer` library does the unpacking: it honours `Root-Is-Purelib`, `.data/` folders
and RECORD, and writes a RECORD of what it installed. Every scheme path points inside the target
folder, so nothing reaches the host's Python.
"""

from __future__ import annotations

import csv
import fnmatch
import io
import os
import shutil
import warnings
import zipfile
from collections.abc import Iterable
from pathlib import Path

import installer
from installer.destinations import SchemeDictionaryDestination
from installer.exceptions import InstallerError
from installer.sources import WheelFile
from installer.utils import parse_wheel_filename

from fletlint.linter.targets import Target
from fletlint.packager.errors import BuildError

# What flet build deletes from site-packages on every platform, and in addition on phones.
JUNK_FILES = ("*.c", "*.h", "*.cpp", "*.hpp", "*.pyi", "*.pxd", "*.pyx", "*.a", "*.pdb")
MOBILE_JUNK_FILES = ("*.exe", "*.dll")
JUNK_DIRS = ("__pycache__",)
MOBILE_JUNK_DIRS = ("bin",)
MOBILE_PLATFORMS = ("android", "ios")


def install_target(target: Target, wheels: Iterable[Path], root: Path) -> None:
    """Install `wheels` into `root` (created), then remove the junk. Raises BuildError."""
    root.mkdir(parents=True, exist_ok=True)
    for wheel in wheels:
        dist = parse_wheel_filename(wheel.name).distribution
        scheme = {
            "purelib": str(root),
            "platlib": str(root),
            "scripts": str(root / "bin"),
            "data": str(root),
            "headers": str(root / "include" / dist),
        }
        destination = SchemeDictionaryDestination(
            scheme,
            # Only written into the shebang of console scripts, which phones never run.
            interpreter=f"/usr/bin/python{target.python}",
            script_kind="posix",
            # pip overwrites a file two wheels share (namespace packages); so do we.
            overwrite_existing=True,
        )
        try:
            with WheelFile.open(wheel) as source, warnings.catch_warnings():
                # installer skips a wheel's __pycache__ with a warning; flet build drops those
                # folders anyway, so it is not news for the user.
                warnings.filterwarnings("ignore", "Skip installing .*__pycache__", RuntimeWarning)
                installer.install(source, destination, {"INSTALLER": b"fletlint\n"})
        except (InstallerError, OSError, ValueError, zipfile.BadZipFile) as exc:
            raise BuildError(f"{target.name}: cannot install {wheel.name}: {exc}") from exc
    remove_junk(root, mobile=target.platform in MOBILE_PLATFORMS)


def remove_junk(root: Path, *, mobile: bool) -> list[str]:
    """Delete flet build's junk under `root`; returns the removed paths (relative, sorted) and
    drops them from every RECORD so that RECORD still lists exactly what is installed."""
    files = JUNK_FILES + (MOBILE_JUNK_FILES if mobile else ())
    dirs = JUNK_DIRS + (MOBILE_JUNK_DIRS if mobile else ())
    removed: list[str] = []
    for folder, subdirs, names in os.walk(root, topdown=True):
        here = Path(folder)
        for name in sorted(subdirs):
            if name in dirs:
                for inner in sorted((here / name).rglob("*")):
                    if inner.is_file() or inner.is_symlink():
                        removed.append(inner.relative_to(root).as_posix())
                shutil.rmtree(here / name)
        subdirs[:] = [d for d in subdirs if d not in dirs]
        for name in names:
            if any(fnmatch.fnmatch(name, pattern) for pattern in files):
                (here / name).unlink()
                removed.append((here / name).relative_to(root).as_posix())
    if removed:
        _prune_records(root, set(removed))
    return sorted(removed)


def _prune_records(root: Path, removed: set[str]) -> None:
    for record in sorted(root.glob("*.dist-info/RECORD")):
        rows = list(csv.reader(io.StringIO(record.read_text(encoding="utf-8"))))
        kept = [
            row
            for row in rows
            if row and os.path.normpath(row[0]).replace(os.sep, "/") not in removed
        ]
        if len(kept) != len(rows):
            out = io.StringIO()
            csv.writer(out, lineterminator="\n").writerows(kept)
            record.write_text(out.getvalue(), encoding="utf-8")
