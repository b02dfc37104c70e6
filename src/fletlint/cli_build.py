"""`fletlint build`: flags and exit codes. The work is in `fletlint.packager`.

Exit codes as `check`: 1 when the lint has errors (the findings are printed, nothing is written),
2 when the build is refused or fails (dirty tree, a download that does not match its hash...).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console

from fletlint.linter.engine import Report, Settings

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def add_parser(
    commands: Any, add_project_options: Callable[[argparse.ArgumentParser], None]
) -> None:
    """`commands` is the subparsers action of the main parser; the project options are `check`'s."""
    build = commands.add_parser(
        "build",
        help="lock, fetch and install the phone packages and zip the app, if the lint passes",
    )
    build.add_argument(
        "-o", "--output", type=Path, help="output folder (default: <app>/build/fletlint)"
    )
    build.add_argument(
        "--allow-dirty",
        action="store_true",
        help="build even when the app has uncommitted changes or is not in a git repository",
    )
    add_project_options(build)


def run(
    args: argparse.Namespace,
    settings: Settings,
    out: Console,
    err: Console,
    emit: Callable[[Report, str, Console], None],
) -> int:
    from fletlint.packager.build import build
    from fletlint.packager.errors import BuildError

    status = err.status("reading indexes…") if err.is_terminal else None

    def on_progress(message: str) -> None:
        if status is not None:
            status.update(message)

    try:
        if status is not None:
            with status:
                outcome = build(
                    args.path,
                    settings,
                    args.output,
                    allow_dirty=args.allow_dirty,
                    on_progress=on_progress,
                )
        else:
            outcome = build(args.path, settings, args.output, allow_dirty=args.allow_dirty)
    except BuildError as exc:
        err.print(f"fletlint: error: {exc}", markup=False, highlight=False, soft_wrap=True)
        return EXIT_USAGE
    if outcome.report.findings:  # warnings too: a silent downgrade (FL002) ships in this build
        emit(outcome.report, "text", out)
    if outcome.output is None:
        err.print("fletlint: the check found errors; nothing was built", markup=False)
        return EXIT_FINDINGS
    manifest = outcome.manifest or {}
    targets = manifest.get("targets", [])
    wheels = {p["wheel"] for t in targets for p in t["packages"]}
    err.print(
        f"built {outcome.output}: {len(targets)} targets, {len(wheels)} wheels, "
        f"Python {manifest.get('python')}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    return EXIT_CLEAN
