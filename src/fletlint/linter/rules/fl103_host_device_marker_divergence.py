"""FL103 host-device-marker-divergence: a marker the build host and the phone answer differently."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

from fletlint.linter.analysis import (
    Analysis,
    TargetResult,
    chain_links,
    describe_targets,
)
from fletlint.linter.findings import (
    ChainLink,
    Finding,
    Location,
    MarkerDivergence,
    PackageSubject,
    Severity,
)
from fletlint.linter.index.model import DistFile
from fletlint.linter.resolve import (
    Environment,
    Resolution,
    file_fits,
    marker_applies,
    preferred_file,
    roots_for,
)
from fletlint.linter.rules.base import Rule

DOCS = """\
## What it does
Finds requirements whose environment marker on `sys_platform` or `platform_machine` is true on the
machine that runs `flet build` and false on the phone, or the other way round. It checks every
declared requirement and every dependency of the resolved graph against two build hosts:
Linux x86_64 (Android builds) and macOS arm64 (Android and iOS builds).

Markers further away change the build too: a requirement under an extra (`inputkit[hotkeys]`
pulling `evdev; sys_platform == "linux" and extra == "hotkeys"`), one of a release only the
host's resolution picks, one of the releases a failed phone resolution walked through. When a
marker fletlint read answers otherwise on a build host, it resolves once more as pip on that host
would (the host's `sys_platform` and `platform_machine`, the phone's `platform_system`, the
bundled Python), and where the build's verdict or releases differ from the phone's, it names the
requirement (release, `Requires-Dist` line, marker) and the chain to it. `python_version` and
`python_full_version` never differ: flet build's host CPython is the bundled version.

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
inputkit[hotkeys]       # evdev; sys_platform == "linux" and extra == "hotkeys": sdist only
```

## How to fix
Write phone conditions with `platform_system` (`platform_system == "Android"`), which flet build
does answer for the phone, or list platform-only dependencies under
`[tool.flet.android].dependencies` / `[tool.flet.ios].dependencies`. For a dependency of a
dependency, declare it yourself for the phones that need it, drop the extra that pulls it, or
keep the parent off phones.
"""

# (description, marker values) of the build hosts flet build runs on. iOS builds need macOS.
BUILD_HOSTS: tuple[tuple[str, dict[str, str], frozenset[str]], ...] = (
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
    requirement: str  # as the parent (or the project) states it, marker included
    parent_version: str | None
    version: str  # the device's release, where it needs the package; "" where unknown


def _requirements(
    analysis: Analysis, result: TargetResult, graph: Resolution
) -> Iterator[tuple[NormalizedName | None, Requirement, Location | None, tuple[ChainLink, ...]]]:
    """(parent, requirement, where it is declared, chain to the parent) for every requirement
    that carries a marker: the declared ones, then each resolved package's dependencies."""
    platform = result.target.platform
    for own in _declared_requirements(analysis, platform):
        yield None, own.requirement, own.location, ()
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
            for host_name, values, platforms in BUILD_HOSTS:
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
                item = found.get(key)
                if item is None:
                    item = found[key] = _Divergence(
                        parent,
                        child,
                        req.marker,
                        on_host,
                        location,
                        chain,
                        [],
                        [],
                        [],
                        str(req),
                        _version(graph, parent),
                        "" if on_host else _version(graph, child) or "",
                    )
                if host_name not in item.hosts:
                    item.hosts.append(host_name)
                if result.target.name not in item.targets:
                    item.targets.append(result.target.name)
                    if on_host and not _has_wheel(analysis, child, req, device):
                        item.no_wheel.append(result.target.name)
    for item in found.values():
        yield _finding(analysis, item)
    yield from _build_divergences(analysis, found)


def _version(graph: Resolution, name: NormalizedName | None) -> str | None:
    picked = graph.packages.get(name) if name is not None else None
    return str(picked.version) if picked is not None else None


def _subject(
    analysis: Analysis,
    *,
    name: NormalizedName,
    version: str,
    requirement: str,
    marker: Marker,
    parent: NormalizedName | None,
    parent_version: str | None,
    hosts: Sequence[str],
    host_installs: bool,
    fails_build: bool,
    targets: Sequence[str],
) -> PackageSubject:
    """The finding's typed subject: the package, the requirement with the marker that differs,
    and who states it (the project, or a release of another package)."""
    who = f"{parent} {parent_version}" if parent and parent_version else parent or "the project"
    return PackageSubject(
        name=name,
        version=version,
        constraint=f"{who} requires `{requirement}`",
        constraint_parent=parent,
        blocks_build=fails_build,
        where=describe_targets(targets, analysis.targets),
        marker=MarkerDivergence(str(marker), requirement, tuple(hosts), host_installs),
    )


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
        subject=_subject(
            analysis,
            name=item.child,
            version=item.version,
            requirement=item.requirement,
            marker=item.marker,
            parent=item.parent,
            parent_version=item.parent_version,
            hosts=item.hosts,
            host_installs=item.installed_on_host,
            fails_build=bool(item.installed_on_host and item.no_wheel),
            targets=item.targets,
        ),
    )


# --- what the build itself installs on the host: a second resolution with the host's answers ----
#
# The checks above read the markers of the declared requirements and of the phone's graph.
# Markers elsewhere change the build too: under an extra the graph asks for, in a release only
# the host's resolution picks, in the releases a failed resolution walked through. For those,
# FL103 resolves once more with the host's answers (sys_platform, platform_machine; the rest,
# python_version included, as on the phone: flet build's host CPython is the bundled version)
# and compares. Only when some marker it read answers differently on that host: most checks
# read none, and pay nothing.

# How many of the newest fitting releases of a project a failed resolution named in a conflict
# are read for markers (the resolver reads that many ahead when it walks back through them).
_CONFLICT_RELEASES = 8


@dataclass(frozen=True)
class _Marked:
    """A requirement with a marker, as a release (or the project itself) states it."""

    parent: NormalizedName | None  # None: the project's own requirement
    parent_version: str | None
    requirement: Requirement
    extras: frozenset[str]  # the parent's extras a graph asks for: their requirements count
    location: Location | None = None  # the project's own requirements

    def applies(self, env: Environment) -> bool:
        marker = self.requirement.marker
        return any(marker_applies(marker, env, extra) for extra in ("", *sorted(self.extras)))

    @property
    def child(self) -> NormalizedName:
        return canonicalize_name(self.requirement.name)


@dataclass
class _BuildDivergence:
    cause: _Marked
    on_host: bool
    outcome: str
    breaks: bool
    location: Location | None
    chain: tuple[ChainLink, ...]
    hosts: list[str]
    targets: list[str]
    fails_build: bool  # the host's resolution fails: flet build stops there
    version: str  # the release the side that asks for the package takes; "" where none


def _requested_extras(graph: Resolution) -> dict[NormalizedName, frozenset[str]]:
    """The extras each package of the graph is asked for (`b[fast]` → b: {fast})."""
    found: dict[NormalizedName, set[str]] = {}
    for edge in graph.edges:
        try:
            extras = Requirement(edge.text).extras
        except InvalidRequirement:
            continue
        if extras:
            found.setdefault(edge.child, set()).update(canonicalize_name(e) for e in extras)
    return {name: frozenset(extras) for name, extras in found.items()}


def _release_requirements(
    analysis: Analysis,
    name: NormalizedName,
    version: str,
    files: Sequence[DistFile],
    env: Environment,
    extras: frozenset[str] | None,
) -> list[_Marked]:
    """The marked requirements of one release; `extras` None: every extra it provides."""
    if analysis.archives is None or not files:
        return []
    metadata = analysis.archives.metadata(preferred_file(files, env))
    if extras is None:
        extras = frozenset(canonicalize_name(e) for e in metadata.provides_extra)
    return [_Marked(name, version, r, extras) for r in metadata.requires_dist if r.marker]


def _graph_requirements(analysis: Analysis, graph: Resolution) -> list[_Marked]:
    """The marked requirements of every release in a graph, with the extras it asks for."""
    extras = _requested_extras(graph)
    found: list[_Marked] = []
    for package in sorted(graph.packages.values(), key=lambda p: p.name):
        found += _release_requirements(
            analysis,
            package.name,
            str(package.version),
            package.files,
            graph.env,
            extras.get(package.name, frozenset()),
        )
    return found


def _walked_requirements(analysis: Analysis, graph: Resolution) -> list[_Marked]:
    """For a failed resolution, which leaves no graph: the marked requirements of the releases
    it most likely read (the newest fitting release of each project it consulted, and the
    newest few of each project its conflicts name as a parent), every extra counted."""
    if graph.ok:
        return []
    newest: dict[NormalizedName, int] = dict.fromkeys(graph.consulted, 1)
    for conflict in graph.conflicts:
        if conflict.parent is not None:
            newest[conflict.parent] = _CONFLICT_RELEASES
    found: list[_Marked] = []
    for name, count in sorted(newest.items()):
        by_version: dict[Version, list[DistFile]] = {}
        for file in analysis.listing(name).files:
            if file_fits(file, graph.env):
                by_version.setdefault(file.version, []).append(file)
        for version in sorted(by_version, reverse=True)[:count]:
            found += _release_requirements(
                analysis, name, str(version), by_version[version], graph.env, None
            )
    return found


def _declared_requirements(analysis: Analysis, platform: str) -> list[_Marked]:
    found = []
    for declared in analysis.project.requirements:
        req = declared.requirement
        if req is None or req.marker is None or declared.uncheckable_reason:
            continue
        if declared.platform is not None and declared.platform != platform:
            continue
        found.append(_Marked(None, None, req, frozenset(), declared.location))
    return found


def _diverging(
    requirements: Iterable[_Marked], device: Environment, host: Environment
) -> list[tuple[_Marked, bool]]:
    """(requirement, whether the host is the side that asks for it), for each one the two
    environments answer differently; each requirement once."""
    found: dict[tuple[object, ...], tuple[_Marked, bool]] = {}
    for item in requirements:
        on_host = item.applies(host)
        if on_host != item.applies(device):
            key = (item.parent, item.parent_version, str(item.requirement), item.extras)
            found.setdefault(key, (item, on_host))
    return list(found.values())


def _versions(graph: Resolution) -> dict[NormalizedName, str]:
    return {name: str(p.version) for name, p in sorted(graph.packages.items())}


def _build_differs(phone: Resolution, host: Resolution) -> bool:
    if phone.gave_up or host.gave_up:
        return False  # an unknown outcome on either side (FL007 says so)
    if phone.ok != host.ok:
        return True
    return phone.ok and _versions(phone) != _versions(host)


def _matters(item: _Marked, on_host: bool, phone: Resolution, host: Resolution) -> bool:
    """Whether the side whose marker says no ends up without what the other side asks for."""
    other = phone if on_host else host
    if not other.ok:
        return True
    picked = other.packages.get(item.child)
    if picked is None or not item.requirement.specifier.contains(picked.version, True):
        return True
    wanted = {canonicalize_name(e) for e in item.requirement.extras}
    return not wanted <= _requested_extras(other).get(item.child, frozenset())


def _taken(item: _Marked, graph: Resolution) -> bool:
    """Whether the graph holds the release whose requirement this is (or it is declared)."""
    if item.parent is None:
        return True
    picked = graph.packages.get(item.parent)
    return picked is not None and str(picked.version) == item.parent_version


def _relevant(
    causes: list[tuple[_Marked, bool]], phone: Resolution, host: Resolution
) -> list[tuple[_Marked, bool]]:
    """The requirements that explain the difference: the side that asks gets what the other
    lacks, from a release one of the two builds takes; failing that, any that matter; failing
    that, every one that answers differently."""
    matter = [(c, h) for c, h in causes if _matters(c, h, phone, host)]
    taken = [(c, h) for c, h in matter if _taken(c, host) or _taken(c, phone)]
    return taken or matter or causes


def _outcome(phone: Resolution, host: Resolution) -> tuple[str, bool]:
    """What the build does on the host, said against what the phone needs; whether it breaks
    the build or the app."""
    if not host.ok:
        failing = ", ".join(
            f"{c.requirement} (from {c.parent})" if c.parent else c.requirement
            for c in host.conflicts[:3]
        )
        return (
            f"fails there (nothing satisfies {failing}), while the phone's requirements install",
            True,
        )
    installs, needs = _versions(host), _versions(phone)
    listing = ", ".join(f"{n} {v}" for n, v in installs.items()) or "nothing"
    if not phone.ok:
        return (
            f"passes there, installing {listing}, while the phone's requirements do not install",
            True,
        )
    parts = []
    for name, version in installs.items():
        if name not in needs:
            parts.append(f"installs {name} {version}, which the device does not need")
        elif needs[name] != version:
            parts.append(
                f"installs {name} {version} where the phone resolution takes {needs[name]}"
            )
    missing = [n for n in needs if n not in installs]
    parts += [f"leaves out {n}, which the device needs" for n in missing]
    return "; ".join(parts), bool(missing)


def _located(
    item: _Marked, child_version: str | None, graphs: Sequence[Resolution]
) -> tuple[Location | None, tuple[ChainLink, ...]]:
    """Where the requirement comes from: the declared line, and the chain to its parent."""
    if item.parent is None:
        return item.location, ()
    link = ChainLink(item.child, str(item.requirement), child_version)
    for graph in graphs:
        if _taken(item, graph):
            path = graph.chain_to(item.parent)
            if path is not None:
                declared, edges = path
                return declared.location, (*chain_links(graph, edges), link)
    release = f"{item.parent}=={item.parent_version}"
    return None, (ChainLink(item.parent, release, item.parent_version), link)


def _build_divergences(
    analysis: Analysis, direct: Mapping[tuple[str | None, str, str, bool], _Divergence]
) -> Iterator[Finding]:
    found: dict[tuple[object, ...], _BuildDivergence] = {}
    read: dict[int, list[_Marked]] = {}  # by graph: a desktop graph serves several targets

    def marked(graph: Resolution) -> list[_Marked]:
        if id(graph) not in read:
            read[id(graph)] = _graph_requirements(analysis, graph) + _walked_requirements(
                analysis, graph
            )
        return read[id(graph)]

    for result in analysis.results:
        platform = result.target.platform
        device, phone = result.env, result.resolution
        declared = _declared_requirements(analysis, platform)
        for host_name, values, platforms in BUILD_HOSTS:
            if platform not in platforms:
                continue
            host_env = dataclasses.replace(
                device,
                key=f"{device.key}@{host_name.lower().replace(' ', '-')}-host",
                markers={**device.markers, **values},
            )
            # The cheap test: a marker read so far that this host answers otherwise.
            seen = [*declared, *marked(phone), *marked(result.unconstrained)]
            if not _diverging(seen, device, host_env):
                continue
            host = analysis.resolve(
                host_env, roots_for(analysis.project.requirements, host_env, platform)
            )
            if host is None or not _build_differs(phone, host):
                continue
            causes = _diverging([*seen, *_graph_requirements(analysis, host)], device, host_env)
            relevant = _relevant(causes, phone, host)
            outcome, breaks = _outcome(phone, host)
            for cause, on_host in relevant:
                key_direct = (
                    cause.parent,
                    str(cause.child),
                    str(cause.requirement.marker),
                    on_host,
                )
                known = direct.get(key_direct)
                if known and result.target.name in known.targets and host_name in known.hosts:
                    continue  # said already, without resolving
                key = (cause.parent, cause.parent_version, str(cause.requirement), on_host, outcome)
                item = found.get(key)
                if item is None:
                    picked = (host if on_host else phone).packages.get(cause.child)
                    location, chain = _located(
                        cause,
                        str(picked.version) if picked else None,
                        (host, phone, result.unconstrained),
                    )
                    item = found[key] = _BuildDivergence(
                        cause,
                        on_host,
                        outcome,
                        breaks,
                        location,
                        chain,
                        [],
                        [],
                        not host.ok,
                        str(picked.version) if picked else "",
                    )
                if host_name not in item.hosts:
                    item.hosts.append(host_name)
                if result.target.name not in item.targets:
                    item.targets.append(result.target.name)
    for item in found.values():
        yield _build_finding(analysis, item)


def _build_finding(analysis: Analysis, item: _BuildDivergence) -> Finding:
    cause = item.cause
    marker = cause.requirement.marker
    assert marker is not None  # only requirements with a marker are read (_Marked)
    who = f"{cause.parent} {cause.parent_version}" if cause.parent else "the project"
    answers = ("true", "false") if item.on_host else ("false", "true")
    message = (
        f"{cause.child} ({who} requires `{cause.requirement}`): the marker is {answers[0]} on a "
        f"{' or '.join(item.hosts)} build host but {answers[1]} on "
        f"{describe_targets(item.targets, analysis.targets)}, so flet build {item.outcome}"
    )
    return Finding(
        code="FL103",
        severity=Severity.ERROR if item.breaks else Severity.WARNING,
        message=message,
        location=item.location,
        package=cause.child,
        targets=tuple(item.targets),
        chain=item.chain,
        notes=(
            "flet build answers sys_platform and platform_machine for the build host; only "
            "platform_system is answered for the phone. Found by resolving again with the "
            "host's answers",
        ),
        subject=_subject(
            analysis,
            name=cause.child,
            version=item.version,
            requirement=str(cause.requirement),
            marker=marker,
            parent=cause.parent,
            parent_version=cause.parent_version,
            hosts=item.hosts,
            host_installs=item.on_host,
            fails_build=item.fails_build,
            targets=item.targets,
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
