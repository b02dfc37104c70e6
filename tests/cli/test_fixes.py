"""`check --fix / --unsafe-fixes / --diff` on the fixture projects of tests/fixtures/fixes.

Each case has `input/` (copied to a temporary folder) and `expected/` (the files after the fix,
byte for byte: untouched lines, comments and layout included). After the fix the check is clean.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from fletlint.linter.analysis import Analysis
from fletlint.linter.engine import Linter, Report, Settings
from fletlint.linter.fixes.context import FixContext, parsed
from tests.cli.helpers import FIX_CASES, check, fix_case, not_as_expected, project
from tests.conftest import MakeIndex
from tests.support.fix_projects import FIXTURE_PROJECTS, copy_project, fix_copy, fixture_projects
from tests.support.index_server import LocalIndex
from tests.support.wheels import build_wheel

PY312 = ("--python-version", "3.12")

# case: (code of the finding, package, applicability of its first fix, needs --unsafe-fixes)
CASES = {
    "pin_parent_direct": (
        "FL001",
        "pydantic-core",
        "safe",
        "pin pydantic==2.12.5 to pydantic==2.11.7",
    ),
    "pin_parent_transitive": ("FL002", "pydantic-core", "safe", "add pydantic==2.11.7"),
    "pin_child": ("FL002", "loosechild", "safe", "add loosechild==1.1.0"),
    "pin_pyproject": ("FL002", "pydantic-core", "safe", "add pydantic==2.11.7"),
    "pin_poetry": ("FL001", "pydantic-core", "safe", "pin pydantic==2.12.5 to pydantic==2.11.7"),
    "pin_poetry_transitive": ("FL002", "pydantic-core", "safe", "add pydantic==2.11.7"),
    "marker": ("FL001", "desktoponly", "unsafe", "keep desktoponly==1.0.0 off android and ios"),
    "alternative": (
        "FL001",
        "psycopg2-binary",
        "unsafe",
        "replace psycopg2-binary==2.9.10 with psycopg2==2.9.10",
    ),
    "source_packages": ("FL003", "onlysdist", None, "add onlysdist to [tool.flet].source_packages"),
    "target_arch": ("FL001", "polars", "unsafe", "build for arm64-v8a, x86_64 only"),
}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("case", sorted(CASES))
def test_finding_carries_the_fix(
    case: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    code, package, applicability, title = CASES[case]
    app = fix_case(case, tmp_path)
    first = check(capsys, app, pypi_index, flet_index).first_fix(code, package, title)
    if applicability is not None:  # source_packages: safe once the sdist is known to be pure
        assert first["applicability"] == applicability


@pytest.mark.parametrize("case", sorted(CASES))
def test_fix_round_trip(
    case: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    app = fix_case(case, tmp_path)
    unsafe = CASES[case][2] != "safe"
    args = ["--fix", *(["--unsafe-fixes"] if unsafe else [])]
    fixed = check(capsys, app, pypi_index, flet_index, *args, fmt="text")
    assert fixed.code == 0, fixed.out + fixed.err
    assert "Fixed 1 finding (0 remaining)." in fixed.out
    assert not_as_expected(case, app) == []
    leftovers = [p.name for p in app.iterdir() if p.name.endswith(".fletlint")]
    assert leftovers == []
    again = check(capsys, app, pypi_index, flet_index)
    assert again.code == 0 and again.json()["findings"] == [], again.out


def test_safe_fix_leaves_unsafe_ones_and_says_so(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    app = fix_case("marker", tmp_path)
    before = _snapshot(app)
    run = check(capsys, app, pypi_index, flet_index, "--fix", fmt="text")
    assert run.code == 1
    assert "Fixed 0 findings (1 remaining)." in run.out
    assert "1 hidden fix can be enabled with `--unsafe-fixes`" in run.out
    assert _snapshot(app) == before


@pytest.mark.parametrize("case", ["pin_parent_transitive", "pin_pyproject", "target_arch"])
def test_diff_prints_and_writes_nothing(
    case: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    app = fix_case(case, tmp_path)
    before = _snapshot(app)
    run = check(capsys, app, pypi_index, flet_index, "--diff", "--unsafe-fixes", fmt="text")
    assert run.code == 1
    assert _snapshot(app) == before
    [name] = [p.name for p in (FIX_CASES / case / "expected").iterdir() if p.is_file()]
    assert f"--- a/{name}\n+++ b/{name}\n" in run.out
    expected = (FIX_CASES / case / "expected" / name).read_text().splitlines()
    original = (FIX_CASES / case / "input" / name).read_text().splitlines()
    added = [f"+{line}" for line in expected if line not in original]
    assert added and all(line in run.out.splitlines() for line in added), run.out
    assert "Would fix 1 finding" in run.err


def test_diff_on_a_clean_project_exits_0(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    (tmp_path / "requirements.txt").write_text("anyio==4.9.0\n")
    run = check(capsys, tmp_path, pypi_index, flet_index, "--diff", fmt="text")
    assert (run.code, run.out) == (0, "")
    assert "No fixes" in run.err


@pytest.mark.parametrize(
    ("before", "after", "summary"),
    [
        (
            b"# db\r\nloosepar==1.0.0\r\nanyio\r\n",
            b"# db\r\nloosepar==1.0.0\r\nloosechild==1.1.0\r\nanyio\r\n",
            "Fixed 1 finding (0 remaining).",
        ),
        (
            b"pydantic==2.12.5\nloosepar==1.0.0\n",
            b"pydantic==2.11.7\nloosepar==1.0.0\nloosechild==1.1.0\n",
            "Fixed 2 findings (0 remaining).",
        ),
    ],
    ids=["keeps-crlf-line-endings", "two-fixes-in-one-file-both-land"],
)
def test_fix_rewrites_the_requirements_file(
    before: bytes,
    after: bytes,
    summary: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    (tmp_path / "requirements.txt").write_bytes(before)
    run = check(capsys, tmp_path, pypi_index, flet_index, "--fix")
    assert run.code == 0, run.err + run.out
    assert (tmp_path / "requirements.txt").read_bytes() == after
    assert summary in run.err  # JSON keeps stdout for the report
    assert run.json()["findings"] == []


def test_text_output_shows_fixes(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    app = fix_case("target_arch", tmp_path)
    run = check(capsys, app, pypi_index, flet_index, fmt="text")
    assert "fix (unsafe): build for arm64-v8a, x86_64 only" in run.out
    assert "fix (unsafe): keep polars==1.33.0 off android with a marker" in run.out


def test_fix_declares_an_undeclared_import(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    (tmp_path / "requirements.txt").write_text("# deps\nanyio==4.9.0\n")
    (tmp_path / "main.py").write_text("import anyio\nimport httpx\n")
    before = check(capsys, tmp_path, pypi_index, flet_index)
    [fix] = before.finding("FL101", "httpx")["fixes"]
    assert (fix["title"], fix["applicability"]) == ("declare httpx in requirements.txt", "safe")
    fixed = check(capsys, tmp_path, pypi_index, flet_index, "--fix")
    assert fixed.code == 0 and fixed.json()["findings"] == [], fixed.out
    assert (tmp_path / "requirements.txt").read_text() == "# deps\nanyio==4.9.0\nhttpx\n"
    assert (tmp_path / "main.py").read_text() == "import anyio\nimport httpx\n"


def _linter(pypi: LocalIndex, flet: LocalIndex, **options: Any) -> Linter:
    settings = Settings(index_url=pypi.url, flet_index_url=flet.url, use_pip_config=False)
    return Linter(dataclasses.replace(settings, **options))


def _report(folder: Path, pypi: LocalIndex, flet: LocalIndex, **options: Any) -> Report:
    """The core's report of a check of `folder`, with Settings `options`."""
    with _linter(pypi, flet, **options) as linter:
        return linter.check(folder)


