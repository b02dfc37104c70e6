"""Dependency universes captured from PyPI (tests/oracle/capture_universe.py), as test indexes.

A captured universe is a JSON file in `tests/oracle/captured/`: per index (`pypi`, and `flet` for
Flet's mobile index), per project, per release, what a resolver reads: Requires-Python,
Requires-Dist, yanked, and which files exist: the wheel tags that matter on a phone (pure ones and
Android/iOS ones, in full), one representative of the desktop-only wheels (a resolution that takes
any distribution reads that one) and whether an sdist exists. `write_captured` turns it back into
real (tiny) wheels and sdists for a LocalIndex, building only the files the given targets can use
plus one distribution per release for the desktop resolution, so a test pays for nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

from packaging.tags import Tag, parse_tag

from tests.support.wheels import build_sdist, build_wheel, sdist_filename, wheel_filename

CAPTURED = Path(__file__).parent / "captured"


class ReleaseData(TypedDict):
    """One release as captured: the metadata a resolver reads and the files that exist."""

    python: str | None  # Requires-Python
    requires: list[str] | None  # Requires-Dist; None: neither resolver read this release's
    wheels: list[str]  # wheel tags (compressed tag sets) of pure and phone wheels
    desktop: str | None  # one wheel tag of the other (desktop) wheels, if there are any
    sdist: bool
    yanked: bool


# project -> version -> release
IndexData = dict[str, dict[str, ReleaseData]]


class ReferenceOutcome(TypedDict):
    """pip's answer for one target against the real PyPI and the captured Flet index."""

    ok: bool
    installs: dict[str, str]
    culprits: list[str]


class CapturedData(TypedDict):
    about: str
    captured: str
    roots: list[str]
    python: str
    reference: dict[str, ReferenceOutcome]  # target name -> pip's answer on the real PyPI
    fletlint: dict[str, Any]  # fletlint's answer on the real PyPI (results, findings)
    pypi: IndexData
    flet: IndexData


@dataclass(frozen=True)
class WrittenUniverse:
    """The folders written for a captured universe, and the yanked files (filename -> reason)."""

    pypi_dir: Path
    flet_dir: Path
    yanked: dict[str, str]
    files: int


def load_captured(path: Path) -> CapturedData:
    data: CapturedData = json.loads(path.read_text())
    return data


def is_pure(tag: str) -> bool:
    return all(t.platform == "any" for t in parse_tag(tag))


def is_phone(tag: str) -> bool:
    return all(t.platform.startswith(("android_", "ios_")) for t in parse_tag(tag))


def _fits(tag: str, wanted: frozenset[Tag]) -> bool:
    return not wanted.isdisjoint(parse_tag(tag))


def release_files(release: ReleaseData, wanted: frozenset[Tag]) -> tuple[list[str], bool]:
    """The wheel tags to build for a release and whether to build its sdist: every wheel that fits
    `wanted` (or is pure), and for the desktop resolution (any distribution) one more file when
    none of those is there, the desktop wheel first, the sdist otherwise."""
    tags = [t for t in release["wheels"] if is_pure(t) or _fits(t, wanted)]
    if not any(is_pure(t) for t in tags):
        if release["desktop"] is not None:
            return [*tags, release["desktop"]], False
        if not tags and not release["sdist"]:
            # Only phone wheels for other targets: one of them stands for the release.
            return release["wheels"][:1], False
        return tags, release["sdist"] and not tags
    return tags, False


def write_index(
    index: Mapping[str, Mapping[str, ReleaseData]],
    dest: Path,
    wanted: frozenset[Tag],
    yanked: dict[str, str],
) -> int:
    """Write the files of one captured index into `dest`; returns how many."""
    count = 0
    for project, releases in index.items():
        for version, release in releases.items():
            tags, sdist = release_files(release, wanted)
            names: list[str] = []
            for tag in tags:
                build_wheel(
                    dest,
                    project,
                    version,
                    tag,
                    requires_dist=release["requires"] or [],
                    requires_python=release["python"],
                    provides_extra=_extras(release["requires"] or ()),
                )
                names.append(wheel_filename(project, version, tag))
            if sdist:
                build_sdist(dest, project, version, release["requires"] or [], release["python"])
                names.append(sdist_filename(project, version))
            if release["yanked"]:
                yanked.update(dict.fromkeys(names, "captured as yanked"))
            count += len(names)
    return count


def _extras(requires: Iterable[str]) -> list[str]:
    """Provides-Extra from the `extra == "x"` markers of Requires-Dist (PyPI's JSON omits it)."""
    from packaging.requirements import Requirement

    found: set[str] = set()
    for text in requires:
        marker = Requirement(text).marker
        if marker is None:
            continue
        for part in str(marker).split("extra == ")[1:]:
            found.add(part.split('"')[1] if part.startswith('"') else part.split("'")[1])
    return sorted(found)


def write_captured(data: CapturedData, root: Path, wanted: frozenset[Tag]) -> WrittenUniverse:
    """Write both indexes of a captured universe under `root` (once: a marker makes it free)."""
    pypi_dir, flet_dir = root / "pypi", root / "flet"
    yanked: dict[str, str] = {}
    count = write_index(data["pypi"], pypi_dir, wanted, yanked)
    count += write_index(data["flet"], flet_dir, wanted, yanked)
    return WrittenUniverse(pypi_dir, flet_dir, yanked, count)
