"""Big simple pages parsed in another process, while this one goes on resolving.

A cold check is bound by one interpreter lock, and reading the five pages over 1 MiB of the
example (pydantic-core's is 7 MB: 15,000 files) took 0.2 s of it, one of them on the way to
every phone's answer. `PageParser` sends a page of PARSE_ELSEWHERE_BYTES or more to a worker
process (this module run as a script), started when the first such page is read; smaller pages,
and every page while the worker is not there or has failed, are parsed here. The answer is the
same either way: the worker runs `pages.py`'s functions, and a page they refuse is refused with
the same words.

Frames both ways: an 8-byte big-endian length, then a pickle. Parent to worker:
`(number, kind, body, base)`; worker to parent: `(number, links)` or `(number, error, message)`.
"""

from __future__ import annotations

import itertools
import pickle
import struct
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout  # Python 3.10: not TimeoutError
from typing import IO, TYPE_CHECKING, Any

from fletlint.linter.index.pages import Link, PageShapeError, parse_html_page, parse_json_page
from fletlint.linter.interpreter import isolated_python

if TYPE_CHECKING:
    import subprocess

PARSE_ELSEWHERE_BYTES = 1 << 20
# A worker that has not answered a page within this many seconds is given up (the page is then
# parsed here); pages are at most 48 MiB (limits.py), which the worker parses in about 1 s.
_ANSWER_WITHIN = 60.0
_LENGTH = struct.Struct(">Q")
_PARSERS: dict[str, Callable[[bytes, str], list[Link]]] = {
    "json": parse_json_page,
    "html": parse_html_page,
}
_WORKER_MAIN = "from fletlint.linter.index.page_worker import serve; sys.exit(serve())"


class _Gone(Exception):
    """The worker cannot answer (it failed to start, died, or took too long)."""


class PageParser:
    """Parses simple pages for one index client; big ones in its worker process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._write = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._gone = False
        self._waiting: dict[int, Future[list[Link]]] = {}
        self._numbers = itertools.count()

    def parse(self, kind: str, body: bytes, base: str) -> list[Link]:
        """`kind` is "json" or "html". Raises ValueError (PageShapeError) as pages.py does."""
        local = _PARSERS[kind]
        if len(body) < PARSE_ELSEWHERE_BYTES:
            return local(body, base)
        answer = self._send(kind, body, base)
        if answer is None:
            return local(body, base)
        try:
            return answer.result(timeout=_ANSWER_WITHIN)
        except (_Gone, FutureTimeout):
            self._give_up()
            return local(body, base)

    def _send(self, kind: str, body: bytes, base: str) -> Future[list[Link]] | None:
        """The worker's answer to come, or None: parse it here (the first big page, while the
        worker starts, and every page once it is gone)."""
        with self._lock:
            if self._gone:
                return None
            process = self._process
            if process is None:
                self._start()
                return None
            number = next(self._numbers)
            answer: Future[list[Link]] = Future()
            self._waiting[number] = answer
        frame = pickle.dumps((number, kind, body, base), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            assert process.stdin is not None
            with self._write:
                process.stdin.write(_LENGTH.pack(len(frame)))
                process.stdin.write(frame)
                process.stdin.flush()
        except (OSError, ValueError):  # ValueError: a closed pipe
            self._give_up()
        return answer

    def _start(self) -> None:
        import subprocess

        try:
            self._process = subprocess.Popen(
                isolated_python(_WORKER_MAIN),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            self._gone = True
            return
        reader = threading.Thread(
            target=self._read, args=(self._process,), name="fletlint-page-worker", daemon=True
        )
        reader.start()

    def _read(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdout is not None
        try:
            while True:
                message = _read_frame(process.stdout)
                if message is None:
                    break
                number = message[0]
                with self._lock:
                    answer = self._waiting.pop(number, None)
                if answer is None:
                    continue
                if len(message) == 2:
                    answer.set_result(message[1])
                else:
                    error = PageShapeError if message[1] == "PageShapeError" else ValueError
                    answer.set_exception(error(message[2]))
        except Exception:  # a broken frame: the worker is not to be trusted any more
            pass
        self._give_up()

    def _give_up(self) -> None:
        with self._lock:
            self._gone = True
            waiting, self._waiting = self._waiting, {}
            process = self._process
        for answer in waiting.values():
            if not answer.done():
                answer.set_exception(_Gone())
        if process is not None and process.poll() is None:
            process.kill()

    def close(self) -> None:
        """Stop the worker (it ends when its input does)."""
        with self._lock:
            process, self._process = self._process, None
            self._gone = True
        if process is None:
            return
        try:
            assert process.stdin is not None
            process.stdin.close()
            process.wait(timeout=5)
        except Exception:  # already gone, or stuck: do not wait for it
            process.kill()
        if process.stdout is not None:
            process.stdout.close()


def _read_frame(stream: IO[bytes]) -> Any:
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (size,) = _LENGTH.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)


def serve() -> int:
    """The worker: answer each page frame on stdin until it ends."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        message = _read_frame(stdin)
        if message is None:
            return 0
        number, kind, body, base = message
        try:
            answer: tuple[Any, ...] = (number, _PARSERS[kind](body, base))
        except ValueError as exc:  # PageShapeError too
            answer = (number, type(exc).__name__, str(exc))
        frame = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        stdout.write(_LENGTH.pack(len(frame)))
        stdout.write(frame)
        stdout.flush()
