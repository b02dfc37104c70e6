"""`fletlint build` and `fletlint verify`: flags and exit codes. The work is in
`fletlint.packager`.

Exit codes as `check`: 1 when the lint has errors (the findings are printed, nothing is written)
or when `verify` finds drift, 2 when the build is refused or fails (dirty tree, a download that
does not match its hash...). With `--flet`, the Flet CLI's own non-zero exit code is returned.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fletlint.cli_output import Streams

if TYPE_CHECKING:
    from fletlint.linter.engine import Report, Settings

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
COMMANDS = ("build", "verify")
FLET_TARGETS = ("apk", "aab", "ipa", "web")


def parse(parser: argparse.ArgumentParser, argv: Sequence[str]) -> argparse.Namespace:
    """Parse `argv`; for `build`, what follows `--` goes to `flet build` untouched."""
    argv = list(argv)
    passthrough: list[str] = []
    if "build" in argv and "--" in argv and argv.index("build") < argv.index("--"):
        cut = argv.index("--")
        argv, passthrough = argv[:cut], argv[cut + 1 :]
    args = parser.parse_args(argv)
    if args.command == "build":
        if passthrough and not args.flet:
            parser.error("arguments after `--` go to `flet build`: give --flet TARGET too")
        args.flet_args = passthrough
    return args


def add_parser(
    commands: Any, add_project_options: Callable[[argparse.ArgumentParser], None]
) -> None:
    """`commands` is the subparsers action of the main parser; the project options are `check`'s."""
    build = commands.add_parser(
        "build",
        help="build the Python part of the bundle as flet build stages it, if the lint passes",
        description="Lint; when nothing is at error level, lock (pylock.toml) and build "
        "site-packages/<arch>/ and python-app/ as flet build's package step does. With --flet, "
        "then run `flet build` with pip constrained to the lock and verify what it installed. "
        "Arguments after `--` go to `flet build`.",
    )
    build.add_argument(
        "-o", "--output", type=Path, help="output folder (default: <app>/build/fletlint)"
    )
    build.add_argument(
        "--allow-dirty",
        action="store_true",
        help="build even when the app has uncommitted changes or is not in a git repository",
    )
    build.add_argument(
        "--python",
        type=Path,
        metavar="PATH",
        help="the interpreter that compiles to .pyc; must be the bundled Python X.Y "
        "(default: pythonX.Y on PATH, else one uv manages)",
    )
    build.add_argument(
        "--web",
        action="store_true",
        help="also write app.zip and app.zip.hash, the web target's app asset (the app only: "
        "Pyodide's packages are not locked)",
    )
    build.add_argument(
        "--flet",
        choices=FLET_TARGETS,
        metavar="TARGET",
        help="then run `flet build TARGET` with the lock's releases and verify: "
        + ", ".join(FLET_TARGETS),
    )
    add_project_options(build)

    verify = commands.add_parser(
        "verify",
        help="compare a finished flet build's site-packages with the lock or the lint",
        description="Read <app>/build/site-packages/<arch>/ after `flet build` and compare "
        "every distribution, version and native module per ABI with fletlint's lock "
        "(<app>/build/fletlint/pylock.toml, or --lock) or, without one, with the lint's "
        "resolution. Exit 1 on drift.",
    )
    verify.add_argument("--lock", type=Path, help="the pylock.toml to compare with")
    verify.add_argument(
        "--site-packages",
        type=Path,
        metavar="DIR",
        help="the folder holding the <arch> folders (default: <app>/build/site-packages)",
    )
    add_project_options(verify)


