"""Neovim's built-in LSP client (Debian's neovim, 0.7) against `fletlint lsp`: diagnostics, hover
and the quick fix's edit, read back from a headless nvim running tests/e2e/neovim_client.lua.

Neovim comes from `bash tests/e2e/setup.sh` (apt-get), as in .ci/run; without it the test fails
saying so.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.index_server import LocalIndex

HERE = Path(__file__).resolve().parent


def test_neovim_builtin_client_gets_diagnostics_hover_and_the_fix(
    tmp_path: Path, pypi_index: LocalIndex, flet_index: LocalIndex
) -> None:
    nvim = shutil.which("nvim")
    if nvim is None:
        pytest.fail(
            "Neovim is not installed: run `bash tests/e2e/setup.sh` (apt-get install neovim)"
        )
    root = tmp_path / "app"
    root.mkdir()
    (root / "pyproject.toml").write_text(
        "[tool.fletlint]\n"
        f'index-url = "{pypi_index.url}"\n'
        f'flet-index-url = "{flet_index.url}"\n'
        'python-version = "3.12"\n'
    )
    requirements = root / "requirements.txt"
    requirements.write_text("pydantic==2.12.5\n")
    result_file = tmp_path / "neovim.json"
    env = {
        **os.environ,
        "FLETLINT_CMD": json.dumps([sys.executable, "-m", "fletlint", "lsp"]),
        "FLETLINT_ROOT": str(root),
        "FLETLINT_FILE": str(requirements),
        "FLETLINT_OUT": str(result_file),
    }
    run = subprocess.run(
        [nvim, "--headless", "--clean", "-n", "-i", "NONE", "-u", str(HERE / "neovim_client.lua")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert result_file.exists(), (
        f"nvim wrote nothing ({run.returncode}):\n{run.stdout}\n{run.stderr}"
    )
    result = json.loads(result_file.read_text())
    assert "error" not in result, result
    assert result["diagnostics_arrived"], result
    (fl001,) = [d for d in result["diagnostics"] if d["code"] == "FL001"]
    assert (fl001["lnum"], fl001["col"]) == (0, 0)
    assert fl001["source"] == "fletlint"
    assert fl001["severity"] == 1  # vim.diagnostic.severity.ERROR
    assert "pydantic-core" in fl001["message"]
    assert "android_24_arm64_v8a" in result["hover"]
    assert result["applied"].startswith("pin pydantic"), result["actions"]
    assert result["text"] == "pydantic==2.11.7"
