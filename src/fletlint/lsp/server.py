"""`fletlint lsp`: the language server, a thin layer over `Linter.check`.

Every open requirements*.txt, pyproject.toml or .py file belongs to a project (the folder of the
nearest pyproject.toml or requirements.txt above it, within the workspace folder). A change
schedules a check of that project with the unsaved texts of its open documents; the check runs
in a thread (a first check reads indexes for seconds), debounced, and only the newest result is
published. Each project keeps one Linter, so its caches serve every later check.

Diagnostics come first: a check runs without its fixes (verifying a fix costs resolutions) and
publishes; the fixes are computed afterwards in the background, a finding at a time, and given
up as soon as a newer change arrives. A code action waits for the check of the newest text and
for the fixes it needs, rather than answering nothing. Clients that pull diagnostics
(`textDocument/diagnostic`, LSP 3.17) get them by pull for their open documents, and by push
only for files they have not opened (findings about a requirements file while main.py is open);
other clients get them by push.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import threading
import traceback
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from lsprotocol import types
from packaging.utils import canonicalize_name
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from fletlint import __version__
from fletlint.config import settings_for
from fletlint.linter.engine import FixingCancelled, Linter, Report
from fletlint.linter.findings import Finding, InputError, Location
from fletlint.linter.modules import ModuleIndex
from fletlint.lsp import convert

# Seconds of quiet after the last change before a check starts: typing does not start a
# check per keystroke, and the newest text is the one checked. Short: a warm check is cheap.
DEBOUNCE = 0.1
# Seconds without a change after publishing before the fixes are computed in the background:
# they must not take the processor from the next check while the user types.
FIXES_AFTER = 1.0
# How long a pull or a code action waits for the check of the newest text before it answers
# with what it has.
WAIT_FOR_CHECK = 60.0
PROJECT_FILES = ("pyproject.toml", "requirements.txt")


def is_watched(path: Path) -> bool:
    """The documents whose edits can change findings."""
    name = path.name
    return (
        name == "pyproject.toml"
        or (name.startswith("requirements") and name.endswith(".txt"))
        or path.suffix == ".py"
    )


def _key(path: str | Path) -> Path:
    # abspath, not resolve(): paths must stay spelled as the client's URIs spell them.
    return Path(os.path.abspath(path))


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


@dataclass(frozen=True)
class Failure:
    """A check that raised something other than InputError: a bug, with its traceback."""

    message: str


@dataclass
class Project:
    """One project root: its Linter, its pending check, its last report and what was shown."""

    root: Path
    lock: threading.Lock = field(default_factory=threading.Lock)  # one check at a time
    linter: Linter | None = None
    generation: int = 0  # bumped by every change; a check publishes only if still the newest
    pending: asyncio.Task[None] | None = None
    # Set while the shown diagnostics are those of the newest texts; cleared by every change.
    settled: asyncio.Event = field(default_factory=asyncio.Event)
    report: Report | None = None
    report_texts: dict[Path, str] = field(default_factory=dict)  # the buffers the report saw
    by_uri: dict[str, list[types.Diagnostic]] = field(default_factory=dict)  # the newest outcome
    published: set[str] = field(default_factory=set)  # URIs pushed this project's diagnostics
    # The report's findings with their fixes, by index in report.findings (filled after the
    # diagnostics are out); fix_lock: one computation of fixes at a time.
    fixed: dict[int, Finding] = field(default_factory=dict)
    fix_lock: threading.Lock = field(default_factory=threading.Lock)


class FletlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            "fletlint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full
        )
        self.projects: dict[Path, Project] = {}
        # Separate from pygls' own pool (which reads stdin): checks must not starve the reader.
        self.checks = ThreadPoolExecutor(max_workers=4, thread_name_prefix="fletlint-check")
        self._tokens = itertools.count(1)
        self._live_tokens: set[str] = set()

    # -- documents and projects ----------------------------------------------------------------

    @property
    def encoding(self) -> str:
        return str(self.workspace.position_encoding or convert.UTF16)

    def open_texts(self) -> dict[Path, str]:
        texts: dict[Path, str] = {}
        for uri, document in self.workspace.text_documents.items():
            path = to_fs_path(uri)
            if path is not None:
                texts[_key(path)] = document.source
        return texts

    def texts_under(self, root: Path) -> dict[Path, str]:
        return {p: t for p, t in self.open_texts().items() if _inside(p, root)}

    def _workspace_folder(self, path: Path) -> Path | None:
        folders = [
            _key(p) for f in self.workspace.folders.values() if (p := to_fs_path(f.uri)) is not None
        ]
        if self.workspace.root_path:
            folders.append(_key(self.workspace.root_path))
        inside = [f for f in folders if _inside(path, f)]
        return max(inside, key=lambda f: len(f.parts)) if inside else None

    def project_root(self, path: Path) -> Path | None:
        """The folder of the nearest pyproject.toml or requirements.txt (an unsaved one counts)."""
        stop = self._workspace_folder(path)
        open_paths = set(self.open_texts())
        for folder in path.parents:
            if any((folder / n).is_file() or folder / n in open_paths for n in PROJECT_FILES):
                return folder
            if folder == stop:
                break
        if path.suffix != ".py":
            return path.parent  # a lone requirements-dev.txt is its own project
        return None

    def project_for(self, uri: str) -> Project | None:
        path = to_fs_path(uri)
        if path is None or not is_watched(Path(path)):
            return None
        root = self.project_root(_key(path))
        if root is None:
            return None
        return self.projects.setdefault(root, Project(root))

    def text_of(self, path: str | Path, texts: Mapping[Path, str] | None = None) -> str | None:
        """A file's text as the editor has it, else as on disk."""
        key = _key(path)
        if texts is not None and key in texts:
            return texts[key]
        current = self.open_texts().get(key)
        if current is not None:
            return current
        try:
            return key.read_bytes().decode("utf-8").removeprefix("\ufeff")
        except (OSError, UnicodeDecodeError):
            return None

    # -- checking ------------------------------------------------------------------------------

    def schedule(self, uri: str, *, known_only: bool = False) -> None:
        """Check the document's project soon; `known_only`: only a project already checked."""
        path = to_fs_path(uri)
        root = (
            self.project_root(_key(path)) if path is not None and is_watched(Path(path)) else None
        )
        if known_only and root not in self.projects:
            return
        project = self.project_for(uri)
        if project is None:
            return
        project.generation += 1
        project.settled.clear()
        if project.pending is not None:
            project.pending.cancel()
        project.pending = asyncio.get_running_loop().create_task(
            self._check_later(project, project.generation)
        )

    async def _check_later(self, project: Project, generation: int) -> None:
        await asyncio.sleep(DEBOUNCE)
        texts = self.texts_under(project.root)
        loop = asyncio.get_running_loop()
        token = await self._begin_progress(project)
        try:
            outcome = await loop.run_in_executor(
                self.checks, self._run_check, project, texts, self._progress_callback(token, loop)
            )
        finally:
            self._end_progress(token)
        if generation != project.generation:
            return  # a newer change has its own check coming: this result is already stale
        if isinstance(outcome, Report):
            project.report, project.report_texts, project.fixed = outcome, texts, {}
            self.publish(project, self.report_diagnostics(project, outcome, texts))
        elif isinstance(outcome, InputError):
            self.publish(project, self.input_diagnostics(project, outcome, texts))
        else:
            # A bug: say so in the log; the last diagnostics stay, better than none.
            self.log(outcome.message, types.MessageType.Error)
        project.settled.set()
        if isinstance(outcome, Report) and outcome.findings:
            # Once typing pauses: the fixes, ready for the first Ctrl+. (While typing goes on,
            # each change cancels this; a code action computes the fixes it needs itself.)
            await asyncio.sleep(FIXES_AFTER)
            everything = range(len(outcome.findings))
            await self.fixes(project, outcome, everything, generation)

    async def wait_for_check(self, project: Project) -> bool:
        """Until the diagnostics are those of the newest texts (a check is started when none is
        on its way); False when that takes longer than WAIT_FOR_CHECK."""
        if not project.settled.is_set() and (project.pending is None or project.pending.done()):
            project.generation += 1
            project.pending = asyncio.get_running_loop().create_task(
                self._check_later(project, project.generation)
            )
        try:
            await asyncio.wait_for(project.settled.wait(), WAIT_FOR_CHECK)
        except asyncio.TimeoutError:
            return False
        return True

    async def fixes(
        self, project: Project, report: Report, indexes: Iterable[int], generation: int
    ) -> None:
        """Attach the fixes of these findings of `report` (in a worker thread), unless a newer
        change arrives first."""
        if project.report is not report:
            return  # a newer report replaced it
        store = project.fixed  # this report's: replaced together with it, on this thread
        wanted = [i for i in indexes if i not in store]
        if not wanted or report.fixes_later is None:
            return
        loop = asyncio.get_running_loop()
        failure = await loop.run_in_executor(
            self.checks, self._compute_fixes, project, report, store, wanted, generation
        )
        if failure is not None:
            self.log(failure.message, types.MessageType.Error)

    def _compute_fixes(
        self,
        project: Project,
        report: Report,
        store: dict[int, Finding],
        wanted: list[int],
        generation: int,
    ) -> Failure | None:
        """In a worker thread, a finding at a time; a change makes it stop at the next
        resolution. Never raises."""

        def cancelled() -> bool:
            return project.generation != generation or project.report is not report

        try:
            for index in wanted:
                # Per finding: a code action's few findings need not wait for all the others.
                with project.fix_lock:
                    if cancelled():
                        return None
                    if index in store or report.fixes_later is None:
                        continue
                    (fixed,) = report.fixes_later([report.findings[index]], cancelled)
                    store[index] = fixed
        except FixingCancelled:
            return None
        except Exception:
            if cancelled():
                return None  # e.g. the Linter was replaced under a stale computation
            return Failure(f"fletlint: computing fixes failed:\n{traceback.format_exc()}")
        return None

    def _run_check(
        self,
        project: Project,
        texts: dict[Path, str],
        on_progress: Callable[[str], None] | None,
    ) -> Report | InputError | Failure:
        """In a worker thread. Never raises: the server must outlive any bug in a check."""
        try:
            with project.lock:
                settings = settings_for(project.root, texts=texts)
                # Settings are frozen data: a different value means [tool.fletlint] changed,
                # and only then are the Linter's caches (clients, listings) given up.
                if project.linter is None or project.linter.settings != settings:
                    if project.linter is not None:
                        project.linter.close()
                    project.linter = Linter(settings)
                return project.linter.check(
                    project.root, texts=texts, on_progress=on_progress, fixes=False
                )
        except InputError as exc:
            return exc
        except Exception:
            # Logged by the caller, on the event loop's thread, which owns the transport.
            return Failure(f"fletlint: checking {project.root} failed:\n{traceback.format_exc()}")

    def log(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        """On the event loop's thread only."""
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    # -- progress ------------------------------------------------------------------------------

    async def _begin_progress(self, project: Project) -> str | None:
        capabilities = self.client_capabilities.window
        if capabilities is None or not capabilities.work_done_progress:
            return None
        token = f"fletlint-check-{next(self._tokens)}"
        try:
            await self.work_done_progress.create_async(token)
        except Exception:  # the client refused: check without a progress bar
            return None
        self._live_tokens.add(token)
        self.work_done_progress.begin(
            token,
            types.WorkDoneProgressBegin(title="fletlint", message=f"checking {project.root.name}"),
        )
        return token

    def _progress_callback(
        self, token: str | None, loop: asyncio.AbstractEventLoop
    ) -> Callable[[str], None] | None:
        if token is None:
            return None

        def report(message: str) -> None:
            value = types.WorkDoneProgressReport(message=message)
            loop.call_soon_threadsafe(self._report_progress, token, value)

        return report

    def _report_progress(self, token: str, value: types.WorkDoneProgressReport) -> None:
        # A cancelled (obsolete) check keeps running in its thread after its progress ended;
        # a report for an ended token is a protocol error in some clients.
        if token in self._live_tokens:
            self.work_done_progress.report(token, value)

    def _end_progress(self, token: str | None) -> None:
        if token is not None:
            self._live_tokens.discard(token)
            self.work_done_progress.end(token, types.WorkDoneProgressEnd())

    # -- diagnostics ---------------------------------------------------------------------------

    def main_file(self, project: Project, report: Report | None) -> Path:
        """Where findings without a location go: the file the dependencies are written in."""
        open_paths = self.open_texts()
        candidates = (
            [
                *(_key(r.location.path) for r in report.project.requirements),
                *(_key(f) for f in report.project.files),
            ]
            if report is not None
            else []
        )
        candidates += [project.root / name for name in PROJECT_FILES]
        for candidate in candidates:
            # The implicit `flet` of a project without dependency files is "at" its folder.
            if candidate.is_file() or candidate in open_paths:
                return candidate
        return project.root / "requirements.txt"

    def located(
        self, location: Location | None, project: Project, report: Report | None
    ) -> Location:
        if location is None:
            return Location(str(self.main_file(project, report)), 1)
        path = Path(location.path)
        return replace(
            location, path=str(_key(path if path.is_absolute() else project.root / path))
        )

    def report_diagnostics(
        self, project: Project, report: Report, texts: Mapping[Path, str]
    ) -> dict[str, list[types.Diagnostic]]:
        by_uri: dict[str, list[types.Diagnostic]] = {}
        for finding in report.findings:
            where = self.located(finding.location, project, report)
            text = self.text_of(where.path, texts)
            uri = _uri(where.path)
            diagnostic = convert.to_diagnostic(
                finding, text, self.encoding, location=where, uri=uri
            )
            by_uri.setdefault(uri, []).append(diagnostic)
        return by_uri

    def input_diagnostics(
        self, project: Project, error: InputError, texts: Mapping[Path, str]
    ) -> dict[str, list[types.Diagnostic]]:
        where = self.located(error.location, project, None)
        diagnostic = convert.input_diagnostic(
            InputError(error.message, where), self.text_of(where.path, texts), self.encoding
        )
        return {_uri(where.path): [diagnostic]}

    @property
    def pulls(self) -> bool:
        """Whether the client asks for diagnostics (LSP 3.17 pull) instead of being sent them."""
        text_document = self.client_capabilities.text_document
        return text_document is not None and text_document.diagnostic is not None

    def publish(self, project: Project, by_uri: dict[str, list[types.Diagnostic]]) -> None:
        project.by_uri = by_uri
        open_uris = {
            uri
            for uri in _watched_uris(self.workspace.text_documents)
            if (path := to_fs_path(uri)) is not None and _inside(_key(path), project.root)
        }
        if self.pulls:
            # Open documents are pulled; pushing them too would show everything twice.
            pushed = {u: d for u, d in by_uri.items() if u not in open_uris}
            self._refresh_pulled()
        else:
            # An open document without findings is sent an empty list: checked, nothing found.
            pushed = {**{uri: [] for uri in sorted(open_uris)}, **by_uri}
        # Files that had findings and have none now are cleared, or stale squiggles would stay.
        for uri in sorted(project.published - set(pushed)):
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )
        for uri, diagnostics in pushed.items():
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics)
            )
        project.published = set(pushed)

    def _refresh_pulled(self) -> None:
        """Ask the client to pull again: a check started by one document can change another's
        diagnostics (a pyproject.toml edit, a requirements file the .py file's check read)."""
        workspace = self.client_capabilities.workspace
        diagnostics = workspace.diagnostics if workspace is not None else None
        if diagnostics is not None and diagnostics.refresh_support:
            self.workspace_diagnostic_refresh(None)

    def unpush(self, uri: str) -> None:
        """A document just opened by a pulling client: its pushed diagnostics give way to pulled
        ones (both would show)."""
        if not self.pulls:
            return
        for project in self.projects.values():
            if uri in project.published:
                project.published.discard(uri)
                self.text_document_publish_diagnostics(
                    types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
                )

    async def pull(self, uri: str) -> list[types.Diagnostic]:
        """The document's diagnostics once the check of the newest texts is done."""
        project = self.project_for(uri)
        if project is None:
            return []
        await self.wait_for_check(project)
        return list(project.by_uri.get(uri, []))

    def current_findings(self, project: Project) -> tuple[Report, list[Finding]] | None:
        """The last report, if the buffers still hold the texts it was made from (a fix's ranges
        are valid only in those texts)."""
        report = project.report
        if report is None or self.texts_under(project.root) != project.report_texts:
            return None
        return report, report.findings

    # -- hover ---------------------------------------------------------------------------------

    def hover(self, params: types.HoverParams) -> types.Hover | None:
        project = self.project_for(params.text_document.uri)
        if project is None or project.report is None:
            return None
        report = project.report
        path = _key(to_fs_path(params.text_document.uri) or "")
        text = self.text_of(path)
        encoding = self.encoding
        position = params.position

        def here(location: Location | None) -> types.Range | None:
            if location is None:
                return None
            where = self.located(location, project, report)
            if _key(where.path) != path:
                return None
            found = convert.to_range(where, text, encoding)
            return found if convert.contains(found, position) else None

        package: str | None = None
        label = ""
        hit: types.Range | None = None
        spec = report.project
        declared = [
            *spec.requirements,
            *spec.constraints,
            *(d for ds in spec.optional.values() for d in ds),
            *(d for ds in spec.groups.values() for d in ds),
        ]
        for requirement in declared:
            found = here(requirement.location)
            if found is not None and requirement.requirement is not None:
                package = canonicalize_name(requirement.requirement.name)
                label, hit = f"`{requirement.text.strip()}`", found
                break
        if package is None and path.suffix == ".py" and text is not None:
            package, label, hit = _imported_package(text, str(path), position, encoding, report)
        findings = [f for f in report.findings if here(f.location) is not None]
        if package is None and not findings:
            return None
        parts: list[str] = []
        if package is not None:
            parts.append(availability_table(report, package, label))
        # The editor shows the diagnostics here already; the hover adds what they only
        # summarise: every target.
        targets = [_finding_targets(f) for f in findings if f.targets]
        if targets:
            parts.append("\n".join(targets))
        if not parts:
            return None
        if hit is None:
            hit = next(r for f in findings if (r := here(f.location)) is not None)
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n".join(parts)),
            range=hit,
        )

    # -- code actions --------------------------------------------------------------------------

    async def code_actions(self, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        project = self.project_for(params.text_document.uri)
        if project is None:
            return None
        # Right after typing, the check of the new text is on its way: its fixes are the right
        # ones (the last report's ranges are not), so wait for it.
        if not await self.wait_for_check(project):
            return None
        current = self.current_findings(project)
        if current is None:
            return None  # the text changed again while waiting; the next request will do
        report, findings = current
        path = _key(to_fs_path(params.text_document.uri) or "")
        text = self.text_of(path)
        here: dict[int, types.Diagnostic] = {}
        for index, finding in enumerate(findings):
            where = self.located(finding.location, project, report)
            if _key(where.path) != path:
                continue
            diagnostic = convert.to_diagnostic(finding, text, self.encoding, location=where)
            if convert.intersects(diagnostic.range, params.range):
                here[index] = diagnostic
        await self.fixes(project, report, here, project.generation)
        if self.current_findings(project) is None:
            return None
        actions: list[types.CodeAction] = []
        for index, diagnostic in here.items():
            finding = project.fixed.get(index, findings[index])
            actions += convert.code_actions(
                finding,
                diagnostic,
                lambda p: self.text_of(self.located(Location(p, 1), project, report).path),
                lambda p: _uri(self.located(Location(p, 1), project, report).path),
                self.encoding,
            )
        wanted = params.context.only
        if wanted:
            actions = [a for a in actions if any(str(a.kind).startswith(str(k)) for k in wanted)]
        return actions


def _uri(path: str | Path) -> str:
    uri = from_fs_path(str(path))
    return uri if uri is not None else Path(path).as_uri()


def _finding_targets(finding: Finding) -> str:
    subject = f" {finding.package}" if finding.package else ""
    return f"- **{finding.code}**{subject} on: {convert.targets_text(finding)}"


def _imported_package(
    text: str, path: str, position: types.Position, encoding: str, report: Report
) -> tuple[str | None, str, types.Range | None]:
    """The distribution an import under the cursor comes from (the first guess the graph has)."""
    from fletlint.linter.sources.imports import parse_imports

    imports, _ = parse_imports(text, path)
    for imported in imports:
        found = convert.to_range(imported.location, text, encoding)
        if not convert.contains(found, position):
            continue
        guesses = ModuleIndex(None, lambda _: (), host={}).guesses(imported.module)
        package = next((g for g in guesses if g in report.package_names), guesses[0])
        return str(package), f"`import {imported.module}`", found
    return None, "", None


def availability_table(report: Report, package: str, label: str = "") -> str:
    """Per target: what the phone resolution picked, and whether the desktop gets the same."""
    name = canonicalize_name(package)
    rows = ["| target | phone | desktop | |", "|---|---|---|---|"]
    for result in report.results:
        phone = result.resolution.packages.get(name)
        desktop = result.unconstrained.packages.get(name)
        if phone is None and desktop is None:
            continue  # not part of this target's graph (a marker leaves it out)
        phone_text = str(phone.version) if phone else "no installable release"
        desktop_text = str(desktop.version) if desktop else "—"
        same = phone is not None and desktop is not None and phone.version == desktop.version
        rows.append(
            f"| {result.target.name} | {phone_text} | {desktop_text} | "
            f"{'same' if same else '**differs**'} |"
        )
    title = f"**{name}**" + (f" — {label}" if label else "")
    if len(rows) == 2:
        return f"{title}\n\nnot installed for any checked target"
    return f"{title} (Python {report.python})\n\n" + "\n".join(rows)


def _watched_uris(uris: Iterable[str]) -> list[str]:
    return [u for u in uris if (p := to_fs_path(u)) is not None and is_watched(Path(p))]


def build() -> FletlintServer:
    server = FletlintServer()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: FletlintServer, params: types.DidOpenTextDocumentParams) -> None:
        for uri in _watched_uris([params.text_document.uri]):
            ls.unpush(uri)
            ls.schedule(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: FletlintServer, params: types.DidChangeTextDocumentParams) -> None:
        for uri in _watched_uris([params.text_document.uri]):
            ls.schedule(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: FletlintServer, params: types.DidSaveTextDocumentParams) -> None:
        for uri in _watched_uris([params.text_document.uri]):
            ls.schedule(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: FletlintServer, params: types.DidCloseTextDocumentParams) -> None:
        # The file on disk counts again: re-check with it.
        for uri in _watched_uris([params.text_document.uri]):
            ls.schedule(uri)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def did_change_watched_files(
        ls: FletlintServer, params: types.DidChangeWatchedFilesParams
    ) -> None:
        # A file changed on disk (a `-r` include, git checkout): re-check the projects it is part
        # of, but never start checking a project nobody has opened.
        for uri in _watched_uris(change.uri for change in params.changes):
            ls.schedule(uri, known_only=True)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: FletlintServer, params: types.HoverParams) -> types.Hover | None:
        try:
            return ls.hover(params)
        except Exception:
            ls.log(f"fletlint: hover failed:\n{traceback.format_exc()}", types.MessageType.Error)
            return None

    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(
            identifier="fletlint", inter_file_dependencies=True, workspace_diagnostics=False
        ),
    )
    async def diagnostic(
        ls: FletlintServer, params: types.DocumentDiagnosticParams
    ) -> types.RelatedFullDocumentDiagnosticReport:
        try:
            items = await ls.pull(params.text_document.uri)
        except Exception:
            ls.log(
                f"fletlint: diagnostics failed:\n{traceback.format_exc()}", types.MessageType.Error
            )
            items = []
        return types.RelatedFullDocumentDiagnosticReport(items=items)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    async def code_action(
        ls: FletlintServer, params: types.CodeActionParams
    ) -> list[types.CodeAction] | None:
        try:
            return await ls.code_actions(params)
        except Exception:
            ls.log(
                f"fletlint: code actions failed:\n{traceback.format_exc()}", types.MessageType.Error
            )
            return None

    return server


def main() -> None:
    build().start_io()
