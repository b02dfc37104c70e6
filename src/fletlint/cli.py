"""`fletlint`: argument parsing, exit codes, and the choice of renderer. No analysis lives here.

Exit codes follow ruff: 0 nothing at error level, 1 errors found, 2 bad usage or unreadable input.
The engine, rich and every other heavy module are imported by the command that needs them:
`--version` and `--help` load argparse alone, `check --format json` no rich.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from fletlint import __version__, cli_build
from fletlint.cli_output import Streams
from fletlint.linter.defaults import FLET_INDEX_URL

if TYPE_CHECKING:
    from fletlint.cli_replay import ReplayStore
    from fletlint.linter.engine import Report, Settings

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
FORMATS = ("text", "json", "sarif", "github")
GRAPH_FORMATS = ("html", "mermaid")
GRAPH_TARGET = "android_24_arm64_v8a"


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse exits with 2 already; say it the same way every other input error is said.
        raise UsageError(message)

    def _get_formatter(self) -> argparse.HelpFormatter:
        # argparse makes a formatter for every add_argument (to check its help), and each one
        # imported shutil and asked it for the terminal's width: 7 ms of a 60 ms warm check.
        make: Callable[..., argparse.HelpFormatter] = self.formatter_class
        return make(prog=self.prog, width=_help_width())


@functools.cache
def _help_width() -> int:
    """What argparse's HelpFormatter computes with shutil.get_terminal_size, computed once."""
    value = os.environ.get("COLUMNS", "").strip()
    columns = int(value) if value.isdigit() else 0
    if columns <= 0:
        try:
            stdout = sys.__stdout__
            columns = os.get_terminal_size(stdout.fileno()).columns if stdout else 0
        except (AttributeError, ValueError, OSError):
            columns = 0
    return (columns or 80) - 2


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="fletlint", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--version", action="version", version=f"fletlint {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = commands.add_parser("check", help="check a Flet app's dependencies for phone targets")
    check.add_argument("--format", choices=FORMATS, default="text")
    add_project_options(check)
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when errors are found")
    check.add_argument("--fix", action="store_true", help="apply the safe fixes, then re-check")
    check.add_argument(
        "--unsafe-fixes", action="store_true", help="with --fix or --diff: the unsafe fixes too"
    )
    check.add_argument(
        "--diff", action="store_true", help="print the fixes as a diff; write nothing"
    )

    # `build`'s flags live beside its runner; it takes the same project options as `check`.
    cli_build.add_parser(commands, add_project_options)

    graph = commands.add_parser(
        "graph", help="draw one target's dependency graph, blocking chains highlighted"
    )
    graph.add_argument("--format", choices=GRAPH_FORMATS, default="html")
    graph.add_argument(
        "-o", "--output", type=Path, help="where to write (default: fletlint-graph.html / .mmd)"
    )
    graph.add_argument(
        "--unconstrained",
        action="store_true",
        help="draw what the desktop would install instead of what the phone can",
    )
    add_project_options(graph)

    lsp = commands.add_parser("lsp", help="run the language server (LSP over stdin/stdout)")
    # LSP clients name the transport (vscode-languageclient appends --stdio); stdio is the only one.
    lsp.add_argument(
        "--stdio", action="store_true", help="talk LSP over stdin/stdout (the default)"
    )

    rule = commands.add_parser("rule", help="explain a rule")
    rule.add_argument("code", nargs="?")
    rule.add_argument("--all", action="store_true")
    return parser


def add_project_options(parser: argparse.ArgumentParser) -> None:
    """What to check and against which indexes: shared by `check`, `graph` and `build`."""
    parser.add_argument(
        "path",
        nargs="?",
        default=".",
        type=Path,
        help="app folder, pyproject.toml or requirements file (default: .)",
    )
    parser.add_argument("--python-version", help="the bundled Python, e.g. 3.13")
    parser.add_argument(
        "--target",
        action="append",
        default=[],
        metavar="NAME",
        help="a target tag, platform (android, ios) or ABI; repeatable",
    )
    parser.add_argument(
        "-r",
        "--requirement",
        action="append",
        default=[],
        type=Path,
        help="check this requirements file instead of discovering the project's",
    )
    parser.add_argument(
        "--extra", action="append", default=[], help="also check an optional dependency group"
    )
    parser.add_argument(
        "--group", action="append", default=[], help="also check a dependency group"
    )
    parser.add_argument("-i", "--index-url")
    parser.add_argument("--extra-index-url", action="append", default=[])
    parser.add_argument("-f", "--find-links", action="append", default=[])
    parser.add_argument("--no-index", action="store_true")
    parser.add_argument(
        "--flet-index-url",
        help=f"Flet's mobile index (default: {FLET_INDEX_URL})",
    )
    parser.add_argument(
        "--no-flet-index", action="store_true", help="leave Flet's mobile index out"
    )
    parser.add_argument(
        "--isolated",
        action="store_true",
        help="ignore pip's configuration files and PIP_* variables",
    )
    parser.add_argument("--offline", action="store_true", help="answer from the cache alone")
    parser.add_argument("--cache-dir", type=Path)
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="recompute the report even when nothing changed (the index cache is still used)",
    )
    parser.add_argument("--select", action="append", default=[], metavar="CODE")
    parser.add_argument("--ignore", action="append", default=[], metavar="CODE")


