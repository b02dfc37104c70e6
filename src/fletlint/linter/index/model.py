"""Data the index client hands to the resolver: files, listings, metadata, problems."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.tags import Tag
from packaging.version import Version

# The one empty frozenset the index client and the resolver hand out (no extras, an sdist's tags,
# no excluded release): `frozenset()` makes a new 216-byte object each time, and a 500-package
# check held 18,000 of them at its peak.
EMPTY: frozenset[Any] = frozenset()
# Wheels' tag sets by content, one object each: most wheels of a page share theirs.
_TAG_SETS: dict[frozenset[Tag], frozenset[Tag]] = {}


def shared_tags(tags: frozenset[Tag]) -> frozenset[Tag]:
    """The one frozenset with these tags (kept for the process: distinct tag sets are few)."""
    if not tags:
        return EMPTY
    return _TAG_SETS.setdefault(tags, tags)


@dataclass(frozen=True)
class IndexSource:
    """One place distributions come from.

    kind "simple": a PEP 503/691 simple index root (http(s):// or file://).
    kind "find-links": a local folder or an HTML page of links (pip's `--find-links`).
    `name` is what users see: the URL with credentials removed.
    """

    url: str
    kind: str = "simple"
    name: str = ""


@dataclass(frozen=True)
class DistFile:
    filename: str
    url: str
    index: str  # IndexSource.name of where it was found (credential-free)
    name: str  # canonical project name
    version: Version
    is_wheel: bool
    tags: frozenset[Tag] = frozenset()  # wheel tags; empty for sdists
    requires_python: SpecifierSet | None = None
    yanked: bool = False
    hashes: tuple[tuple[str, str], ...] = ()  # (algorithm, hexdigest)
    metadata_url: str | None = None  # PEP 658/714 core metadata file, when the index offers it
    # True when this file was synthesised from the embedded snapshot, not read from an index.
    from_snapshot: bool = False

    @property
    def is_pure(self) -> bool:
        return self.is_wheel and any(t.platform == "any" for t in self.tags)


@dataclass(frozen=True)
class ProjectListing:
    """All files of one project across every configured index (pip merges indexes; so do we)."""

    name: str
    files: tuple[DistFile, ...]

    @cached_property
    def by_version(self) -> dict[Version, tuple[DistFile, ...]]:
        grouped: dict[Version, list[DistFile]] = {}
        for f in self.files:
            grouped.setdefault(f.version, []).append(f)
        return {v: tuple(fs) for v, fs in grouped.items()}

    @cached_property
    def fingerprint(self) -> str:
        """Changes whenever anything a resolution reads from the listing changes."""
        digest = hashlib.sha256()
        for f in self.files:
            digest.update(
                f"{f.index}|{f.filename}|{f.yanked}|{f.requires_python}|{f.from_snapshot}\n".encode()
            )
        return digest.hexdigest()


@dataclass(frozen=True)
class CoreMetadata:
    name: str
    version: Version
    requires_dist: tuple[Requirement, ...] = ()
    requires_python: SpecifierSet | None = None
    provides_extra: tuple[str, ...] = ()


@dataclass(frozen=True)
class IndexProblem:
    """An index that could not be read (FL005). `index` is credential-free."""

    index: str
    message: str
    fallback: str | None = None


@dataclass
class ClientStats:
    requests: int = 0
    conditional_requests: int = 0
    not_modified: int = 0
    cache_hits: int = 0
    range_requests: int = 0
    extra: dict[str, int] = field(default_factory=dict)
