"""How each flet-cli release reads a project, and which release will build this one.

The differences that matter to fletlint between flet-cli 0.86.5 and 1.0.5 are all in
`flet_cli/commands/build_base.py` (`package_python_app`, `get_platform_setting`) and
`flet_cli/utils/app_excludes.py`; `project_dependencies.py` and `resolve_python_version` did not
change. The flet-cli that builds the app is the one installed where `flet build` runs (a project
virtual environment, or the active one), else the release the project's `flet` requirement
resolves to, else the newest release this table knows.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

from fletlint.linter.flet_model.python_tables import (
    MANIFEST_20260730,
    MANIFEST_20260921,
    MANIFEST_BEFORE_086,
    PythonTable,
)
from fletlint.linter.observed import saw_file, saw_folder

__all__ = [
    "FLET_RELEASES",
    "KNOWN_RULES",
    "FletChoice",
    "FletRules",
    "choose_flet",
    "installed_flet_cli",
    "rules_for",
]


@dataclass(frozen=True)
class FletRules:
    """What one flet-cli series does with a project (the parts fletlint predicts)."""

    series: str  # "1.0.x"
    read_from: str  # the flet-cli release whose code this describes
    python: PythonTable
    # `get_platform_setting`: `[tool.flet.<platform>].key` wins whenever present, even empty
    # (1.0); before, `platform or global` (an empty platform value fell through to the global one).
    platform_wins_when_empty: bool
    # `find_default_excludes`: hidden top-level entries, virtual environments, `__pycache__`,
    # unless `app.include` / `app.default_excludes = false` (1.0 only).
    default_excludes: bool

    def platform_setting(self, platform_value: object, global_value: object) -> object:
        """`get_platform_setting` of this release, given the two raw TOML values (None: absent)."""
        if self.platform_wins_when_empty:
            return platform_value if platform_value is not None else global_value
        return platform_value or global_value


RULES_1_0 = FletRules(
    series="1.0.x",
    read_from="flet-cli 1.0.5",
    python=MANIFEST_20260921,
    platform_wins_when_empty=True,
    default_excludes=True,
)
RULES_0_86 = FletRules(
    series="0.86.x",
    read_from="flet-cli 0.86.5",
    python=MANIFEST_20260730,
    platform_wins_when_empty=False,
    default_excludes=False,
)
RULES_BEFORE_0_86 = FletRules(
    series="before 0.86",
    read_from="flet-cli 0.86.5 (older releases not read)",
    python=MANIFEST_BEFORE_086,
    platform_wins_when_empty=False,
    default_excludes=False,
)

# Newest first.
KNOWN_RULES: tuple[tuple[Version, FletRules], ...] = (
    (Version("1.0.0"), RULES_1_0),
    (Version("0.86.0"), RULES_0_86),
    (Version("0"), RULES_BEFORE_0_86),
)

# Stable flet releases this table knows (PyPI upload dates): what a requirement resolves to when
# no index says otherwise.
FLET_RELEASES: tuple[tuple[Version, str], ...] = (
    (Version("0.86.5"), "2026-08-01"),
    (Version("1.0.0"), "2026-09-14"),
    (Version("1.0.5"), "2026-10-21"),
)
NEWEST_KNOWN = max(v for v, _ in FLET_RELEASES)


def rules_for(version: Version) -> FletRules:
    for since, rules in KNOWN_RULES:
        if version.release >= since.release:
            return rules
    return RULES_BEFORE_0_86


@dataclass(frozen=True)
class FletChoice:
    """Which flet-cli fletlint reads the project as, and why."""

    version: Version
    how: str  # "installed", "requirement", "newest-known"
    rules: FletRules
    detail: str = ""  # where it was found / the requirement it resolves

    @property
    def newer_than_table(self) -> bool:
        return self.version.release > NEWEST_KNOWN.release

    def describe(self) -> str:
        why = {
            "installed": f"installed ({self.detail})" if self.detail else "installed",
            "requirement": f"{self.detail} resolves to it" if self.detail else "the requirement",
            "newest-known": "no flet-cli installed and no flet requirement: the newest known",
        }.get(self.how, self.how)
        text = f"flet-cli {self.version} ({why}); rules of {self.rules.read_from}"
        text += f", Python table {self.rules.python.release_date}"
        if not self.rules.python.checked:
            text += " (rows not checked)"
        if self.newer_than_table:
            text += (
                f"; newer than fletlint's table (newest {NEWEST_KNOWN}): checked as {NEWEST_KNOWN}"
            )
        return text


_DIST_INFO = re.compile(r"^flet[_-]cli-([^-]+)\.dist-info$", re.IGNORECASE)


def _site_packages(env: Path) -> list[Path]:
    # Looked for: a `lib/python3.X/site-packages` that appears moves the answer.
    saw_folder(env / "lib")
    for version_folder in env.glob("lib/python3*"):
        saw_folder(version_folder)
    saw_file(env / "Lib" / "site-packages")
    found = sorted(env.glob("lib/python3*/site-packages"))
    found += [p for p in (env / "Lib" / "site-packages",) if p.is_dir()]
    return found


def _version_in(site: Path) -> Version | None:
    saw_folder(site)
    try:
        names = os.listdir(site)
    except OSError:
        return None
    for name in names:
        match = _DIST_INFO.match(name)
        if match:
            try:
                return Version(match.group(1))
            except InvalidVersion:
                continue
    return None


def installed_flet_cli(root: Path, environ: Mapping[str, str]) -> tuple[Version, str] | None:
    """The flet-cli `flet build` would run for the app at `root`: a virtual environment in the
    project folder (`.venv`, `venv`, any folder holding `pyvenv.cfg`), else `$VIRTUAL_ENV`."""
    envs: list[Path] = []
    saw_folder(root)
    try:
        entries = sorted(root.iterdir())
    except OSError:
        entries = []
    for entry in entries:
        saw_file(entry / "pyvenv.cfg")
    envs += [e for e in entries if e.is_dir() and (e / "pyvenv.cfg").is_file()]
    active = environ.get("VIRTUAL_ENV")
    if active:
        envs.append(Path(active))
    for env in envs:
        for site in _site_packages(env):
            version = _version_in(site)
            if version is not None:
                return version, str(env)
    return None


def resolve_flet_requirement(
    specifiers: Sequence[SpecifierSet], releases: Sequence[Version] = ()
) -> Version | None:
    """The release pip would pick for `flet<specifiers>`: the newest known stable one allowed.

    A pin to a release the table does not know (`flet==1.2.0`) is that release; a lower bound
    above every known release is taken as its bound.
    """
    known = sorted({*releases, *(v for v, _ in FLET_RELEASES)}, reverse=True)
    allowed = [v for v in known if all(s.contains(v) for s in specifiers)]
    stable = [v for v in allowed if not v.is_prerelease]
    if stable or allowed:
        return (stable or allowed)[0]
    specs = [
        spec for specifier_set in specifiers for spec in specifier_set if "*" not in spec.version
    ]
    for operators in (("==", "==="), (">=", "~=", ">")):
        bounds = []
        for spec in specs:
            if spec.operator in operators:
                try:
                    bounds.append(Version(spec.version))
                except InvalidVersion:
                    continue
        if bounds:
            return max(bounds)
    return None


def choose_flet(
    *,
    installed: tuple[Version, str] | None,
    specifiers: Sequence[SpecifierSet],
    requirement_text: str = "",
) -> FletChoice:
    """Installed flet-cli, else what the project's `flet` requirement resolves to, else newest."""
    if installed is not None:
        version, where = installed
        return FletChoice(version, "installed", rules_for(version), where)
    if specifiers:
        version_found = resolve_flet_requirement(specifiers)
        if version_found is not None:
            return FletChoice(
                version_found, "requirement", rules_for(version_found), requirement_text
            )
    return FletChoice(NEWEST_KNOWN, "newest-known", rules_for(NEWEST_KNOWN))


def newest_flet_choice() -> FletChoice:
    """The default when nothing says which flet-cli builds the app."""
    return FletChoice(NEWEST_KNOWN, "newest-known", rules_for(NEWEST_KNOWN))
