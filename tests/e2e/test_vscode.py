"""The VS Code extension as a user installs it: the built VSIX in code-server, driven by Chromium.

code-server 4.100.3 (Code 1.100.3), Debian's chromium and playwright-core are installed by
`bash tests/e2e/setup.sh` (which `.ci/run` calls) into $FLETLINT_E2E_TOOLS, default
~/.cache/fletlint-e2e; the VSIX is `npm run package` in vscode-extension/. When either is missing
the test fails and says which command provides it: a skipped e2e would look like a passing one.

The workspace asks for pydantic, which pulls in pydantic-core; fletlint reads only the local
indexes on 127.0.0.1 (`[tool.fletlint]`), and the extension runs with its defaults, finding
`fletlint` on PATH (this virtual environment's). The screenshot is kept in tests/e2e/artifacts/.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.index_server import LocalIndex

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
EXTENSION = REPO / "vscode-extension"
VSIX = EXTENSION / "fletlint.vsix"
ARTIFACTS = HERE / "artifacts"
# Read at import, before the autouse fixture gives each test its own HOME.
TOOLS = Path(os.environ.get("FLETLINT_E2E_TOOLS") or Path.home() / ".cache" / "fletlint-e2e")
CODE_SERVER = TOOLS / "node_modules" / ".bin" / "code-server"
CHROMIUM = Path("/usr/bin/chromium")
STARTUP_TIMEOUT = 120.0


def _require_tools() -> None:
    missing = [
        f"{what} ({path})"
        for what, path in (
            ("code-server", CODE_SERVER),
            ("playwright-core", TOOLS / "node_modules" / "playwright-core"),
            ("chromium", CHROMIUM),
        )
        if not path.exists()
    ]
    if missing:
        pytest.fail(
            f"the editor e2e needs {', '.join(missing)}: run `bash tests/e2e/setup.sh` "
            "(apt-get and npm; as .ci/run does), or set FLETLINT_E2E_TOOLS to where it installed",
            pytrace=False,
        )
    sources = [EXTENSION / "package.json", *(EXTENSION / "src").glob("*.ts")]
    if not VSIX.exists() or VSIX.stat().st_mtime < max(p.stat().st_mtime for p in sources):
        pytest.fail(
            f"{VSIX.relative_to(REPO)} is missing or older than the extension's sources: "
            "run `cd vscode-extension && npm ci && npm run package`",
            pytrace=False,
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_healthy(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"code-server exited ({server.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    pytest.fail(f"code-server did not answer on {url}:\n{log.read_text()}")


def _editor_logs(user_data: Path) -> str:
    """The extension host's and fletlint's output channel logs, for a failure's message."""
    found = sorted(user_data.glob("logs/**/*fletlint*.log")) + sorted(
        user_data.glob("logs/**/exthost.log")
    )
    return "\n".join(f"--- {p}\n{p.read_text(errors='replace')[-4000:]}" for p in found)


