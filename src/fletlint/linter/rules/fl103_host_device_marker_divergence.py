"""FL103 host-device-marker-divergence: a marker the build host and the phone answer differently."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name

from fletlint.linter.analysis import Analysis, TargetResult, chain_links, describe_targets
from fletlint.linter.findings import ChainLink, Finding, Location, Severity
from fletlint.linter.resolve import (
    Environment,
    Resolution,
    file_fits,
    marker_applies,
    preferred_file,
)
from fletlint.linter.rules.base import Rule

DOCS = """\
## What it does
Finds requirements whose environment marker on `sys_platform` or `platform_machine` is true on the
machine that runs `flet build` and false on the phone, or the other way round. It checks every
declared requirement and every dependency of the resolved graph against two build hosts:
Linux x86_64 (Android builds) and macOS arm64 (Android and iOS builds).

## Why is this bad?
`flet build` runs pip on the build host. Its `sitecustomize` makes `platform.system()` answer
`Android`/`iOS`, but `sys.platform` and `platform.machine()` still answer for the host, so pip
evaluates those markers for the wrong machine (Flet issue 4879). Two things can happen:
- the build installs a package the phone does not need, and fails when it has no phone wheel
  (SQLAlchemy's `greenlet; platform_machine == "x86_64" ...` on a Linux host, for 32-bit Android);
- the build skips a package the phone needs (`pyjnius; sys_platform == "android"`), and the app
  raises `ModuleNotFoundError` on the device.

## Example
```
sqlalchemy==2.0.44      # greenlet; platform_machine == "x86_64" or platform_machine == "aarch64"
pyjnius; sys_platform == "android"
```

## How to fix
Write phone conditions with `platform_system` (`platform_system == "Android"`), which flet build
does answer for the phone, or list platform-only dependencies under
`[tool.flet.android].dependencies` / `[tool.flet.ios].dependencies`. For a dependency of a
dependency, declare it yourself for the phones that need it, or keep the parent off phones.
"""

# (description, marker values) of the build hosts flet build runs on. iOS builds need macOS.
_HOSTS: tuple[tuple[str, dict[str, str], frozenset[str]], ...] = (
    (
        "Linux x86_64",
        {"sys_platform": "linux", "platform_machine": "x86_64"},
        frozenset({"android"}),
    ),
    (
        "macOS arm64",
        {"sys_platform": "darwin", "platform_machine": "arm64"},
        frozenset({"android", "ios"}),
    ),
)


@dataclass
class _Divergence:
    parent: NormalizedName | None
    child: NormalizedName
    marker: Marker
    installed_on_host: bool  # True: the build installs what the device does not need
    location: Location | None
    chain: tuple[ChainLink, ...]
    hosts: list[str]
    targets: list[str]
    no_wheel: list[str]


def _requirements(
    analysis: Analysis, result: TargetResult, graph: Resolution
) -> Iterator[tuple[NormalizedName | None, Requirement, Location | None, tuple[ChainLink, ...]]]:
    """(parent, requirement, where it is declared, chain to the parent) for every requirement
    that carries a marker: the declared ones, then each resolved package's dependencies."""
    platform = result.target.platform
    for declared in analysis.project.requirements:
        req = declared.requirement
        if req is None or req.marker is None or declared.uncheckable_reason:
            continue
        if declared.platform is not None and declared.platform != platform:
            continue
        yield None, req, declared.location, ()
    if analysis.archives is None:
        return
    for package in sorted(graph.packages.values(), key=lambda p: p.name):
        if not package.files:
            continue
        metadata = analysis.archives.metadata(preferred_file(package.files, graph.env))
        with_marker = [r for r in metadata.requires_dist if r.marker is not None]
        if not with_marker:
            continue
        path = graph.chain_to(package.name)
        if path is None:
            continue
        declared, edges = path
        for req in with_marker:
            yield package.name, req, declared.location, chain_links(graph, edges)


def _has_wheel(analysis: Analysis, name: str, req: Requirement, env: Environment) -> bool:
    return any(
        file_fits(f, env) and req.specifier.contains(f.version, prereleases=True)
        for f in analysis.listing(name).files
    )


def check(analysis: Analysis) -> Iterator[Finding]:
    found: dict[tuple[str | None, str, str, bool], _Divergence] = {}
    for result in analysis.results:
        # A failed graph has no packages to read, but the declared requirements still count:
        # `a~=1.0; sys_platform == "android"` fails on the phone and is skipped on the host.
        graph = result.resolution if result.resolution.ok else result.unconstrained
        device = result.env
        for parent, req, location, chain in _requirements(analysis, result, graph):
            child = canonicalize_name(req.name)
            on_device = marker_applies(req.marker, device)
            for host_name, values, platforms in _HOSTS:
                if result.target.platform not in platforms:
                    continue
                host = Environment(device.key, device.python, {**device.markers, **values})
                on_host = marker_applies(req.marker, host)
                if on_host == on_device:
                    continue
                if on_host and child in graph.packages:
                    continue  # the device needs it anyway, through another requirement
                assert req.marker is not None
                key = (parent, str(child), str(req.marker), on_host)
                item = found.setdefault(
                    key,
                    _Divergence(parent, child, req.marker, on_host, location, chain, [], [], []),
                )
                if host_name not in item.hosts:
                    item.hosts.append(host_name)
                if result.target.name not in item.targets:
                    item.targets.append(result.target.name)
                    if on_host and not _has_wheel(analysis, child, req, device):
                        item.no_wheel.append(result.target.name)
    for item in found.values():
        yield _finding(analysis, item)


def _finding(analysis: Analysis, item: _Divergence) -> Finding:
    where = describe_targets(item.targets, analysis.targets)
    hosts = " or ".join(item.hosts)
    via = f" ({item.parent} requires it)" if item.parent else ""
    if item.installed_on_host:
        message = (
            f"{item.child}{via}: `{item.marker}` is true on a {hosts} build host but false on "
            f"{where}: flet build installs {item.child}, which the device does not need"
        )
        if item.no_wheel:
            message += (
                f", and it has no wheel for {describe_targets(item.no_wheel, analysis.targets)}, "
                "so the build fails"
            )
        severity = Severity.ERROR if item.no_wheel else Severity.WARNING
    else:
        message = (
            f"{item.child}{via}: `{item.marker}` is false on a {hosts} build host but true on "
            f"{where}: flet build skips {item.child}, and the app raises ModuleNotFoundError on "
            "the device"
        )
        severity = Severity.ERROR
    link = ChainLink(item.child, f"{item.child}; {item.marker}")
    return Finding(
        code="FL103",
        severity=severity,
        message=message,
        location=item.location,
        package=item.child,
        targets=tuple(item.targets),
        chain=(*item.chain, link) if item.parent else (),
        notes=(
            "flet build answers sys_platform and platform_machine for the build host; only "
            "platform_system is answered for the phone",
        ),
    )


RULE = Rule(
    code="FL103",
    name="host-device-marker-divergence",
    severity=Severity.ERROR,
    summary="A sys_platform/platform_machine marker differs between the build host and the phone",
    docs=DOCS,
    check=check,
)
