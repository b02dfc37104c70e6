"""Pin one release on every phone: FL104 (the release every Android ABI has a wheel for) and
FL105 (the release with a native build).

A direct requirement is rewritten (`markupsafe` → `markupsafe==3.0.3`); a package further down
the chain gets its own pinned requirement next to the declaration that pulls it in. Verified by
re-resolving every target: safe only then; a pin to an older release changes what the app runs.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from packaging.utils import canonicalize_name
from packaging.version import Version

from fletlint.linter.analysis import Analysis, TargetResult
from fletlint.linter.findings import Applicability, Finding, Fix
from fletlint.linter.fixes.context import (
    FixContext,
    requirement_base,
    split_marker,
    with_added,
    with_marker,
    with_replaced,
)
from fletlint.linter.resolve import file_fits


def native_versions(
    analysis: Analysis, name: str, results: Sequence[TargetResult], below: Version
) -> list[Version]:
    """Releases older than `below` (newest first) with a platform-specific wheel for every one
    of `results`: the first is the one FL105's fix pins. Older only: FL105 names the newest
    such release, and a newer native build is one the app's requirements keep out
    (`websockets<16` from realtime), so pinning it would move what pulls the package in, not
    just the package."""
    by_version: dict[Version, set[str]] = {}
    for file in analysis.listing(name).files:
        if not file.is_wheel or file.is_pure or file.version >= below:
            continue
        for result in results:
            if file_fits(file, result.env):
                by_version.setdefault(file.version, set()).add(result.target.name)
    wanted = {r.target.name for r in results}
    return sorted((v for v, t in by_version.items() if t >= wanted), reverse=True)


def fixes(ctx: FixContext, finding: Finding) -> Iterator[Fix]:
    if finding.code not in ("FL104", "FL105") or not finding.package:
        return
    name = finding.package
    results = ctx.failing(finding)
    if finding.code == "FL104":
        versions = ctx.phone_versions(name, results)
        why = "the release every Android ABI has a wheel for"
    else:
        if finding.version is None:
            return
        versions = [
            str(v) for v in native_versions(ctx.analysis, name, results, Version(finding.version))
        ]
        why = "the release with a native build for these phones"
    if not versions:
        return
    version = versions[0]
    declared = ctx.declared_at(finding.location)
    if declared is None or declared.requirement is None:
        return
    requirements = ctx.analysis.project.requirements
    if canonicalize_name(declared.requirement.name) == canonicalize_name(name):
        _, marker = split_marker(declared)
        text = with_marker(
            requirement_base(declared, declared.requirement.name, f"=={version}"), marker
        )
        edit = ctx.replace_requirement(declared, text)
        changed = with_replaced(requirements, declared, text)
    else:
        text = f"{name}=={version}"
        edit = ctx.add_requirement_after(declared, text)
        changed = with_added(requirements, declared, text)
    if edit is None or changed is None:
        return
    verified = ctx.verify(finding, changed)
    yield Fix(
        f"pin {name}=={version}, {why}",
        (edit,),
        Applicability.SAFE if verified else Applicability.UNSAFE,
    )
