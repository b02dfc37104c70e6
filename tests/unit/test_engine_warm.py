"""The check reads ahead what the fixes' trials will ask on the desktop."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from packaging.tags import Tag
from packaging.utils import canonicalize_name
from packaging.version import Version

from fletlint.linter.analysis import TargetResult
from fletlint.linter.engine import _environment, _warm_phone_releases
from fletlint.linter.index.model import CoreMetadata, DistFile, ProjectListing
from fletlint.linter.resolve import Resolution, ResolvedPackage
from fletlint.linter.sources.model import ProjectSpec
from fletlint.linter.targets import Target

ANDROID = Target("android", "arm64_v8a", "24", "3.12")


def _wheel(name: str, version: str, platform: str) -> DistFile:
    return DistFile(
        filename=f"{name}-{version}-cp312-cp312-{platform}.whl",
        url=f"https://files.invalid/{name}-{version}-{platform}.whl",
        index="test",
        name=name,
        version=Version(version),
        is_wheel=True,
        tags=frozenset({Tag("cp312", "cp312", platform)}),
    )


class _Index:
    """core's releases: 2.33 with an Android and a macOS wheel, 2.50 with a macOS one only."""

    def __init__(self) -> None:
        self.files = (
            _wheel("core", "2.33", "android_24_arm64_v8a"),
            _wheel("core", "2.33", "macosx_11_0_arm64"),
            _wheel("core", "2.50", "macosx_11_0_arm64"),
        )
        self.warmed: list[str] = []

    def listing(self, name: str) -> ProjectListing:
        return ProjectListing(name, self.files if name == "core" else ())

    def metadata(self, file: DistFile) -> CoreMetadata:
        raise AssertionError("read ahead only")

    def prefetch(self, names: Iterable[str]) -> None:
        pass

    def warm_metadata(self, files: Iterable[DistFile]) -> None:
        self.warmed.extend(f.filename for f in files)


def test_a_release_the_phone_gets_instead_is_read_for_the_desktop() -> None:
    index = _Index()
    project = ProjectSpec(root=Path("app"), requirements=())
    phone_env = _environment(ANDROID, project, constrained=True)
    desktop_env = _environment(ANDROID, project, constrained=False)
    core = canonicalize_name("core")
    same = canonicalize_name("same")
    phone = Resolution(
        phone_env,
        {
            core: ResolvedPackage(core, Version("2.33"), index.files[:1]),
            same: ResolvedPackage(same, Version("1.0"), ()),
        },
    )
    desktop = Resolution(
        desktop_env,
        {
            core: ResolvedPackage(core, Version("2.50"), index.files[2:]),
            same: ResolvedPackage(same, Version("1.0"), ()),
        },
    )
    _warm_phone_releases(index, [TargetResult(ANDROID, phone_env, phone, desktop)])
    # 2.33's file the desktop would read (its first wheel: any fits there), nothing for `same`.
    assert index.warmed == [index.files[0].filename]
