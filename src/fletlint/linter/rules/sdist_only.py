"""FL003 sdist-only: a package the phone needs is published only as a source distribution."""

from __future__ import annotations

from collections.abc import Iterator

from fletlint.linter.analysis import Analysis, describe_targets, location_of
from fletlint.linter.findings import Finding, Severity
from fletlint.linter.rules.base import Rule
from fletlint.linter.rules.grouping import group_blockers

DOCS = """\
## What it does
Finds packages whose chosen release exists only as an sdist (`.tar.gz`), with no wheel at all.

## Why is this bad?
`flet build` installs with `--only-binary :all:`: it refuses every sdist unless the package is
listed in `[tool.flet].source_packages`, so the build stops with `No matching distribution found`.

## Example
```
onlysdist==1.0.0     # only onlysdist-1.0.0.tar.gz on the index
```

## How to fix
If the package is pure Python, add it to `source_packages` in `[tool.flet]` so it is built from
source. If it compiles native code, it needs a phone wheel: find an alternative.
"""


def check(analysis: Analysis) -> Iterator[Finding]:
    failing = [r for r in analysis.results if r.unconstrained.ok and not r.resolution.ok]
    for blocker, results in group_blockers(analysis, failing, lambda b: b.sdist_only):
        names = tuple(r.target.name for r in results)
        yield Finding(
            code="FL003",
            severity=Severity.ERROR,
            message=f"{blocker.name} {blocker.version} is published only as an sdist, which "
            f"flet build refuses for {describe_targets(names, analysis.targets)}",
            location=location_of(blocker.declared),
            package=blocker.name,
            version=str(blocker.version),
            targets=names,
            chain=blocker.chain,
            available=analysis.available_for(blocker.name, results),
            notes=("add it to [tool.flet].source_packages if it is pure Python",),
        )


RULE = Rule(
    code="FL003",
    name="sdist-only",
    severity=Severity.ERROR,
    summary="A dependency is published only as an sdist, which flet build refuses",
    docs=DOCS,
    check=check,
)
