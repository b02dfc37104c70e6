"""FL004 no-matching-release: a requirement no release on any index satisfies."""

from __future__ import annotations

from collections.abc import Iterator

from packaging.requirements import InvalidRequirement, Requirement

from fletlint.linter.analysis import Analysis, location_of
from fletlint.linter.findings import ChainLink, Finding, Severity
from fletlint.linter.rules.base import Rule

DOCS = """\
## What it does
Finds requirements that no release on any configured index satisfies, on any platform: a typo in
a name, a version that was never published, or requirements that contradict each other.

## Why is this bad?
Neither the desktop nor the phone build can install the project; the other checks cannot say
anything about the part of the graph behind it.

## Example
```
pydantic>=99
```

## How to fix
Correct the name or the version range; check that the index that hosts the package is configured.
"""


def check(analysis: Analysis) -> Iterator[Finding]:
    seen: dict[tuple[str, str], list[str]] = {}
    found: dict[tuple[str, str], Finding] = {}
    for result in analysis.results:
        if result.unconstrained.ok:
            continue
        for conflict in result.unconstrained.conflicts:
            key = (conflict.requirement, str(location_of(conflict.declared)))
            seen.setdefault(key, []).append(result.target.name)
            if key in found:
                continue
            found[key] = Finding(
                code="FL004",
                severity=Severity.ERROR,
                message=_message(analysis, conflict.requirement),
                location=location_of(conflict.declared),
                package=_name(conflict.requirement),
                chain=(ChainLink(_name(conflict.requirement) or "", conflict.requirement),),
            )
    for key, finding in found.items():
        yield Finding(**{**finding.__dict__, "targets": tuple(seen[key])})


def _name(text: str) -> str | None:
    try:
        return Requirement(text).name
    except InvalidRequirement:
        return None


def _message(analysis: Analysis, text: str) -> str:
    try:
        req = Requirement(text)
    except InvalidRequirement:
        return f"no release on any configured index satisfies {text}"
    releases = sorted({f.version for f in analysis.listing(req.name).files if not f.yanked})
    if not releases:
        return f"no project named {req.name!r} on any configured index"
    if not any(req.specifier.contains(v, prereleases=True) for v in releases):
        return f"no release of {req.name} satisfies {req.specifier} (newest: {releases[-1]})"
    return (
        f"no release on any configured index satisfies {text} together with the other requirements"
    )


RULE = Rule(
    code="FL004",
    name="no-matching-release",
    severity=Severity.ERROR,
    summary="A requirement matches no release on any index",
    docs=DOCS,
    check=check,
)
