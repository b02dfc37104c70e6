"""The stored report's key and codec, without an index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fletlint.linter.findings import (
    Applicability,
    ChainLink,
    Edit,
    Finding,
    Fix,
    Location,
    PackageSubject,
    Severity,
    VersionChange,
)
from fletlint.linter.observed import code_files, installed_packages
from fletlint.linter.report_store import (
    ReportStore,
    _decode,
    _encode,
    _text_digest,
    canonical,
)
from fletlint.linter.storage import mark_used

_KEY_SCRIPT = """
import sys
from pathlib import Path
from fletlint.linter.engine import Settings
from fletlint.linter.report_store import report_inputs
from fletlint.linter.sources.project import load_project

root = Path(sys.argv[1])
project = load_project(root)
inputs = report_inputs(
    path=root, root=project.root, settings=Settings(targets=("android", "ios")), environ={},
    pip=None, project=project, python_full="3.12.12", targets=(), sources=(),
    constraints={}, files=[*project.files], texts=None,
)
print(inputs.slot, inputs.key)
"""


def test_the_key_does_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    """Each CLI run is a new process with its own hash seed: sets must not order the key."""
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "app"\ndependencies = ["anyio", "numpy", "pydantic"]\n'
        '[tool.flet.android]\nsource_packages = ["numpy", "pydantic-core", "anyio", "six"]\n'
    )
    keys = set()
    for seed in ("1", "2", "3"):
        done = subprocess.run(
            [sys.executable, "-c", _KEY_SCRIPT, str(tmp_path)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        keys.add(done.stdout.strip())
    assert len(keys) == 1, keys
    assert all(len(part) == 64 for part in keys.pop().split())


def test_canonical_refuses_what_it_cannot_write() -> None:
    assert canonical({"b": frozenset({"y", "x"}), "a": (Path("p"),)}) == [
        "map",
        [["a", [["PosixPath", "p"]]], ["b", ["set", ["x", "y"]]]],
    ]
    with pytest.raises(TypeError):
        canonical(object())


def test_findings_round_trip_through_json() -> None:
    at = Location("requirements.txt", 2, 1, 2, 17)
    finding = Finding(
        code="FL001",
        severity=Severity.ERROR,
        message="pydantic-core has no wheel",
        location=at,
        package="pydantic-core",
        version="2.41.5",
        targets=("android_24_arm64_v8a",),
        chain=(ChainLink("pydantic", "pydantic==2.12.5"), ChainLink("pydantic-core", "x", "2")),
        fixes=(Fix("pin", (Edit(at, "pydantic==2.11.7"),), Applicability.UNSAFE, alone=True),),
        notes=("a note",),
        subject=PackageSubject(
            "pydantic-core", "2.41.5", phone_gets=(VersionChange("a", "1", None),)
        ),
    )
    data = json.loads(json.dumps(_encode(finding)))
    assert _decode(data, Finding) == finding


@pytest.mark.parametrize(
    "change",
    [
        {"severity": "fatal"},
        {"targets": "android"},
        {
            "location": {
                "path": "r.txt",
                "line": True,
                "column": 1,
                "end_line": None,
                "end_column": None,
            }
        },
        {"location": {"path": "r.txt", "line": 1}},
        {"fixes": [{"title": "t", "edits": [], "applicability": "safe", "alone": 0}]},
        {"chain": [["a", "b", None, "extra"]]},
        {"__class__": "x"},
    ],
)
def test_a_finding_of_another_shape_does_not_decode(change: dict[str, object]) -> None:
    finding = Finding("FL006", Severity.WARNING, "m", Location("r.txt", 1))
    data = {**_encode(finding), **change}
    with pytest.raises((TypeError, ValueError)):
        _decode(data, Finding)


def test_installed_packages_names_distribution_folders(tmp_path: Path) -> None:
    (tmp_path / "anyio-4.9.0.dist-info").mkdir()
    (tmp_path / "anyio").mkdir()
    (tmp_path / "old.egg-info").mkdir()
    found = installed_packages([str(tmp_path), str(tmp_path / "missing"), str(tmp_path / "x.zip")])
    assert [name for _, name, _ in found] == ["anyio-4.9.0.dist-info", "old.egg-info"]


def test_code_files_change_with_any_file_of_the_package(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "fl001.py").write_text("A = 1\n")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "x.pyc").write_bytes(b"\0")
    before = code_files(tmp_path)
    assert [path for path, _, _ in before] == ["rules/fl001.py"]
    (tmp_path / "rules" / "fl001.py").write_text("A = 22\n")
    assert code_files(tmp_path) != before


def test_prune_removes_reports_unused_for_a_month(tmp_path: Path) -> None:
    store = ReportStore(tmp_path)
    old, recent, used = (tmp_path / f"{n}.json" for n in ("old", "recent", "used"))
    for path in (old, recent, used):
        path.write_text("{}")
    long_ago = time.time() - 60 * 86400
    os.utime(old, (long_ago, long_ago))
    os.utime(used, (long_ago, long_ago))
    mark_used(used)  # read back by a check: in use again
    store.prune()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["recent.json", "used.json"]
    ReportStore(tmp_path / "missing").prune()  # no folder yet: nothing to do, no error


def test_a_file_that_is_not_a_regular_file_is_never_read(tmp_path: Path) -> None:
    """A FIFO would block a plain read and /dev/zero would never end: both are refused."""
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "zero.py").symlink_to("/dev/zero")
    (tmp_path / "main.py").write_text("import anyio\n")
    digests = {
        n: _text_digest(tmp_path / n, {}) for n in ("pipe.py", "zero.py", "main.py", "no.py")
    }
    assert str(digests["pipe.py"]).startswith("unreadable: ")
    assert str(digests["zero.py"]).startswith("unreadable: ")
    assert digests["main.py"] == _text_digest(tmp_path / "main.py", {})
    assert digests["main.py"] == _text_digest(tmp_path / "x", {tmp_path / "x": "import anyio\n"})
    assert digests["no.py"] is None
