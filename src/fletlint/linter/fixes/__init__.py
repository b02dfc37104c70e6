"""Fixes: plain data (title, text edits, applicability) attached to findings after the rules.

One module per kind of fix; `attach_fixes` asks each in turn, most specific first, so the first
fix of a finding is the one `--fix` applies. `apply` turns chosen fixes into new file texts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence

from fletlint.linter.analysis import Analysis
from fletlint.linter.findings import Finding, Fix
from fletlint.linter.fixes import (
    align,
    alternatives,
    marker,
    pin,
    source_packages,
    target_arch,
)
from fletlint.linter.fixes.context import AlternativeEntry, FixContext
from fletlint.linter.fixes.declare import declare_dependency_fix
from fletlint.linter.fixes.text import Texts

Builder = Callable[[FixContext, Finding], Iterator[Fix]]

# Safe and precise first; the marker (which drops the package from phones) last.
BUILDERS: tuple[Builder, ...] = (
    pin.fixes,
    source_packages.fixes,
    target_arch.fixes,
    alternatives.fixes,
    align.fixes,
    marker.fixes,
)


def _declare(ctx: FixContext, finding: Finding) -> Iterator[Fix]:
    if finding.code == "FL101" and finding.package:
        fix = declare_dependency_fix(ctx.analysis.project, finding.package, texts=ctx.texts)
        if fix is not None:
            yield fix


def attach_fixes(
    analysis: Analysis,
    findings: Sequence[Finding],
    *,
    texts: Texts | None = None,
    alternatives: Sequence[AlternativeEntry] = (),
) -> list[Finding]:
    """The findings, each with the fixes that apply to it (safe ones first)."""
    ctx = FixContext(analysis, texts, tuple(alternatives))
    result = []
    for finding in findings:
        found: list[Fix] = list(finding.fixes)
        for builder in (*BUILDERS, _declare):
            for fix in builder(ctx, finding):
                if fix not in found:
                    found.append(fix)
        # Stable: among equally safe fixes the builders' order (most specific first) stays.
        found.sort(key=lambda f: f.applicability.value != "safe")
        result.append(dataclasses.replace(finding, fixes=tuple(found)) if found else finding)
    return result


__all__ = ["attach_fixes", "declare_dependency_fix"]
