"""Both sides of the flet-cli oracle: what flet-cli's own code hands serious_python for a project,
and the same facts as fletlint reads them, in one comparable shape.

flet-cli 1.0.5 is a test dependency (installed); 0.86.5 is unpacked beside the environment by
`unpack_flet_cli.py` and run in a subprocess with its folder first on PYTHONPATH.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from fletlint.linter.findings import InputError
from fletlint.linter.flet_model import rules_for
from fletlint.linter.flet_model.python_tables import PythonTable
from fletlint.linter.sources.app_files import app_excludes, app_root, list_app_files
from fletlint.linter.sources.project import load_project
from fletlint.linter.targets import choose_python

RUNNER = Path(__file__).with_name("run_flet_cli.py")
VERSIONS = ("1.0.5", "0.86.5")
PLATFORMS = ("android", "ios")
UNPACKED_086 = Path(sys.prefix) / "flet-cli-0.86.5"

Facts = dict[str, Any]


def manifest_for(table: PythonTable) -> dict[str, Any]:
    """A python-build manifest.json holding fletlint's table, for `FLET_PYTHON_BUILD_MANIFEST`."""
    return {
        "pythons": {
            row.short: {
                "full_version": row.full,
                "pyodide_version": "0",
                "android_abis": list(row.android_abis),
                "prerelease": row.prerelease,
            }
            for row in table.rows
        },
        "default_python_version": table.default,
    }


def write_tree(root: Path, files: Mapping[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def fake_venv(base: Path, version: str) -> Path:
    """A virtual environment holding flet-cli `version`, as `VIRTUAL_ENV` points at one."""
    venv = base / f"venv-flet-cli-{version}"
    site = venv / "lib" / "python3.11" / "site-packages" / f"flet_cli-{version}.dist-info"
    site.mkdir(parents=True, exist_ok=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n", encoding="utf-8")
    return venv


def run_flet_cli(version: str, cases: Sequence[Mapping[str, Any]], work: Path) -> list[Facts]:
    """flet-cli `version`'s own code on each case (`name`, `project`, `platform`)."""
    work.mkdir(parents=True, exist_ok=True)
    manifest = work / f"manifest-{version}.json"
    manifest.write_text(json.dumps(manifest_for(rules_for(Version(version)).python)), "utf-8")
    cases_path, out_path = work / f"cases-{version}.json", work / f"out-{version}.json"
    cases_path.write_text(json.dumps(list(cases)), "utf-8")
    env = {**os.environ, "FLET_PYTHON_BUILD_MANIFEST": str(manifest), "FLET_CACHE_DIR": str(work)}
    env.pop("PYTHONPATH", None)
    if version != "1.0.5":
        if not (UNPACKED_086 / "flet_cli" / "commands" / "build_base.py").is_file():
            raise AssertionError(
                f"flet-cli {version} is not unpacked at {UNPACKED_086}: run "
                "`.venv/bin/python tests/flet_oracle/unpack_flet_cli.py` (as .ci/run does)"
            )
        env["PYTHONPATH"] = str(UNPACKED_086)
    done = subprocess.run(
        [sys.executable, str(RUNNER), str(cases_path), str(out_path)],
        env=env,
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(out_path.read_text("utf-8"))
    expected_home = UNPACKED_086 if version != "1.0.5" else None
    if expected_home is not None:
        assert result["flet_cli_file"].startswith(str(expected_home)), result["flet_cli_file"]
    cases_out: list[Facts] = result["cases"]
    return cases_out


def _norm_requirement(text: str) -> str:
    try:
        return str(Requirement(text))
    except InvalidRequirement:
        return text.replace(" ", "")


def flet_facts(raw: Facts, version: str) -> Facts:
    """flet-cli's answers in the comparable shape."""
    project = Path(raw["app_root"])
    requirements: list[str] = []
    dev: set[str] = set()
    for entry in raw["requirements"]:
        if entry == "--no-cache-dir":
            continue
        if entry.endswith("requirements.txt") and Path(entry).is_file():
            lines = Path(entry).read_text("utf-8").splitlines()
            requirements += [f"txt:{_norm_requirement(x)}" for x in lines if x.strip()]
            continue
        if " @ " in entry and entry.split(" @ ")[0].strip().isidentifier():
            dev.add(entry.split(" @ ")[0].strip())
            continue
        requirements.append(_norm_requirement(entry))
    excludes: list[str] = []
    for value in raw["excludes"]:
        # 0.86.5 sends one comma-joined --exclude, which serious_python 4.x splits.
        excludes += value.split(",") if version.startswith("0.") else [value]
    arch = raw["target_arch"]
    arch_list = [arch] if isinstance(arch, str) else list(arch or [])
    sdists = raw["source_packages"]
    return {
        "python": raw.get("python"),
        "python_full": raw.get("python_full"),
        "python_error": "python_error" in raw,
        "requirements": sorted(requirements),
        "dev_replaced": sorted(dev),
        "source_packages": sorted(
            {str(canonicalize_name(p)) for p in sdists.split(",")} if sdists else set()
        ),
        "target_arch": arch_list,
        "excludes": excludes,
        "extract_packages": list(raw["extract_packages"]) if raw["platform"] == "android" else [],
        "app_root": str(project),
        "app_files": sorted(copied_files(project, excludes)),
    }


def copied_files(app_root: Path, excludes: Sequence[str]) -> list[str]:
    """serious_python's `copyDirectory` (bin/package_command.dart): every entry whose path
    relative to the app folder is not exactly in the exclude list, links followed."""
    excluded = {e.strip() for e in excludes}
    found: list[str] = []

    def walk(folder: Path) -> None:
        for entry in sorted(folder.iterdir()):
            rel = entry.relative_to(app_root).as_posix()
            if rel in excluded:
                continue
            if entry.is_dir():
                walk(entry)
            elif entry.is_file():
                found.append(rel)

    if app_root.is_dir():
        walk(app_root)
    return found


def fletlint_facts(
    project: Path, platform: str, version: str, *, venv: Path, python_version: str | None = None
) -> Facts:
    """fletlint's reading of the same project, as flet-cli `version` (installed in `venv`)."""
    spec = load_project(project, environ={"VIRTUAL_ENV": str(venv)})
    assert spec.flet_build.version == Version(version)
    rules = spec.flet_build.rules
    requirements: list[str] = []
    dev: list[str] = []
    for declared in spec.requirements:
        if declared.platform not in (None, platform):
            continue
        if (declared.uncheckable_reason or "").startswith("replaced by dev_packages"):
            dev.append(Requirement(declared.text).name)
            continue
        prefix = "txt:" if declared.origin == "requirements.txt" else ""
        requirements.append(prefix + _norm_requirement(declared.text))
    facts: Facts = {
        "requirements": sorted(requirements),
        "dev_replaced": sorted(dev),
        "source_packages": sorted(spec.flet.source_packages.get(platform, frozenset())),
        "target_arch": list(spec.flet.target_arch.get(platform, ())),
        "extract_packages": list(spec.flet.extract_packages) if platform == "android" else [],
    }
    try:
        row = choose_python(
            python_version, spec.requires_python, rules.python, spec.requires_python_at
        )
        facts.update(python=row.short, python_full=row.full, python_error=False)
    except InputError:
        facts.update(python=None, python_full=None, python_error=True)
    root = app_root(spec)
    facts["app_root"] = str(root)
    facts["excludes"] = app_excludes(root, spec, platform, rules)
    facts["app_files"] = sorted(list_app_files(spec, platform).relative())
    return facts
