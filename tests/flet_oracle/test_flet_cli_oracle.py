"""fletlint reads each fixture project as flet-cli's own code does (1.0.5 and 0.86.5).

For every project, platform and flet-cli release: the dependency list flet build hands pip, the
`dev_packages` replacements, `source_packages`, `target_arch`, `extract_packages`, the Python
version (or flet build's refusal), the exclude list and the app's files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from packaging.version import Version

from fletlint.linter.findings import InputError
from fletlint.linter.sources.project import load_project
from fletlint.linter.targets import IOS_ARCH_KEYS, choose_python, flet_targets
from tests.flet_oracle.oracle import (
    PLATFORMS,
    VERSIONS,
    Facts,
    fake_venv,
    flet_facts,
    fletlint_facts,
    run_flet_cli,
    write_tree,
)
from tests.flet_oracle.projects import PROJECTS

Answers = dict[tuple[str, str, str], tuple[Facts, Facts]]


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> Answers:
    """Both readings of every project, platform and release (one flet-cli process per release)."""
    base = tmp_path_factory.mktemp("flet-oracle")
    found: Answers = {}
    for version in VERSIONS:
        venv = fake_venv(base, version)
        cases = []
        for name, files in PROJECTS.items():
            for platform in PLATFORMS:
                # Each run gets its own copy: flet build writes build/ into the project.
                root = write_tree(base / version / f"{name}-{platform}", files)
                cases.append({"name": name, "project": str(root), "platform": platform})
        ours = {
            (c["name"], c["platform"]): fletlint_facts(
                Path(c["project"]), c["platform"], version, venv=venv
            )
            for c in cases
        }
        for raw in run_flet_cli(version, cases, base / f"work-{version}"):
            key = (raw["name"], raw["platform"])
            found[(version, key[0], key[1])] = (flet_facts(raw, version), ours[key])
    return found


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("project", sorted(PROJECTS))
def test_fletlint_reads_the_project_as_flet_cli_does(
    answers: Answers, project: str, platform: str, version: str
) -> None:
    flet, ours = answers[(version, project, platform)]
    assert ours == flet


def test_requirements_txt_is_a_per_platform_fallback(answers: Answers) -> None:
    """Difference 1: `[tool.flet.android].dependencies` alone gives iOS the requirements file."""
    android, _ = answers[("1.0.5", "android-deps-and-requirements-txt", "android")]
    ios, _ = answers[("1.0.5", "android-deps-and-requirements-txt", "ios")]
    assert android["requirements"] == ["pyjnius"]
    assert ios["requirements"] == ["txt:flet", "txt:requests>=2"]
    web_only, _ = answers[("1.0.5", "web-deps-only-and-requirements-txt", "android")]
    assert web_only["requirements"] == ["txt:flet", "txt:numpy"]


def test_empty_platform_setting_wins_in_1_0_only(answers: Answers) -> None:
    """Difference 2: `get_platform_setting` (1.0) against `platform or global` (0.86)."""
    new, _ = answers[("1.0.5", "empty-platform-settings", "android")]
    old, _ = answers[("0.86.5", "empty-platform-settings", "android")]
    assert (new["source_packages"], new["target_arch"], new["extract_packages"]) == ([], [], [])
    assert old["source_packages"] == ["some-pkg"]
    assert old["target_arch"] == ["arm64-v8a", "x86_64"]
    new_ios, _ = answers[("1.0.5", "empty-platform-settings", "ios")]
    old_ios, _ = answers[("0.86.5", "empty-platform-settings", "ios")]
    assert (new_ios["dev_replaced"], old_ios["dev_replaced"]) == ([], ["mylib"])


def test_poetry_python_is_not_requires_python(answers: Answers) -> None:
    """Difference 3: Poetry's `python = "3.12.*"` leaves flet build on its default."""
    flet, ours = answers[("1.0.5", "poetry-python-only", "android")]
    assert flet["python"] == ours["python"] == "3.14"


