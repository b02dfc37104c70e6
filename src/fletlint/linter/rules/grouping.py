"""Folding per-target results into one finding per package, as people read them."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from fletlint.linter.analysis import Analysis, Blocker, TargetResult


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
