"""Fixes of several findings are built at once (`attach_fixes(pool=...)`): the same fixes, with
the same applicability, whatever the order the findings are fixed in and however many at once.

Each way of fixing runs on a Linter of its own with an empty cache, so no answer of one (its
stored resolutions, its known witnesses) reaches another.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from fletlint.linter import fixes
from fletlint.linter.engine import FixingCancelled, Linter, Settings
from fletlint.linter.findings import Applicability, Finding
from fletlint.linter.fixes import _each_at_once
from tests.support.fix_projects import FIXTURE_PROJECTS
from tests.support.index_server import LocalIndex

# Fixture projects with several findings whose fixes are verified by trial resolutions: a fix
# two findings share (flet-all), a verified and an unverified pin (matplotlib), three safe fixes
# verified together (pandas-scipy), two culprits held out for each other (two-blockers).
PROJECTS = ("FL001-flet-all", "FL001-matplotlib", "FL002-pandas-scipy", "FL001-two-blockers")
WORKERS = fixes.FIX_WORKERS


def _orders(n: int) -> list[list[int]]:
    """The findings' own order, reversed, and interleaved from both ends."""
    ends = [i // 2 if i % 2 == 0 else n - 1 - i // 2 for i in range(n)]
    return [list(range(n)), list(range(n))[::-1], ends]


def _settings(pypi: LocalIndex, flet: LocalIndex, cache: Path) -> Settings:
    return Settings(
        index_url=pypi.url, flet_index_url=flet.url, python_version="3.12", cache_dir=cache
    )


def _fixed_in(order: Sequence[int], settings: Settings, path: Path) -> list[Finding]:
    """The findings of a check without fixes, then fixed in `order`; in the check's order."""
    with Linter(settings) as linter:
        report = linter.check(path, fixes=False)
        assert report.fixes_later is not None
        fixed = report.fixes_later([report.findings[i] for i in order], lambda: False)
    by_index = dict(zip(order, fixed, strict=True))
    return [by_index[i] for i in range(len(order))]


@pytest.mark.parametrize("name", PROJECTS)
def test_the_same_fixes_whatever_the_order_and_the_threads(
    name: str,
    tmp_path: Path,
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = FIXTURE_PROJECTS / name
    # One at a time in the findings' order: what attach_fixes did before it had threads.
    monkeypatch.setattr(fixes, "FIX_WORKERS", 1)
    with Linter(_settings(pypi_index, flet_index, tmp_path / "reference")) as linter:
        reference = linter.check(path).findings
    assert len(reference) >= 2
    verified = [x for f in reference for x in f.fixes if x.applicability == Applicability.SAFE]
    assert verified, "a project whose fixes need no trial resolution proves nothing here"
    own, backwards, ends = _orders(len(reference))
    ways = [(1, backwards), (1, ends), (WORKERS, own), (WORKERS, backwards)]
    for run, (workers, order) in enumerate(ways):
        monkeypatch.setattr(fixes, "FIX_WORKERS", workers)
        settings = _settings(pypi_index, flet_index, tmp_path / f"cache-{run}")
        assert _fixed_in(order, settings, path) == reference, (workers, order)


def test_results_come_in_the_items_order() -> None:
    with ThreadPoolExecutor(8) as pool:
        assert _each_at_once(pool, lambda i: i * i, list(range(50)), 4) == [
            i * i for i in range(50)
        ]
        assert _each_at_once(pool, lambda i: i, [], 4) == []
    assert _each_at_once(None, lambda i: -i, [1, 2, 3], 4) == [-1, -2, -3]


def test_a_failure_stops_every_thread_before_it_is_raised() -> None:
    started: set[int] = set()
    finished: set[int] = set()
    lock = threading.Lock()

    def work(i: int) -> int:
        with lock:
            started.add(i)
        try:
            if i in (3, 5):
                raise FixingCancelled(str(i))
            return i
        finally:
            with lock:
                finished.add(i)

    with ThreadPoolExecutor(8) as pool:
        with pytest.raises(FixingCancelled) as raised:
            _each_at_once(pool, work, list(range(40)), 4)
        # Every item begun had ended when the failure came out; the items after it were left.
        assert started == finished
        assert len(started) < 40
        # The first failure in the items' order (5 may have failed too, or not have started).
        assert str(raised.value) == "3"


def test_a_closed_pool_leaves_the_work_to_the_calling_thread() -> None:
    pool = ThreadPoolExecutor(2)
    pool.shutdown()
    names: set[str] = set()

    def work(i: int) -> int:
        names.add(threading.current_thread().name)
        return i

    assert _each_at_once(pool, work, [1, 2, 3], 4) == [1, 2, 3]
    assert names == {threading.current_thread().name}


def test_threads_only_while_the_check_reads_an_index(
    tmp_path: Path,
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A warm check (every read from the cache) builds its fixes on its own thread: the trials
    # are CPU work there, which threads only slow down.
    pools: list[object] = []
    attach = fixes.attach_fixes

    def spy(*args: Any, pool: Executor | None = None, **kwargs: Any) -> list[Finding]:
        pools.append(pool)
        return attach(*args, pool=pool, **kwargs)

    monkeypatch.setattr(fixes, "attach_fixes", spy)  # the engine imports it when it runs
    settings = dataclasses.replace(
        _settings(pypi_index, flet_index, tmp_path / "cache"), reuse_report=False
    )
    path = FIXTURE_PROJECTS / "FL002-pandas-scipy"
    with Linter(settings) as cold:
        first = cold.check(path)
    with Linter(settings) as warm:
        second = warm.check(path)
    assert pools[0] is not None and pools[1] is None
    assert first.findings == second.findings
