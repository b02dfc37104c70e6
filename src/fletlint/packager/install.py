"""Install one target's wheels into its own folder, as serious_python's
`pip install --target <site-packages>/<arch key>` lays them out.

The PyPA `installer` library does the unpacking (>= 1.0: it refuses a wheel path that would land
outside the folder): it honours `Root-Is-Purelib`, `.data/` folders and RECORD. As pip's
`--target` does, scripts go to `bin/`, data files to the folder itself, and the distributions the
project asked for get a `REQUESTED` file. What serious_python does after pip (move `flutter/`,
compile, clean up) is the build's next step, not this module's.

Warm installs: each wheel is installed once per Python X.Y into the cache
(`installed-v1/<sha256>-py<X.Y>/`, keyed by the verified wheel's hash) and hard-linked from
there into every ABI folder that uses it, as uv links from its cache.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
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

IMAGES = "installed-v1"
_SHA256 = re.compile(r"[0-9a-f]{64}\Z")


def install_target(
    target: Target,
    wheels: Iterable[Path],
    root: Path,
    requested: Collection[str] = (),
    images: Path | None = None,
) -> None:
    """Install `wheels` into `root` (created). `requested`: canonical names the project declares.
    `images`: a cache folder of wheels installed once each (per Python X.Y), hard-linked from
    there as uv links from its cache; without it every file is unpacked. Raises BuildError."""
    root.mkdir(parents=True, exist_ok=True)
    if images is not None:
        for wheel in wheels:
            image = _image(target, wheel, images)
            _link_tree(image, root)
            dist = parse_wheel_filename(wheel.name).distribution
            if canonicalize_name(dist) in requested:
                for dist_info in image.glob("*.dist-info"):
                    (root / dist_info.name / "REQUESTED").write_bytes(b"")
        return
    _unpack(target, wheels, root, requested)


def _image(target: Target, wheel: Path, images: Path) -> Path:
    """The wheel installed alone into its own cache folder, made once (atomically)."""
    sha = wheel.parent.name
    if not _SHA256.match(sha):
        sha = hashlib.sha256(wheel.read_bytes()).hexdigest()
    image = images / IMAGES / f"{sha}-py{target.python}"
    if image.is_dir():
        return image
    image.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{sha[:16]}-", dir=image.parent))
    try:
        _unpack(target, [wheel], tmp, ())
        try:
            os.rename(tmp, image)
        except OSError:
            if not image.is_dir():  # not another build's identical image: a real failure
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return image


def _link_tree(image: Path, root: Path) -> None:
    """Hard-link every file of `image` into `root` (a copy where links cannot go). The build
    only ever deletes or adds files there, never rewrites one, so the cache stays intact."""
    for folder, _, files in os.walk(image):
        rel = os.path.relpath(folder, image)
        dest_dir = root if rel == "." else root / rel
        dest_dir.mkdir(parents=True, exist_ok=True)
        for name in files:
            source, dest = os.path.join(folder, name), dest_dir / name
            if dest.exists():  # a file two wheels share (namespace packages): last one wins
                dest.unlink()
            try:
                os.link(source, dest)
            except OSError:
                shutil.copy2(source, dest)


def _unpack(target: Target, wheels: Iterable[Path], root: Path, requested: Collection[str]) -> None:
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
    jobs: Sequence[tuple[Target, Sequence[Path], Path]],
    requested: Collection[str] = (),
    images: Path | None = None,
) -> None:
    """Install several targets at once, one thread per target: each writes only its own folder,
    and the time goes to file creation, which releases the GIL. Raises the first BuildError."""
    if len(jobs) <= 1:
        for target, wheels, root in jobs:
            install_target(target, wheels, root, requested, images)
        return
    with ThreadPoolExecutor(max_workers=min(len(jobs), os.cpu_count() or 1, 6)) as pool:
        futures = [pool.submit(install_target, t, w, r, requested, images) for t, w, r in jobs]
        for future in futures:
            future.result()
