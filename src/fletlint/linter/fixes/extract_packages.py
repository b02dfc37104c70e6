"""FL107: add a package's import name to the Android `extract_packages` list flet build uses.

flet-cli 1.0 reads `get_platform_setting("extract_packages")`: `[tool.flet.android]`'s list when
it has one (even empty), else `[tool.flet]`'s. The name goes into the list that is in use, so the
other one never shadows it; with neither, into a new `[tool.flet.android].extract_packages`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from fletlint.linter.findings import Applicability, Finding, Fix
from fletlint.linter.fixes import text as tx
from fletlint.linter.fixes.context import FixContext
from fletlint.linter.flet_model.extract import modules_to_extract


def fixes(ctx: FixContext, finding: Finding) -> Iterator[Fix]:
    if finding.code != "FL107" or not finding.package:
        return
    project = ctx.analysis.project
    modules = modules_to_extract(
        finding.package, project.extract_packages_known, project.flet.extract_packages
    )
    if not modules:
        return
    pyproject = project.root / "pyproject.toml"
    # The global list applies to Android only when the Android table has none (1.0), or an
    # empty one (0.86, `platform or global`): then it is the one to extend.
    use_global = project.flet.extract_packages_scope == "global"

    import tomlkit  # loaded only when this fix is built

    def change(document: tomlkit.TOMLDocument) -> None:
        flet = tx.table(document, "tool", "flet")
        table = flet if use_global else tx.table(flet, "android")
        entries = tx.array(table, "extract_packages")
        for module in modules:
            if module not in [str(e) for e in entries]:
                entries.append(module)

    try:
        edit = tx.toml_edit(pyproject, ctx.texts, change)
    except (TypeError, ValueError, tomlkit.exceptions.TOMLKitError):
        return
    if edit is None:
        return
    table_name = "[tool.flet]" if use_global else "[tool.flet.android]"
    yield Fix(
        f"add {', '.join(modules)} to {table_name}.extract_packages in {Path(pyproject).name}",
        (edit,),
        Applicability.SAFE,
    )
