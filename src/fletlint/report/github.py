"""`--format github`: GitHub Actions workflow commands, one annotation per finding.

`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`. GitHub resolves `file`
against the workspace, which is where a workflow runs fletlint from, so paths are as the
check saw them (relative to the working directory when inside it).
"""

from __future__ import annotations

import os

from fletlint.linter.engine import Report
from fletlint.linter.findings import Finding, Severity
from fletlint.linter.rules import RULES
from fletlint.report.paths import location_or_main, relative

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """A command's message: `%`, CR and LF are the characters the runner decodes."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: also `:` and `,`, which would end the value or the property list."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _message(finding: Finding) -> str:
    lines = [finding.message]
    # The chain as the terminal shows it: GitHub keeps line breaks in an annotation.
    for depth, link in enumerate(finding.chain):
        lines.append(f"{'  ' * depth}└ {link}")
    if finding.available:
        lines.append(
            "available for phones: " + ", ".join(a.version for a in finding.available[-8:])
        )
    lines.extend(finding.notes)
    return "\n".join(lines)


def annotation(finding: Finding, report: Report) -> str:
    loc = location_or_main(finding, report)
    rule = RULES.get(finding.code)
    properties = {
        "file": relative(loc.path, os.getcwd()),
        "line": str(loc.line),
        "col": str(loc.column),
    }
    if loc.end_line is not None:
        properties["endLine"] = str(loc.end_line)
    if loc.end_column is not None:
        properties["endColumn"] = str(loc.end_column)
    properties["title"] = f"{finding.code} {rule.name}" if rule else finding.code
    props = ",".join(f"{k}={escape_property(v)}" for k, v in properties.items())
    return f"::{_COMMAND[finding.severity]} {props}::{escape_data(_message(finding))}"


def render(report: Report) -> str:
    lines = [annotation(f, report) for f in report.findings]
    errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
    lines.append(
        f"fletlint: {errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
        f" in {len(report.package_names)} packages × {len(report.targets)} targets"
    )
    return "\n".join(lines) + "\n"
