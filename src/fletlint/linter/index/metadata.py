"""Core metadata (METADATA, PKG-INFO, PEP 658 files) read through `packaging.metadata`.

A hand-written header reader once stopped at the first whitespace-only line, which a multi-line
`License:` field contains, and lost every `Requires-Dist` after it. `packaging.metadata.parse_email`
is the standard email parser with the core-metadata field rules: use it wherever metadata comes
from (PEP 658 file, range read, download, sdist).
"""

from __future__ import annotations

from functools import lru_cache

from packaging.metadata import parse_email
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from fletlint.linter.index.model import CoreMetadata


@lru_cache(maxsize=2048)
def lenient_specifier(text: str | None) -> SpecifierSet | None:
    """A `Requires-Python` string as pip reads it: empty or invalid means no constraint."""
    # Cached: a project's files repeat a handful of Requires-Python strings, and sharing one
    # object per string also lets pickle store it once in the parsed-listing store.
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        return SpecifierSet(text)
    except InvalidSpecifier:
        return None


@lru_cache(maxsize=8192)
def _requirement(text: str) -> Requirement | None:
    # The same Requires-Dist lines recur across a project's releases.
    try:
        return Requirement(text)
    except InvalidRequirement:
        return None


def parse_core_metadata(raw: bytes, name: str, version: Version) -> CoreMetadata:
    """METADATA / PKG-INFO → CoreMetadata; lines that do not parse are skipped, like pip warns.

    `name` and `version` (from the file name) stand in when the metadata lacks or garbles them.
    """
    fields, _unparsed = parse_email(raw)
    # A folded header keeps its line break; joined, as the old reader did, it still parses.
    lines = (" ".join(text.split()) for text in fields.get("requires_dist") or [])
    requires = [r for r in map(_requirement, lines) if r is not None]
    meta_name = fields.get("name")
    meta_version_text = fields.get("version")
    try:
        meta_version = Version(meta_version_text) if meta_version_text else version
    except InvalidVersion:
        meta_version = version
    extras = tuple(str(canonicalize_name(e)) for e in fields.get("provides_extra") or [])
    return CoreMetadata(
        name=str(canonicalize_name(meta_name)) if meta_name else name,
        version=meta_version,
        requires_dist=tuple(requires),
        requires_python=lenient_specifier(fields.get("requires_python")),
        provides_extra=extras,
    )
