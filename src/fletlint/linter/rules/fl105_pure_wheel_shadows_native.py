"""FL105 pure-wheel-shadows-native: a newer pure wheel wins over an older native build."""

from __future__ import annotations

from collections.abc import Iterator

from packaging.utils import NormalizedName
from packaging.version import Version

from fletlint.linter.analysis import Analysis, TargetResult, chain_links
from fletlint.linter.findings import Finding, Severity
from fletlint.linter.fixes import pin_release
from fletlint.linter.index.model import DistFile
from fletlint.linter.resolve import file_fits, release_file
from fletlint.linter.rules.base import Rule

DOCS = """\
## What it does
Finds packages for which a phone gets a pure-Python (`py3-none-any`) wheel although an index
(in practice Flet's, `https://pypi.flet.dev`) has a native build of the same project for that
phone, in an older release.

## Why is this bad?
pip takes the newest release with any compatible file, and a pure wheel is compatible with every
phone. Packages such as protobuf ship a pure-Python fallback next to their C extension: a bare
`protobuf` gets PyPI's newer pure wheel on every phone, and the app silently runs the fallback,
often far slower (flet-dev/mobile-forge's protobuf recipe warns about it). Nothing fails; the app
is just slow on the device.

## Example
```
protobuf        # phones: 6.33.0 py3-none-any (PyPI); pypi.flet.dev has native 5.29.3
```

## How to fix
Pin the release the native build is for (`protobuf==5.29.3`), if the app works with it.
"""


def native_releases(analysis: Analysis, name: str, result: TargetResult) -> set[Version]:
    """Releases with a platform-specific (not pure) wheel for this target."""
    return {
        f.version
        for f in analysis.listing(name).files
        if f.is_wheel and not f.is_pure and file_fits(f, result.env)
    }


def _pure_only(files: tuple[DistFile, ...]) -> bool:
    wheels = [f for f in files if f.is_wheel]
    return bool(wheels) and all(f.is_pure for f in wheels)


def _read_pin_ahead(
    analysis: Analysis, name: str, chosen: Version, results: list[TargetResult]
) -> None:
    """Start reading the metadata of the release the fix pins (`pin_release.native_versions`),
    as each phone and desktop will read it: its trials then find it read, rather than each
    waiting for its own (cold example: websockets and yarl, 0.08 s each, one after the other)."""
    if analysis.source is None:
        return
    pinned = pin_release.native_versions(analysis, name, results, chosen)
    if not pinned:
        return
    files = analysis.listing(name).files
    envs = {e.key: e for r in results for e in (r.env, r.unconstrained.env)}
    found = [release_file(files, pinned[0], env) for env in envs.values()]
    analysis.source.warm_metadata({f.url: f for f in found if f is not None}.values())


def check(analysis: Analysis) -> Iterator[Finding]:
    found: dict[NormalizedName, list[tuple[TargetResult, Version, Version]]] = {}
    for result in analysis.results:
        if not result.resolution.ok:
            continue
        for name, package in result.resolution.packages.items():
            if not _pure_only(package.files):
                continue
            older = [v for v in native_releases(analysis, name, result) if v < package.version]
            if older:
                found.setdefault(name, []).append((result, package.version, max(older)))
    for name, hits in sorted(found.items()):
        result, chosen, native = hits[0]
        path = result.resolution.chain_to(name)
        if path is None:
            continue
        declared, edges = path
        results = [hit[0] for hit in hits]
        _read_pin_ahead(analysis, name, chosen, results)
        yield Finding(
            code="FL105",
            severity=Severity.WARNING,
            message=(
                f"{name} {chosen} is a pure-Python wheel on {len(results)} phone target(s) "
                f"although {native} has a native build for them: the app silently runs the "
                "pure-Python fallback"
            ),
            location=declared.location,
            package=str(name),
            version=str(chosen),
            targets=tuple(r.target.name for r in results),
            chain=chain_links(result.resolution, edges),
            available=analysis.available_for(name, results),
        )


RULE = Rule(
    code="FL105",
    name="pure-wheel-shadows-native",
    severity=Severity.WARNING,
    summary="A phone gets a pure-Python wheel where an index has a native build",
    docs=DOCS,
    check=check,
    fixes=(pin_release.fixes,),
)
