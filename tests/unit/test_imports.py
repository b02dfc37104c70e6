"""The import scanner: every import form, guards, exact locations, what is scanned."""

from __future__ import annotations

from pathlib import Path

from fletlint.linter.findings import Location
from fletlint.linter.sources.imports import (
    ImportedModule,
    ImportScanner,
    app_files,
    parse_imports,
)

SOURCE = """\
import os, yaml.constructor as yc
from google.protobuf import message
from . import sibling
from .pkg import thing
import requests

def later():
    import cv2
    return cv2

try:
    import ujson as json
except ImportError:
    import json

try:
    import orjson
except (ValueError, ModuleNotFoundError):
    pass

try:
    import simplejson
except ValueError:
    pass

if sys.platform == "android":
    import jnius
elif IS_IOS:
    from rubicon.objc import ObjCClass
else:
    import tkinter

if page.platform == ft.PagePlatform.ANDROID:
    import android_only

with contextlib.suppress(ImportError):
    import optional_thing

from typing import TYPE_CHECKING
if TYPE_CHECKING:
    import never_at_runtime
else:
    import at_runtime

from concurrent.futures import ProcessPoolExecutor, wait
from dbm import *
"""


def _by_module(text: str = SOURCE) -> dict[str, list[ImportedModule]]:
    found, problem = parse_imports(text, "app/main.py")
    assert problem is None
    result: dict[str, list[ImportedModule]] = {}
    for imported in found:
        result.setdefault(imported.module, []).append(imported)
    return result


def test_plain_dotted_and_from_imports_with_exact_ranges() -> None:
    found, _ = parse_imports(SOURCE, "app/main.py")
    os_import = next(i for i in found if i.module == "os")
    # `import os, ...`: the name `os` spans columns 8..10 (end exclusive).
    assert os_import.location == Location("app/main.py", 1, 8, 1, 10)
    yaml_import = next(i for i in found if i.module == "yaml.constructor")
    assert yaml_import.location == Location("app/main.py", 1, 12, 1, 28)
    assert yaml_import.top == "yaml"
    proto = next(i for i in found if i.module == "google.protobuf")
    assert proto.location == Location("app/main.py", 2, 6, 2, 21)
    assert proto.names == ("message",)
    assert not proto.guarded


def test_relative_imports_are_ignored() -> None:
    modules = _by_module()
    assert "sibling" not in modules and "pkg" not in modules
    assert all(not m.startswith(".") for m in modules)


def test_imports_inside_functions_are_found_unguarded() -> None:
    (cv2,) = _by_module()["cv2"]
    assert cv2.location.line == 8
    assert cv2.guarded is False


def test_try_except_import_error_guards_only_the_try_body() -> None:
    modules = _by_module()
    (ujson,) = modules["ujson"]
    assert ujson.guarded and ujson.guard == "try/except ImportError"
    (fallback,) = modules["json"]
    assert fallback.guarded is False
    (orjson,) = modules["orjson"]
    assert orjson.guarded  # a tuple naming ModuleNotFoundError
    (simplejson,) = modules["simplejson"]
    assert simplejson.guarded is False  # ValueError guards nothing


def test_platform_checks_guard_every_branch() -> None:
    modules = _by_module()
    for name in ("jnius", "rubicon.objc", "tkinter", "android_only"):
        (imported,) = modules[name]
        assert imported.guarded, name
        assert imported.guard == "platform check"


def test_suppress_import_error_guards() -> None:
    (imported,) = _by_module()["optional_thing"]
    assert imported.guarded


def test_type_checking_imports_never_run() -> None:
    modules = _by_module()
    assert "never_at_runtime" not in modules
    (runtime,) = modules["at_runtime"]
    assert runtime.guarded is False


def test_from_import_names_are_kept_star_included() -> None:
    modules = _by_module()
    (futures,) = modules["concurrent.futures"]
    assert futures.names == ("ProcessPoolExecutor", "wait")
    (dbm,) = modules["dbm"]
    assert dbm.names == ("*",)