@pytest.mark.parametrize(
    ("project", "python"),
    [
        ("requires-python-below-patch", "3.13"),
        ("requires-python-not-bundled-patch", "3.13"),
        ("requires-python-too-new", None),
        ("requires-python-exact-dot-zero", None),
    ],
)
def test_python_is_matched_against_full_versions(
    answers: Answers, project: str, python: str | None
) -> None:
    """Difference 4: full versions of the table; no match stops flet build (and the check)."""
    flet, ours = answers[("1.0.5", project, "android")]
    assert flet["python"] == ours["python"] == python
    assert flet["python_error"] == ours["python_error"] == (python is None)


def test_the_app_files_follow_app_path_excludes_and_includes(answers: Answers) -> None:
    """Difference 6: `app.path`, exact excludes, default excludes, `app.include`."""
    android, _ = answers[("1.0.5", "app-files-src-layout", "android")]
    ios, _ = answers[("1.0.5", "app-files-src-layout", "ios")]
    assert android["app_files"] == [
        ".env",
        "android_only.py",
        "assets/small.txt",
        "main.py",
        "notes/todo.py",
        "pkg/__init__.py",
    ]
    assert "android_only.py" not in ios["app_files"]
    old, _ = answers[("0.86.5", "app-files-src-layout", "android")]
    assert ".secret/x.py" in old["app_files"] and "venv/lib/site.py" in old["app_files"]


def test_ios_target_arch_naming_no_slice_is_a_located_error(tmp_path: Path) -> None:
    """Difference 7: flet build passes `["arm64"]` to serious_python, whose iOS arch keys are
    `iphoneos.arm64`, `iphonesimulator.arm64`, `iphonesimulator.x86_64` (package_command.dart):
    no pip run for iOS at all. fletlint stops with the setting's location instead."""
    root = write_tree(tmp_path / "app", PROJECTS["ios-target-arch-arm64"])
    spec = load_project(root, environ={})
    row = choose_python(None, None, spec.flet_build.rules.python)
    assert spec.flet.target_arch["ios"] == ("arm64",)
    assert not set(spec.flet.target_arch["ios"]) & set(IOS_ARCH_KEYS)
    with pytest.raises(InputError, match="names no iOS arch") as caught:
        flet_targets(
            row, target_arch=spec.flet.target_arch, target_arch_at=spec.flet.target_arch_at
        )
    assert caught.value.location is not None and caught.value.location.line == 5
    # Android alone is still checked, and the slices flet's keys name are kept.
    android = flet_targets(row, names=["android"], target_arch=spec.flet.target_arch)
    assert {t.platform for t in android} == {"android"}
    one = flet_targets(row, target_arch={"ios": ["iphoneos.arm64"]})
    assert [t.abi for t in one if t.platform == "ios"] == ["arm64_iphoneos"]


def test_flet_version_is_the_release_a_requirement_resolves_to(tmp_path: Path) -> None:
    """Difference 5: `flet>=0.21` resolves to the newest release (what `flet build` then runs),
    not to its lower bound; the installed flet-cli wins over any requirement."""
    import flet.version

    root = write_tree(
        tmp_path / "app", {"pyproject.toml": '[project]\ndependencies = ["flet>=0.21"]\n'}
    )
    spec = load_project(root, environ={})
    assert spec.flet_build.how == "requirement"
    assert spec.flet_version == Version(flet.version.flet_version) == Version("1.0.5")
    assert spec.flet_build.rules.series == "1.0.x"
    venv = fake_venv(tmp_path, "0.86.5")
    installed = load_project(root, environ={"VIRTUAL_ENV": str(venv)})
    assert installed.flet_build.how == "installed"
    assert installed.flet_build.rules.series == "0.86.x"


def test_copied_projects_are_left_as_they_were(tmp_path: Path) -> None:
    """fletlint reads; it never writes into the project (flet build's build/ aside)."""
    root = write_tree(tmp_path / "app", PROJECTS["app-files-src-layout"])
    before = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    fletlint_facts(root, "android", "1.0.5", venv=fake_venv(tmp_path, "1.0.5"))
    after = sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
    assert before == after
    shutil.rmtree(root)
