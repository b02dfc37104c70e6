"""The app's own files as `app.zip`, byte for byte the same for the same tree.

What goes in mirrors what `flet build` copies into the bundle: the project folder minus
`[tool.flet].exclude`, `build/`, hidden folders, virtual environments, `__pycache__` (and
`site-packages`, `node_modules`, as the import scan skips them). Reproducible: entries sorted,
every timestamp 1980-01-01 (the zip epoch), permissions 0644, deflate at a fixed level, no
directory entries, no extra fields.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from collections.abc import Sequence
from pathlib import Path

from fletlint.linter.sources.imports import is_excluded

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_SKIPPED_DIRS = frozenset({"__pycache__", "build", "site-packages", "node_modules"})
_MODE = 0o100644  # a regular file, rw-r--r--


def bundled_files(root: Path, exclude: Sequence[str] = (), skip: Sequence[Path] = ()) -> list[str]:
    """The files to bundle, as sorted paths relative to `root`. `skip` leaves out folders such as
    the build's own output when it lies inside the project."""
    skipped = {p.resolve() for p in skip}
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        rel_dir = here.relative_to(root).as_posix()
        kept = []
        for name in sorted(dirs):
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            if (
                name.startswith(".")
                or name in _SKIPPED_DIRS
                or is_excluded(rel, exclude)
                or (here / name / "pyvenv.cfg").is_file()  # a virtual environment
                or (here / name).resolve() in skipped
            ):
                continue
            kept.append(name)
        dirs[:] = kept
        for name in files:
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            if (here / name).is_file() and not is_excluded(rel, exclude):
                found.append(rel)
    return sorted(found)


def write_app_zip(
    root: Path, dest: Path, exclude: Sequence[str] = (), skip: Sequence[Path] = ()
) -> str:
    """Write the app's files to `dest`; returns the zip's sha256."""
    with zipfile.ZipFile(dest, "w") as zf:
        for rel in bundled_files(root, exclude, skip):
            info = zipfile.ZipInfo(rel, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, whatever the host: the mode bits below then mean it
            info.external_attr = _MODE << 16
            zf.writestr(info, (root / rel).read_bytes(), compresslevel=9)
    return hashlib.sha256(dest.read_bytes()).hexdigest()
