"""The last resolutions of each environment, kept in memory for the next check of the same Linter.

A language server checks on every edit, and most edits cannot change a resolution: a comment, a
line moved, a specifier that admits the same releases as before (`>=1.0` → `>=1.0,!=0.5`). The
resolver is deterministic: given the same answers from the provider it takes the same steps. So
when the new roots differ from remembered ones only in specifiers that match exactly the same
releases of their project (with the same pin-ness and pre-release flag, which steer the
resolver's order), over listings that are the very objects it read, the remembered result is the
result; only its root edges are re-pointed at the new declarations (their text and location).
Anything else is a miss, and the caller resolves.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from packaging.specifiers import SpecifierSet
from packaging.utils import NormalizedName

from fletlint.linter.index.model import ProjectListing
from fletlint.linter.resolve import Environment, Resolution, Wanted, fitting_files

# Remembered root sets per environment: the check's own, and the trial ones of verdicts and fixes.
PER_ENVIRONMENT = 16


@dataclass(frozen=True)
class _Entry:
    roots: tuple[Wanted, ...]
    resolution: Resolution
    listings: Mapping[NormalizedName, ProjectListing]  # every listing it consulted, as read


def _env_key(env: Environment, context: str) -> tuple[object, ...]:
    markers = tuple(sorted(env.markers.items()))
    return (env.key, env.python, markers, env.tags, env.sdist_names, context)


def _pinned(specifier: SpecifierSet) -> bool:
    return any(s.operator in ("==", "===") and "*" not in s.version for s in specifier)


def _same_choice(
    old: SpecifierSet, new: SpecifierSet, listing: ProjectListing, env: Environment
) -> bool:
    """Whether the resolver would treat `new` exactly as `old` for this project."""
    if _pinned(old) != _pinned(new) or bool(old.prereleases) != bool(new.prereleases):
        return False
    for file in fitting_files(listing.files, env, allow_yanked=True):
        version = file.version
        if old.contains(version, prereleases=True) != new.contains(version, prereleases=True):
            return False
    return True


class RecentResolutions:
    """Per environment, the last `per_environment` resolutions and the roots they answered.

    `per_environment=0` remembers nothing: a Linter that checks once (the command line's check,
    build and graph) would only hold every resolution of its check, trials included, until exit
    (12 MB of a 500-package check's peak).
    """

    def __init__(self, per_environment: int = PER_ENVIRONMENT) -> None:
        self._per_environment = per_environment
        self._entries: dict[tuple[object, ...], OrderedDict[int, _Entry]] = {}
        self._lock = threading.Lock()
        self._serial = 0

    def find(
        self,
        env: Environment,
        context: str,
        roots: Sequence[Wanted],
        listing: Callable[[str], ProjectListing],
    ) -> Resolution | None:
        """A remembered resolution that is the answer for `roots`, re-pointed at them; or None.

        `context`: everything else the resolution depends on (constraints, sources), as a key.
        """
        with self._lock:
            candidates = list(self._entries.get(_env_key(env, context), {}).values())
        for entry in reversed(candidates):
            found = self._reuse(entry, env, tuple(roots), listing)
            if found is not None:
                return found
        return None

    def remember(
        self,
        env: Environment,
        context: str,
        roots: Sequence[Wanted],
        resolution: Resolution,
        listing: Callable[[str], ProjectListing],
    ) -> None:
        if self._per_environment <= 0:
            return
        read = {name: listing(name) for name in resolution.consulted}
        entry = _Entry(tuple(roots), resolution, read)
        with self._lock:
            bucket = self._entries.setdefault(_env_key(env, context), OrderedDict())
            self._serial += 1
            bucket[self._serial] = entry
            while len(bucket) > self._per_environment:
                bucket.popitem(last=False)

    @staticmethod
    def _reuse(
        entry: _Entry,
        env: Environment,
        roots: tuple[Wanted, ...],
        listing: Callable[[str], ProjectListing],
    ) -> Resolution | None:
        if len(roots) != len(entry.roots):
            return None
        for old, new in zip(entry.roots, roots, strict=True):
            if old.name != new.name or old.extras != new.extras:
                return None
        # The listings must be the objects the resolution read: a listing read again (an index
        # that came back) may hold other releases.
        for name, seen in entry.listings.items():
            if listing(name) is not seen:
                return None
        for old, new in zip(entry.roots, roots, strict=True):
            if str(old.specifier) == str(new.specifier):
                continue
            seen_listing = entry.listings.get(old.name)
            if seen_listing is None or not _same_choice(
                old.specifier, new.specifier, seen_listing, env
            ):
                return None
        return _repointed(entry, roots)


def _repointed(entry: _Entry, roots: tuple[Wanted, ...]) -> Resolution:
    """The remembered resolution with its root edges and conflicts naming the new declarations."""
    by_declaration = {
        id(old.declared): new for old, new in zip(entry.roots, roots, strict=True) if old.declared
    }
    old = entry.resolution
    edges = []
    for edge in old.edges:
        new = by_declaration.get(id(edge.declared)) if edge.declared is not None else None
        edges.append(replace(edge, text=new.text, declared=new.declared) if new else edge)
    conflicts = []
    for conflict in old.conflicts:
        new = by_declaration.get(id(conflict.declared)) if conflict.declared is not None else None
        conflicts.append(
            replace(conflict, requirement=new.text, declared=new.declared) if new else conflict
        )
    return replace(old, packages=dict(old.packages), edges=edges, conflicts=conflicts)
