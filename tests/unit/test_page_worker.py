"""Big pages parsed in the worker process: the same links, the same refusals, and a page parsed
here whenever the worker is not there to answer."""

from __future__ import annotations

import json
import sys

import pytest

from fletlint.linter.index.page_worker import PARSE_ELSEWHERE_BYTES, PageParser
from fletlint.linter.index.pages import PageShapeError, parse_html_page, parse_json_page

BASE = "https://pypi.example/simple/big/"


def _json_page(files: int) -> bytes:
    """A native project's page: many desktop wheels, a few phone and pure ones."""
    entries = []
    for n in range(files):
        platform = ("android_24_arm64_v8a", "any", "manylinux_2_17_x86_64", "win_amd64")[n % 4]
        abi = "none" if platform == "any" else "cp312"
        name = f"big-1.{n // 4}.0-{'py3' if platform == 'any' else 'cp312'}-{abi}-{platform}.whl"
        entries.append(
            {
                "filename": name,
                "url": f"https://files.example/{n}/{name}",
                "hashes": {"sha256": f"{n:064x}"},
                "requires-python": ">=3.9",
                "yanked": n % 97 == 0,
                "core-metadata": {"sha256": f"{n + 1:064x}"} if n % 3 else False,
            }
        )
    body = json.dumps({"meta": {"api-version": "1.1"}, "name": "big", "files": entries})
    return body.encode()


def _html_page(files: int) -> bytes:
    anchors = "".join(
        f'<a href="https://files.example/{n}/big-1.{n}.0-cp312-cp312-manylinux_2_17_x86_64.whl'
        f'#sha256={n:064x}" data-requires-python="&gt;=3.9">x</a>\n'
        for n in range(files)
    )
    return f"<html><body>{anchors}</body></html>".encode()


@pytest.fixture
def parser() -> PageParser:
    return PageParser()


def test_big_pages_are_parsed_in_the_worker_with_the_same_answer(parser: PageParser) -> None:
    json_body, html_body = _json_page(6000), _html_page(9000)
    assert min(len(json_body), len(html_body)) >= PARSE_ELSEWHERE_BYTES
    try:
        # The first big page is parsed here while the worker starts; the next ones there.
        answers = [parser.parse("json", json_body, BASE) for _ in range(3)]
        html = parser.parse("html", html_body, BASE)
        assert parser._process is not None and parser._process.poll() is None
        assert not parser._gone  # every answer came from the worker
    finally:
        parser.close()
    assert answers == [parse_json_page(json_body, BASE)] * 3
    assert len(answers[0]) > 1000
    assert html == parse_html_page(html_body, BASE)
    assert parser._process is None  # closed: the worker ended with its input


def test_a_big_page_the_worker_refuses_is_refused_with_the_same_words(parser: PageParser) -> None:
    padding = " " * PARSE_ELSEWHERE_BYTES
    not_a_page = f"[{padding}]".encode()  # a list, not an object
    broken = f'{{"files": [{padding}'.encode()  # not JSON at all
    try:
        parser.parse("json", _json_page(6000), BASE)  # starts the worker
        with pytest.raises(PageShapeError) as shape:
            parser.parse("json", not_a_page, BASE)
        with pytest.raises(ValueError) as invalid:
            parser.parse("json", broken, BASE)
        assert not parser._gone
    finally:
        parser.close()
    with pytest.raises(PageShapeError) as shape_here:
        parse_json_page(not_a_page, BASE)
    with pytest.raises(ValueError) as invalid_here:
        parse_json_page(broken, BASE)
    assert str(shape.value) == str(shape_here.value) == "the page is a list, not an object"
    assert str(invalid.value) == str(invalid_here.value)


def test_a_page_is_parsed_here_when_the_worker_is_gone(parser: PageParser) -> None:
    body = _json_page(6000)
    try:
        parser.parse("json", body, BASE)  # starts it
        assert parser._process is not None
        parser._process.kill()
        parser._process.wait()
        assert parser.parse("json", body, BASE) == parse_json_page(body, BASE)
        assert parser._gone
        assert parser.parse("json", body, BASE) == parse_json_page(body, BASE)  # here now
    finally:
        parser.close()


def test_a_worker_that_cannot_start_costs_nothing(
    parser: PageParser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    body = _json_page(6000)
    assert parser.parse("json", body, BASE) == parse_json_page(body, BASE)
    assert parser._gone and parser._process is None
    assert parser.parse("json", body, BASE) == parse_json_page(body, BASE)
    parser.close()


def test_small_pages_never_start_a_worker(parser: PageParser) -> None:
    body = _json_page(10)
    assert parser.parse("json", body, BASE) == parse_json_page(body, BASE)
    assert parser._process is None and not parser._gone
