"""Align the desktop with the phone: pin, next to the declaration, what the phones resolve to.

For FL002 (the phone silently gets older releases) when no pin of the blocked package works: the
phone's resolution already is a consistent set of releases that installs everywhere; pinning the
packages on the chain that differ makes the desktop run that same code, so what is tested on the
desktop is what ships. Unsafe: it downgrades the desktop, often across a major version.
"""

from __future__ import annotations

from collections.abc import Iterator

from packaging.utils import canonicalize_name

from fletlint.linter.findings import Applicability, Finding, Fix
from fletlint.linter.fixes.context import (
    FixContext,
    parsed,
    split_marker,
    with_marker,
)


def fixes(ctx: FixContext, finding: Finding) -> Iterator[Fix]:
    if finding.code != "FL002" or not finding.chain or ctx.hash_checking:
        return
    declared = ctx.declared_at(finding.location)
    results = ctx.failing(finding)
    if declared is None or not results:
        return
    phone, desktop = results[0].resolution, results[0].unconstrained
    pins: list[str] = []
    for link in finding.chain:
        name = canonicalize_name(link.name)
        on_phone, on_desktop = phone.packages.get(name), desktop.packages.get(name)
        if on_phone is None or on_desktop is None or on_phone.version == on_desktop.version:
            continue
        # Every target must agree on the release, or one pin cannot serve them all.
        if any(
            (r.resolution.packages.get(name) or on_phone).version != on_phone.version
            for r in results
        ):
            return
        pins.append(f"{name}=={on_phone.version}")
    if not pins:
        return
    _, marker = split_marker(declared)
    lines = [with_marker(pin, marker) for pin in pins]
    added = [parsed(line, declared) for line in lines]
    if any(a is None for a in added):
        return
    changed = [*ctx.analysis.project.requirements, *(a for a in added if a is not None)]
    edit = ctx.add_requirement_after(declared, *lines)
    if edit is None or not ctx.verify(finding, changed):
        return
    yield Fix(
        f"pin {', '.join(pins)} (what the phones get) next to {declared.text}, "
        "so the desktop runs the same releases",
        (edit,),
        Applicability.UNSAFE,
    )
