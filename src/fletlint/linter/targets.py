"""Phone targets: platform + ABI + minimum OS + Python version, with their wheel tags and markers.

The tags come from `packaging.tags` with explicit arguments, never from the running interpreter,
and the marker environment is the phone's, never the host's (pip evaluates `--platform` markers
against the host: pip issue 11664).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from packaging import tags
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from fletlint.linter.findings import InputError, Location
from fletlint.linter.flet_model.python_tables import PythonRow, PythonTable

ANDROID_API_LEVEL = 24
IOS_MIN_VERSION = (13, 0)
ANDROID_ABIS = ("arm64_v8a", "armeabi_v7a", "x86_64")
IOS_SLICES = ("arm64_iphoneos", "arm64_iphonesimulator", "x86_64_iphonesimulator")
PLATFORMS = ("android", "ios")

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
    # The bundled CPython's full version ("3.12.13"): what `python_full_version` markers see.
    python_full: str = ""

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
        full = self.python_full or f"{self.python}.0"
        return {
            "implementation_name": "cpython",
            "implementation_version": full,
            "os_name": "posix",
            "platform_machine": _MACHINE.get(self.abi, self.abi),
            "platform_python_implementation": "CPython",
            "platform_release": "",
            "platform_system": "Android" if self.platform == "android" else "iOS",
            "platform_version": "",
            "python_full_version": full,
            "python_version": self.python,
            "sys_platform": self.platform,
            "extra": "",
        }

    def __str__(self) -> str:
        return self.name


def default_targets(
    python: str, full: str = "", android_abis: Sequence[str] = ANDROID_ABIS
) -> tuple[Target, ...]:
    """Every target of one Python: the Android ABIs its build provides, then the iOS slices."""
    abis = {normalize_arch(a) for a in android_abis}
    return tuple(
        Target("android", abi, str(ANDROID_API_LEVEL), python, full)
        for abi in ANDROID_ABIS
        if abi in abis
    ) + tuple(
        Target("ios", abi, f"{IOS_MIN_VERSION[0]}.{IOS_MIN_VERSION[1]}", python, full)
        for abi in IOS_SLICES
    )


def normalize_arch(name: str) -> str:
    """`arm64-v8a` (Flet, Gradle) and `arm64_v8a` (wheel tags) name the same ABI."""
    return name.strip().lower().replace("-", "_")


def select_targets(targets: Sequence[Target], *, names: Sequence[str] = ()) -> tuple[Target, ...]:
    """Keep the targets a user asked for by name, platform or ABI (all when `names` is empty)."""
    if not names:
        return tuple(targets)
    wanted = {normalize_arch(n) for n in names}
    return tuple(t for t in targets if t.name in wanted or t.platform in wanted or t.abi in wanted)


# flet-cli's `ANDROID_ARCH_TO_FLUTTER_TARGET_PLATFORM`: the only spellings `flet build` accepts.
FLET_ANDROID_ARCHES = ("armeabi-v7a", "arm64-v8a", "x86_64")
# serious_python's iOS arch keys (`--arch` values it installs for) and the slices they are.
IOS_ARCH_KEYS = {
    "iphoneos.arm64": "arm64_iphoneos",
    "iphonesimulator.arm64": "arm64_iphonesimulator",
    "iphonesimulator.x86_64": "x86_64_iphonesimulator",
}


def flet_targets(
    python: PythonRow,
    *,
    names: Sequence[str] = (),
    target_arch: Mapping[str, Sequence[str]] | None = None,
    target_arch_at: Mapping[str, Location] | None = None,
) -> tuple[Target, ...]:
    """The targets `flet build` installs packages for, among those the user asked for.

    `target_arch` is each platform's resolved setting. Android: an empty or absent value means
    every ABI of the bundled Python; a value flet-cli refuses ("Invalid Android architecture(s)",
    "not supported by Python X.Y") is a located error. iOS: flet-cli passes the value verbatim and
    serious_python installs only the arch keys it names; a value naming none would leave iOS
    without a single package, so that is a located error too.
    """
    arch = target_arch or {}
    where = target_arch_at or {}
    chosen = select_targets(
        default_targets(python.short, python.full, python.android_abis), names=names
    )
    platforms = {t.platform for t in chosen}
    android = tuple(arch.get("android", ()))
    if "android" in platforms and android:
        invalid = [a for a in android if a not in FLET_ANDROID_ARCHES]
        if invalid:
            raise InputError(
                f"Invalid Android architecture(s) in target_arch: {', '.join(invalid)}; "
                f"flet build accepts {', '.join(FLET_ANDROID_ARCHES)}",
                where.get("android"),
            )
        unsupported = [a for a in android if a not in python.android_abis]
        if unsupported:
            raise InputError(
                f"Architecture(s) not supported by Python {python.short}: "
                f"{', '.join(unsupported)} (supported: {', '.join(python.android_abis)})",
                where.get("android"),
            )
        kept = {normalize_arch(a) for a in android}
        chosen = tuple(t for t in chosen if t.platform != "android" or t.abi in kept)
    ios = tuple(arch.get("ios", ()))
    if "ios" in platforms and ios:
        slices = {IOS_ARCH_KEYS[a] for a in ios if a in IOS_ARCH_KEYS}
        if not slices:
            raise InputError(
                f"target_arch {list(ios)!r} applies to iOS and names no iOS arch "
                f"({', '.join(IOS_ARCH_KEYS)}): flet build passes it to serious_python, which "
                "then installs no package for iOS. Set [tool.flet.ios].target_arch = [] "
                "(every slice) or name the slices",
                where.get("ios"),
            )
        chosen = tuple(t for t in chosen if t.platform != "ios" or t.abi in slices)
    return chosen


def choose_python(
    requested: str | None,
    requires_python: SpecifierSet | None,
    table: PythonTable,
    where: Location | None = None,
) -> PythonRow:
    """The Python `flet build` would bundle: flet-cli's `resolve_python_version` on `table`.

    `--python-version` must be a row of the table. Else `requires-python` is matched against each
    stable row's full version (`3.14.6`), the highest wins; if none matches, the pre-release rows
    by their short version; if still none, flet build stops, and so does the check. Else the
    table's default.
    """
    if requested:
        row = table.row(requested)
        if row is None:
            raise InputError(
                f"Python {requested!r} is not one flet build bundles "
                f"(choose from {', '.join(table.shorts)}; python-build {table.release_date})"
            )
        return row
    if requires_python is not None:
        stable = [
            r for r in table.rows if not r.prerelease and requires_python.contains(Version(r.full))
        ]
        if stable:
            return max(stable, key=lambda r: Version(r.full))
        with_pre = SpecifierSet(str(requires_python), prereleases=True)
        pre = [r for r in table.rows if r.prerelease and with_pre.contains(Version(r.short))]
        if pre:
            return max(pre, key=lambda r: Version(r.short))
        raise InputError(
            f"requires-python {str(requires_python)!r} does not match any Python flet build "
            f"bundles ({', '.join(r.full for r in table.rows)}; python-build "
            f"{table.release_date}): flet build stops here",
            where,
        )
    row = table.row(table.default)
    assert row is not None
    return row
