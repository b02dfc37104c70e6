"""Findings and fixes as plain, frozen data.

Front ends (terminal, JSON, SARIF, LSP) render these; nothing here knows how.
Lines and columns are 1-based; `end_column` is exclusive, as in ruff's JSON output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Applicability(str, Enum):
    """Whether a fix may be applied without review (ruff's vocabulary)."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True)
class Location:
    path: str
    line: int
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Edit:
    """Replace the text in `location` (a range) with `new_text`."""

    location: Location
    new_text: str


@dataclass(frozen=True)
class Fix:
    title: str
    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE
    # Verified on its own but not together with the other fixes: applied in a round of its own.
    alone: bool = False


@dataclass(frozen=True)
class ChainLink:
    """One step of the path from a declared requirement to a package.

    `requirement` is the requirement string as the parent states it (e.g. `pydantic>=1.9,<3`);
    `version` is the version the resolution picked for `name`, when there is one.
    """

    name: str
    requirement: str
    version: str | None = None

    def __str__(self) -> str:
        if self.version and "==" not in self.requirement:
            return f"{self.requirement} ({self.version})"
        return self.requirement


@dataclass(frozen=True)
class AvailableVersion:
    """A version of a package that has a distribution for some phone target, and where it lives."""

    version: str
    index: str
    targets: tuple[str, ...] = ()


@dataclass(frozen=True)
class VersionChange:
    """One package whose phone release differs from the desktop's; `phone` None: not installed."""

    name: str
    desktop: str
    phone: str | None

    def __str__(self) -> str:
        if self.phone is None:
            return f"no {self.name} (desktop: {self.desktop})"
        return f"{self.name} {self.phone} instead of {self.desktop}"


@dataclass(frozen=True)
class MarkerDivergence:
    """An environment marker the build host and the phone answer differently (FL103), as data.

    `requirement` is the requirement as its parent states it (a `Requires-Dist` line, or the
    project's own line), marker included; `hosts` the build hosts that answer otherwise
    (`Linux x86_64`, `macOS arm64`); `host_installs`: the host's answer is the one that asks for
    the package (the build installs what the device does not need), else the phone's (the build
    leaves out what the device needs).
    """

    marker: str
    requirement: str
    hosts: tuple[str, ...]
    host_installs: bool


@dataclass(frozen=True)
class PackageSubject:
    """What a package finding is about, as data (front ends and fixes read it, never the message).

    `constraint` names the requirement that holds the package where it is, as people say it
    (`pydantic==2.12.5 pins pydantic-core==2.41.5`); `phone_gets` what the phones install
    instead, along the chain (empty when the build fails because of this package);
    `blocks_build`: no release the requirements allow installs there (pip's culprit).
    """

    name: str
    version: str
    constraint: str = ""
    constraint_parent: str | None = None  # the package whose requirement it is; None: declared
    phone_gets: tuple[VersionChange, ...] = ()
    blocks_build: bool = False
    where: str = ""  # the targets, summarised ("all phones", "android", "iOS simulators")
    marker: MarkerDivergence | None = None  # FL103: the marker that makes the difference


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    location: Location | None
    package: str | None = None
    version: str | None = None
    targets: tuple[str, ...] = ()
    chain: tuple[ChainLink, ...] = ()
    available: tuple[AvailableVersion, ...] = ()
    fixes: tuple[Fix, ...] = ()
    notes: tuple[str, ...] = field(default=())
    subject: PackageSubject | None = None


class InputError(Exception):
    """A project file that cannot be read or parsed. Carries where, so every front end can say so."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message
