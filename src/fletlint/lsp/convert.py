"""Findings ⇄ LSP types, as pure functions (no server, no I/O).

fletlint's locations are 1-based lines and columns counted in characters (code points), the end
column exclusive. LSP positions are 0-based and count code units of the negotiated encoding
(UTF-16 unless the client offers another), so a column is converted against the line's text:
"é" is one unit in UTF-16, "🚀" two.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lsprotocol import types

from fletlint.linter.findings import Applicability, Finding, Fix, InputError, Location, Severity
from fletlint.linter.text_lines import split_lines

SOURCE = "fletlint"
RULES_URL = "https://github.com/fletlint/fletlint/blob/main/docs/rules.md"

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"

# A path → its current text (the editor's buffer, else the file), None when it cannot be read.
TextOf = Callable[[str], "str | None"]
# A path → its URI.
UriOf = Callable[[str], str]

_SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


def severity(value: Severity) -> types.DiagnosticSeverity:
    return _SEVERITIES[value]


# -- positions ---------------------------------------------------------------------------------


def _units(char: str, encoding: str) -> int:
    if encoding == UTF8:
        return len(char.encode("utf-8"))
    if encoding == UTF32:
        return 1
    return 2 if ord(char) > 0xFFFF else 1


def _lines(text: str | None) -> list[str]:
    # The core's rule and LSP's: "\r\n", "\n" or "\r" end a line, nothing else does.
    return split_lines(text or "")


def to_character(line_text: str, column: int, encoding: str = UTF16) -> int:
    """A 0-based character index of `line_text` (may pass its end) → code units of `encoding`."""
    head = line_text[:column]
    return sum(_units(c, encoding) for c in head) + max(0, column - len(line_text))


def from_character(line_text: str, character: int, encoding: str = UTF16) -> int:
    """Code units of `encoding` → a 0-based character index (clamped to the line)."""
    units = 0
    for index, char in enumerate(line_text):
        if units >= character:
            return index
        units += _units(char, encoding)
    return len(line_text)


def to_position(
    lines: Sequence[str], line: int, column: int, encoding: str = UTF16
) -> types.Position:
    """A 1-based (line, column) → an LSP position."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return types.Position(line=max(line - 1, 0), character=to_character(text, column - 1, encoding))


def to_range(location: Location, text: str | None, encoding: str = UTF16) -> types.Range:
    """A finding's location → a range; without an end it covers its line's text."""
    lines = _lines(text)
    start = to_position(lines, location.line, location.column, encoding)
    if location.end_line is None:
        whole = lines[location.line - 1] if 0 < location.line <= len(lines) else ""
        end = to_position(lines, location.line, len(whole) + 1, encoding)
        if end.character < start.character:
            end = start
        return types.Range(start=start, end=end)
    end = to_position(lines, location.end_line, location.end_column or 1, encoding)
    return types.Range(start=start, end=end)


def edit_range(location: Location, text: str | None, encoding: str = UTF16) -> types.Range:
    """An edit's location → a range; without an end it replaces its whole line, newline included
    (as the core applies it: fixes/text.py `span`)."""
    if location.end_line is None:
        lines = _lines(text)
        start = to_position(lines, location.line, location.column, encoding)
        return types.Range(start=start, end=types.Position(line=location.line, character=0))
    return to_range(location, text, encoding)


def to_location(
    lines: Sequence[str], position: types.Position, encoding: str = UTF16
) -> tuple[int, int]:
    """An LSP position → a 1-based (line, column)."""
    text = lines[position.line] if position.line < len(lines) else ""
    return position.line + 1, from_character(text, position.character, encoding) + 1


def _before(a: types.Position, b: types.Position) -> bool:
    return (a.line, a.character) <= (b.line, b.character)


def intersects(a: types.Range, b: types.Range) -> bool:
    """Inclusive at both ends, so a cursor (an empty range) at a finding's edge still hits it."""
    return _before(a.start, b.end) and _before(b.start, a.end)


def contains(outer: types.Range, position: types.Position) -> bool:
    return _before(outer.start, position) and _before(position, outer.end)


# -- findings ----------------------------------------------------------------------------------


def rule_url(code: str) -> str:
    return f"{RULES_URL}#{code.lower()}"


def chain_text(finding: Finding) -> str:
    """`supabase==2.20.0 → pydantic>=1.9 (2.12.5) → pydantic-core==2.41.5`."""
    return " → ".join(str(link) for link in finding.chain)


