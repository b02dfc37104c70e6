"""FL001 missing-phone-wheel: a package the build needs has no distribution for a target."""

from __future__ import annotations

from collections.abc import Iterator

from fletlint.linter.analysis import Analysis, TargetResult, Verdict, location_of
from fletlint.linter.findings import ChainLink, Finding, PackageSubject, Severity
from fletlint.linter.fixes import alternatives, flet_parts, marker, pin, target_arch
from fletlint.linter.rules.base import Rule
from fletlint.linter.rules.grouping import group_verdicts, verdict_finding
from fletlint.linter.rules.importing import findings_at_imports

DOCS = """\
## What it does
Finds each package of the dependency graph that has no wheel for a phone target (an Android ABI
or an iOS slice) on any configured index, when no other choice of releases avoids it.

The finding is repeated at each `import` of the app that pulls the package in, so an editor shows
it where the app uses it.

## Why is this bad?
`flet build` runs `pip install --only-binary :all:` once per ABI. A package written in C, C++ or
Rust needs a wheel built for the phone's platform tag (`android_24_arm64_v8a`,
`ios_13_0_arm64_iphoneos`, ...). Without one, the build stops with
`No matching distribution found`, which names neither the package that pulled it in nor the fix.

## Example
```
supabase==2.20.0        # → postgrest → pydantic → pydantic-core (Rust)
```

## How to fix
Pin a release that has phone wheels on a configured index (the finding lists them, e.g. from
`https://pypi.flet.dev`), use a pure-Python alternative, or keep the package off phones with an
environment marker such as `; sys_platform != "android" and sys_platform != "ios"`.
"""


def problem(subject: PackageSubject) -> str:
    return (
        f"no phone wheel in any release allowed; the build fails on {subject.where} "
        f"({subject.constraint})"
    )


def _culprit(verdict: Verdict) -> bool:
    return verdict.blocks_build and not verdict.blocker.sdist_only


def check(analysis: Analysis) -> Iterator[Finding]:
    for verdict, results in group_verdicts(analysis, _culprit):
        yield verdict_finding(analysis, "FL001", Severity.ERROR, verdict, results, problem)
    yield from findings_at_imports(analysis, "FL001", _culprit, problem)
    for result in analysis.results:
        if not result.unconstrained.ok or result.resolution.ok:
            continue
        if not any(v.blocks_build for v in analysis.verdicts(result)):
            # Every package has phone wheels somewhere, yet not in a combination the phone accepts.
            yield _conflict_finding(analysis, result)


def _conflict_finding(analysis: Analysis, result: TargetResult) -> Finding:
    conflicts = result.resolution.conflicts
    declared = next((c.declared for c in conflicts if c.declared is not None), None)
    asked = ", ".join(sorted({c.requirement for c in conflicts})) or "the declared requirements"
    return Finding(
        code="FL001",
        severity=Severity.ERROR,
        message=f"no combination of releases with wheels for {result.target.name} satisfies {asked}",
        location=location_of(declared),
        targets=(result.target.name,),
        chain=tuple(ChainLink(c.requirement.split(" ")[0], c.requirement) for c in conflicts[:1]),
    )


RULE = Rule(
    code="FL001",
    name="missing-phone-wheel",
    severity=Severity.ERROR,
    summary="A dependency has no installable distribution for a phone target",
    docs=DOCS,
    check=check,
    fixes=(flet_parts.fixes, pin.fixes, target_arch.fixes, alternatives.fixes, marker.fixes),
)
