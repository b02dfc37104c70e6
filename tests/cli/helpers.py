"""Running the real CLI in-process against the local indexes, and the projects it runs on."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from fletlint.cli import main
from tests.support.index_server import LocalIndex

# One folder per fix case: the project (`input/`) and the files `--fix` must leave (`expected/`).
FIX_CASES = Path(__file__).resolve().parents[1] / "fixtures" / "fixes"


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    def codes(self) -> list[str]:
        return [f["code"] for f in self.json()["findings"]]

    def finding(self, code: str, package: str | None = None) -> dict[str, Any]:
        for f in self.json()["findings"]:
            if f["code"] == code and (package is None or f["package"] == package):
                return dict(f)
        raise AssertionError(f"no {code} {package or ''} in {self.codes()}: {self.out}")

    def findings_with(self, code: str) -> list[dict[str, Any]]:
        return [dict(f) for f in self.json()["findings"] if f["code"] == code]

    def packages(self) -> dict[str, str]:
        """What the first target installs: name → version."""
        return dict(self.json()["targets"][0]["packages"])

    def first_fix(self, code: str, package: str, title: str) -> dict[str, Any]:
        """The first fix of finding `code` on `package`, which must exist and start with `title`."""
        fixes = self.finding(code, package)["fixes"]
        assert fixes and fixes[0]["title"].startswith(title), fixes or self.out
        return dict(fixes[0])


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> Run:
    """`fletlint <argv>` in this process: its exit code and what it printed."""
    code = main(list(argv))
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def index_args(pypi: LocalIndex | str, flet: LocalIndex | None) -> list[str]:
    """The index options; `pypi` may be a URL as given (with credentials in it, say)."""
    args = ["--index-url", pypi if isinstance(pypi, str) else pypi.url]
    args += ["--flet-index-url", flet.url] if flet is not None else ["--no-flet-index"]
    return args


def check(
    capsys: pytest.CaptureFixture[str],
    project: Path,
    pypi: LocalIndex | str,
    flet: LocalIndex | None,
    *extra: str,
    fmt: str = "json",
) -> Run:
    return run_cli(capsys, "check", str(project), "--format", fmt, *index_args(pypi, flet), *extra)


def project(tmp_path: Path, requirements: str, **files: str) -> Path:
    """A project in `tmp_path` (made if missing): requirements.txt, and files named `main__py`."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "requirements.txt").write_text(requirements)
    for name, text in files.items():
        (tmp_path / name.replace("__", ".")).write_text(text)
    return tmp_path


def fix_case(case: str, tmp_path: Path) -> Path:
    """A copy of the project of fix case `case` (its `input/`) in `tmp_path/app`."""
    return Path(shutil.copytree(FIX_CASES / case / "input", tmp_path / "app"))


def not_as_expected(case: str, app: Path) -> list[str]:
    """The files of fix case `case`'s `expected/` that `app` does not hold byte for byte."""
    expected = FIX_CASES / case / "expected"
    wanted = {p.relative_to(expected): p.read_bytes() for p in expected.rglob("*") if p.is_file()}
    assert wanted, f"fix case {case} expects no file"
    return sorted(
        str(name)
        for name, data in wanted.items()
        if not (app / name).is_file() or (app / name).read_bytes() != data
    )
