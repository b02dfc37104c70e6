"""Folding per-target results into one finding per package, as people read them."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from fletlint.linter.analysis import (
    Analysis,
    Blocker,
    TargetResult,
    describe_targets,
    location_of,
)
from fletlint.linter.findings import Finding, Severity


def group_blockers(
    analysis: Analysis,
    results: Sequence[TargetResult],
    keep: Callable[[Blocker], bool],
) -> list[tuple[Blocker, list[TargetResult]]]:
    """Blockers that are the same package, release and declaration, with every target they block."""
    groups: dict[tuple[str, str, str], tuple[Blocker, list[TargetResult]]] = {}
    for result in results:
        for blocker in analysis.blockers(result):
            if not keep(blocker):
                continue
            key = (blocker.name, str(blocker.version), str(blocker.declared.location))
            groups.setdefault(key, (blocker, []))[1].append(result)
    return list(groups.values())


def blocker_finding(
    analysis: Analysis,
    code: str,
    severity: Severity,
    blocker: Blocker,
    results: Sequence[TargetResult],
    message: str,
    notes: tuple[str, ...] = (),
) -> Finding:
    """The finding about one blocker on these targets; `{targets}` in `message` names them."""
    names = tuple(r.target.name for r in results)
    return Finding(
        code=code,
        severity=severity,
        message=message.replace("{targets}", describe_targets(names, analysis.targets)),
        location=location_of(blocker.declared),
        package=blocker.name,
        version=str(blocker.version),
        targets=names,
        chain=blocker.chain,
        available=analysis.available_for(blocker.name, results),
        notes=notes,
    )
