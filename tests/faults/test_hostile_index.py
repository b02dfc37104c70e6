"""A hostile index: every attack ends in a clean answer, within bounds, with no secret printed.

The index is the test suite's PyPI mirror behind Basic auth (so every output is also searched for
the password), made hostile per test by tests/support/hostile_server.py. Flet's index stays
healthy: the check must still answer for what it serves. The clean answer is one FL005 naming the
index (or, where the attack only costs a shortcut, the right answer and no FL005); never an
internal error, a traceback, a hang, or memory in gigabytes. The memory-heavy attacks are measured
in a subprocess under an address-space limit in test_hostile_memory.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest

from fletlint.linter.index import limits
from fletlint.linter.index.limits import MAX_PAGE_BYTES, MiB
from tests.cli.helpers import Run, check, project
from tests.conftest import MakeIndex
from tests.support import hostile_server as hostile
from tests.support.faults import Action, Faults
from tests.support.faults import body as faults_body
from tests.support.index_server import LocalIndex
from tests.support.universe import Universe
from tests.support.wheels import build_wheel, wheel_filename

USER, PASSWORD = "alice", "s3cr3t-pw"
FAST = ("--python-version", "3.12", "--target", "android_24_arm64_v8a")
# The read timeout, and with it the request deadline (60 s) and the check's (300 s): generous, so
# that a loaded machine reading a healthy answer, or a body up to its size limit, never meets
# them. No attack here is ended by a read timing out; the two a deadline ends shorten that
# deadline alone (`shorten`).
TIMEOUT = "10"


@pytest.fixture(autouse=True)
def read_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLETLINT_TIMEOUT", TIMEOUT)


def shorten(
    monkeypatch: pytest.MonkeyPatch, *, request: float | None = None, check: float | None = None
) -> None:
    """The deadline per request or per check, in seconds, the read timeout staying TIMEOUT (the
    deadlines are set as multiples of it)."""
    if request is not None:
        monkeypatch.setattr(limits, "REQUEST_DEADLINE_READS", request / float(TIMEOUT))
    if check is not None:
        monkeypatch.setattr(limits, "CHECK_DEADLINE_READS", check / float(TIMEOUT))


def clean(run: Run) -> None:
    """No crash, no traceback, no secret: whatever the attack was."""
    assert "Traceback" not in run.out + run.err, run.err
    assert "internal error" not in run.err, run.err
    assert PASSWORD not in run.out + run.err


def run_check(
    capsys: pytest.CaptureFixture[str], app: Path, index: LocalIndex | str, flet: LocalIndex
) -> Run:
    run = check(capsys, app, index, flet, *FAST)
    clean(run)
    assert run.code in (0, 1), run.err
    return run


@pytest.fixture
def private_pypi(make_index: MakeIndex, universe: Universe) -> Iterator[LocalIndex]:
    yield make_index(universe.pypi_dir, yanked=universe.yanked, auth=(USER, PASSWORD))


def _creds(index: LocalIndex) -> str:
    return index.url_with_credentials(USER, PASSWORD)


class Attack(Protocol):
    def __call__(self, action: Action, pattern: str = ..., requirements: str = ...) -> Run: ...


@pytest.fixture
def attack(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    private_pypi: LocalIndex,
    flet_index: LocalIndex,
) -> Attack:
    """Check an app (`msgpack` unless told) through `private_pypi` with its credentials, while
    `action` answers the requests whose path matches `pattern` (the project pages unless told)."""

    def attacked(
        action: Action, pattern: str = r"^/simple/", requirements: str = "msgpack\n"
    ) -> Run:
        Faults().on(pattern, action).install(private_pypi)
        return run_check(capsys, project(tmp_path, requirements), _creds(private_pypi), flet_index)

    return attacked


def _one_problem(outcome: Run, index: LocalIndex) -> str:
    problems = outcome.findings_with("FL005")
    assert len(problems) == 1, problems
    (problem,) = problems
    assert problem["notes"] == [f"http://***@127.0.0.1:{index.port}/simple/"]
    return str(problem["message"])


def _entry(url: str, filename: str, **fields: Any) -> dict[str, Any]:
    return {"url": url, "filename": filename, "hashes": {}, **fields}


def _page(*files: Any) -> bytes:
    return json.dumps(
        {"meta": {"api-version": "1.1"}, "name": "msgpack", "files": list(files)}
    ).encode()


# -- bodies without end, or in an encoding nobody asked for ---------------------------------------


def _brotli(handler: Any, _req: Any, _res: Any) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/vnd.pypi.simple.v1+json")
    handler.send_header("Content-Encoding", "br")
    handler.send_header("Content-Length", "4")
    handler.end_headers()
    handler.wfile.write(b"\x8b\x00\x80\x03")


BODY_ATTACKS: dict[str, tuple[Action, str]] = {
    "content-length-2GB": (hostile.huge_declared(), "(Content-Length 2147483648)"),
    "endless-chunked": (hostile.endless_chunked(), f"larger than the {MAX_PAGE_BYTES // MiB} MiB"),
    "gzip-bomb-6GiB": (hostile.gzip_bomb(), "limit (decompressed)"),
    "content-encoding-br": (_brotli, "unsupported Content-Encoding 'br'"),
}


# -- JSON pages of the wrong shape -----------------------------------------------------------------

SHAPES: dict[str, tuple[bytes, str]] = {
    "nested-100000-deep": (hostile.deeply_nested(), "nested too deeply"),
    "a-list": (b"[]", "the page is a list, not an object"),
    "a-string": (b'"simple"', "the page is a string"),
    "null": (b"null", "the page is null"),
    "files-null": (b'{"files": null}', "files is null, not a list"),
    "files-5": (b'{"files": 5}', "files is a number, not a list"),
    "entry-a-number": (b'{"files": [5]}', "files[0] is a number"),
    "url-null": (_page({"url": None, "filename": "msgpack-1.0.0.tar.gz"}), "files[0].url is null"),
    "hashes-a-list": (
        _page(_entry("msgpack-1.0.0.tar.gz", "msgpack-1.0.0.tar.gz", hashes=["sha256"])),
        "files[0].hashes is a list",
    ),
    "requires-python-a-number": (
        _page(_entry("msgpack-1.0.0.tar.gz", "msgpack-1.0.0.tar.gz", **{"requires-python": 3})),
        "files[0].requires-python is a number",
    ),
    "yanked-an-object": (
        _page(_entry("msgpack-1.0.0.tar.gz", "msgpack-1.0.0.tar.gz", yanked={})),
        "files[0].yanked is an object",
    ),
    "core-metadata-a-list": (
        _page(_entry("msgpack-1.0.0.tar.gz", "msgpack-1.0.0.tar.gz", **{"core-metadata": []})),
        "files[0].core-metadata is a list",
    ),
    "lone-surrogate-url": (
        b'{"files": [{"url": "msgpack-1.0.0.tar.gz\\udc80", "hashes": {}}]}',
        "lone surrogate",
    ),
    "not-utf8": (b'{"files": ["\xff\xfe"]}', "unreadable page"),
}


PAGE_ATTACKS = {
    **BODY_ATTACKS,
    **{shape: (hostile.json_page(document), said) for shape, (document, said) in SHAPES.items()},
}


@pytest.mark.parametrize("page", sorted(PAGE_ATTACKS))
def test_a_page_without_end_or_of_the_wrong_shape_is_one_fl005_at_its_limit(
    page: str, attack: Attack, private_pypi: LocalIndex, isolated_env: Path
) -> None:
    action, said = PAGE_ATTACKS[page]
    outcome = attack(action)
    assert said in _one_problem(outcome, private_pypi)
    _flet_answers_and_nothing_big_is_stored(outcome, isolated_env)


def test_a_page_trickled_a_byte_at_a_time_ends_at_the_request_deadline(
    attack: Attack, private_pypi: LocalIndex, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A byte every 0.05 s never lets a read time out (10 s): the deadline per request ends it."""
    shorten(monkeypatch, request=5.0)
    outcome = attack(hostile.trickle(0.05))
    assert "not read within the 5 s deadline per request" in _one_problem(outcome, private_pypi)
    _flet_answers_and_nothing_big_is_stored(outcome, isolated_env)