def settings_from(args: argparse.Namespace) -> Settings:
    from fletlint.config import settings_for

    # None / () mean "not on the command line": `[tool.fletlint]` then decides (config.py).
    return settings_for(
        args.path,
        {
            "python_version": args.python_version,
            "targets": tuple(args.target),
            "index_url": args.index_url,
            "extra_index_urls": tuple(args.extra_index_url),
            "find_links": tuple(args.find_links),
            "no_index": args.no_index,
            "flet_index_url": "" if args.no_flet_index else args.flet_index_url,
            "use_pip_config": not args.isolated,
            "offline": args.offline or None,
            "cache_dir": args.cache_dir,
            "reuse_report": False if args.no_cache else None,
            "extras": tuple(args.extra),
            "groups": tuple(args.group),
            "requirements_files": tuple(args.requirement),
            "select": tuple(args.select),
            "ignore": tuple(args.ignore),
        },
    )


def run_check(args: argparse.Namespace, streams: Streams) -> int:
    started = time.perf_counter()
    replays = None
    if not args.fix and not args.diff:
        from fletlint.cli_replay import ReplayStore

        replays = ReplayStore.for_check(args)
    if replays is not None:
        replay = replays.load(args.format)
        if replay is not None:  # nothing the last identical check looked at has moved
            streams.write(replay.output(time.perf_counter() - started))
            return _exit_code(replay.has_errors, args)

    with _few_collections():
        return _check(args, streams, replays)


# A check allocates hundreds of thousands of objects (links, files, versions), few of them in
# cycles: at the default 700, some 210 young collections took 0.07-0.12 s of a cold check's
# interpreter lock; at this threshold one or two run (0.035 s), for about 1 MB more at the peak.
_CHECK_GC_THRESHOLD = 100_000


