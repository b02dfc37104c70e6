"""Every rule, by code. A rule module reads top to bottom: docs, check, registration."""

from __future__ import annotations

from fletlint.linter.rules import (
    fl001_missing_phone_wheel,
    fl002_silent_downgrade,
    fl003_sdist_only,
    fl004_no_matching_release,
    fl005_index_unreadable,
    fl006_uncheckable_requirement,
    fl007_resolution_too_complex,
    fl101_undeclared_import,
    fl102_module_missing_on_phone,
    fl103_host_device_marker_divergence,
    fl104_abi_version_skew,
    fl105_pure_wheel_shadows_native,
    fl106_poetry_extras_dropped,
    fl107_android_extract_packages,
)
from fletlint.linter.rules.base import Rule

RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        fl001_missing_phone_wheel.RULE,
        fl002_silent_downgrade.RULE,
        fl003_sdist_only.RULE,
        fl004_no_matching_release.RULE,
        fl005_index_unreadable.RULE,
        fl006_uncheckable_requirement.RULE,
        fl007_resolution_too_complex.RULE,
        fl101_undeclared_import.RULE,
        fl102_module_missing_on_phone.RULE,
        fl103_host_device_marker_divergence.RULE,
        fl104_abi_version_skew.RULE,
        fl105_pure_wheel_shadows_native.RULE,
        fl106_poetry_extras_dropped.RULE,
        fl107_android_extract_packages.RULE,
    )
}

__all__ = ["RULES", "Rule"]
