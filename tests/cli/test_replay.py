"""The replay of a warm check (cli_replay.py): the stored output of an identical command line.

A replay is proven without timing: the engine's `Linter.check` is not called. Its oracle is the
same check with `--no-cache` (neither replay nor stored report): after every change to an input
the replayed command must print what the full check prints (the elapsed time aside) and exit
as it does, and a change must never be answered from the previous output.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fletlint import cli_replay
from fletlint.linter.engine import Linter
from fletlint.linter.index.cache import CacheEntry, HttpCache
from fletlint.linter.observed import file_state, folder_state, page_state
from tests.cli.helpers import Run, check, index_args, run_cli
from tests.conftest import MakeIndex
from tests.support.index_server import LocalIndex
from tests.support.universe import Universe
from tests.support.wheels import build_wheel, write_file_index

_ELAPSED = '"elapsed_seconds": '
_ONE_TARGET = ("--python-version", "3.12", "--target", "android_24_arm64_v8a")


@pytest.fixture
def engine_runs(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """One entry per check the engine ran (a replayed one adds none)."""
    ran: list[Path] = []
    real = Linter.check

    def counting(self: Linter, path: Path, **options: Any) -> Any:
        ran.append(path)
        return real(self, path, **options)

    monkeypatch.setattr(Linter, "check", counting)
    return ran


@pytest.fixture
def fresh_pages(pypi_index: LocalIndex, flet_index: LocalIndex) -> None:
    """Pages fresh for 10 minutes, as PyPI's are (the session indexes answer max-age=0)."""
    pypi_index.cache_control = flet_index.cache_control = "max-age=600"  # restored per test


@dataclass
class Project:
    """An app (it imports httpx, which no requirement declares: FL101), its pip configuration
    (naming a constraint file) and an extra entry on sys.path, each a changeable input."""

    app: Path
    pip_conf: Path
    constraints: Path
    site: Path
    pypi: LocalIndex
    flet: LocalIndex


@pytest.fixture
def project(
    tmp_path: Path,
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
    fresh_pages: None,
    monkeypatch: pytest.MonkeyPatch,
) -> Project:
    return _make_project(tmp_path, pypi_index, flet_index, monkeypatch)


def _make_project(
    tmp_path: Path, pypi_index: LocalIndex, flet_index: LocalIndex, monkeypatch: pytest.MonkeyPatch
) -> Project:
    app = tmp_path / "app"
    app.mkdir()
    (app / "requirements.txt").write_text("anyio\n")
    (app / "main.py").write_text("import anyio\nimport httpx\n")
    constraints = tmp_path / "constraints.txt"
    constraints.write_text("")
    pip_conf = tmp_path / "pip.conf"
    pip_conf.write_text(f"[global]\nconstraint = {constraints}\n")
    monkeypatch.setenv("PIP_CONFIG_FILE", str(pip_conf))
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.syspath_prepend(str(site))
    return Project(app, pip_conf, constraints, site, pypi_index, flet_index)


def _run(capsys: pytest.CaptureFixture[str], p: Project, *extra: str) -> Run:
    return check(capsys, p.app, p.pypi, p.flet, *_ONE_TARGET, *extra)


def _without_elapsed(run: Run) -> tuple[int, list[str], str]:
    lines = [line for line in run.out.splitlines() if _ELAPSED not in line]
    return run.code, lines, run.err


Change = Callable[[Project, pytest.MonkeyPatch], None]


