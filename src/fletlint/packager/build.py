"""`fletlint build`: refuse a dirty tree, lint, and only when nothing is at error level lock →
fetch → install → serious_python's package step, into one output folder.

The output folder holds what `flet build`'s package step leaves in `build/` (serious_python
v4.5.1 `package_command.dart`, flet-cli 1.0.5 `package_python_app`, FLET-FACTS.md §6):
    site-packages/<arch key>/   pip --target's layout per ABI (arm64-v8a, …, iphoneos.arm64, …),
                                Flet extensions' `flutter/` moved out, compiled, cleaned up
    python-app/                 the app from [tool.flet.app].path, compiled, cleaned up
    flutter-packages/           the Dart side of Flet extensions (serious_python's
                                SERIOUS_PYTHON_FLUTTER_PACKAGES)
and fletlint's own:
    pylock.toml                 the lock (PEP 751) of every target
    manifest.json               versions, per-ABI packages, sizes, the project's commit

Everything is staged beside the output and swapped into place at the end (`output.py`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from fletlint import __version__
from fletlint.linter.engine import Linter, Report, Settings
from fletlint.linter.index.model import DistFile
from fletlint.packager import lock as locking
from fletlint.packager import output as outputs
from fletlint.packager.app import (
    AppFiles,
    copy_app,
    excluded_env_files,
    flet_app_files,
    mask_credentials,
    write_web_zip,
)
from fletlint.packager.bytecode import compile_tree, find_interpreter
from fletlint.packager.errors import BuildError
from fletlint.packager.fetch import fetch
from fletlint.packager.flet_settings import PackageSettings, read_package_settings
from fletlint.packager.install import install_targets
from fletlint.packager.layout import (
    ARCH_KEYS,
    arch_key,
    cleanup_dir,
    junk_globs,
    move_flutter_folder,
)

MANIFEST_NAME = "manifest.json"
APP_DIR = "python-app"
SITE_PACKAGES = "site-packages"
FLUTTER_PACKAGES = "flutter-packages"
WEB_ZIP = "app.zip"
DEFAULT_OUTPUT = Path("build") / "fletlint"
LARGEST = 10
# Never let a repository's own configuration run code while we only ask for its state.
SAFE_GIT = (
    "-c", "core.fsmonitor=false",
    "-c", "core.hooksPath=/dev/null",
    "-c", "core.untrackedCache=false",
    "-c", "diff.external=",
    "-c", "core.pager=cat",
)  # fmt: skip


@dataclass(frozen=True)
class GitState:
    commit: str | None  # None outside a repository or before the first commit
    dirty: bool
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class BuildOptions:
    """How to build, beyond the lint's settings."""

    output: Path | None = None  # default <project>/build/fletlint
    allow_dirty: bool = False
    python: Path | None = None  # the interpreter that compiles; default: found (bytecode.py)
    app_files: AppFiles = flet_app_files
    web: bool = False  # also app.zip + app.zip.hash, the web target's app asset


@dataclass(frozen=True)
class Outcome:
    report: Report
    output: Path | None  # None when the lint found errors and nothing was built
    manifest: dict[str, Any] | None = None
    lock: locking.Lock | None = None
    notes: tuple[str, ...] = field(default=())  # warnings the user must see


def project_folder(path: Path) -> Path:
    return path if path.is_dir() else path.parent


def default_output(path: Path) -> Path:
    return project_folder(path) / DEFAULT_OUTPUT


def git(folder: Path, *args: str) -> subprocess.CompletedProcess[str] | None:
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0"}
    try:
        return subprocess.run(
            ["git", *SAFE_GIT, *args],
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
            env=env,
        )
    except OSError:  # no git on this machine: the same as no repository
        return None


def git_state(folder: Path, *, allow_dirty: bool, output: Path | None = None) -> GitState:
    """The project's commit; raises BuildError for a dirty tree or no repository, unless
    `allow_dirty`. Only the project folder counts (`-- .`): a monorepo's other apps may change.
    The build's own output never counts: it is left out of the check, with a note when git does
    not ignore it."""
    pathspec = ["."]
    notes: list[str] = []
    if output is not None and output.is_relative_to(folder.absolute()):
        rel = output.relative_to(folder.absolute()).as_posix()
        pathspec.append(f":(exclude){rel}")
        ignored = git(folder, "check-ignore", "-q", "--no-index", rel + "/")
        if ignored is not None and ignored.returncode == 1:
            notes.append(
                f"{rel}/ is not ignored by git; fletlint leaves it out of the clean-tree check "
                f"(add `{rel}/` to .gitignore)"
            )
    status = git(folder, "status", "--porcelain", "--", *pathspec)
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
    head = git(folder, "rev-parse", "--verify", "HEAD")
    commit = head.stdout.strip() if head is not None and head.returncode == 0 else None
    return GitState(commit, bool(changed), tuple(notes))


