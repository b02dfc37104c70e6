"""Phone targets: platform + ABI + minimum OS + Python version, with their wheel tags and markers.

The tags come from `packaging.tags` with explicit arguments, never from the running interpreter,
and the marker environment is the phone's, never the host's (pip evaluates `--platform` markers
against the host: pip issue 11664).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from packaging import tags
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ANDROID_API_LEVEL = 24
IOS_MIN_VERSION = (13, 0)
ANDROID_ABIS = ("arm64_v8a", "armeabi_v7a", "x86_64")
IOS_SLICES = ("arm64_iphoneos", "arm64_iphonesimulator", "x86_64_iphonesimulator")
PLATFORMS = ("android", "ios")
# The Python versions Flet can bundle, newest first.
FLET_PYTHON_VERSIONS = ("3.14", "3.13", "3.12")
# Flet 0.86 made 3.14 the bundled default; older Flet bundled 3.12.
FLET_PYTHON_314_SINCE = Version("0.86")

# What `platform.machine()` answers on the device, for `platform_machine` markers.
_MACHINE = {
    "arm64_v8a": "aarch64",
    "armeabi_v7a": "armv7l",
    "x86_64": "x86_64",
    "arm64_iphoneos": "arm64",
    "arm64_iphonesimulator": "arm64",
    "x86_64_iphonesimulator": "x86_64",
}


@dataclass(frozen=True)
class Target:
    platform: str  # "android" | "ios"
    abi: str  # "arm64_v8a", ..., or an iOS slice such as "arm64_iphoneos"
    min_os: str  # "24" for Android API 24, "13.0" for iOS 13.0
    python: str  # "3.12"

    @property
    def name(self) -> str:
        """The wheel platform tag, which is also how users name a target."""
        if self.platform == "android":
            return f"android_{self.min_os}_{self.abi}"
        return f"ios_{self.min_os.replace('.', '_')}_{self.abi}"

    @property
    def python_tuple(self) -> tuple[int, int]:
        major, minor = self.python.split(".")[:2]
        return int(major), int(minor)

    @cached_property
    def platform_tags(self) -> tuple[str, ...]:
        if self.platform == "android":
            return tuple(tags.android_platforms(int(self.min_os), self.abi))
        major, minor = (int(p) for p in self.min_os.split("."))
        return tuple(tags.ios_platforms((major, minor), self.abi))

    @cached_property
    def ordered_tags(self) -> tuple[tags.Tag, ...]:
        """The tags most specific first, as pip ranks them: which of several fitting wheels wins."""
        interpreter = f"cp{self.python_tuple[0]}{self.python_tuple[1]}"
        found = list(tags.cpython_tags(self.python_tuple, [interpreter], self.platform_tags))
        found += tags.compatible_tags(self.python_tuple, interpreter, self.platform_tags)
        return tuple(dict.fromkeys(found))

    @cached_property
    def tags(self) -> frozenset[tags.Tag]:
        return frozenset(self.ordered_tags)

    @cached_property
    def marker_environment(self) -> dict[str, str]:
        return {
            "implementation_name": "cpython",
            "implementation_version": f"{self.python}.0",
            "os_name": "posix",
            "platform_machine": _MACHINE.get(self.abi, self.abi),
            "platform_python_implementation": "CPython",
            "platform_release": "",
            "platform_system": "Android" if self.platform == "android" else "iOS",
            "platform_version": "",
            "python_full_version": f"{self.python}.0",
            "python_version": self.python,
            "sys_platform": self.platform,
            "extra": "",
        }

    def __str__(self) -> str:
        return self.name


def default_targets(python: str) -> tuple[Target, ...]:
    return tuple(
        Target("android", abi, str(ANDROID_API_LEVEL), python) for abi in ANDROID_ABIS
    ) + tuple(
        Target("ios", abi, f"{IOS_MIN_VERSION[0]}.{IOS_MIN_VERSION[1]}", python)
        for abi in IOS_SLICES
    )


def normalize_arch(name: str) -> str:
    """`arm64-v8a` (Flet, Gradle) and `arm64_v8a` (wheel tags) name the same ABI."""
    return name.strip().lower().replace("-", "_")


def select_targets(
    targets: Sequence[Target],
    *,
    names: Sequence[str] = (),
    target_arch: dict[str, tuple[str, ...]] | None = None,
) -> tuple[Target, ...]:
    """Keep the targets a user asked for by name, platform or ABI, and those `target_arch` allows."""
    chosen = list(targets)
    if names:
        wanted = {normalize_arch(n) for n in names}
        chosen = [t for t in chosen if t.name in wanted or t.platform in wanted or t.abi in wanted]
    arch_by_platform = target_arch or {}

    def allowed(target: Target) -> bool:
        # A platform-independent `target_arch` names Android ABIs; iOS slices are not split by it.
        arches = arch_by_platform.get(target.platform) or (
            arch_by_platform.get("*") if target.platform == "android" else None
        )
        return not arches or target.abi in {normalize_arch(a) for a in arches}

    chosen = [t for t in chosen if allowed(t)]
    return tuple(chosen)


def choose_python_version(
    requested: str | None, requires_python: SpecifierSet | None, flet_version: Version | None
) -> str:
    """The Python `flet build` would bundle (FLET-FACTS.md).

    `--python-version` wins; else the newest Flet-supported version that `requires-python` allows;
    else the bundled default of the project's Flet (3.14 from 0.86 on, 3.12 before).
    """
    if requested:
        return requested
    if requires_python is not None:
        for version in FLET_PYTHON_VERSIONS:
            if requires_python.contains(version, prereleases=True):
                return version
    if flet_version is not None and flet_version < FLET_PYTHON_314_SINCE:
        return "3.12"
    return "3.14"
