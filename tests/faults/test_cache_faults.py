"""Bad caches: a corrupt entry is a miss, an unwritable cache costs speed, sharing is safe.

Every cache folder (docs/architecture.md, "Caches") is damaged in a few ways a crash, a full
disk or an older fletlint could leave it; the check must then answer exactly as with a fresh
cache. The baseline and the damaged run use the same project and the same local indexes.
"""

from __future__ import annotations

import json
import pickle
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fletlint.linter.engine import Linter, Settings
from tests.cli.helpers import check, project
from tests.support.index_server import LocalIndex

FAST = ("--python-version", "3.12", "--target", "android_24_arm64_v8a")
# A chain with an FL001 (pydantic-core) and an app file, so every cache folder gets entries.
REQUIREMENTS = "supabase==2.20.0\npydantic==2.12.5\n"
APP = "import supabase\nimport pydantic\nimport flet\n"

Damage = Callable[[bytes], bytes]
DAMAGES: dict[str, Damage] = {
    "truncated": lambda data: data[: len(data) // 2],
    "empty": lambda data: b"",
    "garbage": lambda data: bytes(range(256)) * 4,
    # Parses as the right format but holds the wrong shapes (an older or foreign writer).
    "wrong-shape-json": lambda data: b'{"format": 1, "length": 0, "status": "x", "consulted": 7}\n',
    "wrong-shape-pickle": lambda data: pickle.dumps(("not files", 42)),
    "json-list": lambda data: b"[1, 2, 3]",
}
# Per folder, the damages its format can suffer (each re-check of http-v3 costs downloads).
FOLDERS = {
    "http-v3": ("truncated", "garbage", "wrong-shape-json"),
    "listings-v3": ("truncated", "garbage", "wrong-shape-pickle"),
    "resolutions-v2": ("truncated", "empty", "json-list", "wrong-shape-json"),
    "imports-v1": ("truncated", "empty", "json-list", "wrong-shape-json"),
}


def _result(out: str) -> dict[str, Any]:
    """The parts of a JSON report that must not depend on the cache."""
    document = json.loads(out)
    return {"targets": document["targets"], "findings": document["findings"]}


def _entries(cache: Path, folder: str) -> list[Path]:
    return [p for p in (cache / folder).rglob("*") if p.is_file() and not p.name.startswith(".")]


@pytest.mark.parametrize("folder", sorted(FOLDERS))
def test_a_damaged_cache_entry_is_a_miss_with_the_same_answer(
    folder: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
    isolated_env: Path,
) -> None:
    # Pages fresh for a while: a warm run reads every cache folder without asking the index.
    pypi_index.cache_control = flet_index.cache_control = "max-age=600"
    app = project(tmp_path, REQUIREMENTS, main__py=APP)
    fresh = check(capsys, app, pypi_index, flet_index, *FAST)
    assert fresh.code == 1 and "FL001" in fresh.codes()
    # One damage after another: each check rewrites the entries it missed, the next damages them.
    for name in FOLDERS[folder]:
        damage = DAMAGES[name]
        entries = _entries(isolated_env, folder)
        assert entries, f"nothing in {folder} to damage ({name})"
        for entry in entries:
            entry.write_bytes(damage(entry.read_bytes()))
        again = check(capsys, app, pypi_index, flet_index, *FAST)
        assert again.err == "", name
        assert again.code == fresh.code, name
        assert _result(again.out) == _result(fresh.out), name


@pytest.mark.parametrize("how", ["env", "flag"])
def test_a_cache_folder_that_cannot_be_made_still_gives_a_correct_check(
    how: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = tmp_path / "app"
    app.mkdir()
    project(app, REQUIREMENTS, main__py=APP)
    good = check(capsys, app, pypi_index, flet_index, *FAST)
    # The parent is a regular file: mkdir fails even for root (chmod would not stop root).
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache's parent should be\n")
    unusable = blocker / "cache"
    if how == "env":
        monkeypatch.setenv("FLETLINT_CACHE_DIR", str(unusable))
        extra: tuple[str, ...] = ()
    else:
        extra = ("--cache-dir", str(unusable))
    run = check(capsys, app, pypi_index, flet_index, *FAST, *extra)
    assert run.err == ""
    assert run.code == good.code
    assert _result(run.out) == _result(good.out)
    assert blocker.is_file()


def test_two_checks_at_once_on_one_cache_both_succeed(
    tmp_path: Path, pypi_index: LocalIndex, flet_index: LocalIndex, isolated_env: Path
) -> None:
    app = project(tmp_path, REQUIREMENTS, main__py=APP)
    settings = Settings(
        python_version="3.12",
        targets=("android_24_arm64_v8a",),
        index_url=pypi_index.url,
        flet_index_url=flet_index.url,
        use_pip_config=False,
        cache_dir=isolated_env,
    )
    rounds = 2  # cold (both write every entry), then warm (both read what the other wrote)
    start = threading.Barrier(2, timeout=10)
    results: list[list[tuple[str, str | None]]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            for _ in range(rounds):
                start.wait()
                with Linter(settings) as linter:
                    report = linter.check(app)
                with lock:
                    results.append([(f.code, f.package) for f in report.findings])
        except BaseException as exc:  # the main thread reports it
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a check hung"
    assert errors == []
    assert len(results) == 2 * rounds
    assert all(r == results[0] for r in results)
    assert ("FL001", "pydantic-core") in results[0]
    # Nothing half-written was left behind: every temp file was renamed or removed.
    assert not [p for p in isolated_env.rglob(".tmp-*")]
