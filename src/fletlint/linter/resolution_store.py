"""Resolutions kept on disk, reused while nothing they read has changed.

Backtracking is the costly part of a warm check (a phone target can try a hundred releases of one
package before it settles), and its answer is a pure function of the requirements, the
environment and the listings it read. So a result is stored with a fingerprint of every listing
it consulted and reused only when all of them are unchanged; metadata is immutable per file URL,
so listings are all that can change. Anything unreadable is a miss: the store only costs speed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from packaging.specifiers import SpecifierSet
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

from fletlint import __version__
from fletlint.linter.resolve import (
    Conflict,
    Edge,
    Environment,
    PackageSource,
    Resolution,
    ResolvedPackage,
    Wanted,
    file_fits,
)
from fletlint.linter.storage import store_in_cache

_FORMAT = 2  # 2: gave_up and backtracking


def resolution_key(
    env: Environment,
    roots: Sequence[Wanted],
    constraints: Mapping[NormalizedName, SpecifierSet],
    sources: Sequence[str],
) -> str:
    """Everything a resolution depends on besides the listings it reads."""
    data = {
        "format": _FORMAT,
        "fletlint": __version__,
        "env": env.key,
        "python": env.python,
        "markers": sorted(env.markers.items()),
        "constrained": env.constrained,
        "sdists": sorted(env.sdist_names),
        "roots": [(r.identifier, str(r.specifier), r.text) for r in roots],
        "constraints": sorted((str(k), str(v)) for k, v in constraints.items()),
        "sources": list(sources),
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


class ResolutionStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path:
        # One folder, as the HTTP cache's (cache.py, HTTP_FOLDER): the cold example's 17
        # resolutions made 16 folders of two hex digits, each as dear to make as a file.
        return self.folder / f"{key}.json"

    def load(
        self, key: str, source: PackageSource, env: Environment, roots: Sequence[Wanted]
    ) -> Resolution | None:
        try:
            data = json.loads(self._path(key).read_text("utf-8"))
            return _rebuild(data, source, env, roots)
        except (OSError, ValueError, KeyError, TypeError, IndexError, InvalidVersion):
            return None

    def save(
        self, key: str, resolution: Resolution, source: PackageSource, roots: Sequence[Wanted]
    ) -> None:
        root_index = {id(r.declared): i for i, r in enumerate(roots) if r.declared is not None}
        data: dict[str, Any] = {
            "consulted": {n: source.listing(n).fingerprint for n in resolution.consulted},
            "error": resolution.error,
            "gave_up": resolution.gave_up,
            "backtracking": list(resolution.backtracking),
            "budget": resolution.budget,
            "packages": {n: str(p.version) for n, p in resolution.packages.items()},
            "edges": [
                [e.parent, e.child, e.text, root_index.get(id(e.declared))]
                for e in resolution.edges
            ],
            "conflicts": [
                [c.requirement, c.parent, root_index.get(id(c.declared))]
                for c in resolution.conflicts
            ],
        }
        store_in_cache(self._path(key), json.dumps(data).encode())


def _rebuild(
    data: dict[str, Any], source: PackageSource, env: Environment, roots: Sequence[Wanted]
) -> Resolution | None:
    source.prefetch(data["consulted"])  # read the listings side by side, not one by one
    for name, fingerprint in data["consulted"].items():
        if source.listing(name).fingerprint != fingerprint:
            return None
    resolution = Resolution(
        env,
        error=data["error"],
        gave_up=bool(data["gave_up"]),
        backtracking=tuple(canonicalize_name(n) for n in data["backtracking"]),
        budget=int(data["budget"]),
    )
    resolution.consulted = tuple(canonicalize_name(n) for n in data["consulted"])
    for raw_name, raw_version in data["packages"].items():
        name, version = canonicalize_name(raw_name), Version(raw_version)
        files = tuple(
            f
            for f in source.listing(name).by_version.get(version, ())
            if file_fits(f, env, allow_yanked=True)
        )
        if not files:
            return None
        resolution.packages[name] = ResolvedPackage(name, version, files)

    def declared(index: int | None) -> Any:
        return roots[index].declared if index is not None else None

    for parent, child, text, index in data["edges"]:
        parent_name = canonicalize_name(parent) if parent is not None else None
        resolution.edges.append(Edge(parent_name, canonicalize_name(child), text, declared(index)))
    for requirement, parent, index in data["conflicts"]:
        parent_name = canonicalize_name(parent) if parent is not None else None
        resolution.conflicts.append(Conflict(requirement, parent_name, declared(index)))
    return resolution