def message(finding: Finding) -> str:
    # An editor shows related information only on request; the chain is the point of the finding.
    if len(finding.chain) > 1:
        return f"{finding.message}\n{chain_text(finding)}"
    return finding.message


def targets_text(finding: Finding) -> str:
    """Every target, where the message only summarises them ("all phones")."""
    return ", ".join(finding.targets)


def related_information(
    finding: Finding, uri: str, declared: types.Range
) -> list[types.DiagnosticRelatedInformation]:
    """The chain link by link, each at the declaration it starts from (the project declares the
    first link; each further one is declared by the previous package's metadata, which has no
    place in the workspace), then the full list of targets."""
    related: list[types.DiagnosticRelatedInformation] = []
    at = types.Location(uri=uri, range=declared)
    for index, link in enumerate(finding.chain):
        if index == 0:
            said = f"declared here: {link}"
        else:
            parent = finding.chain[index - 1]
            release = f"{parent.name} {parent.version}" if parent.version else parent.name
            said = f"{release} requires {link}"
        related.append(types.DiagnosticRelatedInformation(location=at, message=said))
    if finding.targets:
        related.append(
            types.DiagnosticRelatedInformation(
                location=at,
                message=f"targets ({len(finding.targets)}): {targets_text(finding)}",
            )
        )
    return related


def to_diagnostic(
    finding: Finding,
    text: str | None,
    encoding: str = UTF16,
    *,
    location: Location | None = None,
    uri: str | None = None,
) -> types.Diagnostic:
    """`location` overrides the finding's own (a finding without one is shown on line 1 of the
    project's main dependency file); `uri`, the location's, adds the related information."""
    where = location or finding.location or Location("", 1)
    found = to_range(where, text, encoding)
    return types.Diagnostic(
        range=found,
        message=message(finding),
        severity=severity(finding.severity),
        code=finding.code,
        code_description=types.CodeDescription(href=rule_url(finding.code)),
        source=SOURCE,
        related_information=(related_information(finding, uri, found) or None) if uri else None,
    )


def input_diagnostic(
    error: InputError, text: str | None, encoding: str = UTF16
) -> types.Diagnostic:
    """An unreadable project file: one error where the core says, line 1 when it does not."""
    where = error.location or Location("", 1)
    return types.Diagnostic(
        range=to_range(where, text, encoding),
        message=error.message,
        severity=types.DiagnosticSeverity.Error,
        code="input",
        source=SOURCE,
    )


# -- fixes -------------------------------------------------------------------------------------


def workspace_edit(
    fix: Fix, text_of: TextOf, uri_of: UriOf, encoding: str = UTF16
) -> types.WorkspaceEdit | None:
    """A fix's edits grouped by file URI; None when a file it edits cannot be read (its ranges
    could not be converted, and a wrong range would garble the file)."""
    changes: dict[str, list[types.TextEdit]] = {}
    for edit in fix.edits:
        path = edit.location.path
        text = text_of(path)
        if text is None and _needs_text(edit.location):
            return None
        changes.setdefault(uri_of(path), []).append(
            types.TextEdit(range=edit_range(edit.location, text, encoding), new_text=edit.new_text)
        )
    return types.WorkspaceEdit(changes=changes)


def _needs_text(location: Location) -> bool:
    # An insertion at the start of a new (empty) file needs no text to be placed.
    return (location.line, location.column) != (1, 1) or location.end_line not in (None, 1)


def code_actions(
    finding: Finding,
    diagnostic: types.Diagnostic,
    text_of: TextOf,
    uri_of: UriOf,
    encoding: str = UTF16,
) -> list[types.CodeAction]:
    """One quick fix per Fix; the first safe one is preferred, unsafe ones say so in the title."""
    actions: list[types.CodeAction] = []
    preferred_given = False
    for fix in finding.fixes:
        edit = workspace_edit(fix, text_of, uri_of, encoding)
        if edit is None:
            continue
        safe = fix.applicability == Applicability.SAFE
        preferred = safe and not preferred_given
        preferred_given = preferred_given or preferred
        actions.append(
            types.CodeAction(
                title=fix.title if safe else f"{fix.title} (unsafe)",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                is_preferred=preferred or None,
                edit=edit,
            )
        )
    return actions
