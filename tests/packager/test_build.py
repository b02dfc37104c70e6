"""`fletlint build` end to end against the local indexes: lock, fetch, install, serious_python's
package step (layout, app, clean-up), refusals, and an output that never goes missing."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import tomlkit

from tests.cli.helpers import Run, index_args, project, run_cli
from tests.support.index_server import LocalIndex
from tests.support.wheels import build_wheel

TARGETS = (
    "android_24_arm64_v8a",
    "android_24_armeabi_v7a",
    "android_24_x86_64",
    "ios_13_0_arm64_iphoneos",
    "ios_13_0_arm64_iphonesimulator",
    "ios_13_0_x86_64_iphonesimulator",
)
ARCH_KEYS = (
    "arm64-v8a",
    "armeabi-v7a",
    "x86_64",
    "iphoneos.arm64",
    "iphonesimulator.arm64",
    "iphonesimulator.x86_64",
)
JUNK = (
    "*.c",
    "*.h",
    "*.pyi",
    "*.pyx",
    "*.pxd",
    "*.a",
    "*.pdb",
    "*.exe",
    "*.dll",
    "*.typed",
    "__pycache__",
    "bin",
)


@pytest.fixture(autouse=True)
def no_interpreter(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whether this machine has a Python 3.12 must not change what a test sees: builds here keep
    .py files, except where a test hands an interpreter in."""
    monkeypatch.setattr("fletlint.packager.build.find_interpreter", lambda *a: None)


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t.invalid", *args],
        cwd=folder,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def committed(folder: Path) -> Path:
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(folder, "commit", "-q", "-m", "app")
    return folder


def app(tmp_path: Path, requirements: str, code: str = "import anyio\n") -> Path:
    folder = tmp_path / "app"
    folder.mkdir()
    project(folder, requirements, main__py=code)
    (folder / "assets").mkdir()
    (folder / "assets" / "icon.txt").write_text("icon\n")
    return committed(folder)


def build(
    capsys: pytest.CaptureFixture[str],
    folder: Path,
    out: Path | None,
    pypi: LocalIndex,
    flet: LocalIndex | None,
    *extra: str,
) -> Run:
    """`fletlint build` for Python 3.12 into `out` (None: the default, build/fletlint)."""
    where = ["-o", str(out)] if out is not None else []
    argv = ["build", str(folder), *where, "--python-version", "3.12", *index_args(pypi, flet)]
    return run_cli(capsys, *argv, *extra)