def _fixes_of(report: Report, package: str) -> list[str]:
    return [x.title for f in report.findings if f.package == package for x in f.fixes]


def test_project_alternatives_extend_the_table(
    tmp_path: Path, pypi_index: LocalIndex, flet_index: LocalIndex
) -> None:
    (tmp_path / "requirements.txt").write_text("desktoponly==1.0.0\nnativesdist==2.0.0\n")
    extra = (
        ("desktoponly", "psycopg2", "a made-up replacement that has phone wheels"),
        ("nativesdist", "desktoponly", "a replacement without phone wheels is not offered"),
    )
    report = _report(tmp_path, pypi_index, flet_index, alternatives=extra)
    assert (
        "replace desktoponly==1.0.0 with psycopg2: a made-up replacement that has phone wheels"
        in _fixes_of(report, "desktoponly")
    )
    assert not any(t.startswith("replace") for t in _fixes_of(report, "nativesdist"))


def test_no_pin_in_hash_checking_mode(
    tmp_path: Path, pypi_index: LocalIndex, flet_index: LocalIndex
) -> None:
    # A pinned line without --hash would make pip refuse the whole file.
    (tmp_path / "requirements.txt").write_text(f"pydantic==2.12.5 --hash=sha256:{'0' * 64}\n")
    titles = _fixes_of(_report(tmp_path, pypi_index, flet_index), "pydantic-core")
    assert titles and not any(t.startswith("pin") for t in titles)


