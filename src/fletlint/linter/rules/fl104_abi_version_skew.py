"""FL104 abi-version-skew: one package, different releases on different Android ABIs."""

from __future__ import annotations

from collections.abc import Iterator

from packaging.utils import NormalizedName
from packaging.version import Version

from fletlint.linter.analysis import Analysis, TargetResult, chain_links
from fletlint.linter.findings import Finding, Severity
from fletlint.linter.fixes import pin_release
from fletlint.linter.rules.base import Rule

DOCS = """\
## What it does
Finds packages that resolve to different releases on different Android ABIs, and packages that
exist on some ABIs but not on the primary one.

## Why is this bad?
`flet build` runs pip once per ABI, each resolution on its own. The APK then carries the *pure
Python files and dist-info of one ABI only*, the primary one (arm64-v8a, else x86_64, else
armeabi-v7a: the order of python-build's `android_abis`), next to each ABI's own native
libraries (serious_python_android's `build.gradle.kts`). When PyPI has a newer release for some
ABIs (markupsafe 3.0.4 has arm64_v8a and x86_64 wheels) and Flet's index an older one for the
others (3.0.3 for armeabi_v7a), a 32-bit phone runs 3.0.4's Python code against 3.0.3's
extension module: import errors, missing symbols or wrong results, on that ABI only, after a green
build. A module that only a non-primary ABI installs gets no `.soref` and cannot be imported.

## Example
```
markupsafe      # arm64_v8a, x86_64: 3.0.4 (PyPI); armeabi_v7a: 3.0.3 (pypi.flet.dev)
```

## How to fix
Pin the release every ABI has a wheel for (`markupsafe==3.0.3`), or build for fewer ABIs
(`[tool.flet.android].target_arch`).
"""

# python-build's `android_abis` order: the first one built is the primary ABI.
PRIMARY_ORDER = ("arm64_v8a", "x86_64", "armeabi_v7a")


def primary(results: list[TargetResult]) -> TargetResult | None:
    for abi in PRIMARY_ORDER:
        for result in results:
            if result.target.abi == abi:
                return result
    return None


def check(analysis: Analysis) -> Iterator[Finding]:
    android = [r for r in analysis.results if r.target.platform == "android" and r.resolution.ok]
    first = primary(android)
    if first is None or len(android) < 2:
        return
    names: set[NormalizedName] = set()
    for result in android:
        names.update(result.resolution.packages)
    for name in sorted(names):
        versions: dict[str, Version | None] = {}
        for result in android:
            package = result.resolution.packages.get(name)
            versions[result.target.abi] = package.version if package else None
        if len(set(versions.values())) < 2:
            continue
        main = versions[first.target.abi]
        skewed = [r for r in android if versions[r.target.abi] != main]
        holder = first if main is not None else skewed[0]
        path = holder.resolution.chain_to(name)
        if path is None:
            continue
        declared, edges = path
        others = ", ".join(
            f"{versions[r.target.abi] or 'nothing'} on {r.target.abi}" for r in skewed
        )
        if main is None:
            message = (
                f"{name} is installed on {', '.join(r.target.abi for r in skewed)} only, not on "
                f"{first.target.abi} (the primary ABI, whose Python files the APK ships): it "
                "cannot be imported on any phone"
            )
        else:
            message = (
                f"{name} resolves to {main} on {first.target.abi} (the primary ABI, whose Python "
                f"files the APK ships) but to {others}: those phones run {main}'s Python code "
                "against another release's native libraries"
            )
        yield Finding(
            code="FL104",
            severity=Severity.ERROR,
            message=message,
            location=declared.location,
            package=str(name),
            version=str(main) if main else None,
            targets=tuple(r.target.name for r in android),
            chain=chain_links(holder.resolution, edges),
            available=analysis.available_for(name, android),
        )


RULE = Rule(
    code="FL104",
    name="abi-version-skew",
    severity=Severity.ERROR,
    summary="A package resolves to different releases on different Android ABIs",
    docs=DOCS,
    check=check,
    fixes=(pin_release.fixes,),
)
