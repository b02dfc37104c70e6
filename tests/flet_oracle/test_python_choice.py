"""The Python version: fletlint's `choose_python` against flet-cli 1.0.5's own
`resolve_python_version`, on the same python-build manifest (fletlint's table written out as
manifest.json), for hand-picked and generated `requires-python` values and `--python-version`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from fletlint.linter.findings import InputError, Location
from fletlint.linter.flet_model import rules_for
from fletlint.linter.flet_model.python_tables import PythonRow, PythonTable
from fletlint.linter.flet_model.releases import choose_flet
from fletlint.linter.targets import choose_python, default_targets
from tests.flet_oracle.oracle import manifest_for

TABLE_1_0 = rules_for(Version("1.0.5")).python
# A table with a pre-release line, as python-build marks beta CPython rows.
WITH_315 = PythonTable(
    release_date="test",
    rows=(*TABLE_1_0.rows, PythonRow("3.15", "3.15.0b1", ("arm64-v8a", "x86_64"), True)),
    default="3.14",
    source="test",
)


class FletCli:
    """flet-cli 1.0.5's resolve_python_version on a given table."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __call__(
        self, table: PythonTable, requires: str | None, cli: str | None = None
    ) -> str | None:
        from flet_cli.utils import python_versions  # type: ignore[import-untyped]

        manifest = self.folder / f"manifest-{table.release_date}.json"
        manifest.write_text(json.dumps(manifest_for(table)), "utf-8")
        saved = os.environ.get(python_versions.MANIFEST_PATH_ENV)
        os.environ[python_versions.MANIFEST_PATH_ENV] = str(manifest)
        python_versions._load_data.cache_clear()
        try:
            pyproject = {"project.requires-python": requires}
            release = python_versions.resolve_python_version(cli, lambda key: pyproject.get(key))
            return str(release.short)
        except python_versions.UnsupportedPythonVersionError:
            return None
        finally:
            python_versions._load_data.cache_clear()
            if saved is None:
                os.environ.pop(python_versions.MANIFEST_PATH_ENV, None)
            else:
                os.environ[python_versions.MANIFEST_PATH_ENV] = saved


@pytest.fixture(scope="module")
def flet_cli(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FletCli]:
    yield FletCli(tmp_path_factory.mktemp("manifests"))


def ours(table: PythonTable, requires: str | None, cli: str | None = None) -> str | None:
    spec = SpecifierSet(requires) if requires else None
    try:
        return choose_python(cli, spec, table, Location("pyproject.toml", 3)).short
    except InputError:
        return None


# FLET-FACTS.md §3, with the 20260730 rows.
@pytest.mark.parametrize(
    ("requires", "python"),
    [
        (">=3.10", "3.14"),
        ("<3.13", "3.12"),
        ("<3.14.3", "3.13"),
        ("!=3.14.6", "3.13"),
        ("==3.14.*", "3.14"),
        ("==3.14", None),
        ("==3.14.0", None),
        (">=3.15", None),
        (None, "3.14"),
    ],
)
def test_requires_python_as_flet_cli_chooses(
    flet_cli: FletCli, requires: str | None, python: str | None
) -> None:
    assert flet_cli(TABLE_1_0, requires) == ours(TABLE_1_0, requires) == python


def test_pre_release_rows_only_by_explicit_match(flet_cli: FletCli) -> None:
    assert flet_cli(WITH_315, ">=3.14") == ours(WITH_315, ">=3.14") == "3.14"
    assert flet_cli(WITH_315, ">=3.15") == ours(WITH_315, ">=3.15") == "3.15"
    assert flet_cli(WITH_315, None) == ours(WITH_315, None) == "3.14"


def test_python_version_flag_accepts_what_the_table_has(flet_cli: FletCli) -> None:
    """`--python-version 3.15`: refused by a table without 3.15, accepted by one with it."""
    assert flet_cli(TABLE_1_0, None, "3.15") is None
    with pytest.raises(InputError, match=r"choose from 3\.12, 3\.13, 3\.14"):
        choose_python("3.15", None, TABLE_1_0)
    assert flet_cli(WITH_315, None, "3.15") == ours(WITH_315, None, "3.15") == "3.15"


def test_no_match_is_an_error_at_requires_python() -> None:
    with pytest.raises(InputError, match="does not match any Python flet build bundles") as info:
        choose_python(None, SpecifierSet(">=3.15"), TABLE_1_0, Location("pyproject.toml", 3))
    assert info.value.location == Location("pyproject.toml", 3)


def test_markers_see_the_bundled_full_version() -> None:
    row = choose_python(None, None, TABLE_1_0)
    target = default_targets(row.short, row.full, row.android_abis)[0]
    assert target.marker_environment["python_full_version"] == "3.14.6"
    assert target.marker_environment["python_version"] == "3.14"


def test_a_flet_newer_than_the_table_uses_the_newest_rules_and_says_so() -> None:
    choice = choose_flet(installed=(Version("1.2.0"), "/venv"), specifiers=[])
    assert choice.rules is rules_for(Version("1.0.5"))
    assert choice.newer_than_table
    assert "newer than fletlint's table" in choice.describe()
    pinned = choose_flet(installed=None, specifiers=[SpecifierSet("==1.3.1")])
    assert pinned.version == Version("1.3.1") and pinned.newer_than_table


VERSIONS = ["3.12", "3.12.13", "3.12.14", "3.13", "3.13.0", "3.13.14", "3.14", "3.14.3", "3.14.6",
            "3.14.7", "3.15", "3.10"]  # fmt: skip
OPERATORS = [">=", "<=", ">", "<", "==", "!=", "~="]


@st.composite
def specifiers(draw: st.DrawFn) -> str:
    parts = draw(
        st.lists(
            st.tuples(st.sampled_from(OPERATORS), st.sampled_from(VERSIONS)), min_size=1, max_size=3
        )
    )
    star = draw(st.booleans())
    texts = []
    for operator, version in parts:
        if star and operator in ("==", "!=") and version.count(".") == 1:
            version += ".*"
        texts.append(f"{operator}{version}")
    return ",".join(texts)


@settings(max_examples=150, deadline=None)
@given(requires=specifiers(), table=st.sampled_from([TABLE_1_0, WITH_315]))
def test_generated_requires_python_as_flet_cli_chooses(
    requires: str, table: PythonTable, tmp_path_factory: pytest.TempPathFactory
) -> None:
    try:
        SpecifierSet(requires)
    except InvalidSpecifier:
        return  # `~=3` and such: flet-cli ignores what packaging cannot parse
    flet = FletCli(tmp_path_factory.getbasetemp())
    assert ours(table, requires) == flet(table, requires), requires
