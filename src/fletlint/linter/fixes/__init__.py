"""Fixes: plain data (title, text edits, applicability) attached to findings after the rules.

One module per kind of fix; each rule names the ones it offers (`Rule(fixes=...)`), most specific
first, and `attach_fixes` asks them in that order, so the first safe fix is the one `--fix`
applies. `apply` turns chosen fixes into new file texts.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, wait
from typing import TypeVar

from fletlint.linter.analysis import Analysis
from fletlint.linter.findings import Applicability, Finding, Fix
from fletlint.linter.fixes.context import AlternativeEntry, FixContext, RequirementChange
from fletlint.linter.fixes.declare import declare_dependency_fix
from fletlint.linter.fixes.text import Texts

T = TypeVar("T")
R = TypeVar("R")

# Findings whose fixes are built at once: their trial resolutions mostly wait on the network
# (metadata read one release at a time), and each keeps its resolver's state alive.
FIX_WORKERS = 4


def attach_fixes(
    analysis: Analysis,
    findings: Sequence[Finding],
    *,
    texts: Texts | None = None,
    alternatives: Sequence[AlternativeEntry] = (),
    pool: Executor | None = None,
) -> list[Finding]:
    """The findings, each with the fixes its rule offers (safe ones first).

    `pool`: threads to build several findings' fixes at once (`FIX_WORKERS` at most); the
    answer is the same as one at a time, in the findings' order.
    """
    # The rules name their fix builders, which live here: imported when used, not in a cycle.
    from fletlint.linter.rules import RULES

    ctx = FixContext(analysis, texts, tuple(alternatives))

    def build(finding: Finding) -> tuple[Finding, dict[Fix, RequirementChange]]:
        own = ctx.for_finding()
        found: list[Fix] = list(finding.fixes)
        rule = RULES.get(finding.code)
        for builder in rule.fixes if rule is not None else ():
            for fix in builder(own, finding):
                if fix not in found:
                    found.append(fix)
        # Stable: among equally safe fixes the rule's order (most specific first) stays.
        found.sort(key=lambda f: f.applicability != Applicability.SAFE)
        fixed = dataclasses.replace(finding, fixes=tuple(found)) if found else finding
        return fixed, own.changes

    result = []
    for fixed, changes in _each_at_once(pool, build, findings, FIX_WORKERS):
        ctx.changes.update(changes)  # in the findings' order, as one at a time would
        result.append(fixed)
    return _verified_together(ctx, result)


def _each_at_once(
    pool: Executor | None, work: Callable[[T], R], items: Sequence[T], workers: int
) -> list[R]:
    """`[work(item) for item in items]` on up to `workers` threads: the calling one and the
    pool's. The first failure (in the items' order) is raised once every thread has stopped,
    and no thread starts an item after one failed: a cancelled check stops everywhere."""
    results: dict[int, R] = {}
    failures: dict[int, BaseException] = {}
    lock = threading.Lock()
    next_index = iter(range(len(items)))

    def run() -> None:
        while True:
            with lock:
                index = None if failures else next(next_index, None)
            if index is None:
                return
            try:
                results[index] = work(items[index])
            except BaseException as exc:
                with lock:
                    failures[index] = exc

    helpers = []
    if pool is not None:
        for _ in range(min(workers, len(items)) - 1):
            try:
                helpers.append(pool.submit(run))
            except RuntimeError:  # the pool was shut down (its Linter closed): do it here
                break
    run()
    wait(helpers)
    for helper in helpers:
        helper.result()  # `run` catches everything: only a bug of its own comes out here
    if failures:
        raise failures[min(failures)]
    return [results[i] for i in range(len(items))]


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
