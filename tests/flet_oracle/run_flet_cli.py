"""Run flet-cli's own code on fixture projects; print what `flet build` would hand serious_python.

Run as a script in a subprocess (`python run_flet_cli.py cases.json out.json`), so that another
flet-cli release can be put first on PYTHONPATH (two releases of one package cannot share a
virtual environment). For each case it calls, on a stub command object:
- `BaseBuildCommand.package_python_app` with `run` captured: the `-r` values (the dependency
  list), `--exclude` values (the app's files), `--arch`, and the environment
  (`SERIOUS_PYTHON_ALLOW_SOURCE_DISTRIBUTIONS`);
- `get_platform_setting` for `target_arch`, `dev_packages`, `extract_packages`;
- `resolve_python_version` against a manifest built from fletlint's table
  (`FLET_PYTHON_BUILD_MANIFEST`).
Nothing is written outside each case's own folder (flet's hash stamp goes to its build/).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any


def _options() -> argparse.Namespace:
    return argparse.Namespace(
        exclude=None,
        include=None,
        default_excludes=None,
        source_packages=None,
        android_extract_packages=None,
        compile_app=None,
        compile_packages=None,
        cleanup_app=None,
        cleanup_packages=None,
        cleanup_app_files=None,
        cleanup_package_files=None,
        swift_package_manager=None,
    )


def platform_setting(cmd: Any, key: str, default: Any = None) -> Any:
    """`get_platform_setting` (1.0); 0.86.5 writes `platform or global` inline at each use."""
    if hasattr(cmd, "get_platform_setting"):
        return cmd.get_platform_setting(key, default)
    return (
        cmd.get_pyproject(f"tool.flet.{cmd.config_platform}.{key}")
        or cmd.get_pyproject(f"tool.flet.{key}")
        or default
    )


def run_case(case: dict[str, Any]) -> dict[str, Any]:
    # flet-cli ships no type information.
    from flet_cli.commands.build_base import BaseBuildCommand  # type: ignore[import-untyped]
    from flet_cli.utils.pyproject_toml import load_pyproject_toml  # type: ignore[import-untyped]
    from flet_cli.utils.python_versions import (  # type: ignore[import-untyped]
        UnsupportedPythonVersionError,
        _load_data,
        resolve_python_version,
    )

    _load_data.cache_clear()
    project = Path(case["project"]).resolve()
    platform = case["platform"]
    cmd: Any = object.__new__(BaseBuildCommand)
    cmd.get_pyproject = load_pyproject_toml(project)
    cmd.config_platform = platform
    cmd.package_platform = {"android": "Android", "ios": "iOS"}[platform]
    cmd.target_platform = {"android": "apk", "ios": "ipa"}[platform]
    cmd.options = _options()
    cmd.verbose = 0
    cmd.python_app_path = project
    app_path = cmd.get_pyproject("tool.flet.app.path")
    cmd.package_app_path = project.joinpath(app_path) if app_path else project
    cmd.build_dir = project / "build"
    cmd.flutter_dir = project / "build" / "flutter"
    cmd.flutter_packages_dir = project / "build" / "flutter-packages"
    cmd.flutter_packages_temp_dir = project / "build" / "flutter-packages-temp"
    cmd.template_data = {"options": {"target_arch": []}, "bundle_id": None}
    cmd.dart_exe = "dart"
    cmd.emojis = {"checkmark": ""}
    cmd.update_status = lambda *args, **kwargs: None

    def cleanup(code: int, message: str = "") -> None:
        raise SystemExit(f"flet build stopped ({code}): {message}")

    cmd.cleanup = cleanup
    result: dict[str, Any] = {"name": case["name"], "platform": platform}
    try:
        release = resolve_python_version(case.get("python_version"), cmd.get_pyproject)
        result["python"] = release.short
        result["python_full"] = release.standalone
    except UnsupportedPythonVersionError as exc:
        result["python_error"] = str(exc)
        release = None
    cmd.python_release = release or SimpleNamespace(short="3.14", android_abis=())
    captured: dict[str, Any] = {}

    def run(args: list[str], cwd: str, env: dict[str, str], capture_output: bool) -> Any:
        captured["args"] = list(args)
        captured["env"] = dict(env)
        (project / "build" / "python-app").mkdir(parents=True, exist_ok=True)
        return SimpleNamespace(returncode=0, stdout="", stderr="")

    cmd.run = run
    (project / "build" / "flutter").mkdir(parents=True, exist_ok=True)
    cmd.package_python_app()
    args: list[str] = captured["args"]
    pairs = list(itertools.pairwise(args))
    result["requirements"] = [value for flag, value in pairs if flag == "-r" and value != "-r"]
    result["excludes"] = [value for flag, value in pairs if flag == "--exclude"]
    result["source_packages"] = captured["env"].get("SERIOUS_PYTHON_ALLOW_SOURCE_DISTRIBUTIONS")
    result["target_arch"] = platform_setting(cmd, "target_arch")
    result["dev_packages"] = platform_setting(cmd, "dev_packages", {})
    result["extract_packages"] = platform_setting(cmd, "extract_packages", [])
    result["app_root"] = str(cmd.package_app_path)
    return result


def main() -> None:
    cases_path, out_path = sys.argv[1], sys.argv[2]
    cases = json.loads(Path(cases_path).read_text("utf-8"))
    import flet_cli.commands.build_base as build_base  # type: ignore[import-untyped]

    results = {"flet_cli_file": build_base.__file__, "cases": [run_case(c) for c in cases]}
    Path(out_path).write_text(json.dumps(results), "utf-8")


if __name__ == "__main__":
    main()
