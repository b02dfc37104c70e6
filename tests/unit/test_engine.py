"""The engine's API as front ends use it: unsaved texts, progress, one Linter reused."""

from __future__ import annotations

import functools
import threading
from pathlib import Path
from typing import Any

import pytest

from fletlint.linter import engine, modules
from fletlint.linter.engine import Linter, Settings
from fletlint.linter.findings import Severity
from fletlint.linter.index.model import ProjectListing
from fletlint.linter.recent_resolutions import RecentResolutions
from fletlint.linter.resolve import Resolution
from fletlint.linter.resolve import resolve as linter_resolve
from tests.support.index_server import LocalIndex


def _settings(pypi: LocalIndex, flet: LocalIndex) -> Settings:
    return Settings(index_url=pypi.url, flet_index_url=flet.url, python_version="3.12")


def test_unsaved_texts_are_checked_instead_of_the_files(
    tmp_path: Path, pypi_index: LocalIndex, flet_index: LocalIndex
) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("anyio\n")
    with Linter(_settings(pypi_index, flet_index)) as linter:
        on_disk = linter.check(tmp_path)
        edited = linter.check(tmp_path, texts={requirements: "anyio\npydantic==2.12.5\n"})
    assert on_disk.findings == []
    [finding] = [f for f in edited.findings if f.severity == Severity.ERROR]
    assert (finding.code, finding.package) == ("FL001", "pydantic-core")
    assert finding.location is not None and finding.location.line == 2
    assert requirements.read_text() == "anyio\n"  # the editor's text never reaches the disk


def test_progress_is_reported_through_the_callback(
    tmp_path: Path, pypi_index: LocalIndex, flet_index: LocalIndex
) -> None:
    (tmp_path / "requirements.txt").write_text("anyio\n")
    messages: list[str] = []
    with Linter(_settings(pypi_index, flet_index)) as linter:
        linter.check(tmp_path, on_progress=messages.append)
    assert any("android_24_arm64_v8a" in m for m in messages)


def test_a_reused_linter_reads_each_page_once(
    tmp_path: Path, pypi_index: LocalIndex, flet_index: LocalIndex
) -> None:
    (tmp_path / "requirements.txt").write_text("supabase==2.20.0\n")
    with Linter(_settings(pypi_index, flet_index)) as linter:
        linter.check(tmp_path)
        pypi_index.clear_requests()
        flet_index.clear_requests()
        again = linter.check(tmp_path)
    # The second check of the same Linter answers from memory: a language server checks on
    # every keystroke and must not go back to the network each time.
    assert pypi_index.requests == [] and flet_index.requests == []
    assert any(f.code == "FL002" for f in again.findings)


def test_a_linter_that_checks_once_finds_the_same_and_remembers_no_resolution(
    tmp_path: Path, pypi_index: LocalIndex, flet_index: LocalIndex
) -> None:
    (tmp_path / "requirements.txt").write_text("supabase==2.20.0\n")
    with Linter(_settings(pypi_index, flet_index)) as linter:
        kept = linter.check(tmp_path)
    with Linter(_settings(pypi_index, flet_index), checks_again=False) as once:
        single = once.check(tmp_path)
    assert [(f.code, f.package, f.message, f.fixes) for f in single.findings] == [
        (f.code, f.package, f.message, f.fixes) for f in kept.findings
    ]
    assert any(f.code == "FL002" for f in single.findings)
    # What each keeps for a next check: the language server's Linter the resolution, the
    # command line's nothing.
    resolution = single.results[0].resolution
    listings: dict[str, ProjectListing] = {}

    def listing(name: str) -> ProjectListing:
        return listings.setdefault(name, ProjectListing(name, ()))

    for recent, found in ((RecentResolutions(), resolution), (RecentResolutions(0), None)):
        recent.remember(resolution.env, "", [], resolution, listing)
        assert recent.find(resolution.env, "", [], listing) == found


def _desktops_of(
    text: str, tmp_path: Path, pypi: LocalIndex, flet: LocalIndex, monkeypatch: Any
) -> tuple[dict[tuple[str, str], Resolution], list[str]]:
    """Each target's desktop resolution of a check of `text`, by (sys_platform,
    platform_machine), and the desktop environments the engine resolved for them."""
    from fletlint.linter.resolve import resolve as real

    resolved: list[str] = []

    def counting(source: Any, env: Any, *args: Any, **kwargs: Any) -> Any:
        if not env.constrained:
            resolved.append(f"{env.markers['sys_platform']}/{env.markers['platform_machine']}")
        return real(source, env, *args, **kwargs)

    monkeypatch.setattr("fletlint.linter.engine.resolve", counting)
    (tmp_path / "requirements.txt").write_text(text)
    with Linter(_settings(pypi, flet), checks_again=False) as linter:
        report = linter.check(tmp_path)
    desktops = {
        (d.env.markers["sys_platform"], d.env.markers["platform_machine"]): d
        for d in (r.unconstrained for r in report.results)
    }
    return desktops, resolved


