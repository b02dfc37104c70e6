"""The import scanner's worker process answers exactly as parsing here does (hand-made texts,
every fixture's Python files, generated texts), and a worker that fails costs nothing but time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fletlint.linter.sources import imports as imports_module
from fletlint.linter.sources.imports import ImportScan, ImportScanner

FIXTURES = Path(__file__).parent.parent / "fixtures"

TEXTS = {
    "plain.py": "import os, yaml.constructor as yc\nfrom google.protobuf import message\n",
    "guarded.py": (
        "try:\n    import ujson as json\nexcept ImportError:\n    import json\n"
        "import sys\nif sys.platform == 'android':\n    import jnius\n"
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import numpy\n"
    ),
    "relative.py": "from . import sibling\nfrom .pkg import thing\nimport requests\n",
    "broken.py": "import os\ndef f(:\n    pass\n",
    "unicode.py": "# ünïcödé\nimport émoji_pkg\nname = '😀'\n",
    "surrogate.py": "x = '\udc80'\nimport requests\n",
    "deep.py": "x = " + "(" * 300 + ")" * 300 + "\nimport numpy\n",
    "empty.py": "",
    "tabs.py": "if True:\n\timport a\n        import b\n",
}


def _write(folder: Path, texts: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_bytes(text.encode("utf-8", "surrogatepass"))
    return folder


def _both(folder: Path) -> tuple[ImportScan, ImportScan, int]:
    """The scan by a worker and the scan here, and how many workers ran and answered."""
    answered = []
    real_result = imports_module._Worker.result

    def counting_result(worker: Any) -> Any:
        answer = real_result(worker)
        if answer is not None:
            answered.append(answer)
        return answer

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(imports_module._Worker, "result", counting_result)
        # The worker is for a process without libcst: as if it were not imported yet.
        patch.delitem(sys.modules, "libcst", raising=False)
        by_worker = ImportScanner(None, worker=True).scan(folder)
    here = ImportScanner(None).scan(folder)
    return by_worker, here, len(answered)


def test_the_worker_answers_as_parsing_here_does(tmp_path: Path) -> None:
    by_worker, here, workers = _both(_write(tmp_path / "app", TEXTS))
    assert workers == 1
    assert by_worker == here
    assert {p.location.path.rsplit("/", 1)[-1] for p in here.problems} >= {"broken.py"}
    assert "requests" in {i.module for i in here.imports}


def test_the_worker_answers_as_parsing_here_does_on_every_fixture(tmp_path: Path) -> None:
    texts = {
        f"{i}_{path.name}": path.read_text("utf-8")
        for i, path in enumerate(sorted(FIXTURES.rglob("*.py")))
    }
    assert texts  # the fixtures have Python files to compare on
    by_worker, here, workers = _both(_write(tmp_path / "app", texts))
    assert workers == 1
    assert by_worker == here
    assert here.imports


_LINES = st.sampled_from(
    [
        "import os",
        "import a.b.c as d",
        "from x import (y,\n    z)",
        "from . import q",
        "try:\n    import fast\nexcept ImportError:\n    fast = None",
        "if sys.platform == 'ios':\n    import objc",
        "def f():\n    import inner\n    return inner",
        "x = (",
        "\tbad indent",
        "s = '''unterminated",
        "print('é😀')",
        "class C:\n    import k",
        "",
    ]
)


@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(files=st.lists(st.lists(_LINES, max_size=8), min_size=1, max_size=12))
def test_the_worker_answers_as_parsing_here_does_on_generated_files(
    tmp_path_factory: pytest.TempPathFactory, files: list[list[str]]
) -> None:
    folder = tmp_path_factory.mktemp("generated")
    texts = {f"m{i}.py": "\n".join(lines) + "\n" for i, lines in enumerate(files)}
    by_worker, here, workers = _both(_write(folder, texts))
    assert workers == 1
    assert by_worker == here


def test_a_failing_worker_leaves_the_parse_to_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _write(tmp_path / "app", TEXTS)
    here = ImportScanner(None).scan(folder)
    for broken in ("/nonexistent/python", sys.executable + "-missing"):
        monkeypatch.setattr(sys, "executable", broken)
        monkeypatch.delitem(sys.modules, "libcst", raising=False)
        assert ImportScanner(None, worker=True).scan(folder) == here
    # A worker that runs but answers nothing usable (exit 1: `false`).
    monkeypatch.setattr(sys, "executable", "/bin/false")
    monkeypatch.delitem(sys.modules, "libcst", raising=False)
    assert ImportScanner(None, worker=True).scan(folder) == here


def test_a_scan_with_libcst_already_here_runs_no_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import libcst  # noqa: F401  (what a language server has after its first check)

    started: list[object] = []

    def no_process(*args: Any, **kwargs: Any) -> Any:
        started.append(args)  # recorded: an exception here would die unseen in the worker thread
        raise OSError("no worker should start")

    monkeypatch.setattr(subprocess, "run", no_process)
    scan = ImportScanner(None, worker=True).scan(_write(tmp_path / "app", TEXTS))
    assert started == []
    assert "requests" in {i.module for i in scan.imports}
