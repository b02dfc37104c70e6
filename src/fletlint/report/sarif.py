"""`--format sarif`: SARIF 2.1.0, as GitHub code scanning (`upload-sarif`) reads it.

Paths are relative to the checked project's root, which `originalUriBaseIds` names as
PROJECTROOT; a finding without a location (an unreadable index) is put on the project's main
dependency file, because code scanning drops results that have none.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from fletlint import __version__
from fletlint.linter.engine import Report
from fletlint.linter.findings import Finding, Severity
from fletlint.linter.rules import RULES, Rule
from fletlint.report.json_report import subject_data
from fletlint.report.paths import chain_text, location_or_main, relative

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
RULES_URL = "https://github.com/fletlint/fletlint/blob/main/docs/rules.md"
ROOT_ID = "PROJECTROOT"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def help_uri(code: str) -> str:
    return f"{RULES_URL}#{code.lower()}"


def _first_paragraph(docs: str) -> str:
    """The text under the docs' first heading: what the rule does, in a sentence or two."""
    lines: list[str] = []
    for line in docs.strip().splitlines():
        if line.startswith("#"):
            if lines:
                break
            continue
        if not line.strip() and lines:
            break
        if line.strip():
            lines.append(line.strip())
    return " ".join(lines)


def rule_data(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _first_paragraph(rule.docs) or rule.summary},
        "help": {"text": rule.docs, "markdown": rule.docs},
        "helpUri": help_uri(rule.code),
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"tags": ["dependencies", "mobile"]},
    }


def _fingerprint(finding: Finding) -> str:
    # Stable when lines move: the same package blocked through the same chain is the same alert.
    key = "\0".join([finding.code, finding.package or "", chain_text(finding), finding.message])
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _message(finding: Finding) -> str:
    parts = [finding.message]
    if finding.subject is not None and finding.subject.constraint:
        parts.append(f"Constrained by: {finding.subject.constraint}")
    if len(finding.chain) > 1:
        parts.append(f"Chain: {chain_text(finding)}")
    if finding.available:
        shown = ", ".join(a.version for a in finding.available[-8:])
        parts.append(f"Available for phones: {shown}")
    parts.extend(finding.notes)
    return "\n".join(parts)


def result_data(finding: Finding, report: Report, rule_index: dict[str, int]) -> dict[str, Any]:
    loc = location_or_main(finding, report)
    region: dict[str, int] = {"startLine": loc.line, "startColumn": loc.column}
    if loc.end_line is not None:
        region["endLine"] = loc.end_line
    if loc.end_column is not None:
        region["endColumn"] = loc.end_column
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "level": _LEVEL[finding.severity],
        "message": {"text": _message(finding)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {
                        "uri": relative(loc.path, report.project.root),
                        "uriBaseId": ROOT_ID,
                    },
                    "region": region,
                }
            }
        ],
        "partialFingerprints": {"fletlint/v1": _fingerprint(finding)},
        "properties": {
            "package": finding.package,
            "version": finding.version,
            "targets": list(finding.targets),
            "subject": subject_data(finding.subject),
        },
    }
    if finding.code in rule_index:
        result["ruleIndex"] = rule_index[finding.code]
    return result


def render(report: Report) -> str:
    rules = list(RULES.values())
    rule_index = {rule.code: i for i, rule in enumerate(rules)}
    root_uri = Path(report.project.root).resolve().as_uri().rstrip("/") + "/"
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "fletlint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": "https://github.com/fletlint/fletlint",
                        "rules": [rule_data(rule) for rule in rules],
                    }
                },
                "originalUriBaseIds": {ROOT_ID: {"uri": root_uri}},
                "results": [result_data(f, report, rule_index) for f in report.findings],
                "columnKind": "unicodeCodePoints",
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
