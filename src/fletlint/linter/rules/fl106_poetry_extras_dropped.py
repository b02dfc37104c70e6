"""FL106 poetry-extras-dropped: flet build's Poetry conversion leaves `extras = [...]` out."""

from __future__ import annotations

from collections.abc import Iterator

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from fletlint.linter.analysis import Analysis
from fletlint.linter.findings import Finding, Severity
from fletlint.linter.fixes import poetry_extras
from fletlint.linter.rules.base import Rule

DOCS = """\
## What it does
Finds `[tool.poetry.dependencies]` entries with `extras = [...]` whose extras bring packages
the phones then do not get.

## Why is this bad?
flet build turns Poetry's table into pip requirements itself (`utils/project_dependencies.py`),
keeping only `version` and `markers`: `pyjwt = { version = "^2.9", extras = ["crypto"] }`
becomes `pyjwt >=2.9`. `cryptography`, which the `crypto` extra adds, is not installed on the
phone; the build passes and the app fails when it first signs or verifies a token.

## Example
```toml
[tool.poetry.dependencies]
pyjwt = { version = "^2.9", extras = ["crypto"] }   # phones: pyjwt without cryptography
```

## How to fix
Declare the extra's packages yourself (`cryptography = ">=3.4"`), next to the dependency.
"""


def extra_requirement_text(req: Requirement) -> str:
    """The extra's requirement without its `extra == ...` marker."""
    extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
    return f"{req.name}{extras}{req.specifier}"


def check(analysis: Analysis) -> Iterator[Finding]:
    for dropped in analysis.project.dropped_extras:
        lacking: dict[str, Requirement] = {}
        targets: list[str] = []
        for result in analysis.results:
            if not result.resolution.ok:
                continue
            missing = poetry_extras.extras_missing(analysis, dropped, result)
            for req in missing:
                lacking.setdefault(str(canonicalize_name(req.name)), req)
            if missing:
                targets.append(result.target.name)
        if not lacking:
            continue
        texts = ", ".join(extra_requirement_text(r) for r in lacking.values())
        extras = ", ".join(f'"{e}"' for e in dropped.extras)
        yield Finding(
            code="FL106",
            severity=Severity.ERROR,
            message=(
                f"flet build drops extras = [{extras}] of {dropped.package} (its Poetry "
                f"conversion keeps only version and markers): {texts} not installed on the phones"
            ),
            location=dropped.location,
            package=dropped.package,
            targets=tuple(targets),
        )


RULE = Rule(
    code="FL106",
    name="poetry-extras-dropped",
    severity=Severity.ERROR,
    summary="flet build drops a Poetry dependency's extras, so their packages miss the phones",
    docs=DOCS,
    check=check,
    fixes=(poetry_extras.fixes,),
)