def _flet_answers_and_nothing_big_is_stored(outcome: Run, cache: Path) -> None:
    # Flet's index still answers for msgpack.
    assert outcome.packages()["msgpack"] == "1.1.2"
    # Nothing beyond the limit was stored: the cache holds no page of that size.
    stored = [p.stat().st_size for p in cache.rglob("*") if p.is_file()]
    assert max(stored, default=0) < MAX_PAGE_BYTES


# -- containment ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "filename"),
    [("file:///etc/passwd", "msgpack-1.0.0.tar.gz"), ("file:///dev/zero", "msgpack-9.0.0.tar.gz")],
)
def test_a_remote_page_linking_to_local_files_is_refused(
    url: str, filename: str, attack: Attack, private_pypi: LocalIndex
) -> None:
    outcome = attack(hostile.json_page(_page(_entry(url, filename))))
    message = _one_problem(outcome, private_pypi)
    assert f"links to {url}" in message
    assert "the link is ignored" in message
    # The file was never a candidate: msgpack comes from Flet's index as usual.
    assert outcome.packages()["msgpack"] == "1.1.2"


def test_a_redirect_to_another_host_is_refused_for_an_index_with_credentials(
    attack: Attack, private_pypi: LocalIndex, pypi_index: LocalIndex
) -> None:
    outcome = attack(hostile.redirect(pypi_index.url + "msgpack/"))
    message = _one_problem(outcome, private_pypi)
    assert f"redirects to another host (127.0.0.1:{pypi_index.port})" in message
    assert "credentials" in message
    # The other host was never asked: the credentials never had a chance to leave.
    assert pypi_index.requests_to("/simple/") == []


