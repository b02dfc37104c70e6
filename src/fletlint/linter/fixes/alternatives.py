"""Replace a dependency that cannot install on phones with a documented alternative.

Each entry says why the alternative is a fit. The table only names alternatives that install on
phones (checked against /work/shared/data: Flet's mobile index hosts psycopg2, rapidfuzz,
pycryptodome, pillow, python-magic; charset-normalizer and PyMySQL publish pure wheels), and the
fix re-checks that on the configured indexes before offering one. `None` means the standard
library covers it: the requirement is removed. Unsafe: the APIs differ, the code must follow.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from packaging.utils import canonicalize_name

from fletlint.linter.findings import Applicability, Finding, Fix
from fletlint.linter.fixes.context import (
    FixContext,
    requirement_base,
    split_marker,
    with_marker,
    with_replaced,
)

CODES = ("FL001", "FL003")


@dataclass(frozen=True)
class Alternative:
    replacement: str | None  # None: the standard library
    reason: str
    keep_version: bool = False  # the same project under another name: keep the specifier


ALTERNATIVES: dict[str, Alternative] = {
    "psycopg2-binary": Alternative(
        "psycopg2",
        "the same driver built from source; Flet's index hosts psycopg2 phone wheels, not -binary",
        keep_version=True,
    ),
    "mysqlclient": Alternative("pymysql", "PyMySQL is a pure-Python MySQL driver (DB-API 2.0)"),
    "python-levenshtein": Alternative(
        "rapidfuzz", "rapidfuzz.distance.Levenshtein covers it; Flet's index hosts rapidfuzz"
    ),
    "levenshtein": Alternative(
        "rapidfuzz", "rapidfuzz.distance.Levenshtein covers it; Flet's index hosts rapidfuzz"
    ),
    "pycrypto": Alternative(
        "pycryptodome", "the maintained drop-in fork; Flet's index hosts pycryptodome"
    ),
    "cchardet": Alternative("charset-normalizer", "pure Python, same detect() function"),
    "faust-cchardet": Alternative("charset-normalizer", "pure Python, same detect() function"),
    "python-magic-bin": Alternative(
        "python-magic", "the same API; Flet's index hosts python-magic with libmagic"
    ),
    "pillow-simd": Alternative("pillow", "the same API; Flet's index hosts pillow"),
    "uvloop": Alternative(None, "asyncio's default event loop runs the same code, a bit slower"),
    "orjson": Alternative(None, "the stdlib json module (json.dumps returns str, not bytes)"),
    "ujson": Alternative(None, "the stdlib json module has the same dumps/loads"),
    "python-rapidjson": Alternative(None, "the stdlib json module"),
    "pysha3": Alternative(None, "hashlib has sha3_* since Python 3.6"),
    "backports-zoneinfo": Alternative(None, "zoneinfo is in the standard library since 3.9"),
}


def table(ctx: FixContext) -> dict[str, Alternative]:
    """The built-in table with the project's own entries (`[tool.fletlint]`) on top."""
    merged = dict(ALTERNATIVES)
    for package, replacement, reason in ctx.alternatives:
        empty = replacement.strip().lower() in ("", "stdlib", "none")
        merged[canonicalize_name(package)] = Alternative(None if empty else replacement, reason)
    return merged


def fixes(ctx: FixContext, finding: Finding) -> Iterator[Fix]:
    if finding.code not in CODES:
        return
    declared = ctx.declared_at(finding.location)
    if declared is None or declared.requirement is None:
        return
    name = canonicalize_name(declared.requirement.name)
    entry = table(ctx).get(name)
    if entry is None:
        return
    if entry.replacement is None:
        edit = ctx.remove_requirement(declared)
        if edit is not None:
            title = f"remove {declared.text}: {entry.reason}"
            yield Fix(title, (edit,), Applicability.UNSAFE)
        return
    failing = ctx.failing(finding)
    versions = ctx.phone_versions(entry.replacement, failing)
    if not versions:
        return  # the alternative would fail the same way on these targets
    specifier = declared.requirement.specifier
    keep = entry.keep_version and any(specifier.contains(v, True) for v in versions)
    _, marker = split_marker(declared)
    # Another project's extras and versions mean nothing for the replacement, unless it is the
    # same project under another name.
    base = (
        requirement_base(declared, entry.replacement, str(specifier)) if keep else entry.replacement
    )
    new_text = with_marker(base, marker)
    edit = ctx.replace_requirement(declared, new_text)
    if edit is None or with_replaced(ctx.analysis.project.requirements, declared, new_text) is None:
        return
    yield Fix(
        f"replace {declared.text} with {new_text}: {entry.reason}", (edit,), Applicability.UNSAFE
    )
