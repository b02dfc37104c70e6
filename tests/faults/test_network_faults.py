"""Bad networks and bad indexes: every fault ends the check in bounded time with a clear answer.

The rule: an index that cannot be read is said once (FL005) and the check goes on with the
other indexes; Flet's index falls back to the snapshot; a bad metadata file falls back to the
wheel itself and the answer stays right; credentials never reach the output. Faults come from
tests/support/faults.py on a per-test LocalIndex (the session indexes stay healthy).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.helpers import Run, check, project
from tests.conftest import MakeIndex
from tests.support import faults
from tests.support.faults import Faults
from tests.support.index_server import JSON_TYPE, LocalIndex
from tests.support.universe import Universe
from tests.support.wheels import build_wheel, wheel_filename

USER, PASSWORD = "alice", "s3cret-pw"
# One target keeps each check short; the faults are per index, not per target.
FAST = ("--python-version", "3.12", "--target", "android_24_arm64_v8a")
# The client's read timeout, which the stalls exercise: generous for a healthy local answer on a
# loaded machine, and far below STALL, so the stalled answer cannot come in time even when the
# client reads late. The outcome proves the client gave up by itself (an FL005, or the wheel read
# instead of its metadata): a client that waited would have read the whole answer.
TIMEOUT = "3"
STALL = 20.0


@pytest.fixture(autouse=True)
def read_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLETLINT_TIMEOUT", TIMEOUT)


def run_check(
    capsys: pytest.CaptureFixture[str],
    app: Path,
    index: LocalIndex | str,
    flet: LocalIndex,
    *extra: str,
) -> Run:
    run = check(capsys, app, index, flet, *FAST, *extra)
    assert "Traceback" not in run.err and "internal error" not in run.err, run.err
    # Credentials given in the index URL never come back, whatever went wrong.
    assert PASSWORD not in run.out + run.err
    return run


@pytest.fixture
def private_pypi(make_index: MakeIndex, universe: Universe) -> Iterator[LocalIndex]:
    """A PyPI mirror with Basic auth, so every message is also checked for the password."""
    yield make_index(universe.pypi_dir, yanked=universe.yanked, auth=(USER, PASSWORD))


@pytest.fixture
def own_flet(make_index: MakeIndex, universe: Universe) -> Iterator[LocalIndex]:
    yield make_index(universe.flet_dir)


def _creds(index: LocalIndex) -> str:
    return index.url_with_credentials(USER, PASSWORD)


PAGE_FAULTS = {
    "500": faults.status(500),
    "429": faults.status(429, {"Retry-After": "120"}),
    "truncated": faults.truncated(),
    "reset": faults.reset(),
    "invalid-json": faults.body(b'{"meta": {"api-version": "1.1"}, "files": [', JSON_TYPE),
    "html-as-json": faults.body(b"<html><body>Service Unavailable</body></html>"),
    "slow-body": faults.slow(STALL),
    "stall-before-headers": faults.slow(STALL, before_headers=True),
}


@pytest.mark.parametrize("fault", sorted(PAGE_FAULTS))
def test_a_faulty_pypi_is_one_fl005_and_flets_index_still_answers(
    fault: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    private_pypi: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    Faults().on(r"^/simple/", PAGE_FAULTS[fault]).install(private_pypi)
    app = project(tmp_path, "msgpack\n")
    run = run_check(capsys, app, _creds(private_pypi), flet_index)
    (problem,) = run.findings_with("FL005")
    # Named by its redacted URL (`http://***@host/simple/`), said once for all its projects.
    assert problem["notes"] == [f"http://***@127.0.0.1:{private_pypi.port}/simple/"]
    assert "could not be read" in problem["message"]
    # msgpack's phone wheels live on Flet's index, which is fine: its result still comes.
    assert run.packages()["msgpack"] == "1.1.2"
    # After the first failure the index is not asked again for every other project.
    assert len(private_pypi.requests_to("/simple/")) <= 2


@pytest.mark.parametrize("fault", ["404", "html-garbage", "json-as-text-html"])
def test_a_page_that_lists_nothing_is_no_release_not_a_crash(
    fault: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    private_pypi: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    """An answer that is a valid 'no files here' (PEP 503 404, an HTML page without links) is
    what pip would read too: the project has no release there (FL004), the index is not down."""
    action = {
        "404": faults.status(404),
        "html-garbage": faults.body(b"\x00\xff<<a href=>>\xfe garbage", "text/html"),
        "json-as-text-html": faults.content_type("text/html"),
    }[fault]
    Faults().on(r"^/simple/anyio/", action).install(private_pypi)
    run = run_check(capsys, project(tmp_path, "anyio\n"), _creds(private_pypi), flet_index)
    assert run.code == 1
    assert run.finding("FL004", "anyio")["location"]["line"] == 1


@pytest.mark.parametrize("fault", ["500", "slow-body", "invalid-json", "reset"])
def test_a_faulty_flet_index_falls_back_to_the_snapshot_said_once(
    fault: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi_index: LocalIndex,
    own_flet: LocalIndex,
) -> None:
    Faults().on(r"^/simple/", PAGE_FAULTS[fault]).install(own_flet)
    app = project(tmp_path, "flet==0.86.6\n")
    run = run_check(capsys, app, pypi_index, own_flet)
    (problem,) = run.findings_with("FL005")
    assert "snapshot" in problem["message"]
    # msgpack's phone wheels come from the snapshot; pypi's own answers are all there.
    assert run.packages()["msgpack"] == "1.1.2"
    assert run.packages()["oauthlib"] == "3.3.1"
    assert "FL001" not in run.codes()


PYDANTIC = wheel_filename("pydantic", "2.12.5")


def _pydantic_chain_is_found(run: Run) -> None:
    """pydantic 2.12.5 needs pydantic-core 2.41.5, which has no phone wheel: FL001, via the
    Requires-Dist that only the real metadata holds."""
    assert run.code == 1
    fl001 = run.finding("FL001", "pydantic-core")
    assert [link["name"] for link in fl001["chain"]][:2] == ["pydantic", "pydantic-core"]


def test_metadata_whose_hash_does_not_match_is_read_from_the_wheel(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    private_pypi: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    # A .metadata that says "no dependencies": believing it would hide the FL001.
    lie = b"Metadata-Version: 2.1\nName: pydantic\nVersion: 2.12.5\n\n"
    Faults().on(rf"{PYDANTIC}\.metadata$", faults.rewrite(lambda _: lie)).install(private_pypi)
    app = project(tmp_path, "pydantic==2.12.5\n")
    run = run_check(capsys, app, _creds(private_pypi), flet_index)
    _pydantic_chain_is_found(run)
    assert run.findings_with("FL005") == []
    assert any(r.is_range for r in private_pypi.requests_to(f"/files/{PYDANTIC}"))


@pytest.mark.parametrize("fault", ["500", "truncated", "reset", "slow-body"])
def test_a_failing_metadata_file_falls_back_to_the_wheel(
    fault: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    private_pypi: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    Faults().on(rf"{PYDANTIC}\.metadata$", PAGE_FAULTS[fault]).install(private_pypi)
    app = project(tmp_path, "pydantic==2.12.5\n")
    run = run_check(capsys, app, _creds(private_pypi), flet_index)
    _pydantic_chain_is_found(run)
    assert any(r.is_range for r in private_pypi.requests_to(f"/files/{PYDANTIC}"))


def test_a_server_that_ignores_range_still_gives_the_metadata(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    private_pypi: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    private_pypi.pep658 = False
    Faults().on(r"\.whl$", faults.ignore_range(private_pypi)).install(private_pypi)
    app = project(tmp_path, "pydantic==2.12.5\n")
    run = run_check(capsys, app, _creds(private_pypi), flet_index)
    _pydantic_chain_is_found(run)
    assert run.findings_with("FL005") == []
    wheel_answers = private_pypi.requests_to(f"/files/{PYDANTIC}")
    assert wheel_answers and all(r.is_range for r in wheel_answers)


def test_a_corrupt_wheel_is_one_fl005_not_a_silent_empty_dependency_list(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    private_pypi: LocalIndex,
    flet_index: LocalIndex,
) -> None:
    private_pypi.pep658 = False
    garbage = faults.rewrite(lambda data: b"PK\x03\x04 not a zip " + bytes(range(256)) * 8)
    Faults().on(rf"{PYDANTIC}$", garbage).install(private_pypi)
    app = project(tmp_path, "pydantic==2.12.5\n")
    run = run_check(capsys, app, _creds(private_pypi), flet_index)
    (problem,) = run.findings_with("FL005")
    assert PYDANTIC in problem["message"]
    assert "dependencies" in problem["message"]


def test_metadata_with_garbage_lines_is_read_as_pip_reads_it(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make_index: MakeIndex,
    flet_index: LocalIndex,
) -> None:
    files = tmp_path / "index"
    wheel = build_wheel(files, "garbled", "1.0.0", requires_dist=["anyio"])
    build_wheel(files, "anyio", "4.9.0")
    # Valid UTF-8 (the test index parses METADATA strictly), but lines no parser wants.
    junk = "\u00ff\u0001 binary\nRequires-Dist: ][ not a requirement\nno colon here\n".encode()

    def garble(metadata: bytes) -> bytes:
        head, _, rest = metadata.partition(b"Requires-Dist")
        return head + junk + b"Requires-Dist" + rest

    faults.rewrite_member(wheel, ".dist-info/METADATA", garble)
    index = make_index(files, pep658=False)
    app = tmp_path / "app"
    app.mkdir()
    run = run_check(capsys, project(app, "garbled\n"), index, flet_index)
    # pip reads METADATA with the email parser (importlib.metadata), as packaging.metadata
    # does: a line that is no header ends the headers, and what follows is the body. So the
    # Requires-Dist after the garbage is not a dependency for pip either.
    assert run.packages() == {"garbled": "1.0.0"}, run.out
    assert run.findings_with("FL005") == []
