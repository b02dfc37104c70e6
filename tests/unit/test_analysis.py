"""The analysis' words for targets and constraints, and a source with packages held out."""

from __future__ import annotations

from collections.abc import Iterable

from packaging.tags import Tag
from packaging.version import Version

from fletlint.linter.analysis import HeldOut, constraint_of, describe_targets
from fletlint.linter.findings import ChainLink
from fletlint.linter.index.model import CoreMetadata, DistFile, ProjectListing
from fletlint.linter.targets import default_targets, select_targets

TARGETS = default_targets("3.12")


def _names(*wanted: str) -> tuple[str, ...]:
    return tuple(t.name for t in select_targets(TARGETS, names=wanted))


def test_targets_are_summarised_as_people_say_them() -> None:
    assert describe_targets(_names("android", "ios"), TARGETS) == "all phones"
    assert describe_targets(_names("android"), TARGETS) == "android"
    assert describe_targets(_names("ios"), TARGETS) == "iOS"
    simulators = _names("ios_13_0_arm64_iphonesimulator", "ios_13_0_x86_64_iphonesimulator")
    assert describe_targets(simulators, TARGETS) == "iOS simulators"
    assert describe_targets(_names("ios_13_0_arm64_iphoneos"), TARGETS) == "iOS devices"
    assert describe_targets(_names("android_24_armeabi_v7a"), TARGETS) == "android armeabi_v7a"
    android = select_targets(TARGETS, names=("android",))
    assert describe_targets(_names("android"), android) == "android"


def test_the_constraint_names_who_holds_the_package() -> None:
    pinned = (
        ChainLink("pydantic", "pydantic==2.12.5", "2.12.5"),
        ChainLink("pydantic-core", "pydantic-core==2.41.5", "2.41.5"),
    )
    assert constraint_of(pinned) == ("pydantic==2.12.5 pins pydantic-core==2.41.5", "pydantic")
    assert constraint_of(pinned[:1]) == ("the project pins pydantic==2.12.5", None)
    ranged = (ChainLink("scipy", "scipy", "1.16.2"),)
    assert constraint_of(ranged) == ("the project requires scipy", None)


class _Source:
    def __init__(self) -> None:
        self.asked: list[DistFile] = []
        self.file = DistFile(
            "native-1.0-cp312-cp312-manylinux_2_17_x86_64.whl",
            "http://x/native-1.0.whl",
            "pypi",
            "native",
            Version("1.0"),
            True,
            frozenset({Tag("cp312", "cp312", "manylinux_2_17_x86_64")}),
        )

    def listing(self, name: str) -> ProjectListing:
        return ProjectListing(name, (self.file,) if name == "native" else ())

    def metadata(self, file: DistFile) -> CoreMetadata:
        self.asked.append(file)
        return CoreMetadata(file.name, file.version)

    def prefetch(self, names: Iterable[str]) -> None:
        pass

    def warm_metadata(self, files: Iterable[DistFile]) -> None:
        pass


def test_a_held_out_package_installs_anywhere_with_its_real_metadata() -> None:
    source = _Source()
    held = HeldOut(source, frozenset({"native"}))
    [stand_in] = held.listing("native").files
    assert stand_in.is_pure and stand_in.version == Version("1.0")
    held.metadata(stand_in)
    assert source.asked == [source.file]
    assert held.listing("other").files == ()
