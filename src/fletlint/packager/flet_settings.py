"""The `[tool.flet]` settings of `flet build`'s package step that decide what the bundle holds,
read as flet-cli 1.0.5 reads them (`build_base.py` `package_python_app`, `get_platform_setting`).

`[tool.flet.<platform>].<key>` wins whenever it is present, even when empty; then
`[tool.flet].<key>`; then Flet's default. `app.path` and `app.module` are read globally only.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fletlint.packager.errors import BuildError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

# `flet build` target → the `[tool.flet.<platform>]` table and serious_python's --platform.
CONFIG_PLATFORM = {"android": "android", "ios": "ios", "web": "web"}
PACKAGE_PLATFORM = {"android": "Android", "ios": "iOS", "web": "Emscripten"}


@dataclass(frozen=True)
class PackageSettings:
    """What serious_python's `package` is told for one platform."""

    platform: str  # "android" | "ios" | "web"
    project_dir: Path  # where pyproject.toml is (flet build's PATH)
    app_dir: Path  # project_dir / [tool.flet.app].path
    module: str  # the entry module's file name, "main.py"
    exclude: tuple[str, ...]  # the explicit excludes: "build", app.exclude (+ "assets" on web)
    include: tuple[str, ...]
    default_excludes: bool
    compile_app: bool
    compile_packages: bool
    cleanup_app: bool
    cleanup_packages: bool
    cleanup_app_files: tuple[str, ...]
    cleanup_package_files: tuple[str, ...]


def _lookup(data: dict[str, Any], dotted: str) -> Any:
    node: Any = data
    for key in dotted.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(key)
        if node is None:
            return None
    return node


def _strings(value: Any, where: str, *, split_commas: bool = False) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        parts = value.split(",") if split_commas else [value]
        return tuple(p.strip() for p in parts if p.strip())
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(v.strip() for v in value if v.strip())
    raise BuildError(f"{where} must be a string or a list of strings")


def _bool(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    raise BuildError(f"{where} must be true or false")


def read_package_settings(project_dir: Path, platform: str) -> PackageSettings:
    """The package step's settings for `platform`; raises BuildError on a wrong type or a
    missing app folder or entry module, as `flet build` stops on them."""
    pyproject = project_dir / "pyproject.toml"
    data: dict[str, Any] = {}
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise BuildError(f"{pyproject}: cannot read it: {exc}") from exc
    config = CONFIG_PLATFORM[platform]

    def setting(key: str) -> tuple[Any, str]:
        for dotted in (f"tool.flet.{config}.{key}", f"tool.flet.{key}"):
            value = _lookup(data, dotted)
            if value is not None:
                return (
                    value,
                    f"{pyproject.name} [{dotted.rsplit('.', 1)[0]}] {dotted.rsplit('.', 1)[1]}",
                )
        return None, key

    def flag(key: str, default: bool) -> bool:
        value, where = setting(key)
        return default if value is None else _bool(value, where)

    app_path = _lookup(data, "tool.flet.app.path")
    app_dir = project_dir / app_path if isinstance(app_path, str) and app_path else project_dir
    module = _lookup(data, "tool.flet.app.module")
    module_file = f"{Path(module).stem if isinstance(module, str) and module else 'main'}.py"
    if not app_dir.is_dir():
        raise BuildError(f"{app_dir}: the app folder ([tool.flet.app] path) does not exist")
    if not (app_dir / module_file).exists():
        raise BuildError(
            f"{module_file} not found in the root of the Flet app folder {app_dir} "
            "(set [tool.flet.app] module)"
        )

    exclude = _strings(*setting("app.exclude"))
    explicit = ("build", *exclude, *(("assets",) if platform == "web" else ()))
    app_files = _strings(*setting("cleanup.app_files"), split_commas=True)
    package_files = _strings(*setting("cleanup.package_files"), split_commas=True)
    return PackageSettings(
        platform=platform,
        project_dir=project_dir,
        app_dir=app_dir,
        module=module_file,
        exclude=tuple(dict.fromkeys(explicit)),
        include=_strings(*setting("app.include")),
        default_excludes=flag("app.default_excludes", True),
        compile_app=flag("compile.app", True),
        compile_packages=flag("compile.packages", True),
        # Setting cleanup globs turns that cleanup on (flet-cli 1.0.5).
        cleanup_app=flag("cleanup.app", False) or bool(app_files),
        cleanup_packages=flag("cleanup.packages", True) or bool(package_files),
        cleanup_app_files=app_files,
        cleanup_package_files=package_files,
    )
