"""FL103's second resolution with a build host's marker answers: only when a marker it read
answers otherwise on that host, and then it names the requirement that changes the build."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fletlint.linter.findings import Finding, Location, MarkerDivergence, PackageSubject
from fletlint.linter.resolve import Environment, Resolution, Wanted, resolve
from fletlint.linter.rules.fl103_host_device_marker_divergence import RULE
from tests.support.memory_index import MemoryIndex, dist_file, one_target_analysis


def _check(tmp_path: Path, line: str) -> tuple[list[Finding], list[Environment]]:
    """FL103's findings for one declared line on 32-bit Android, and the environments it
    resolved again in. The index holds pure wheels: `inputkit[hotkeys]` pulls `evdev` on a Linux
    host only, `clicky` pulls `colorama` on Windows only (which no modelled host is)."""
    versions = {"inputkit": "1.0", "evdev": "1.9", "clicky": "1.0", "colorama": "1.0"}
    source = MemoryIndex(
        files={name: (dist_file(name, version),) for name, version in versions.items()},
        requires={
            "inputkit": ('evdev>=1.3; sys_platform == "linux" and extra == "hotkeys"',),
            "evdev": (),
            "clicky": ('colorama; platform_system == "Windows"',),
            "colorama": (),
        },
        extras={"inputkit": ("hotkeys",)},
    )
    asked: list[Environment] = []

    def resolver(env: Environment, roots: Sequence[Wanted]) -> Resolution:
        asked.append(env)
        return resolve(source, env, roots)

    analysis = one_target_analysis(
        tmp_path, source, [line], "android_24_armeabi_v7a", resolver=resolver
    )
    return list(RULE.check(analysis)), asked


def test_no_marker_the_host_answers_otherwise_costs_no_resolution(tmp_path: Path) -> None:
    findings, asked = _check(tmp_path, "clicky")
    assert findings == []
    assert asked == []  # platform_system is answered for the phone: nothing to compare


def test_a_marker_under_an_extra_is_resolved_on_the_host_and_named(tmp_path: Path) -> None:
    findings, asked = _check(tmp_path, "inputkit[hotkeys]")
    # Only the Linux host answers `sys_platform == "linux"` otherwise; macOS is not asked.
    assert [e.markers["sys_platform"] for e in asked] == ["linux"]
    assert asked[0].markers["platform_system"] == "Android"  # still the phone's
    assert asked[0].markers["python_version"] == "3.12"  # the bundled Python
    (finding,) = findings
    assert finding.package == "evdev"
    assert finding.severity.value == "warning"  # evdev is pure here: installed, not needed
    assert finding.targets == ("android_24_armeabi_v7a",)
    assert "inputkit 1.0 requires `evdev>=1.3" in finding.message
    assert "Linux x86_64 build host" in finding.message
    assert "installs evdev 1.9, which the device does not need" in finding.message
    assert [(link.requirement, link.version) for link in finding.chain] == [
        ("inputkit[hotkeys]", "1.0"),
        ('evdev>=1.3; sys_platform == "linux" and extra == "hotkeys"', "1.9"),
    ]
    assert finding.location == Location("requirements.txt", 1)
    assert finding.subject == PackageSubject(
        name="evdev",
        version="1.9",
        constraint='inputkit 1.0 requires `evdev>=1.3; sys_platform == "linux" and extra == "hotkeys"`',
        constraint_parent="inputkit",
        where="android",  # the one target checked
        marker=MarkerDivergence(
            marker='sys_platform == "linux" and extra == "hotkeys"',
            requirement='evdev>=1.3; sys_platform == "linux" and extra == "hotkeys"',
            hosts=("Linux x86_64",),
            host_installs=True,
        ),
    )


def test_a_declared_marker_for_the_phone_only_is_skipped_by_the_build_and_said_as_data(
    tmp_path: Path,
) -> None:
    findings, _ = _check(tmp_path, 'evdev; sys_platform == "android"')
    (finding,) = findings  # said once, though both hosts' resolutions differ too
    assert finding.severity.value == "error"  # the app raises ModuleNotFoundError
    assert "flet build skips evdev" in finding.message
    assert finding.subject == PackageSubject(
        name="evdev",
        version="1.9",  # what the device installs
        constraint='the project requires `evdev; sys_platform == "android"`',
        constraint_parent=None,
        where="android",  # the one target checked
        marker=MarkerDivergence(
            marker='sys_platform == "android"',
            requirement='evdev; sys_platform == "android"',
            hosts=("Linux x86_64", "macOS arm64"),
            host_installs=False,
        ),
    )
    assert finding.location == Location("requirements.txt", 1)
