"""FL103's second resolution with a build host's marker answers: only when a marker it read
answers otherwise on that host, and then it names the requirement that changes the build."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from packaging.requirements import Requirement
from packaging.tags import Tag
from packaging.version import Version

from fletlint.linter.analysis import Analysis, TargetResult
from fletlint.linter.findings import Finding, Location
from fletlint.linter.index.model import CoreMetadata, DistFile, ProjectListing
from fletlint.linter.resolve import Environment, Resolution, Wanted, resolve, roots_for
from fletlint.linter.rules.fl103_host_device_marker_divergence import RULE
from fletlint.linter.sources.model import DeclaredRequirement, ProjectSpec
from fletlint.linter.targets import default_targets, select_targets

PURE = frozenset({Tag("py3", "none", "any")})


def _file(name: str, version: str) -> DistFile:
    filename = f"{name}-{version}-py3-none-any.whl"
    return DistFile(filename, f"http://x/{filename}", "pypi", name, Version(version), True, PURE)


class _Source:
    """An index in memory of pure wheels: `inputkit[hotkeys]` pulls `evdev` on a Linux host
    only, `clicky` pulls `colorama` on Windows only (which no modelled host is)."""

    def __init__(self) -> None:
        self.requires: dict[str, tuple[str, ...]] = {
            "inputkit": ('evdev>=1.3; sys_platform == "linux" and extra == "hotkeys"',),
            "evdev": (),
            "clicky": ('colorama; platform_system == "Windows"',),
            "colorama": (),
        }
        self.extras = {"inputkit": ("hotkeys",)}

    def listing(self, name: str) -> ProjectListing:
        files = (_file(name, "1.9" if name == "evdev" else "1.0"),) if name in self.requires else ()
        return ProjectListing(name, files)

    def metadata(self, file: DistFile) -> CoreMetadata:
        requires = tuple(Requirement(r) for r in self.requires[file.name])
        return CoreMetadata(
            file.name, file.version, requires, provides_extra=self.extras.get(file.name, ())
        )

    def prefetch(self, names: Iterable[str]) -> None:
        pass

    def warm_metadata(self, files: Iterable[DistFile]) -> None:
        pass

    def archive_names(self, file: DistFile) -> tuple[str, ...]:
        return ()

    def download(self, file: DistFile) -> bytes | None:
        return None


def _check(tmp_path: Path, line: str) -> tuple[list[Finding], list[Environment]]:
    """FL103's findings for one declared line on 32-bit Android, and the environments it
    resolved again in."""
    source = _Source()
    declared = (
        DeclaredRequirement(
            line, Location("requirements.txt", 1), "requirements.txt", Requirement(line)
        ),
    )
    [phone] = select_targets(default_targets("3.12"), names=("android_24_armeabi_v7a",))
    env = Environment(phone.name, "3.12", phone.marker_environment, frozenset(phone.tags))
    desktop = Environment("desktop", "3.12", phone.marker_environment)
    result = TargetResult(
        phone,
        env,
        resolve(source, env, roots_for(declared, env, phone.platform)),
        resolve(source, desktop, roots_for(declared, desktop, phone.platform)),
    )
    asked: list[Environment] = []

    def resolver(env: Environment, roots: Sequence[Wanted]) -> Resolution:
        asked.append(env)
        return resolve(source, env, roots)

    analysis = Analysis(
        ProjectSpec(tmp_path, declared),
        (phone,),
        [result],
        (),
        source.listing,
        source=source,
        resolver=resolver,
        archives=source,
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
