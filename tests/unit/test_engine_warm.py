"""The check reads ahead what the fixes' trials will ask."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.tags import Tag
from packaging.utils import canonicalize_name
from packaging.version import Version

from fletlint.linter.analysis import Analysis, TargetResult
from fletlint.linter.engine import _environment, _warm_phone_releases
from fletlint.linter.index.model import CoreMetadata, DistFile, ProjectListing
from fletlint.linter.resolve import Resolution, ResolvedPackage, Wanted, resolve
from fletlint.linter.rules.fl105_pure_wheel_shadows_native import _read_pin_ahead
from fletlint.linter.sources.model import ProjectSpec
from fletlint.linter.targets import Target

ANDROID = Target("android", "arm64_v8a", "24", "3.12")


def _wheel(name: str, version: str, platform: str, python: str = "cp312") -> DistFile:
    abi = "none" if platform == "any" else python
    return DistFile(
        filename=f"{name}-{version}-{python}-{abi}-{platform}.whl",
        url=f"https://files.invalid/{name}-{version}-{platform}.whl",
        index="test",
        name=name,
        version=Version(version),
        is_wheel=True,
        tags=frozenset({Tag(python, abi, platform)}),
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


def test_the_release_fl105_pins_is_read_for_every_phone_and_desktop_before_its_fix() -> None:
    """FL105's fix pins the newest older release with a native build for every target of the
    finding (1.5 here: 1.8 has no Android wheel); its trials then read that release's metadata
    on each phone and desktop. The rule starts those reads when it reports the finding."""
    lib = canonicalize_name("lib")
    files = (
        _wheel("lib", "2.0", "any", python="py3"),
        _wheel("lib", "1.8", "macosx_11_0_arm64"),
        _wheel("lib", "1.5", "android_24_arm64_v8a"),
        _wheel("lib", "1.5", "macosx_11_0_arm64"),
        _wheel("lib", "1.0", "android_24_arm64_v8a"),
    )

    class Index(_Index):
        def listing(self, name: str) -> ProjectListing:
            return ProjectListing(name, files if name == "lib" else ())

    index = Index()
    project = ProjectSpec(root=Path("app"), requirements=())
    phone_env = _environment(ANDROID, project, constrained=True)
    desktop_env = _environment(ANDROID, project, constrained=False)
    chosen = {lib: ResolvedPackage(lib, Version("2.0"), files[:1])}
    result = TargetResult(
        ANDROID, phone_env, Resolution(phone_env, chosen), Resolution(desktop_env, chosen)
    )
    analysis = Analysis(project, (ANDROID,), [result], (), index.listing, source=index)
    _read_pin_ahead(analysis, "lib", Version("2.0"), [result])
    # The phone reads 1.5's Android wheel; the desktop its first wheel (any fits there).
    assert index.warmed == [files[2].filename]
    # Without an index nothing is read ahead (and nothing fails).
    _read_pin_ahead(replace(analysis, source=None), "lib", Version("2.0"), [result])
    assert index.warmed == [files[2].filename]


def test_a_phone_reading_a_native_release_starts_the_desktops_read_of_it() -> None:
    """While the phone resolves, each native release it reads is read for the desktop too,
    from the desktop's own file: the trials that put it on the desktop then find it read."""
    core = canonicalize_name("core")
    files = (
        _wheel("core", "2.33", "macosx_11_0_arm64"),
        _wheel("core", "2.33", "android_24_arm64_v8a"),
        _wheel("core", "2.50", "macosx_11_0_arm64"),
    )

    class Index(_Index):
        def listing(self, name: str) -> ProjectListing:
            return ProjectListing(name, files if name == "core" else ())

        def metadata(self, file: DistFile) -> CoreMetadata:
            self.warmed.append(f"read {file.filename}")
            return CoreMetadata(file.name, file.version)

    index = Index()
    project = ProjectSpec(root=Path("app"), requirements=())
    phone_env = _environment(ANDROID, project, constrained=True)
    root = Wanted(core, frozenset(), SpecifierSet(), "core")
    resolution = resolve(index, phone_env, [root], {})
    assert resolution.packages[core].version == Version("2.33")
    # Its own Android wheel (read ahead by the resolver, then read), and before that read, the
    # desktop's file of 2.33 (its first wheel: any fits there).
    assert index.warmed == [
        files[1].filename,
        files[0].filename,
        f"read {files[1].filename}",
    ]
