"""A hostile project or command line: every input gets a clean answer, and no secret is printed.

Clean means a located exit 2 (`fletlint: error: ...`), or a check that goes on and says what it
skipped; never an internal error, a traceback, a hang or a MemoryError.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fletlint.linter.index.limits import MAX_PROJECT_FILE_BYTES
from fletlint.report import diff
from tests.cli.helpers import Run, check, project
from tests.conftest import MakeIndex
from tests.support.index_server import LocalIndex
from tests.support.unified_diff import apply_one_file
from tests.support.universe import Universe

FAST = ("--python-version", "3.12", "--target", "android_24_arm64_v8a")
USER, PASSWORD = "bob", "s3cr3t-pw"
FORMATS = ("text", "json", "sarif", "github")


def clean(run: Run) -> None:
    assert "Traceback" not in run.out + run.err, run.err
    assert "internal error" not in run.err, run.err
    assert PASSWORD not in run.out + run.err, run.out + run.err


def usage_error(run: Run) -> str:
    clean(run)
    assert run.code == 2, (run.code, run.out, run.err)
    (line,) = run.err.strip().splitlines()
    assert line.startswith("fletlint: error: "), line
    return line


@pytest.fixture
def go(
    capsys: pytest.CaptureFixture[str], pypi_index: LocalIndex, flet_index: LocalIndex
) -> object:
    def run(app: Path, *extra: str, fmt: str = "json") -> Run:
        return check(capsys, app, pypi_index, flet_index, *FAST, *extra, fmt=fmt)

    return run


# -- the command line ------------------------------------------------------------------------------

BAD_OPTIONS = {
    "ipv6-unclosed": (("-i", "http://[::1/simple"), "Invalid IPv6 URL"),
    "password-with-slash": (("-i", f"http://{USER}:{PASSWORD[:3]}/{PASSWORD[3:]}@h/"), "%2F"),
    "nul-in-index": (("-i", "http://h/\x00simple/"), "NUL byte"),
    "surrogate-in-index": (("--extra-index-url", "http://h\ud800/"), "lone surrogate"),
    "ftp-index": (("--extra-index-url", "ftp://h/simple/"), "only http, https and file"),
    "nul-in-find-links": (("-f", "/tmp/\x00links"), "NUL byte"),
    "surrogate-in-find-links": (("-f", "/tmp/\ud800"), "lone surrogate"),
    "nul-in-requirement": (("-r", "req\x00.txt"), "invalid file name"),
    "surrogate-in-requirement": (("-r", "req\ud800.txt"), "invalid file name"),
}


@pytest.mark.parametrize("case", sorted(BAD_OPTIONS))
def test_a_bad_option_is_a_usage_error(case: str, tmp_path: Path, go: object) -> None:
    args, said = BAD_OPTIONS[case]
    line = usage_error(go(project(tmp_path, "anyio\n"), *args))  # type: ignore[operator]
    assert said in line


@pytest.mark.parametrize("cache_dir", ["/tmp/\x00cache", "/tmp/\ud800cache"])
def test_an_unusable_cache_folder_only_costs_speed(
    cache_dir: str, tmp_path: Path, go: object
) -> None:
    run: Run = go(project(tmp_path, "anyio==4.9.0\n"), "--cache-dir", cache_dir)  # type: ignore[operator]
    clean(run)
    assert run.code == 0
    assert run.json()["targets"][0]["packages"]["anyio"] == "4.9.0"


# -- project files that are not files ---------------------------------------------------------------


def test_requirements_that_are_a_fifo_or_a_device_are_located_errors(
    tmp_path: Path, go: object
) -> None:
    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    line = usage_error(go(tmp_path, "-r", str(fifo)))  # type: ignore[operator]
    assert f"{fifo}:1:1: cannot read requirements file" in line and "a named pipe" in line
    line = usage_error(go(tmp_path, "-r", str(tmp_path / "zero.txt")))  # type: ignore[operator]
    assert "it is a device, not a file" in line


def test_an_included_fifo_is_located_at_the_line_that_includes_it(
    tmp_path: Path, go: object
) -> None:
    os.mkfifo(tmp_path / "more.txt")
    project(tmp_path, "anyio\n-r more.txt\n")
    line = usage_error(go(tmp_path))  # type: ignore[operator]
    assert "requirements.txt:2:4: cannot read requirements file" in line


def test_a_50_mb_requirements_file_is_a_located_error(tmp_path: Path, go: object) -> None:
    with (tmp_path / "requirements.txt").open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: the size is what counts, not the bytes
    line = usage_error(go(tmp_path))  # type: ignore[operator]
    assert f"larger than the {MAX_PROJECT_FILE_BYTES // (1024 * 1024)} MiB limit" in line


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_pyproject_that_is_not_a_file_is_never_read(
    kind: str, tmp_path: Path, go: object
) -> None:
    """flet build reads pyproject.toml only when it is a regular file; neither does fletlint
    (reading would hang on the FIFO and never end on the device)."""
    target = tmp_path / "pyproject.toml"
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to("/dev/zero")
    run: Run = go(target)  # type: ignore[operator]
    clean(run)
    if run.code == 2:
        assert "pyproject.toml" in usage_error(run)
    else:  # the folder is checked without it: flet build's implicit `flet`
        assert run.json()["targets"][0]["packages"]["flet"]


def test_python_files_that_are_not_files_or_too_big_are_skipped_with_a_note(
    tmp_path: Path, go: object
) -> None:
    project(tmp_path, "anyio==4.9.0\n")
    (tmp_path / "main.py").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / "big.py").write_text("import numpy\n" + "x = 1\n" * 200_000)
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "hidden.py").write_text("import numpy\n")
    locked.chmod(0)
    try:
        run: Run = go(tmp_path)  # type: ignore[operator]
    finally:
        locked.chmod(0o755)
    clean(run)
    assert run.code in (0, 1), run.err
    notes = {f["location"]["path"]: f["message"] for f in run.json()["findings"]}
    assert "larger than the 256 kB limit" in notes[str(tmp_path / "big.py")]
    # numpy is imported only by files that were not read: nothing is reported for it.
    assert all(f.get("package") != "numpy" for f in run.json()["findings"] if f["code"] != "FL101")


# -- secrets ----------------------------------------------------------------------------------------


def _secret_url(host: str = "127.0.0.1:9") -> str:
    return f"http://{USER}:{PASSWORD}@{host}"


@pytest.mark.parametrize("fmt", FORMATS)
def test_url_and_editable_requirements_and_index_options_print_no_password(
    fmt: str, tmp_path: Path, go: object
) -> None:
    project(
        tmp_path,
        f"--extra-index-url {_secret_url()}/simple/\n"
        f"--find-links {_secret_url()}/links/\n"
        "anyio==4.9.0\n"
        f"pkg @ {_secret_url('example.invalid')}/pkg-1.0-py3-none-any.whl\n"
        f"-e git+{_secret_url('example.invalid')}/repo.git#egg=thing\n",
    )
    run: Run = go(tmp_path, fmt=fmt)  # type: ignore[operator]
    clean(run)
    assert "***@" in run.out


@pytest.mark.parametrize("option", ["-r", "-c"])
def test_a_remote_requirements_or_constraints_file_prints_no_password(
    option: str, tmp_path: Path, go: object
) -> None:
    project(tmp_path, f"anyio\n{option} {_secret_url()}/more.txt\n")
    line = usage_error(go(tmp_path))  # type: ignore[operator]
    assert "remote requirements files are not supported: 'http://***@127.0.0.1:9/more.txt'" in line


def test_a_remote_pip_constraint_prints_no_password(
    tmp_path: Path, go: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PIP_CONSTRAINT", f"{_secret_url()}/constraints.txt")
    line = usage_error(go(project(tmp_path, "anyio\n")))  # type: ignore[operator]
    assert "http://***@127.0.0.1:9/constraints.txt" in line


def test_a_pip_conf_without_a_section_prints_no_password(
    tmp_path: Path, go: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    conf = tmp_path / "pip.conf"
    conf.write_text(f"index-url = {_secret_url()}/simple/\n")
    monkeypatch.setenv("PIP_CONFIG_FILE", str(conf))
    app = tmp_path / "app"
    app.mkdir()
    line = usage_error(go(project(app, "anyio\n")))  # type: ignore[operator]
    assert "no section headers" in line.lower() and "***@" in line


def test_a_401_is_retried_with_netrc_credentials_as_pip_does(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make_index: MakeIndex,
    universe: Universe,
    flet_index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    private = make_index(universe.pypi_dir, auth=(USER, PASSWORD))
    app = tmp_path / "app"
    app.mkdir()
    project(app, "anyio\n")

    def run() -> Run:
        return check(capsys, app, private, flet_index, *FAST)

    without = run()
    clean(without)
    assert any("HTTP 401" in f["message"] for f in without.json()["findings"])
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login {USER} password {PASSWORD}\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("FLETLINT_CACHE_DIR", str(tmp_path / "fresh-cache"))
    with_netrc = run()
    clean(with_netrc)
    assert with_netrc.json()["targets"][0]["packages"]["anyio"] == "4.9.0"
    assert [f for f in with_netrc.json()["findings"] if f["code"] == "FL005"] == []


# -- --diff output ----------------------------------------------------------------------------------

CONTEXT_LINES = {
    "credentials": f"# mirror: {_secret_url()}/simple/\n",
    "line-separator": "# line\u2028separator\n",
    "form-feed": "# form\x0c# feed\n",
    "lone-cr": "# lone\r# carriage return\n",
}


@pytest.mark.parametrize("context", sorted(CONTEXT_LINES))
def test_diff_is_well_formed_redacted_and_what_fix_writes(
    context: str, tmp_path: Path, go: object
) -> None:
    original = CONTEXT_LINES[context] + "loosepar==1.0.0\nanyio\n"
    requirements = tmp_path / "requirements.txt"
    requirements.write_bytes(original.encode())
    shown: Run = go(tmp_path, "--diff", fmt="text")  # type: ignore[operator]
    clean(shown)
    assert requirements.read_bytes() == original.encode()
    fixed: Run = go(tmp_path, "--fix", fmt="text")  # type: ignore[operator]
    clean(fixed)
    written = requirements.read_bytes().decode()
    redacted = original.replace(f"{USER}:{PASSWORD}@", "***@")
    if shown.out:
        assert "loosechild==1.1.0" in written
        # Read back as `patch` would: the diff turns the (redacted) original into what --fix
        # wrote, context lines holding U+2028, a form feed or a lone CR included.
        assert apply_one_file(shown.out, redacted) == written.replace(f"{USER}:{PASSWORD}@", "***@")
    else:
        assert "No fixes" in shown.err and written == original


@pytest.mark.parametrize("separator", ["\u2028", "\x0c", "\r", "\x1c", "\x85", "\u2029", "\v"])
def test_diff_render_splits_lines_at_newlines_only(separator: str, tmp_path: Path) -> None:
    old = f"a{separator}b\nc\nd{separator}\n"
    new = f"a{separator}b\nc2\nd{separator}\n"
    path = tmp_path / "f.txt"
    out = diff.render({path: old}, {path: new}, tmp_path)
    assert apply_one_file(out, old) == new
