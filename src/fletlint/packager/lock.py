"""One lock for every target of a passing check, written as a PEP 751 `pylock.toml`.

For each target and each package of its phone resolution, the wheel pip would pick: the fitting
wheel whose best tag comes first in the target's tag priority (the most specific; a pure wheel
only when nothing more specific fits), never a yanked one when another fits.

How several targets share one PEP 751 file. A `[[packages]]` entry is one release (name, version)
with every wheel any target picked from it; an installer following PEP 751 picks among `wheels`
by tags, so the Android and iOS wheels of one release can share an entry. A release that not
every target uses gets a `marker` on `sys_platform` / `platform_machine` (what the device answers,
FLET-FACTS.md), which keeps the file installable by any PEP 751 installer. Markers cannot tell
the iOS arm64 device from the arm64 simulator (same `sys_platform` and `platform_machine`), so the
exact per-target sets are also written under `[tool.fletlint.targets.<target>]`: tool tables are
PEP 751's place for what a locker needs beyond the standard keys, and `fletlint build` installs
from them.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import tomlkit
from tomlkit.items import Array, InlineTable

from fletlint.linter.analysis import TargetResult
from fletlint.linter.index.model import DistFile
from fletlint.linter.index.urls import split_credentials
from fletlint.linter.targets import Target
from fletlint.packager.errors import BuildError

LOCK_NAME = "pylock.toml"


@dataclass(frozen=True)
class LockedWheel:
    """A chosen wheel. `file.url` may carry an index's credentials: only `url` is ever written."""

    file: DistFile
    sha256: str
    computed: bool  # the index gave no sha256: it was computed from the download

    @property
    def name(self) -> str:
        return self.file.name

    @property
    def version(self) -> str:
        return str(self.file.version)

    @property
    def filename(self) -> str:
        return self.file.filename

    @property
    def url(self) -> str:
        return split_credentials(self.file.url)[0]


@dataclass(frozen=True)
class TargetLock:
    target: Target
    wheels: tuple[LockedWheel, ...]  # sorted by project name


@dataclass(frozen=True)
class Lock:
    python: str
    targets: tuple[TargetLock, ...]

    def wheels(self) -> tuple[LockedWheel, ...]:
        """Every distinct wheel of every target, by filename: what to download once."""
        unique = {w.filename: w for t in self.targets for w in t.wheels}
        return tuple(unique[f] for f in sorted(unique))


def best_wheel(files: Sequence[DistFile], target: Target) -> DistFile | None:
    """pip's choice among a release's files for `target`; None when no wheel fits."""
    rank = {tag: i for i, tag in enumerate(target.ordered_tags)}
    scored = [
        (f.yanked, min(rank[t] for t in f.tags if t in rank), i, f)
        for i, f in enumerate(files)
        if f.is_wheel and any(t in rank for t in f.tags)
    ]
    # Index order breaks ties, so every target picks the same file when two indexes host it.
    return min(scored, key=lambda s: s[:3])[3] if scored else None


def _sha256_of(file: DistFile) -> str | None:
    for algorithm, digest in file.hashes:
        if algorithm.lower() == "sha256":
            return digest.lower()
    return None


def make_lock(
    python: str, results: Sequence[TargetResult], download: Callable[[DistFile], bytes]
) -> Lock:
    """The lock of a passing check's resolutions. `download` is asked only for wheels whose
    index gives no sha256. Raises BuildError when a target has no wheel for a package."""
    hashes: dict[str, tuple[str, bool]] = {}
    targets = []
    for result in results:
        target = result.target
        if not result.resolution.ok:
            raise BuildError(f"{target.name}: no phone resolution ({result.resolution.error})")
        wheels = []
        for name in sorted(result.resolution.packages):
            package = result.resolution.packages[name]
            file = best_wheel(package.files, target)
            if file is None:
                # Only `[tool.flet].source_packages` lets a release without a wheel through.
                raise BuildError(
                    f"{target.name}: {name} {package.version} has no wheel for this target "
                    "(an sdist allowed by source_packages); fletlint build does not build sdists"
                )
            if file.url not in hashes:
                given = _sha256_of(file)
                if given is not None:
                    hashes[file.url] = (given, False)
                else:
                    hashes[file.url] = (hashlib.sha256(download(file)).hexdigest(), True)
            sha256, computed = hashes[file.url]
            wheels.append(LockedWheel(file, sha256, computed))
        targets.append(TargetLock(target, tuple(wheels)))
    lock = Lock(python, tuple(targets))
    by_filename: dict[str, str] = {}
    for wheel in (w for t in lock.targets for w in t.wheels):
        if by_filename.setdefault(wheel.filename, wheel.sha256) != wheel.sha256:
            raise BuildError(
                f"{wheel.filename} is offered by two indexes with different sha256 "
                f"({by_filename[wheel.filename]} and {wheel.sha256}); pin one index"
            )
    return lock


