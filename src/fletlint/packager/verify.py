"""`fletlint verify`: compare what a finished `flet build` installed
(`<app>/build/site-packages/<arch key>/`) with what fletlint locked or, without a lock, with
what the lint resolved.

Drift is named by package and ABI: a distribution missing, unexpected or at another version; a
native distribution without its extension modules, or with modules built for another platform;
one distribution at different versions across ABIs (the Android APK ships the primary ABI's
Python files with every ABI's `.so`, iOS the device slice's: FLET-FACTS.md §7).
"""

from __future__ import annotations

import csv
import io
import os
import re
import sys
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name, parse_wheel_filename

from fletlint.linter.analysis import TargetResult
from fletlint.packager.errors import BuildError
from fletlint.packager.layout import ARCH_KEYS, PLATFORM_OF_KEY
from fletlint.packager.lock import Lock, best_wheel

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

# The platform part of an extension module's suffix, per arch key (`_x.cpython-312-<this>.so`).
MODULE_PLATFORM = {
    "arm64-v8a": "aarch64-linux-android",
    "armeabi-v7a": "arm-linux-androideabi",
    "x86_64": "x86_64-linux-android",
    "iphoneos.arm64": "iphoneos",
    "iphonesimulator.arm64": "iphonesimulator",
    "iphonesimulator.x86_64": "iphonesimulator",
}
_TAGGED = re.compile(r"\.cpython-(\d+)(?:[a-z]*)?-([^/]+)\.so\Z")
_MODULE = re.compile(r"\.(so|dylib|pyd)\Z")


@dataclass(frozen=True)
class Expected:
    version: str
    native: bool  # its wheel is platform-specific: it must bring extension modules


@dataclass(frozen=True)
class Drift:
    abi: str  # the arch key, or "*" across ABIs
    package: str
    message: str

    def __str__(self) -> str:
        return f"{self.abi}: {self.package}: {self.message}"


Expectations = Mapping[str, Mapping[str, Expected]]  # arch key → name → expected


def _arch_of_target(name: str) -> str | None:
    for abi, key in ARCH_KEYS.items():
        platform = PLATFORM_OF_KEY[key]
        head = "android_" if platform == "android" else "ios_"
        if name.startswith(head) and re.fullmatch(rf"{head}[0-9_]+_{abi}", name):
            return key
    return None


def _native(filename: str) -> bool:
    try:
        _, _, _, tags = parse_wheel_filename(filename)
    except ValueError:
        return False
    return any(t.platform != "any" for t in tags)


def expected_from_lock(lock: Lock) -> Expectations:
    """Per arch key, every distribution of a lock this run made."""
    return {
        ARCH_KEYS[t.target.abi]: {
            canonicalize_name(w.name): Expected(w.version, _native(w.filename)) for w in t.wheels
        }
        for t in lock.targets
    }


def expected_from_lock_file(lock_path: Path) -> Expectations:
    """Per arch key, every locked distribution, from fletlint's pylock.toml."""
    try:
        data: dict[str, Any] = tomllib.loads(lock_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise BuildError(f"{lock_path}: cannot read the lock: {exc}") from exc
    targets = data.get("tool", {}).get("fletlint", {}).get("targets", {})
    if not isinstance(targets, dict) or not targets:
        raise BuildError(f"{lock_path}: no [tool.fletlint.targets]: not a lock fletlint wrote")
    out: dict[str, dict[str, Expected]] = {}
    for target, table in targets.items():
        key = _arch_of_target(target)
        if key is None:
            raise BuildError(f"{lock_path}: unknown target {target!r}")
        found: dict[str, Expected] = {}
        for filename in table.get("wheels", []):
            name, version, _, _ = parse_wheel_filename(filename)
            found[name] = Expected(str(version), _native(filename))
        out[key] = found
    return out


def expected_from_results(results: Sequence[TargetResult]) -> Expectations:
    """Per arch key, what the lint resolved for each target."""
    out: dict[str, dict[str, Expected]] = {}
    for result in results:
        key = ARCH_KEYS[result.target.abi]
        found: dict[str, Expected] = {}
        for name, package in result.resolution.packages.items():
            wheel = best_wheel(package.files, result.target)
            found[canonicalize_name(name)] = Expected(
                str(package.version), wheel is not None and _native(wheel.filename)
            )
        out[key] = found
    return out


@dataclass(frozen=True)
class Installed:
    version: str
    dist_info: Path


def installed(site: Path) -> dict[str, Installed]:
    found: dict[str, Installed] = {}
    for dist_info in sorted(site.glob("*.dist-info")):
        stem = dist_info.name[: -len(".dist-info")]
        name, _, version = stem.rpartition("-")
        metadata = dist_info / "METADATA"
        if metadata.is_file():  # the folder name is normalized; METADATA is the truth
            for line in metadata.read_text(encoding="utf-8", errors="replace").splitlines():
                if line.startswith("Version:"):
                    version = line.split(":", 1)[1].strip()
                    break
                if not line.strip():
                    break
        found[canonicalize_name(name)] = Installed(version, dist_info)
    return found


def _modules(site: Path, dist_info: Path) -> list[str]:
    record = dist_info / "RECORD"
    if not record.is_file():
        return []
    rows = csv.reader(io.StringIO(record.read_text(encoding="utf-8", errors="replace")))
    return [
        os.path.normpath(row[0]).replace(os.sep, "/")
        for row in rows
        if row and _MODULE.search(row[0]) and not row[0].startswith("..")
    ]


def compare(site_root: Path, expected: Expectations) -> list[Drift]:
    """Every drift between the installed folders under `site_root` and `expected`."""
    drifts: list[Drift] = []
    versions: dict[str, dict[str, str]] = defaultdict(dict)  # name → arch key → version
    for key in [k for k in ARCH_KEYS.values() if k in expected]:
        site = site_root / key
        if not site.is_dir():
            drifts.append(Drift(key, "*", f"no folder {site}: flet build installed nothing here"))
            continue
        have = installed(site)
        want = expected[key]
        for name in sorted(set(want) | set(have)):
            if name not in have:
                drifts.append(Drift(key, name, f"{want[name].version} expected, not installed"))
                continue
            got = have[name]
            versions[name][key] = got.version
            if name not in want:
                drifts.append(Drift(key, name, f"{got.version} installed, not in the lock"))
                continue
            if got.version != want[name].version:
                drifts.append(
                    Drift(key, name, f"{got.version} installed, {want[name].version} expected")
                )
            modules = _modules(site, got.dist_info)
            if want[name].native and not modules:
                drifts.append(Drift(key, name, "a native package with no extension module"))
            for module in modules:
                if not (site / module).is_file():
                    drifts.append(Drift(key, name, f"{module} is missing"))
                    continue
                tagged = _TAGGED.search(module)
                if tagged and MODULE_PLATFORM[key] not in tagged.group(2):
                    drifts.append(
                        Drift(key, name, f"{module} is built for {tagged.group(2)}, not {key}")
                    )
    for name, by_key in sorted(versions.items()):
        for platform in ("android", "ios"):
            seen = {k: v for k, v in by_key.items() if PLATFORM_OF_KEY[k] == platform}
            if len(set(seen.values())) > 1:
                listed = ", ".join(f"{v} on {k}" for k, v in seen.items())
                drifts.append(Drift("*", name, f"version skew across {platform} ABIs: {listed}"))
    return drifts


def present_keys(site_root: Path) -> list[str]:
    return [k for k in ARCH_KEYS.values() if (site_root / k).is_dir()]
