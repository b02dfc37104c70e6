"""`fletlint lsp` end to end: a real LSP client (pytest-lsp) talking to the server subprocess.

The server inherits the test's environment (cache dir, no pip config) and reads the local
indexes through `[tool.fletlint]` in the project's pyproject.toml.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.support.index_server import LocalIndex

pytestmark = pytest.mark.asyncio

# A first check resolves six targets against the local indexes: seconds, not minutes.
TIMEOUT = 60.0


@dataclass
class Session:
    client: LanguageClient
    root: Path

    def uri(self, name: str) -> str:
        return (self.root / name).as_uri()

    def open(self, name: str, text: str | None = None, language: str = "plaintext") -> str:
        uri = self.uri(name)
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri,
                    language_id=language,
                    version=1,
                    text=(self.root / name).read_text() if text is None else text,
                )
            )
        )
        return uri

    def change(self, name: str, text: str, version: int = 2) -> None:
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=self.uri(name), version=version
                ),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )

    async def diagnostics(
        self, name: str, until: Callable[[Sequence[types.Diagnostic]], bool]
    ) -> Sequence[types.Diagnostic]:
        """The file's diagnostics once `until` holds for them (polled: they may already be in)."""
        uri = self.uri(name)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + TIMEOUT
        while True:
            found = self.client.diagnostics.get(uri)
            if found is not None and until(found):
                return found
            if loop.time() > deadline:
                logs = "\n".join(m.message for m in self.client.log_messages)
                raise AssertionError(f"no matching diagnostics for {name}: {found}\n{logs}")
            await asyncio.sleep(0.05)


def _codes(diagnostics: Sequence[types.Diagnostic]) -> set[str]:
    return {str(d.code) for d in diagnostics}


@pytest_asyncio.fixture
async def lsp(
    tmp_path: Path, pypi_index: LocalIndex, flet_index: LocalIndex
) -> AsyncIterator[Session]:
    root = tmp_path / "app"
    root.mkdir()
    (root / "pyproject.toml").write_text(
        "[tool.fletlint]\n"
        f'index-url = "{pypi_index.url}"\n'
        f'flet-index-url = "{flet_index.url}"\n'
        'python-version = "3.12"\n'
    )
    config = ClientServerConfig(server_command=[sys.executable, "-m", "fletlint", "lsp"])
    client = await config.start()
    assert isinstance(client, LanguageClient)
    await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=tmp_path.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="tmp")],
        )
    )
    yield Session(client, root)
    await client.shutdown_session()
    await client.stop()


async def test_pin_without_phone_wheel_is_an_fl001_diagnostic_on_the_requirement(
    lsp: Session,
) -> None:
    (lsp.root / "requirements.txt").write_text("pydantic==2.12.5\n")
    lsp.open("requirements.txt")
    found = await lsp.diagnostics("requirements.txt", lambda d: "FL001" in _codes(d))
    (fl001,) = [d for d in found if d.code == "FL001"]
    assert fl001.range.start == types.Position(line=0, character=0)
    assert fl001.severity == types.DiagnosticSeverity.Error
    assert fl001.source == "fletlint"
    assert fl001.code_description is not None
    assert fl001.code_description.href.endswith("docs/rules.md#fl001")
    assert "pydantic==2.12.5 → pydantic-core==2.41.5" in fl001.message


async def test_an_unsaved_change_is_checked_without_touching_the_disk(lsp: Session) -> None:
    requirements = lsp.root / "requirements.txt"
    requirements.write_text("pydantic==2.12.5\n")
    lsp.open("requirements.txt")
    await lsp.diagnostics("requirements.txt", lambda d: "FL001" in _codes(d))
    lsp.change("requirements.txt", "anyio\n")
    assert not await lsp.diagnostics("requirements.txt", lambda d: not d)
    assert requirements.read_text() == "pydantic==2.12.5\n"


async def test_a_malformed_requirement_is_one_input_diagnostic_and_the_server_lives_on(
    lsp: Session,
) -> None:
    (lsp.root / "requirements.txt").write_text("anyio\n")
    lsp.open("requirements.txt")
    lsp.change("requirements.txt", "anyio\npydantic>=<2\n")
    found = await lsp.diagnostics("requirements.txt", lambda d: "input" in _codes(d))
    (error,) = found
    assert error.severity == types.DiagnosticSeverity.Error
    assert (error.range.start.line, error.range.start.character) == (1, 8)
    assert "invalid requirement" in error.message
    # Still answering: fixing the line clears the error.
    lsp.change("requirements.txt", "anyio\n", version=3)
    assert not await lsp.diagnostics("requirements.txt", lambda d: not d)
    hover = await lsp.client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=lsp.uri("requirements.txt")),
            position=types.Position(line=0, character=1),
        )
    )
    assert hover is not None


