"""The shipped pre-commit hook, run by the real `pre-commit` tool on real `git commit`s.

The hook source is this repository as it is now: the working tree (uncommitted work included)
is committed into a temporary repository, and the app's `.pre-commit-config.yaml` points at that
repository and commit, so pre-commit reads the shipped `.pre-commit-hooks.yaml` (id, entry,
files, pass_filenames) exactly as a user's pre-commit would.

One thing differs from a user's setup, and why: the manifest says `language: python`, for which
pre-commit pip-installs fletlint and its dependencies into an environment of its own. That needs
PyPI, and the tests run offline. So the test's config overrides `language: system` for the hook
(a documented per-hook override), which runs the same `entry` with the `fletlint` of the test's
environment on PATH. Everything else (cloning the hook repository at a rev, matching the
changed files against `files`, blocking the commit on exit 1, showing the output) is pre-commit's.
The indexes are the local test indexes, passed through the hook's `args`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.helpers import index_args
from tests.support.index_server import LocalIndex

REPO = Path(__file__).resolve().parents[2]
MANIFEST = REPO / ".pre-commit-hooks.yaml"

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None
    or shutil.which("pre-commit", path=str(Path(sys.executable).parent)) is None,
    reason="needs git and pre-commit",
)

GIT_ID = ["-c", "user.name=fletlint tests", "-c", "user.email=tests@fletlint.invalid"]


def _git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *GIT_ID, *args], cwd=cwd, capture_output=True, text=True, check=check
    )


def _hook_source(tmp: Path) -> tuple[Path, str]:
    """A git repository holding the current working tree of fletlint, and its commit."""
    source = tmp / "fletlint-src"
    source.mkdir()
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    for name in filter(None, listed):
        src = REPO / name
        if src.is_file():  # a file deleted but not yet committed is listed too
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, source / name)
    _git(source, "init", "-q")
    _git(source, "add", "-A")
    _git(source, "commit", "-q", "-m", "working tree")
    return source, _git(source, "rev-parse", "HEAD").stdout.strip()


@pytest.fixture
def app_repo(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> Path:
    source, rev = _hook_source(tmp_path)
    app = tmp_path / "app"
    app.mkdir()
    _git(app, "init", "-q")
    args = [*index_args(pypi_index, flet_index), "--python-version", "3.12"]
    args += ["--target", "android_24_arm64_v8a"]
    (app / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"- repo: {source.as_posix()}\n"
        f"  rev: {rev}\n"
        "  hooks:\n"
        "  - id: fletlint\n"
        "    language: system  # offline: see the module docstring\n"
        f"    args: [{', '.join(repr(a) for a in args)}]\n"
    )
    bin_dir = Path(sys.executable).parent
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "pre-commit-home"))
    monkeypatch.delenv("PRE_COMMIT", raising=False)
    installed = subprocess.run(
        [str(bin_dir / "pre-commit"), "install"], cwd=app, capture_output=True, text=True
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    _git(app, "add", ".pre-commit-config.yaml")
    _git(app, "commit", "-q", "--no-verify", "-m", "pre-commit config")
    return app


def _commit(app: Path, message: str, **files: str) -> subprocess.CompletedProcess[str]:
    for name, text in files.items():
        (app / name.replace("__", ".")).write_text(text)
    _git(app, "add", "-A")
    return _git(app, "commit", "-m", message, check=False)


def test_manifest_declares_the_hook() -> None:
    text = MANIFEST.read_text()
    assert "- id: fletlint\n" in text
    assert "  entry: fletlint check\n" in text
    assert "  language: python\n" in text
    assert "  pass_filenames: false\n" in text
    assert "  files: '(^|/)(requirements[^/]*\\.txt|pyproject\\.toml|[^/]*\\.py)$'\n" in text


def test_a_blocking_dependency_stops_the_commit_with_its_chain(app_repo: Path) -> None:
    result = _commit(app_repo, "add pydantic", requirements__txt="pydantic==2.12.5\n")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "fletlint" in output and "Failed" in output
    assert "FL001" in output
    assert "pydantic==2.12.5" in output and "pydantic-core==2.41.5" in output
    # Nothing was committed.
    assert _git(app_repo, "log", "--oneline").stdout.count("\n") == 1


def test_a_clean_commit_passes_and_unrelated_files_skip_the_hook(app_repo: Path) -> None:
    result = _commit(app_repo, "add anyio", requirements__txt="anyio\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout + result.stderr
    result = _commit(app_repo, "docs", README__md="# app\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Skipped" in result.stdout + result.stderr
    assert _git(app_repo, "log", "--oneline").stdout.count("\n") == 3
