"""The stored report: a warm check with unchanged inputs reads it instead of recomputing.

A hit is proven without timing: the engine builds no `Analysis` (rules and fixes never run).
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from fletlint.linter import analysis
from fletlint.linter.engine import Linter, Report, Settings
from fletlint.report.json_report import render
from tests.cli.helpers import check
from tests.conftest import MakeIndex
from tests.support.index_server import LocalIndex
from tests.support.universe import Universe
from tests.support.wheels import build_wheel

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rules"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


@pytest.fixture
def analyses(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """One entry per check that ran its rules (a check answered from the store adds none)."""
    built: list[object] = []
    real = analysis.Analysis

    def counting(*args: Any, **kwargs: Any) -> Any:
        built.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(analysis, "Analysis", counting)  # the engine imports it when it runs
    return built


def _settings(pypi: LocalIndex, flet: LocalIndex, **more: Any) -> Settings:
    return Settings(index_url=pypi.url, flet_index_url=flet.url, python_version="3.12", **more)


def _check(
    path: Path,
    settings: Settings,
    environ: Mapping[str, str] | None = None,
    **options: Any,
) -> Report:
    with Linter(settings, environ) as linter:
        return linter.check(path, **options)


def _json(report: Report) -> str:
    return render(dataclasses.replace(report, elapsed=0.0))


@pytest.mark.parametrize("case", CASES)
def test_a_warm_check_returns_the_stored_report(
    case: str,
    tmp_path: Path,
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
    analyses: list[object],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = FIXTURES / case
    app = tmp_path / case
    shutil.copytree(
        source, app, ignore=shutil.ignore_patterns("expected.json", "flet-index-down", "max-rounds")
    )
    if (source / "flet-index-down").exists():
        flet_index.down()
    if (source / "max-rounds").exists():
        monkeypatch.setenv("FLETLINT_MAX_ROUNDS", (source / "max-rounds").read_text().strip())
    settings = _settings(pypi_index, flet_index)
    cold = _check(app, settings)
    assert len(analyses) == 1
    warm = _check(app, settings)
    assert len(analyses) == 1, "the warm check ran its rules"
    assert dataclasses.replace(warm, stats=cold.stats, elapsed=cold.elapsed) == cold
    assert _json(warm) == _json(cold)


@pytest.fixture
def app(tmp_path: Path) -> Path:
    """A small app: requirements.txt names anyio, main.py imports it."""
    folder = tmp_path / "app"
    folder.mkdir()
    (folder / "requirements.txt").write_text("anyio\n")
    (folder / "main.py").write_text("import anyio\n")
    return folder


@pytest.fixture
def settings(pypi_index: LocalIndex, flet_index: LocalIndex) -> Settings:
    """One target, Python 3.12, the local indexes."""
    return _settings(pypi_index, flet_index, targets=("android",))


@dataclasses.dataclass(frozen=True)
class StoredCheck:
    """A cold check's report and the one report file it stored."""

    cold: Report
    path: Path


@pytest.fixture
def stored(
    app: Path, settings: Settings, analyses: list[object], isolated_env: Path
) -> StoredCheck:
    """`app` importing httpx (a FL101 finding), checked cold: its report and the stored file."""
    _import_httpx(app)
    cold = _check(app, settings)
    [path] = (isolated_env / "reports-v1").iterdir()
    return StoredCheck(cold, path)


