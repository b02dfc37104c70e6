"""FL002 silent-downgrade: the phone build passes only by picking older releases."""

from __future__ import annotations

from collections.abc import Iterator

from fletlint.linter.analysis import Analysis
from fletlint.linter.findings import Finding, PackageSubject, Severity
from fletlint.linter.fixes import align, pin
from fletlint.linter.rules.base import Rule
from fletlint.linter.rules.grouping import (
    group_verdicts,
    on_where,
    phone_gets_words,
    verdict_finding,
)

DOCS = """\
## What it does
Finds packages whose desktop release has no phone wheel while an older release that the
requirements allow has one: pip installs that older release on the phone (and, along the chain,
older parents), silently. Also reported while another package fails the build (FL001): it is what
the phone gets once that one is fixed.

The message says what the phone gets and why: `kiwisolver 1.4.9: no phone wheel; phones get
kiwisolver 1.4.7 instead of 1.4.9 (matplotlib==3.10.9 requires kiwisolver>=1.3.1)`.

## Why is this bad?
pip (and uv) silently backtrack: when `pydantic-core` 2.41.5 has no Android wheel, they may
install `pydantic` 1.10 instead of 2.x. The build passes, and the phone runs other code than the
desktop: APIs differ, the app fails at run time, only on the device.

## Example
```
pydantic>=1.9,<3    # desktop: 2.12.5; phones: 1.10.24
```

## How to fix
Pin the package (or the parent that pins it) to a release that has phone wheels, so both
resolutions agree, or pin what the phones get next to the declaration, so the desktop runs the
same releases.
"""


def problem(subject: PackageSubject) -> str:
    return (
        f"no phone wheel; phones get {phone_gets_words(subject.phone_gets)}{on_where(subject)} "
        f"({subject.constraint})"
    )


def check(analysis: Analysis) -> Iterator[Finding]:
    # Also on targets another blocker fails: what they get once that one is dealt with.
    downgrades = group_verdicts(analysis, lambda v: not v.blocks_build and bool(v.phone_gets()))
    for verdict, results in downgrades:
        yield verdict_finding(analysis, "FL002", Severity.WARNING, verdict, results, problem)


RULE = Rule(
    code="FL002",
    name="silent-downgrade",
    severity=Severity.WARNING,
    summary="A phone build passes only by installing older releases than the desktop",
    docs=DOCS,
    check=check,
    fixes=(pin.fixes, align.fixes),
)
