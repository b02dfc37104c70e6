"""The command line's output: stdout for results, stderr for messages and progress.

Machine formats (json, sarif, github), diffs and messages are plain writes: rich costs start-up
time (it is most of a warm `--format json` run's imports) and is loaded only when something is
drawn for a person, i.e. the text report, a rule's docs and the spinner beside them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from rich.console import Console

# What rich's Text drops from a plain message (BEL, BS, VT, FF, CR): messages read as before.
_CONTROL_CODES = dict.fromkeys((7, 8, 11, 12, 13))


class Progress(Protocol):
    def update(self, message: str) -> None: ...


class _NoProgress:
    def update(self, message: str) -> None:
        pass


class _LineProgress:
    """One status line on a terminal's stderr, redrawn in place, without rich."""

    def update(self, message: str) -> None:
        sys.stderr.write("\r\x1b[2K" + message.translate(_CONTROL_CODES))
        sys.stderr.flush()

    def clear(self) -> None:
        sys.stderr.write("\r\x1b[2K")
        sys.stderr.flush()


class Streams:
    """stdout and stderr of one command: plain writes, or a rich Console made on first use."""

    def __init__(self) -> None:
        self._console: Console | None = None
        self._err_console: Console | None = None

    def write(self, text: str) -> None:
        """Text as it is (a machine format, a diff) on stdout."""
        sys.stdout.write(text)
        sys.stdout.flush()

    def tell(self, line: str) -> None:
        """One plain line on stdout."""
        sys.stdout.write(line.translate(_CONTROL_CODES) + "\n")

    def say(self, line: str) -> None:
        """One plain line on stderr, never wrapped: a long `path:line:col` stays linkable."""
        sys.stderr.write(line.translate(_CONTROL_CODES) + "\n")
        sys.stderr.flush()

    @property
    def console(self) -> Console:
        """A rich Console on stdout, for what is drawn: the text report, a rule's docs."""
        if self._console is None:
            from rich.console import Console

            # Piped output is read by tools and CI logs: lines are not wrapped at 80 columns there.
            self._console = Console(highlight=False, width=None if sys.stdout.isatty() else 200)
        return self._console

    def _err(self) -> Console:
        if self._err_console is None:
            from rich.console import Console

            self._err_console = Console(stderr=True, highlight=False)
        return self._err_console

    @contextmanager
    def progress(self, message: str, *, drawn: bool) -> Iterator[Progress]:
        """A status line while work runs, on a terminal's stderr only. `drawn`: rich's spinner
        (its output is drawn with rich anyway); otherwise a plain line, and no rich."""
        if not sys.stderr.isatty():
            yield _NoProgress()
        elif drawn and self._err().is_terminal:
            with self._err().status(message) as status:
                yield status
        else:
            line = _LineProgress()
            line.update(message)
            try:
                yield line
            finally:
                line.clear()
