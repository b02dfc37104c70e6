"""`--fix` and `--diff`: check, apply the chosen fixes in memory, check again, until nothing changes.

Rounds run on in-memory texts (the engine reads them as unsaved buffers), so `--diff` sees every
round without writing and `--fix` writes each changed file once, at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fletlint.linter.engine import Linter, ProgressCallback, Report
from fletlint.linter.findings import Fix, InputError, Location
from fletlint.linter.fixes.apply import apply_fixes, select_fixes, write_files

# Each round is a full check; conflicting fixes need a second round, chains of fixes rarely more.
MAX_ROUNDS = 10


@dataclass
class FixRun:
    report: Report  # the check of the fixed project
    originals: dict[Path, str | None] = field(default_factory=dict)  # None: the fix creates it
    texts: dict[Path, str] = field(default_factory=dict)  # changed files only
    applied: list[Fix] = field(default_factory=list)

    @property
    def changed(self) -> dict[Path, str]:
        return {p: t for p, t in self.texts.items() if t != (self.originals.get(p) or "")}


def run_fixes(
    linter: Linter,
    path: Path,
    *,
    unsafe: bool = False,
    write: bool = True,
    on_progress: ProgressCallback | None = None,
) -> FixRun:
    texts: dict[Path, str] = {}
    run = FixRun(linter.check(path, on_progress=on_progress))
    seen: set[Fix] = set()
    for _ in range(MAX_ROUNDS):
        # A fix applied once and offered again did not help: applying it twice would not either.
        fixes = [f for f in select_fixes(run.report.findings, unsafe=unsafe) if f not in seen]
        if not fixes:
            break
        applied = apply_fixes(fixes, texts)
        if not applied.applied:
            break
        for file, original in applied.originals.items():
            run.originals.setdefault(file, original)
        texts.update(applied.texts)
        seen.update(applied.applied)
        run.applied += applied.applied
        run.report = linter.check(path, texts=texts, on_progress=on_progress)
    run.texts = dict(texts)
    if write and run.changed:
        for file, text in run.changed.items():
            try:
                write_files({file: text})
            except OSError as exc:
                # A read-only file or folder, a full disk: the user's to fix, not a bug. The
                # file is whole (write_files replaces or leaves it); say which one.
                reason = exc.strerror or str(exc)
                raise InputError(f"cannot write the fix: {reason}", Location(str(file), 1)) from exc
    return run
