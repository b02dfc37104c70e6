"""The engine's API as front ends use it: unsaved texts, progress, one Linter reused."""

from __future__ import annotations

from pathlib import Path

from fletlint.linter.engine import Linter, Settings
from fletlint.linter.findings import Severity
from fletlint.linter.index.model import ProjectListing
from fletlint.linter.recent_resolutions import RecentResolutions
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
