"""Generated pyproject.toml variants (hypothesis) read by flet-cli 1.0.5 and by fletlint.

Each setting flet build resolves per platform is absent, empty or set, globally and per platform;
the dependency lists are present or not, with or without requirements.txt; `requires-python` is
drawn from specifiers around the table's full versions. flet-cli runs in this process (it is the
installed release), so a hundred projects cost seconds.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from packaging.version import Version

from fletlint.linter.flet_model import rules_for
from tests.flet_oracle.oracle import (
    fake_venv,
    flet_facts,
    fletlint_facts,
    manifest_for,
    write_tree,
)
from tests.flet_oracle.run_flet_cli import run_case

LISTS = {
    "source_packages": ["a", "Some_Pkg"],
    "target_arch": ["arm64-v8a", "x86_64"],
    "extract_packages": ["sklearn", "cv2"],
}
SPECIFIERS = [
    ">=3.10", "<3.13", "<3.14.3", "!=3.14.6", "==3.14.*", "==3.14", ">=3.15", "~=3.12.0",
    ">=3.13,<3.14", "==3.13.14", ">3.14.6", "<=3.12.13",
]  # fmt: skip


def _toml_value(value: Any) -> str:
    return json.dumps(value)


@st.composite
def projects(draw: st.DrawFn) -> dict[str, str]:
    lines = ['[project]\nname = "app"']
    if draw(st.booleans()):
        lines.append(f"requires-python = {_toml_value(draw(st.sampled_from(SPECIFIERS)))}")
    if draw(st.booleans()):
        deps = draw(
            st.lists(st.sampled_from(["flet", "requests>=2", "mylib", "numpy<3"]), unique=True)
        )
        lines.append(f"dependencies = {_toml_value(deps)}")
    tables: dict[str, list[str]] = {"tool.flet": [], "tool.flet.android": [], "tool.flet.ios": []}
    for table in tables:
        for key, values in LISTS.items():
            choice = draw(st.sampled_from(["absent", "empty", "set"]))
            if choice != "absent":
                tables[table].append(f"{key} = {_toml_value(values if choice == 'set' else [])}")
        dev = draw(st.sampled_from(["absent", "empty", "set"]))
        if dev != "absent":
            inner = '{ mylib = "../mylib" }' if dev == "set" else "{}"
            tables[table].append(f"dev_packages = {inner}")
        if table != "tool.flet" and draw(st.booleans()):
            tables[table].append('dependencies = ["pyjnius"]')
    for table, entries in tables.items():
        if entries:
            lines.append(f"[{table}]\n" + "\n".join(entries))
    files = {"pyproject.toml": "\n".join(lines) + "\n", "main.py": "import flet\n"}
    if draw(st.booleans()):
        files["requirements.txt"] = "flet\nrequests\n"
    return files


@contextlib.contextmanager
def manifest_env(folder: Path) -> Iterator[None]:
    manifest = folder / "manifest.json"
    manifest.write_text(json.dumps(manifest_for(rules_for(Version("1.0.5")).python)), "utf-8")
    saved = {k: os.environ.get(k) for k in ("FLET_PYTHON_BUILD_MANIFEST", "FLET_CACHE_DIR")}
    os.environ["FLET_PYTHON_BUILD_MANIFEST"] = str(manifest)
    os.environ["FLET_CACHE_DIR"] = str(folder)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=projects(), platform=st.sampled_from(["android", "ios"]))
def test_generated_project_is_read_as_flet_cli_1_0_5_reads_it(
    files: dict[str, str], platform: str
) -> None:
    with tempfile.TemporaryDirectory() as work:
        base = Path(work)
        root = write_tree(base / "app", files)
        venv = fake_venv(base, "1.0.5")
        ours = fletlint_facts(root, platform, "1.0.5", venv=venv)
        with manifest_env(base), contextlib.redirect_stdout(None):
            raw = run_case({"name": "generated", "project": str(root), "platform": platform})
        assert ours == flet_facts(raw, "1.0.5"), files["pyproject.toml"]
