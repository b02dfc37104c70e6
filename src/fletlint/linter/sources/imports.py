"""Every import of the app's own Python files, with where it is written (libcst, nothing is run).

`flet build` copies the app folder into the bundle (minus `[tool.flet].exclude` and `build/`), and
on the phone each of those imports must find its module among the installed packages or the phone's
standard library. So the scan mirrors what is bundled: the project folder, without virtual
environments, `build/`, hidden folders, `__pycache__` and `site-packages`.

An import is `guarded` when the app expects it may fail (inside `try` with an `except ImportError`,
`ModuleNotFoundError`, `Exception` or bare `except`; inside `with suppress(ImportError)`) or only
runs on some platforms (inside `if`/`elif`/`else` whose test looks at the platform: `sys.platform`,
`platform.system()`, `page.platform`, `IS_MOBILE`...). Rules report guarded imports one severity
lower. Imports under `if TYPE_CHECKING:` never run and are left out; relative imports are the
app's own modules and are left out too.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import hashlib
import json
import os
import re
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # libcst costs a fifth of a second to import: only a check that scans imports pays it.
    import libcst as cst
    from libcst.metadata import CodeRange

from fletlint.linter.findings import InputError, Location
from fletlint.linter.index.limits import MAX_SOURCE_FILE_BYTES
from fletlint.linter.interpreter import run_elsewhere
from fletlint.linter.observed import saw_file, saw_folder
from fletlint.linter.project_files import read_project_bytes
from fletlint.linter.storage import store_in_cache

# Folder names never bundled or never app code. `build/` is what flet build itself skips.
_SKIPPED_DIRS = frozenset({"__pycache__", "build", "site-packages", "node_modules"})
_CATCHES_IMPORT_ERROR = re.compile(r"\b(ImportError|ModuleNotFoundError|Exception|BaseException)\b")
# A test that looks at where the code runs. Deliberately broad: a false "guarded" only lowers a
# severity, a missed one reports an import the app already handles as an error.
_PLATFORM_TEST = re.compile(
    r"platform|android|(?<![a-z])ios(?![a-z])|iphone|mobile|desktop|windows|(?<![a-z])win32"
    r"|linux|darwin|macos|os\.name|uname|is_web|web_browser",
    re.IGNORECASE,
)
_ERROR_AT = re.compile(r"error at (\d+):(\d+):?")
_TYPE_CHECKING = re.compile(r"^(typing\.)?TYPE_CHECKING$")


@dataclass(frozen=True)
class ImportedModule:
    """One absolute import. `module` is the dotted name imported from (`a.b` for `from a.b import
    c` and `import a.b`); `names` the names a from-import takes (`*` included); `location` the
    range of the module name in the statement."""

    module: str
    location: Location
    names: tuple[str, ...] = ()
    guarded: bool = False
    guard: str | None = None  # "try/except ImportError" or "platform check"

    @property
    def top(self) -> str:
        return self.module.split(".", 1)[0]


@dataclass(frozen=True)
class ParseProblem:
    """A Python file that could not be read or parsed: its imports were not checked."""

    message: str
    location: Location


@dataclass(frozen=True)
class ImportScan:
    imports: tuple[ImportedModule, ...] = ()
    problems: tuple[ParseProblem, ...] = ()
    # Names the app itself provides (its modules and package folders): never a distribution.
    local_modules: frozenset[str] = frozenset()
    files: tuple[Path, ...] = ()


def is_excluded(rel: str, patterns: Sequence[str]) -> bool:
    for raw in patterns:
        pattern = raw.strip().strip("/").removeprefix("./")
        if not pattern:
            continue
        if rel == pattern or rel.startswith(pattern + "/") or fnmatch.fnmatch(rel, pattern):
            return True
    return False


def app_files(root: Path, exclude: Sequence[str] = (), extra: Sequence[Path] = ()) -> list[Path]:
    """The `.py` files flet build would bundle from `root`, sorted; `extra` adds files that exist
    only as unsaved editor buffers."""
    found: set[Path] = set()
    saw_folder(root)  # before os.walk lists it; each subfolder below, before it descends
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        rel_dir = here.relative_to(root).as_posix()
        kept = []
        for name in sorted(dirs):
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            if name.startswith(".") or name in _SKIPPED_DIRS or is_excluded(rel, exclude):
                continue
            saw_file(here / name / "pyvenv.cfg")
            if (here / name / "pyvenv.cfg").is_file():
                continue  # a virtual environment: the host's packages, not the app
            saw_folder(here / name)
            kept.append(name)
        dirs[:] = kept
        for name in files:
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            if name.endswith(".py") and not is_excluded(rel, exclude):
                found.add(here / name)
    for path in extra:
        if path.suffix != ".py":
            continue
        try:
            rel = path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            continue
        parts = rel.split("/")
        hidden = any(p.startswith(".") or p in _SKIPPED_DIRS for p in parts[:-1])
        if not hidden and not is_excluded(rel, exclude):
            found.add(root / rel)
    return sorted(found)


def _location(path: str, where: CodeRange) -> Location:
    # libcst columns are 0-based with an exclusive end; ours are 1-based with an exclusive end.
    return Location(
        path, where.start.line, where.start.column + 1, where.end.line, where.end.column + 1
    )


def _dotted(node: cst.BaseExpression) -> str:
    import libcst as cst

    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


class _Collector:
    def __init__(self, module: cst.Module, path: str) -> None:
        from libcst.metadata import MetadataWrapper, PositionProvider

        self._module = module
        self._path = path
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        self._positions = wrapper.resolve(PositionProvider)
        self.found: list[ImportedModule] = []

    def _code(self, node: cst.CSTNode) -> str:
        return self._module.code_for_node(node)

    def walk(self, node: cst.CSTNode, guard: str | None) -> None:
        import libcst as cst

        if isinstance(node, cst.Import):
            for alias in node.names:
                self._add(alias.name, (), guard)
            return
        if isinstance(node, cst.ImportFrom):
            if node.relative or node.module is None:
                return  # the app's own modules
            names = (
                ("*",)
                if isinstance(node.names, cst.ImportStar)
                else tuple(_dotted(a.name) for a in node.names)
            )
            self._add(node.module, names, guard)
            return
        if isinstance(node, cst.If):
            test = self._code(node.test).strip()
            if _TYPE_CHECKING.match(test):
                if node.orelse is not None:
                    self.walk(node.orelse, guard)
                return  # never runs
            inner = guard or ("platform check" if _PLATFORM_TEST.search(test) else None)
            self.walk(node.body, inner)
            if node.orelse is not None:
                self.walk(node.orelse, inner)
            return
        if isinstance(node, cst.Try | cst.TryStar):
            catches = any(
                h.type is None or _CATCHES_IMPORT_ERROR.search(self._code(h.type))
                for h in node.handlers
            )
            self.walk(node.body, guard or ("try/except ImportError" if catches else None))
            for child in (*node.handlers, node.orelse, node.finalbody):
                if child is not None:
                    self.walk(child, guard)
            return
        if isinstance(node, cst.With):
            suppresses = any(
                "suppress" in self._code(item.item)
                and _CATCHES_IMPORT_ERROR.search(self._code(item.item))
                for item in node.items
            )
            self.walk(node.body, guard or ("try/except ImportError" if suppresses else None))
            return
        for child in node.children:
            self.walk(child, guard)

    def _add(self, name: cst.BaseExpression, names: tuple[str, ...], guard: str | None) -> None:
        dotted = _dotted(name)
        if not dotted:
            return
        self.found.append(
            ImportedModule(
                module=dotted,
                location=_location(self._path, self._positions[name]),
                names=names,
                guarded=guard is not None,
                guard=guard,
            )
        )


# How deep one statement may nest before libcst is not asked to parse the file. libcst's native
# parser overflows its stack and kills the process (~1,500 nested brackets, a few thousand chained
# operators); its Python visitors reach the recursion limit at a few hundred levels. Measured on
# tokens (`_nesting`): an operator or keyword that chains expressions counts 1, a bracket or an
# indented block 2 (libcst spends about twice the frames on them). Real code stays far below.
MAX_NESTING = 200
_OPEN, _CLOSE = frozenset("([{"), frozenset(")]}")
# Tokens that nest the expression they are part of one level deeper (`a + b + c` is a chain of
# binary operations, `a.b.c` of attributes, `not not x` of unary ones, `x if c else y if d ...`).
_CHAINING_OPS = frozenset(
    {"+", "-", "*", "/", "//", "%", "**", "@", "<<", ">>", "&", "|", "^", "~"}
    | {"<", ">", "<=", ">=", "==", "!=", ".", ":=", "->"}
)
_CHAINING_WORDS = frozenset({"not", "and", "or", "if", "else", "lambda", "await", "in", "is"})
_ENDS_EXPRESSION = frozenset({")", "]", "}"})


def _string_nesting(token: str) -> int:
    """Brackets nested inside an f-string's replacement fields (one STRING token before 3.12)."""
    prefix = token[: len(token) - len(token.lstrip("rRbBuUfF"))]
    if "f" not in prefix.lower():
        return 0
    depth = deepest = 0
    for char in token:
        if char in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif char in _CLOSE:
            depth = max(0, depth - 1)
    return deepest


