"""`fletlint check --fix / --unsafe-fixes / --diff`: the fix loop's front end (ruff's behaviour).

`--fix` writes the fixes, then reports what remains (exit 1 if errors remain); `--diff` prints
what `--fix` would change and writes nothing (exit 1 if there is anything to change).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from fletlint.cli_output import Streams
from fletlint.linter.fixes.apply import hidden_unsafe, select_fixes
from fletlint.linter.fixes.run import run_fixes
from fletlint.report import diff

if TYPE_CHECKING:
    from fletlint.linter.engine import Linter, Report

EXIT_CLEAN, EXIT_FINDINGS = 0, 1


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def run(
    args: argparse.Namespace,
    linter: Linter,
    streams: Streams,
    emit: Callable[[Report, str, Streams], None],
) -> int:
    unsafe = bool(args.unsafe_fixes)
    fixed = run_fixes(linter, args.path, unsafe=unsafe, write=not args.diff)
    # JSON and SARIF on stdout stay parseable: the summary goes to stderr for them.
    summary = streams.tell if args.format == "text" and not args.diff else streams.say
    root = Path(fixed.report.project.root).resolve()
    count = len(fixed.applied)
    hint = ""
    if not unsafe:
        hidden = hidden_unsafe(fixed.report.findings)
        if hidden:
            hint = f" ({_plural(hidden, 'hidden fix')} can be enabled with `--unsafe-fixes`)"
    if args.diff:
        streams.write(diff.render(fixed.originals, fixed.changed, root))
        summary(f"Would fix {_plural(count, 'finding')}{hint}" if count else f"No fixes{hint}")
        return EXIT_FINDINGS if fixed.changed else EXIT_CLEAN
    emit(fixed.report, args.format, streams)
    remaining = len(fixed.report.findings)
    fixable = len(select_fixes(fixed.report.findings, unsafe=unsafe))
    line = f"Fixed {_plural(count, 'finding')} ({remaining} remaining"
    line += f", {fixable} fixable in another run" if fixable else ""
    summary(line + ")." + hint)
    return EXIT_FINDINGS if fixed.report.has_errors and not args.exit_zero else EXIT_CLEAN
