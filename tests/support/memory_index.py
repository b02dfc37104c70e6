"""An index in memory, and one target's analysis over it, for unit tests of the analysis and its
rules: plain data, no server (the functional tests read a real index on 127.0.0.1)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import Requirement
from packaging.tags import Tag
from packaging.version import Version

from fletlint.linter.analysis import Analysis, TargetResult
from fletlint.linter.findings import Location
from fletlint.linter.index.model import CoreMetadata, DistFile, ProjectListing
from fletlint.linter.resolve import Environment, Resolution, Wanted, resolve, roots_for
from fletlint.linter.sources.model import DeclaredRequirement, ProjectSpec
from fletlint.linter.targets import default_targets, select_targets

PURE = frozenset({Tag("py3", "none", "any")})


def dist_file(name: str, version: str, tags: frozenset[Tag] = PURE) -> DistFile:
    """A wheel of `name` `version`, named after (one of) its tags."""
    filename = f"{name}-{version}-{next(iter(tags))}.whl"
    return DistFile(filename, f"http://x/{filename}", "pypi", name, Version(version), True, tags)


@dataclass(frozen=True)
class MemoryIndex:
    """Projects as plain data: each name's files, what every release of it requires, and the
    extras it provides. Answers the resolver and the rules that read archives (none here)."""

    files: Mapping[str, tuple[DistFile, ...]]
    requires: Mapping[str, tuple[str, ...]]
    extras: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def listing(self, name: str) -> ProjectListing:
        return ProjectListing(name, self.files.get(name, ()))

    def metadata(self, file: DistFile) -> CoreMetadata:
        requires = tuple(Requirement(r) for r in self.requires[file.name])
        return CoreMetadata(
            file.name, file.version, requires, provides_extra=self.extras.get(file.name, ())
        )

    def prefetch(self, names: Iterable[str]) -> None:
        pass

    def warm_metadata(self, files: Iterable[DistFile]) -> None:
        pass

    def archive_names(self, file: DistFile) -> tuple[str, ...]:
        return ()

    def download(self, file: DistFile) -> bytes | None:
        return None


def declared(*lines: str) -> tuple[DeclaredRequirement, ...]:
    """`lines` as requirements.txt declares them, one a line."""
    return tuple(
        DeclaredRequirement(
            line, Location("requirements.txt", i + 1), "requirements.txt", Requirement(line)
        )
        for i, line in enumerate(lines)
    )


def one_target_analysis(
    root: Path,
    source: MemoryIndex,
    lines: Sequence[str],
    target: str,
    resolver: Callable[[Environment, Sequence[Wanted]], Resolution] | None = None,
) -> Analysis:
    """The analysis of a project at `root` declaring `lines`, for one target (Python 3.12): its
    phone resolution and its desktop one (same markers, any distribution)."""
    requirements = declared(*lines)
    [phone] = select_targets(default_targets("3.12"), names=(target,))
    env = Environment(phone.name, "3.12", phone.marker_environment, frozenset(phone.tags))
    desktop = Environment("desktop", "3.12", phone.marker_environment)
    result = TargetResult(
        phone,
        env,
        resolve(source, env, roots_for(requirements, env, phone.platform)),
        resolve(source, desktop, roots_for(requirements, desktop, phone.platform)),
    )
    return Analysis(
        ProjectSpec(root, requirements),
        (phone,),
        [result],
        (),
        source.listing,
        source=source,
        resolver=resolver,
        archives=source,
    )
