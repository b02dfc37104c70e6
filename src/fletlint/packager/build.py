"""`fletlint build`: refuse a dirty tree, lint, and only when nothing is at error level lock →
fetch → install → bundle.

Everything is written into a temporary folder beside the output and renamed into place at the
end, so a failure or Ctrl-C leaves the previous output (or none) and never half a build.

The output folder:
    pylock.toml                 the lock (PEP 751) of every target
    site-packages/<abi>/        each target's packages, as flet build's pip --target lays them out
    app.zip                     the app's own files, reproducible
    manifest.json               versions, per-target packages and hashes, the project's commit
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fletlint import __version__
from fletlint.linter.engine import Linter, Report, Settings
from fletlint.linter.index.model import DistFile
from fletlint.packager import lock as locking
from fletlint.packager.bundle import write_app_zip
from fletlint.packager.errors import BuildError
from fletlint.packager.fetch import fetch
from fletlint.packager.install import install_target

MANIFEST_NAME = "manifest.json"
APP_ZIP_NAME = "app.zip"
DEFAULT_OUTPUT = Path("build") / "fletlint"


@dataclass(frozen=True)
class GitState:
    commit: str | None  # None outside a repository or before the first commit
    dirty: bool


@dataclass(frozen=True)
class Outcome:
    report: Report
    output: Path | None  # None when the lint found errors and nothing was built
    manifest: dict[str, Any] | None = None


def project_folder(path: Path) -> Path:
    return path if path.is_dir() else path.parent


def default_output(path: Path) -> Path:
    return project_folder(path) / DEFAULT_OUTPUT


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess[str] | None:
    try:
        return subprocess.run(
            ["git", *args], cwd=folder, capture_output=True, text=True, check=False
        )
    except OSError:  # no git on this machine: the same as no repository
        return None


def git_state(folder: Path, *, allow_dirty: bool) -> GitState:
    """The project's commit; raises BuildError for a dirty tree or no repository, unless
    `allow_dirty`. Only the project folder counts (`-- .`): a monorepo's other apps may change."""
    status = _git(folder, "status", "--porcelain", "--", ".")
    if status is None or status.returncode != 0:
        if allow_dirty:
            return GitState(None, True)
        raise BuildError(
            f"{folder} is not in a git repository: a build must come from a committed tree "
            "(commit it, or pass --allow-dirty)"
        )
    changed = [line[3:] for line in status.stdout.splitlines() if line.strip()]
    if changed and not allow_dirty:
        more = f" and {len(changed) - 1} more" if len(changed) > 1 else ""
        raise BuildError(
            f"{folder} has uncommitted changes ({changed[0]}{more}): commit or stash them, "
            "or pass --allow-dirty"
        )
    head = _git(folder, "rev-parse", "--verify", "HEAD")
    commit = head.stdout.strip() if head is not None and head.returncode == 0 else None
    return GitState(commit, bool(changed))


def _check_output(output: Path) -> None:
    """Only ever replace an earlier build: `-o src` must not wipe the app."""
    if output.exists() and (
        not output.is_dir() or (any(output.iterdir()) and not (output / MANIFEST_NAME).is_file())
    ):
        raise BuildError(f"{output} exists and is not a fletlint build output; choose another -o")


def _replace(staging: Path, output: Path) -> None:
    old = None
    if output.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
        os.replace(output, old / output.name)
    os.replace(staging, output)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build(
    path: Path,
    settings: Settings,
    output: Path | None = None,
    *,
    allow_dirty: bool = False,
    on_progress: Callable[[str], None] | None = None,
) -> Outcome:
    """Build `path` into `output` (default `<project>/build/fletlint`). Raises BuildError and
    InputError; returns the report alone when it has errors."""
    output = (output or default_output(path)).absolute()
    _check_output(output)
    git = git_state(project_folder(path), allow_dirty=allow_dirty)
    with Linter(settings) as linter:
        report = linter.check(path, on_progress=on_progress)
        if report.has_errors:
            return Outcome(report, None)
        uncheckable = [r for r in report.project.requirements if r.requirement is None]
        if uncheckable:
            first = uncheckable[0]
            raise BuildError(
                f"{first.location}: {first.text!r} is a URL or path requirement; fletlint build "
                "locks only what an index describes"
            )
        client = linter.client_for(linter.index_sources(report.project))

        def download(file: DistFile) -> bytes:
            if file.from_snapshot:
                # The lint may rest on the snapshot; a bundle needs the real bytes and hashes.
                raise BuildError(
                    f"{file.filename} is known only from fletlint's embedded snapshot of "
                    f"{file.index}, which could not be read; a build needs the index itself "
                    "(check the network or the index URL)"
                )
            data = client.download(file)
            if data is None:
                raise BuildError(f"cannot download {file.filename} to hash it")
            return data

        output.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.tmp-", dir=output.parent))
        try:
            manifest = _build_into(
                staging,
                report,
                git,
                download,
                client.download,
                linter.cache_dir(),
                on_progress,
                skip=(output, staging),
            )
            _replace(staging, output)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return Outcome(report, output, manifest)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _build_into(
    staging: Path,
    report: Report,
    git: GitState,
    hash_download: Callable[[DistFile], bytes],
    download: Callable[[DistFile], bytes | None],
    cache_dir: Path,
    on_progress: Callable[[str], None] | None,
    *,
    skip: tuple[Path, ...],
) -> dict[str, Any]:
    def say(message: str) -> None:
        if on_progress is not None:
            on_progress(message)

    say("locking")
    lock = locking.make_lock(report.python, report.results, hash_download)
    wheels = fetch(lock, download, cache_dir, on_progress)
    sizes = {name: path.stat().st_size for name, path in wheels.items()}
    lock_path = staging / locking.LOCK_NAME
    lock_path.write_text(locking.render(lock, sizes), encoding="utf-8")

    for target_lock in lock.targets:
        say(f"installing for {target_lock.target.name}")
        install_target(
            target_lock.target,
            [wheels[w.filename] for w in target_lock.wheels],
            staging / "site-packages" / target_lock.target.abi,
        )

    say("bundling the app")
    app_sha = write_app_zip(
        report.project.root, staging / APP_ZIP_NAME, report.project.flet.exclude, skip
    )
    manifest: dict[str, Any] = {
        "fletlint": __version__,
        "python": report.python,
        "project": {"commit": git.commit, "dirty": git.dirty},
        "lock": {"file": locking.LOCK_NAME, "sha256": _sha256(lock_path)},
        "app": {"file": APP_ZIP_NAME, "sha256": app_sha},
        "targets": [
            {
                "name": t.target.name,
                "platform": t.target.platform,
                "abi": t.target.abi,
                "site-packages": f"site-packages/{t.target.abi}",
                "packages": [
                    {
                        "name": w.name,
                        "version": w.version,
                        "wheel": w.filename,
                        "sha256": w.sha256,
                    }
                    for w in t.wheels
                ],
            }
            for t in lock.targets
        ],
    }
    (staging / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest
