"""FL002 silent-downgrade: the phone build passes only by picking older releases."""

from __future__ import annotations

from collections.abc import Iterator

from packaging.utils import canonicalize_name

from fletlint.linter.analysis import Analysis, Blocker, TargetResult
from fletlint.linter.findings import Finding, Severity
from fletlint.linter.rules.base import Rule
from fletlint.linter.rules.grouping import blocker_finding, group_blockers

DOCS = """\
## What it does
Finds packages whose release on a phone differs from the one the same requirements give on a
desktop, because a package further down has no phone wheel for the newer release.

## Why is this bad?
pip (and uv) silently backtrack: when `pydantic-core` 2.41.5 has no Android wheel, they may
install `pydantic` 1.10 instead of 2.x. The build passes, and the phone runs other code than the
desktop: APIs differ, the app fails at run time, only on the device.

## Example
```
pydantic>=1.9,<3    # desktop: 2.12.5; android: 1.10.24
```

## How to fix
Pin the package (or the package deeper in the chain) to a release that has phone wheels, so both
resolutions agree, or accept the older release explicitly with an upper bound.
"""


def check(analysis: Analysis) -> Iterator[Finding]:
    passing = [r for r in analysis.results if r.unconstrained.ok and r.resolution.ok]
    for blocker, results in group_blockers(analysis, passing, lambda b: True):
        changes = _changes(blocker, results[0])
        if not changes:
            continue
        yield blocker_finding(
            analysis,
            "FL002",
            Severity.WARNING,
            blocker,
            results,
            f"on {{targets}} {changes} because {blocker.name} {blocker.version} has no phone wheel",
        )


def _changes(blocker: Blocker, result: TargetResult) -> str:
    """What the phone gets instead, along the chain: `pydantic 2.12.5 → 1.10.24, ...`."""
    parts = []
    for link in blocker.chain:
        desktop = result.unconstrained.packages.get(canonicalize_name(link.name))
        phone = result.resolution.packages.get(canonicalize_name(link.name))
        if desktop is None:
            continue
        if phone is None:
            parts.append(f"{link.name} {desktop.version} is left out")
        elif phone.version != desktop.version:
            parts.append(f"{link.name} resolves to {phone.version} instead of {desktop.version}")
    return ", ".join(parts)


RULE = Rule(
    code="FL002",
    name="silent-downgrade",
    severity=Severity.WARNING,
    summary="A phone build passes only by installing older releases than the desktop",
    docs=DOCS,
    check=check,
)
