"""The standard package universe: a small PyPI mirror and Flet's mobile index.

The shapes mirror the real world cases fletlint must judge: pure wheels, native
packages with desktop-only wheels on PyPI but phone wheels on Flet's index (and version
mismatches between the two), sdist-only packages with and without C code, markers
that only fire on some platforms, yanked files, Requires-Python gates and an ABI gap.
Tests refer to these names and versions directly, so change them with care.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tests.support.wheels import build_sdist, build_wheel, wheel_filename

PYTHONS = ("cp312", "cp313", "cp314")
DESKTOP_PLATFORMS = ("manylinux_2_17_x86_64",)
ANDROID_PLATFORMS = (
    "android_24_arm64_v8a",
    "android_24_armeabi_v7a",
    "android_24_x86_64",
)
IOS_PLATFORMS = (
    "ios_13_0_arm64_iphoneos",
    "ios_13_0_arm64_iphonesimulator",
    "ios_13_0_x86_64_iphonesimulator",
)
MOBILE_PLATFORMS = ANDROID_PLATFORMS + IOS_PLATFORMS


@dataclass(frozen=True)
class Universe:
    root: Path
    pypi_dir: Path
    flet_dir: Path
    # Filename -> yank reason, to pass to LocalIndex(yanked=...) for the PyPI mirror.
    yanked: dict[str, str] = field(default_factory=dict)


def _cp_tags(platforms: tuple[str, ...], pythons: tuple[str, ...] = PYTHONS) -> list[str]:
    return [f"{py}-{py}-{plat}" for py in pythons for plat in platforms]


def _build_pypi(d: Path) -> dict[str, str]:
    def pure(name: str, version: str, *requires: str, python: str | None = None) -> None:
        build_wheel(d, name, version, requires_dist=requires, requires_python=python)

    pure("supabase", "2.20.0", "postgrest==2.20.0", "realtime==2.20.0")
    pure("postgrest", "2.20.0", "pydantic>=1.9,<3", "httpx>=0.26")
    pure("realtime", "2.20.0", "websockets>=11,<16")
    pure("websockets", "15.0.1")
    pure("httpx", "0.28.1", "anyio")
    pure("anyio", "4.9.0")
    pure("pydantic", "2.12.5", "pydantic-core==2.41.5", "typing-extensions>=4.6")
    pure("pydantic", "2.11.7", "pydantic-core==2.33.2", "typing-extensions>=4.6")
    pure("pydantic", "1.10.24", "typing-extensions>=4.2")
    pure("typing-extensions", "4.15.0")

    # Native packages: desktop wheels only, plus an sdist (which needs a C toolchain).
    pydantic_core_files = {"pydantic_core/__init__.py": "", "pydantic_core/_core.py": ""}
    for tag in [*_cp_tags(DESKTOP_PLATFORMS), "cp312-cp312-macosx_11_0_arm64"]:
        build_wheel(
            d,
            "pydantic-core",
            "2.41.5",
            tag,
            requires_dist=["typing-extensions>=4.14.1"],
            files=pydantic_core_files,
        )
    build_sdist(d, "pydantic-core", "2.41.5", ["typing-extensions>=4.14.1"], native=True)
    for tag in _cp_tags(DESKTOP_PLATFORMS):
        build_wheel(
            d,
            "pydantic-core",
            "2.33.2",
            tag,
            requires_dist=["typing-extensions>=4.6.0,!=4.7.0"],
            files=pydantic_core_files,
        )
    build_sdist(d, "pydantic-core", "2.33.2", ["typing-extensions>=4.6.0,!=4.7.0"], native=True)

    # `flet[all]` pulls Flet's desktop-only parts, whose dependencies have no phone wheels.
    build_wheel(
        d,
        "flet",
        "0.86.6",
        requires_dist=[
            "msgpack>=1.1",
            "httpx",
            "oauthlib",
            'flet-cli==0.86.6; extra == "all"',
            'flet-desktop==0.86.6; extra == "all"',
            'flet-web==0.86.6; extra == "all"',
        ],
        provides_extra=["all"],
    )
    for tag in [*_cp_tags(DESKTOP_PLATFORMS), *_cp_tags(("macosx_11_0_arm64",))]:
        build_wheel(d, "msgpack", "1.1.2", tag)
    build_sdist(d, "msgpack", "1.1.2", native=True)
    pure("oauthlib", "3.3.1")

    pure(
        "sqlalchemy",
        "2.0.44",
        'greenlet>=1; platform_machine == "x86_64" or platform_machine == "aarch64" '
        'or platform_machine == "AMD64"',
        "typing-extensions>=4.6",
    )
    for tag in _cp_tags(DESKTOP_PLATFORMS):
        build_wheel(d, "greenlet", "3.2.4", tag)
    build_sdist(d, "greenlet", "3.2.4", native=True)

    pure("colorama", "0.4.6")
    # A distribution whose import name differs from its own and from every built-in table
    # entry: only the wheel's files say that `toolbelt` comes from `toolbelt-utils`.
    build_wheel(d, "toolbelt-utils", "1.0.0", files={"toolbelt/__init__.py": ""})
    pure("click", "8.3.0", 'colorama; platform_system == "Windows"')
    build_sdist(d, "onlysdist", "1.0.0")
    build_sdist(d, "nativesdist", "2.0.0", native=True)

    pure("yankedpkg", "1.0.0")
    pure("yankedpkg", "0.9.0")
    pure("newpython", "2.0.0", python=">=3.13")
    pure("newpython", "1.0.0", python=">=3.8")

    pure("iosonly", "1.0.0", 'pyobjc-core; sys_platform == "ios"')
    build_wheel(d, "pyobjc-core", "11.0", "cp312-cp312-macosx_10_13_universal2")

    for tag in _cp_tags(DESKTOP_PLATFORMS):
        build_wheel(d, "numpy", "2.3.4", tag)
    build_sdist(d, "numpy", "2.3.4", native=True)
    build_wheel(d, "polars", "1.33.0", "cp39-abi3-manylinux_2_17_x86_64")

    build_wheel(
        d,
        "extrapkg",
        "1.0.0",
        provides_extra=["fast"],
        requires_dist=['msgpack>=1.0; extra == "fast"'],
    )
    # A marker under an extra that a Linux build host answers otherwise than the phone (FL103):
    # there `inputkit[hotkeys]` pulls evdev, published as an sdist only (as pynput pulls it).
    build_wheel(
        d,
        "inputkit",
        "1.0.0",
        provides_extra=["hotkeys"],
        requires_dist=['evdev>=1.3; sys_platform == "linux" and extra == "hotkeys"'],
        files={"inputkit/__init__.py": ""},
    )
    build_sdist(d, "evdev", "1.9.2", native=True)

    # For the fixes: a loose requirement whose newest child has no phone wheel (pin the child),
    # a -binary package with a phone-ready twin (alternative), a desktop-only package (marker).
    pure("loosepar", "1.0.0", "loosechild>=1.0")
    for tag in _cp_tags(DESKTOP_PLATFORMS):
        build_wheel(d, "loosechild", "1.2.0", tag)
    build_sdist(d, "loosechild", "1.2.0", native=True)
    for tag in _cp_tags(DESKTOP_PLATFORMS):
        build_wheel(d, "psycopg2-binary", "2.9.10", tag)
    build_sdist(d, "psycopg2", "2.9.10", native=True)
    for tag in _cp_tags(DESKTOP_PLATFORMS):
        build_wheel(d, "desktoponly", "1.0.0", tag)
    _build_issue7_pypi(d)
    return {wheel_filename("yankedpkg", "1.0.0"): "broken"}


MATPLOTLIB_LICENSE = (
    "License agreement for matplotlib versions 1.3.0 and later\n"
    "=========================================================\n"
    "  \n"
    "1. This LICENSE AGREEMENT is between the Matplotlib Development Team\n"
    "  \n"
    "8. By copying, installing or otherwise using matplotlib, Licensee agrees."
)


def _build_issue7_pypi(d: Path) -> None:
    """Issue 7's examples: matplotlib (a multi-line License, native dependencies), pandas +
    scipy with a flet whose msgpack-like dependency has an older phone release, Flet's
    desktop-only parts behind `flet[all]`. Newest releases are desktop-only, as on PyPI."""

    def pure(name: str, version: str, *requires: str) -> None:
        build_wheel(d, name, version, requires_dist=requires)

    def native(name: str, version: str, *requires: str, license_text: str | None = None) -> None:
        for tag in _cp_tags(DESKTOP_PLATFORMS):
            build_wheel(d, name, version, tag, requires_dist=requires, license_text=license_text)
        build_sdist(d, name, version, requires, native=True)

    native(
        "matplotlib",
        "3.10.9",
        "contourpy>=1.0.1",
        "cycler>=0.10",
        "kiwisolver>=1.3.1",
        "numpy>=1.23",
        "pillow>=8",
        "pyparsing>=2.3.1",
        license_text=MATPLOTLIB_LICENSE,
    )
    native("contourpy", "1.3.3", "numpy>=1.25")
    native("kiwisolver", "1.4.9")
    native("pillow", "12.0.0")
    pure("cycler", "0.12.1")
    pure("pyparsing", "3.2.5")

    pure("flet", "0.86.5", "msgspec>=0.18", "httpx", "oauthlib")
    native("msgspec", "0.19.0")
    native("pandas", "2.2.3", "numpy>=1.26", "python-dateutil>=2.8.2", "tzdata>=2022.7")
    native("scipy", "1.16.2", "numpy>=1.25.2,<2.6")
    pure("python-dateutil", "2.9.0", "six>=1.5")
    pure("six", "1.17.0")
    pure("tzdata", "2025.2")

    pure("flet-cli", "0.86.6", "watchdog>=4")
    pure("flet-desktop", "0.86.6")
    pure("flet-web", "0.86.6", "httptools>=0.6")
    native("watchdog", "6.0.0")
    native("httptools", "0.6.4")


def _build_flet(d: Path) -> None:
    mobile = _cp_tags(MOBILE_PLATFORMS)
    pydantic_core_files = {"pydantic_core/__init__.py": "", "pydantic_core/_core.py": ""}
    # 2.33.2 and 2.47.0 but deliberately not 2.41.5: pydantic 2.12.5 pins a version
    # the mobile index lacks, which is the case fletlint must explain.
    for version in ("2.33.2", "2.47.0"):
        for tag in mobile:
            build_wheel(d, "pydantic-core", version, tag, files=pydantic_core_files)
    for tag in mobile:
        build_wheel(d, "msgpack", "1.1.2", tag)
        build_wheel(d, "numpy", "2.3.4", tag)
        build_wheel(d, "greenlet", "3.2.4", tag)
    for tag in mobile:
        build_wheel(d, "loosechild", "1.1.0", tag)
        build_wheel(d, "psycopg2", "2.9.10", tag)
    # No armeabi_v7a build: an ABI gap for 32-bit Android.
    for plat in ("android_24_arm64_v8a", "android_24_x86_64", *IOS_PLATFORMS):
        build_wheel(d, "polars", "1.33.0", f"cp39-abi3-{plat}")
    # Issue 7's examples: older phone releases of what PyPI has newer desktop releases of.
    matplotlib = ["contourpy>=1.0.1", "kiwisolver>=1.3.1", "numpy>=1.23", "pillow>=8"]
    for tag in mobile:
        build_wheel(d, "matplotlib", "3.10.9", tag, requires_dist=matplotlib)
        build_wheel(d, "kiwisolver", "1.4.7", tag)
        build_wheel(d, "pillow", "11.1.0", tag)
        build_wheel(d, "msgspec", "0.18.6", tag)
        build_wheel(d, "pandas", "2.2.2", tag, requires_dist=["numpy>=1.26"])
        build_wheel(d, "scipy", "1.15.3", tag, requires_dist=["numpy>=1.23.5,<2.5"])


def _build_issue8(pypi: Path, flet: Path) -> None:
    """Issue 8's failures after a green build: markupsafe resolving differently per Android ABI
    (PyPI has arm64_v8a/x86_64 wheels of a newer release than Flet's index), protobuf's newer
    pure wheel over Flet's native build, pyjwt's `crypto` extra, opencv-python's cv2 (which reads
    files next to its code); boundlib, whose newest native build (16.0) boundapp's `<16` keeps
    out, so only the older one (13.0.1) can replace PyPI's pure 15.0.1."""
    build_wheel(pypi, "boundapp", "1.0", requires_dist=["boundlib>=11,<16"])
    build_wheel(pypi, "boundlib", "15.0.1")
    for tag in _cp_tags(
        ("android_24_arm64_v8a", "android_24_x86_64", *IOS_PLATFORMS, *DESKTOP_PLATFORMS)
    ):
        build_wheel(pypi, "markupsafe", "3.0.4", tag)
    build_wheel(pypi, "protobuf", "6.33.0", files={"google/protobuf/__init__.py": ""})
    build_wheel(
        pypi,
        "pyjwt",
        "2.10.1",
        requires_dist=['cryptography>=3.4; extra == "crypto"'],
        provides_extra=["crypto"],
        files={"jwt/__init__.py": ""},
    )
    for tag in _cp_tags(DESKTOP_PLATFORMS):
        build_wheel(pypi, "cryptography", "44.0.0", tag)
        build_wheel(pypi, "opencv-python", "4.11.0.86", tag, files={"cv2/__init__.py": ""})
    for tag in _cp_tags(MOBILE_PLATFORMS):
        build_wheel(flet, "markupsafe", "3.0.3", tag)
        build_wheel(flet, "protobuf", "5.29.3", tag, files={"google/protobuf/__init__.py": ""})
        build_wheel(flet, "cryptography", "43.0.3", tag)
        build_wheel(flet, "opencv-python", "4.11.0.86", tag, files={"cv2/__init__.py": ""})
        build_wheel(flet, "boundlib", "13.0.1", tag)
        build_wheel(flet, "boundlib", "16.0", tag)


def build_universe(root: Path) -> Universe:
    """Build (once per root) the `pypi/` and `flet/` folders and return where they are.

    A marker file makes a second call on the same root free, so a session fixture and
    any ad-hoc caller can share one build.
    """
    pypi_dir = root / "pypi"
    flet_dir = root / "flet"
    marker = root / ".universe-built"
    yanked = {wheel_filename("yankedpkg", "1.0.0"): "broken"}
    if not marker.exists():
        yanked = _build_pypi(pypi_dir)
        _build_flet(flet_dir)
        _build_issue8(pypi_dir, flet_dir)
        marker.write_text("ok\n")
    return Universe(root=root, pypi_dir=pypi_dir, flet_dir=flet_dir, yanked=yanked)
