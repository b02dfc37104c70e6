"""FL001 missing-phone-wheel: a package the build needs has no distribution for a target."""

from __future__ import annotations

from collections.abc import Iterator

from fletlint.linter.analysis import (
    Analysis,
    TargetResult,
    Verdict,
    conflict_name,
    location_of,
)
from fletlint.linter.findings import ChainLink, Finding, PackageSubject, Severity
from fletlint.linter.fixes import alternatives, flet_parts, marker, pin, target_arch
from fletlint.linter.resolve import Resolution
from fletlint.linter.rules.base import Rule
from fletlint.linter.rules.grouping import group_verdicts, verdict_finding
from fletlint.linter.rules.importing import findings_at_imports

DOCS = """\
## What it does
Finds the packages that fail a phone build: for a target (an Android ABI or an iOS slice), a
package whose release has no installable distribution there, and no release that the
requirements pulling it in allow has one either (pip's culprit). Each such package is judged
with the other failing packages held out, as if they installed: a package that only makes the
phone take an older release is FL002, even while another package fails the build. When the
project does not install on a desktop either (FL004), the package named is the one where the
phone's resolution stops, as pip's `No matching distribution found` names it.

The message names the package first, then what happens and which requirement holds it there:
`pydantic-core 2.41.5: no phone wheel in any release allowed; the build fails on all phones
(pydantic==2.12.5 pins pydantic-core==2.41.5)`. Targets are summarised (`all phones`,
`android`, `iOS simulators`); the finding's `targets` list them all. The finding is repeated at
each `import` of the app that pulls the package in, so an editor shows it where the app uses it.

## Why is this bad?
`flet build` runs `pip install --only-binary :all:` once per ABI. A package written in C, C++ or
Rust needs a wheel built for the phone's platform tag (`android_24_arm64_v8a`,
`ios_13_0_arm64_iphoneos`, ...). Without one, the build stops with
`No matching distribution found`, which names neither the package that pulled it in nor the fix.

## Example
```
pydantic==2.12.5        # pins pydantic-core==2.41.5, which has no phone wheel
```

## How to fix
The fixes are verified with the other failing packages held out, so each culprit gets its own,
and on a desktop too (no fix leaves requirements a desktop pip refuses):
- pin a release that has phone wheels (the package, or the parent that pins it);
- for `flet[all]`, keep `flet` on every platform and the extra on desktops only (its parts,
  flet-cli, flet-desktop and flet-web, never run on a phone), or drop the extra;
- limit `[tool.flet.android].target_arch` to the checked ABIs that have wheels (an ABI gap);
- a documented pure-Python alternative;
- last, keep the package off phones with a `platform_system` marker: never offered for `flet` or
  a package the app imports, since the app could then not start.
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
        if result.resolution.ok or result.resolution.gave_up or result.unconstrained.gave_up:
            continue
        if any(v.blocks_build for v in analysis.verdicts(result)):
            continue
        desktop = result.unconstrained
        if not desktop.ok and _named(result.resolution) <= _named(desktop):
            continue  # the phone stops where the desktop does: FL004 names it
        # Every package has phone wheels somewhere, yet not in a combination the phone accepts.
        yield _conflict_finding(analysis, result)


def _named(resolution: Resolution) -> set[str]:
    return {conflict_name(c.requirement) for c in resolution.conflicts}


def _conflict_finding(analysis: Analysis, result: TargetResult) -> Finding:
    conflicts = result.resolution.conflicts
    declared = next((c.declared for c in conflicts if c.declared is not None), None)
    asked = ", ".join(sorted({c.requirement for c in conflicts})) or "the declared requirements"
    return Finding(
        code="FL001",
        severity=Severity.ERROR,
        message=f"no combination of releases with wheels for {result.target.name} satisfies {asked}",
        location=location_of(declared),
        # The package the failing requirement names, as pip's "No matching distribution" does.
        package=conflict_name(conflicts[0].requirement) if conflicts else None,
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
