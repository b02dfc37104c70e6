"""Restrict `[tool.flet.android].target_arch` to the ABIs a package has wheels for.

For an ABI gap: polars has no `armeabi_v7a` wheel but has `arm64_v8a` and `x86_64` ones. Unsafe:
the app then no longer installs on the devices of the dropped ABI (old 32-bit phones).
"""

from __future__ import annotations

from collections.abc import Iterator

from fletlint.linter.findings import Applicability, Finding, Fix
from fletlint.linter.fixes import text as tx
from fletlint.linter.fixes.context import FixContext
from fletlint.linter.targets import ANDROID_ABIS, normalize_arch

# How Flet and Gradle spell the ABIs in `target_arch` and `--arch`.
FLET_ARCH = {"arm64_v8a": "arm64-v8a", "armeabi_v7a": "armeabi-v7a", "x86_64": "x86_64"}


def fixes(ctx: FixContext, finding: Finding) -> Iterator[Fix]:
    if finding.code != "FL001" or not finding.package:
        return
    failing = ctx.failing(finding)
    if not failing or any(r.target.platform != "android" for r in failing):
        return
    settings = ctx.analysis.project.flet.target_arch
    configured = settings.get("android") or settings.get("*") or ANDROID_ABIS
    current = [normalize_arch(a) for a in configured]
    dropped = {r.target.abi for r in failing}
    android = [r for r in ctx.analysis.results if r.target.platform == "android"]
    checked = {r.target.abi for r in android}
    # Only ABIs this check resolved for stay: keeping unchecked ones would claim a fix that
    # nothing verified (one `--target` checks one ABI).
    kept = [abi for abi in current if abi not in dropped and abi in checked]
    if not kept:
        return
    others = [r for r in android if r.target.abi in kept]
    # Only an ABI gap: the package must have wheels for the ABIs that stay, and they install.
    if not ctx.phone_versions(finding.package, others) or not all(
        r.resolution.ok or not ctx.other_culprits(finding, r) for r in others
    ):
        return
    arches = [FLET_ARCH.get(abi, abi) for abi in kept]
    pyproject = ctx.analysis.project.root / "pyproject.toml"

    import tomlkit  # loaded only when this fix is built

    def change(document: tomlkit.TOMLDocument) -> None:
        flet = tx.table(document, "tool", "flet")
        created = "android" not in flet
        android_table = tx.table(flet, "android")
        value = tomlkit.array()
        value.extend(arches)
        android_table["target_arch"] = value
        if created:
            # A blank line between the new table and the next one, as people write them.
            android_table.add(tomlkit.nl())

    try:
        edit = tx.toml_edit(pyproject, ctx.texts, change)
    except (TypeError, ValueError, tomlkit.exceptions.TOMLKitError):
        return
    if edit is None:
        return
    yield Fix(
        f"build for {', '.join(arches)} only ([tool.flet.android].target_arch): "
        f"{finding.package} has no wheel for {', '.join(FLET_ARCH.get(a, a) for a in sorted(dropped))}",
        (edit,),
        Applicability.UNSAFE,
    )
