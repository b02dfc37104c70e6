"""fletlint.lsp.convert: findings → LSP types, with positions in the client's code units."""

from __future__ import annotations

from lsprotocol import types

from fletlint.linter.findings import (
    Applicability,
    ChainLink,
    Edit,
    Finding,
    Fix,
    InputError,
    Location,
    Severity,
)
from fletlint.lsp import convert


def _pos(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


def test_columns_count_utf16_code_units_on_non_ascii_lines() -> None:
    # "é" is one UTF-16 unit, "🚀" two (a surrogate pair): "cv2" is at character 17, unit 18
    # (UTF-8: 2 + 4 bytes, unit 21).
    text = "# é🚀\nx = 'é🚀'; import cv2\n"
    location = Location("main.py", 2, 18, 2, 21)
    assert text.split("\n")[1][17:20] == "cv2"
    assert convert.to_range(location, text) == types.Range(start=_pos(1, 18), end=_pos(1, 21))
    assert convert.to_range(location, text, convert.UTF8).start == _pos(1, 21)
    assert convert.to_range(location, text, convert.UTF32).start == _pos(1, 17)
    # And back: the cursor on "c" (UTF-16 unit 18) is column 18.
    assert convert.to_location(text.split("\n"), _pos(1, 18)) == (2, 18)


def test_a_location_without_an_end_covers_its_line_text() -> None:
    text = "anyio\r\npydantic==2.12.5\r\n"
    found = convert.to_range(Location("r.txt", 2), text)
    assert found == types.Range(start=_pos(1, 0), end=_pos(1, 16))


def test_diagnostic_carries_code_link_severity_and_chain() -> None:
    finding = Finding(
        "FL001",
        Severity.ERROR,
        "pydantic-core 2.41.5 has no phone wheel",
        Location("requirements.txt", 1, 1, 1, 17),
        chain=(
            ChainLink("pydantic", "pydantic==2.12.5", "2.12.5"),
            ChainLink("pydantic-core", "pydantic-core==2.41.5", "2.41.5"),
        ),
    )
    diagnostic = convert.to_diagnostic(finding, "pydantic==2.12.5\n")
    assert diagnostic.code == "FL001"
    assert diagnostic.source == "fletlint"
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    assert diagnostic.code_description is not None
    assert diagnostic.code_description.href == (
        "https://github.com/fletlint/fletlint/blob/main/docs/rules.md#fl001"
    )
    assert diagnostic.message.endswith("\npydantic==2.12.5 → pydantic-core==2.41.5")
    assert diagnostic.range == types.Range(start=_pos(0, 0), end=_pos(0, 16))
    assert convert.severity(Severity.INFO) == types.DiagnosticSeverity.Information


def test_input_error_is_an_error_coded_input() -> None:
    error = InputError("invalid requirement", Location("r.txt", 2, 9))
    diagnostic = convert.input_diagnostic(error, "anyio\npydantic>=<2\n")
    assert (diagnostic.code, diagnostic.severity) == ("input", types.DiagnosticSeverity.Error)
    assert diagnostic.range.start == _pos(1, 8)


def test_code_actions_edit_other_files_and_prefer_the_first_safe_fix() -> None:
    texts = {"/app/requirements.txt": "pydantic==2.12.5\n", "/app/pyproject.toml": "[tool.flet]\n"}
    unsafe = Fix(
        "pin pydantic==1.10.24",
        (Edit(Location("/app/requirements.txt", 1, 1, 1, 17), "x"),),
        Applicability.UNSAFE,
    )
    safe = Fix(
        "add to source_packages",
        (Edit(Location("/app/pyproject.toml", 2), "source_packages = ['x']\n"),),
    )
    finding = Finding(
        "FL001", Severity.ERROR, "m", Location("/app/requirements.txt", 1), fixes=(unsafe, safe)
    )
    diagnostic = convert.to_diagnostic(finding, texts["/app/requirements.txt"])
    actions = convert.code_actions(finding, diagnostic, texts.get, lambda p: "file://" + p)
    assert [a.title for a in actions] == [
        "pin pydantic==1.10.24 (unsafe)",
        "add to source_packages",
    ]
    assert [a.is_preferred for a in actions] == [None, True]
    edit = actions[1].edit
    assert edit is not None and edit.changes is not None
    (text_edit,) = edit.changes["file:///app/pyproject.toml"]
    # An edit without an end replaces its whole line, newline included (as the core applies it).
    assert text_edit.range == types.Range(start=_pos(1, 0), end=_pos(2, 0))
    assert actions[0].diagnostics == [diagnostic]
    assert actions[0].kind == types.CodeActionKind.QuickFix


def test_ranges_intersect_at_their_edges() -> None:
    finding = types.Range(start=_pos(0, 0), end=_pos(0, 16))
    assert convert.intersects(finding, types.Range(start=_pos(0, 16), end=_pos(0, 16)))
    assert not convert.intersects(finding, types.Range(start=_pos(1, 0), end=_pos(1, 0)))


def test_related_information_walks_the_chain_and_lists_every_target() -> None:
    finding = Finding(
        code="FL001",
        severity=Severity.ERROR,
        message="pydantic-core 2.41.5: no phone wheel; the build fails on all phones",
        location=Location("requirements.txt", 1, 1, 1, 17),
        package="pydantic-core",
        targets=("android_24_arm64_v8a", "ios_13_0_arm64_iphoneos"),
        chain=(
            ChainLink("supabase", "supabase==2.20.0", "2.20.0"),
            ChainLink("pydantic", "pydantic>=1.9,<3", "2.12.5"),
            ChainLink("pydantic-core", "pydantic-core==2.41.5", "2.41.5"),
        ),
    )
    uri = "file:///app/requirements.txt"
    diagnostic = convert.to_diagnostic(finding, "supabase==2.20.0\n", uri=uri)
    assert diagnostic.message.startswith("pydantic-core 2.41.5")  # the package first
    related = diagnostic.related_information
    assert related is not None
    assert [r.message for r in related] == [
        "declared here: supabase==2.20.0",
        "supabase 2.20.0 requires pydantic>=1.9,<3 (2.12.5)",
        "pydantic 2.12.5 requires pydantic-core==2.41.5",
        "targets (2): android_24_arm64_v8a, ios_13_0_arm64_iphoneos",
    ]
    assert all(r.location.uri == uri and r.location.range == diagnostic.range for r in related)
    # Without a URI (a caller that cannot say where), none.
    assert convert.to_diagnostic(finding, "supabase==2.20.0\n").related_information is None


def test_lines_end_where_the_editor_ends_them() -> None:
    # A form feed and U+2028 in a comment are characters of their line, not line breaks; a lone
    # "\r" is one.
    text = "# a\f b\u2028 c\rpydantic==2.12.5\n"
    found = convert.to_range(Location("r.txt", 2), text)
    assert found == types.Range(start=_pos(1, 0), end=_pos(1, 16))
