"""A Linter's recent resolutions: reused only when the new roots cannot change the answer."""

from __future__ import annotations

from pathlib import Path

from fletlint.linter.engine import Linter, Report, Settings
from tests.support.index_server import LocalIndex


def _phone_version(report: Report, name: str) -> str:
    versions = {
        str(p.version)
        for r in report.results
        if (p := r.resolution.packages.get(name)) is not None  # type: ignore[call-overload]
    }
    (version,) = versions
    return version


def test_a_specifier_admitting_other_releases_is_resolved_again(
    tmp_path: Path, pypi_index: LocalIndex, flet_index: LocalIndex
) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("anyio\npydantic>=1.9\n")
    settings = Settings(
        index_url=pypi_index.url, flet_index_url=flet_index.url, python_version="3.12"
    )
    with Linter(settings) as linter:
        first = linter.check(tmp_path, fixes=False)
        same = linter.check(
            tmp_path, texts={requirements: "anyio\npydantic>=1.9,!=0.5\n"}, fixes=False
        )
        older = linter.check(tmp_path, texts={requirements: "anyio\npydantic<2\n"}, fixes=False)
        # A line added above: the same releases, the findings on the moved line.
        moved = linter.check(
            tmp_path, texts={requirements: "# comment\nanyio\npydantic>=1.9\n"}, fixes=False
        )
    assert _phone_version(first, "pydantic") == _phone_version(same, "pydantic") == "2.11.7"
    desktop = {str(r.unconstrained.packages["pydantic"].version) for r in same.results}  # type: ignore[index]
    assert desktop == {"2.12.5"}
    older_desktop = {str(r.unconstrained.packages["pydantic"].version) for r in older.results}  # type: ignore[index]
    assert older_desktop == {"1.10.24"}
    assert [f.location.line for f in first.findings if f.location] == [2] * len(first.findings)
    assert [f.location.line for f in moved.findings if f.location] == [3] * len(moved.findings)
    assert moved.findings and all("pydantic>=1.9" in f.message or f.chain for f in moved.findings)