def _edit_requirements(p: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    (p.app / "requirements.txt").write_text("anyio\nhttpx\n")


def _edit_import(p: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    (p.app / "main.py").write_text("import anyio\n")


def _add_app_folder(p: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    (p.app / "pkg").mkdir(exist_ok=True)
    (p.app / "pkg" / "more.py").write_text("import postgrest\n")


def _add_pyproject(p: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    (p.app / "pyproject.toml").write_text('[project]\nname = "app"\ndependencies = ["httpx"]\n')


def _parent_config(p: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    # No pyproject.toml in the app: the nearest parent's [tool.fletlint] applies (as ruff's).
    (p.app.parent / "pyproject.toml").write_text('[tool.fletlint]\nignore = ["FL101"]\n')


def _set_environ(p: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLETLINT_MAX_ROUNDS", "1")


def _flet_cli_in_venv(p: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    venv = p.app / ".venv"
    (venv / "lib" / "python3.12" / "site-packages" / "flet_cli-1.0.5.dist-info").mkdir(
        parents=True, exist_ok=True
    )
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")


def _edit_pip_config(p: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    p.pip_conf.write_text("[global]\n")


def _edit_constraints(p: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    p.constraints.write_text("anyio==0.0.1\n")


def _install_package(p: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    (p.site / "httpx-0.28.1.dist-info").mkdir(exist_ok=True)  # FL101 asks which provides httpx


def _pages_go_stale(p: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    moved = time.time() + 700  # past the pages' 10 minutes: the engine must revalidate them
    monkeypatch.setattr(time, "time", lambda: moved)


CHANGES: list[Change] = [
    _edit_requirements,
    _edit_import,
    _add_app_folder,
    _add_pyproject,
    _parent_config,
    _set_environ,
    _flet_cli_in_venv,
    _edit_pip_config,
    _edit_constraints,
    _install_package,
    _pages_go_stale,
]


def test_an_unchanged_check_is_replayed(
    capsys: pytest.CaptureFixture[str], project: Project, engine_runs: list[Path]
) -> None:
    cold = _run(capsys, project)
    assert cold.code == 1 and "FL101" in cold.codes()
    warm = _run(capsys, project)
    assert len(engine_runs) == 1, "the warm check ran the engine"
    assert _without_elapsed(warm) == _without_elapsed(cold)
    assert len(warm.out.splitlines()) == len(cold.out.splitlines())
    assert _run(capsys, project, "--exit-zero").code == 0
    assert len(engine_runs) == 1, "--exit-zero changes the exit code, not the report"


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: c.__name__.strip("_"))
def test_a_changed_input_is_never_replayed(
    change: Change,
    capsys: pytest.CaptureFixture[str],
    project: Project,
    engine_runs: list[Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _run(capsys, project)
    _run(capsys, project)
    assert len(engine_runs) == 1
    change(project, monkeypatch)
    changed = _run(capsys, project)
    assert len(engine_runs) == 2, "a changed input was answered from the previous output"
    oracle = _run(capsys, project, "--no-cache")
    assert _without_elapsed(changed) == _without_elapsed(oracle)
    again = _run(capsys, project)
    assert len(engine_runs) == 3, "the changed check's output is stored in its turn"
    assert _without_elapsed(again) == _without_elapsed(oracle)


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=st.lists(st.sampled_from(CHANGES[:-1]), min_size=1, max_size=3))
def test_generated_change_sequences_agree_with_the_full_check(
    steps: list[Change],
    capsys: pytest.CaptureFixture[str],
    tmp_path_factory: pytest.TempPathFactory,
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
    fresh_pages: None,
) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        root = tmp_path_factory.mktemp("sequence")
        p = _make_project(root, pypi_index, flet_index, monkeypatch)
        monkeypatch.setenv("FLETLINT_CACHE_DIR", str(root / "cache"))
        _run(capsys, p)
        for step in steps:
            step(p, monkeypatch)
            answer = _run(capsys, p)
            assert _without_elapsed(answer) == _without_elapsed(_run(capsys, p, "--no-cache"))
            assert _without_elapsed(_run(capsys, p)) == _without_elapsed(answer)


@pytest.mark.parametrize("fmt", ["sarif", "github"])
def test_other_machine_formats_are_replayed(
    fmt: str, capsys: pytest.CaptureFixture[str], project: Project, engine_runs: list[Path]
) -> None:
    cold = _run(capsys, project, "--format", fmt)
    warm = _run(capsys, project, "--format", fmt)
    assert len(engine_runs) == 1
    assert (warm.code, warm.out, warm.err) == (cold.code, cold.out, cold.err)


@pytest.mark.parametrize(
    "options", [["--format", "text"], ["--no-cache"], ["--diff"]], ids=lambda o: o[-1]
)
def test_what_is_never_replayed(
    options: list[str],
    capsys: pytest.CaptureFixture[str],
    project: Project,
    engine_runs: list[Path],
    isolated_env: Path,
) -> None:
    _run(capsys, project, *options)
    first = len(engine_runs)
    _run(capsys, project, *options)
    assert len(engine_runs) == 2 * first > 0, "the second identical command ran the engine too"
    assert not (isolated_env / cli_replay.FOLDER).exists()


def test_a_check_with_index_problems_is_not_stored(
    capsys: pytest.CaptureFixture[str],
    project: Project,
    engine_runs: list[Path],
    isolated_env: Path,
) -> None:
    project.flet.down()
    first = _run(capsys, project)
    assert "FL005" in first.codes()
    _run(capsys, project)
    assert len(engine_runs) == 2, "an index problem is only known by asking the index"
    assert not (isolated_env / cli_replay.FOLDER).exists()


def test_a_file_edited_while_the_check_runs_is_not_replayed(
    capsys: pytest.CaptureFixture[str],
    project: Project,
    engine_runs: list[Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    counting = Linter.check

    def edited_meanwhile(self: Linter, path: Path, **options: Any) -> Any:
        report = counting(self, path, **options)
        (project.app / "requirements.txt").write_text("anyio\nhttpx\n")  # after it was read
        return report

    monkeypatch.setattr(Linter, "check", edited_meanwhile)
    first = _run(capsys, project)
    assert "FL101" in first.codes()
    monkeypatch.setattr(Linter, "check", counting)
    second = _run(capsys, project)
    assert len(engine_runs) == 2, "the output of the old text was replayed for the new one"
    assert "FL101" not in second.codes()


def test_an_unreachable_index_is_replayed_while_it_is_remembered(
    capsys: pytest.CaptureFixture[str],
    project: Project,
    engine_runs: list[Path],
    isolated_env: Path,
) -> None:
    # Nothing listens on port 1: the connection is refused and the host remembered (FL005).
    argv = ["check", str(project.app), "--format", "json", "--index-url", project.pypi.url]
    argv += ["--flet-index-url", "http://127.0.0.1:1/simple/", *_ONE_TARGET]
    first = run_cli(capsys, *argv)
    assert "FL005" in first.codes()
    again = run_cli(capsys, *argv)
    assert len(engine_runs) == 1, "the host is remembered: a full check would not ask it either"
    assert _without_elapsed(again) == _without_elapsed(first)
    (isolated_env / "unreachable-v1.json").unlink()  # forgotten: the next check asks again
    asked = run_cli(capsys, *argv)
    assert len(engine_runs) == 2
    assert _without_elapsed(asked) == _without_elapsed(first)


def test_local_indexes_and_find_links_folders_are_probed(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    universe: Universe,
    flet_index: LocalIndex,
    fresh_pages: None,
    engine_runs: list[Path],
) -> None:
    files = tmp_path / "files"
    shutil.copytree(universe.pypi_dir, files)
    simple = tmp_path / "simple"
    write_file_index(simple, files)
    links = tmp_path / "links"
    links.mkdir()
    app = tmp_path / "app"
    app.mkdir()
    (app / "requirements.txt").write_text("anyio\n")
    index = ["--index-url", simple.as_uri(), "--find-links", str(links)]
    argv = ["check", str(app), "--format", "json", *index, "--flet-index-url", flet_index.url]
    argv += _ONE_TARGET

    def anyio() -> str:
        return run_cli(capsys, *argv).packages()["anyio"]

    assert anyio() == anyio() == "4.9.0"
    assert len(engine_runs) == 1
    build_wheel(links, "anyio", "4.10.0")  # a new file in the find-links folder
    assert anyio() == anyio() == "4.10.0"
    assert len(engine_runs) == 2
    build_wheel(files, "anyio", "4.11.0")
    shutil.rmtree(simple)
    write_file_index(simple, files)  # the local index's page of anyio names a new release
    assert anyio() == anyio() == "4.11.0"
    assert len(engine_runs) == 3


def test_a_new_release_after_the_pages_went_stale(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    universe: Universe,
    make_index: MakeIndex,
    flet_index: LocalIndex,
    fresh_pages: None,
    engine_runs: list[Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mirror = tmp_path / "mirror"
    shutil.copytree(universe.pypi_dir, mirror)
    pypi = make_index(mirror, cache_control="max-age=600")
    app = tmp_path / "app"
    app.mkdir()
    (app / "requirements.txt").write_text("anyio\n")
    args = _ONE_TARGET
    before = check(capsys, app, pypi, flet_index, *args)
    check(capsys, app, pypi, flet_index, *args)
    assert len(engine_runs) == 1
    build_wheel(mirror, "anyio", "4.10.0")
    fresh = check(capsys, app, pypi, flet_index, *args)
    assert len(engine_runs) == 1, "the page is fresh: pip and the engine would not ask either"
    assert fresh.packages()["anyio"] == before.packages()["anyio"] == "4.9.0"
    _pages_go_stale(Project(app, app, app, app, pypi, flet_index), monkeypatch)
    after = check(capsys, app, pypi, flet_index, *args)
    assert len(engine_runs) == 2
    assert after.packages()["anyio"] == "4.10.0"


def _replay_files(cache: Path) -> list[Path]:
    return sorted((cache / cli_replay.FOLDER).iterdir())


@pytest.mark.parametrize(
    "tamper",
    [
        lambda data: b"\x00garbage",
        lambda data: b"[" * 100_000,
        lambda data: json.dumps({**data, "format": 2}).encode(),
        lambda data: json.dumps({**data, "text": 1}).encode(),
        lambda data: json.dumps({**data, "elapsed": "not in the text"}).encode(),
        lambda data: json.dumps({**data, "probes": {**data["probes"], "files": [["a"]]}}).encode(),
        lambda data: json.dumps({**data, "probes": {**data["probes"], "pages": "x"}}).encode(),
        lambda data: json.dumps({**data, "has_errors": "yes"}).encode(),
        lambda data: json.dumps(
            {**data, "probes": {**data["probes"], "files": [["/dev/zero", "sha256:0"]]}}
        ).encode(),
    ],
)
def test_a_tampered_replay_is_a_miss(
    tamper: Callable[[dict[str, Any]], bytes],
    capsys: pytest.CaptureFixture[str],
    project: Project,
    engine_runs: list[Path],
    isolated_env: Path,
) -> None:
    cold = _run(capsys, project)
    [path] = _replay_files(isolated_env)
    path.write_bytes(tamper(json.loads(path.read_bytes())))
    again = _run(capsys, project)
    assert len(engine_runs) == 2
    assert _without_elapsed(again) == _without_elapsed(cold)


def test_the_probes_read_no_fifo_and_no_huge_file(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert file_state(str(fifo)) == "other"  # never opened: it would wait for a writer
    assert file_state(str(tmp_path)) == "folder"
    assert file_state(str(tmp_path / "missing")) == "absent"
    assert file_state(str(tmp_path / "missing" / "below")) == "absent"
    assert folder_state(str(tmp_path / "missing")) == "absent"
    before = folder_state(str(tmp_path))
    (tmp_path / "fifo").unlink()
    (tmp_path / "fifo").mkdir()
    assert folder_state(str(tmp_path)) != before, "an entry that became a folder is a change"


def test_page_state_reads_the_http_cache_as_the_client_does(tmp_path: Path) -> None:
    cache = HttpCache(tmp_path)
    url, accept = "https://example.org/simple/anyio/", "application/json"
    now = time.time()
    for entry in [
        CacheEntry(b"{}", max_age=600, stored_at=now - 10),
        CacheEntry(b"x" * 100_000, max_age=600, stored_at=now - 10),  # its body in a file
        CacheEntry(b"{}", max_age=600, stored_at=now - 700),
        CacheEntry(b"", status=404, max_age=600, stored_at=now - 10),
        CacheEntry(b"{}", immutable=True, stored_at=now - 10**6),
    ]:
        stored = cache.put(url, accept, entry)
        got = cache.get(url, accept)
        assert got is not None
        expected = stored.identity if got.is_fresh(now) else None
        assert page_state(str(cache.header_path(url, accept)), now) == expected
    cache.header_path(url, accept).write_bytes(b"\x00not a header")
    assert page_state(str(cache.header_path(url, accept)), now) is None


def test_a_replayed_check_imports_no_engine(
    tmp_path: Path, pypi_index: LocalIndex, flet_index: LocalIndex, fresh_pages: None
) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "requirements.txt").write_text("anyio\n")
    argv = ["check", str(app), "--format", "json", *_ONE_TARGET]
    argv += index_args(pypi_index, flet_index)
    script = (
        "import sys\nfrom fletlint.cli import main\ncode = main(sys.argv[1:])\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('packaging', 'httpx', 'rich', 'shutil') or m.startswith('fletlint.linter.engine'))\n"
        "print(code, heavy, file=sys.stderr)\n"
    )
    # A generous wait per request: a loaded machine must not turn the first check into one
    # with an index problem (never replayed), which would fail this test for the wrong reason.
    cache = tmp_path / "cache"
    env = {**os.environ, "FLETLINT_CACHE_DIR": str(cache), "FLETLINT_TIMEOUT": "120"}
    runs = []
    for _ in range(2):
        command = [sys.executable, "-c", script, *argv]
        runs.append(subprocess.run(command, capture_output=True, text=True, env=env))
        assert runs[-1].returncode == 0, runs[-1]
        assert list((cache / cli_replay.FOLDER).iterdir()), runs[-1]
    assert "fletlint.linter.engine" in runs[0].stderr, "the first check runs the engine"
    assert runs[1].stderr.strip() == "0 []", runs[1].stderr
