"""The stored report: a warm check with unchanged inputs reads it instead of recomputing.

A hit is proven without timing: the engine builds no `Analysis` (rules and fixes never run).
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from fletlint.linter import engine
from fletlint.linter.engine import Linter, Report, Settings
from fletlint.report.json_report import render
from tests.support.index_server import LocalIndex

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rules"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


@pytest.fixture
def analyses(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """One entry per check that ran its rules (a check answered from the store adds none)."""
    built: list[object] = []
    real = engine.Analysis  # type: ignore[attr-defined]

    def counting(*args: Any, **kwargs: Any) -> Any:
        built.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "Analysis", counting)
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
