"""Any value in the `[tool.flet]` keys fletlint resolves per platform is read or refused with a
located InputError: never another exception (generated with hypothesis)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from fletlint.linter.findings import InputError
from fletlint.linter.sources.app_files import list_app_files
from fletlint.linter.sources.project import load_project
from fletlint.linter.targets import choose_python, flet_targets
from tests.flet_oracle.oracle import fake_venv

KEYS = [
    "target_arch", "source_packages", "dev_packages", "extract_packages", "dependencies",
    "app.exclude", "app.include", "app.default_excludes", "app.path",
]  # fmt: skip
TABLES = ["tool.flet", "tool.flet.android", "tool.flet.ios"]
VALUES = st.recursive(
    st.one_of(
        st.booleans(),
        st.integers(-3, 3),
        st.sampled_from(["", "arm64-v8a", "arm64", "iphoneos.arm64", "src", "a", "../x", "."]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["a", "b"]), inner, max_size=2)
    ),
    max_leaves=6,
)


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value)


@settings(max_examples=80, deadline=None)
@given(
    entries=st.lists(
        st.tuples(st.sampled_from(TABLES), st.sampled_from(KEYS), VALUES),
        max_size=5,
        unique_by=lambda e: (e[0], e[1]),
    ),
    version=st.sampled_from(["1.0.5", "0.86.5"]),
)
def test_any_flet_setting_is_read_or_a_located_error(
    entries: list[tuple[str, str, object]], version: str
) -> None:
    lines = ['[project]\nname = "app"']
    by_table: dict[str, list[str]] = {}
    for table, key, value in entries:
        head, _, leaf = key.rpartition(".")
        full = f"{table}.{head}" if head else table
        by_table.setdefault(full, []).append(f"{leaf} = {_toml(value)}")
    lines += [f"[{table}]\n" + "\n".join(body) for table, body in by_table.items()]
    with tempfile.TemporaryDirectory() as work:
        root = Path(work)
        (root / "pyproject.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (root / "main.py").write_text("import flet\n", encoding="utf-8")
        (root / "src").mkdir()
        try:
            spec = load_project(root, environ={"VIRTUAL_ENV": str(fake_venv(root, version))})
            row = choose_python(None, None, spec.flet_build.rules.python)
            flet_targets(
                row, target_arch=spec.flet.target_arch, target_arch_at=spec.flet.target_arch_at
            )
            for platform in ("android", "ios"):
                list_app_files(spec, platform)
        except InputError as exc:
            assert exc.location is not None, exc
