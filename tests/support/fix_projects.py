"""`fletlint check --fix --unsafe-fixes` on a copy of a fixture project, for tests that judge the
result (the fix acceptance test, the pip oracle).

    fixed = fix_copy(FIXTURE_PROJECTS / "FL001-flet-all", tmp_path, pypi_index, flet_index)
    fixed.root      # the fixed copy: run pip, or fletlint, on it
    fixed.report    # fletlint's JSON report of the fixed project
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fletlint.cli import main
from tests.support.index_server import LocalIndex

FIXTURE_PROJECTS = Path(__file__).resolve().parents[1] / "fixtures" / "rules"
# Files of a fixture folder that are the test's, not the project's.
NOT_PROJECT = ("expected.json", "flet-index-down")


@dataclass(frozen=True)
class FixedProject:
    root: Path
    exit_code: int
    report: dict[str, Any]
    summary: str  # `Fixed N findings (M remaining).`


def fixture_projects() -> list[Path]:
    """Every fixture project that reads Flet's index normally (not the index-down cases)."""
    return sorted(
        p for p in FIXTURE_PROJECTS.iterdir() if p.is_dir() and not (p / NOT_PROJECT[1]).exists()
    )


def copy_project(source: Path, dest: Path) -> Path:
    app = dest / source.name
    shutil.copytree(source, app, ignore=shutil.ignore_patterns(*NOT_PROJECT))
    return app


def fix_copy(
    source: Path, dest: Path, pypi: LocalIndex, flet: LocalIndex, *extra: str
) -> FixedProject:
    """Copy `source` into `dest`, apply every fix (`--unsafe-fixes` too) and report the result."""
    app = copy_project(source, dest)
    index = ["--index-url", pypi.url, "--flet-index-url", flet.url]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(
            ["check", str(app), "--fix", "--unsafe-fixes", "--format", "json", *index, *extra]
        )
    return FixedProject(app, code, json.loads(out.getvalue()), err.getvalue().strip())
