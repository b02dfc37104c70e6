"""What the import rules share: which package provides an import, per target, and how a guard
lowers a severity."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Mapping

from packaging.utils import NormalizedName

from fletlint.linter.analysis import Analysis, Blocker, TargetResult, Verdict
from fletlint.linter.findings import ChainLink, Finding, PackageSubject, Severity
from fletlint.linter.modules import ModuleIndex
from fletlint.linter.resolve import Edge, Resolution, ResolvedPackage
from fletlint.linter.sources.imports import ImportedModule
from fletlint.linter.stdlib import is_stdlib_anywhere

_LOWER = {Severity.ERROR: Severity.WARNING, Severity.WARNING: Severity.INFO}


def lowered(severity: Severity, imported: ImportedModule) -> Severity:
    """A guarded import is expected to fail somewhere: one level lower (info stays info)."""
    return _LOWER.get(severity, Severity.INFO) if imported.guarded else severity


def guard_note(imported: ImportedModule) -> tuple[str, ...]:
    if not imported.guarded:
        return ()
    return (f"guarded ({imported.guard}), so reported one level lower",)


def module_index(analysis: Analysis) -> ModuleIndex:
    return analysis.module_index()


def third_party_imports(analysis: Analysis) -> Iterator[ImportedModule]:
    """Imports that must come from an installed distribution: not the app's own modules,
    not the standard library of any Python (FL102 judges those)."""
    local = analysis.imports.local_modules
    for imported in analysis.imports.imports:
        if imported.top in local or is_stdlib_anywhere(imported.module):
            continue
        yield imported


def installed(result: TargetResult) -> Mapping[NormalizedName, ResolvedPackage] | None:
    """What the project installs on this target, as far as fletlint can know: the phone graph
    and the unconstrained one (a blocked package is still declared). None when neither resolved."""
    graphs = [g for g in (result.resolution, result.unconstrained) if g.ok]
    if not graphs:
        return None
    merged: dict[NormalizedName, ResolvedPackage] = {}
    for graph in reversed(graphs):
        merged.update(graph.packages)
    return merged


def _path_from(graph: Resolution, start: NormalizedName, goal: NormalizedName) -> list[Edge] | None:
    """The shortest path of edges from `start` to `goal` (empty when they are the same)."""
    if start == goal:
        return []
    children: dict[NormalizedName | None, list[Edge]] = {}
    for edge in graph.edges:
        children.setdefault(edge.parent, []).append(edge)
    queue: deque[tuple[NormalizedName, list[Edge]]] = deque([(start, [])])
    seen = {start}
    while queue:
        name, path = queue.popleft()
        for edge in children.get(name, []):
            if edge.child in seen:
                continue
            if edge.child == goal:
                return [*path, edge]
            seen.add(edge.child)
            queue.append((edge.child, [*path, edge]))
    return None


def findings_at_imports(
    analysis: Analysis,
    code: str,
    keep: Callable[[Verdict], bool],
    problem: Callable[[PackageSubject], str],
    notes: Callable[[Blocker], tuple[str, ...]] = lambda b: (),
) -> Iterator[Finding]:
    """The culprits of a core rule again, located at each import that pulls them in: an editor
    shows the failing package where the app uses it, not only in requirements.txt.

    `problem` says what happens to the package, as the rule's own finding says it.
    """
    failing = [r for r in analysis.results if r.unconstrained.ok and not r.resolution.ok]
    if not failing or not analysis.imports.imports:
        return
    index = module_index(analysis)
    groups: dict[
        tuple[str, str, str], tuple[ImportedModule, Verdict, list[ChainLink], list[TargetResult]]
    ] = {}
    for imported in third_party_imports(analysis):
        for result in failing:
            graph = result.unconstrained
            verdicts = [v for v in analysis.verdicts(result) if keep(v)]
            if not verdicts:
                continue
            for provider in index.providers(imported.module, graph.packages):
                for verdict in verdicts:
                    blocker = verdict.blocker
                    path = _path_from(graph, provider, blocker.name)
                    if path is None:
                        continue
                    key = (str(imported.location), blocker.name, str(blocker.version))
                    if key not in groups:
                        picked = graph.packages[provider]
                        links = [
                            ChainLink(provider, f"import {imported.module}", str(picked.version))
                        ]
                        for edge in path:
                            child = graph.packages.get(edge.child)
                            links.append(
                                ChainLink(
                                    edge.child, edge.text, str(child.version) if child else None
                                )
                            )
                        groups[key] = (imported, verdict, links, [])
                    if result not in groups[key][3]:
                        groups[key][3].append(result)
    for imported, verdict, links, results in groups.values():
        blocker = verdict.blocker
        names = tuple(r.target.name for r in results)
        subject = analysis.subject(verdict, names)
        yield Finding(
            code=code,
            severity=lowered(Severity.ERROR, imported),
            message=(
                f"{blocker.name} {blocker.version} (for import {imported.module}): "
                f"{problem(subject)}"
            ),
            location=imported.location,
            package=blocker.name,
            version=str(blocker.version),
            targets=names,
            chain=tuple(links),
            available=analysis.available_for(blocker.name, results),
            notes=(*notes(blocker), *guard_note(imported)),
            subject=subject,
        )
