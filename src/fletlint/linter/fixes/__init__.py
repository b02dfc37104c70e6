"""Fixes: plain data (title, text edits, applicability) attached to findings after the rules.

One module per kind of fix; each rule names the ones it offers (`Rule(fixes=...)`), most specific
first, and `attach_fixes` asks them in that order, so the first safe fix is the one `--fix`
applies. `apply` turns chosen fixes into new file texts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence

from fletlint.linter.analysis import Analysis
from fletlint.linter.findings import Applicability, Finding, Fix
from fletlint.linter.fixes.context import AlternativeEntry, FixContext
from fletlint.linter.fixes.declare import declare_dependency_fix
from fletlint.linter.fixes.text import Texts


def attach_fixes(
    analysis: Analysis,
    findings: Sequence[Finding],
    *,
    texts: Texts | None = None,
    alternatives: Sequence[AlternativeEntry] = (),
) -> list[Finding]:
    """The findings, each with the fixes its rule offers (safe ones first)."""
    # The rules name their fix builders, which live here: imported when used, not in a cycle.
    from fletlint.linter.rules import RULES

    ctx = FixContext(analysis, texts, tuple(alternatives))
    result = []
    for finding in findings:
        found: list[Fix] = list(finding.fixes)
        rule = RULES.get(finding.code)
        for builder in rule.fixes if rule is not None else ():
            for fix in builder(ctx, finding):
                if fix not in found:
                    found.append(fix)
        # Stable: among equally safe fixes the rule's order (most specific first) stays.
        found.sort(key=lambda f: f.applicability != Applicability.SAFE)
        result.append(dataclasses.replace(finding, fixes=tuple(found)) if found else finding)
    return result


def declare_fixes(ctx: FixContext, finding: Finding) -> Iterator[Fix]:
    """FL101: declare the imported distribution where flet build reads dependencies."""
    # Only a distribution some index has: declaring a module's name that is none would trade
    # this finding for FL004.
    if finding.package and ctx.analysis.listing(finding.package).files:
        fix = declare_dependency_fix(ctx.analysis.project, finding.package, texts=ctx.texts)
        if fix is not None:
            yield fix


__all__ = ["attach_fixes", "declare_dependency_fix", "declare_fixes"]
