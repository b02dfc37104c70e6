"""FL102 module-missing-on-phone: a standard-library module the phone's Python does not have."""

from __future__ import annotations

from collections.abc import Iterator

from fletlint.linter.analysis import Analysis, describe_targets
from fletlint.linter.findings import Finding, Severity
from fletlint.linter.rules.base import Rule
from fletlint.linter.rules.importing import guard_note, installed, lowered, module_index
from fletlint.linter.sources.imports import ImportedModule
from fletlint.linter.stdlib import PhoneGap, phone_gap, version_problem

DOCS = """\
## What it does
Finds imports of standard-library modules that the phone's Python lacks:
- modules CPython does not build for Android and iOS (PEP 738, PEP 730): `tkinter`, `turtle`,
  `idlelib`, `curses`, `readline`, `dbm.gnu`, `dbm.ndbm`, `venv`, `ensurepip`, and the
  Windows-only modules (`winreg`, `msvcrt`...);
- modules that are not in the Python version `flet build` bundles (`distutils` and `imp` are gone
  from 3.12, `cgi`, `imghdr`, `telnetlib`... from 3.13; `annotationlib` is new in 3.14), unless a
  dependency provides them;
- as a warning, modules that import but cannot start processes: `multiprocessing` (Android has no
  System V IPC, iOS apps cannot start processes), `subprocess` on iOS, and
  `concurrent.futures.ProcessPoolExecutor`.

## Why is this bad?
The desktop Python has these modules, so the app runs there; on the phone the import raises
`ModuleNotFoundError` (or starting the process raises), usually at start-up.

## Example
```python
import tkinter.messagebox
from multiprocessing import Pool
```

## How to fix
Use Flet's own controls instead of Tk dialogs, threads (`concurrent.futures.ThreadPoolExecutor`)
instead of processes, and `sqlite3` or `shelve` with the default `dbm.dumb` instead of gdbm/ndbm.
Imports inside `try: ... except ImportError:` or behind a platform check are reported one level
lower.
"""

_PROCESS_POOL = PhoneGap(
    "concurrent.futures.ProcessPoolExecutor",
    frozenset({"android", "ios"}),
    "process",
    "imports, but starting a process fails: Android has no System V IPC and iOS apps cannot "
    "start processes",
)


def _gap(imported: ImportedModule, platform: str) -> PhoneGap | None:
    if imported.module == "concurrent.futures" and "ProcessPoolExecutor" in imported.names:
        return _PROCESS_POOL
    for module in (imported.module, *(f"{imported.module}.{n}" for n in imported.names)):
        gap = phone_gap(module, platform)
        if gap is not None:
            return gap
    return None


def check(analysis: Analysis) -> Iterator[Finding]:
    local = analysis.imports.local_modules
    index = module_index(analysis)
    for imported in analysis.imports.imports:
        if imported.top in local:
            continue
        # (message, severity) → targets
        groups: dict[tuple[str, Severity, str], list[str]] = {}
        for result in analysis.results:
            target = result.target
            gap = _gap(imported, target.platform)
            if gap is not None and gap.kind == "missing":
                key = (
                    f"{gap.module} does not exist on phones: {gap.reason}",
                    Severity.ERROR,
                    gap.module,
                )
            elif gap is not None:
                key = (f"{gap.module} {gap.reason}", Severity.WARNING, gap.module)
            else:
                reason = version_problem(imported.module, target.python)
                if reason is None:
                    continue
                packages = installed(result)
                if packages and index.providers(imported.module, packages):
                    continue  # a dependency provides it (setuptools ships distutils)
                key = (
                    f"{reason}; flet build bundles Python {target.python}",
                    Severity.ERROR,
                    imported.top,
                )
            groups.setdefault(key, []).append(target.name)
        for (message, severity, module), names in groups.items():
            where = describe_targets(names, analysis.targets)
            yield Finding(
                code="FL102",
                severity=lowered(severity, imported),
                message=f"{message} ({where})",
                location=imported.location,
                package=module,
                targets=tuple(names),
                notes=guard_note(imported),
            )


RULE = Rule(
    code="FL102",
    name="module-missing-on-phone",
    severity=Severity.ERROR,
    summary="The app imports a standard-library module the phone's Python does not have",
    docs=DOCS,
    check=check,
)
