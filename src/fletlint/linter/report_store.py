"""The previous report of a check, reused while none of its inputs changed.

A warm check spends most of its time on work whose answer cannot have moved: the rules, and the
trial resolutions that verify every fix. Its inputs are few and all visible: fletlint's code,
the settings, the environment variables the engine reads, pip's configuration, the project as
loaded (which names the flet-cli whose rules read it), the text of every file the check reads
(project files, constraint files, the app's Python files; unsaved editor texts win over the
disk), the packages installed beside fletlint (FL101 asks them which distribution provides a
module), and the listings of the indexes. The first are hashed into a key; a listing is recorded
by its fingerprint, re-obtained through the index client on the next check (a fresh page comes
from its cache without a request, a stale one is revalidated). When the key and every fingerprint
match, and the index client reports the same problems, the stored findings are the findings.

Like the resolution store, this only ever costs speed: anything unreadable, unexpected or of
another format is a miss. The file is strict JSON, decoded against the findings' own types, so
a corrupted or hostile cache is a miss, never a crash and never code. One file per project and
settings (its slot) is overwritten by the next check, so the folder does not grow with edits.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from enum import Enum
from functools import cache
from pathlib import Path, PurePath
from typing import Any, Protocol, Union, get_args, get_origin, get_type_hints

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.tags import Tag
from packaging.version import Version

from fletlint import __version__
from fletlint.linter.findings import Finding, InputError, Location
from fletlint.linter.index.model import IndexProblem, ProjectListing
from fletlint.linter.observed import code_files, installed_packages, own_code_root
from fletlint.linter.project_files import read_project_bytes
from fletlint.linter.resolve import Environment, Resolution, Wanted
from fletlint.linter.sources.model import ProjectSpec
from fletlint.linter.storage import mark_used, prune_unused, store_in_cache

_FORMAT = 1
# Reports not read or written for this long are removed when another report is stored.
UNUSED_FOR = 30 * 86400
# A stored report larger than this is not read (a real one is a few hundred kilobytes at most).
_MAX_BYTES = 64 * 1024 * 1024
# Environment variables that change what a check answers, besides those pip's configuration and
# the project (its flet-cli, from $VIRTUAL_ENV) already carry into the key.
_ENVIRON_PREFIXES = ("FLETLINT_", "PIP_")
_ENVIRON_NAMES = ("VIRTUAL_ENV",)


class _Unkeyable(TypeError):
    """An input of a type the key does not know how to write: the check is not stored."""


def canonical(value: object) -> Any:
    """`value` as JSON data that is equal exactly when the value is, in every process.

    Sets are sorted and packaging's objects are written as their normalised text, so a key does
    not depend on hash seeds or object identity. Raises `TypeError` on any other type.
    """
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Enum):
        return canonical(value.value)
    if is_dataclass(value) and not isinstance(value, type):
        return [
            type(value).__name__,
            {f.name: canonical(getattr(value, f.name)) for f in fields(value)},
        ]
    if isinstance(value, (Version, SpecifierSet, Requirement, Marker, Tag, PurePath)):
        return [type(value).__name__, str(value)]
    if isinstance(value, Mapping):
        items = [[canonical(k), canonical(v)] for k, v in value.items()]
        return ["map", sorted(items, key=_sort_key)]
    if isinstance(value, (set, frozenset)):
        return ["set", sorted((canonical(v) for v in value), key=_sort_key)]
    if isinstance(value, (tuple, list)):
        return [canonical(v) for v in value]
    raise _Unkeyable(f"no canonical form for {type(value).__name__}")


def _sort_key(value: object) -> str:
    return json.dumps(value, sort_keys=True)


def _digest(data: object) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _text_digest(path: Path, texts: Mapping[Path, str]) -> str | None:
    """The file as the check reads it: an unsaved editor text, else its bytes; None: absent.

    An editor's text equal to the file on disk is the same input (a server's check then reads
    the report a command-line check stored)."""
    text = texts.get(Path(os.path.abspath(path)))
    if text is not None:
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    if not os.path.lexists(path):
        return None
    try:
        # As the check reads it: a FIFO, a device or a huge file is refused, never waited on.
        return hashlib.sha256(read_project_bytes(path, what="file")).hexdigest()
    except InputError as exc:  # a folder, not a regular file, too large: each reads differently
        return f"unreadable: {exc.message}"


@cache
def _own_code() -> list[list[object]]:
    return code_files(own_code_root())


@cache
def _installed_here() -> list[list[object]]:
    """Once per process, as FL101 reads them (`modules.host_distributions` is cached so too)."""
    return installed_packages()


@dataclass(frozen=True)
class ReportInputs:
    """Where a check's report is kept (`slot`: the project and settings) and what it read (`key`).

    `files`: the files read, absolute; a stored finding may point at these only (its fixes are
    written there by `--fix`, so a tampered store must not name any other file).
    """

    slot: str
    key: str
    root: Path
    files: frozenset[Path]


def report_inputs(
    *,
    path: Path,
    root: Path,
    settings: object,
    environ: Mapping[str, str],
    pip: object,
    project: object,
    python_full: str,
    targets: object,
    sources: object,
    constraints: object,
    files: Iterable[Path],
    texts: Mapping[Path, str] | None,
) -> ReportInputs | None:
    """The slot and key of a check; None when an input has no canonical form (never stored)."""
    absolute = {Path(os.path.abspath(p)): t for p, t in (texts or {}).items()}
    read = frozenset(Path(os.path.abspath(f)) for f in files)
    try:
        slot = _digest([_FORMAT, __version__, os.path.abspath(path), canonical(settings)])
        data = {
            "slot": slot,
            "environ": sorted(
                [k, v]
                for k, v in environ.items()
                if (k.startswith(_ENVIRON_PREFIXES) or k in _ENVIRON_NAMES)
                and k != "FLETLINT_CACHE_DIR"  # the store is in it
            ),
            "pip": canonical(pip),
            "project": canonical(project),
            "python": python_full,
            "targets": canonical(targets),
            "sources": canonical(sources),
            "constraints": canonical(constraints),
            "files": sorted([str(p), _text_digest(p, absolute)] for p in read),
            "host": _installed_here(),
            "code": _own_code(),
            "interpreter": sys.version,
        }
    except (TypeError, ValueError):
        return None
    return ReportInputs(slot, _digest(data), Path(os.path.abspath(root)), read)


class ListingsRead:
    """Records the name of every listing one check reads, through the rules or a resolution."""

    def __init__(self, listing: Callable[[str], ProjectListing]) -> None:
        self._listing = listing
        self._names: set[str] = set()
        self._lock = threading.Lock()

    def listing(self, name: str) -> ProjectListing:
        with self._lock:
            self._names.add(name)
        return self._listing(name)

    def resolved(self, resolution: Resolution) -> Resolution:
        """`resolution`, its consulted listings recorded (a stored one names them too)."""
        with self._lock:
            self._names.update(resolution.consulted)
        return resolution

    def resolver(
        self, resolve: Callable[[Environment, Sequence[Wanted]], Resolution]
    ) -> Callable[[Environment, Sequence[Wanted]], Resolution]:
        return lambda env, roots: self.resolved(resolve(env, roots))

    def fingerprints(self) -> dict[str, str]:
        """Every listing read, by name, as it is now (already in the client's memory)."""
        with self._lock:
            names = sorted(self._names)
        return {name: self._listing(name).fingerprint for name in names}


class ListingSource(Protocol):
    """What the store needs of an index client to tell whether listings changed."""

    def listing(self, name: str) -> ProjectListing: ...

    def prefetch(self, names: Iterable[str]) -> None: ...

    @property
    def problems(self) -> tuple[IndexProblem, ...]: ...


@dataclass(frozen=True)
class StoredReport:
    """What a check computed beyond its resolutions: findings (with fixes) and index problems."""

    findings: tuple[Finding, ...]
    problems: tuple[IndexProblem, ...]
    listings: tuple[str, ...] = ()  # the names of every listing the check read


class ReportStore:
    """Reports on disk, one file per slot (see `report_inputs`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, slot: str) -> Path:
        return self.folder / f"{slot}.json"

    def load(self, inputs: ReportInputs, source: ListingSource) -> StoredReport | None:
        """The stored report when its key matches and every listing it read is unchanged."""
        path = self._path(inputs.slot)
        try:
            if path.stat().st_size > _MAX_BYTES:
                return None
            data = json.loads(path.read_bytes())
            if not isinstance(data, dict) or data.get("format") != _FORMAT:
                return None
            if data.get("key") != inputs.key:
                return None
            listings = _string_map(data["listings"])
            stored = StoredReport(
                findings=tuple(_decode(item, Finding) for item in _list(data["findings"])),
                problems=tuple(_decode(item, IndexProblem) for item in _list(data["problems"])),
                listings=tuple(listings),
            )
        except (OSError, ValueError, TypeError, KeyError, RecursionError):
            return None
        if not all(_inside(inputs, at) for f in stored.findings for at in _locations(f)):
            return None
        source.prefetch(listings)  # side by side: a stale page is revalidated in parallel
        for name, fingerprint in listings.items():
            if source.listing(name).fingerprint != fingerprint:
                return None
        # An index that fails now but answered then (or the reverse) changes the findings.
        if _problem_set(source.problems) != _problem_set(stored.problems):
            return None
        mark_used(path)
        return stored

    def save(
        self,
        inputs: ReportInputs,
        findings: Sequence[Finding],
        problems: Sequence[IndexProblem],
        fingerprints: Mapping[str, str],
    ) -> None:
        data = {
            "format": _FORMAT,
            "key": inputs.key,
            "listings": dict(fingerprints),
            "problems": [_encode(p) for p in problems],
            "findings": [_encode(f) for f in findings],
        }
        store_in_cache(self._path(inputs.slot), json.dumps(data).encode())
        self.prune()

    def prune(self, unused_for: float = UNUSED_FOR) -> None:
        """Remove the reports no check has read or written for `unused_for` seconds (a project
        deleted, settings no longer used, a temporary file a crash left)."""
        prune_unused(self.folder, unused_for)


def _locations(finding: Finding) -> list[Location]:
    edits = [edit.location for fix in finding.fixes for edit in fix.edits]
    return [*([finding.location] if finding.location is not None else []), *edits]


def _inside(inputs: ReportInputs, location: Location) -> bool:
    # Locations name files as the check was given them: from the working folder, or absolute.
    return any(
        Path(os.path.abspath(at)) in inputs.files
        for at in (location.path, inputs.root / location.path)
    )


def _problem_set(problems: Iterable[IndexProblem]) -> set[IndexProblem]:
    return set(problems)


def _list(data: object) -> list[object]:
    if not isinstance(data, list):
        raise TypeError("expected a list")
    return data


def _string_map(data: object) -> dict[str, str]:
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise TypeError("expected a map of strings")
    return data


# -- findings as JSON, and back, checked against their types ------------------------------------


def _encode(value: object) -> Any:
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, Enum):
        return value.value
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    raise TypeError(f"a finding holds a {type(value).__name__}")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def _decode(data: object, hint: Any) -> Any:
    """`data` as a value of type `hint`; raises TypeError or ValueError on any mismatch."""
    origin = get_origin(hint)
    if origin is Union or origin is types.UnionType:
        options = get_args(hint)
        if data is None and type(None) in options:
            return None
        (inner,) = [o for o in options if o is not type(None)]
        return _decode(data, inner)
    if origin is tuple:
        args = get_args(hint)
        items = _list(data)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(item, args[0]) for item in items)
        if len(items) != len(args):
            raise ValueError("a tuple of another length")
        return tuple(_decode(item, a) for item, a in zip(items, args, strict=True))
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(data)
    if hint in (str, int, bool):
        if type(data) is not hint:
            raise TypeError(f"expected {hint.__name__}")
        return data
    if isinstance(hint, type) and is_dataclass(hint):
        if not isinstance(data, dict):
            raise TypeError(f"expected {hint.__name__}")
        hints = _hints(hint)
        names = {f.name for f in fields(hint) if f.init}
        if set(data) != names:
            raise ValueError(f"{hint.__name__} with other fields")
        return hint(**{name: _decode(data[name], hints[name]) for name in names})
    raise TypeError(f"no decoding for {hint!r}")


def files_read(
    project: ProjectSpec, constraint_files: Iterable[str], app_files: Iterable[Path]
) -> set[Path]:
    """The files a check of `project` reads, or would read if they appeared."""
    root = project.root
    found = {*project.files, root / "pyproject.toml", root / "requirements.txt", *app_files}
    found.update(Path(name).expanduser() for name in constraint_files)
    declared = [
        *project.requirements,
        *project.constraints,
        *(d for group in project.optional.values() for d in group),
        *(d for group in project.groups.values() for d in group),
    ]
    found.update(root / d.location.path for d in declared)  # an absolute path stays itself
    return found
