"""FL005 index-unreadable: an index could not be read; results rest on a fallback or on less."""

from __future__ import annotations

from collections.abc import Iterator

from fletlint.linter.analysis import Analysis
from fletlint.linter.findings import Finding, Severity
from fletlint.linter.rules.base import Rule

DOCS = """\
## What it does
Reports each configured index (or find-links source) that could not be read: unreachable, an
error status, refused credentials, or absent from the cache with `--offline`.

## Why is this bad?
The findings then rest on fewer releases than `flet build` would see. When Flet's mobile index is
the one missing, fletlint answers from the snapshot it ships, which may lag the live index.

## How to fix
Check the network, the URL and its credentials, or run once online to fill the cache.
"""


def check(analysis: Analysis) -> Iterator[Finding]:
    for problem in analysis.problems:
        fallback = f"; using {problem.fallback}" if problem.fallback else ""
        yield Finding(
            code="FL005",
            severity=Severity.WARNING,
            message=f"index {problem.index} could not be read: {problem.message}{fallback}",
            location=None,
            notes=(problem.index,),
        )


RULE = Rule(
    code="FL005",
    name="index-unreadable",
    severity=Severity.WARNING,
    summary="An index could not be read",
    docs=DOCS,
    check=check,
)
