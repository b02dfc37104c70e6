"""Fix building and applying without an index: declare (FL101), edits, conflicts, atomic writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fletlint.linter.analysis import Analysis
from fletlint.linter.findings import Applicability, Edit, Finding, Fix, Location, Severity
from fletlint.linter.fixes import attach_fixes, declare_dependency_fix
from fletlint.linter.fixes.apply import apply_fixes, select_fixes, write_files
from fletlint.linter.fixes.context import FixContext
from fletlint.linter.fixes.text import minimal_edit
from fletlint.linter.index.model import ProjectListing
from fletlint.linter.sources.project import load_project

FIXTURES = Path(__file__).parent.parent / "fixtures" / "fixes"


def _analysis(root: Path) -> Analysis:
    def listing(name: str) -> ProjectListing:
        raise AssertionError(f"no index in these tests (asked for {name})")

    return Analysis(load_project(root), (), [], (), listing)


def _fl101(package: str) -> Finding:
    where = Location("main.py", 3, 1, 3, 13)
    return Finding("FL101", Severity.ERROR, f"{package} is imported, not declared", where, package)


@pytest.mark.parametrize("case", ["declare_requirements", "declare_pyproject"])
def test_fl101_gets_a_declare_fix_in_the_right_file(case: str, tmp_path: Path) -> None:
    app = tmp_path / "app"
    shutil.copytree(FIXTURES / case / "input", app)
    [finding] = attach_fixes(_analysis(app), [_fl101("httpx")])
    [fix] = finding.fixes
    assert fix.applicability == Applicability.SAFE
    assert fix.title.startswith("declare httpx in ")
    applied = apply_fixes(finding.fixes)
    write_files(applied.texts)
    for expected in (FIXTURES / case / "expected").iterdir():
        assert (app / expected.name).read_bytes() == expected.read_bytes()
    assert "httpx" in [d.requirement.name for d in load_project(app).requirements if d.requirement]


def test_declare_into_a_project_that_declares_nothing_keeps_flet(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\n')
    fix = declare_dependency_fix(load_project(tmp_path), "httpx", ">=0.27")
    assert fix is not None
    write_files(apply_fixes([fix]).texts)
    assert (tmp_path / "pyproject.toml").read_text() == (
        '[project]\nname = "app"\ndependencies = ["flet", "httpx>=0.27"]\n'
    )


def test_declare_into_poetry_dependencies(tmp_path: Path) -> None:
    text = '[tool.poetry.dependencies]\npython = "^3.12"\nflet = "0.86.6"  # ui\n'
    (tmp_path / "pyproject.toml").write_text(text)
    fix = declare_dependency_fix(load_project(tmp_path), "httpx")
    assert fix is not None
    write_files(apply_fixes([fix]).texts)
    assert (tmp_path / "pyproject.toml").read_text() == text + 'httpx = "*"\n'


def test_declare_skips_what_is_declared_already(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("HTTPX>=0.27\n")
    assert declare_dependency_fix(load_project(tmp_path), "httpx") is None


def _replace(path: Path, line: int, col: int, end_col: int, text: str, title: str = "t") -> Fix:
    edit = Edit(Location(str(path), line, col, line, end_col), text)
    return Fix(title, (edit,))


def test_edits_apply_bottom_up_and_keep_the_rest_byte_identical(tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    path.write_bytes(b"a==1  # one\r\nb==2\r\n# three\r\nc==3")
    fixes = [
        _replace(path, 1, 1, 5, "a==9"),
        _replace(path, 4, 1, 5, "c==7; extra"),
        _replace(path, 2, 5, 5, "\r\nb2==1"),
    ]
    applied = apply_fixes(fixes)
    assert applied.skipped == [] and len(applied.applied) == 3
    write_files(applied.texts)
    assert path.read_bytes() == b"a==9  # one\r\nb==2\r\nb2==1\r\n# three\r\nc==7; extra"


def test_overlapping_fix_is_skipped_for_the_next_round(tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    path.write_text("pydantic==2.12.5\n")
    first = _replace(path, 1, 1, 17, "pydantic==2.11.7", "pin")
    second = _replace(path, 1, 9, 17, '; platform_system != "Android"', "marker")
    applied = apply_fixes([first, second])
    assert applied.applied == [first] and applied.skipped == [second]
    assert applied.texts[path.resolve()] == "pydantic==2.11.7\n"


def test_the_same_edit_from_two_findings_lands_once(tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    path.write_text("x\n")
    insert = _replace(path, 1, 2, 2, "\ny==1")
    applied = apply_fixes([insert, Fix("again", insert.edits)])
    assert applied.texts[path.resolve()] == "x\ny==1\n"


def test_write_keeps_bom_and_mode_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    path.write_bytes(b"\xef\xbb\xbfa==1\n")
    path.chmod(0o640)
    applied = apply_fixes([_replace(path, 1, 1, 5, "a==2")])
    write_files(applied.texts)
    assert path.read_bytes() == b"\xef\xbb\xbfa==2\n"
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["requirements.txt"]


def test_a_failed_write_leaves_the_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "requirements.txt"
    path.write_text("a==1\n")

    def broken(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("fletlint.linter.storage.os.replace", broken)
    with pytest.raises(OSError):
        write_files({path: "a==2\n"})
    assert path.read_text() == "a==1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["requirements.txt"]


def test_an_edit_can_create_a_file(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    edit = minimal_edit(str(path), "", "[tool.flet]\n")
    assert edit is not None
    applied = apply_fixes([Fix("create", (edit,))])
    assert applied.originals[path.resolve()] is None
    write_files(applied.texts)
    assert path.read_text() == "[tool.flet]\n"


def test_minimal_edit_touches_only_the_changed_lines() -> None:
    old = "[a]\nx = 1\n\n[b]\ny = 2\n"
    new = "[a]\nx = 1\nz = [1]\n\n[b]\ny = 2\n"
    edit = minimal_edit("p.toml", old, new)
    assert edit == Edit(Location("p.toml", 3, 1, 3, 1), "z = [1]\n")


def test_select_fixes_takes_the_first_allowed_fix_per_finding() -> None:
    safe = Fix("safe", (), Applicability.SAFE)
    unsafe = Fix("unsafe", (), Applicability.UNSAFE)
    findings = [
        Finding("FL001", Severity.ERROR, "m", None, fixes=(unsafe, safe)),
        Finding("FL001", Severity.ERROR, "m", None, fixes=(unsafe,)),
    ]
    assert select_fixes(findings) == [safe]
    assert select_fixes(findings, unsafe=True) == [unsafe]


def test_stdlib_alternative_removes_the_line(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("anyio\nuvloop==0.21  # speed\nflet\n")
    ctx = FixContext(_analysis(tmp_path))
    declared = ctx.analysis.project.requirements[1]
    edit = ctx.remove_requirement(declared)
    assert edit is not None
    write_files(apply_fixes([Fix("remove", (edit,))]).texts)
    assert (tmp_path / "requirements.txt").read_text() == "anyio\nflet\n"


def test_requirement_in_a_literal_toml_string_is_rewritten_safely(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[project]\nname = 'app'\ndependencies = ['desktoponly==1.0']  # tray\n"
    )
    ctx = FixContext(_analysis(tmp_path))
    [declared] = ctx.analysis.project.requirements
    edit = ctx.replace_requirement(declared, "desktoponly==1.0; platform_system != 'iOS'")
    assert edit is not None
    write_files(apply_fixes([Fix("marker", (edit,))]).texts)
    [again] = load_project(tmp_path).requirements
    assert again.text == "desktoponly==1.0; platform_system != 'iOS'"
    assert (
        (tmp_path / "pyproject.toml")
        .read_text()
        .endswith("dependencies = [\"desktoponly==1.0; platform_system != 'iOS'\"]  # tray\n")
    )
