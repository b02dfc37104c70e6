"""The embedded snapshot of Flet's mobile index: provenance, rules, and freshness of the file."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from packaging.tags import Tag
from packaging.version import Version

from fletlint.linter.index.snapshot import load_snapshot, snapshot_files

REPO = Path(__file__).resolve().parents[2]
DATA = REPO.parent / "shared" / "data"


def _tags(name: str, version: str) -> set[Tag]:
    files = snapshot_files(name, "flet", "https://pypi.flet.dev/")
    return {t for f in files if f.version == Version(version) for t in f.tags}


def test_snapshot_states_where_it_comes_from() -> None:
    snap = load_snapshot()
    assert snap.generator == "scripts/make_snapshot.py"
    assert "mobile-forge" in snap.source and snap.collected
    assert snap.index_url == "https://pypi.flet.dev/"
    assert snap.describe("https://pypi.flet.dev/") == (
        f"embedded snapshot of https://pypi.flet.dev/ collected {snap.collected}"
    )


def test_current_versions_have_three_pythons_older_ones_only_312() -> None:
    current = _tags("pydantic-core", "2.47.0")
    assert {t.interpreter for t in current} == {"cp312", "cp313", "cp314"}
    assert Tag("cp314", "cp314", "android_24_armeabi_v7a") in current
    assert Tag("cp313", "cp313", "ios_13_0_arm64_iphonesimulator") in current
    assert len(current) == 3 * 6
    assert {t.interpreter for t in _tags("pydantic-core", "2.33.2")} == {"cp312"}


def test_excluded_abis_platform_lists_and_native_libs() -> None:
    polars = {t.platform for t in _tags("polars", "1.33.0")}
    assert "android_24_armeabi_v7a" not in polars and "android_24_arm64_v8a" in polars
    files = snapshot_files("Flet_LibJQ", "flet", "https://pypi.flet.dev/")
    assert files and all(f.filename.startswith("flet_libjq-") for f in files)
    assert {(t.interpreter, t.abi) for f in files for t in f.tags} == {("py3", "none")}
    assert all(f.from_snapshot and f.index == "flet" and f.is_wheel for f in files)
    assert snapshot_files("not-on-flet", "flet", "https://pypi.flet.dev/") == ()
    assert {"flet", "flet-cli", "flet-desktop", "flet-desktop-light"} <= load_snapshot().hosted_pure


def test_other_forges_are_kept_for_rules() -> None:
    snap = load_snapshot()
    assert snap.chaquopy.packages["aiohttp"].platforms == ("android",)
    assert "3.10.10" in snap.chaquopy.packages["aiohttp"].versions
    assert snap.beeware.packages["aiohttp"].platforms == ("ios",)
    assert snap.chaquopy.collected and snap.beeware.source


@pytest.mark.skipif(not DATA.is_dir(), reason="shared data folder not beside the repo")
def test_committed_snapshot_matches_the_generator() -> None:
    spec = importlib.util.spec_from_file_location(
        "make_snapshot", REPO / "scripts" / "make_snapshot.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = json.loads((REPO / "src/fletlint/linter/index/snapshot.json").read_text())
    assert module.build(DATA) == committed