def _edit_requirements(app: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (app / "requirements.txt").write_text("anyio\nhttpx\n")


def _import_httpx(app: Path) -> None:
    """main.py imports httpx, which no requirement declares (FL101)."""
    (app / "main.py").write_text("import anyio\nimport httpx\n")


def _edit_import(app: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _import_httpx(app)


def _add_app_file(app: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (app / "more.py").write_text("import httpx\n")


def _add_pyproject(app: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (app / "pyproject.toml").write_text('[project]\nname = "app"\ndependencies = ["anyio"]\n')


def _set_environ(app: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLETLINT_MAX_ROUNDS", "1")


@pytest.mark.parametrize(
    "change", [_edit_requirements, _edit_import, _add_app_file, _add_pyproject, _set_environ]
)
def test_a_changed_input_recomputes(
    change: Any,
    app: Path,
    settings: Settings,
    analyses: list[object],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _check(app, settings)
    _check(app, settings)
    assert len(analyses) == 1
    change(app, monkeypatch)
    changed = _check(app, settings)
    assert len(analyses) == 2, "a changed input must recompute"
    again = _check(app, settings)
    assert len(analyses) == 2, "the recomputed report is stored in turn"
    assert again.findings == changed.findings


def test_a_changed_setting_recomputes(
    app: Path,
    settings: Settings,
    analyses: list[object],
) -> None:
    _import_httpx(app)
    first = _check(app, settings)
    assert "FL101" in {f.code for f in first.findings}
    ignoring = _check(app, dataclasses.replace(settings, ignore=("FL101",)))
    assert len(analyses) == 2
    assert "FL101" not in {f.code for f in ignoring.findings}
    _check(app, settings)
    _check(app, dataclasses.replace(settings, ignore=("FL101",)))
    assert len(analyses) == 2, "each settings' report is kept: both are read back"


def test_a_new_release_on_the_index_recomputes(
    app: Path,
    settings: Settings,
    tmp_path: Path,
    universe: Universe,
    make_index: MakeIndex,
    flet_index: LocalIndex,
    analyses: list[object],
) -> None:
    mirror = tmp_path / "mirror"
    shutil.copytree(universe.pypi_dir, mirror)
    pypi = make_index(mirror)
    settings = _settings(pypi, flet_index, targets=("android",))
    before = _check(app, settings)
    _check(app, settings)
    assert len(analyses) == 1
    build_wheel(mirror, "anyio", "4.10.0")
    after = _check(app, settings)
    assert len(analyses) == 2
    assert str(before.results[0].resolution.packages["anyio"].version) == "4.9.0"  # type: ignore[index]
    assert str(after.results[0].resolution.packages["anyio"].version) == "4.10.0"  # type: ignore[index]


def test_an_index_that_comes_back_recomputes(
    app: Path,
    settings: Settings,
    flet_index: LocalIndex,
    analyses: list[object],
) -> None:
    flet_index.down()
    down = _check(app, settings)
    assert "FL005" in {f.code for f in down.findings}
    assert _check(app, settings).findings == down.findings
    assert len(analyses) == 1, "still down: the same problems, the stored report"
    flet_index.up()
    back = _check(app, settings)
    assert len(analyses) == 2
    assert "FL005" not in {f.code for f in back.findings}


@pytest.mark.parametrize(
    "content",
    [
        b"\x00garbage",
        b"[]",
        b'{"format": 1}',
        b'{"format": 1, "key": 1, "listings": [], "problems": {}, "findings": "x"}',
        b"[" * 100_000,
    ],
)
def test_an_unreadable_stored_report_is_a_miss(
    content: bytes,
    stored: StoredCheck,
    app: Path,
    settings: Settings,
    analyses: list[object],
) -> None:
    stored.path.write_bytes(content)
    again = _check(app, settings)
    assert len(analyses) == 2
    assert again.findings == stored.cold.findings


def test_a_stored_finding_of_the_wrong_shape_is_a_miss(
    stored: StoredCheck,
    app: Path,
    settings: Settings,
    tmp_path: Path,
    analyses: list[object],
) -> None:
    data = json.loads(stored.path.read_text())
    assert data["findings"], "the project has a finding to tamper with"
    outside = str(tmp_path / "outside.txt")  # a file the check never read: --fix must not write it
    tampered: list[dict[str, Any]] = [
        {"severity": "fatal"},
        {"extra": 1},
        {"location": {**data["findings"][0]["location"], "line": "1"}},
        {"location": {**data["findings"][0]["location"], "path": outside}},
    ]
    for tamper in tampered:
        finding = {**data["findings"][0], **tamper}
        stored.path.write_text(json.dumps({**data, "findings": [finding]}))
        assert _check(app, settings).findings == stored.cold.findings
    assert len(analyses) == 1 + len(tampered)
    assert not (tmp_path / "outside.txt").exists()


def test_unsaved_texts_are_inputs(
    app: Path,
    settings: Settings,
    analyses: list[object],
) -> None:
    disk = _check(app, settings)
    edited = {app / "main.py": "import anyio\nimport httpx\n"}
    unsaved = _check(app, settings, texts=edited)
    assert len(analyses) == 2
    assert "FL101" in {f.code for f in unsaved.findings}
    assert "FL101" not in {f.code for f in disk.findings}
    assert _check(app, settings, texts=edited).findings == unsaved.findings
    assert len(analyses) == 2
    assert _check(app, settings).findings == disk.findings  # one slot: the last report
    assert len(analyses) == 3
    as_on_disk = {app / "main.py": (app / "main.py").read_text()}
    assert _check(app, settings, texts=as_on_disk, fixes=False).findings == disk.findings
    assert len(analyses) == 3, "an editor's text equal to the disk reads the stored report"


def test_a_check_without_fixes_reads_a_stored_report_with_them(
    app: Path,
    settings: Settings,
    analyses: list[object],
) -> None:
    _import_httpx(app)
    without = _check(app, settings, fixes=False)
    assert without.fixes_later is not None
    assert not any(f.fixes for f in without.findings)
    full = _check(app, settings)
    assert len(analyses) == 2, "a report without fixes is not stored"
    assert any(f.fixes for f in full.findings)
    stored = _check(app, settings, fixes=False)
    assert len(analyses) == 2
    assert stored.findings == full.findings and stored.fixes_later is None


def test_cli_json_is_byte_identical_cold_and_warm(
    app: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
    analyses: list[object],
) -> None:
    _import_httpx(app)
    cold = check(capsys, app, pypi_index, flet_index)
    warm = check(capsys, app, pypi_index, flet_index)
    assert len(analyses) == 1
    assert (cold.code, cold.err) == (warm.code, warm.err)
    elapsed = '"elapsed_seconds": '
    strip = [line for line in cold.out.splitlines() if elapsed not in line]
    assert strip == [line for line in warm.out.splitlines() if elapsed not in line]
    assert len(strip) == len(cold.out.splitlines()) - 1


def test_fix_from_a_stored_report(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
    analyses: list[object],
) -> None:
    (tmp_path / "requirements.txt").write_text("pydantic==2.12.5\nloosepar==1.0.0\n")
    check(capsys, tmp_path, pypi_index, flet_index)
    checks = len(analyses)
    run = check(capsys, tmp_path, pypi_index, flet_index, "--fix", fmt="text")
    # The unchanged project is read from the store; only the fixed one is checked anew.
    assert analyses[checks:] and all(p != analyses[0] for p in analyses[checks:])
    assert run.code == 0, run.out
    assert "Fixed 2 findings (0 remaining)." in run.out
    assert (tmp_path / "requirements.txt").read_text() == (
        "pydantic==2.11.7\nloosepar==1.0.0\nloosechild==1.1.0\n"
    )


def test_no_cache_recomputes_and_stores_nothing(
    app: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
    analyses: list[object],
    isolated_env: Path,
) -> None:
    first = check(capsys, app, pypi_index, flet_index, "--no-cache")
    assert not (isolated_env / "reports-v1").exists()
    check(capsys, app, pypi_index, flet_index)
    again = check(capsys, app, pypi_index, flet_index, "--no-cache")
    assert len(analyses) == 3
    assert first.json()["findings"] == again.json()["findings"]


def test_a_copied_cache_folder_keeps_its_reports(
    app: Path,
    settings: Settings,
    tmp_path: Path,
    analyses: list[object],
    isolated_env: Path,
) -> None:
    """Where the cache lives is not an input: the reports are in it (a CI restores it anywhere)."""
    cold = _check(app, settings)
    copy = tmp_path / "restored-cache"
    shutil.copytree(isolated_env, copy)
    warm = _check(app, dataclasses.replace(settings, cache_dir=copy))
    assert len(analyses) == 1
    assert warm.findings == cold.findings


@pytest.mark.parametrize("given", ["app", "app/requirements.txt", "."])
def test_a_relative_path_is_read_back(
    given: str,
    app: Path,
    settings: Settings,
    tmp_path: Path,
    analyses: list[object],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Findings locate files as the check was given them (`app/requirements.txt`)."""
    _import_httpx(app)
    monkeypatch.chdir(app if given == "." else tmp_path)
    cold = _check(Path(given), settings)
    assert cold.findings and all(f.location is not None for f in cold.findings)
    assert _check(Path(given), settings).findings == cold.findings
    assert len(analyses) == 1
