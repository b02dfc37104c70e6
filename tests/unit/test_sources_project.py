from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from fletlint.linter.findings import InputError, Location
from fletlint.linter.sources.model import DeclaredRequirement
from fletlint.linter.sources.project import IMPLICIT_ORIGIN, flet_version_of, load_project


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def texts_of(requirements: Sequence[DeclaredRequirement]) -> list[str]:
    return [r.text for r in requirements]


def test_project_dependencies_plus_platform_dependencies(tmp_path: Path) -> None:
    pyproject = write(
        tmp_path / "pyproject.toml",
        '[project]\nrequires-python = ">=3.12"\ndependencies = ["flet==0.28.3", "requests"]\n'
        '[tool.flet.android]\ndependencies = ["pyjnius"]\n',
    )
    write(tmp_path / "requirements.txt", "ignored\n")
    spec = load_project(tmp_path)
    assert texts_of(spec.requirements) == ["flet==0.28.3", "requests", "pyjnius"]
    assert spec.requirements[2].platform == "android"
    assert spec.requires_python == SpecifierSet(">=3.12")
    assert spec.flet_version == Version("0.28.3")
    # requirements.txt is not read when pyproject.toml declares dependencies.
    assert spec.files == (pyproject,)
    assert spec.root == tmp_path


def test_poetry_beats_project(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        '[project]\ndependencies = ["flet"]\n[tool.poetry.dependencies]\n'
        'python = "^3.10"\nflet = "^0.27"\n',
    )
    spec = load_project(tmp_path, environ={})
    assert texts_of(spec.requirements) == ["flet>=0.27"]
    # The release the requirement resolves to, not its lower bound.
    assert spec.flet_version == Version("1.0.5")
    assert spec.flet_build.how == "requirement"


def test_dev_packages_make_dependencies_uncheckable(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        '[project]\ndependencies = ["flet", "mylib>=1"]\n'
        '[tool.flet.dev_packages]\nmylib = "../mylib"\n',
    )
    spec = load_project(tmp_path)
    mylib = spec.requirements[1]
    assert mylib.requirement is None
    assert mylib.uncheckable_reason == "replaced by dev_packages: ../mylib"
    assert spec.requirements[0].requirement is not None


def test_requirements_txt_when_pyproject_has_no_dependencies(tmp_path: Path) -> None:
    pyproject = write(
        tmp_path / "pyproject.toml", '[project]\nname = "app"\n[tool.flet.app]\nexclude = ["x"]\n'
    )
    req = write(tmp_path / "requirements.txt", "-c pins.txt\n-i https://idx.example\nflet>=0.25\n")
    pins = write(tmp_path / "pins.txt", "flet<1\n")
    spec = load_project(tmp_path, environ={})
    assert texts_of(spec.requirements) == ["flet>=0.25"]
    assert spec.requirements[0].origin == "requirements.txt"
    assert texts_of(spec.constraints) == ["flet<1"]
    assert spec.index_options.index_url == "https://idx.example"
    assert spec.flet.exclude == ("x",)
    # flet>=0.25 under the constraint flet<1 resolves to the newest 0.x release.
    assert spec.flet_version == Version("0.86.5")
    assert spec.files == (pyproject, req, pins)


def test_implicit_flet_without_any_dependencies(tmp_path: Path) -> None:
    spec = load_project(tmp_path, environ={})
    (flet,) = spec.requirements
    assert flet.origin == IMPLICIT_ORIGIN
    assert flet.requirement is not None and flet.requirement.name == "flet"
    assert flet.location == Location(str(tmp_path), 1)
    assert spec.files == ()
    # No flet-cli installed and no requirement: read as the newest flet-cli fletlint knows.
    assert spec.flet_version == Version("1.0.5")
    assert spec.flet_build.how == "newest-known"


def test_implicit_flet_points_at_pyproject_when_present(tmp_path: Path) -> None:
    pyproject = write(tmp_path / "pyproject.toml", '[project]\nname = "app"\n')
    (flet,) = load_project(tmp_path).requirements
    assert flet.location == Location(str(pyproject), 1)


def test_explicit_requirements_files_override_discovery(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[project]\ndependencies = ["flet"]\n')
    other = write(tmp_path / "reqs" / "mobile.txt", "numpy\n")
    spec = load_project(tmp_path, requirements_files=[other])
    assert texts_of(spec.requirements) == ["numpy"]
    assert spec.requirements[0].origin == "reqs/mobile.txt"


def test_root_given_as_a_requirements_file(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[project]\ndependencies = ["flet"]\n')
    req = write(tmp_path / "requirements-dev.txt", "pytest\n")
    spec = load_project(req)
    assert spec.root == tmp_path
    assert texts_of(spec.requirements) == ["pytest"]


def test_root_given_as_pyproject(tmp_path: Path) -> None:
    pyproject = write(tmp_path / "pyproject.toml", '[project]\ndependencies = ["flet"]\n')
    spec = load_project(pyproject)
    assert spec.root == tmp_path
    assert texts_of(spec.requirements) == ["flet"]


def test_extras_and_groups_are_appended_and_kept(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        '[project]\ndependencies = ["flet"]\n'
        '[project.optional-dependencies]\nCharts = ["matplotlib"]\n'
        '[dependency-groups]\ndev = ["pytest", {include-group = "lint"}]\nlint = ["ruff"]\n',
    )
    plain = load_project(tmp_path)
    assert texts_of(plain.requirements) == ["flet"]
    assert set(plain.optional) == {"Charts"}
    assert set(plain.groups) == {"dev", "lint"}
    spec = load_project(tmp_path, extras=["charts"], groups=["dev"])
    assert texts_of(spec.requirements) == ["flet", "matplotlib", "pytest", "ruff"]


@pytest.mark.parametrize(("kind", "kwargs"), [("extra", "extras"), ("dependency group", "groups")])
def test_unknown_extra_or_group(tmp_path: Path, kind: str, kwargs: str) -> None:
    write(tmp_path / "pyproject.toml", '[project]\ndependencies = ["flet"]\n')
    with pytest.raises(InputError, match=f"unknown {kind} 'nope'"):
        load_project(tmp_path, **{kwargs: ["nope"]})  # type: ignore[arg-type]


def test_unsaved_texts_override_disk(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    write(pyproject, '[project]\ndependencies = ["flet"]\n')
    req = tmp_path / "requirements.txt"
    # The buffer removes the pyproject dependencies; requirements.txt exists only unsaved.
    spec = load_project(
        tmp_path,
        texts={pyproject: '[project]\nname = "app"\n', req: "\nrequests\n"},
    )
    assert texts_of(spec.requirements) == ["requests"]
    assert spec.requirements[0].location == Location(str(req), 2, 1, 2, 9)


def test_input_errors_propagate_with_location(tmp_path: Path) -> None:
    pyproject = write(tmp_path / "pyproject.toml", '[project]\ndependencies = ["flet>=>1"]\n')
    with pytest.raises(InputError) as info:
        load_project(tmp_path)
    assert info.value.location is not None
    assert info.value.location.path == str(pyproject)
    assert info.value.location.line == 2


def test_missing_root(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        load_project(tmp_path / "nope")


def test_flet_version_prefers_exact_pin(tmp_path: Path) -> None:
    write(tmp_path / "requirements.txt", "flet>=0.20,==0.28.3\nflet-audio==1.0\n")
    spec = load_project(tmp_path, environ={})
    assert spec.flet_version == Version("0.28.3")
    assert flet_version_of(spec.requirements[1:]) is None
