"""Add a pure-Python sdist to `[tool.flet].source_packages`, so flet build builds it from source.

The sdist inspection marks FL003 findings `sdist:pure` or `sdist:native` in their notes. A pure
sdist whose addition re-resolves for every target is a safe fix; without a verdict the fix is
unsafe (it breaks the build if the package compiles code); a native one gets no such fix.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from fletlint.linter.findings import Applicability, Finding, Fix
from fletlint.linter.fixes import text as tx
from fletlint.linter.fixes.context import FixContext

PURE, NATIVE = "sdist:pure", "sdist:native"


def fixes(ctx: FixContext, finding: Finding) -> Iterator[Fix]:
    if finding.code != "FL003" or not finding.package or NATIVE in finding.notes:
        return
    name = finding.package
    pyproject = ctx.analysis.project.root / "pyproject.toml"

    import tomlkit  # loaded only when this fix is built

    def change(document: tomlkit.TOMLDocument) -> None:
        packages = tx.array(tx.table(document, "tool", "flet"), "source_packages")
        if name not in [str(p) for p in packages]:
            packages.append(name)

    try:
        edit = tx.toml_edit(pyproject, ctx.texts, change)
    except (TypeError, ValueError, tomlkit.exceptions.TOMLKitError):
        return
    if edit is None:
        return
    pure = PURE in finding.notes
    verified = pure and ctx.verify(finding, ctx.analysis.project.requirements, sdist_names=(name,))
    fix = Fix(
        f"add {name} to [tool.flet].source_packages in {Path(pyproject).name}"
        + ("" if pure else " (if it is pure Python)"),
        (edit,),
        Applicability.SAFE if verified else Applicability.UNSAFE,
    )
    yield ctx.remember(fix, finding, ctx.analysis.project.requirements, (name,))
