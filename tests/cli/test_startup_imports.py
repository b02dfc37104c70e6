"""What the command line imports: machine formats never load rich, a warm check no HTTP client;
`--version` and `--help` load neither rich nor the engine. Each run is a fresh interpreter, where
imports are first imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import index_args, project
from tests.support.index_server import LocalIndex

ARGS = ("--python-version", "3.12", "--target", "android_24_arm64_v8a")

# The child: rich cannot be imported (each attempt is recorded with the module that made it), the
# real CLI runs, and the child reports its exit code, the attempts and the modules it loaded.
_CHILD = """
import json, sys

class NoRich:
    importers = []

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] != "rich":
            return None
        frame = sys._getframe(1)
        while frame is not None and frame.f_globals.get("__name__", "").startswith("importlib"):
            frame = frame.f_back
        NoRich.importers.append(frame.f_globals.get("__name__") if frame is not None else "?")
        raise ModuleNotFoundError(f"rich is blocked here: {name}", name=name)

sys.meta_path.insert(0, NoRich())
from fletlint.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:  # --version, --help
    code = exc.code
sys.stdout.flush()
report = {"code": code, "rich_importers": NoRich.importers, "modules": sorted(sys.modules)}
sys.stderr.write("\\nFLETLINT-CHILD " + json.dumps(report) + "\\n")
"""


def run_child(tmp_path: Path, *args: str) -> tuple[dict[str, Any], str]:
    """(the child's report, its stdout) for `fletlint *args` in a fresh interpreter."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "FLETLINT_"))}
    env.update(
        PIP_CONFIG_FILE=os.devnull,
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        FLETLINT_CACHE_DIR=str(tmp_path / "cache"),
        NO_COLOR="1",
    )
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    marker = [ln for ln in done.stderr.splitlines() if ln.startswith("FLETLINT-CHILD ")]
    assert marker, f"the child died (exit {done.returncode}): {done.stderr[-2000:]}"
    return json.loads(marker[-1].removeprefix("FLETLINT-CHILD ")), done.stdout


@pytest.mark.parametrize("fmt", ["json", "sarif", "github"])
def test_a_machine_format_check_never_imports_rich(
    tmp_path: Path, pypi_index: LocalIndex, flet_index: LocalIndex, fmt: str
) -> None:
    app = project(tmp_path / "app", "# app\npydantic==2.12.5\nonlysdist==1.0.0\n")
    argv = ["check", str(app), "--format", fmt, *index_args(pypi_index, flet_index), *ARGS]
    child, out = run_child(tmp_path, *argv)
    assert child["code"] == 1, out
    assert child["rich_importers"] == []
    assert "rich" not in child["modules"]
    # The requests are the standard library's (`transport`): no HTTP package, and none of the
    # command-line packages httpx would load when installed (click, pygments).
    assert "fletlint.linter.index.transport" in child["modules"]
    assert not {"httpx", "httpcore", "click", "pygments"} & set(child["modules"])
    if fmt == "github":
        assert "::error" in out
    else:
        assert json.loads(out)  # the whole report, parseable


def test_a_warm_check_imports_no_http_client(
    tmp_path: Path, pypi_index: LocalIndex, flet_index: LocalIndex
) -> None:
    for index in (pypi_index, flet_index):  # pages fresh for 10 minutes: no revalidation
        index.cache_control = "max-age=600"
    app = project(tmp_path / "app", "# app\npydantic==2.12.5\nonlysdist==1.0.0\n")
    argv = ["check", str(app), "--format", "json", *index_args(pypi_index, flet_index), *ARGS]
    cold, cold_out = run_child(tmp_path, *argv)
    transport = "fletlint.linter.index.transport"
    assert transport in cold["modules"]  # the probe: the first run reads the indexes
    warm, warm_out = run_child(tmp_path, *argv)  # the same cache, inside its freshness window
    assert transport not in warm["modules"]
    assert (warm["code"], json.loads(warm_out)["findings"]) == (
        cold["code"],
        json.loads(cold_out)["findings"],
    )


def test_a_text_check_draws_with_rich(
    tmp_path: Path, pypi_index: LocalIndex, flet_index: LocalIndex
) -> None:
    # The probe itself: the text report does need rich, so the child's block shows.
    app = project(tmp_path / "app", "pydantic==2.12.5\n")
    argv = ["check", str(app), *index_args(pypi_index, flet_index), *ARGS]
    child, _ = run_child(tmp_path, *argv)
    assert "fletlint.report.text" in child["rich_importers"]
    assert child["code"] == 2  # the internal error a missing rich is


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["check", "--help"]])
def test_version_and_help_load_neither_rich_nor_the_engine(tmp_path: Path, argv: list[str]) -> None:
    child, out = run_child(tmp_path, *argv)
    assert child["code"] == 0
    assert out.startswith(("fletlint ", "usage: fletlint"))
    assert child["rich_importers"] == []
    loaded = {m for m in child["modules"] if m.startswith("fletlint.")}
    assert loaded <= {"fletlint.cli", "fletlint.cli_build", "fletlint.cli_output"} | {
        "fletlint.linter",
        "fletlint.linter.defaults",
    }
