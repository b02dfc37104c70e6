"""What every rule is: a code, a name, a page of docs, and a check over the analysis."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from fletlint.linter.analysis import Analysis
from fletlint.linter.findings import Finding, Severity


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    # Markdown: what it does, why it breaks the app, an example, how to fix it.
    docs: str
    check: Callable[[Analysis], Iterable[Finding]]