def _size(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n = n / 1000  # type: ignore[assignment]
    return str(n)


def run(
    args: argparse.Namespace,
    settings: Settings,
    streams: Streams,
    emit: Callable[[Report, str, Streams], None],
) -> int:
    if args.command == "verify":
        return run_verify(args, settings, streams, emit)
    from fletlint.packager.build import BuildOptions, build, project_folder
    from fletlint.packager.errors import BuildError

    options = BuildOptions(
        output=args.output,
        allow_dirty=args.allow_dirty,
        python=args.python,
        web=args.web or args.flet == "web",
    )
    try:
        if args.flet:  # say it before minutes of work, not after
            from fletlint.packager.handoff import flet_executable

            flet_executable()
        with streams.progress("reading indexes…", drawn=True) as progress:
            outcome = build(args.path, settings, options, on_progress=progress.update)
    except BuildError as exc:
        streams.say(f"fletlint: error: {exc}")
        return EXIT_USAGE
    if outcome.report.findings:  # warnings too: a silent downgrade (FL002) ships in this build
        emit(outcome.report, "text", streams)
    for note in outcome.notes:
        streams.say(f"fletlint: warning: {note}")
    if outcome.output is None:
        streams.say("fletlint: the check found errors; nothing was built")
        return EXIT_FINDINGS
    manifest = outcome.manifest or {}
    targets = manifest.get("targets", [])
    wheels = {p["wheel"] for t in targets for p in t["packages"]}
    streams.say(
        f"built {outcome.output}: {len(targets)} targets, {len(wheels)} wheels, "
        f"Python {manifest.get('python')}",
    )
    for target in targets:
        streams.say(f"  {target['site-packages']:<40} {_size(target['size']):>10}")
    if manifest.get("largest"):
        streams.say("largest packages:")
        for entry in manifest["largest"]:
            streams.say(f"  {entry['name']:<40} {_size(entry['size']):>10}")
    if not args.flet:
        return EXIT_CLEAN

    from fletlint.packager import verify as verifying
    from fletlint.packager.handoff import run_flet

    assert outcome.lock is not None
    folder = project_folder(args.path)
    try:
        handed = run_flet(
            args.flet, folder, outcome.lock, args.flet_args, python=outcome.report.python
        )
    except BuildError as exc:
        streams.say(f"fletlint: error: {exc}")
        return EXIT_USAGE
    if handed.returncode != 0:
        streams.say(f"fletlint: flet build {args.flet} failed (exit {handed.returncode})")
        return handed.returncode
    if args.flet == "web":
        return EXIT_CLEAN  # the lock has no web target; nothing to verify
    # From the lock in memory: flet build may wipe build/ (a new Python X.Y) with our output.
    expected = verifying.expected_from_lock(outcome.lock)
    return _report_drift(folder / "build" / "site-packages", expected, streams)


def _report_drift(site_root: Path, expected: Any, streams: Streams) -> int:
    from fletlint.packager import verify as verifying
    from fletlint.packager.layout import PLATFORM_OF_KEY

    present = verifying.present_keys(site_root)
    if not present:
        streams.say(f"fletlint: error: {site_root} holds no site-packages/<arch> folder")
        return EXIT_USAGE
    platforms = {PLATFORM_OF_KEY[k] for k in present}
    wanted = {k: v for k, v in expected.items() if PLATFORM_OF_KEY[k] in platforms}
    drifts = verifying.compare(site_root, wanted)
    for drift in drifts:
        streams.tell(str(drift))
    if drifts:
        streams.say(f"fletlint: {len(drifts)} drift(s) between {site_root} and the lock")
        return EXIT_FINDINGS
    streams.say(f"verified {site_root}: {', '.join(present)} match")
    return EXIT_CLEAN


def run_verify(
    args: argparse.Namespace,
    settings: Settings,
    streams: Streams,
    emit: Callable[[Report, str, Streams], None],
) -> int:
    from fletlint.linter.engine import Linter
    from fletlint.packager import verify as verifying
    from fletlint.packager.build import default_output, project_folder
    from fletlint.packager.errors import BuildError

    folder = project_folder(args.path)
    site_root = args.site_packages or folder / "build" / "site-packages"
    lock = args.lock or default_output(args.path) / "pylock.toml"
    try:
        if lock.is_file():
            expected = verifying.expected_from_lock_file(lock)
        else:
            if args.lock:
                raise BuildError(f"{lock}: no such lock")
            with Linter(settings, checks_again=False) as linter:
                report = linter.check(args.path)
            if report.has_errors:
                emit(report, "text", streams)
                streams.say("fletlint: the check found errors; there is nothing to verify against")
                return EXIT_FINDINGS
            expected = verifying.expected_from_results(report.results)
    except BuildError as exc:
        streams.say(f"fletlint: error: {exc}")
        return EXIT_USAGE
    return _report_drift(site_root, expected, streams)
