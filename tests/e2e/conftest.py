"""Prints where the editor e2e left its screenshots, at the end of the run (pytest captures the
test's own output when it passes)."""

from __future__ import annotations

import time

import pytest

from tests.e2e.test_vscode import ARTIFACTS

_STARTED = time.time()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    shots = sorted(p for p in ARTIFACTS.glob("*.png") if p.stat().st_mtime >= _STARTED)
    if shots:
        terminalreporter.write_sep("-", "editor e2e screenshots")
        for shot in shots:
            terminalreporter.write_line(str(shot))
