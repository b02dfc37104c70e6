"""The offline test infrastructure itself: built files are real, the local index speaks HTTP
like PyPI does, and the hermetic fixtures hold. Every other suite leans on these."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import socket
import tarfile
import zipfile
from email.parser import Parser
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import MakeIndex
from tests.support.index_server import JSON_TYPE, LocalIndex
from tests.support.netguard import NetworkAccessError
from tests.support.universe import Universe
from tests.support.wheels import build_sdist, build_wheel, read_wheel_metadata

# What pip sends: JSON preferred, HTML as fallback.
PIP_ACCEPT = f"{JSON_TYPE}, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01"


def get_json(url: str, **kwargs: Any) -> dict[str, Any]:
    response = httpx.get(url, headers={"Accept": JSON_TYPE}, **kwargs)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == JSON_TYPE
    document: dict[str, Any] = response.json()
    return document


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.anchors: list[dict[str, str | None]] = []
        self.meta: dict[str, str | None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.anchors.append(dict(attrs))
        elif tag == "meta":
            data = dict(attrs)
            self.meta[str(data.get("name"))] = data.get("content")


def parse_links(text: str) -> _Links:
    parser = _Links()
    parser.feed(text)
    return parser


def files_by_name(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["filename"]: f for f in document["files"]}


# --------------------------------------------------------------------------- built files


def test_wheel_is_valid_zip_with_verified_record(tmp_path: Path) -> None:
    path = build_wheel(
        tmp_path,
        "Typing-Extensions",
        "4.15.0",
        requires_dist=["foo>=1", 'bar; extra == "x"'],
        requires_python=">=3.9",
        provides_extra=["x"],
    )
    assert path.name == "typing_extensions-4.15.0-py3-none-any.whl"
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
        names = zf.namelist()
        dist_info = "typing_extensions-4.15.0.dist-info"
        # RECORD last, METADATA before it: range readers must use the central directory.
        assert names[-1] == f"{dist_info}/RECORD"
        assert names.index(f"{dist_info}/METADATA") < len(names) - 1
        assert "typing_extensions/__init__.py" in names
        assert zf.read(f"{dist_info}/top_level.txt").decode() == "typing_extensions\n"
        record = zf.read(f"{dist_info}/RECORD").decode().splitlines()
        checked = 0
        for line in record:
            member, digest, size = line.rsplit(",", 2)
            if member.endswith("RECORD"):
                assert (digest, size) == ("", "")
                continue
            data = zf.read(member)
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            assert digest == "sha256=" + expected.decode()
            assert int(size) == len(data)
            checked += 1
        assert checked == len(names) - 1
        metadata = Parser().parsestr(zf.read(f"{dist_info}/METADATA").decode())
    assert metadata["Metadata-Version"] == "2.1"
    assert metadata["Name"] == "Typing-Extensions"
    assert metadata["Requires-Python"] == ">=3.9"
    assert metadata.get_all("Requires-Dist") == ["foo>=1", 'bar; extra == "x"']
    assert metadata.get_all("Provides-Extra") == ["x"]


def test_wheel_expands_compressed_tags_and_is_deterministic(tmp_path: Path) -> None:
    tag = "cp312.cp313-cp312.cp313-android_24_arm64_v8a"
    first = build_wheel(tmp_path / "a", "msgpack", "1.1.2", tag).read_bytes()
    path = build_wheel(tmp_path / "b", "msgpack", "1.1.2", tag)
    assert path.read_bytes() == first
    with zipfile.ZipFile(path) as zf:
        wheel = zf.read("msgpack-1.1.2.dist-info/WHEEL").decode()
    tags = [line.removeprefix("Tag: ") for line in wheel.splitlines() if line.startswith("Tag: ")]
    assert sorted(tags) == [
        "cp312-cp312-android_24_arm64_v8a",
        "cp312-cp313-android_24_arm64_v8a",
        "cp313-cp312-android_24_arm64_v8a",
        "cp313-cp313-android_24_arm64_v8a",
    ]
    assert "Root-Is-Purelib: false" in wheel


def test_sdist_has_pkg_info_and_native_sources(tmp_path: Path) -> None:
    path = build_sdist(tmp_path, "Native-Thing", "2.0.0", ["msgpack>=1"], ">=3.9", native=True)
    assert path.name == "native_thing-2.0.0.tar.gz"
    assert (
        build_sdist(
            tmp_path / "again", "Native-Thing", "2.0.0", ["msgpack>=1"], ">=3.9", native=True
        ).read_bytes()
        == path.read_bytes()
    )
    with tarfile.open(path, "r:gz") as tf:
        names = tf.getnames()
        root = "native_thing-2.0.0"
        assert {f"{root}/PKG-INFO", f"{root}/pyproject.toml", f"{root}/src/_speedups.c"} <= set(
            names
        )
        pkg_info = tf.extractfile(f"{root}/PKG-INFO")
        setup_py = tf.extractfile(f"{root}/setup.py")
        assert pkg_info is not None and setup_py is not None
        metadata = Parser().parsestr(pkg_info.read().decode())
        assert "ext_modules" in setup_py.read().decode()
    assert metadata["Metadata-Version"] == "2.2"
    assert metadata.get_all("Requires-Dist") == ["msgpack>=1"]
    assert metadata["Requires-Python"] == ">=3.9"


def test_pure_sdist_has_no_c_code(tmp_path: Path) -> None:
    with tarfile.open(build_sdist(tmp_path, "onlysdist", "1.0.0"), "r:gz") as tf:
        names = tf.getnames()
    assert "onlysdist-1.0.0/pyproject.toml" in names
    assert not any(n.endswith((".c", "setup.py")) for n in names)


def test_universe_has_the_expected_shape(universe: Universe) -> None:
    pypi = {p.name for p in universe.pypi_dir.iterdir()}
    flet = {p.name for p in universe.flet_dir.iterdir()}
    assert "pydantic_core-2.41.5-cp312-cp312-manylinux_2_17_x86_64.whl" in pypi
    assert "pydantic_core-2.41.5.tar.gz" in pypi
    assert "nativesdist-2.0.0.tar.gz" in pypi
    assert not any(n.startswith("nativesdist") and n.endswith(".whl") for n in pypi)
    # PyPI's only phone wheels: markupsafe 3.0.4's (arm64_v8a, x86_64, iOS), as on the real PyPI.
    phone = {n for n in pypi if "-android_" in n or "-ios_" in n}
    assert phone and all(n.startswith("markupsafe-3.0.4-") for n in phone)
    # The flet index lacks pydantic-core 2.41.5 and polars for armeabi-v7a, on purpose.
    assert not any(n.startswith("pydantic_core-2.41.5") for n in flet)
    assert "pydantic_core-2.47.0-cp313-cp313-ios_13_0_arm64_iphoneos.whl" in flet
    assert "polars-1.33.0-cp39-abi3-android_24_arm64_v8a.whl" in flet
    assert not any(n.startswith("polars") and "armeabi" in n for n in flet)
    assert sum(n.startswith("msgpack-1.1.2-") for n in flet) == 18
    assert universe.yanked == {"yankedpkg-1.0.0-py3-none-any.whl": "broken"}
    sqlalchemy = read_wheel_metadata(universe.pypi_dir / "sqlalchemy-2.0.44-py3-none-any.whl")
    assert 'greenlet>=1; platform_machine == "x86_64"' in sqlalchemy


# --------------------------------------------------------------------------- pages


def test_json_project_page(pypi_index: LocalIndex, universe: Universe) -> None:
    document = get_json(pypi_index.project_url("newpython"))
    assert document["meta"]["api-version"] == "1.1"
    assert document["name"] == "newpython"
    assert document["versions"] == ["1.0.0", "2.0.0"]
    files = files_by_name(document)
    assert set(files) == {"newpython-1.0.0-py3-none-any.whl", "newpython-2.0.0-py3-none-any.whl"}
    new = files["newpython-2.0.0-py3-none-any.whl"]
    assert new["requires-python"] == ">=3.13"
    assert files["newpython-1.0.0-py3-none-any.whl"]["requires-python"] == ">=3.8"
    assert new["yanked"] is False
    body = (universe.pypi_dir / new["filename"]).read_bytes()
    assert new["hashes"] == {"sha256": hashlib.sha256(body).hexdigest()}
    assert new["size"] == len(body)
    # Relative URLs resolve against the page URL, as PEP 691 says.
    file_url = httpx.URL(pypi_index.project_url("newpython")).join(new["url"])
    assert str(file_url) == pypi_index.file_url(new["filename"])
    metadata = httpx.get(f"{file_url}.metadata")
    assert metadata.status_code == 200
    assert "Requires-Python: >=3.13" in metadata.text
    assert new["core-metadata"] == {"sha256": hashlib.sha256(metadata.content).hexdigest()}
    assert new["data-dist-info-metadata"] == new["core-metadata"]


def test_json_yanked_and_sdist_entries(pypi_index: LocalIndex) -> None:
    files = files_by_name(get_json(pypi_index.project_url("yankedpkg")))
    assert files["yankedpkg-1.0.0-py3-none-any.whl"]["yanked"] == "broken"
    assert files["yankedpkg-0.9.0-py3-none-any.whl"]["yanked"] is False
    sdist = files_by_name(get_json(pypi_index.project_url("greenlet")))["greenlet-3.2.4.tar.gz"]
    assert sdist["core-metadata"] is False  # PEP 658 metadata only for wheels here


def test_html_project_page(pypi_index: LocalIndex, universe: Universe) -> None:
    response = httpx.get(pypi_index.project_url("yankedpkg"), headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    links = parse_links(response.text)
    assert links.meta["pypi:repository-version"] == "1.1"
    anchors = {a["href"].split("#")[0].rsplit("/", 1)[1]: a for a in links.anchors if a["href"]}
    yanked = anchors["yankedpkg-1.0.0-py3-none-any.whl"]
    assert yanked["data-yanked"] == "broken"
    assert "data-yanked" not in anchors["yankedpkg-0.9.0-py3-none-any.whl"]
    href = yanked["href"]
    assert href is not None and href.startswith("../../files/")
    url, _, fragment = href.partition("#")
    file_response = httpx.get(httpx.URL(pypi_index.project_url("yankedpkg")).join(url))
    assert fragment == "sha256=" + hashlib.sha256(file_response.content).hexdigest()
    metadata = read_wheel_metadata(universe.pypi_dir / "yankedpkg-1.0.0-py3-none-any.whl")
    core = "sha256=" + hashlib.sha256(metadata.encode()).hexdigest()
    assert yanked["data-core-metadata"] == core
    assert yanked["data-dist-info-metadata"] == core


def test_html_requires_python_is_escaped(pypi_index: LocalIndex) -> None:
    response = httpx.get(pypi_index.project_url("newpython"))
    assert 'data-requires-python="&gt;=3.13"' in response.text
    anchors = parse_links(response.text).anchors
    assert {a.get("data-requires-python") for a in anchors} == {">=3.13", ">=3.8"}


def test_project_list_in_both_formats(flet_index: LocalIndex) -> None:
    document = get_json(flet_index.url)
    names = [p["name"] for p in document["projects"]]
    assert names == [
        "boundlib",
        "cryptography",
        "greenlet",
        "kiwisolver",
        "loosechild",
        "markupsafe",
        "matplotlib",
        "msgpack",
        "msgspec",
        "numpy",
        "opencv-python",
        "pandas",
        "pillow",
        "polars",
        "protobuf",
        "psycopg2",
        "pydantic-core",
        "scipy",
    ]
    html_page = httpx.get(flet_index.url).text
    assert [a["href"] for a in parse_links(html_page).anchors] == [f"{n}/" for n in names]


def test_content_negotiation(make_index: MakeIndex, universe: Universe) -> None:
    both = make_index(universe.pypi_dir)
    pip_style = httpx.get(both.project_url("anyio"), headers={"Accept": PIP_ACCEPT})
    assert pip_style.headers["content-type"] == JSON_TYPE
    assert httpx.get(both.project_url("anyio")).headers["content-type"].startswith("text/html")
    v1_html = httpx.get(
        both.project_url("anyio"), headers={"Accept": "application/vnd.pypi.simple.v1+html"}
    )
    assert v1_html.headers["content-type"] == "application/vnd.pypi.simple.v1+html"

    html_only = make_index(universe.pypi_dir, json_api=False)
    fallback = httpx.get(html_only.project_url("anyio"), headers={"Accept": PIP_ACCEPT})
    assert fallback.status_code == 200
    # pip ranks v1+html above text/html, so that is what an HTML-only index answers.
    assert fallback.headers["content-type"] == "application/vnd.pypi.simple.v1+html"

    json_only = make_index(universe.pypi_dir, html_api=False)
    refused = httpx.get(json_only.project_url("anyio"), headers={"Accept": "text/html"})
    assert refused.status_code == 406
    assert httpx.get(json_only.project_url("anyio")).headers["content-type"] == JSON_TYPE


def test_non_normalized_name_redirects_and_unknown_is_404(pypi_index: LocalIndex) -> None:
    response = httpx.get(f"{pypi_index.url}Typing_Extensions/")
    assert response.status_code == 301
    assert response.headers["location"] == "/simple/typing-extensions/"
    no_slash = httpx.get(f"{pypi_index.url}anyio")
    assert no_slash.status_code == 301
    followed = httpx.get(f"{pypi_index.url}Typing.Extensions", follow_redirects=True)
    assert followed.status_code == 200
    assert "typing_extensions-4.15.0-py3-none-any.whl" in followed.text
    assert httpx.get(pypi_index.project_url("no-such-project")).status_code == 404
    assert httpx.get(pypi_index.file_url("no-such-1.0.tar.gz")).status_code == 404


# --------------------------------------------------------------------------- caching


def test_conditional_requests_get_304(pypi_index: LocalIndex) -> None:
    url = pypi_index.project_url("pydantic")
    first = httpx.get(url, headers={"Accept": JSON_TYPE})
    assert first.headers["cache-control"] == "max-age=0"
    etag, last_modified = first.headers["etag"], first.headers["last-modified"]

    by_etag = httpx.get(url, headers={"Accept": JSON_TYPE, "If-None-Match": etag})
    assert by_etag.status_code == 304
    assert by_etag.content == b""
    assert by_etag.headers["etag"] == etag

    by_date = httpx.get(url, headers={"Accept": JSON_TYPE, "If-Modified-Since": last_modified})
    assert by_date.status_code == 304

    stale = httpx.get(url, headers={"Accept": JSON_TYPE, "If-None-Match": '"other"'})
    assert stale.status_code == 200 and stale.content == first.content

    # The two formats are different bodies, so a JSON ETag must not validate the HTML page.
    html_page = httpx.get(url, headers={"If-None-Match": etag})
    assert html_page.status_code == 200

    statuses = [(r.status, r.is_conditional) for r in pypi_index.requests]
    assert statuses == [(200, False), (304, True), (304, True), (200, True), (200, True)]


def test_etag_changes_when_a_release_appears(make_index: MakeIndex, tmp_path: Path) -> None:
    build_wheel(tmp_path, "growing", "1.0.0")
    index = make_index(tmp_path, cache_control="max-age=600")
    first = httpx.get(index.project_url("growing"), headers={"Accept": JSON_TYPE})
    assert first.headers["cache-control"] == "max-age=600"
    build_wheel(tmp_path, "growing", "1.1.0")
    second = httpx.get(
        index.project_url("growing"),
        headers={"Accept": JSON_TYPE, "If-None-Match": first.headers["etag"]},
    )
    assert second.status_code == 200
    assert second.json()["versions"] == ["1.0.0", "1.1.0"]


def test_files_are_conditional_too(pypi_index: LocalIndex) -> None:
    url = pypi_index.file_url("anyio-4.9.0-py3-none-any.whl")
    first = httpx.get(url)
    again = httpx.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    metadata = httpx.get(f"{url}.metadata")
    assert (
        httpx.get(
            f"{url}.metadata", headers={"If-None-Match": metadata.headers["etag"]}
        ).status_code
        == 304
    )


# --------------------------------------------------------------------------- ranges


def test_range_requests(pypi_index: LocalIndex, universe: Universe) -> None:
    name = "httpx-0.28.1-py3-none-any.whl"
    data = (universe.pypi_dir / name).read_bytes()
    url = pypi_index.file_url(name)

    head = httpx.head(url)
    assert head.status_code == 200
    assert head.headers["content-length"] == str(len(data))
    assert head.headers["accept-ranges"] == "bytes"
    assert head.content == b""

    part = httpx.get(url, headers={"Range": "bytes=10-29"})
    assert part.status_code == 206
    assert part.content == data[10:30]
    assert part.headers["content-range"] == f"bytes 10-29/{len(data)}"

    tail = httpx.get(url, headers={"Range": "bytes=-22"})
    assert tail.status_code == 206
    assert tail.content == data[-22:]
    assert tail.content.startswith(b"PK\x05\x06")  # end of central directory record

    open_ended = httpx.get(url, headers={"Range": f"bytes={len(data) - 5}-"})
    assert open_ended.content == data[-5:]

    past_end = httpx.get(url, headers={"Range": f"bytes={len(data)}-"})
    assert past_end.status_code == 416
    assert past_end.headers["content-range"] == f"bytes */{len(data)}"

    assert [r.is_range for r in pypi_index.requests] == [False, True, True, True, True]


class _HttpRangeFile(io.RawIOBase):
    """A seekable file over HTTP range requests: what a client does without PEP 658."""

    def __init__(self, client: httpx.Client, url: str) -> None:
        self.client, self.url, self.pos = client, url, 0
        self.size = int(client.head(url).headers["content-length"])

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self.pos, os.SEEK_END: self.size}[whence]
        self.pos = base + offset
        return self.pos

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer)
        if self.pos >= self.size or len(view) == 0:
            return 0
        end = min(self.pos + len(view), self.size) - 1
        response = self.client.get(self.url, headers={"Range": f"bytes={self.pos}-{end}"})
        assert response.status_code == 206
        view[: len(response.content)] = response.content
        self.pos += len(response.content)
        return len(response.content)


def test_pep658_off_means_range_requests(make_index: MakeIndex, universe: Universe) -> None:
    index = make_index(universe.pypi_dir, pep658=False)
    name = "postgrest-2.20.0-py3-none-any.whl"
    entry = files_by_name(get_json(index.project_url("postgrest")))[name]
    assert entry["core-metadata"] is False
    assert entry["data-dist-info-metadata"] is False
    assert "data-core-metadata" not in httpx.get(index.project_url("postgrest")).text
    assert httpx.get(index.file_url(name) + ".metadata").status_code == 404

    # The fallback works: zipfile reads METADATA through ranges on the central directory.
    with httpx.Client() as client:
        remote = io.BufferedReader(_HttpRangeFile(client, index.file_url(name)))
        with zipfile.ZipFile(remote) as zf:
            metadata = zf.read("postgrest-2.20.0.dist-info/METADATA").decode()
    assert "Requires-Dist: pydantic>=1.9,<3" in metadata
    ranged = [r for r in index.requests if r.is_range]
    assert ranged and all(r.status == 206 for r in ranged)


# --------------------------------------------------------------------------- auth, outages


def test_basic_auth(make_index: MakeIndex, universe: Universe) -> None:
    index = make_index(universe.flet_dir, auth=("flet", "s3cr:et"))
    url = index.project_url("numpy")
    anonymous = httpx.get(url)
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"].startswith("Basic")
    assert httpx.get(url, auth=("flet", "wrong")).status_code == 401
    assert httpx.get(url, auth=("flet", "s3cr:et")).status_code == 200
    assert (
        httpx.get(index.file_url("numpy-2.3.4-cp312-cp312-android_24_x86_64.whl")).status_code
        == 401
    )

    with_credentials = index.url_with_credentials("flet", "s3cr:et")
    assert with_credentials == f"http://flet:s3cr%3Aet@127.0.0.1:{index.port}/simple/"
    # httpx turns URL userinfo into a Basic header, like pip does.
    assert httpx.get(with_credentials + "numpy/").status_code == 200
    assert "authorization" in index.requests[-1].headers


def test_down_up_and_stopped(make_index: MakeIndex, universe: Universe) -> None:
    index = make_index(universe.pypi_dir)
    url = index.project_url("colorama")
    with httpx.Client() as client:
        assert client.get(url).status_code == 200
        index.down()
        assert client.get(url).status_code == 503
        assert client.get(index.file_url("colorama-0.4.6-py3-none-any.whl")).status_code == 503
        index.up()
        assert client.get(url).status_code == 200
        index.stop()
        # Even the pooled keep-alive connection must not be answered after stop().
        with pytest.raises((httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError)):
            client.get(url)
    with pytest.raises(httpx.ConnectError):
        httpx.get(url)
    index.start()
    assert httpx.get(url).status_code == 200  # same port again


def test_request_log_clears(pypi_index: LocalIndex) -> None:
    # The session server starts each test with an empty log.
    assert pypi_index.requests == []
    httpx.get(pypi_index.url, headers={"X-Probe": "1"})
    assert pypi_index.requests[0].headers["x-probe"] == "1"
    assert pypi_index.requests[0].method == "GET"
    assert pypi_index.requests[0].path == "/simple/"
    pypi_index.clear_requests()
    assert pypi_index.requests == []


# --------------------------------------------------------------------------- hermetic env


def test_environment_is_isolated(isolated_env: Path, tmp_path: Path) -> None:
    assert os.environ["PIP_CONFIG_FILE"] == os.devnull
    assert [k for k in os.environ if k.startswith("PIP_")] == ["PIP_CONFIG_FILE"]
    assert os.environ["FLETLINT_CACHE_DIR"] == str(isolated_env)
    assert os.environ["NO_COLOR"] == "1"
    for var in ("HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        assert Path(os.environ[var]).is_dir()
    assert Path(os.environ["HOME"]).expanduser() != Path("/root")


def test_internet_is_blocked(pypi_index: LocalIndex) -> None:
    with pytest.raises(NetworkAccessError, match=re.escape("192.0.2.1")):
        socket.create_connection(("192.0.2.1", 80), timeout=1)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with sock, pytest.raises(NetworkAccessError):
        sock.connect(("8.8.8.8", 53))
    with pytest.raises(NetworkAccessError):
        httpx.get("http://example.com/", timeout=1)
    # Loopback in all its spellings stays allowed.
    port = pypi_index.port
    assert httpx.get(f"http://localhost:{port}/simple/").status_code == 200
    socket.create_connection(("127.0.0.1", port), timeout=1).close()
