"""`fletlint`: argument parsing, exit codes, and the choice of renderer. No analysis lives here.

Exit codes follow ruff: 0 nothing at error level, 1 errors found, 2 bad usage or unreadable input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console

from fletlint import __version__
from fletlint.linter.engine import FLET_INDEX_URL, Linter, Report, Settings
from fletlint.linter.findings import InputError
from fletlint.linter.rules import RULES

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
FORMATS = ("text", "json")


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse exits with 2 already; say it the same way every other input error is said.
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="fletlint", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--version", action="version", version=f"fletlint {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = commands.add_parser("check", help="check a Flet app's dependencies for phone targets")
    check.add_argument(
        "path",
        nargs="?",
        default=".",
        type=Path,
        help="app folder, pyproject.toml or requirements file (default: .)",
    )
    check.add_argument("--format", choices=FORMATS, default="text")
    check.add_argument("--python-version", help="the bundled Python, e.g. 3.13")
    check.add_argument(
        "--target",
        action="append",
        default=[],
        metavar="NAME",
        help="a target tag, platform (android, ios) or ABI; repeatable",
    )
    check.add_argument(
        "-r",
        "--requirement",
        action="append",
        default=[],
        type=Path,
        help="check this requirements file instead of discovering the project's",
    )
    check.add_argument(
        "--extra", action="append", default=[], help="also check an optional dependency group"
    )
    check.add_argument("--group", action="append", default=[], help="also check a dependency group")
    check.add_argument("-i", "--index-url")
    check.add_argument("--extra-index-url", action="append", default=[])
    check.add_argument("-f", "--find-links", action="append", default=[])
    check.add_argument("--no-index", action="store_true")
    check.add_argument(
        "--flet-index-url",
        default=FLET_INDEX_URL,
        help=f"Flet's mobile index (default: {FLET_INDEX_URL})",
    )
    check.add_argument("--no-flet-index", action="store_true", help="leave Flet's mobile index out")
    check.add_argument(
        "--isolated",
        action="store_true",
        help="ignore pip's configuration files and PIP_* variables",
    )
    check.add_argument("--offline", action="store_true", help="answer from the cache alone")
    check.add_argument("--cache-dir", type=Path)
    check.add_argument("--select", action="append", default=[], metavar="CODE")
    check.add_argument("--ignore", action="append", default=[], metavar="CODE")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when errors are found")
    check.add_argument("--fix", action="store_true", help="apply the safe fixes, then re-check")
    check.add_argument(
        "--unsafe-fixes", action="store_true", help="with --fix or --diff: the unsafe fixes too"
    )
    check.add_argument(
        "--diff", action="store_true", help="print the fixes as a diff; write nothing"
    )

    rule = commands.add_parser("rule", help="explain a rule")
    rule.add_argument("code", nargs="?")
    rule.add_argument("--all", action="store_true")
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings(
        python_version=args.python_version,
        targets=tuple(args.target),
        index_url=args.index_url,
        extra_index_urls=tuple(args.extra_index_url),
        find_links=tuple(args.find_links),
        no_index=args.no_index,
        flet_index_url=None if args.no_flet_index else args.flet_index_url,
        use_pip_config=not args.isolated,
        offline=args.offline,
        cache_dir=args.cache_dir,
        extras=tuple(args.extra),
        groups=tuple(args.group),
        requirements_files=tuple(args.requirement),
        select=tuple(args.select),
        ignore=tuple(args.ignore),
    )


def run_check(args: argparse.Namespace, out: Console, err: Console) -> int:
    settings = settings_from(args)
    progress = err.status("reading indexes…") if err.is_terminal else None

    def on_progress(message: str) -> None:
        if progress is not None:
            progress.update(message)

    with Linter(settings) as linter:
        if args.fix or args.diff:
            from fletlint import cli_fix

            return cli_fix.run(args, linter, out, err, emit)
        if progress is not None:
            with progress:
                report = linter.check(args.path, on_progress=on_progress)
        else:
            report = linter.check(args.path)
    emit(report, args.format, out)
    return EXIT_FINDINGS if report.has_errors and not args.exit_zero else EXIT_CLEAN


def emit(report: Report, fmt: str, out: Console) -> None:
    if fmt == "json":
        from fletlint.report import json_report

        out.file.write(json_report.render(report))
    else:
        from fletlint.report import text

        text.render(report, out)


def run_rule(args: argparse.Namespace, out: Console) -> int:
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
    # Piped output is read by tools and CI logs: lines are not wrapped at 80 columns there.
    out = Console(highlight=False, width=None if sys.stdout.isatty() else 200)
    err = Console(stderr=True, highlight=False)
    try:
        args = build_parser().parse_args(argv)
        if args.command == "rule":
            return run_rule(args, out)
        return run_check(args, out, err)
    except UsageError as exc:
        err.print(f"fletlint: error: {exc}", markup=False, highlight=False)
        return EXIT_USAGE
    except InputError as exc:
        err.print(f"fletlint: error: {exc}", markup=False, highlight=False)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
