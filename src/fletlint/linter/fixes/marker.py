"""Keep a dependency off phones with an environment marker.

The marker tests `platform_system`, not `sys_platform`: flet build's sitecustomize patches
`platform.system()` (so pip, on the build host, sees `Android`/`iOS`) but not `sys.platform`,
which there names the host (FLET-FACTS.md); a `sys_platform` marker would let the build install
the package anyway. Unsafe: the app must then not import the package on phones.
"""

from __future__ import annotations

from collections.abc import Iterator

from packaging.utils import canonicalize_name

from fletlint.linter.findings import Applicability, Finding, Fix
from fletlint.linter.fixes.context import FixContext, split_marker, with_replaced

CODES = ("FL001", "FL003")
SYSTEM = {"android": "Android", "ios": "iOS"}
PHONE_SYSTEMS = tuple(SYSTEM)
# Flet's own parts: flet itself must reach the phone, the desktop parts are flet_parts' to mark.
NEVER_MARKED = frozenset({"flet", "flet-desktop", "flet-desktop-light", "flet-cli", "flet-web"})


def phone_marker(platforms: list[str]) -> str:
    return " and ".join(f'platform_system != "{SYSTEM[p]}"' for p in platforms if p in SYSTEM)


def fixes(ctx: FixContext, finding: Finding) -> Iterator[Fix]:
    if finding.code not in CODES:
        return
    declared = ctx.declared_at(finding.location)
    if declared is None or declared.requirement is None:
        return
    name = canonicalize_name(declared.requirement.name)
    # The app cannot start without what it imports: never take that off a phone.
    if name in NEVER_MARKED or name in ctx.analysis.imported_distributions():
        return
    platforms = sorted({r.target.platform for r in ctx.failing(finding)})
    clause = phone_marker(platforms)
    if not clause:
        return
    base, marker = split_marker(declared)
    combined = f"({marker}) and {clause}" if marker else clause
    new_text = f"{base}; {combined}"
    edit = ctx.replace_requirement(declared, new_text)
    if edit is None or with_replaced(ctx.analysis.project.requirements, declared, new_text) is None:
        return
    where = " and ".join(platforms)
    yield Fix(
        f"keep {base} off {where} with a marker (the app must not import it there)",
        (edit,),
        Applicability.UNSAFE,
    )