# -- pylock.toml ---------------------------------------------------------------------------------


def _pair(target: Target) -> tuple[str, str]:
    env = target.marker_environment
    return env["sys_platform"], env["platform_machine"]


def _marker(used: Sequence[Target], every: Sequence[Target]) -> str | None:
    """A marker true on the devices of `used`; None when every target uses the release."""
    if {t.name for t in used} >= {t.name for t in every}:
        return None
    pairs = sorted({_pair(t) for t in used})
    clauses = []
    for platform in sorted({p for p, _ in pairs}):
        machines = [m for p, m in pairs if p == platform]
        every_machine = sorted({m for p, m in map(_pair, every) if p == platform})
        if machines == every_machine:
            clauses.append(f"sys_platform == '{platform}'")
        else:
            clauses += [
                f"sys_platform == '{platform}' and platform_machine == '{m}'" for m in machines
            ]
    if len(clauses) == 1:
        return clauses[0]
    return " or ".join(f"({c})" if " and " in c else c for c in clauses)


def _hashes(sha256: str) -> InlineTable:
    table = tomlkit.inline_table()
    table["sha256"] = sha256
    return table


def _strings(values: Sequence[str]) -> Array:
    array = tomlkit.array()
    array.extend(values)
    if len(values) > 3:
        array.multiline(True)
    return array


def render(lock: Lock, sizes: Mapping[str, int]) -> str:
    """The lock as PEP 751 TOML; the same lock and sizes always give the same text."""
    every = [t.target for t in lock.targets]
    releases: dict[tuple[str, str], dict[str, LockedWheel]] = defaultdict(dict)
    users: dict[tuple[str, str], list[Target]] = defaultdict(list)
    for target_lock in lock.targets:
        for wheel in target_lock.wheels:
            releases[wheel.name, wheel.version][wheel.filename] = wheel
            users[wheel.name, wheel.version].append(target_lock.target)

    doc = tomlkit.document()
    doc.add(
        tomlkit.comment("Written by `fletlint build`: the Python packages of a Flet phone app.")
    )
    doc["lock-version"] = "1.0"
    doc["environments"] = _strings(
        list(
            dict.fromkeys(
                f"sys_platform == '{p}' and platform_machine == '{m}'" for p, m in map(_pair, every)
            )
        )
    )
    doc["requires-python"] = f"=={lock.python}.*"
    doc["created-by"] = "fletlint"

    packages = tomlkit.aot()
    for (name, version), wheels in sorted(releases.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        entry = tomlkit.table()
        entry["name"] = name
        entry["version"] = version
        marker = _marker(users[name, version], every)
        if marker is not None:
            entry["marker"] = marker
        rows = tomlkit.array()
        for filename in sorted(wheels):
            wheel = wheels[filename]
            row = tomlkit.inline_table()
            row["name"] = filename
            row["url"] = wheel.url
            if filename in sizes:
                row["size"] = sizes[filename]
            row["hashes"] = _hashes(wheel.sha256)
            rows.append(row)
        rows.multiline(True)
        entry["wheels"] = rows
        computed = sorted(f for f, w in wheels.items() if w.computed)
        if computed:
            # Not from the index: fletlint hashed what it downloaded (trust on first use).
            fletlint = tomlkit.table()
            fletlint["computed-hashes"] = _strings(computed)
            tool = tomlkit.table()
            tool["fletlint"] = fletlint
            entry["tool"] = tool
        packages.append(entry)
    doc["packages"] = packages

    tool = tomlkit.table()
    ours = tomlkit.table()
    ours["python"] = lock.python
    per_target = tomlkit.table()
    for target_lock in sorted(lock.targets, key=lambda t: t.target.name):
        table = tomlkit.table()
        table["platform"] = target_lock.target.platform
        table["abi"] = target_lock.target.abi
        table["wheels"] = _strings([w.filename for w in target_lock.wheels])
        per_target[target_lock.target.name] = table
    ours["targets"] = per_target
    tool["fletlint"] = ours
    doc["tool"] = tool
    return tomlkit.dumps(doc)
