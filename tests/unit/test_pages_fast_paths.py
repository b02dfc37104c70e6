"""The shortcuts of reading a PEP 691 page answer as the general code does.

A page of a native project lists thousands of files (pydantic-core: 15,000); four shortcuts
skip work for the common ones: desktop wheels are dropped without splitting their platform
tags; PyPI's plain absolute file URLs are taken as they are instead of being joined and
split; a wheel's release and tags are parsed once per release and tag string; and which files
fit an environment is asked once per kind of file. Generated inputs check each against the
general definitions.
"""

from __future__ import annotations

import json
from urllib.parse import urldefrag, urljoin

from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.specifiers import SpecifierSet
from packaging.tags import Tag
from packaging.utils import InvalidWheelFilename, parse_wheel_filename
from packaging.version import InvalidVersion, Version

from fletlint.linter.index.client import wheel_filename_parts
from fletlint.linter.index.model import EMPTY, DistFile, shared_tags
from fletlint.linter.index.pages import _PLAIN_URL, _is_phone_or_pure_wheel, parse_json_page
from fletlint.linter.resolve import Environment, file_fits, fitting_files

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


_PIECES = st.sampled_from(
    ["pkg", "Pkg_Name", "pkg.x", "pkg__x", "", "1.0", "2.0rc1", "1.x", "1", "1a", "a1", "py3",
     "cp312", "none", "abi3", "any", "py2.py3", "..", "manylinux_2_17_x86_64", "fóo", "-"]
)  # fmt: skip


def _parsed(parse: object, filename: str) -> object:
    try:
        name, version, *rest = parse(filename)  # type: ignore[operator]
    except (InvalidWheelFilename, InvalidVersion) as exc:
        return type(exc)
    return name, version, rest[-1]


# Mostly valid names too: a name, a version, perhaps a build tag, then three tag parts.
_WHEEL_PIECES = st.tuples(
    st.sampled_from(["pkg", "Pkg_Name", "pkg.x", "pkg__x", "fóo"]),
    st.sampled_from(["1.0", "2.0rc1", "1.x", "1!2.post3"]),
    st.lists(st.sampled_from(["1", "1a", "a1"]), max_size=2),
    st.sampled_from(["py3", "cp312", "py2.py3", "", "3py"]),
    st.sampled_from(["none", "abi3", "cp312"]),
    st.sampled_from(["any", "manylinux_2_17_x86_64.manylinux2014_x86_64", "android_24_x86_64"]),
).map(lambda p: [p[0], p[1], *p[2], *p[3:]])


@settings(max_examples=1500, deadline=None)
@given(st.one_of(st.lists(_PIECES, min_size=0, max_size=7), _WHEEL_PIECES))
def test_a_wheel_name_parsed_in_parts_is_what_packaging_parses(pieces: list[str]) -> None:
    filename = "-".join(pieces) + ".whl"
    assert _parsed(wheel_filename_parts, filename) == _parsed(parse_wheel_filename, filename)
    # ... asked again, from the caches (the same answer, the same shared tag set):
    again = _parsed(wheel_filename_parts, filename)
    assert again == _parsed(parse_wheel_filename, filename)
    if isinstance(again, tuple):
        assert again[2] is shared_tags(again[2])


_TAG_SETS = [
    EMPTY,
    shared_tags(frozenset({Tag("py3", "none", "any")})),
    shared_tags(frozenset({Tag("cp312", "cp312", "android_24_arm64_v8a")})),
    shared_tags(frozenset({Tag("cp312", "cp312", "manylinux_2_17_x86_64")})),
]
_PYTHONS = [None, SpecifierSet(">=3.8"), SpecifierSet(">=3.13"), SpecifierSet("<3")]
_FILE = st.builds(
    lambda name, wheel, tags, python, yanked, version: DistFile(
        filename=f"{name}-{version}", url="https://x/f", index="i", name=name,
        version=Version(f"1.{version}"), is_wheel=wheel, tags=_TAG_SETS[tags] if wheel else EMPTY,
        requires_python=_PYTHONS[python], yanked=yanked,
    ),
    st.sampled_from(["a", "b"]), st.booleans(), st.integers(1, 3), st.integers(0, 3),
    st.booleans(), st.integers(0, 5),
)  # fmt: skip
_ENVIRONMENTS = [
    Environment("desktop", "3.12", {}),
    Environment("phone", "3.12", {}, tags=frozenset({Tag("cp312", "cp312", "android_24_arm64_v8a"),
                Tag("py3", "none", "any")}), sdist_names=frozenset({"b"})),
    Environment("held", "3.12", {}, tags=frozenset({Tag("py3", "none", "any")}),
                held_out=frozenset({"a"})),
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(_FILE, max_size=30), st.sampled_from(_ENVIRONMENTS), st.booleans())
def test_the_files_that_fit_asked_once_per_kind_are_those_that_fit(
    files: list[DistFile], env: Environment, allow_yanked: bool
) -> None:
    expected = [f for f in files if file_fits(f, env, allow_yanked=allow_yanked)]
    assert list(fitting_files(files, env, allow_yanked=allow_yanked)) == expected
