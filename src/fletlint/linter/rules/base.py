"""What every rule is: a code, a name, a page of docs, a check over the analysis, its fixes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from fletlint.linter.analysis import Analysis
from fletlint.linter.findings import Finding, Fix, Severity
from fletlint.linter.fixes.context import FixContext

# A fix builder (one module of fletlint.linter.fixes): the fixes it offers for a finding.
FixBuilder = Callable[[FixContext, Finding], Iterator[Fix]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    # Markdown: what it does, why it breaks the app, an example, how to fix it.
    docs: str
    check: Callable[[Analysis], Iterable[Finding]]
    # The fixes the rule offers, most specific first: `--fix` applies the first safe one.
    fixes: tuple[FixBuilder, ...] = ()
