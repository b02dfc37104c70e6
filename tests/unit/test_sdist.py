"""The static look inside sdists: pure or native, never built or run."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

from fletlint.linter.sdist import NOTE_NATIVE, NOTE_PURE, inspect_sdist
from tests.support.wheels import build_sdist


def test_pure_sdist(tmp_path: Path) -> None:
    path = build_sdist(tmp_path, "onlysdist", "1.0.0")
    verdict = inspect_sdist(path.read_bytes(), path.name)
    assert verdict.native is False
    assert verdict.backend == "setuptools.build_meta"
    assert verdict.note == NOTE_PURE


def test_native_sdist_names_its_evidence(tmp_path: Path) -> None:
    path = build_sdist(tmp_path, "nativesdist", "2.0.0", native=True)
    verdict = inspect_sdist(path.read_bytes(), path.name)
    assert verdict.native is True
    assert verdict.note == NOTE_NATIVE
    assert "compiled sources: src/_speedups.c" in verdict.evidence
    assert "setup.py declares extension modules" in verdict.evidence


def _tar(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tf:
        for name, text in members.items():
            data = text.encode()
            info = tarfile.TarInfo(f"pkg-1.0/{name}")
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_rust_backend_and_crate_are_native() -> None:
    data = _tar(
        {
            "pyproject.toml": '[build-system]\nrequires = ["maturin>=1.5"]\n'
            'build-backend = "maturin"\n',
            "Cargo.toml": "[package]\nname = 'pkg'\n",
            "src/lib.rs": "",
        }
    )
    verdict = inspect_sdist(data, "pkg-1.0.tar.gz")
    assert verdict.native is True
    assert verdict.backend == "maturin"
    assert "builds with maturin (pyproject.toml)" in verdict.evidence
    assert "a Rust crate (Cargo.toml)" in verdict.evidence


def test_hatchling_pure_package_is_pure() -> None:
    data = _tar(
        {
            "pyproject.toml": '[build-system]\nrequires = ["hatchling"]\n'
            'build-backend = "hatchling.build"\n',
            "pkg/__init__.py": "",
            "pkg/data.c.txt": "",  # not a C source
        }
    )
    verdict = inspect_sdist(data, "pkg-1.0.tar.gz")
    assert verdict.native is False and verdict.evidence == ()


def test_unreadable_archive_is_unknown() -> None:
    verdict = inspect_sdist(b"not an archive", "pkg-1.0.tar.gz")
    assert verdict.native is None
    assert verdict.note == "sdist:unknown"
