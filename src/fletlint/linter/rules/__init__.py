"""Every rule, by code. A rule module reads top to bottom: docs, check, registration."""

from __future__ import annotations

from fletlint.linter.rules import (
    index_unreadable,
    marker_divergence,
    missing_wheel,
    no_release,
    phone_missing_module,
    sdist_only,
    silent_downgrade,
    uncheckable,
    undeclared_import,
)
from fletlint.linter.rules.base import Rule

RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        missing_wheel.RULE,
        silent_downgrade.RULE,
        sdist_only.RULE,
        no_release.RULE,
        index_unreadable.RULE,
        uncheckable.RULE,
        undeclared_import.RULE,
        phone_missing_module.RULE,
        marker_divergence.RULE,
    )
}

__all__ = ["RULES", "Rule"]
