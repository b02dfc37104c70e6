"""FL007 resolution-too-complex: the resolver ran out of budget, so the build's outcome is unknown."""

from __future__ import annotations

from collections.abc import Iterator

from packaging.utils import canonicalize_name

from fletlint.linter.analysis import Analysis, describe_targets
from fletlint.linter.findings import Finding, Location, Severity
from fletlint.linter.resolve import MAX_ROUNDS, Resolution
from fletlint.linter.rules.base import Rule

DOCS = f"""\
## What it does
Reports a target whose dependency resolution gave up: after {MAX_ROUNDS:,} rounds of
backtracking (pip's own budget) no answer was found either way. It names the packages the
resolver backtracked on most.

## Why is this bad?
fletlint cannot say whether `flet build` passes: pip, run with the same budget, gives up too
(`ResolutionTooDeep`) or needs as long to decide. No other finding is reported for that target
in its place: a resolution that was not finished proves no package missing.

## Example
```
langchain
openai
flet
```
with loose requirements whose newest releases conflict, so every older combination is tried.

## How to fix
Narrow the requirements of the packages it names (a lower bound such as `openai>=1.50`, or a
pin), so the resolver has fewer releases to walk back through, then check again.
"""


def check(analysis: Analysis) -> Iterator[Finding]:
    gave_up: dict[tuple[str, ...], list[tuple[str, Resolution]]] = {}
    for result in analysis.results:
        # The phone's resolution first: its outcome is what the build's is; one per target.
        for resolution in (result.resolution, result.unconstrained):
            if resolution.gave_up:
                gave_up.setdefault(resolution.backtracking, []).append(
                    (result.target.name, resolution)
                )
                break
    for backtracking, cases in gave_up.items():
        names = tuple(dict.fromkeys(name for name, _ in cases))
        budget = max(resolution.budget for _, resolution in cases)
        where = describe_targets(names, analysis.targets)
        on = ", ".join(backtracking) or "its requirements"
        yield Finding(
            code="FL007",
            severity=Severity.ERROR,
            message=(
                f"resolving for {where} gave up after {budget:,} rounds of backtracking on "
                f"{on}: whether the build passes is unknown"
            ),
            location=_anchor(analysis, backtracking),
            package=backtracking[0] if backtracking else None,
            targets=names,
            notes=tuple(backtracking),
        )


def _anchor(analysis: Analysis, backtracking: tuple[str, ...]) -> Location | None:
    """The declaration of the first package it backtracked on, else the first declaration."""
    declared = [d for d in analysis.project.requirements if d.requirement is not None]
    for name in backtracking:
        for item in declared:
            if item.requirement is not None and canonicalize_name(item.requirement.name) == name:
                return item.location
    return declared[0].location if declared else None


RULE = Rule(
    code="FL007",
    name="resolution-too-complex",
    severity=Severity.ERROR,
    summary="The resolver gave up, so whether the build passes is unknown",
    docs=DOCS,
    check=check,
)
