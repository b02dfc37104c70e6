"""The Python releases each flet-cli release can bundle, as data (python-build's manifest.json).

flet-cli pins one python-build release (`PYTHON_BUILD_RELEASE_DATE` in
`flet_cli/utils/python_versions.py`) and reads that release's `manifest.json`: a row per Python
minor with the full CPython version, the Android ABIs, and whether it is a pre-release, plus the
default. serious_python ships the same table as generated Dart (`lib/src/python_versions.dart`).
A row's full version is what `requires-python` is matched against and what the phone runs, so
it is also `python_full_version` in markers.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PYTHON_TABLES", "PythonRow", "PythonTable"]


@dataclass(frozen=True)
class PythonRow:
    """One Python line a python-build release provides."""

    short: str  # "3.14"
    full: str  # "3.14.6"
    android_abis: tuple[str, ...]  # in the manifest's order: the first present is the primary ABI
    prerelease: bool = False


@dataclass(frozen=True)
class PythonTable:
    """One python-build manifest: its rows, its default, and where the figures were read."""

    release_date: str  # python-build release, YYYYMMDD
    rows: tuple[PythonRow, ...]
    default: str
    source: str
    # False when the pinned manifest itself could not be read and the rows are a neighbour's.
    checked: bool = True

    def row(self, short: str) -> PythonRow | None:
        return next((r for r in self.rows if r.short == short), None)

    @property
    def shorts(self) -> tuple[str, ...]:
        return tuple(r.short for r in self.rows)


_ABIS = ("arm64-v8a", "x86_64", "armeabi-v7a")

_ROWS_20260730 = (
    PythonRow("3.12", "3.12.13", _ABIS),
    PythonRow("3.13", "3.13.14", _ABIS),
    PythonRow("3.14", "3.14.6", _ABIS),
)

MANIFEST_20260730 = PythonTable(
    release_date="20260730",
    rows=_ROWS_20260730,
    default="3.14",
    source=(
        "flet-dev/serious-python v4.5.1 src/serious_python/lib/src/python_versions.dart, "
        "generated from python-build manifest.json 20260730 (read 2026-11-30)"
    ),
)

# flet-cli 1.0.5 pins 20260921; that manifest could not be read (github.com is unreachable from
# where this table was made, and serious_python 5.x, which carries it, was not published where we
# could read it). Its rows are taken to be 20260730's until someone reads the real file.
MANIFEST_20260921 = PythonTable(
    release_date="20260921",
    rows=_ROWS_20260730,
    default="3.14",
    source=(
        "flet-cli 1.0.5 PYTHON_BUILD_RELEASE_DATE = 20260921; rows not checked, "
        "copied from manifest 20260730"
    ),
    checked=False,
)

# Before 0.86 Flet bundled 3.12 by default (fletlint's earlier model; flet-cli < 0.86 not read).
MANIFEST_BEFORE_086 = PythonTable(
    release_date="before-20260730",
    rows=_ROWS_20260730,
    default="3.12",
    source="flet-cli before 0.86: Python 3.12 by default (not read from flet-cli's code)",
    checked=False,
)

PYTHON_TABLES: dict[str, PythonTable] = {
    t.release_date: t for t in (MANIFEST_BEFORE_086, MANIFEST_20260730, MANIFEST_20260921)
}