async def test_hover_on_a_requirement_shows_what_each_target_gets(lsp: Session) -> None:
    (lsp.root / "requirements.txt").write_text("pydantic==2.12.5\n")
    uri = lsp.open("requirements.txt")
    await lsp.diagnostics("requirements.txt", lambda d: "FL001" in _codes(d))
    hover = await lsp.client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=0, character=3),
        )
    )
    assert hover is not None
    assert isinstance(hover.contents, types.MarkupContent)
    text = hover.contents.value
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert "**pydantic**" in text
    assert "| target | phone | desktop | |" in text
    for target in ("android_24_arm64_v8a", "ios_13_0_arm64_iphoneos"):
        assert f"| {target} | no installable release | 2.12.5 | **differs** |" in text
    assert "**FL001**" in text


async def test_code_action_offers_the_pin_with_a_workspace_edit(lsp: Session) -> None:
    (lsp.root / "requirements.txt").write_text("pydantic==2.12.5\n")
    uri = lsp.open("requirements.txt")
    found = await lsp.diagnostics("requirements.txt", lambda d: "FL001" in _codes(d))
    actions = await lsp.client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(
                start=types.Position(line=0, character=2), end=types.Position(line=0, character=2)
            ),
            context=types.CodeActionContext(diagnostics=list(found)),
        )
    )
    assert actions
    pins = [
        a
        for a in actions
        if isinstance(a, types.CodeAction) and a.title.startswith("pin pydantic==2.12.5")
    ]
    assert pins, [a.title for a in actions]
    pin = pins[0]
    assert pin.kind == types.CodeActionKind.QuickFix
    assert pin.is_preferred
    assert pin.diagnostics and pin.diagnostics[0].code == "FL001"
    assert pin.edit is not None and pin.edit.changes is not None
    (edit,) = pin.edit.changes[uri]
    assert edit.new_text.strip() == "pydantic==2.11.7"
    assert edit.range.start == types.Position(line=0, character=0)
    assert edit.range.end.line == 0 or edit.range.end == types.Position(line=1, character=0)


async def test_an_undeclared_import_is_fl101_on_the_import(lsp: Session) -> None:
    (lsp.root / "requirements.txt").write_text("anyio\n")
    (lsp.root / "main.py").write_text("import anyio\nimport cv2\n")
    lsp.open("main.py", language="python")
    found = await lsp.diagnostics("main.py", lambda d: "FL101" in _codes(d))
    (fl101,) = [d for d in found if d.code == "FL101"]
    assert fl101.range == types.Range(
        start=types.Position(line=1, character=7), end=types.Position(line=1, character=10)
    )
    hover = await lsp.client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=lsp.uri("main.py")),
            position=types.Position(line=0, character=9),
        )
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "**anyio**" in hover.contents.value
    assert "| android_24_arm64_v8a | 4.9.0 | 4.9.0 | same |" in hover.contents.value


async def test_pyproject_dependency_gets_diagnostics_and_hover(lsp: Session) -> None:
    pyproject = lsp.root / "pyproject.toml"
    text = (
        '[project]\nname = "app"\ndependencies = ["pydantic==2.12.5"]\n\n' + pyproject.read_text()
    )
    # Unsaved: the file on disk declares nothing.
    uri = lsp.open("pyproject.toml", text)
    found = await lsp.diagnostics("pyproject.toml", lambda d: "FL001" in _codes(d))
    (fl001,) = [d for d in found if d.code == "FL001"]
    assert fl001.range.start.line == 2
    hover = await lsp.client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=2, character=fl001.range.start.character + 2),
        )
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "| android_24_x86_64 | no installable release | 2.12.5 | **differs** |" in (
        hover.contents.value
    )


async def test_garbage_documents_never_stop_the_server(lsp: Session) -> None:
    """Binary noise, a huge line and invalid TOML, one after another: each is answered with a
    diagnostic or nothing, and the server still answers a hover once the text is sane again."""
    (lsp.root / "requirements.txt").write_text("anyio\n")
    lsp.open("requirements.txt")
    lsp.change("requirements.txt", "\x00\x01\ufffd\ufffe garbage \x7f\n", version=2)
    found = await lsp.diagnostics("requirements.txt", lambda d: "input" in _codes(d))
    assert all(d.range.start.line == 0 for d in found)
    lsp.change("requirements.txt", "anyio" + "=" * 200_000 + "\n", version=3)
    await lsp.diagnostics("requirements.txt", lambda d: "input" in _codes(d))
    lsp.open("pyproject.toml", '[tool.fletlint\npython-version = "3.12"\n', language="toml")
    broken = await lsp.diagnostics("pyproject.toml", lambda d: "input" in _codes(d))
    assert broken[0].severity == types.DiagnosticSeverity.Error
    # Sane texts again: the errors clear and hover works.
    lsp.change("pyproject.toml", (lsp.root / "pyproject.toml").read_text(), version=2)
    lsp.change("requirements.txt", "anyio\n", version=4)
    # The TOML error clears only when a check of the sane texts has finished.
    assert not await lsp.diagnostics("pyproject.toml", lambda d: not d)
    assert not await lsp.diagnostics("requirements.txt", lambda d: not d)
    hover = await lsp.client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=lsp.uri("requirements.txt")),
            position=types.Position(line=0, character=1),
        )
    )
    assert hover is not None