def test_a_redirect_to_another_host_is_followed_for_an_index_without_credentials(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make_index: MakeIndex,
    pypi_index: LocalIndex,
    flet_index: LocalIndex,
    universe: Universe,
) -> None:
    mirror = make_index(universe.pypi_dir)
    Faults().on(r"^/simple/msgpack/$", hostile.redirect(pypi_index.url + "msgpack/")).install(
        mirror
    )
    outcome = run_check(capsys, project(tmp_path, "msgpack\n"), mirror, flet_index)
    assert outcome.findings_with("FL005") == []
    assert pypi_index.requests_to("/simple/msgpack/")


@pytest.mark.parametrize(
    ("target", "said"),
    [
        ("file:///etc/passwd", "not an http URL"),
        ("http://[::1/x", "URL in location header"),
        ("/simple/msgpack/", "more than 10 redirects"),  # a loop stops at the limit
    ],
)
def test_a_redirect_to_a_local_file_a_broken_url_or_itself_is_one_fl005(
    target: str, said: str, attack: Attack, private_pypi: LocalIndex
) -> None:
    outcome = attack(hostile.redirect(target))
    assert said in _one_problem(outcome, private_pypi)


# -- metadata and archives that lie ---------------------------------------------------------------

PYDANTIC = wheel_filename("pydantic", "2.12.5")


def test_a_huge_pep658_file_falls_back_to_the_wheel_and_the_answer_stays_right(
    attack: Attack, private_pypi: LocalIndex
) -> None:
    outcome = attack(hostile.huge_declared(1200 * MiB), r"\.metadata$", "pydantic==2.12.5\n")
    assert outcome.findings_with("FL005") == []
    # pydantic's dependencies were read from the wheel itself: pydantic-core is in the answer.
    assert "pydantic-core" in outcome.out
    assert private_pypi.requests_to(f"/files/{PYDANTIC}")


