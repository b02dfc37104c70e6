"""Keep Flet's desktop-only parts off phones, never Flet itself.

`flet[all]` pulls in flet-cli, flet-desktop and flet-web, whose own dependencies (watchdog,
uvicorn's httptools, ...) have no phone wheels and which a phone never runs. A marker on
`flet[all]` would take `flet` off the phone too: the build passes and the app cannot start. The
fix keeps `flet` for every platform and the extra for desktops only (safe: the desktop installs
what it did, the phone what it can run), or drops the extra (unsafe: the desktop loses its parts
too). A desktop part declared on its own (`flet-desktop`) gets a desktop-only marker.
"""

from __future__ import annotations

from collections.abc import Iterator

from packaging.utils import canonicalize_name

from fletlint.linter.findings import Applicability, Finding, Fix
from fletlint.linter.fixes.context import (
    FixContext,
    parsed,
    requirement_base,
    split_marker,
    with_replaced,
)
from fletlint.linter.fixes.marker import PHONE_SYSTEMS, phone_marker

CODES = ("FL001", "FL003")
# Flet's parts that only desktops (or the developer's machine) run.
DESKTOP_PARTS = frozenset({"flet-desktop", "flet-desktop-light", "flet-cli", "flet-web"})


def fixes(ctx: FixContext, finding: Finding) -> Iterator[Fix]:
    if finding.code not in CODES:
        return
    declared = ctx.declared_at(finding.location)
    if declared is None or declared.requirement is None:
        return
    name = canonicalize_name(declared.requirement.name)
    base, marker = split_marker(declared)
    desktop_only = phone_marker(list(PHONE_SYSTEMS))
    combined = f"({marker}) and {desktop_only}" if marker else desktop_only
    requirements = ctx.analysis.project.requirements
    if name in DESKTOP_PARTS:
        new_text = f"{base}; {combined}"
        changed = with_replaced(requirements, declared, new_text)
        edit = ctx.replace_requirement(declared, new_text)
        if changed is not None and edit is not None and ctx.verify(finding, changed):
            fix = Fix(f"mark {base} desktop-only: phones never run it", (edit,))
            yield ctx.remember(fix, finding, changed)
        return
    if name != "flet" or not declared.requirement.extras:
        return
    plain = requirement_base(declared, "flet", str(declared.requirement.specifier))
    plain = plain.replace(f"[{','.join(sorted(declared.requirement.extras))}]", "")
    plain_text = f"{plain}; {marker}" if marker else plain
    parts_text = f"{base}; {combined}"
    flet_only = with_replaced(requirements, declared, plain_text)
    both = parsed(parts_text, declared)
    if flet_only is not None and both is not None:
        edit = ctx.replace_requirement(declared, plain_text)
        added = ctx.add_requirement_after(declared, parts_text)
        if edit is not None and added is not None and ctx.verify(finding, [*flet_only, both]):
            fix = Fix(
                f"keep {plain} on every platform and {base} on desktops only "
                "(its extra's parts never run on a phone)",
                (edit, added),
            )
            yield ctx.remember(fix, finding, [*flet_only, both])
    if flet_only is not None:
        edit = ctx.replace_requirement(declared, plain_text)
        if edit is not None and ctx.verify(finding, flet_only):
            yield Fix(
                f"drop the extra: {plain_text} (the desktop loses the extra's parts too)",
                (edit,),
                Applicability.UNSAFE,
            )
