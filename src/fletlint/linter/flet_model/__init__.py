"""Flet's own rules for reading a project, per flet-cli release, and its Python tables as data."""

from fletlint.linter.flet_model.python_tables import PYTHON_TABLES, PythonRow, PythonTable
from fletlint.linter.flet_model.releases import (
    FLET_RELEASES,
    KNOWN_RULES,
    FletChoice,
    FletRules,
    choose_flet,
    installed_flet_cli,
    rules_for,
)

__all__ = [
    "FLET_RELEASES",
    "KNOWN_RULES",
    "PYTHON_TABLES",
    "FletChoice",
    "FletRules",
    "PythonRow",
    "PythonTable",
    "choose_flet",
    "installed_flet_cli",
    "rules_for",
]
