"""Generated dependency universes for the pip oracle (tests/oracle), and the files they are made of.

A universe is a handful of projects (`a` … `e`, each depending only on later letters), each with a
few releases: pure wheels, native releases with desktop wheels and an sdist (and phone wheels on
the Flet index for some targets, some Python versions), sdist-only releases, yanked ones,
pre-releases, Requires-Python gates, extras, and requirements with exact pins, ranges and markers
on `platform_system`, `sys_platform`, `platform_machine`, `python_version` and
`python_full_version`. Many universes share one pair of
indexes: each lives under its own prefix (`u17-a`), so one server answers them all.

A universe prints as a fixture (`UniverseSpec.as_fixture()`): a JSON document that
`UniverseSpec.from_fixture` turns back into the same universe, so a disagreement found by a
generated run can be kept as a hand-made case.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.support.index_server import LocalIndex, _FileInfo
from tests.support.wheels import build_sdist, build_wheel, sdist_filename, wheel_filename

VERSIONS = ("0.9", "1.0", "1.1", "2.0", "2.1rc1")
LETTERS = "abcde"
EXTRA = "fast"
PHONE_TARGETS = (
    "android_24_arm64_v8a",
    "android_24_armeabi_v7a",
    "android_24_x86_64",
    "ios_13_0_arm64_iphoneos",
    "ios_13_0_arm64_iphonesimulator",
    "ios_13_0_x86_64_iphonesimulator",
)
PYTHONS = ("3.12", "3.13", "3.14")
SPECIFIERS = (
    "",
    "",
    "==1.0",
    "==2.0",
    "==2.1rc1",
    ">=1.0",
    ">=1.1",
    "<2.0",
    ">=1.0,<2.0",
    "!=1.1",
    "~=1.0",
    ">=2.1rc1",
)
MARKERS = (
    "",
    "",
    "",
    "",
    "",
    "",
    'platform_system == "Android"',
    'platform_system != "iOS"',
    'platform_system == "Linux"',
    'sys_platform == "linux"',
    'sys_platform == "android"',
    'sys_platform != "win32"',
    'platform_machine == "x86_64"',
    'platform_machine == "aarch64"',
    'platform_machine != "armv7l"',
    # pip answers these for the Python it runs on: under serious_python, the bundled version.
    'python_version < "3.13"',
    'python_full_version >= "3.13.1"',
)
REQUIRES_PYTHON = (None, None, None, ">=3.13", "<3.13", ">=3.8", "<3.14")


@dataclass(frozen=True)
class ReleaseSpec:
    """One release of one project.

    kind: `pure` (a py3-none-any wheel), `native` (desktop wheels and an sdist on the PyPI
    mirror, phone wheels on the Flet index for `phone` targets), `sdist` (an sdist alone).
    `phone_python`: the phone wheels are for that Python only (`cp313`), else abi3 from 3.12.
    """

    version: str
    kind: str = "pure"
    phone: tuple[str, ...] = ()
    phone_python: str | None = None
    requires: tuple[str, ...] = ()
    extra_requires: tuple[str, ...] = ()
    requires_python: str | None = None
    yanked: bool = False


@dataclass(frozen=True)
class UniverseSpec:
    """Projects by local name (a letter), the app's requirements, the Python and the targets."""

    projects: tuple[tuple[str, tuple[ReleaseSpec, ...]], ...]
    roots: tuple[str, ...]
    python: str
    targets: tuple[str, ...]
    # Filled in when the universe is written out: its project-name prefix.
    prefix: str = field(default="", compare=False)

    def named(self, local: str) -> str:
        """A requirement or project name written with local names, under this universe's prefix."""
        return f"{self.prefix}{local}"

    def requirements(self) -> list[str]:
        return [self.named(r) for r in self.roots]

    def as_fixture(self) -> str:
        data = asdict(self)
        data.pop("prefix")
        return json.dumps(data, indent=1)

    @classmethod
    def from_fixture(cls, text: str, prefix: str = "") -> UniverseSpec:
        data: dict[str, Any] = json.loads(text)
        projects = tuple(
            (name, tuple(ReleaseSpec(**{k: _tuples(v) for k, v in r.items()}) for r in releases))
            for name, releases in data["projects"]
        )
        return cls(projects, tuple(data["roots"]), data["python"], tuple(data["targets"]), prefix)

    def with_prefix(self, prefix: str) -> UniverseSpec:
        return UniverseSpec(self.projects, self.roots, self.python, self.targets, prefix)

    def markers(self, reached: set[str]) -> set[str]:
        """The markers of the roots and of every release of the projects in `reached`
        (full names, as resolutions report them): those an install may have evaluated."""
        texts = list(self.roots)
        for local, releases in self.projects:
            if canonicalize_name(self.named(local)) in reached:
                texts += [
                    r for release in releases for r in (*release.requires, *release.extra_requires)
                ]
        found = set()
        for text in texts:
            marker = Requirement(text).marker
            if marker is not None:
                found.add(str(marker))
        return found


