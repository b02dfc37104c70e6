"""Where a finding is, as the machine-readable formats need it: a file, always, and a `/` path."""

from __future__ import annotations

import os
from pathlib import Path

from fletlint.linter.engine import Report
from fletlint.linter.findings import Finding, Location


def main_file(report: Report) -> str:
    """The file a finding without a location belongs to: where the dependencies are declared.

    The first declared requirement's file (requirements.txt or pyproject.toml, whichever
    `flet build` reads), else the first project file, else the pyproject.toml the app would have.
    """
    for declared in report.project.requirements:
        if os.path.isfile(declared.location.path):
            return declared.location.path
    for path in report.project.files:
        return str(path)
    return str(Path(report.project.root) / "pyproject.toml")


def location_or_main(finding: Finding, report: Report) -> Location:
    if finding.location is not None and not os.path.isdir(finding.location.path):
        return finding.location
    return Location(main_file(report), 1)


def relative(path: str, base: str | Path) -> str:
    """`path` relative to `base` with `/` separators; unchanged when it lies outside `base`."""
    absolute = os.path.abspath(path)
    try:
        result = os.path.relpath(absolute, os.path.abspath(base))
    except ValueError:  # another drive on Windows
        return absolute.replace(os.sep, "/")
    if result == ".." or result.startswith(".." + os.sep):
        return absolute.replace(os.sep, "/")
    return result.replace(os.sep, "/")


def chain_text(finding: Finding) -> str:
    """The chain on one line: `supabase==2.20.0 → postgrest==2.20.0 → pydantic-core==2.41.5`."""
    return " → ".join(str(link) for link in finding.chain)
