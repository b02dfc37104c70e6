"""FL101 undeclared-import: the app imports a module that no dependency installs on the phone."""

from __future__ import annotations

import re
from collections.abc import Iterator

from packaging.utils import NormalizedName, canonicalize_name

from fletlint.linter.analysis import Analysis, describe_targets
from fletlint.linter.findings import Finding, Severity
from fletlint.linter.fixes import declare_fixes
from fletlint.linter.rules.base import Rule
from fletlint.linter.rules.importing import (
    guard_note,
    installed,
    lowered,
    module_index,
    third_party_imports,
)

_LEADING_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[|@|;|$)")

DOCS = """\
## What it does
Finds each `import` in the app's `.py` files whose module no package of the resolved dependency
graph provides: not declared, and not pulled in by anything declared. Modules are matched to
distributions by the files of the resolved wheels, then by the host environment's installed
packages, then by a table of well-known names (`cv2` is `opencv-python`, `PIL` is `pillow`,
`yaml` is `pyyaml`...). The app's own modules and the standard library are not reported here
(FL102 judges the standard library). Files that do not parse are reported as info.

## Why is this bad?
On a desktop the module is often installed anyway (in the developer's virtual environment), so
the app runs. `flet build` installs only the declared dependencies: the build succeeds, and the
app raises `ModuleNotFoundError` on the phone.

## Example
```python
import cv2          # requirements.txt has flet only
```

## How to fix
Declare the distribution (`opencv-python`) in requirements.txt or `[project].dependencies`. An
import inside `try: ... except ImportError:` or behind a platform check is reported as a warning:
the app expects it may be missing.
"""


def check(analysis: Analysis) -> Iterator[Finding]:
    for problem in analysis.imports.problems:
        yield Finding(
            code="FL101",
            severity=Severity.INFO,
            message=f"imports not checked: {problem.message}",
            location=problem.location,
        )
    index = module_index(analysis)
    graphs = [(r, installed(r)) for r in analysis.results]
    unreadable = _uncheckable_names(analysis)
    any_unreadable = any(
        d.requirement is None or d.uncheckable_reason for d in analysis.project.requirements
    )
    for imported in third_party_imports(analysis):
        if unreadable & set(index.guesses(imported.module)):
            continue  # declared as a URL or path (FL006): fletlint cannot see inside, trust it
        missing = tuple(
            r.target.name
            for r, packages in graphs
            if packages is not None and not index.providers(imported.module, packages)
        )
        if not missing:
            continue
        hint = index.hint(imported.module)
        where = describe_targets(missing, analysis.targets)
        severity = lowered(Severity.ERROR, imported)
        notes = [f"declare {hint} in the project's dependencies", *guard_note(imported)]
        if any_unreadable and severity == Severity.ERROR:
            # A URL/path requirement may install it under another name: fletlint cannot tell.
            severity = Severity.WARNING
            notes.append("it may come from a URL or path requirement, which fletlint cannot read")
        yield Finding(
            code="FL101",
            severity=severity,
            message=f"{imported.module} is imported but no dependency provides it on {where}: "
            "the build succeeds and the app raises ModuleNotFoundError",
            location=imported.location,
            package=hint,
            targets=missing,
            notes=tuple(notes),
        )


def _uncheckable_names(analysis: Analysis) -> set[NormalizedName]:
    """Names of the declared requirements no index describes (URLs, paths, editables)."""
    names: set[NormalizedName] = set()
    for declared in analysis.project.requirements:
        if declared.requirement is not None and not declared.uncheckable_reason:
            continue
        if declared.requirement is not None:
            names.add(canonicalize_name(declared.requirement.name))
            continue
        match = _LEADING_NAME.match(declared.text)
        if match:
            names.add(canonicalize_name(match.group(1)))
    return names


RULE = Rule(
    code="FL101",
    name="undeclared-import",
    severity=Severity.ERROR,
    summary="The app imports a module that no declared dependency provides",
    docs=DOCS,
    check=check,
    fixes=(declare_fixes,),
)