def _tuples(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


# --- the strategy -------------------------------------------------------------------------------


@st.composite
def requirement(draw: st.DrawFn, names: str) -> str:
    name = draw(st.sampled_from(names))
    extras = draw(st.sampled_from(("", "", "", f"[{EXTRA}]")))
    spec = draw(st.sampled_from(SPECIFIERS))
    marker = draw(st.sampled_from(MARKERS))
    return f"{name}{extras}{spec}" + (f"; {marker}" if marker else "")


@st.composite
def release(draw: st.DrawFn, version: str, later: str) -> ReleaseSpec:
    kind = draw(st.sampled_from(("pure", "pure", "native", "native", "sdist")))
    phone: tuple[str, ...] = ()
    phone_python = None
    if kind == "native":
        phone = tuple(
            draw(
                st.one_of(
                    st.just(PHONE_TARGETS),
                    st.just(()),
                    st.lists(st.sampled_from(PHONE_TARGETS), unique=True, max_size=5),
                )
            )
        )
        phone_python = draw(st.sampled_from((None, None, "cp312", "cp313", "cp314")))
    requires: tuple[str, ...] = ()
    extra_requires: tuple[str, ...] = ()
    if later:
        requires = tuple(draw(st.lists(requirement(later), max_size=2)))
        extra_requires = tuple(draw(st.lists(requirement(later), max_size=1)))
    return ReleaseSpec(
        version=version,
        kind=kind,
        phone=tuple(sorted(phone)),
        phone_python=phone_python,
        requires=requires,
        extra_requires=extra_requires,
        requires_python=draw(st.sampled_from(REQUIRES_PYTHON)),
        yanked=draw(st.sampled_from((False, False, False, False, True))),
    )


@st.composite
def universes(draw: st.DrawFn) -> UniverseSpec:
    size = draw(st.integers(min_value=1, max_value=len(LETTERS)))
    letters = LETTERS[:size]
    projects = []
    for i, letter in enumerate(letters):
        versions = draw(st.lists(st.sampled_from(VERSIONS), min_size=1, max_size=3, unique=True))
        releases = tuple(draw(release(v, letters[i + 1 :])) for v in sorted(versions, key=Version))
        projects.append((letter, releases))
    roots = draw(st.lists(requirement(letters), min_size=1, max_size=2))
    # The first root is the app's main dependency, `a`, which pulls the rest in.
    roots[0] = "a" + roots[0][1:]
    # Mostly one target: each costs a pip run, and every universe is another chance to disagree.
    count_targets = draw(st.sampled_from((1, 1, 1, 2)))
    targets = draw(
        st.lists(
            st.sampled_from(PHONE_TARGETS),
            min_size=count_targets,
            max_size=count_targets,
            unique=True,
        )
    )
    return UniverseSpec(
        tuple(projects), tuple(roots), draw(st.sampled_from(PYTHONS)), tuple(targets)
    )


# --- the files ----------------------------------------------------------------------------------

_DESKTOP_TAG = "cp312-abi3-manylinux_2_17_x86_64"


def write_universe(
    spec: UniverseSpec, pypi_dir: Path, flet_dir: Path, yanked: dict[str, str]
) -> None:
    """Write the universe's distributions; the yanked ones' names go into `yanked` (both indexes)."""
    for local, releases in spec.projects:
        name = spec.named(local)
        for r in releases:
            requires = [spec.named(x) for x in r.requires]
            requires += [_under_extra(spec.named(x)) for x in r.extra_requires]
            extras = (EXTRA,) if r.extra_requires else ()
            files: list[str] = []
            if r.kind == "pure":
                build_wheel(
                    pypi_dir,
                    name,
                    r.version,
                    requires_dist=requires,
                    requires_python=r.requires_python,
                    provides_extra=extras,
                )
                files.append(wheel_filename(name, r.version))
            else:
                build_sdist(
                    pypi_dir,
                    name,
                    r.version,
                    requires,
                    requires_python=r.requires_python,
                    native=r.kind == "native",
                )
                files.append(sdist_filename(name, r.version))
            if r.kind == "native":
                build_wheel(
                    pypi_dir,
                    name,
                    r.version,
                    _DESKTOP_TAG,
                    requires_dist=requires,
                    requires_python=r.requires_python,
                    provides_extra=extras,
                )
                files.append(wheel_filename(name, r.version, _DESKTOP_TAG))
                if r.phone:
                    py = r.phone_python
                    tag = f"{py}-{py}-" if py else "cp312-abi3-"
                    tag += ".".join(r.phone)
                    build_wheel(
                        flet_dir,
                        name,
                        r.version,
                        tag,
                        requires_dist=requires,
                        requires_python=r.requires_python,
                        provides_extra=extras,
                    )
                    files.append(wheel_filename(name, r.version, tag))
            if r.yanked:
                yanked.update(dict.fromkeys(files, "generated"))


def _under_extra(text: str) -> str:
    req = Requirement(text)
    marker = f"extra == {EXTRA!r}"
    if req.marker is not None:
        marker = f"({req.marker}) and {marker}"
    req.marker = None
    return f"{req}; {marker}"


class StaticIndex(LocalIndex):
    """A LocalIndex over a folder that no longer changes: scanned once, not on every request.

    Thousands of generated files make the per-request rescan the slowest part of the oracle.
    """

    def __init__(self, root: Path, *, yanked: Mapping[str, str] | None = None) -> None:
        super().__init__(root, yanked=yanked)
        self._scanned: dict[str, list[_FileInfo]] | None = None

    def _scan(self) -> dict[str, list[_FileInfo]]:
        if self._scanned is None:
            self._scanned = super()._scan()
        return self._scanned
