"""Stored resolutions: reused while their listings are unchanged, recomputed when one changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fletlint.linter import engine
from fletlint.linter.engine import Linter, Settings
from tests.conftest import MakeIndex
from tests.support.index_server import LocalIndex
from tests.support.universe import Universe
from tests.support.wheels import build_wheel


def _check(tmp_path: Path, pypi: LocalIndex, flet: LocalIndex) -> engine.Report:
    settings = Settings(
        index_url=pypi.url, flet_index_url=flet.url, python_version="3.12", targets=("android",)
    )
    with Linter(settings) as linter:
        return linter.check(tmp_path)


def test_second_check_reuses_stored_resolutions(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
    isolated_env: Path,
) -> None:
    (tmp_path / "requirements.txt").write_text("supabase==2.20.0\n")
    calls: list[str] = []
    real_resolve = engine.resolve  # type: ignore[attr-defined]

    def counting_resolve(*args: object, **kwargs: object) -> object:
        calls.append("resolve")
        return real_resolve(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "resolve", counting_resolve)
    first = _check(tmp_path, pypi_index, flet_index)
    assert calls, "a cold check resolves"
    # Kept in one folder (no fan-out: a folder costs a cold check as much as a file).
    stored = list((isolated_env / "resolutions-v2").iterdir())
    assert stored and all(p.is_file() and p.suffix == ".json" for p in stored)
    calls.clear()
    second = _check(tmp_path, pypi_index, flet_index)
    assert calls == []
    assert [f.message for f in second.findings] == [f.message for f in first.findings]
    assert [
        {n: str(p.version) for n, p in r.resolution.packages.items()} for r in second.results
    ] == [{n: str(p.version) for n, p in r.resolution.packages.items()} for r in first.results]


def test_a_new_release_invalidates_the_stored_resolution(
    tmp_path: Path, universe: Universe, make_index: MakeIndex, flet_index: LocalIndex
) -> None:
    mirror = tmp_path / "mirror"
    shutil.copytree(universe.pypi_dir, mirror)
    pypi = make_index(mirror)
    app = tmp_path / "app"
    app.mkdir()
    (app / "requirements.txt").write_text("anyio\n")
    before = _check(app, pypi, flet_index)
    assert str(before.results[0].resolution.packages["anyio"].version) == "4.9.0"  # type: ignore[index]
    build_wheel(mirror, "anyio", "4.10.0")
    after = _check(app, pypi, flet_index)
    assert str(after.results[0].resolution.packages["anyio"].version) == "4.10.0"  # type: ignore[index]
