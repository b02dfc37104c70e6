from __future__ import annotations

from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

from fletlint.linter.findings import InputError, Location
from fletlint.linter.sources.pyproject import (
    PyprojectResult,
    TomlLocator,
    apply_dev_packages,
    poetry_constraint,
    read_pyproject,
)

P = Path("app/pyproject.toml")


def read(text: str) -> PyprojectResult:
    return read_pyproject(P, text=text)


def loc(line: int, column: int, end_column: int) -> Location:
    return Location(str(P), line, column, line, end_column)


def test_project_dependencies_with_quote_styles_and_comments() -> None:
    result = read(
        "[project]\n"
        'name = "app"\n'
        "dependencies = [\n"
        '  "flet==0.28.3",  # a comment with "quotes" and a ]\n'
        "  'requests>=2',\n"
        "  \"\"\"numpy\"\"\", '''pandas''',\n"
        '  "httpx[http2]; python_version >= \\"3.10\\"",\n'
        "]\n"
    )
    texts = [d.text for d in result.dependencies]
    assert texts == [
        "flet==0.28.3",
        "requests>=2",
        "numpy",
        "pandas",
        'httpx[http2]; python_version >= "3.10"',
    ]
    locations = [d.location for d in result.dependencies]
    assert locations[0] == loc(4, 4, 16)
    assert locations[1] == loc(5, 4, 15)
    assert locations[2] == loc(6, 6, 11)
    assert locations[3] == loc(6, 19, 25)
    # Raw text, escapes included, inside the quotes.
    assert locations[4] == loc(7, 4, 44)
    assert all(d.origin == "pyproject.toml" for d in result.dependencies)
    assert result.has_dependencies


def test_dotted_key_form() -> None:
    result = read('project.dependencies = ["flet"]\n')
    assert result.dependencies[0].location == loc(1, 26, 30)


def test_optional_dependencies_and_requires_python() -> None:
    result = read(
        '[project]\nrequires-python = ">=3.11"\n'
        '[project.optional-dependencies]\nextra = ["pandas", "numpy<2"]\n'
    )
    assert result.requires_python == SpecifierSet(">=3.11")
    assert [d.text for d in result.optional["extra"]] == ["pandas", "numpy<2"]
    assert result.optional["extra"][1].location == loc(4, 21, 28)
    assert not result.has_dependencies


def test_dependency_groups_with_include_group() -> None:
    result = read(
        "[dependency-groups]\n"
        'test = ["pytest", {include-group = "Lint_Tools"}]\n'
        'lint-tools = ["ruff"]\n'
    )
    assert [d.text for d in result.groups["test"]] == ["pytest", "ruff"]
    # The included requirement keeps its own location.
    assert result.groups["test"][1].location == loc(3, 16, 20)


def test_dependency_group_cycle() -> None:
    text = '[dependency-groups]\na = [{include-group = "b"}]\nb = ["x", {include-group = "a"}]\n'
    with pytest.raises(InputError) as info:
        read(text)
    assert "include each other" in info.value.message
    assert info.value.location is not None
    assert info.value.location.line in (2, 3)


def test_dependency_group_unknown_include() -> None:
    with pytest.raises(InputError, match="unknown group 'nope'") as info:
        read('[dependency-groups]\na = [{include-group = "nope"}]\n')
    assert info.value.location == loc(2, 24, 28)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("^2.28", ">=2.28"),
        ("~1.2", "~=1.2"),
        ("1.0", "==1.0"),
        ("*", ""),
        (">=1.0, <2.0", ">=1.0,<2.0"),
        ("~=1.4", "~=1.4"),
        ("!=1.5", "!=1.5"),
        ("1.2.*", "==1.2.*"),
    ],
)
def test_poetry_constraint(value: str, expected: str) -> None:
    assert poetry_constraint(value) == expected


def test_poetry_dependencies_conversion_and_locations() -> None:
    result = read(
        "[tool.poetry.dependencies]\n"
        'python = "^3.10"\n'
        'requests = "^2.28"\n'
        'foo = { version = "~1.2", markers = "sys_platform == \'linux\'", extras = ["x"] }\n'
        'any = "*"\n'
        'bar = {git = "https://github.com/x/bar.git", tag = "v1"}\n'
        'loc = {path = "../loc"}\n'
        "[tool.poetry.dependencies.baz]\n"
        'version = "1.0"\n'
    )
    deps = {d.text: d for d in result.poetry_dependencies}
    assert list(deps) == [
        "requests>=2.28",
        "foo~=1.2; sys_platform == 'linux'",
        "any",
        "bar @ git+https://github.com/x/bar.git@v1",
        "../loc",
        "baz==1.0",
    ]
    assert deps["requests>=2.28"].location == loc(3, 1, 19)
    assert deps["any"].requirement is not None
    assert str(deps["any"].requirement.specifier) == ""
    assert deps["bar @ git+https://github.com/x/bar.git@v1"].requirement is None
    assert "git" in (deps["bar @ git+https://github.com/x/bar.git@v1"].uncheckable_reason or "")
    assert deps["../loc"].uncheckable_reason is not None
    assert deps["baz==1.0"].location.line == 8
    # flet build never reads Poetry's python constraint as requires-python.
    assert result.requires_python is None
    (dropped,) = result.dropped_extras
    assert (dropped.package, dropped.extras) == ("foo", ("x",))
    assert dropped.location.line == 4
    assert result.main_dependencies == result.poetry_dependencies


