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
    return _verified_together(ctx, result)


# Said of a safe fix that installs alone but not together with the other safe fixes.
NOT_TOGETHER = " (verified alone, not together with the other safe fixes: apply it on its own)"


def _verified_together(ctx: FixContext, findings: list[Finding]) -> list[Finding]:
    """`--fix` applies every finding's first safe fix at once: verify that set as a whole.
    When it fails, those fixes become unsafe (each still works on its own)."""
    chosen = [
        f.fixes[0]
        for f in findings
        if f.fixes and f.fixes[0].applicability == Applicability.SAFE and f.fixes[0] in ctx.changes
    ]
    unique = list(dict.fromkeys(chosen))
    if len(unique) < 2 or ctx.verify_together(unique):
        return findings
    demoted = {
        fix: dataclasses.replace(
            fix, title=fix.title + NOT_TOGETHER, applicability=Applicability.UNSAFE, alone=True
        )
        for fix in unique
    }
    result = []
    for finding in findings:
        fixes = sorted(
            (demoted.get(x, x) for x in finding.fixes),
            key=lambda x: x.applicability != Applicability.SAFE,
        )
        result.append(dataclasses.replace(finding, fixes=tuple(fixes)))
    return result


def declare_fixes(ctx: FixContext, finding: Finding) -> Iterator[Fix]:
    """FL101: declare the imported distribution where flet build reads dependencies."""
    # Only a distribution some index has: declaring a module's name that is none would trade
    # this finding for FL004.
    if not finding.package:
        return
    if ctx.analysis.source is None or ctx.analysis.listing(finding.package).files:
        fix = declare_dependency_fix(ctx.analysis.project, finding.package, texts=ctx.texts)
        if fix is not None:
            yield fix


__all__ = ["attach_fixes", "declare_dependency_fix", "declare_fixes"]