def _nesting(text: str, path: str) -> ParseProblem | None:
    """A ParseProblem where the code nests deeper than MAX_NESTING, or where Python's tokenizer
    stops (unterminated string or bracket, inconsistent indentation): libcst is not asked then.

    Along the current path of nesting: the chaining tokens of each open bracket's current element
    (a comma starts the next element) plus 2 per open bracket and per indented block. Iterative,
    linear in the text: no input makes it recurse or hang."""
    import io
    import tokenize

    indent = 0
    # Per open bracket (the statement itself at the bottom): chaining tokens of its element.
    chain = [0]
    previous: tokenize.TokenInfo | None = None
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            kind, value = token.type, token.string
            if kind == tokenize.INDENT:
                indent += 1
            elif kind == tokenize.DEDENT:
                indent = max(0, indent - 1)
            elif kind == tokenize.NEWLINE:
                chain = [0]
            elif kind == tokenize.OP and value in _OPEN:
                ends = previous is not None and (
                    previous.type in (tokenize.NAME, tokenize.NUMBER, tokenize.STRING)
                    or previous.string in _ENDS_EXPRESSION
                )
                if ends:
                    chain[-1] += 1  # a call or a subscript of what came before
                chain.append(0)
            elif kind == tokenize.OP and value in _CLOSE:
                if len(chain) > 1:
                    chain.pop()
            elif kind == tokenize.OP and value == ",":
                chain[-1] = 0
            elif (kind == tokenize.OP and value in _CHAINING_OPS) or (
                kind == tokenize.NAME and value in _CHAINING_WORDS
            ):
                chain[-1] += 1
            elif (
                kind == tokenize.STRING
                and previous is not None
                and previous.type == tokenize.STRING
            ):
                chain[-1] += 1  # implicit concatenation nests too
            depth = 2 * indent + 2 * (len(chain) - 1) + sum(chain)
            if kind == tokenize.STRING:
                depth += 2 * _string_nesting(value)
            if depth > MAX_NESTING:
                line, column = token.start
                return ParseProblem(
                    f"could not parse: nested more than {MAX_NESTING} levels deep here, too deep "
                    "to read safely",
                    Location(path, line, column + 1),
                )
            if kind not in (tokenize.NL, tokenize.COMMENT):
                previous = token
    except tokenize.TokenError as exc:
        message, (line, column) = exc.args[0], exc.args[1]
        return ParseProblem(f"syntax error: {message}", Location(path, max(line, 1), column + 1))
    except (SyntaxError, ValueError) as exc:  # IndentationError, NUL characters
        line = getattr(exc, "lineno", None) or 1
        column = getattr(exc, "offset", None) or 1
        reason = getattr(exc, "msg", None) or str(exc)
        return ParseProblem(f"syntax error: {reason}", Location(path, line, max(column, 1)))
    return None


