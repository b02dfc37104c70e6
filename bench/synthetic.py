"""Synthetic package universes for the benchmark: N projects as real wheels on two local indexes.

The shape is the one that makes phone resolution costly in real life: most projects are pure
(one `py3-none-any` wheel per release on the "PyPI" index); about a third are native, with
desktop wheels and an sdist on "PyPI" and phone wheels (six tags, as `flet build` targets) on the
"Flet" index for their older releases only. About half of the native projects have newer releases
without phone wheels (the resolver downgrades them), and some parents pin the newest release of a
child (`child>=<newest>`), so a downgraded child forces the parent down too (backtracking).

Every project's oldest release asks only `child>=1.0.0` of its children and every native project
has phone wheels from 1.0.0 on, so each universe has an answer for every phone target: a resolver
that fails on one is broken, not the universe. Everything is deterministic for a (size, seed).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from tests.support.wheels import build_sdist, build_wheel

PYTHON_TAG = "cp312"
PHONE_PLATFORMS = (
    "android_24_arm64_v8a",
    "android_24_armeabi_v7a",
    "android_24_x86_64",
    "ios_13_0_arm64_iphoneos",
    "ios_13_0_arm64_iphonesimulator",
    "ios_13_0_x86_64_iphonesimulator",
)
DESKTOP_PLATFORM = "manylinux_2_17_x86_64"
# Bump when the shape changes, so a stored universe of an older shape is rebuilt.
GENERATOR_VERSION = 1
# How often a project's newest release pins its child's newest (a downgrade that backtracks).
PIN_RATE = 0.1


@dataclass(frozen=True)
class Project:
    name: str
    versions: tuple[str, ...]  # oldest first
    native: bool
    phone_versions: int  # how many of the oldest releases have phone wheels (native only)
    # (child name, whether the newest release asks for the child's newest release)
    children: tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class SyntheticUniverse:
    root: Path
    pypi_dir: Path
    flet_dir: Path
    requirements: Path
    projects: tuple[Project, ...]

    @property
    def downgraded_natives(self) -> int:
        return sum(1 for p in self.projects if p.native and p.phone_versions < len(p.versions))

    @property
    def files(self) -> int:
        return sum(1 for d in (self.pypi_dir, self.flet_dir) for _ in d.iterdir())


def plan(size: int, seed: int = 12, pin_rate: float = PIN_RATE) -> tuple[Project, ...]:
    """The projects of a universe of `size` projects (no files)."""
    rng = random.Random(f"{seed}-{size}")
    names = [f"syn-{i:04d}" for i in range(size)]
    projects: list[Project] = []
    for i, name in enumerate(names):
        count = rng.randint(2, 5)
        versions = tuple(f"1.{n}.0" for n in range(count))
        native = rng.random() < 0.33
        # Half the native projects lack phone wheels for their newest one or two releases.
        phone = count if not native or rng.random() < 0.5 else max(1, count - rng.randint(1, 2))
        later = names[i + 1 : i + 1 + max(8, size // 10)]  # a DAG: children come later
        picked = rng.sample(later, min(len(later), rng.randint(0, 3)))
        children = tuple((child, rng.random() < pin_rate) for child in sorted(picked))
        projects.append(Project(name, versions, native, phone, children))
    return tuple(projects)


def _requires(project: Project, version_index: int, by_name: dict[str, Project]) -> list[str]:
    newest = version_index == len(project.versions) - 1
    out = []
    for child, pins_newest in project.children:
        floor = by_name[child].versions[-1] if newest and pins_newest else "1.0.0"
        out.append(f"{child}>={floor}")
    return out


def build(root: Path, size: int, seed: int = 12, pin_rate: float = PIN_RATE) -> SyntheticUniverse:
    """Write (once per root) the universe's wheels, sdists and requirements file under `root`."""
    projects = plan(size, seed, pin_rate)
    pypi_dir, flet_dir = root / "pypi", root / "flet"
    requirements = root / "app" / "requirements.txt"
    marker = root / f".built-v{GENERATOR_VERSION}-{seed}-{pin_rate}"
    if not marker.exists():
        by_name = {p.name: p for p in projects}
        depended = {child for p in projects for child, _ in p.children}
        for project in projects:
            for index, version in enumerate(project.versions):
                requires = _requires(project, index, by_name)
                if not project.native:
                    build_wheel(pypi_dir, project.name, version, requires_dist=requires)
                    continue
                desktop = f"{PYTHON_TAG}-{PYTHON_TAG}-{DESKTOP_PLATFORM}"
                build_wheel(pypi_dir, project.name, version, desktop, requires_dist=requires)
                build_sdist(pypi_dir, project.name, version, requires, native=True)
                if index < project.phone_versions:
                    for platform in PHONE_PLATFORMS:
                        tag = f"{PYTHON_TAG}-{PYTHON_TAG}-{platform}"
                        build_wheel(flet_dir, project.name, version, tag, requires_dist=requires)
        flet_dir.mkdir(parents=True, exist_ok=True)
        requirements.parent.mkdir(parents=True, exist_ok=True)
        # The app asks for every project nothing else pulls in, so the whole universe resolves.
        roots = [p.name for p in projects if p.name not in depended]
        requirements.write_text("".join(f"{name}\n" for name in roots))
        marker.write_text("ok\n")
    return SyntheticUniverse(root, pypi_dir, flet_dir, requirements, projects)
