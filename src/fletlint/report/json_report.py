"""`--format json`: a stable, versioned document (docs/json-format.md describes it)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from fletlint import __version__
from fletlint.linter.engine import Report
from fletlint.linter.findings import Finding, Location, PackageSubject, Severity
from fletlint.linter.rules import RULES

SCHEMA_VERSION = 1


def location_data(location: Location | None) -> dict[str, Any] | None:
    return asdict(location) if location else None


def finding_data(finding: Finding) -> dict[str, Any]:
    rule = RULES.get(finding.code)
    return {
        "code": finding.code,
        "rule": rule.name if rule else None,
        "severity": finding.severity.value,
        "message": finding.message,
        "location": location_data(finding.location),
        "package": finding.package,
        "version": finding.version,
        "targets": list(finding.targets),
        "chain": [asdict(link) for link in finding.chain],
        "available": [asdict(a) | {"targets": list(a.targets)} for a in finding.available],
        "fixes": [
            {
                "title": fix.title,
                "applicability": fix.applicability.value,
                "edits": [
                    {"location": location_data(e.location), "new_text": e.new_text}
                    for e in fix.edits
                ],
            }
            for fix in finding.fixes
        ],
        "notes": list(finding.notes),
        "subject": subject_data(finding.subject),
    }


def subject_data(subject: PackageSubject | None) -> dict[str, Any] | None:
    """The typed subject: the package, what constrains it, what the phones get instead; for
    FL103 the marker the build host answers otherwise (a key only FL103's subjects have)."""
    if subject is None:
        return None
    data = asdict(subject)
    data["phone_gets"] = [asdict(change) for change in subject.phone_gets]
    if subject.marker is None:
        del data["marker"]
    else:
        data["marker"]["hosts"] = list(subject.marker.hosts)
    return data


def _flet_data(report: Report) -> dict[str, Any] | None:
    """Which flet-cli's rules read the project, and why (installed, requirement, newest known)."""
    choice = report.flet_build
    if choice is None:
        return None
    return {
        "flet_cli": str(choice.version),
        "how": choice.how,
        "detail": choice.detail,
        "rules": choice.rules.series,
        "python_table": choice.rules.python.release_date,
        "python_full": report.python_full,
        "newer_than_table": choice.newer_than_table,
    }


def render(report: Report) -> str:
    document = {
        "schema": "fletlint-report",
        "schema_version": SCHEMA_VERSION,
        "fletlint_version": __version__,
        "project": str(report.project.root),
        "python": report.python,
        "flet": _flet_data(report),
        "targets": [
            {
                "name": r.target.name,
                "platform": r.target.platform,
                "abi": r.target.abi,
                "installs": r.resolution.ok,
                "packages": {str(p.name): str(p.version) for p in r.resolution.packages.values()},
            }
            for r in report.results
        ],
        "indexes": list(report.indexes),
        "summary": {
            "errors": report.count(Severity.ERROR),
            "warnings": report.count(Severity.WARNING),
            "info": report.count(Severity.INFO),
            "packages": len(report.package_names),
            "elapsed_seconds": round(report.elapsed, 3),
        },
        "findings": [finding_data(f) for f in report.findings],
    }
    return json.dumps(document, indent=2, sort_keys=False) + "\n"
