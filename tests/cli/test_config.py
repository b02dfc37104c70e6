"""`[tool.fletlint]`, per-file-ignores and `# fletlint: ignore` comments, through the real CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from fletlint.cli import main
from fletlint.config import find_config, load_config, settings_for
from fletlint.linter.engine import FLET_INDEX_URL
from fletlint.linter.findings import InputError
from fletlint.linter.suppression import comment_codes, glob_matches
from tests.cli.helpers import check, project
from tests.support.index_server import LocalIndex

PY312 = ("--python-version", "3.12")
ONE = ("--target", "android_24_arm64_v8a")


def _pyproject(tmp_path: Path, table: str) -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "app"\nversion = "1"\n\n[tool.fletlint]\n' + table)
    return path


# --- reading the table --------------------------------------------------------------------------


def test_every_key_is_read_and_converted(tmp_path: Path) -> None:
    path = _pyproject(
        tmp_path,
        'targets = ["android"]\n'
        'python-version = "3.13"\n'
        'index-url = "https://example.org/simple/"\n'
        'extra-index-url = ["https://extra.example.org/simple/"]\n'
        'find-links = ["wheels", "https://links.example.org/"]\n'
        'flet-index-url = "https://mirror.example.org/flet/"\n'
        'select = ["FL0"]\n'
        'ignore = ["fl002"]\n'
        "offline = true\n"
        'cache-dir = ".cache/fl"\n'
        '[tool.fletlint.per-file-ignores]\n"requirements-dev.txt" = ["FL001"]\n'
        "[tool.fletlint.extend-alternatives]\n"
        'orjson = {replacement = "ujson", reason = "pure fallback"}\n',
    )
    config = load_config(path)
    assert config.targets == ("android",)
    assert config.python_version == "3.13"
    assert config.extra_index_urls == ("https://extra.example.org/simple/",)
    assert config.find_links == (str(tmp_path / "wheels"), "https://links.example.org/")
    assert config.select == ("FL0",)
    assert config.ignore == ("FL002",)
    assert config.offline is True
    assert config.cache_dir == tmp_path / ".cache/fl"
    assert config.per_file_ignores == (("requirements-dev.txt", ("FL001",)),)
    assert config.alternatives == (("orjson", "ujson", "pure fallback"),)

    settings = settings_for(tmp_path)
    assert settings.targets == ("android",)
    assert settings.flet_index_url == "https://mirror.example.org/flet/"
    assert settings.alternatives == (("orjson", "ujson", "pure fallback"),)
    assert settings.per_file_ignores == (("requirements-dev.txt", ("FL001",)),)


def test_flags_override_the_file_and_ignore_adds(tmp_path: Path) -> None:
    _pyproject(
        tmp_path,
        'targets = ["ios"]\nselect = ["FL001"]\nignore = ["FL005"]\noffline = true\n'
        'flet-index-url = "https://mirror.example.org/"\n',
    )
    settings = settings_for(
        tmp_path,
        {"targets": ("android",), "select": ("FL0",), "ignore": ("FL002",), "offline": None},
    )
    assert settings.targets == ("android",)
    assert settings.select == ("FL0",)
    assert settings.ignore == ("FL005", "FL002")
    assert settings.offline is True  # not given on the command line: the file's value stays
    assert settings_for(tmp_path, {"flet_index_url": ""}).flet_index_url is None


def test_no_table_gives_the_defaults(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    settings = settings_for(tmp_path)
    assert settings.flet_index_url == FLET_INDEX_URL
    assert settings.targets == ()


@pytest.mark.parametrize(
    ("table", "message", "line", "column"),
    [
        ('targets = ["android"]\nselekt = ["FL001"]\n', "unknown key 'selekt'", 7, 1),
        ('targets = "android"\n', "`targets` must be a list of strings", 6, 12),
        ('targets = ["android", 3]\n', "`targets[1]` must be a string, not an integer", 6, 23),
        ('offline = "yes"\n', "`offline` must be true or false", 6, 12),
        ('select = ["FL001", "XX9"]\n', "unknown rule code 'XX9'", 6, 21),
        ('python-version = "3"\n', '`python-version` must look like "3.13"', 6, 19),
        (
            '[tool.fletlint.per-file-ignores]\n"a.txt" = "FL001"\n',
            "`per-file-ignores.a.txt` must be a list",
            7,
            12,
        ),
        (
            '[tool.fletlint.extend-alternatives]\norjson = {replacment = "ujson"}\n',
            "unknown key 'replacment'",
            7,
            11,
        ),
    ],
)
def test_mistakes_are_located(
    tmp_path: Path, table: str, message: str, line: int, column: int
) -> None:
    path = _pyproject(tmp_path, table)
    with pytest.raises(InputError) as raised:
        load_config(path)
    assert message in raised.value.message
    assert raised.value.location is not None
    assert (raised.value.location.line, raised.value.location.column) == (line, column)
    assert raised.value.location.path == str(path)


def test_unknown_key_suggests_the_close_one(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="did you mean 'select'"):
        load_config(_pyproject(tmp_path, 'selekt = ["FL001"]\n'))


def test_a_parent_folder_table_applies_but_stops_at_the_repository(tmp_path: Path) -> None:
    _pyproject(tmp_path, 'targets = ["ios"]\n')
    app = tmp_path / "apps" / "one"
    app.mkdir(parents=True)
    (app / "requirements.txt").write_text("flet\n")
    assert find_config(app) == tmp_path / "pyproject.toml"
    assert find_config(app / "requirements.txt") == tmp_path / "pyproject.toml"
    (tmp_path / "apps" / ".git").mkdir()
    assert find_config(app) is None


def test_unsaved_text_is_read_instead_of_the_file(tmp_path: Path) -> None:
    path = _pyproject(tmp_path, 'targets = ["ios"]\n')
    unsaved = path.read_text().replace('"ios"', '"android"')
    assert settings_for(tmp_path, texts={path: unsaved}).targets == ("android",)


def test_cli_reports_a_config_mistake_with_its_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _pyproject(tmp_path, "offline = 1\n")
    assert main(["check", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:6:11: `offline` must be true or false, not an integer" in err
    assert "Traceback" not in err


# --- the table steers a real check ----------------------------------------------------------------


def test_config_targets_and_ignore_change_the_check(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    app = project(tmp_path, "pydantic==2.12.5\n")
    _pyproject(tmp_path, 'targets = ["ios"]\npython-version = "3.12"\n')
    run = check(capsys, app, pypi_index, flet_index)
    assert run.code == 1
    assert {t["platform"] for t in run.json()["targets"]} == {"ios"}
    # A flag wins over the file.
    run = check(capsys, app, pypi_index, flet_index, "--target", "android_24_x86_64")
    assert [t["name"] for t in run.json()["targets"]] == ["android_24_x86_64"]

    _pyproject(tmp_path, 'targets = ["ios"]\npython-version = "3.12"\nignore = ["FL001"]\n')
    run = check(capsys, app, pypi_index, flet_index)
    assert run.code == 0
    assert "FL001" not in run.codes()


def test_per_file_ignores_match_relative_to_the_project(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    app = project(tmp_path, "pydantic==2.12.5\nonlysdist==1.0.0\n")
    _pyproject(
        tmp_path,
        'python-version = "3.12"\ntargets = ["android_24_arm64_v8a"]\n'
        '[tool.fletlint.per-file-ignores]\n"requirements*.txt" = ["FL003"]\n',
    )
    run = check(capsys, app, pypi_index, flet_index, "-r", str(tmp_path / "requirements.txt"))
    assert "FL001" in run.codes()
    assert "FL003" not in run.codes()


def test_per_file_ignores_from_a_parent_folder(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    _pyproject(
        tmp_path,
        'python-version = "3.12"\ntargets = ["android_24_arm64_v8a"]\n'
        '[tool.fletlint.per-file-ignores]\n"apps/one/requirements.txt" = ["FL001"]\n',
    )
    app = tmp_path / "apps" / "one"
    app.mkdir(parents=True)
    project(app, "pydantic==2.12.5\n")
    run = check(capsys, app, pypi_index, flet_index)
    assert run.code == 0
    assert run.codes() == []


# --- inline comments ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "codes"),
    [
        ("pydantic==2.12.5", None),
        ("pydantic==2.12.5  # fletlint: ignore", frozenset({"*"})),
        ("pydantic==2.12.5  # fletlint: ignore[FL001]", frozenset({"FL001"})),
        ("pydantic  #fletlint:ignore[fl001, FL002 ]", frozenset({"FL001", "FL002"})),
        ("import cv2  # noqa: F401  fletlint: ignore[FL101]", frozenset({"FL101"})),
        ("x = 'fletlint: ignore'", None),
    ],
)
def test_comment_codes(line: str, codes: frozenset[str] | None) -> None:
    assert comment_codes(line) == codes


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("requirements*.txt", "requirements-dev.txt", True),
        ("requirements*.txt", "sub/requirements.txt", True),
        ("sub/*.txt", "sub/requirements.txt", True),
        ("sub/*.txt", "other/sub/requirements.txt", False),
        ("**/main.py", "main.py", True),
        ("**/main.py", "a/b/main.py", True),
        ("src/**", "src/a/b.py", True),
        ("*.py", "pyproject.toml", False),
    ],
)
def test_glob_matches(pattern: str, path: str, matches: bool) -> None:
    assert glob_matches(pattern, path) is matches


def test_inline_ignore_on_a_requirements_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    app = project(
        tmp_path,
        "pydantic==2.12.5  # fletlint: ignore[FL001]\nonlysdist==1.0.0  # fletlint: ignore\n",
    )
    run = check(capsys, app, pypi_index, flet_index, *PY312, *ONE)
    assert run.code == 0, run.out
    assert run.codes() == []
    # Another code on the same line does not hide it.
    (tmp_path / "requirements.txt").write_text("pydantic==2.12.5  # fletlint: ignore[FL002]\n")
    run = check(capsys, app, pypi_index, flet_index, *PY312, *ONE)
    assert run.codes() == ["FL001"]


def test_inline_ignore_on_a_pyproject_dependency_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "1"\ndependencies = [\n'
        '    "pydantic==2.12.5",  # fletlint: ignore[FL001, FL002]\n'
        '    "onlysdist==1.0.0",\n'
        "]\n"
    )
    run = check(capsys, tmp_path, pypi_index, flet_index, *PY312, *ONE)
    assert run.codes() == ["FL003"]
    assert run.finding("FL003")["location"]["line"] == 6


def test_inline_ignore_reads_unsaved_texts(
    tmp_path: Path, pypi_index: LocalIndex, flet_index: LocalIndex
) -> None:
    from fletlint.linter.engine import Linter, Settings

    app = project(tmp_path, "pydantic==2.12.5\n")
    settings = Settings(
        python_version="3.12",
        targets=("android_24_arm64_v8a",),
        index_url=pypi_index.url,
        flet_index_url=flet_index.url,
    )
    unsaved = {app / "requirements.txt": "pydantic==2.12.5  # fletlint: ignore\n"}
    with Linter(settings) as linter:
        assert [f.code for f in linter.check(app).findings] == ["FL001"]
        assert linter.check(app, texts=unsaved).findings == []