def _check_output(output: Path) -> None:
    """Only ever replace an earlier build: `-o src` must not wipe the app."""
    if output.exists() and (
        not output.is_dir() or (any(output.iterdir()) and not (output / MANIFEST_NAME).is_file())
    ):
        raise BuildError(f"{output} exists and is not a fletlint build output; choose another -o")


def build(
    path: Path,
    settings: Settings,
    options: BuildOptions | None = None,
    *,
    on_progress: Callable[[str], None] | None = None,
) -> Outcome:
    """Build `path` into the output folder. Raises BuildError and InputError; returns the
    report alone when it has errors. A refused or failed build writes nothing."""
    options = options or BuildOptions()
    output = (options.output or default_output(path)).absolute()
    outputs.recover(output)
    _check_output(output)
    folder = project_folder(path)
    git_info = git_state(folder, allow_dirty=options.allow_dirty, output=output)
    with Linter(settings, checks_again=False) as linter:
        report = linter.check(path, on_progress=on_progress)
        if report.has_errors:
            return Outcome(report, None, notes=git_info.notes)
        uncheckable = [r for r in report.project.requirements if r.requirement is None]
        if uncheckable:
            first = uncheckable[0]
            raise BuildError(
                f"{first.location}: {first.text!r} is a URL or path requirement; fletlint build "
                "locks only what an index describes"
            )
        platforms = tuple(dict.fromkeys(t.platform for t in report.targets))
        package_settings = {p: read_package_settings(folder, p) for p in platforms}
        if options.web:
            package_settings["web"] = read_package_settings(folder, "web")
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

        created = outputs.missing_parents(output)
        output.parent.mkdir(parents=True, exist_ok=True)
        staging = outputs.make_staging(output)
        try:
            manifest, lock, notes = _build_into(
                staging,
                report,
                git_info,
                package_settings,
                options,
                download,
                client.download,
                linter.cache_dir(),
                on_progress,
            )
            outputs.replace(staging, output)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            outputs.remove_created(created)
            raise
    return Outcome(report, output, manifest, lock, git_info.notes + notes)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _owners(site: Path) -> dict[str, str]:
    """Installed path → distribution name, from every RECORD (a `.py`'s `.pyc` too)."""
    owners: dict[str, str] = {}
    for record in site.glob("*.dist-info/RECORD"):
        name = record.parent.name[: -len(".dist-info")].rsplit("-", 1)[0]
        for row in csv.reader(io.StringIO(record.read_text(encoding="utf-8"))):
            if row:
                rel = os.path.normpath(row[0]).replace(os.sep, "/")
                owners[rel] = name
                if rel.endswith(".py"):
                    owners[rel + "c"] = name
    return owners


def _sizes(site: Path, owners: dict[str, str]) -> tuple[int, dict[str, int]]:
    total = 0
    per: dict[str, int] = defaultdict(int)
    for path in site.rglob("*"):
        if path.is_file():
            size = path.stat().st_size
            total += size
            rel = path.relative_to(site).as_posix()
            per[canonicalize_name(owners.get(rel, "(not in any RECORD)"))] += size
    return total, dict(per)


def _app_key(s: PackageSettings) -> tuple[Any, ...]:
    return (s.app_dir, s.exclude, s.include, s.default_excludes, s.compile_app, s.cleanup_app,
            s.cleanup_app_files)  # fmt: skip