def test_a_range_answered_with_a_huge_whole_file_is_one_fl005(
    attack: Attack, private_pypi: LocalIndex
) -> None:
    private_pypi.pep658 = False
    outcome = attack(hostile.whole_file_for_range(), rf"{PYDANTIC}$", "pydantic==2.12.5\n")
    message = _one_problem(outcome, private_pypi)
    assert "larger than the 64 MiB limit" in message


def _bomb_index(make_index: MakeIndex, tmp_path: Path, archive: Path) -> LocalIndex:
    """An index listing only `archive` (served from outside its folder) for project `bomb`."""
    empty = tmp_path / "empty-index"
    empty.mkdir()
    index = make_index(empty, pep658=False)
    page = _page(_entry(f"{index.files_url}{archive.name}", archive.name))
    faults = Faults().on(r"^/simple/bomb/$", hostile.json_page(page))
    faults.on(rf"^/files/{archive.name}$", hostile.serve_file(archive))
    faults.install(index)
    return index


def _zip_bomb_wheel(store: Path) -> Path:
    # 256 MiB of zeros in about 256 kB, both zip headers claiming 2,000 bytes.
    return hostile.bomb_wheel(store, "bomb", "1.0", inflated=256 * MiB, claimed=2000)


def _tar_bomb_sdist(store: Path) -> Path:
    return hostile.tar_bomb_sdist(store, "bomb", "1.0", inflated=300 * MiB)


@pytest.mark.parametrize(
    ("bomb", "by_ranges"),
    # A wheel is read by ranges first (the lie caught by the bytes produced), then the whole
    # file; an sdist has no index to read ranges by.
    [(_zip_bomb_wheel, True), (_tar_bomb_sdist, False)],
    ids=["wheel-metadata-member-a-zip-bomb", "sdist-inflating-without-end"],
)
def test_an_archive_that_inflates_without_end_is_one_fl005(
    bomb: Callable[[Path], Path],
    by_ranges: bool,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make_index: MakeIndex,
    flet_index: LocalIndex,
) -> None:
    store = tmp_path / "store"
    store.mkdir()
    archive = bomb(store)
    index = _bomb_index(make_index, tmp_path, archive)
    outcome = run_check(capsys, project(tmp_path / "app", "bomb\n"), index, flet_index)
    (problem,) = outcome.findings_with("FL005")
    assert f"metadata of {archive.name} could not be read" in problem["message"]
    assert any(r.is_range for r in index.requests_to("/files/")) is by_ranges


def test_a_check_deadline_ends_a_check_that_many_slow_pages_would_keep_alive(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make_index: MakeIndex,
    flet_index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every answer comes whole in 6 pieces 0.2 s apart: over a second, far within the read
    # timeout and the request deadline; but a chain of 16 dependencies, each a page and a
    # metadata file read one after the other, takes over 30 s: the check's 3 s deadline ends it.
    shorten(monkeypatch, check=3.0)
    folder = tmp_path / "index"
    for n in range(16):
        build_wheel(folder, f"link{n}", "1.0", requires_dist=[f"link{n + 1}"] if n < 15 else [])
    index = make_index(folder)
    Faults().on(r"^/(simple|files)/", hostile.dribble(pieces=6, pause=0.2)).install(index)
    outcome = run_check(capsys, project(tmp_path / "app", "link0\n"), index, flet_index)
    messages = [p["message"] for p in outcome.findings_with("FL005")]
    assert any("the check's 3 s deadline passed" in m for m in messages), messages


def test_an_html_page_of_stray_angle_brackets_is_read_as_no_links(attack: Attack) -> None:
    """4 MB of `<`: Python's HTMLParser alone spends about a minute on it (20 us per `<`), and a
    48 MB page a quarter of an hour; only the `<a>` and `<base>` tags reach it now."""
    page = b"<html><body>" + b"<" * (4 * MiB) + b"</body></html>"
    outcome = attack(faults_body(page, "text/html"))
    assert outcome.findings_with("FL005") == []
    assert outcome.packages()["msgpack"] == "1.1.2"
