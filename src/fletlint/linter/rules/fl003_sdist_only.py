"""FL003 sdist-only: a package the phone needs is published only as a source distribution."""

from __future__ import annotations

from collections.abc import Iterator

from fletlint.linter.analysis import Analysis, Blocker, Verdict
from fletlint.linter.findings import Finding, PackageSubject, Severity
from fletlint.linter.fixes import alternatives, flet_parts, marker, source_packages
from fletlint.linter.rules.base import Rule
from fletlint.linter.rules.grouping import group_verdicts, verdict_finding
from fletlint.linter.rules.importing import findings_at_imports
from fletlint.linter.sdist import SdistVerdict, inspect_sdist

DOCS = """\
## What it does
Finds packages whose chosen release exists only as an sdist (`.tar.gz`), with no wheel at all.

## Why is this bad?
`flet build` installs with `--only-binary :all:`: it refuses every sdist unless the package is
listed in `[tool.flet].source_packages`, so the build stops with `No matching distribution found`.

## Example
```
onlysdist==1.0.0     # only onlysdist-1.0.0.tar.gz on the index
```

fletlint looks inside the sdist, without building or running it: compiled sources (`.c`, `.cpp`,
`.pyx`, `.rs`, `Cargo.toml`), a compiling build backend or build requirement (maturin,
scikit-build, meson-python, Cython...) or `ext_modules` in `setup.py` mean native code. The first
note of the finding says which: `sdist:pure`, `sdist:native` or `sdist:unknown` (not readable).
The finding is repeated at each app import that pulls the package in.

## How to fix
If the package is pure Python, add it to `source_packages` in `[tool.flet]` so it is built from
source. If it compiles native code, it needs a phone wheel: find an alternative.
"""


def check(analysis: Analysis) -> Iterator[Finding]:
    for verdict, results in group_verdicts(analysis, _culprit):
        blocker = verdict.blocker
        words = _verdict_words(analysis, blocker)

        def described(subject: PackageSubject, words: str = words) -> str:
            return problem(subject) + words

        yield verdict_finding(
            analysis,
            "FL003",
            Severity.ERROR,
            verdict,
            results,
            described,
            notes=_sdist_notes(analysis, blocker),
        )
    yield from findings_at_imports(
        analysis, "FL003", _culprit, problem, lambda b: _sdist_notes(analysis, b)
    )


def problem(subject: PackageSubject) -> str:
    return (
        f"only an sdist, which flet build refuses; the build fails on {subject.where} "
        f"({subject.constraint})"
    )


def _culprit(verdict: Verdict) -> bool:
    return verdict.blocks_build and verdict.blocker.sdist_only


def _verdict(analysis: Analysis, blocker: Blocker) -> SdistVerdict:
    """Look inside the release's sdist once per check (never built, never run)."""
    key = f"sdist:{blocker.name}=={blocker.version}"
    if key not in analysis.memo:
        sdists = [
            f for f in analysis.release_files(blocker.name, blocker.version) if not f.is_wheel
        ]
        data = analysis.archives.download(sdists[0]) if analysis.archives and sdists else None
        found = inspect_sdist(data, sdists[0].filename) if data and sdists else SdistVerdict(None)
        analysis.memo[key] = found
    verdict: SdistVerdict = analysis.memo[key]
    return verdict


def _verdict_words(analysis: Analysis, blocker: Blocker) -> str:
    native = _verdict(analysis, blocker).native
    if native is None:
        return ""
    return "; it compiles native code" if native else "; it is pure Python"


def _sdist_notes(analysis: Analysis, blocker: Blocker) -> tuple[str, ...]:
    """The first note is machine-usable (`sdist:pure`, `sdist:native`, `sdist:unknown`): the
    source_packages fix is offered on `sdist:pure` and never on `sdist:native`."""
    verdict = _verdict(analysis, blocker)
    if verdict.native is None:
        return (verdict.note, "add it to [tool.flet].source_packages if it is pure Python")
    if verdict.native:
        why = "; ".join(verdict.evidence)
        return (
            verdict.note,
            f"native ({why}): it needs a phone wheel, source_packages cannot help",
        )
    backend = f" (build backend {verdict.backend})" if verdict.backend else ""
    return (
        verdict.note,
        f"pure Python{backend}, no compiled sources: add it to [tool.flet].source_packages",
    )


RULE = Rule(
    code="FL003",
    name="sdist-only",
    severity=Severity.ERROR,
    summary="A dependency is published only as an sdist, which flet build refuses",
    docs=DOCS,
    check=check,
    fixes=(flet_parts.fixes, source_packages.fixes, alternatives.fixes, marker.fixes),
)
