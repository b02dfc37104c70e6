"""Difference 8: the snapshot's `hosted_pure` list stands in for an unreadable Flet index.

PyPI has flet-desktop only as desktop wheels; Flet's index serves it as a pure wheel. When that
index cannot be read, the snapshot must still offer the pure wheel, or every app listing
flet-desktop gets a false "no phone wheel".
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from packaging.tags import Tag
from packaging.version import Version

from fletlint.linter.index.client import IndexClient
from fletlint.linter.index.snapshot import hosted_pure_files, load_snapshot
from fletlint.linter.index.urls import make_source
from tests.support.index_server import LocalIndex
from tests.support.wheels import build_wheel


def test_hosted_pure_files_are_pure_wheels_for_the_given_versions() -> None:
    assert {"flet-desktop", "flet-desktop-light"} <= load_snapshot().hosted_pure
    files = hosted_pure_files(
        "Flet_Desktop", [Version("1.0.5"), Version("1.0.0")], "flet", "https://x/"
    )
    assert [f.filename for f in files] == [
        "flet_desktop-1.0.0-py3-none-any.whl",
        "flet_desktop-1.0.5-py3-none-any.whl",
    ]
    assert all(f.tags == {Tag("py3", "none", "any")} and f.from_snapshot for f in files)
    assert hosted_pure_files("numpy", [Version("2.0")], "flet", "https://x/") == ()


def test_unreadable_flet_index_still_serves_hosted_pure_packages(
    tmp_path: Path, make_index: Callable[..., LocalIndex], isolated_env: Path
) -> None:
    root = tmp_path / "pypi"
    build_wheel(root, "flet-desktop", "1.0.5", tag="py3-none-macosx_11_0_arm64")
    pypi = make_index(root)
    flet = make_index(tmp_path / "flet")
    flet_url = flet.url
    flet.stop()
    client = IndexClient(
        [make_source(pypi.url), make_source(flet_url)],
        cache_dir=isolated_env,
        snapshot_index=flet_url,
        timeout=5.0,
    )
    try:
        files = client.listing("flet-desktop").files
    finally:
        client.close()
    pure = [f for f in files if f.is_pure]
    assert [(f.filename, f.index) for f in pure] == [
        ("flet_desktop-1.0.5-py3-none-any.whl", flet_url)
    ]
