"""The shortcuts of reading a PEP 691 page answer as the general code does.

A page of a native project lists thousands of files (pydantic-core: 15,000); two shortcuts
skip work for the common ones: desktop wheels are dropped without splitting their platform
tags, and PyPI's plain absolute file URLs are taken as they are instead of being joined and
split. Generated inputs check both against the general definitions.
"""

from __future__ import annotations

import json
from urllib.parse import urldefrag, urljoin

from hypothesis import given, settings
from hypothesis import strategies as st

from fletlint.linter.index.pages import _PLAIN_URL, _is_phone_or_pure_wheel, parse_json_page

_PLATFORM_PARTS = st.sampled_from(
    [
        "any",
        "manylinux_2_17_x86_64",
        "manylinux2014_aarch64",
        "macosx_10_9_universal2",
        "win_amd64",
        "android_24_arm64_v8a",
        "ios_13_0_arm64_iphoneos",
        "musllinux_1_2_x86_64",
        "anything",
        "xany",
        "company",
    ]
)


def _general(filename: str) -> bool:
    platform = filename[filename.rfind("-") + 1 : -4]
    return any(p == "any" or p.startswith(("android_", "ios_")) for p in platform.split("."))


@settings(max_examples=500, deadline=None)
@given(st.lists(_PLATFORM_PARTS, min_size=1, max_size=3))
def test_a_wheel_is_phone_or_pure_as_its_platform_tags_say(parts: list[str]) -> None:
    filename = f"pkg-1.0-cp312-cp312-{'.'.join(parts)}.whl"
    assert _is_phone_or_pure_wheel(filename) == _general(filename)


_URL_TEXT = st.text(alphabet=st.sampled_from(list("aZ09._~%:@!$&'()*+,=-/;?#\\ \t[]")), max_size=30)


@settings(max_examples=1000, deadline=None)
@given(
    st.sampled_from(["https://", "http://", "HTTPS://", "ftp://", "//", ""]),
    _URL_TEXT,
    st.sampled_from(["https://pypi.org/simple/x/", "http://h/simple/x/", "https://u:p@h/i/x/"]),
)
def test_a_url_taken_as_it_is_is_what_joining_it_gives(
    scheme: str, rest: str, page_url: str
) -> None:
    url = scheme + rest
    if _PLAIN_URL.match(url):
        assert urldefrag(urljoin(page_url, url)) == (url, "")


def test_a_page_reads_the_same_with_plain_and_other_urls() -> None:
    files = [
        {
            "filename": "a-1.0-py3-none-any.whl",
            "url": "https://files.example/a-1.0-py3-none-any.whl",
        },
        {"filename": "a-1.0.tar.gz", "url": "../../files/a-1.0.tar.gz#sha256=ABCD"},
        {"filename": "a-1.1-py3-none-any.whl", "url": "https://files.example/./a-1.1.whl?x=1"},
    ]
    links = parse_json_page(json.dumps({"files": files}).encode(), "https://idx/simple/a/")
    assert [(link.url, link.hashes) for link in links] == [
        ("https://files.example/a-1.0-py3-none-any.whl", ()),
        ("https://idx/files/a-1.0.tar.gz", (("sha256", "abcd"),)),
        ("https://files.example/./a-1.1.whl?x=1", ()),
    ]