def parse_imports(text: str, path: str) -> tuple[list[ImportedModule], ParseProblem | None]:
    """The imports of one file's text; a file that does not parse gives a ParseProblem instead.

    No text can crash or hang the process: the nesting is measured before libcst sees the text,
    and libcst (or the walk of its tree) running out of recursion is a ParseProblem too."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_SOURCE_FILE_BYTES:
        message = (
            f"could not parse: {size // 1024} KiB, more than the "
            f"{MAX_SOURCE_FILE_BYTES // 1024} KiB fletlint reads of a Python file"
        )
        return [], ParseProblem(message, Location(path, 1))
    problem = _nesting(text, path)
    if problem is not None:
        return [], problem
    try:
        return _parse_with_libcst(text, path)
    except (RecursionError, MemoryError):
        return [], ParseProblem(
            "could not parse: nested too deeply to read safely", Location(path, 1)
        )


def _parse_with_libcst(text: str, path: str) -> tuple[list[ImportedModule], ParseProblem | None]:
    import libcst as cst

    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        line, column = max(exc.editor_line, 1), max(exc.editor_column, 1)
        # libcst's native parser puts the real column only in the message ("error at 2:5").
        precise = _ERROR_AT.search(exc.message)
        if precise:
            line, column = int(precise.group(1)), max(int(precise.group(2)), 1)
        message = _ERROR_AT.sub("", exc.message).removeprefix("parser error: ").strip(": ")
        return [], ParseProblem(f"syntax error: {message}", Location(path, line, column))
    except (RecursionError, MemoryError):
        raise
    except Exception as exc:  # libcst raises a few other types on odd input; never crash
        return [], ParseProblem(f"cannot parse: {exc}", Location(path, 1))
    collector = _Collector(module, path)
    collector.walk(module, None)
    return collector.found, None


# One file's imports, or why they could not be read.
_Parsed = tuple[list[ImportedModule], ParseProblem | None]


@dataclass
class _FileRead:
    """One app file as a scan read it: (path, content hash), text, and its imports once known."""

    key: tuple[str, str]
    text: str
    parsed: _Parsed | None


def _local_names(root: Path, files: Sequence[Path]) -> frozenset[str]:
    # Every folder and module name on the way to an app file: `src/main.py` importing `utils`
    # (from `src/utils.py`) works because flet runs the app with its folder on sys.path.
    names: set[str] = set()
    for path in files:
        try:
            parts = path.relative_to(root).parts
        except ValueError:
            continue
        names.update(parts[:-1])
        names.add(Path(parts[-1]).stem)
    names.discard("__init__")
    return frozenset(names)


class ImportScanner:
    """Scans an app, remembering each file's imports by content, so that a language server
    checking again after one keystroke parses only the file that changed. Thread-safe."""

    def __init__(self, cache_dir: Path | None = None, *, worker: bool = False) -> None:
        """`worker`: files not known yet are parsed by another process while the check goes
        on, unless libcst is imported here already (a one-shot check's choice: a language
        server parses here, where libcst then stays for the next keystroke)."""
        self._worker = worker
        self._lock = threading.Lock()
        self._memo: dict[tuple[str, str], _Parsed] = {}
        # On disk too: a CLI run whose files did not change then never imports libcst, which
        # alone costs more than the rest of a warm check.
        self._folder = cache_dir / "imports-v1" if cache_dir is not None else None

    def scan(
        self,
        root: Path,
        exclude: Sequence[str] = (),
        texts: Mapping[Path, str] | None = None,
        files: Sequence[Path] | None = None,
    ) -> ImportScan:
        """The imports of the `.py` files among `files` (the app's, from sources/app_files.py),
        else of those found under `root` minus `exclude`."""
        return self.start(root, exclude, texts, files).result()

    def start(
        self,
        root: Path,
        exclude: Sequence[str] = (),
        texts: Mapping[Path, str] | None = None,
        files: Sequence[Path] | None = None,
    ) -> PendingScan:
        """`scan`, begun: the files are read now; those not known yet are parsed by a worker
        process when this scanner has one (see `__init__`), else when the result is asked."""
        overrides = {Path(os.path.abspath(p)): t for p, t in (texts or {}).items()}
        if files is None:
            files = app_files(root, exclude, list(overrides))
        else:
            files = sorted(p for p in files if p.suffix == ".py")
        read = [self._read(path, overrides.get(Path(os.path.abspath(path)))) for path in files]
        unknown = [(f.key[0], f.text) for f in read if f.parsed is None]
        worker = None
        if unknown and self._worker and "libcst" not in sys.modules:
            worker = _Worker(unknown)
        return PendingScan(self, root, tuple(files), read, worker)

    def _read(self, path: Path, text: str | None) -> _FileRead:
        """The file's text and key, with its imports when known (memo, disk, unreadable)."""
        display = str(path)
        if text is None:
            try:
                raw = read_project_bytes(path, what="Python file", limit=MAX_SOURCE_FILE_BYTES)
                text = raw.decode("utf-8")
            except InputError as exc:  # not a regular file, too large, unreadable
                return _FileRead(
                    (display, ""), "", ([], ParseProblem(exc.message, Location(display, 1)))
                )
            except UnicodeDecodeError as exc:
                problem = ParseProblem(f"cannot read: {exc}", Location(display, 1))
                return _FileRead((display, ""), "", ([], problem))
        key = (display, hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest())
        with self._lock:
            known = self._memo.get(key)
        if known is None:
            known = self._load(key)
            if known is not None:
                with self._lock:
                    self._memo[key] = known
        return _FileRead(key, text, known)

    def remember(self, key: tuple[str, str], parsed: _Parsed) -> None:
        """Keep a file's parsed imports (in memory and on disk), by path and content hash."""
        self._store(key, parsed)
        with self._lock:
            self._memo[key] = parsed

    def _entry(self, key: tuple[str, str]) -> Path | None:
        if self._folder is None:
            return None
        name = hashlib.sha256("\n".join(key).encode("utf-8", "surrogatepass")).hexdigest()
        return self._folder / name[:2] / f"{name}.json"

    def _load(self, key: tuple[str, str]) -> _Parsed | None:
        entry = self._entry(key)
        if entry is None:
            return None
        try:
            return decode_parsed(json.loads(entry.read_text("utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            return None  # unreadable: parse again

    def _store(self, key: tuple[str, str], value: _Parsed) -> None:
        entry = self._entry(key)
        if entry is None:
            return
        store_in_cache(entry, json.dumps(encode_parsed(value)).encode())


class PendingScan:
    """An app's scan begun by `ImportScanner.start`; `result()` waits for its worker, if any."""

    def __init__(
        self,
        scanner: ImportScanner,
        root: Path,
        files: tuple[Path, ...],
        read: list[_FileRead],
        worker: _Worker | None,
    ) -> None:
        self._scanner = scanner
        self._root = root
        self._files = files
        self._read = read
        self._worker = worker

    def result(self) -> ImportScan:
        unknown = [f for f in self._read if f.parsed is None]
        parsed = self._worker.result() if self._worker is not None else None
        if parsed is None or len(parsed) != len(unknown):
            # No worker, or it failed: parsed here, by the function the worker runs.
            parsed = [parse_imports(f.text, f.key[0]) for f in unknown]
        answers = iter(parsed)
        imports: list[ImportedModule] = []
        problems: list[ParseProblem] = []
        for file in self._read:
            if file.parsed is None:
                file.parsed = next(answers)
                self._scanner.remember(file.key, file.parsed)
            found, problem = file.parsed
            imports.extend(found)
            if problem is not None:
                problems.append(problem)
        return ImportScan(
            tuple(imports), tuple(problems), _local_names(self._root, self._files), self._files
        )


# How long a worker may take to parse an app before it is given up (and the app parsed here).
WORKER_TIMEOUT = 120.0
_WORKER_MAIN = "from fletlint.linter.sources.import_worker import main; sys.exit(main())"


class _Worker:
    """import_worker.py in another process, parsing texts while the check goes on:
    importing libcst costs a quarter of a second of the interpreter's time, which a one-shot
    check would otherwise take from its resolutions (another process uses the other core)."""

    def __init__(self, texts: list[tuple[str, str]]) -> None:
        self._answer: list[_Parsed] | None = None
        payload = json.dumps(texts).encode("utf-8", "surrogatepass")
        self._thread = threading.Thread(
            target=self._run, args=(payload,), name="fletlint-import-worker", daemon=True
        )
        self._thread.start()

    def _run(self, payload: bytes) -> None:
        out = run_elsewhere(_WORKER_MAIN, stdin=payload, timeout=WORKER_TIMEOUT)
        if out is None:
            return  # parsed in this process instead
        try:
            self._answer = [decode_parsed(item) for item in json.loads(out)]
        except (ValueError, KeyError, TypeError):
            return

    def result(self) -> list[_Parsed] | None:
        self._thread.join()
        return self._answer


def encode_parsed(value: _Parsed) -> dict[str, object]:
    """One file's imports as JSON data (the disk cache's entries, the worker's answers)."""
    found, problem = value
    return {
        "imports": [dataclasses.asdict(item) for item in found],
        "problem": dataclasses.asdict(problem) if problem else None,
    }


def decode_parsed(data: dict[str, Any]) -> _Parsed:
    """`encode_parsed`'s inverse. Raises KeyError, TypeError or ValueError on other data."""
    found = [
        ImportedModule(
            item["module"],
            Location(**item["location"]),
            tuple(item["names"]),
            item["guarded"],
            item["guard"],
        )
        for item in data["imports"]
    ]
    raw = data["problem"]
    problem = ParseProblem(raw["message"], Location(**raw["location"])) if raw else None
    return found, problem