def files_under(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_builds_every_target(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    folder = app(tmp_path, "anyio\nflet==0.86.6\n", "import anyio\nimport flet\n")
    out = tmp_path / "out"
    run = build(capsys, folder, out, pypi_index, flet_index)
    assert run.code == 0, run.err + run.out
    assert sorted(p.name for p in out.iterdir()) == [
        "manifest.json",
        "pylock.toml",
        "python-app",
        "site-packages",
    ]
    assert not list(tmp_path.glob(".out.*")), "the staging folder was renamed, not left behind"

    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["python"] == "3.12"
    assert manifest["project"] == {"commit": git(folder, "rev-parse", "HEAD"), "dirty": False}
    assert manifest["app"] == {"android": "python-app", "ios": "python-app"}
    assert manifest["compiled"] is False
    assert "keeps .py files where flet build would compile them" in run.err
    assert manifest["lock"]["sha256"] == sha256(out / "pylock.toml")
    assert [t["name"] for t in manifest["targets"]] == list(TARGETS)
    assert [t["abi"] for t in manifest["targets"]] == list(ARCH_KEYS)
    assert sorted(p.name for p in (out / "site-packages").iterdir()) == sorted(ARCH_KEYS)
    assert all(t["size"] > 0 for t in manifest["targets"])
    assert {e["name"] for e in manifest["largest"]} >= {"anyio", "flet", "msgpack"}
    assert "largest packages:" in run.err and "site-packages/arm64-v8a" in run.err

    for target in manifest["targets"]:
        site = out / "site-packages" / target["abi"]
        names = {p["name"] for p in target["packages"]}
        assert {"anyio", "flet", "msgpack", "httpx", "oauthlib"} <= names
        msgpack = next(p for p in target["packages"] if p["name"] == "msgpack")
        # The phone wheel of this very target, from Flet's index: never the desktop one.
        assert msgpack["wheel"].endswith(f"-cp312-cp312-{target['name']}.whl"), msgpack
        assert (site / "msgpack" / "__init__.py").is_file()
        assert (site / "anyio" / "__init__.py").is_file()
        record = site / "msgpack-1.1.2.dist-info" / "RECORD"
        assert record.is_file()
        assert (site / "msgpack-1.1.2.dist-info" / "INSTALLER").read_text() == "fletlint\n"
        assert (site / "anyio-4.9.0.dist-info" / "REQUESTED").is_file()  # declared, as pip marks
        assert not (site / "msgpack-1.1.2.dist-info" / "REQUESTED").exists()
        assert "msgpack/__init__.py" in record.read_text()
        for pattern in JUNK:
            assert not list(site.rglob(pattern)), f"{pattern} left in {site}"

    # The lock lists the same wheels and hashes as the manifest, for every target.
    lock = tomlkit.parse((out / "pylock.toml").read_text()).unwrap()
    assert lock["lock-version"] == "1.0"
    assert lock["created-by"] == "fletlint"
    locked = {w["name"]: w["hashes"]["sha256"] for p in lock["packages"] for w in p["wheels"]}
    for target in manifest["targets"]:
        assert lock["tool"]["fletlint"]["targets"][target["name"]]["wheels"] == [
            p["wheel"] for p in target["packages"]
        ]
        for package in target["packages"]:
            assert locked[package["wheel"]] == package["sha256"]
    for package in lock["packages"]:
        assert "marker" not in package  # every target uses the same releases here
        for wheel in package["wheels"]:
            assert wheel["url"].startswith("http://127.0.0.1:")
            assert wheel["size"] > 0
    msgpack_entry = next(p for p in lock["packages"] if p["name"] == "msgpack")
    assert len(msgpack_entry["wheels"]) == 6  # one per target, one entry for the release

    assert files_under(out / "python-app") == ["assets/icon.txt", "main.py", "requirements.txt"]

    # A second build of the same tree: the same lock and manifest, byte for byte.
    again = build(capsys, folder, tmp_path / "again", pypi_index, flet_index)
    assert again.code == 0, again.err
    assert (tmp_path / "again" / "pylock.toml").read_bytes() == (out / "pylock.toml").read_bytes()
    assert (tmp_path / "again" / "manifest.json").read_bytes() == (
        out / "manifest.json"
    ).read_bytes()


@dataclass(frozen=True)
class Refusal:
    """A build that must be refused: the app, how it is built, the exit code and what it says."""

    folder: Path
    flet: LocalIndex | None
    extra: tuple[str, ...]
    code: int
    err: tuple[str, ...]
    out: tuple[str, ...] = ()


def a_failing_lint(tmp_path: Path, flet_index: LocalIndex) -> Refusal:
    folder = app(tmp_path, "pydantic==2.12.5\n")
    return Refusal(folder, flet_index, (), 1, ("nothing was built",), ("FL001",))


def a_wheel_that_does_not_match_its_hash(tmp_path: Path, flet_index: LocalIndex) -> Refusal:
    # A find-links page that advertises one sha256 for a wheel whose bytes have another: what a
    # tampered mirror (or a file replaced after its listing was read) looks like to the client.
    links = tmp_path / "links"
    wheel = build_wheel(links, "tamperme", "1.0.0")
    advertised = hashlib.sha256(b"the original bytes").hexdigest()
    page = links / "index.html"
    page.write_text(f'<a href="{wheel.name}#sha256={advertised}">{wheel.name}</a>\n')
    folder = app(tmp_path, "tamperme\n", "import tamperme\n")
    said = ("tamperme-1.0.0-py3-none-any.whl: sha256 mismatch", advertised, sha256(wheel))
    return Refusal(folder, None, ("--find-links", str(page)), 2, (*said, "nothing was installed"))


def wheels_known_only_from_the_snapshot(tmp_path: Path, flet_index: LocalIndex) -> Refusal:
    # The lint may pass on the embedded snapshot of Flet's index; the build needs real files.
    folder = app(tmp_path, "anyio\nflet==0.86.6\n")
    flet_index.down()
    return Refusal(folder, flet_index, (), 2, ("known only from fletlint's embedded snapshot",))


@pytest.mark.parametrize(
    "refusal",
    [a_failing_lint, a_wheel_that_does_not_match_its_hash, wheels_known_only_from_the_snapshot],
)
@pytest.mark.parametrize("output", ["given", "default"])
def test_a_refused_build_writes_nothing(
    refusal: Callable[[Path, LocalIndex], Refusal],
    output: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    case = refusal(tmp_path, flet_index)
    before = sorted(p.name for p in tmp_path.iterdir())
    out = tmp_path / "out" if output == "given" else None
    run = build(capsys, case.folder, out, pypi_index, case.flet, *case.extra)
    assert run.code == case.code, run.err + run.out
    for said in case.err:
        assert said in run.err
    for said in case.out:
        assert said in run.out
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert not (case.folder / "build").exists()


def an_uncommitted_change(tmp_path: Path) -> tuple[Path, str | None]:
    folder = app(tmp_path, "anyio\n")
    (folder / "main.py").write_text("import anyio  # edited\n")
    return folder, git(folder, "rev-parse", "HEAD")


def outside_git(tmp_path: Path) -> tuple[Path, str | None]:
    return project(tmp_path / "plain", "anyio\n", main__py="import anyio\n"), None


@pytest.mark.parametrize(
    ("tree", "said"),
    [
        (an_uncommitted_change, "uncommitted changes (main.py)"),
        (outside_git, "not in a git repository"),
    ],
)
def test_a_dirty_tree_is_refused_unless_allowed(
    tree: Callable[[Path], tuple[Path, str | None]],
    said: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    folder, commit = tree(tmp_path)
    run = build(capsys, folder, tmp_path / "out", pypi_index, flet_index)
    assert run.code == 2
    assert said in run.err
    assert "--allow-dirty" in run.err
    assert not (tmp_path / "out").exists()
    assert not pypi_index.requests_to("/"), "refused before reading any index"

    allowed = build(capsys, folder, tmp_path / "out", pypi_index, flet_index, "--allow-dirty")
    assert allowed.code == 0, allowed.err
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["project"] == {"commit": commit, "dirty": True}
    shipped = (tmp_path / "out" / "python-app" / "main.py").read_text()
    assert shipped == (folder / "main.py").read_text()


def test_hashes_an_index_does_not_give_are_computed_and_marked(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    pypi_index: LocalIndex,
) -> None:
    links = tmp_path / "links"  # a find-links folder lists files without hashes
    wheel = build_wheel(links, "nohash", "1.0.0")
    folder = app(tmp_path, "nohash\n", "import nohash\n")
    out = tmp_path / "out"
    run = build(capsys, folder, out, pypi_index, None, "--find-links", str(links))
    assert run.code == 0, run.err + run.out
    lock = tomlkit.parse((out / "pylock.toml").read_text()).unwrap()
    (entry,) = [p for p in lock["packages"] if p["name"] == "nohash"]
    assert entry["wheels"][0]["hashes"]["sha256"] == sha256(wheel)
    assert entry["wheels"][0]["url"] == wheel.as_uri()
    assert entry["tool"]["fletlint"]["computed-hashes"] == [wheel.name]


def test_only_a_target_subset_and_an_earlier_build_is_replaced(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    folder = app(tmp_path, "anyio\n")
    out = tmp_path / "out"
    assert build(capsys, folder, out, pypi_index, flet_index).code == 0
    run = build(capsys, folder, out, pypi_index, flet_index, "--target", "ios")
    assert run.code == 0, run.err
    assert sorted(p.name for p in (out / "site-packages").iterdir()) == [
        "iphoneos.arm64",
        "iphonesimulator.arm64",
        "iphonesimulator.x86_64",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app", "out"]


def test_never_replaces_a_folder_it_did_not_write(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    folder = app(tmp_path, "anyio\n")
    run = build(capsys, folder, folder / "assets", pypi_index, flet_index)
    assert run.code == 2
    assert "is not a fletlint build output" in run.err
    assert (folder / "assets" / "icon.txt").is_file()


def an_interrupted_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("fletlint.packager.build.install_targets", interrupted)


def a_killed_builds_staging(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # What a SIGKILLed build leaves: its staging folder, named by a process that is gone.
    (tmp_path / f".out.tmp-{2**22 + 11}-x" / "site-packages").mkdir(parents=True)


@pytest.mark.parametrize(
    ("first", "meanwhile", "code"),
    [
        # Interrupted: the earlier output (every target) stays, not the android one begun.
        ((), an_interrupted_install, 130),
        # The next build removes a killed build's staging folder, and writes the same output.
        (("--target", "android"), a_killed_builds_staging, 0),
    ],
    ids=["interrupted", "after-a-killed-build"],
)
def test_a_second_build_leaves_the_earlier_output_and_no_staging(
    first: tuple[str, ...],
    meanwhile: Callable[[Path, pytest.MonkeyPatch], None],
    code: int,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    folder = app(tmp_path, "anyio\n")
    out = tmp_path / "out"
    assert build(capsys, folder, out, pypi_index, flet_index, *first).code == 0
    before = (out / "manifest.json").read_bytes()
    meanwhile(tmp_path, monkeypatch)
    run = build(capsys, folder, out, pypi_index, flet_index, "--target", "android")
    assert run.code == code, run.err
    assert (out / "manifest.json").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app", "out"]


def flet_create_app(tmp_path: Path) -> Path:
    """An app as `flet create` lays it out: pyproject.toml at the root, the code in src/."""
    folder = tmp_path / "myapp"
    files = {
        "pyproject.toml": (
            '[project]\nname = "myapp"\nversion = "0.1.0"\nrequires-python = ">=3.10"\n'
            'dependencies = ["anyio", "flet==0.86.6"]\n\n'
            '[tool.flet.app]\npath = "src"\nexclude = ["secret.txt"]\n'
        ),
        "README.md": "# myapp\n",
        ".env": "TOKEN=top\n",
        "src/main.py": "import anyio\nimport flet\n",
        "src/secret.txt": "do not ship\n",
        "src/.env": "KEY=value\n",
        "src/assets/icon.png": "png\n",
        "src/pkg/__init__.py": "",
        "src/pkg/build/keep.py": "X = 1\n",
        "src/node_modules/x.js": "js\n",
        "src/requirements.txt": "--extra-index-url https://user:s3cret@example.invalid/simple\nanyio\n",
    }
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    return committed(folder)


def test_a_flet_create_app_builds_as_flet_stages_it(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    folder = flet_create_app(tmp_path)
    run = build(capsys, folder, None, pypi_index, flet_index)
    assert run.code == 0, run.err + run.out
    out = folder / "build" / "fletlint"
    # The app comes from [tool.flet.app].path; nothing from the project root; its exclude,
    # the top-level hidden entries and nothing else are left out (pkg/build and node_modules stay).
    assert files_under(out / "python-app") == [
        "assets/icon.png",
        "main.py",
        "node_modules/x.js",
        "pkg/__init__.py",
        "pkg/build/keep.py",
        "requirements.txt",
    ]
    shipped = (out / "python-app" / "requirements.txt").read_text()
    assert "s3cret" not in shipped and "https://***@example.invalid/simple" in shipped
    assert "requirements.txt: index credentials masked" in run.err
    assert ".env is not packaged" in run.err
    assert "build/fletlint/ is not ignored by git" in run.err
    # The output is not the user's change: a second build of the same commit is not refused.
    again = build(capsys, folder, None, pypi_index, flet_index)
    assert again.code == 0, again.err
    assert sorted(p.name for p in (folder / "build").iterdir()) == ["fletlint"]


@pytest.mark.parametrize(
    "href",
    ["..%2F..%2Fevil-1.0.0-py3-none-any.whl", "sub%2Fevil-1.0.0-py3-none-any.whl"],
)
def test_a_wheel_filename_from_the_index_never_leaves_the_cache(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    pypi_index: LocalIndex,
    href: str,
    isolated_env: Path,
) -> None:
    links = tmp_path / "links"
    wheel = build_wheel(links, "evil", "1.0.0")
    (links / "index.html").write_text(f'<a href="{href}#sha256={sha256(wheel)}">x</a>\n')
    folder = app(tmp_path, "evil\n", "import evil\n")
    run = build(
        capsys,
        folder,
        tmp_path / "out",
        pypi_index,
        None,
        "--find-links",
        str(links / "index.html"),
    )
    # The index client already drops a link whose name is not a plain filename: no such project.
    assert run.code == 1 and "FL004" in run.out, run.err + run.out
    written = {p.name for p in tmp_path.rglob("evil-1.0.0-py3-none-any.whl")}
    assert written == {wheel.name} and len(list(tmp_path.rglob("evil-*.whl"))) == 1
    assert not (isolated_env / "wheels-v1").exists() or not any(
        p.name.startswith("evil") for p in (isolated_env / "wheels-v1").rglob("*")
    )


def test_compiled_as_flet_build_compiles_and_the_web_asset(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    isolated_env: Path,
    tmp_path: Path,
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    # This interpreter stands in for a Python 3.12 one: what is tested is that app and packages
    # are compiled beside their sources (compileall -b) and the sources deleted.
    monkeypatch.setattr("fletlint.packager.build.find_interpreter", lambda *a: Path(sys.executable))
    folder = app(tmp_path, "anyio\n")
    out = tmp_path / "out"
    run = build(capsys, folder, out, pypi_index, flet_index, "--target", "android", "--web")
    assert run.code == 0, run.err + run.out
    assert files_under(out / "python-app") == ["assets/icon.txt", "main.pyc", "requirements.txt"]
    site = files_under(out / "site-packages" / "arm64-v8a")
    assert "anyio/__init__.pyc" in site and not [f for f in site if f.endswith(".py")]
    # The folders are hard-linked from installed images in the cache: compiling and cleaning
    # them up deleted links, never the images' files.
    (image,) = [p for p in (isolated_env / "installed-v1").iterdir() if (p / "anyio").is_dir()]
    assert (image / "anyio" / "__init__.py").is_file()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["compiled"] is True and manifest["web"] == "app.zip"
    # The web asset leaves out assets/ (flet build's web exclude) and says its own sha256.
    names = zipfile.ZipFile(out / "app.zip").namelist()
    assert names == ["main.pyc", "requirements.txt"]
    assert (out / "app.zip.hash").read_text() == sha256(out / "app.zip")


def test_git_runs_no_hook_and_no_fsmonitor_of_the_project(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    folder = app(tmp_path, "anyio\n")
    marker = tmp_path / "ran"
    hook = tmp_path / "hook.sh"
    hook.write_text(f"#!/bin/sh\ntouch {marker}\n")
    hook.chmod(0o755)
    git(folder, "config", "core.fsmonitor", str(hook))
    (folder / ".git" / "hooks" / "post-index-change").write_text(hook.read_text())
    (folder / ".git" / "hooks" / "post-index-change").chmod(0o755)
    run = build(capsys, folder, tmp_path / "out", pypi_index, flet_index, "--target", "android")
    assert run.code == 0, run.err + run.out
    assert not marker.exists(), "the project's git configuration ran a program"