@contextlib.contextmanager
def _few_collections() -> Iterator[None]:
    """The check's collection threshold, and the process's own again after it (tests and
    other callers of `main` run in a process of their own making)."""
    import gc

    before = gc.get_threshold()
    gc.set_threshold(_CHECK_GC_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _check(args: argparse.Namespace, streams: Streams, replays: ReplayStore | None) -> int:
    if not args.offline and not args.no_index:
        # The TLS trust loads (30 ms, mostly outside the interpreter lock) while the engine
        # does, not when the first request waits for it.
        from fletlint.linter.index.transport import start_tls_context

        start_tls_context()
    from fletlint.linter.engine import Linter
    from fletlint.linter.observed import recording

    with recording() as seen:
        settings = settings_from(args)
        # --fix and --diff check again after each round of fixes; a plain check runs once.
        with Linter(settings, checks_again=bool(args.fix or args.diff)) as linter:
            if args.fix or args.diff:
                from fletlint import cli_fix

                return cli_fix.run(args, linter, streams, emit)
            with streams.progress("reading indexes…", drawn=args.format == "text") as progress:
                report = linter.check(args.path, on_progress=progress.update)
    if replays is None:
        emit(report, args.format, streams)
    else:
        from fletlint.cli_replay import Replay, elapsed_marker

        text = render_machine(report, args.format)
        streams.write(text)
        if report.index_probes is not None:
            replay = Replay(text, elapsed_marker(text, report.elapsed), report.has_errors)
            replays.save(args.format, seen, report.index_probes, replay)
    return _exit_code(report.has_errors, args)


def _exit_code(has_errors: bool, args: argparse.Namespace) -> int:
    return EXIT_FINDINGS if has_errors and not args.exit_zero else EXIT_CLEAN


def render_machine(report: Report, fmt: str) -> str:
    """The report in a machine format: json, sarif or github."""
    if fmt == "json":
        from fletlint.report import json_report

        return json_report.render(report)
    if fmt == "sarif":
        from fletlint.report import sarif

        return sarif.render(report)
    if fmt == "github":
        from fletlint.report import github

        return github.render(report)
    raise ValueError(f"{fmt!r} is not a machine format")


def emit(report: Report, fmt: str, streams: Streams) -> None:
    if fmt == "text":
        from fletlint.report import text

        text.render(report, streams.console)
    else:
        streams.write(render_machine(report, fmt))


def run_graph(args: argparse.Namespace, streams: Streams) -> int:
    import dataclasses

    from fletlint.linter.engine import Linter
    from fletlint.report import graph, graph_html

    settings = settings_from(args)
    wanted = args.target[0] if args.target else GRAPH_TARGET
    if len(args.target) > 1:
        raise UsageError("`graph` draws one target; give --target once")
    settings = dataclasses.replace(settings, targets=(wanted,))
    with (
        Linter(settings, checks_again=False) as linter,
        streams.progress("resolving…", drawn=True),
    ):
        report = linter.check(args.path)
    data = graph.build(report, unconstrained=args.unconstrained)
    if args.format == "mermaid":
        text, default = graph.render_mermaid(data), "fletlint-graph.mmd"
    else:
        text, default = graph_html.render(data), "fletlint-graph.html"
    output = args.output or Path(default)
    graph.write_atomic(output, text)
    streams.say(f"wrote {output} ({data.summary()})")
    return EXIT_CLEAN


def run_rule(args: argparse.Namespace, streams: Streams) -> int:
    from fletlint.linter.rules import RULES

    out = streams.console
    if args.all or not args.code:
        for rule in RULES.values():
            out.print(f"{rule.code}  {rule.name:<26} {rule.severity.value:<8} {rule.summary}")
        return EXIT_CLEAN
    found = RULES.get(args.code.upper())
    if found is None:
        raise UsageError(f"unknown rule {args.code!r}; `fletlint rule --all` lists them")
    from rich.markdown import Markdown

    out.print(f"# {found.code} {found.name}", markup=False)
    out.print(Markdown(found.docs))
    return EXIT_CLEAN


def main(argv: Sequence[str] | None = None) -> int:
    streams = Streams()
    try:
        args = cli_build.parse(build_parser(), sys.argv[1:] if argv is None else argv)
        if args.command in cli_build.COMMANDS:
            return cli_build.run(args, settings_from(args), streams, emit)
        if args.command == "rule":
            return run_rule(args, streams)
        if args.command == "graph":
            return run_graph(args, streams)
        if args.command == "lsp":
            # Imported here: pygls and lsprotocol cost start-up time `check` does not need.
            from fletlint.lsp import server

            server.main()
            return EXIT_CLEAN
        return run_check(args, streams)
    except UsageError as exc:
        _error(streams, str(exc))
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        from fletlint.linter.findings import InputError

        if isinstance(exc, InputError):
            _error(streams, str(exc))
            return EXIT_USAGE
        # A bug: say so in one line, keep the traceback for who asks.
        if os.environ.get("FLETLINT_DEBUG"):
            raise
        _error(
            streams,
            repr(exc),
            kind="internal error",
            then=". This is a bug; rerun with FLETLINT_DEBUG=1 for the traceback and report it.",
        )
        return EXIT_USAGE


def _error(streams: Streams, message: str, *, kind: str = "error", then: str = "") -> None:
    from fletlint.linter.index.urls import redact_text

    # One line: a long `path:line:col` must stay whole for editors and CI to link it.
    streams.say(f"fletlint: {kind}: {redact_text(message)}{then}")


if __name__ == "__main__":
    sys.exit(main())