MARKER_FIX = (
    "keep pydantic==2.12.5 off android and ios with a marker (the app must not import it there)"
)


@pytest.mark.parametrize(
    ("constraint", "fixes"),
    [
        # pydantic 2.11.7 would fix pydantic-core, but the constraint forbids it: the
        # re-resolution fails, so no pin is offered (only the marker, which is unsafe).
        ("pydantic>=2.12", [MARKER_FIX]),
        # With 2.11.7 ruled out, pydantic 1.10.24 (no pydantic-core at all) installs: verified,
        # but another API, so the code must be checked.
        (
            "pydantic!=2.11.7",
            [
                "pin pydantic==2.12.5 to pydantic==1.10.24, which has phone wheels "
                "(from 2.12.5: another major version)",
                MARKER_FIX,
            ],
        ),
    ],
    ids=["pin-that-breaks-a-constraint-not-offered", "pin-to-another-major-version-unsafe"],
)
def test_a_pin_the_constraints_rule_out_is_not_offered_or_unsafe(
    constraint: str,
    fixes: list[str],
    tmp_path: Path,
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    (tmp_path / "constraints.txt").write_text(constraint + "\n")
    (tmp_path / "requirements.txt").write_text("-c constraints.txt\npydantic==2.12.5\n")
    report = _report(tmp_path, pypi_index, flet_index)
    [finding] = [f for f in report.findings if f.package == "pydantic-core"]
    assert [x.applicability.value for x in finding.fixes] == ["unsafe"] * len(fixes)
    assert [x.title for x in finding.fixes] == fixes


def test_align_pins_what_the_phone_gets_when_no_pin_of_the_blocker_works(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make_index: MakeIndex,
    flet_index: LocalIndex,
) -> None:
    # applib 2 needs corelib 2, native with desktop wheels only; applib 1 needs nothing. The
    # phone silently gets applib 1 (FL002) and no corelib release has phone wheels to pin.
    index_dir = tmp_path / "index"
    build_wheel(index_dir, "applib", "2.0.0", requires_dist=["corelib==2.0.0"])
    build_wheel(index_dir, "applib", "1.0.0")
    build_wheel(index_dir, "corelib", "2.0.0", tag="cp312-cp312-manylinux_2_17_x86_64")
    index = make_index(index_dir)
    app = project(tmp_path / "app", "applib  # the app's library\n")
    run = check(capsys, app, index, flet_index, "--python-version", "3.12")
    finding = run.finding("FL002", "corelib")
    titles = [f["title"] for f in finding["fixes"]]
    assert any(t.startswith("pin applib==1.0.0 (what the phones get)") for t in titles), titles
    fixed = check(
        capsys, app, index, flet_index, "--python-version", "3.12", "--fix", "--unsafe-fixes"
    )
    assert fixed.code == 0
    lines = (app / "requirements.txt").read_text().splitlines()
    assert lines[0] == "applib  # the app's library"  # untouched, comment kept
    assert "applib==1.0.0" in lines[1:]
    assert "FL002" not in check(capsys, app, index, flet_index, "--python-version", "3.12").codes()


# -- issue 7: fixes that build ----------------------------------------------------------------

# Fixture projects whose phone build no fix can repair, and why.
UNREPAIRABLE = {
    "FL001-matplotlib": "contourpy has no phone wheel in any release, and the app imports it",
    "FL004": "no release satisfies the requirement anywhere",
}


def _installs_everywhere(report: dict[str, object], flet: bool = True) -> list[str]:
    """The phone targets that do not install, or (`flet`) install no flet."""
    targets = report["targets"]
    assert isinstance(targets, list)
    return [
        t["name"] for t in targets if not t["installs"] or (flet and "flet" not in t["packages"])
    ]


def _declares_flet(project: Path) -> bool:
    """Whether the fixture project asks for flet (some rule fixtures are not Flet apps)."""
    files = [project / "requirements.txt", project / "pyproject.toml"]
    return any(f.is_file() and "flet" in f.read_text() for f in files)


@pytest.mark.parametrize("case", [p.name for p in fixture_projects()])
def test_fixed_fixture_projects_build_on_phones_and_desktops(
    case: str, tmp_path: Path, pypi_index: LocalIndex, flet_index: LocalIndex
) -> None:
    """Acceptance: after `--fix --unsafe-fixes`, a repairable project installs on every phone
    target with flet, and pip on a desktop (Linux, macOS, Windows markers) accepts it."""
    fixed = fix_copy(FIXTURE_PROJECTS / case, tmp_path, pypi_index, flet_index, *PY312)
    failing = {f["code"] for f in fixed.report["findings"]} & {"FL001", "FL003", "FL004"}
    if case in UNREPAIRABLE:
        assert failing, f"{case} is listed as unrepairable but was repaired: {fixed.summary}"
        return
    assert not failing, fixed.report["findings"]
    flet = _declares_flet(FIXTURE_PROJECTS / case)
    assert _installs_everywhere(fixed.report, flet) == []
    with _linter(pypi_index, flet_index, python_version="3.12") as linter:
        report = linter.check(fixed.root)
        assert all(r.unconstrained.ok for r in report.results)
        assert _context(linter, report).desktop_accepts(report.project.requirements)


def _context(linter: Linter, report: Report) -> FixContext:
    """What the fixes see of a check: to ask it whether a desktop accepts requirements."""
    client = linter.client_for(linter.index_sources(report.project))
    return FixContext(
        Analysis(report.project, report.targets, report.results, (), client.listing, source=client)
    )


def test_two_independent_blockers_get_two_working_fixes(
    tmp_path: Path, pypi_index: LocalIndex, flet_index: LocalIndex
) -> None:
    app = copy_project(FIXTURE_PROJECTS / "FL001-two-blockers", tmp_path)
    report = _report(app, pypi_index, flet_index)
    firsts = {
        f.package: f.fixes[0]
        for f in report.findings
        if f.code == "FL001" and f.location and f.location.path.endswith(".txt")
    }
    assert {p: (x.applicability.value, x.title) for p, x in firsts.items()} == {
        "pydantic-core": (
            "safe",
            "pin pydantic==2.12.5 to pydantic==2.11.7, which has phone wheels",
        ),
        "loosechild": (
            "safe",
            "pin loosechild==1.2.0 to loosechild==1.1.0, which has phone wheels",
        ),
    }
    fixed = fix_copy(
        FIXTURE_PROJECTS / "FL001-two-blockers", tmp_path / "fixed", pypi_index, flet_index, *PY312
    )
    assert fixed.exit_code == 0 and fixed.report["findings"] == []
    assert (fixed.root / "requirements.txt").read_text() == (
        "flet==0.86.6\npydantic==2.11.7\nloosechild==1.1.0\n"
    )


def test_flet_all_keeps_flet_on_phones_and_the_extra_on_desktops(
    tmp_path: Path, pypi_index: LocalIndex, flet_index: LocalIndex
) -> None:
    fixed = fix_copy(FIXTURE_PROJECTS / "FL001-flet-all", tmp_path, pypi_index, flet_index, *PY312)
    assert fixed.exit_code == 0, fixed.report["findings"]
    text = (fixed.root / "pyproject.toml").read_text()
    assert '    "flet==0.86.6",\n' in text
    assert (
        '"flet[all]==0.86.6; platform_system != \\"Android\\" and platform_system != \\"iOS\\""'
        in text
    )
    assert _installs_everywhere(fixed.report) == []


@pytest.mark.parametrize(
    ("main_py", "offered"),
    [
        # desktoponly has no phone release: with the app importing it, no fix is the honest
        # answer; not imported, or imported by an app that copes without it, the marker is.
        ("import flet\nimport desktoponly\n", False),
        ("import flet\n", True),
        (
            "import flet\ntry:\n    import desktoponly\n"
            "except ImportError:\n    desktoponly = None\n",
            True,
        ),
    ],
    ids=["imported", "not-imported", "import-guarded"],
)
def test_no_marker_takes_an_imported_package_or_flet_off_phones(
    main_py: str, offered: bool, tmp_path: Path, pypi_index: LocalIndex, flet_index: LocalIndex
) -> None:
    project(tmp_path, "flet==0.86.6\ndesktoponly==1.0.0\n", main__py=main_py)
    report = _report(tmp_path, pypi_index, flet_index)
    assert report.findings
    assert any(f.fixes for f in report.findings if f.code == "FL001") is offered
    titles = _fixes_of(report, "desktoponly")
    assert any(t.startswith("keep desktoponly==1.0.0 off") for t in titles) is offered


@pytest.mark.parametrize(
    ("targets", "target_arch_fixes"),
    [
        # polars has no armeabi_v7a wheel; with only that ABI checked, keeping the other
        # (unchecked) ABIs would be a fix nothing verified.
        (("android_24_armeabi_v7a",), []),
        (
            ("android",),
            [
                "build for arm64-v8a, x86_64 only ([tool.flet.android].target_arch): "
                "polars has no wheel for armeabi-v7a"
            ],
        ),
    ],
    ids=["only-armeabi-v7a-checked", "every-android-abi-checked"],
)
def test_target_arch_keeps_only_checked_abis(
    targets: tuple[str, ...],
    target_arch_fixes: list[str],
    tmp_path: Path,
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    (tmp_path / "requirements.txt").write_text("polars==1.33.0\n")
    report = _report(tmp_path, pypi_index, flet_index, targets=targets)
    assert report.findings
    titles = _fixes_of(report, "polars")
    assert [t for t in titles if "target_arch" in t or t.startswith("build for")] == (
        target_arch_fixes
    )


def test_desktop_refuses_contradicting_pins(
    tmp_path: Path, pypi_index: LocalIndex, flet_index: LocalIndex
) -> None:
    (tmp_path / "requirements.txt").write_text("flet==0.86.6\n")
    with _linter(pypi_index, flet_index) as linter:
        report = linter.check(tmp_path)
        ctx = _context(linter, report)
        [flet] = report.project.requirements
        both = [
            parsed("pydantic==2.11.7", flet),
            parsed('pydantic==2.12.5; platform_system != "Android"', flet),
        ]
        assert not ctx.desktop_accepts([flet, *(x for x in both if x is not None)])
        assert ctx.desktop_accepts([flet, *(x for x in both[:1] if x is not None)])


def test_safe_fixes_that_fail_together_become_unsafe(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make_index: MakeIndex,
    flet_index: LocalIndex,
) -> None:
    # alpha 2.0.0 and beta 2.0.0 are native, desktop-only; alpha 2.0.1 and beta 2.0.1 are pure,
    # but beta 2.0.1 needs alpha 2.0.0. Each pin works with the other package held out; both
    # pins together do not.
    index_dir = tmp_path / "index"
    desktop = "cp312-cp312-manylinux_2_17_x86_64"
    build_wheel(index_dir, "alpha", "2.0.0", tag=desktop)
    build_wheel(index_dir, "alpha", "2.0.1")
    build_wheel(index_dir, "beta", "2.0.0", tag=desktop)
    build_wheel(index_dir, "beta", "2.0.1", requires_dist=["alpha==2.0.0"])
    index = make_index(index_dir)
    app = project(tmp_path / "app", "alpha==2.0.0\nbeta==2.0.0\n")
    run = check(capsys, app, index, flet_index, *PY312)
    firsts = {f["package"]: f["fixes"][0] for f in run.json()["findings"] if f["fixes"]}
    assert set(firsts) == {"alpha", "beta"}, run.out
    for fix in firsts.values():
        assert fix["applicability"] == "unsafe", fix
        assert fix["title"].endswith("apply it on its own)"), fix
    fixed = check(capsys, app, index, flet_index, *PY312, "--fix", "--unsafe-fixes", fmt="text")
    # One of them per round: the alpha pin, then (re-verified) what is left for beta.
    assert "alpha==2.0.1" in (app / "requirements.txt").read_text(), fixed.out
    assert fixed.code == 0, fixed.out