@pytest.fixture
def code_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A code-server with the built VSIX installed; yields its URL and its user-data folder."""
    _require_tools()
    user_data = tmp_path / "code-server" / "data"
    extensions = tmp_path / "code-server" / "extensions"
    (user_data / "User").mkdir(parents=True)
    (user_data / "User" / "settings.json").write_text(
        json.dumps(
            {
                "security.workspace.trust.enabled": False,
                "workbench.startupEditor": "none",
                "workbench.tips.enabled": False,
                "extensions.autoCheckUpdates": False,
                "extensions.autoUpdate": False,
                "extensions.ignoreRecommendations": True,
                "telemetry.telemetryLevel": "off",
                "update.mode": "none",
                "editor.hover.delay": 200,
            }
        )
    )
    config = tmp_path / "code-server" / "config.yaml"
    config.write_text("")
    common = [
        str(CODE_SERVER),
        "--config",
        str(config),
        "--user-data-dir",
        str(user_data),
        "--extensions-dir",
        str(extensions),
    ]
    installed = subprocess.run(
        [*common, "--install-extension", str(VSIX)], capture_output=True, text=True, timeout=300
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    listed = subprocess.run(
        [*common, "--list-extensions", "--show-versions"], capture_output=True, text=True
    ).stdout
    assert "fletlint.fletlint@" in listed, listed
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    # The extension starts `fletlint` from PATH, as with its defaults. The server takes PATH from
    # a login shell (VS Code resolves the user's shell environment), so this venv goes first in
    # the test HOME's ~/.profile, as `pipx ensurepath` or a user's own line would put it there.
    venv_bin = Path(sys.executable).parent
    (Path.home() / ".profile").write_text(f'export PATH="{venv_bin}:$PATH"\n')
    env = {
        **os.environ,
        "SHELL": "/bin/bash",
        "PATH": f"{venv_bin}{os.pathsep}{os.environ['PATH']}",
    }
    log = tmp_path / "code-server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [
                *common,
                "--auth",
                "none",
                "--bind-addr",
                f"127.0.0.1:{port}",
                "--disable-telemetry",
                "--disable-update-check",
                "--disable-workspace-trust",
                "--disable-getting-started-override",
                "--ignore-last-opened",
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_healthy(url, server, log)
        yield url, user_data
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _workspace(root: Path, pypi_index: LocalIndex, flet_index: LocalIndex) -> Path:
    """An app whose requirements pull in pydantic-core, checked against the local indexes only."""
    root.mkdir()
    (root / "pyproject.toml").write_text(
        "[tool.fletlint]\n"
        f'index-url = "{pypi_index.url}"\n'
        f'flet-index-url = "{flet_index.url}"\n'
        'python-version = "3.12"\n'
    )
    (root / "requirements.txt").write_text("pydantic==2.12.5\n")
    return root


def _drive(scenario: str, url: str, user_data: Path, tmp_path: Path, **extra: str) -> None:
    """Runs one scenario of drive_vscode.mjs; its screenshot goes to tests/e2e/artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / f"vscode-{scenario}.png"
    options = {
        "tools": str(TOOLS),
        "url": url,
        "workspace": str(tmp_path / "app"),
        "profile": str(tmp_path / "chromium-profile"),
        "screenshot": str(screenshot),
        "scenario": scenario,
        **extra,
    }
    driver = subprocess.run(
        ["node", str(HERE / "drive_vscode.mjs"), json.dumps(options)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    print(driver.stdout)
    assert driver.returncode == 0, (
        f"{driver.stdout}\n{driver.stderr}\nscreenshot: {screenshot}\n{_editor_logs(user_data)}"
    )


def test_the_installed_extension_shows_diagnostic_hover_and_applies_the_quick_fix(
    code_server: tuple[str, Path], tmp_path: Path, pypi_index: LocalIndex, flet_index: LocalIndex
) -> None:
    url, user_data = code_server
    workspace = _workspace(tmp_path / "app", pypi_index, flet_index)
    _drive("fix", url, user_data, tmp_path)
    # The quick fix was applied in the editor and saved: the file on disk carries the pin.
    assert (workspace / "requirements.txt").read_text() == "pydantic==2.11.7\n"
    assert pypi_index.requests, "fletlint never asked the local index"


def test_a_failed_start_recovers_by_restart_and_by_settings(
    code_server: tuple[str, Path], tmp_path: Path, pypi_index: LocalIndex, flet_index: LocalIndex
) -> None:
    """The server command fails, then works after "fletlint: Restart Server"; an interpreter
    without fletlint is named in the notification; clearing the setting starts it from PATH."""
    url, user_data = code_server
    workspace = _workspace(tmp_path / "app", pypi_index, flet_index)
    # A command that fails until "fletlint is installed" (the driver rewrites it to run fletlint).
    shim = tmp_path / "bin" / "fletlint-shim"
    shim.parent.mkdir()
    shim.write_text("#!/bin/sh\necho 'fletlint: not installed yet' >&2\nexit 3\n")
    shim.chmod(0o755)
    settings = workspace / ".vscode" / "settings.json"
    settings.parent.mkdir()
    settings.write_text(json.dumps({"fletlint.path": [str(shim)]}))
    bare = tmp_path / "bare-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True)
    _drive(
        "recover",
        url,
        user_data,
        tmp_path,
        shim=str(shim),
        fletlint=str(Path(sys.executable).parent / "fletlint"),
        settings=str(settings),
        bareInterpreter=str(bare / "bin" / "python"),
    )
