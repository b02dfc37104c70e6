"""The index client's bounds and redaction, piece by piece (the attacks end to end are in
tests/faults/test_hostile_index.py)."""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
import zlib
from pathlib import Path

import pytest

from fletlint.linter.findings import InputError
from fletlint.linter.index.archives import metadata_from_archive
from fletlint.linter.index.http import Inflater, SourceError, stored_credentials
from fletlint.linter.index.limits import IndexLimits, describe
from fletlint.linter.index.pages import PageShapeError, parse_json_page
from fletlint.linter.index.urls import InvalidURLError, check_url, make_source, redact_text

MiB = 1024 * 1024


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("https://u:pw@h/simple/", "https://***@h/simple/"),
        ("http://u:pa/ss@h/simple/", "http://***@h/simple/"),  # a raw `/` in the password
        ("git+https://u:p@h/r.git#egg=x", "git+https://***@h/r.git#egg=x"),
        ("see 'https://a:b@h/x' and http://c:d@k/", "see 'https://***@h/x' and http://***@k/"),
        ("https://h/simple/", "https://h/simple/"),
        ("user@example.com wrote", "user@example.com wrote"),
    ],
)
def test_redact_text_hides_every_userinfo(text: str, shown: str) -> None:
    assert redact_text(text) == shown


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("http://[::1/simple", "Invalid IPv6 URL"),
        ("http://u:pa/ss@h/simple/", "%2F"),
        ("http://h:99999/", "port"),
        ("http:///simple", "no host name"),
        ("ftp://h/", "only http, https and file"),
        ("http://h/\x00", "NUL byte"),
        ("http://h/\ud800", "lone surrogate"),
        ("http://h/a\nb", "line break"),
    ],
)
def test_unusable_urls_are_input_errors_without_the_password(url: str, said: str) -> None:
    with pytest.raises(InvalidURLError) as caught:
        check_url(url)
    assert said in caught.value.message
    assert "pa/ss" not in caught.value.message
    assert isinstance(caught.value, InputError)


def test_make_source_refuses_a_local_path_with_a_nul_byte() -> None:
    with pytest.raises(InvalidURLError, match="NUL byte"):
        make_source("/tmp/\x00links", "find-links")


def test_the_inflater_stops_at_the_limit_by_bytes_produced() -> None:
    bomb = gzip.compress(bytes(64 * MiB), compresslevel=9)
    assert len(bomb) < MiB
    inflater = Inflater("gzip", MiB, "the page")
    with pytest.raises(SourceError, match=r"larger than the 1 MiB limit \(decompressed\)"):
        for start in range(0, len(bomb), 4096):
            inflater.feed(bomb[start : start + 4096])


@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS])
def test_deflate_is_read_with_or_without_its_zlib_header(wbits: int) -> None:
    compressor = zlib.compressobj(6, zlib.DEFLATED, wbits)
    body = compressor.compress(b"x" * 1000) + compressor.flush()
    inflater = Inflater("deflate", MiB, "the page")
    inflater.feed(body)
    assert inflater.result() == b"x" * 1000


def test_an_unknown_encoding_is_refused() -> None:
    with pytest.raises(SourceError, match="unsupported Content-Encoding 'br'"):
        Inflater("br", MiB, "the page")


def test_a_zip_member_is_read_no_further_than_its_limit(tmp_path: Path) -> None:
    wheel = tmp_path / "big-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big-1.0.dist-info/METADATA", b"Name: big\n" + bytes(3 * MiB))
    limits = IndexLimits(member_bytes=MiB)
    assert metadata_from_archive(wheel, wheel.name, "big", limits=limits) is None
    assert metadata_from_archive(wheel, wheel.name, "big") is not None


def _sdist(padding: int) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as tf:
        pad = tarfile.TarInfo("bomb-1.0/padding.bin")
        pad.size = padding
        tf.addfile(pad, io.BytesIO(bytes(padding)))
        pkg_info = b"Metadata-Version: 2.1\nName: bomb\nVersion: 1.0\n"
        info = tarfile.TarInfo("bomb-1.0/PKG-INFO")
        info.size = len(pkg_info)
        tf.addfile(info, io.BytesIO(pkg_info))
    return raw.getvalue()


def test_an_sdist_is_read_as_a_stream_and_stops_at_the_unpacked_limit() -> None:
    data = _sdist(4 * MiB)
    small = IndexLimits(unpacked_archive_bytes=2 * MiB)
    assert metadata_from_archive(data, "bomb-1.0.tar.gz", "bomb", limits=small) is None
    found = metadata_from_archive(data, "bomb-1.0.tar.gz", "bomb")
    assert found is not None and b"Name: bomb" in found


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b"null", "the page is null"),
        (b'{"files": {}}', "files is an object, not a list"),
        (b'{"files": [{"url": 1}]}', "files[0].url is a number"),
        (b'{"files": [{"url": "a-1.tar.gz", "hashes": {"sha256": 5}}]}', "hashes.sha256"),
    ],
)
def test_json_pages_are_checked_against_pep_691(body: bytes, said: str) -> None:
    with pytest.raises(PageShapeError, match=said.replace("[", r"\[").replace("]", r"\]")):
        parse_json_page(body, "https://h/simple/a/")


def test_netrc_credentials_are_found_for_the_host(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine index.example login alice password s3cr3t\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    assert stored_credentials("https://index.example/simple/x/") == ("alice", "s3cr3t")
    # Another host: netrc has nothing (and keyring is not installed in the test environment).
    assert stored_credentials("https://other.example/simple/") is None


def test_deadlines_follow_the_read_timeout_unless_given() -> None:
    assert IndexLimits().deadlines(10.0) == (60.0, 300.0)
    assert IndexLimits(request_deadline=1.0, check_deadline=2.0).deadlines(10.0) == (1.0, 2.0)
    assert describe(48 * MiB) == "48 MiB" and describe(256 * 1024) == "256 kB"
