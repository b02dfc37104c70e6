"""`fletlint lsp` end to end: a real LSP client (pytest-lsp) talking to the server subprocess.

The server inherits the test's environment (cache dir, no pip config) and reads the local
indexes through `[tool.fletlint]` in the project's pyproject.toml.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
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
    pulls: bool = False  # the client asks for diagnostics (LSP 3.17) instead of being sent them
    opened: set[str] = field(default_factory=set)  # URIs

    def uri(self, name: str) -> str:
        return (self.root / name).as_uri()

    async def pull(self, name: str) -> Sequence[types.Diagnostic]:
        report = await self.client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(
                text_document=types.TextDocumentIdentifier(uri=self.uri(name))
            )
        )
        assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
        return report.items

    def open(self, name: str, text: str | None = None, language: str = "plaintext") -> str:
        uri = self.uri(name)
        self.opened.add(uri)
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
        """The file's diagnostics once `until` holds for them (polled: they may already be in;
        pulled, when the client pulls and the file is open)."""
        uri = self.uri(name)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + TIMEOUT
        while True:
            if self.pulls and uri in self.opened:
                found: Sequence[types.Diagnostic] | None = await self.pull(name)
            else:
                found = self.client.diagnostics.get(uri)
            if found is not None and until(found):
                return found
            if loop.time() > deadline:
                logs = "\n".join(m.message for m in self.client.log_messages)
                raise AssertionError(f"no matching diagnostics for {name}: {found}\n{logs}")
            await asyncio.sleep(0.05)


def _codes(diagnostics: Sequence[types.Diagnostic]) -> set[str]:
    return {str(d.code) for d in diagnostics}


@asynccontextmanager
async def session(
    tmp_path: Path, pypi_index: LocalIndex, flet_index: LocalIndex, *, pulls: bool
) -> AsyncIterator[Session]:
    """A server on a project reading the local indexes. `pulls`: VS Code's capabilities as they
    are (diagnostics by pull); otherwise without pull support (as Neovim 0.7: by push)."""
    root = tmp_path / "app"
    root.mkdir()
    (root / "pyproject.toml").write_text(
        "[tool.fletlint]\n"
        f'index-url = "{pypi_index.url}"\n'
        f'flet-index-url = "{flet_index.url}"\n'
        'python-version = "3.12"\n'
    )
    capabilities = client_capabilities("visual-studio-code")
    assert capabilities.text_document is not None and capabilities.workspace is not None
    if pulls:
        # What vscode-languageclient 9 (VS Code 1.100) sends; pytest-lsp's copy predates it.
        capabilities.text_document.diagnostic = types.DiagnosticClientCapabilities(
            dynamic_registration=True, related_document_support=False
        )
        capabilities.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(
            refresh_support=True
        )
    config = ClientServerConfig(server_command=[sys.executable, "-m", "fletlint", "lsp"])
    client = await config.start()
    assert isinstance(client, LanguageClient)
    await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            root_uri=tmp_path.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="tmp")],
        )
    )
    yield Session(client, root, pulls=pulls)
    await client.shutdown_session()
    await client.stop()  # type: ignore[no-untyped-call]


@pytest_asyncio.fixture
async def lsp(
    tmp_path: Path, pypi_index: LocalIndex, flet_index: LocalIndex
) -> AsyncIterator[Session]:
    """A client that is sent diagnostics (push)."""
    async with session(tmp_path, pypi_index, flet_index, pulls=False) as started:
        yield started


@pytest_asyncio.fixture
async def lsp_pull(
    tmp_path: Path, pypi_index: LocalIndex, flet_index: LocalIndex
) -> AsyncIterator[Session]:
    """A client that pulls diagnostics (VS Code)."""
    async with session(tmp_path, pypi_index, flet_index, pulls=True) as started:
        yield started


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
    # The chain link by link, where it is declared, and every target.
    assert fl001.related_information is not None
    said = [r.message for r in fl001.related_information]
    assert said[0] == "declared here: pydantic==2.12.5"
    assert said[1].startswith("pydantic 2.12.5 requires pydantic-core==2.41.5")
    assert said[-1].startswith("targets (") and "ios_13_0_arm64_iphoneos" in said[-1]
    assert all(r.location.uri == lsp.uri("requirements.txt") for r in fl001.related_information)


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
    found = await lsp.diagnostics("requirements.txt", lambda d: "FL001" in _codes(d))
    fl001_message = next(d.message for d in found if d.code == "FL001").split("\n")[0]
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
    # The editor shows the diagnostic above the hover: not repeated, only every target added.
    assert fl001_message not in text
    (targets,) = [line for line in text.splitlines() if line.startswith("- **FL001**")]
    for target in ("android_24_arm64_v8a", "android_24_x86_64", "ios_13_0_arm64_iphoneos"):
        assert target in targets


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


# -- while typing: pull diagnostics, code actions that wait, state per check -------------------


async def test_a_pulling_client_gets_the_newest_diagnostics_by_pull_and_no_push(
    lsp_pull: Session,
) -> None:
    lsp = lsp_pull
    (lsp.root / "requirements.txt").write_text("pydantic==2.12.5\n")
    uri = lsp.open("requirements.txt")
    found = await lsp.pull("requirements.txt")  # waits for the first check
    assert "FL001" in _codes(found)
    lsp.change("requirements.txt", "anyio\n")
    # Asked right after the change: answered from the check of the new text, not the old one.
    assert not await lsp.pull("requirements.txt")
    assert uri not in lsp.client.diagnostics  # an open document is never pushed as well


async def test_a_pulling_client_is_sent_the_diagnostics_of_files_it_has_not_opened(
    lsp_pull: Session,
) -> None:
    lsp = lsp_pull
    (lsp.root / "requirements.txt").write_text("pydantic==2.12.5\n")
    (lsp.root / "main.py").write_text("import pydantic\n")
    lsp.open("main.py", language="python")
    await lsp.pull("main.py")
    pushed = await lsp.diagnostics("requirements.txt", lambda d: "FL001" in _codes(d))
    assert pushed[0].range.start.line == 0
    # Opened now: the pushed copy is withdrawn and the pulled one takes over.
    lsp.open("requirements.txt")
    assert "FL001" in _codes(await lsp.pull("requirements.txt"))
    assert not lsp.client.diagnostics.get(lsp.uri("requirements.txt"))


async def test_a_code_action_right_after_an_edit_waits_for_its_check(lsp: Session) -> None:
    (lsp.root / "requirements.txt").write_text("anyio\n")
    uri = lsp.open("requirements.txt")
    await lsp.diagnostics("requirements.txt", lambda d: not d)
    lsp.change("requirements.txt", "pydantic==2.12.5\n")
    # No waiting for the diagnostics: Ctrl+. straight after typing.
    actions = await lsp.client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(
                start=types.Position(line=0, character=2), end=types.Position(line=0, character=2)
            ),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )
    titles = [a.title for a in actions or [] if isinstance(a, types.CodeAction)]
    assert any(t.startswith("pin pydantic==2.12.5") for t in titles), titles


async def test_an_index_that_comes_back_is_read_again_by_the_next_check(
    lsp: Session, flet_index: LocalIndex
) -> None:
    (lsp.root / "requirements.txt").write_text("msgpack\n")
    flet_index.down()
    lsp.open("requirements.txt")
    found = await lsp.diagnostics("requirements.txt", lambda d: "FL005" in _codes(d))
    assert any(flet_index.url.rstrip("/") in d.message for d in found if d.code == "FL005")
    # Still down: a later check says so again (the problem belongs to each check).
    lsp.change("requirements.txt", "msgpack\n\n")
    await lsp.diagnostics("requirements.txt", lambda d: "FL005" in _codes(d))
    flet_index.up()
    # Past the client's first back-off (RETRY_FIRST, 1 s), the next check asks the index again.
    await asyncio.sleep(1.5)
    lsp.change("requirements.txt", "msgpack\n", version=3)
    assert "FL005" not in _codes(await lsp.diagnostics("requirements.txt", lambda d: not d))
    assert flet_index.requests_to("/simple/msgpack/")


@pytest.mark.parametrize(
    "body",
    ["x = " + "[" * 1500 + "]" * 1500 + "\n", "x = " + "+".join(["1"] * 500) + "\n"],
    ids=["1500 nested brackets", "a 500-term sum"],
)
async def test_python_too_deep_to_parse_is_a_located_diagnostic_and_the_server_lives_on(
    lsp: Session, body: str
) -> None:
    (lsp.root / "requirements.txt").write_text("anyio\n")
    lsp.open("main.py", "import anyio\n\n" + body, language="python")
    found = await lsp.diagnostics("main.py", lambda d: "FL101" in _codes(d))
    (problem,) = found
    assert problem.range.start.line == 2
    assert "could not parse" in problem.message
    # The server still answers, and the file is read again once it is sane.
    lsp.change("main.py", "import anyio\nimport cv2\n")
    found = await lsp.diagnostics("main.py", lambda d: any("cv2" in x.message for x in d))
    assert [d.range.start.line for d in found] == [1]


async def test_an_odd_line_break_in_a_requirements_comment_moves_no_diagnostic(
    lsp: Session,
) -> None:
    # pip splits at both characters (str.splitlines), so what follows them is a comment too.
    text = "anyio\n# a comment\f# with a form feed\u2028# and U+2028\npydantic==2.12.5\n"
    lsp.open("requirements.txt", text)
    found = await lsp.diagnostics("requirements.txt", lambda d: "FL001" in _codes(d))
    (fl001,) = [d for d in found if d.code == "FL001"]
    assert fl001.range == types.Range(
        start=types.Position(line=2, character=0), end=types.Position(line=2, character=16)
    )
