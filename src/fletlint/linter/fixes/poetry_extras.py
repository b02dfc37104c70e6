"""FL106: declare the packages of a Poetry dependency's extras, which flet build drops.

`pyjwt = { version = "^2.9", extras = ["crypto"] }` → `cryptography = ">=3.4"` in the same
`[tool.poetry.dependencies]` table: what the extra would have installed, as flet build passes it.
"""

from __future__ import annotations

from collections.abc import Iterator

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from fletlint.linter.analysis import Analysis, TargetResult
from fletlint.linter.findings import Applicability, Finding, Fix
from fletlint.linter.fixes import text as tx
from fletlint.linter.fixes.context import FixContext
from fletlint.linter.resolve import marker_applies, preferred_file
from fletlint.linter.sources.model import DroppedExtras


def extras_missing(
    analysis: Analysis, dropped: DroppedExtras, result: TargetResult
) -> list[Requirement]:
    """The requirements `dropped`'s extras add that this target's resolution lacks."""
    package = result.resolution.packages.get(canonicalize_name(dropped.package))
    if package is None or analysis.archives is None or not package.files:
        return []
    metadata = analysis.archives.metadata(preferred_file(package.files, result.env))
    missing = []
    for req in metadata.requires_dist:
        if req.marker is None or marker_applies(req.marker, result.env, ""):
            continue
        if not any(marker_applies(req.marker, result.env, e) for e in dropped.extras):
            continue
        if canonicalize_name(req.name) not in result.resolution.packages:
            missing.append(req)
    return missing


def poetry_value(req: Requirement) -> str | dict[str, object]:
    """`cryptography>=3.4` as Poetry writes it: `">=3.4"` (or `"*"`), a table with extras."""
    version = str(req.specifier) or "*"
    if req.extras:
        return {"version": version, "extras": sorted(req.extras)}
    return version


def fixes(ctx: FixContext, finding: Finding) -> Iterator[Fix]:
    if finding.code != "FL106":
        return
    analysis = ctx.analysis
    dropped = next(
        (d for d in analysis.project.dropped_extras if d.location == finding.location), None
    )
    if dropped is None:
        return
    wanted: dict[str, Requirement] = {}
    for result in analysis.results:
        if result.resolution.ok:
            for req in extras_missing(analysis, dropped, result):
                wanted.setdefault(req.name, req)
    if not wanted:
        return
    path = dropped.location.path

    import tomlkit  # loaded only when this fix is built

    def change(document: tomlkit.TOMLDocument) -> None:
        deps = tx.table(document, "tool", "poetry", "dependencies")
        for name, req in wanted.items():
            if name not in deps:
                value = poetry_value(req)
                if isinstance(value, dict):
                    inline = tomlkit.inline_table()
                    inline.update(value)
                    deps[name] = inline
                else:
                    deps[name] = value

    try:
        edit = tx.toml_edit(path, ctx.texts, change)
    except (TypeError, ValueError, tomlkit.exceptions.TOMLKitError):
        return
    if edit is None:
        return
    names = ", ".join(wanted)
    yield Fix(
        f"declare {names} in [tool.poetry.dependencies] (the {dropped.package} extras flet build drops)",
        (edit,),
        Applicability.SAFE,
    )
