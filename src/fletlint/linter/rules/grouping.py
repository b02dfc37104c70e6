"""Folding per-target verdicts into one finding per package, as people read them."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from fletlint.linter.analysis import Analysis, TargetResult, Verdict, location_of
from fletlint.linter.findings import Finding, PackageSubject, Severity, VersionChange

# What a rule says about a package after `name version: `.
Problem = Callable[[PackageSubject], str]


def group_verdicts(
    analysis: Analysis, keep: Callable[[Verdict], bool]
) -> list[tuple[Verdict, list[TargetResult]]]:
    """Verdicts that say the same about the same package, release and declaration, with every
    target they hold on."""
    groups: dict[tuple[object, ...], tuple[Verdict, list[TargetResult]]] = {}
    for result in analysis.results:
        for verdict in analysis.verdicts(result):
            if not keep(verdict):
                continue
            blocker = verdict.blocker
            key = (
                blocker.name,
                str(blocker.version),
                str(blocker.declared.location),
                verdict.blocks_build,
                verdict.phone_gets(),
            )
            groups.setdefault(key, (verdict, []))[1].append(result)
    return list(groups.values())


def verdict_finding(
    analysis: Analysis,
    code: str,
    severity: Severity,
    verdict: Verdict,
    results: Sequence[TargetResult],
    problem: Problem,
    notes: tuple[str, ...] = (),
) -> Finding:
    """The finding about one blocker on these targets, at the declaration that pulls it in."""
    names = tuple(r.target.name for r in results)
    subject = analysis.subject(verdict, names)
    blocker = verdict.blocker
    return Finding(
        code=code,
        severity=severity,
        message=f"{blocker.name} {blocker.version}: {problem(subject)}",
        location=location_of(blocker.declared),
        package=blocker.name,
        version=str(blocker.version),
        targets=names,
        chain=blocker.chain,
        available=analysis.available_for(blocker.name, results),
        notes=notes,
        subject=subject,
    )


def on_where(subject: PackageSubject) -> str:
    """`` for every phone, ` on android` for some."""
    return "" if subject.where == "all phones" else f" on {subject.where}"


def phone_gets_words(changes: Sequence[VersionChange]) -> str:
    """`pydantic 1.10.24 instead of 2.12.5 and no pydantic-core`."""
    present = [str(c) for c in changes if c.phone is not None]
    absent = [f"no {c.name}" for c in changes if c.phone is None]
    return " and ".join(x for x in (", ".join(present), ", ".join(absent)) if x)
