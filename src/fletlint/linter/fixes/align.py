"""Align the desktop with the phone: pin, next to the declaration, what the phones resolve to.

For FL002 (the phone silently gets older releases) when no pin of the blocked package works: the
phone's resolution already is a consistent set of releases that installs everywhere; pinning the
packages on the chain that differ makes the desktop run that same code, so what is tested on the
desktop is what ships. Unsafe: it downgrades the desktop, often across a major version.
"""

from __future__ import annotations

from collections.abc import Iterator

from packaging.utils import canonicalize_name

from fletlint.linter.findings import Applicability, Edit, Finding, Fix
from fletlint.linter.fixes import text as tx
from fletlint.linter.fixes.context import (
    FixContext,
    _array_holding,
    parsed,
    split_marker,
    with_marker,
)
from fletlint.linter.sources.model import DeclaredRequirement


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
    edit = _insert_after(ctx, declared, lines)
    if edit is None or not ctx.verify(finding, changed):
        return
    yield Fix(
        f"pin {', '.join(pins)} (what the phones get) next to {declared.text}, "
        "so the desktop runs the same releases",
        (edit,),
        Applicability.UNSAFE,
    )


def _insert_after(ctx: FixContext, declared: DeclaredRequirement, lines: list[str]) -> Edit | None:
    """The new lines right after the declaration, in a requirements file or the TOML array."""
    path = declared.location.path
    text = tx.read_text(path, ctx.texts)
    if text is None:
        return None
    if not path.endswith(".toml"):
        return ctx.add_requirement_after(declared, tx.newline_of(text).join(lines))

    def change(document: object) -> None:
        found = _array_holding(document, declared.text)
        if found is None:
            raise LookupError(declared.text)
        array, index = found
        for offset, line in enumerate(lines, start=1):
            array.insert(index + offset, line)

    try:
        return tx.toml_edit(path, ctx.texts, change)
    except (LookupError, TypeError):
        return None
