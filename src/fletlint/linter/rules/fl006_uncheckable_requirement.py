"""FL006 uncheckable-requirement: a URL, path or editable requirement no index can describe."""

from __future__ import annotations

from collections.abc import Iterator

from fletlint.linter.analysis import Analysis
from fletlint.linter.findings import Finding, Severity
from fletlint.linter.index.urls import redact_text
from fletlint.linter.rules.base import Rule

DOCS = """\
## What it does
Lists requirements that point at a URL, a local path or an editable checkout instead of an index.

## Why is this bad?
fletlint cannot tell from an index whether such a requirement has phone wheels, nor what it pulls
in; `flet build` will try to build it for the phone, which fails for native code.

## How to fix
Nothing, if you know the source is pure Python. Otherwise publish a phone wheel to an index.
"""


def check(analysis: Analysis) -> Iterator[Finding]:
    for declared in (*analysis.project.requirements, *analysis.project.constraints):
        if declared.uncheckable_reason:
            yield Finding(
                code="FL006",
                severity=Severity.INFO,
                message=redact_text(
                    f"cannot check {declared.text!r}: {declared.uncheckable_reason}"
                ),
                location=declared.location,
                package=declared.requirement.name if declared.requirement else None,
            )


RULE = Rule(
    code="FL006",
    name="uncheckable-requirement",
    severity=Severity.INFO,
    summary="A requirement points at a URL or path, not an index",
    docs=DOCS,
    check=check,
)
