"""`fletlint check` end to end: real CLI, real HTTP client, local PEP 691/503 indexes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import check, project
from tests.support.index_server import LocalIndex

PY312 = ("--python-version", "3.12")
ANDROID = ("android_24_arm64_v8a", "android_24_armeabi_v7a", "android_24_x86_64")
IOS = (
    "ios_13_0_arm64_iphoneos",
    "ios_13_0_arm64_iphonesimulator",
    "ios_13_0_x86_64_iphonesimulator",
)


def test_supabase_chain_backtracks_silently_to_older_pydantic(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    run = check(capsys, project(tmp_path, "supabase==2.20.0\n"), pypi_index, flet_index, *PY312)
    assert run.code == 0, run.out + run.err
    finding = run.finding("FL002", "pydantic-core")
    assert finding["severity"] == "warning"
    assert [link["name"] for link in finding["chain"]] == [
        "supabase",
        "postgrest",
        "pydantic",
        "pydantic-core",
    ]
    assert finding["location"]["path"].endswith("requirements.txt")
    assert finding["location"]["line"] == 1
    assert "phones get pydantic 2.11.7 instead of 2.12.5" in finding["message"]
    assert set(finding["targets"]) == set(ANDROID + IOS)
    assert {a["version"] for a in finding["available"]} == {"2.33.2", "2.47.0"}
    target = run.json()["targets"][0]
    assert target["installs"] is True
    assert target["packages"]["pydantic-core"] == "2.33.2"


def test_exact_pin_without_phone_wheel_is_an_error_with_available_versions(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    run = check(
        capsys, project(tmp_path, "# app\npydantic==2.12.5\n"), pypi_index, flet_index, *PY312
    )
    assert run.code == 1
    finding = run.finding("FL001", "pydantic-core")
    assert finding["severity"] == "error"
    assert finding["version"] == "2.41.5"
    assert finding["location"]["line"] == 2
    assert [link["requirement"] for link in finding["chain"]] == [
        "pydantic==2.12.5",
        "pydantic-core==2.41.5",
    ]
    assert [a["version"] for a in finding["available"]] == ["2.33.2", "2.47.0"]
    assert flet_index.url.rstrip("/") in finding["available"][0]["index"]
    assert "the build fails on all phones" in finding["message"]


def test_flet_needs_the_flet_index_for_msgpack(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    app = project(tmp_path, "flet==0.86.6\n")
    assert check(capsys, app, pypi_index, flet_index, *PY312).code == 0
    without = check(capsys, app, pypi_index, None, *PY312)
    assert without.code == 1
    assert without.finding("FL001", "msgpack")["chain"][0]["requirement"] == "flet==0.86.6"


def test_text_output_shows_chain_and_summary(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    run = check(
        capsys, project(tmp_path, "pydantic==2.12.5\n"), pypi_index, flet_index, *PY312, fmt="text"
    )
    assert run.code == 1
    assert "error FL001 pydantic-core 2.41.5: no phone wheel" in run.out
    assert "pydantic==2.12.5" in run.out and "pydantic-core==2.41.5" in run.out
    assert "available for phones: 2.33.2, 2.47.0" in run.out
    assert "6 targets" in run.out and "1 error" in run.out
    assert "\x1b[" not in run.out  # not a terminal: no colour


def test_sdist_only_package(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    run = check(capsys, project(tmp_path, "onlysdist==1.0.0\n"), pypi_index, flet_index, *PY312)
    assert run.code == 1
    assert run.codes() == ["FL003"]
    allowed = project(
        tmp_path,
        "onlysdist==1.0.0\n",
        pyproject__toml='[tool.flet]\nsource_packages = ["onlysdist"]\n',
    )
    assert check(capsys, allowed, pypi_index, flet_index, *PY312).code == 0


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("doesnotexist==1.0\n", "no project named 'doesnotexist'"),
        ("pydantic>=99\n", "no release of pydantic satisfies >=99 (newest: 2.12.5)"),
    ],
)
def test_requirement_matching_no_release(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
    line: str,
    message: str,
) -> None:
    run = check(capsys, project(tmp_path, line), pypi_index, flet_index, *PY312)
    assert run.code == 1
    finding = run.finding("FL004")
    assert message in finding["message"]
    assert finding["location"]["line"] == 1


def test_markers_are_evaluated_per_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pypi_index: LocalIndex
) -> None:
    # greenlet is required only where platform_machine is x86_64 or aarch64; without Flet's index
    # it has no phone wheel, so exactly those targets fail. colorama is Windows-only.
    run = check(capsys, project(tmp_path, "sqlalchemy==2.0.44\nclick\n"), pypi_index, None, *PY312)
    finding = run.finding("FL001", "greenlet")
    assert set(finding["targets"]) == {
        "android_24_arm64_v8a",
        "android_24_x86_64",
        "ios_13_0_x86_64_iphonesimulator",
    }
    assert all("colorama" not in t["packages"] for t in run.json()["targets"])


def test_ios_only_dependency(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    run = check(capsys, project(tmp_path, "iosonly==1.0.0\n"), pypi_index, flet_index, *PY312)
    assert set(run.finding("FL001", "pyobjc-core")["targets"]) == set(IOS)


def test_abi_gap(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    run = check(capsys, project(tmp_path, "polars==1.33.0\n"), pypi_index, flet_index, *PY312)
    assert run.finding("FL001", "polars")["targets"] == ["android_24_armeabi_v7a"]
    limited = project(
        tmp_path,
        "polars==1.33.0\n",
        pyproject__toml='[tool.flet.android]\ntarget_arch = ["arm64-v8a", "x86_64"]\n',
    )
    assert check(capsys, limited, pypi_index, flet_index, *PY312).code == 0


def test_requires_python_and_yanked(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    app = project(tmp_path, "newpython\nyankedpkg\n")
    old = check(capsys, app, pypi_index, flet_index, *PY312).json()["targets"][0]["packages"]
    assert old == {"newpython": "1.0.0", "yankedpkg": "0.9.0"}
    new = check(capsys, app, pypi_index, flet_index, "--python-version", "3.13").json()
    assert new["python"] == "3.13"
    assert new["targets"][0]["packages"]["newpython"] == "2.0.0"


def test_python_version_follows_requires_python(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    app = project(
        tmp_path,
        "anyio\n",
        pyproject__toml='[project]\nname = "a"\nversion = "1"\nrequires-python = ">=3.10,<3.14"\n',
    )
    assert check(capsys, app, pypi_index, flet_index).json()["python"] == "3.13"


def test_extras_pull_in_their_dependencies(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pypi_index: LocalIndex
) -> None:
    plain = check(capsys, project(tmp_path, "extrapkg\n"), pypi_index, None, *PY312)
    assert plain.code == 0
    fast = check(capsys, project(tmp_path, "extrapkg[fast]\n"), pypi_index, None, *PY312)
    assert fast.finding("FL001", "msgpack")["chain"][0]["requirement"] == "extrapkg[fast]"


def test_url_requirement_is_reported_as_uncheckable(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    app = project(tmp_path, "anyio\nmylib @ https://example.invalid/mylib-1.0.tar.gz\n")
    run = check(capsys, app, pypi_index, flet_index, *PY312)
    assert run.code == 0
    finding = run.finding("FL006")
    assert finding["severity"] == "info"
    assert finding["location"]["line"] == 2


def test_malformed_requirement_is_a_located_usage_error(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    run = check(
        capsys, project(tmp_path, "anyio\npydantic>=>2\n"), pypi_index, flet_index, fmt="text"
    )
    assert run.code == 2
    assert "requirements.txt:2" in run.err
    assert "Traceback" not in run.err + run.out


def test_malformed_pyproject_is_a_located_usage_error(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "a"\ndependencies = ["anyio",\n')
    run = check(capsys, tmp_path, pypi_index, flet_index)
    assert run.code == 2
    assert "pyproject.toml:" in run.err
    assert "Traceback" not in run.err


def test_unknown_flag_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    from fletlint.cli import main

    assert main(["check", "--no-such-flag"]) == 2
    assert "unrecognized arguments" in capsys.readouterr().err


def test_second_run_only_revalidates(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    app = project(tmp_path, "supabase==2.20.0\n")
    first = check(capsys, app, pypi_index, flet_index, *PY312)
    pypi_index.clear_requests()
    flet_index.clear_requests()
    second = check(capsys, app, pypi_index, flet_index, *PY312)
    assert second.codes() == first.codes()
    requests = pypi_index.requests + flet_index.requests
    assert requests, "the second run should revalidate the project pages"
    assert all(r.is_conditional for r in requests), [
        (r.path, r.headers.get("accept"), r.status) for r in requests if not r.is_conditional
    ]


def test_offline_answers_from_the_cache(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    app = project(tmp_path, "pydantic==2.12.5\n")
    online = check(capsys, app, pypi_index, flet_index, *PY312)
    pypi_index.clear_requests()
    offline = check(capsys, app, pypi_index, flet_index, *PY312, "--offline")
    assert pypi_index.requests == []
    assert offline.codes() == online.codes()


def test_offline_with_an_empty_cache_says_so(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    run = check(capsys, project(tmp_path, "anyio\n"), pypi_index, flet_index, *PY312, "--offline")
    assert "FL005" in run.codes()
    assert pypi_index.requests == []


def test_snapshot_fallback_when_the_flet_index_is_down(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    flet_index.down()
    run = check(capsys, project(tmp_path, "flet==0.86.6\n"), pypi_index, flet_index, *PY312)
    problems = [f for f in run.json()["findings"] if f["code"] == "FL005"]
    assert len(problems) == 1
    assert "snapshot" in problems[0]["message"]
    # msgpack's phone wheels come from the embedded snapshot of Flet's index.
    assert run.json()["targets"][0]["packages"]["msgpack"] == "1.1.2"
    assert "FL001" not in run.codes()


def test_credentials_never_appear_in_output(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make_index: object,
    universe: object,
    flet_index: LocalIndex,
) -> None:
    from tests.support.universe import Universe

    assert isinstance(universe, Universe)
    private = make_index(universe.pypi_dir, auth=("alice", "s3cret-pw"))  # type: ignore[operator]
    good = private.url_with_credentials("alice", "s3cret-pw")
    bad = private.url_with_credentials("alice", "wrong-pw")
    from fletlint.cli import main

    for url in (good, bad):
        for fmt in ("json", "text"):
            code = main(
                [
                    "check",
                    str(project(tmp_path, "pydantic==2.12.5\n")),
                    "--format",
                    fmt,
                    "--index-url",
                    url,
                    "--flet-index-url",
                    flet_index.url,
                    *PY312,
                ]
            )
            captured = capsys.readouterr()
            assert code in (0, 1)
            assert "s3cret-pw" not in captured.out + captured.err
            assert "wrong-pw" not in captured.out + captured.err


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (("--python-version", "abc"), "Python 'abc' is not one flet build bundles"),
        (("--python-version", "3.9"), "choose from 3.12, 3.13, 3.14"),
        (("--target", "windows"), "unknown target 'windows'"),
    ],
)
def test_bad_target_or_python_is_a_usage_error(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
    flags: tuple[str, str],
    message: str,
) -> None:
    run = check(capsys, project(tmp_path, "anyio\n"), pypi_index, flet_index, *flags)
    assert run.code == 2
    assert message in run.err
    assert "Traceback" not in run.err


def test_an_internal_error_is_one_line_and_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    from fletlint.linter import engine

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(engine, "choose_python", broken)
    monkeypatch.delenv("FLETLINT_DEBUG", raising=False)
    run = check(capsys, project(tmp_path, "anyio\n"), pypi_index, flet_index)
    assert run.code == 2
    assert "internal error: RuntimeError('boom')" in run.err
    assert "Traceback" not in run.err


def test_pip_constraint_files_apply_unless_isolated(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    constraints = tmp_path / "constraints.txt"
    constraints.write_text("pydantic<2\n")
    monkeypatch.setenv("PIP_CONSTRAINT", str(constraints))
    app = tmp_path / "app"
    app.mkdir()
    project(app, "pydantic\n")
    constrained = check(capsys, app, pypi_index, flet_index, *PY312).json()
    assert constrained["targets"][0]["packages"]["pydantic"] == "1.10.24"
    isolated = check(capsys, app, pypi_index, flet_index, *PY312, "--isolated").json()
    assert isolated["targets"][0]["packages"]["pydantic"] == "2.11.7"
    monkeypatch.setenv("PIP_CONSTRAINT", str(tmp_path / "missing.txt"))
    missing = check(capsys, app, pypi_index, flet_index, *PY312)
    assert missing.code == 2
    assert "missing.txt" in missing.err


def test_a_check_collects_cycles_rarely_and_gives_the_threshold_back(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import gc

    from fletlint.linter.engine import Linter

    before = gc.get_threshold()
    during: list[tuple[int, int, int]] = []
    real = Linter.check

    def spy(self: Linter, *args: Any, **kwargs: Any) -> Any:
        during.append(gc.get_threshold())
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Linter, "check", spy)
    run = check(capsys, project(tmp_path, "anyio\n"), pypi_index, flet_index, *PY312)
    assert run.code == 0, run.out + run.err
    assert during == [(100_000, *before[1:])]
    assert gc.get_threshold() == before