def test_unparsable_file_is_a_located_problem_not_a_crash() -> None:
    found, problem = parse_imports("import os\nx = = 1\n", "bad.py")
    assert found == []
    assert problem is not None
    assert problem.location.path == "bad.py"
    assert (problem.location.line, problem.location.column) == (2, 6)  # the second `=`
    assert problem.message.startswith("syntax error")


def _write(root: Path, rel: str, text: str = "import os\n") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_app_files_skip_venvs_build_hidden_caches_and_excludes(tmp_path: Path) -> None:
    _write(tmp_path, "main.py")
    _write(tmp_path, "pkg/util.py")
    _write(tmp_path, "tests/test_main.py")  # tests inside the app folder are bundled: kept
    _write(tmp_path, "build/site-packages/x.py")
    _write(tmp_path, ".git/hooks/h.py")
    _write(tmp_path, "pkg/__pycache__/util.py")
    _write(tmp_path, "env/lib/python3.12/site-packages/y.py")
    (tmp_path / "env/pyvenv.cfg").write_text("home = /usr\n")
    _write(tmp_path, "assets/private/secret.py")
    _write(tmp_path, "scripts/gen.py")
    files = app_files(tmp_path, exclude=("assets/private", "scripts/*.py"))
    rel = [p.relative_to(tmp_path).as_posix() for p in files]
    assert rel == ["main.py", "pkg/util.py", "tests/test_main.py"]


def test_scan_uses_unsaved_texts_and_new_buffers(tmp_path: Path) -> None:
    main = _write(tmp_path, "main.py", "import os\n")
    new = tmp_path / "draft.py"  # exists only in the editor
    scan = ImportScanner().scan(tmp_path, texts={main: "import yaml\n", new: "import bs4\n"})
    assert sorted(i.module for i in scan.imports) == ["bs4", "yaml"]
    assert {Path(i.location.path).name for i in scan.imports} == {"main.py", "draft.py"}
    assert {"main", "draft"} <= scan.local_modules


def test_scan_reports_parse_problems_and_keeps_other_files(tmp_path: Path) -> None:
    _write(tmp_path, "good.py", "import yaml\n")
    _write(tmp_path, "bad.py", "import (\n")
    scan = ImportScanner().scan(tmp_path)
    assert [i.module for i in scan.imports] == ["yaml"]
    (problem,) = scan.problems
    assert problem.location.path.endswith("bad.py")


def test_local_modules_cover_folders_and_modules(tmp_path: Path) -> None:
    _write(tmp_path, "src/main.py", "import utils\n")
    _write(tmp_path, "src/utils.py")
    _write(tmp_path, "src/components/__init__.py")
    scan = ImportScanner().scan(tmp_path)
    assert {"src", "main", "utils", "components"} <= scan.local_modules
    assert "__init__" not in scan.local_modules


def test_scanner_reuses_parsed_files_by_content(tmp_path: Path, monkeypatch: object) -> None:
    import fletlint.linter.sources.imports as imports_module

    _write(tmp_path, "a.py", "import yaml\n")
    _write(tmp_path, "b.py", "import bs4\n")
    calls: list[str] = []
    real = imports_module.parse_imports

    def counting(text: str, path: str):  # type: ignore[no-untyped-def]
        calls.append(Path(path).name)
        return real(text, path)

    scanner = ImportScanner()
    setattr(imports_module, "parse_imports", counting)  # noqa: B010
    try:
        scanner.scan(tmp_path)
        scan = scanner.scan(tmp_path, texts={tmp_path / "a.py": "import cv2\n"})
    finally:
        setattr(imports_module, "parse_imports", real)  # noqa: B010
    # First scan parses both; the second only the edited buffer.
    assert sorted(calls) == ["a.py", "a.py", "b.py"]
    assert sorted(i.module for i in scan.imports) == ["bs4", "cv2"]