def test_desktops_no_marker_tells_apart_are_resolved_once(
    tmp_path: Path, pypi_index: LocalIndex, flet_index: LocalIndex, monkeypatch: Any
) -> None:
    desktops, resolved = _desktops_of("anyio\n", tmp_path, pypi_index, flet_index, monkeypatch)
    # Five desktop environments (3 Android machines, 2 iOS ones), one resolution: no marker
    # anyio's graph reads differs between them.
    assert len(desktops) == 5 and len(resolved) == 1
    answers = {
        tuple(sorted((n, str(p.version)) for n, p in d.packages.items())) for d in desktops.values()
    }
    assert len(answers) == 1
    # Each is under its own environment, as a resolution of its own would be.
    assert len({d.env.key for d in desktops.values()}) == 5


def test_a_marker_that_tells_desktops_apart_resolves_them_apart(
    tmp_path: Path, pypi_index: LocalIndex, flet_index: LocalIndex, monkeypatch: Any
) -> None:
    text = "anyio\ncolorama; platform_machine == 'x86_64'\n"
    desktops, resolved = _desktops_of(text, tmp_path, pypi_index, flet_index, monkeypatch)
    # The first (aarch64) answers the marker False, as armv7l and arm64 do: those are its
    # resolution again; both x86_64 desktops answer True and are resolved.
    assert sorted(resolved) == ["android/aarch64", "android/x86_64", "ios/x86_64"]
    assert "colorama" in desktops[("android", "x86_64")].packages
    assert "colorama" in desktops[("ios", "x86_64")].packages
    for machine in (("android", "aarch64"), ("android", "armv7l"), ("ios", "arm64")):
        assert "colorama" not in desktops[machine].packages


def test_the_installed_distributions_are_read_on_a_thread_of_their_own_once(
    tmp_path: Path,
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Read while the resolutions run, not after them when FL101 needs them; and once.
    readers: list[str] = []

    @functools.lru_cache(maxsize=1)
    def read() -> dict[str, tuple[str, ...]]:
        readers.append(threading.current_thread().name)
        return {"fancy_mod": ("Fancy-Dist",)}

    monkeypatch.setattr(modules, "_read_host_distributions", read)
    (tmp_path / "requirements.txt").write_text("anyio\n")
    with Linter(_settings(pypi_index, flet_index), checks_again=False) as linter:
        no_app = linter.check(tmp_path / "requirements.txt")
        assert readers == []  # no app code: nothing to explain
        (tmp_path / "main.py").write_text("import anyio\nimport fancy_mod\n")
        report = linter.check(tmp_path)
    assert readers == ["fletlint-host"]
    [finding] = [f for f in report.findings if f.code == "FL101"]
    assert "declare fancy-dist" in " ".join(finding.notes)  # the host's answer
    assert not [f for f in no_app.findings if f.code == "FL101"]


def test_a_target_s_reads_for_the_fixes_start_when_its_resolutions_end(
    tmp_path: Path,
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Not when the last target's end: the iOS phones' resolutions here wait until the Android
    # targets' reads ahead were started (told by an event, without timing them).
    android_warmed = threading.Event()
    waited: list[bool] = []
    warmed: list[str] = []
    warm = engine._warm_phone_releases
    resolve = linter_resolve

    def warm_and_tell(client: Any, results: Any) -> None:
        warmed.extend(r.target.name for r in results)
        if any(r.target.platform == "android" for r in results):
            android_warmed.set()
        warm(client, results)

    def resolve_after_android(client: Any, env: Any, *args: Any, **kwargs: Any) -> Resolution:
        if env.constrained and env.key.startswith("ios"):
            waited.append(android_warmed.wait(5.0))
        return resolve(client, env, *args, **kwargs)

    monkeypatch.setattr(engine, "_warm_phone_releases", warm_and_tell)
    monkeypatch.setattr(engine, "resolve", resolve_after_android)
    (tmp_path / "requirements.txt").write_text("anyio\n")
    with Linter(_settings(pypi_index, flet_index), checks_again=False) as linter:
        report = linter.check(tmp_path / "requirements.txt")
    assert waited == [True] * 3
    assert sorted(warmed) == sorted(t.name for t in report.targets)  # each target once
