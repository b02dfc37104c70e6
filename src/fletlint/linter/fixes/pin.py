"""Pin a release that has phone wheels: the failing package itself, or the parent that pins it.

`pydantic==2.12.5` pins `pydantic-core==2.41.5`, which has no phone wheel; pinning
`pydantic-core==2.47.0` would contradict that pin, so the fix pins the parent instead, to the
newest `pydantic` whose requirement on `pydantic-core` a release with phone wheels satisfies.
Every proposal is re-resolved for every target before it is offered: only a verified pin is safe.
"""

from __future__ import annotations

from collections.abc import Iterator

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from fletlint.linter.analysis import TargetResult
from fletlint.linter.findings import Applicability, Finding, Fix
from fletlint.linter.fixes.context import (
    FixContext,
    requirement_base,
    split_marker,
    with_added,
    with_marker,
    with_replaced,
)
from fletlint.linter.index.model import DistFile
from fletlint.linter.resolve import marker_applies, preferred_file
from fletlint.linter.sources.model import DeclaredRequirement

CODES = ("FL001", "FL002")
# Each proposal costs a resolution per target; the newest few candidates are the useful ones.
MAX_TRIES = 3
# Releases of a parent read (metadata) while looking for one whose child has phone wheels.
MAX_PARENT_RELEASES = 40


def fixes(ctx: FixContext, finding: Finding) -> Iterator[Fix]:
    if finding.code not in CODES or not finding.package or not finding.chain:
        return
    declared = ctx.declared_at(finding.location)
    if declared is None or ctx.hash_checking:
        return
    failing = ctx.failing(finding)
    if not failing:
        return
    fix = _pin_package(ctx, finding, declared, failing) or _pin_parent(
        ctx, finding, declared, failing
    )
    if fix is not None:
        yield fix


def _pin_package(
    ctx: FixContext, finding: Finding, declared: DeclaredRequirement, failing: list[TargetResult]
) -> Fix | None:
    """Pin the failing package to a phone release its parent's requirement allows."""
    name = canonicalize_name(finding.package or "")
    link = finding.chain[-1]
    direct = len(finding.chain) == 1
    parent_spec = _specifier(link.requirement)
    tries = 0
    for version in ctx.phone_versions(name, failing):
        if version == finding.version:
            continue
        if not direct and (parent_spec is None or not parent_spec.contains(version, True)):
            continue
        fix = _propose(ctx, finding, declared, name, version, finding.version, replace=direct)
        if fix is not None:
            return fix
        tries += 1
        if tries >= MAX_TRIES:
            break
    return None


def _pin_parent(
    ctx: FixContext, finding: Finding, declared: DeclaredRequirement, failing: list[TargetResult]
) -> Fix | None:
    """Pin the package's parent to the newest release whose child has phone wheels."""
    if len(finding.chain) < 2:
        return None
    child = canonicalize_name(finding.package or "")
    parent_link = finding.chain[-2]
    parent = canonicalize_name(parent_link.name)
    root = len(finding.chain) == 2  # the parent is the declared requirement itself
    allowed = None if root else _specifier(parent_link.requirement)
    if not root and allowed is None:
        return None
    child_versions = [Version(v) for v in ctx.phone_versions(child, failing)]
    if not child_versions:
        return None
    source = ctx.analysis.source
    if source is None:
        return None
    releases: dict[Version, list[DistFile]] = {}
    for file in ctx.analysis.listing(parent).files:
        if not file.yanked:
            releases.setdefault(file.version, []).append(file)
    tries = 0
    candidates = sorted(releases, reverse=True)[:MAX_PARENT_RELEASES]
    for version in candidates:
        if version.is_prerelease or str(version) == parent_link.version:
            continue
        if allowed is not None and not allowed.contains(version, True):
            continue
        files = releases[version]
        metadata = source.metadata(preferred_file(files, failing[0].env))
        wanted = [
            req
            for req in metadata.requires_dist
            if canonicalize_name(req.name) == child
            and any(marker_applies(req.marker, r.env) for r in failing)
        ]
        if not all(any(req.specifier.contains(v, True) for v in child_versions) for req in wanted):
            continue
        fix = _propose(
            ctx, finding, declared, parent, str(version), parent_link.version, replace=root
        )
        if fix is not None:
            return fix
        tries += 1
        if tries >= MAX_TRIES:
            break
    return None


def _propose(
    ctx: FixContext,
    finding: Finding,
    declared: DeclaredRequirement,
    name: str,
    version: str,
    current: str | None,
    *,
    replace: bool,
) -> Fix | None:
    requirements = ctx.analysis.project.requirements
    _, marker = split_marker(declared)
    if replace:
        new_text = with_marker(requirement_base(declared, name, f"=={version}"), marker)
        changed = with_replaced(requirements, declared, new_text)
        edit = ctx.replace_requirement(declared, new_text)
        title = f"pin {declared.text} to {name}=={version}, which has phone wheels"
    else:
        # The pin applies where the requirement that pulls the package in applies.
        new_text = with_marker(f"{name}=={version}", marker)
        changed = with_added(requirements, declared, new_text)
        edit = ctx.add_requirement_after(declared, new_text)
        title = f"add {name}=={version} (has phone wheels) next to {declared.text}"
    if changed is None or edit is None or not ctx.verify(finding, changed):
        return None
    # Another major release is another API: installable, verified, but the code must follow.
    same_major = current is not None and Version(current).major == Version(version).major
    if not same_major:
        title += f" (from {current or 'an unknown release'}: another major version)"
    fix = Fix(title, (edit,), Applicability.SAFE if same_major else Applicability.UNSAFE)
    return ctx.remember(fix, finding, changed)


def _specifier(text: str) -> SpecifierSet | None:
    try:
        return Requirement(text).specifier
    except InvalidRequirement:
        return None
