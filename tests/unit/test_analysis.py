"""The analysis' words for targets and constraints, packages held out of a phone, and the
blockers of a target whose desktop graph fails too."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from packaging.tags import Tag
from packaging.version import Version

from fletlint.linter.analysis import Analysis, TargetResult, constraint_of, describe_targets
from fletlint.linter.findings import ChainLink, Location
from fletlint.linter.index.model import DistFile
from fletlint.linter.resolve import Environment, file_fits
from fletlint.linter.rules import fl001_missing_phone_wheel
from fletlint.linter.targets import default_targets, select_targets
from tests.support.memory_index import MemoryIndex, dist_file, one_target_analysis

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


def _analysis(tmp_path: Path, *lines: str) -> tuple[Analysis, TargetResult]:
    """Pure `app` pins `native==1.0` (desktop wheel only), which requires `gone>=2`, of which
    no release exists; the project declares `lines`, checked for 64-bit Android."""
    desktop = frozenset({Tag("cp312", "abi3", "manylinux_2_17_x86_64")})
    source = MemoryIndex(
        files={
            "app": (dist_file("app", "1.0"),),
            "native": (dist_file("native", "1.0", desktop), dist_file("native", "0.9", desktop)),
            "gone": (dist_file("gone", "1.0"),),
        },
        requires={"app": ("native==1.0",), "native": ("gone>=2",), "gone": ()},
    )
    analysis = one_target_analysis(tmp_path, source, lines, "android_24_arm64_v8a")
    return analysis, analysis.results[0]


def test_where_the_desktop_fails_too_the_phone_blocker_is_where_pip_stops(tmp_path: Path) -> None:
    """pip stops at `native==1.0` (no phone wheel) before it meets `gone>=2` (FL004's): with no
    desktop graph, the blocker comes from the phone resolution's conflict, with its chain."""
    analysis, result = _analysis(tmp_path, "app")
    assert not result.unconstrained.ok and not result.resolution.ok
    [verdict] = analysis.verdicts(result)
    assert verdict.blocks_build
    blocker = verdict.blocker
    assert (blocker.name, blocker.version, blocker.declared.text) == (
        "native",
        Version("1.0"),
        "app",
    )
    assert [(link.name, link.version) for link in blocker.chain] == [
        ("app", "1.0"),
        ("native", "1.0"),
    ]
    assert blocker.constraint == ("app==1.0 pins native==1.0", "app")


def test_a_requirement_nothing_satisfies_anywhere_is_no_phone_blocker(tmp_path: Path) -> None:
    analysis, result = _analysis(tmp_path, "gone>=2")
    assert not result.resolution.ok
    assert analysis.verdicts(result) == []


def test_fl001_names_where_the_phone_stops_and_leaves_the_rest_to_fl004(tmp_path: Path) -> None:
    analysis, _ = _analysis(tmp_path, "app")
    [finding] = fl001_missing_phone_wheel.check(analysis)
    assert (finding.package, finding.version, finding.location) == (
        "native",
        "1.0",
        Location("requirements.txt", 1),
    )
    assert finding.message.endswith("(app==1.0 pins native==1.0)")
    analysis, _ = _analysis(tmp_path, "gone>=2")
    assert list(fl001_missing_phone_wheel.check(analysis)) == []