def _build_into(
    staging: Path,
    report: Report,
    git_info: GitState,
    package_settings: dict[str, PackageSettings],
    options: BuildOptions,
    hash_download: Callable[[DistFile], bytes],
    download: Callable[[DistFile], bytes | None],
    cache_dir: Path,
    on_progress: Callable[[str], None] | None,
) -> tuple[dict[str, Any], locking.Lock, tuple[str, ...]]:
    def say(message: str) -> None:
        if on_progress is not None:
            on_progress(message)

    notes: list[str] = []
    say("locking")
    lock = locking.make_lock(report.python, report.results, hash_download)
    wheels = fetch(lock, download, cache_dir, on_progress)
    sizes = {name: path.stat().st_size for name, path in wheels.items()}
    lock_path = staging / locking.LOCK_NAME
    lock_path.write_text(locking.render(lock, sizes), encoding="utf-8")

    python: Path | None = None
    if any(s.compile_app or s.compile_packages for s in package_settings.values()):
        python = find_interpreter(report.python, options.python)
        if python is None:
            notes.append(
                f"no Python {report.python} interpreter found (--python PATH, python"
                f"{report.python} on PATH, or `uv python install {report.python}`): the bundle "
                "keeps .py files where flet build would compile them to .pyc"
            )

    # The app, once per distinct set of app settings (usually one for all platforms).
    app_folders: dict[str, str] = {}
    staged: dict[tuple[Any, ...], str] = {}
    for platform, ps in package_settings.items():
        key = _app_key(ps)
        if key not in staged:
            name = APP_DIR if not staged else f"{APP_DIR}-{platform}"
            say(f"staging the app for {platform}")
            copied = copy_app(ps, staging / name, options.app_files)
            for rel in mask_credentials(staging / name, copied, report.project.files):
                notes.append(f"{rel}: index credentials masked in the bundle's copy")
            if ps.compile_app and python is not None:
                compile_tree(python, staging / name, "the app")
            if ps.cleanup_app:
                cleanup_dir(staging / name, junk_globs(platform) + ps.cleanup_app_files)
            staged[key] = name
            for env_file in excluded_env_files(ps):
                notes.append(
                    f"{env_file} is not packaged (flet build's default excludes); list it in "
                    "[tool.flet.app] include if the app loads it"
                )
        app_folders[platform] = staged[key]

    requested = {
        canonicalize_name(r.requirement.name)
        for r in report.project.requirements
        if r.requirement is not None
    }
    order = list(ARCH_KEYS)
    targets = sorted(lock.targets, key=lambda t: order.index(t.target.abi))
    flutter_copied = False
    per_target: list[dict[str, Any]] = []
    package_sizes: dict[str, int] = defaultdict(int)
    say("installing")
    install_targets(
        [
            (
                t.target,
                [wheels[w.filename] for w in t.wheels],
                staging / SITE_PACKAGES / arch_key(t.target),
            )
            for t in targets
        ],
        requested,
        images=cache_dir,
    )
    for target_lock in targets:
        target = target_lock.target
        ps = package_settings[target.platform]
        arch = arch_key(target)
        site = staging / SITE_PACKAGES / arch
        owners = _owners(site)
        if move_flutter_folder(site, staging / FLUTTER_PACKAGES, copy=not flutter_copied):
            flutter_copied = True
        if ps.compile_packages and python is not None:
            compile_tree(python, site, f"the packages of {arch}")
        if ps.cleanup_packages:
            cleanup_dir(site, junk_globs(target.platform) + ps.cleanup_package_files)
        total, per = _sizes(site, owners)
        for name, size in per.items():
            package_sizes[name] = max(package_sizes[name], size)
        per_target.append(
            {
                "name": target.name,
                "platform": target.platform,
                "abi": arch,
                "site-packages": f"{SITE_PACKAGES}/{arch}",
                "size": total,
                "packages": [
                    {
                        "name": w.name,
                        "version": w.version,
                        "wheel": w.filename,
                        "sha256": w.sha256,
                    }
                    for w in target_lock.wheels
                ],
            }
        )
    web = package_settings.get("web")
    if web is not None:
        # serious_python's web asset: the processed app zipped; its __pypackages__ would come
        # from Pyodide's index, which fletlint does not lock, so the zip holds the app only.
        app_folders.pop("web", None)
        say("zipping the web app")
        web_app = staging / staged[_app_key(web)]
        write_web_zip(web_app, None, staging / WEB_ZIP)
        if web_app.name == f"{APP_DIR}-web":  # staged for the web alone (it excludes assets/)
            shutil.rmtree(web_app)
    largest = sorted(package_sizes.items(), key=lambda kv: (-kv[1], kv[0]))[:LARGEST]
    flutter_dir = staging / FLUTTER_PACKAGES
    manifest: dict[str, Any] = {
        "fletlint": __version__,
        "python": report.python,
        "project": {"commit": git_info.commit, "dirty": git_info.dirty},
        "lock": {"file": locking.LOCK_NAME, "sha256": _sha256(lock_path)},
        "app": app_folders,
        "compiled": python is not None,
        "web": WEB_ZIP if web is not None else None,
        "flutter-packages": sorted(p.name for p in flutter_dir.iterdir())
        if flutter_dir.is_dir()
        else [],
        "targets": per_target,
        "largest": [{"name": n, "size": s} for n, s in largest],
    }
    (staging / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest, lock, tuple(dict.fromkeys(notes))
