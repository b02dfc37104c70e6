"""The analysis' words for targets and constraints, and packages held out of a phone."""

from __future__ import annotations

import dataclasses

from packaging.tags import Tag
from packaging.version import Version

from fletlint.linter.analysis import constraint_of, describe_targets
from fletlint.linter.findings import ChainLink
from fletlint.linter.index.model import DistFile
from fletlint.linter.resolve import Environment, file_fits
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


def test_a_held_out_package_fits_any_phone() -> None:
    native = DistFile(
        "native-1.0-cp312-cp312-manylinux_2_17_x86_64.whl",
        "http://x/native-1.0.whl",
        "pypi",
        "native",
        Version("1.0"),
        True,
        frozenset({Tag("cp312", "cp312", "manylinux_2_17_x86_64")}),
    )
    [phone] = select_targets(TARGETS, names=("android_24_arm64_v8a",))
    env = Environment(phone.name, "3.12", phone.marker_environment, frozenset(phone.tags))
    assert not file_fits(native, env)
    assert file_fits(native, dataclasses.replace(env, held_out=frozenset({"native"})))