def test_poetry_beats_project_dependencies() -> None:
    result = read(
        '[project]\ndependencies = ["flet"]\n[tool.poetry.dependencies]\nrequests = "^2"\n'
    )
    assert [d.text for d in result.main_dependencies] == ["requests>=2"]


def test_poetry_with_only_python_falls_back_to_project() -> None:
    result = read(
        '[project]\ndependencies = ["flet"]\n[tool.poetry.dependencies]\npython = "^3.10"\n'
    )
    assert [d.text for d in result.main_dependencies] == ["flet"]


def test_platform_dependencies_of_phones_only() -> None:
    result = read(
        "[tool.flet.android]\n"
        'dependencies = ["pyjnius"]\n'
        "[tool.flet.web]\n"
        'dependencies = ["pyodide-http"]\n'
    )
    (pyjnius,) = result.platform_dependencies["android"]
    assert pyjnius.platform == "android"
    assert pyjnius.location == loc(2, 18, 25)
    assert set(result.platform_dependencies) == {"android"}
    # iOS has no list of its own here: flet build falls back to requirements.txt for it.
    assert not result.has_dependencies
    assert [d.text for d in result.dependencies_for("android")] == ["pyjnius"]
    assert result.dependencies_for("ios") == ()


def test_apply_dev_packages_matches_names_exactly_as_flet_build() -> None:
    result = read('[project]\ndependencies = ["Requests>=2", "foo", "bar"]\n')
    replaced = apply_dev_packages(result.dependencies, {"Requests": "../requests", "FOO": "x"})
    assert replaced[0].requirement is None
    assert replaced[0].uncheckable_reason == "replaced by dev_packages: ../requests"
    # `Requirement(dep).name in dev_packages`: no name normalization.
    assert replaced[1].requirement is not None
    assert replaced[2].requirement is not None


def test_toml_syntax_error_location() -> None:
    with pytest.raises(InputError) as info:
        read('[project]\ndependencies = [\n  "a"\n  "b"\n]\n')
    assert info.value.message.startswith("invalid TOML:")
    assert info.value.location is not None
    assert info.value.location.line == 4


def test_toml_error_at_end_of_document() -> None:
    with pytest.raises(InputError) as info:
        read('[project]\nname = "x')
    assert info.value.location == Location(str(P), 2, 10)


def test_wrong_type_is_located_at_the_value() -> None:
    with pytest.raises(InputError, match="must be a list of strings") as info:
        read('[project]\ndependencies = "flet"\n')
    assert info.value.location == loc(2, 17, 21)
    with pytest.raises(InputError, match="item 2 is not") as info:
        read("[project]\ndependencies = [\n  'flet',\n  42,\n]\n")
    assert info.value.location == loc(4, 3, 5)


def test_invalid_requirement_string_is_located() -> None:
    with pytest.raises(InputError) as info:
        read('[project]\ndependencies = ["flet", "pydantic>=>2"]\n')
    assert info.value.message.startswith("invalid requirement 'pydantic>=>2'")
    assert info.value.location is not None
    assert (info.value.location.line, info.value.location.column) == (2, 34)


def test_invalid_requires_python() -> None:
    with pytest.raises(InputError, match="invalid requires-python") as info:
        read('[project]\nrequires-python = "3.10+"\n')
    assert info.value.location == loc(2, 20, 25)


def test_reads_from_disk_when_no_text(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\ndependencies = ["flet"]\n', encoding="utf-8")
    result = read_pyproject(path)
    assert result.dependencies[0].location == Location(str(path), 2, 18, 2, 22)


def test_locator_multiline_strings_and_arrays_of_tables() -> None:
    text = (
        'a = """\nline1\nline2"""\n'
        "[[item]]\nname = 'one'\n"
        "[[item]]\nname = 'two'\n"
        "[item.sub]\nx = 1979-05-27 07:32:00\n"
        't = { k = { deep = "v" } }\n'
    )
    locator = TomlLocator(text, "f.toml")
    assert locator.value(("a",)) == Location("f.toml", 2, 1, 3, 6)
    assert locator.value(("item", 1, "name")) == Location("f.toml", 7, 9, 7, 12)
    assert locator.value(("item", 1, "sub", "x")) == Location("f.toml", 9, 5, 9, 24)
    assert locator.value(("item", 1, "sub", "t", "k", "deep")).line == 10
    # Unknown paths fall back to the nearest parent that exists.
    assert locator.value(("item", 0, "missing")).line == 4
    assert locator.value(("nothing",)) == Location("f.toml", 1)
