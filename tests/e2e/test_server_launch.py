"""`fletlint lsp` started exactly as the editors start it, answering a real LSP client.

vscode-languageclient appends `--stdio` to the command (TransportKind.stdio); the extension's
command is `fletlint lsp` (found on PATH) or `<interpreter> -m fletlint lsp`.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.support.index_server import LocalIndex

# The console script pip installed beside this interpreter: what PATH finds in the venv.
FLETLINT = str(Path(sys.executable).parent / "fletlint")
TIMEOUT = 60.0


def test_lsp_accepts_the_stdio_flag_in_its_usage() -> None:
    usage = subprocess.run(
        [FLETLINT, "lsp", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "--stdio" in usage


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "command",
    [
        pytest.param([FLETLINT, "lsp", "--stdio"], id="fletlint-on-PATH"),
        pytest.param([sys.executable, "-m", "fletlint", "lsp", "--stdio"], id="interpreter"),
    ],
)
async def test_the_server_started_as_the_extension_starts_it_publishes_diagnostics(
    command: list[str], tmp_path: Path, pypi_index: LocalIndex, flet_index: LocalIndex
) -> None:
    root = tmp_path / "app"
    root.mkdir()
    (root / "pyproject.toml").write_text(
        "[tool.fletlint]\n"
        f'index-url = "{pypi_index.url}"\n'
        f'flet-index-url = "{flet_index.url}"\n'
        'python-version = "3.12"\n'
    )
    (root / "requirements.txt").write_text("pydantic==2.12.5\n")
    client = await ClientServerConfig(server_command=command).start()
    assert isinstance(client, LanguageClient)
    try:
        await client.initialize_session(
            types.InitializeParams(
                capabilities=client_capabilities("visual-studio-code"),
                root_uri=tmp_path.as_uri(),
                workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="tmp")],
            )
        )
        uri = (root / "requirements.txt").as_uri()
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="pip-requirements", version=1, text="pydantic==2.12.5\n"
                )
            )
        )
        codes: set[str] = set()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + TIMEOUT
        while "FL001" not in codes and loop.time() < deadline:
            await asyncio.sleep(0.05)
            codes = {str(d.code) for d in client.diagnostics.get(uri, [])}
        assert "FL001" in codes, [m.message for m in client.log_messages]
        await client.shutdown_session()
    finally:
        await client.stop()  # type: ignore[no-untyped-call]  # pygls leaves it untyped
