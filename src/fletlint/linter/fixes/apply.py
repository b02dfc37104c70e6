"""Apply fixes to file texts, and write the results atomically.

Edits are exact ranges, applied bottom-up so earlier offsets stay valid; everything outside them
is kept byte for byte. Two fixes whose edits overlap in one file cannot both be right: the first
wins and the other waits for the next round (re-checked against the new text), as ruff does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fletlint.linter.findings import Applicability, Edit, Finding, Fix
from fletlint.linter.fixes import text as tx
from fletlint.linter.storage import write_user_file


@dataclass
class Applied:
    """New texts of the files the applied fixes changed (keyed by absolute path)."""

    texts: dict[Path, str] = field(default_factory=dict)
    originals: dict[Path, str | None] = field(default_factory=dict)
    applied: list[Fix] = field(default_factory=list)
    skipped: list[Fix] = field(default_factory=list)


def select_fixes(findings: Iterable[Finding], *, unsafe: bool = False) -> list[Fix]:
    """The fix `--fix` applies for each finding: its first one that the applicability allows.

    Fixes that work only alone (`Fix.alone`) wait until no other fix is left, then go one per
    round: the next round's check verifies the rest again.
    """
    chosen: list[Fix] = []
    for finding in findings:
        for fix in finding.fixes:
            if fix.applicability == Applicability.SAFE or unsafe:
                if fix not in chosen:
                    chosen.append(fix)
                break
    together = [f for f in chosen if not f.alone]
    return together or chosen[:1]


def hidden_unsafe(findings: Iterable[Finding]) -> int:
    """Findings whose only fixes are unsafe (what `--unsafe-fixes` would add)."""
    return sum(
        1
        for f in findings
        if f.fixes and all(x.applicability == Applicability.UNSAFE for x in f.fixes)
    )


def apply_fixes(fixes: Sequence[Fix], texts: tx.Texts | None = None) -> Applied:
    """Apply in memory, each fix whole or not at all; files absent so far start empty."""
    result = Applied()
    accepted: dict[Path, list[tuple[int, int, Edit]]] = {}
    for fix in fixes:
        planned: list[tuple[Path, int, int, Edit]] = []
        conflict = False
        for edit in fix.edits:
            path = tx.key(edit.location.path)
            if path not in result.originals:
                result.originals[path] = tx.read_text(path, texts)
            text = result.originals[path] or ""
            start, end = tx.span(text, edit.location)
            for other_start, other_end, other in accepted.get(path, []):
                if other == edit:
                    continue  # the same edit from another finding's fix: already there
                touching = start < other_end and other_start < end
                same_point = start == end == other_start == other_end
                if touching or same_point or (start == end and other_start < start < other_end):
                    conflict = True
            planned.append((path, start, end, edit))
        if conflict:
            result.skipped.append(fix)
            continue
        for path, start, end, edit in planned:
            edits = accepted.setdefault(path, [])
            if all(edit != other for _, _, other in edits):
                edits.append((start, end, edit))
        result.applied.append(fix)
    for path, edits in accepted.items():
        text = result.originals[path] or ""
        # Bottom-up: an edit never moves the offsets of the ones still to apply.
        for start, end, edit in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
            text = text[:start] + edit.new_text + text[end:]
        result.texts[path] = text
    return result


def write_files(changes: Mapping[Path, str]) -> None:
    """Write each file whole or not at all, keeping its mode (storage.write_user_file)."""
    for path, text in changes.items():
        path = Path(path)
        bom = b""
        mode = None
        if path.exists():
            raw = path.read_bytes()
            bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
            mode = path.stat().st_mode & 0o7777
        write_user_file(path, bom + text.encode("utf-8"), mode=mode, suffix=".fletlint")
