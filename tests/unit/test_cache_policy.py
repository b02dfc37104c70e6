"""CachePolicy: one request for a page that several threads ask for at the same time."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from fletlint.linter.index.cache import CacheEntry, HttpCache
from fletlint.linter.index.client import ACCEPT_SIMPLE
from fletlint.linter.index.http import HttpSession, SourceError, UnreachableHosts
from fletlint.linter.index.limits import IndexLimits
from fletlint.linter.index.policy import CachePolicy
from tests.support import faults
from tests.support.faults import Faults
from tests.support.index_server import LocalIndex, RecordedRequest
from tests.support.wheels import build_wheel


def _policy(cache_dir: Path) -> tuple[CachePolicy, HttpSession]:
    limits = IndexLimits()
    session = HttpSession(
        auth={},
        timeout=5.0,
        limits=limits,
        count=lambda _stat: None,
        unreachable=UnreachableHosts(None),
    )
    policy = CachePolicy(
        HttpCache(cache_dir), session, offline=False, limits=limits, count=lambda _stat: None
    )
    return policy, session


def _at_once(ask: Callable[[], CacheEntry], threads: int) -> list[CacheEntry | BaseException]:
    """`ask` on `threads` threads released together; each one's entry or exception."""
    start = threading.Barrier(threads)
    answers: list[CacheEntry | BaseException] = []
    lock = threading.Lock()

    def run() -> None:
        start.wait()
        try:
            answer: CacheEntry | BaseException = ask()
        except SourceError as exc:
            answer = exc
        with lock:
            answers.append(answer)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    return answers


@pytest.fixture
def slow_index(make_index: Callable[..., LocalIndex], tmp_path: Path) -> LocalIndex:
    build_wheel(tmp_path / "wheels", "walker", "1.0")
    index = make_index(tmp_path / "wheels")
    fail = faults.status(500)

    def slow_failure(handler: BaseHTTPRequestHandler, req: RecordedRequest, res: Any) -> None:
        time.sleep(0.5)
        fail(handler, req, res)

    rules = Faults().on("/simple/walker/$", faults.slow(0.5, before_headers=True))
    return rules.on("/simple/broken/$", slow_failure).install(index)


def test_a_page_asked_for_by_several_threads_at_once_is_fetched_once(
    slow_index: LocalIndex, tmp_path: Path
) -> None:
    policy, session = _policy(tmp_path / "cache")
    try:
        url = slow_index.url + "walker/"
        answers = _at_once(lambda: policy.get(url, ACCEPT_SIMPLE), threads=4)
    finally:
        session.close()
    assert len(slow_index.requests_to("/simple/walker/")) == 1
    entries = [a for a in answers if isinstance(a, CacheEntry)]
    assert len(entries) == 4
    assert {e.identity for e in entries} == {entries[0].identity}
    assert all(e.status == 200 and e.read_body() for e in entries)


def test_threads_waiting_for_a_failed_page_get_its_error(
    slow_index: LocalIndex, tmp_path: Path
) -> None:
    policy, session = _policy(tmp_path / "cache")
    url = slow_index.url + "broken/"
    try:
        answers = _at_once(lambda: policy.get(url, ACCEPT_SIMPLE), threads=3)
        # Nothing is left waiting: a later ask makes its own request.
        with pytest.raises(SourceError):
            policy.get(url, ACCEPT_SIMPLE)
    finally:
        session.close()
    assert len(answers) == 3
    assert all(isinstance(a, SourceError) and "HTTP 500" in str(a) for a in answers)
    # One for the three asking at once, one for the later ask.
    assert len(slow_index.requests_to("/simple/broken/")) == 2
