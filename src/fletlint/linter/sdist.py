"""A static look inside an sdist: will it build for a phone from source? Nothing is extracted
to disk, built or run; only member names and three small text files are read.

An sdist builds for a phone only if it is pure Python: `flet build` can then install it when the
package is listed in `[tool.flet].source_packages`. Native code needs a cross toolchain the build
does not have. The signs of native code: C/C++/Cython/Rust/Fortran sources, a `Cargo.toml`, a
build backend or build requirement that only exists to compile (maturin, scikit-build, meson,
setuptools-rust, Cython, pybind11, cffi), or `ext_modules` / `Extension(` in `setup.py`.
"""

from __future__ import annotations

import io
import re
import sys
import tarfile
import zipfile
import zlib
from dataclasses import dataclass

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - tomli is the stdlib tomllib before 3.11
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

NATIVE_SUFFIXES = (".c", ".cc", ".cpp", ".cxx", ".pyx", ".rs", ".f", ".f90", ".m", ".mm", ".cu")
# Build backends and build requirements that exist to compile extensions.
NATIVE_BUILD_TOOLS = (
    "maturin",
    "setuptools-rust",
    "setuptools_rust",
    "scikit-build",
    "scikit_build",
    "meson-python",
    "mesonpy",
    "cython",
    "pybind11",
    "nanobind",
    "cffi",
    "py-build-cmake",
)
_EXT_MODULES = re.compile(r"\bext_modules\b|\bExtension\s*\(|\bcythonize\s*\(|\bcffi_modules\b")
_MAX_TEXT = 1024 * 1024
# Machine-usable notes on FL003 findings, for fixes and front ends (see docs/json-format.md).
NOTE_PURE = "sdist:pure"
NOTE_NATIVE = "sdist:native"
NOTE_UNKNOWN = "sdist:unknown"


@dataclass(frozen=True)
class SdistVerdict:
    """`native` None: the archive could not be read. `evidence` says why, file by file."""

    native: bool | None
    backend: str | None = None
    evidence: tuple[str, ...] = ()

    @property
    def note(self) -> str:
        if self.native is None:
            return NOTE_UNKNOWN
        return NOTE_NATIVE if self.native else NOTE_PURE


def _members(data: bytes, filename: str) -> dict[str, bytes | None]:
    """Member names (without the `name-version/` folder) → contents of the few text files read."""
    wanted = ("pyproject.toml", "setup.py", "setup.cfg")
    found: dict[str, bytes | None] = {}
    if filename.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in zf.infolist():
                rel = info.filename.split("/", 1)[-1]
                small = rel in wanted and info.file_size <= _MAX_TEXT
                found[rel] = zf.read(info) if small else None
        return found
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tf:
        for member in tf.getmembers():
            if not member.isfile():
                continue
            rel = member.name.split("/", 1)[-1]
            content = None
            if rel in wanted and member.size <= _MAX_TEXT:
                extracted = tf.extractfile(member)
                content = extracted.read() if extracted else None
            found[rel] = content
    return found


def _requirement_names(values: object) -> list[str]:
    if not isinstance(values, list):
        return []
    names = []
    for value in values:
        match = re.match(r"\s*([A-Za-z0-9._-]+)", str(value))
        if match:
            names.append(match.group(1).lower())
    return names


def inspect_sdist(data: bytes, filename: str) -> SdistVerdict:
    try:
        members = _members(data, filename)
    except (tarfile.TarError, zipfile.BadZipFile, OSError, EOFError, zlib.error):
        return SdistVerdict(None, evidence=("the archive could not be read",))
    evidence: list[str] = []
    backend: str | None = None
    pyproject = members.get("pyproject.toml")
    if pyproject is not None:
        try:
            build = tomllib.loads(pyproject.decode("utf-8", "replace")).get("build-system", {})
        except tomllib.TOMLDecodeError:
            build = {}
        if isinstance(build, dict):
            backend = str(build["build-backend"]) if "build-backend" in build else None
            tools = [*_requirement_names(build.get("requires")), (backend or "").lower()]
            for tool in NATIVE_BUILD_TOOLS:
                if any(t == tool or t.startswith(tool + ".") for t in tools):
                    evidence.append(f"builds with {tool} (pyproject.toml)")
    sources = sorted(n for n in members if n.lower().endswith(NATIVE_SUFFIXES))
    if sources:
        more = f" and {len(sources) - 3} more" if len(sources) > 3 else ""
        evidence.append("compiled sources: " + ", ".join(sources[:3]) + more)
    if any(n == "Cargo.toml" or n.endswith("/Cargo.toml") for n in members):
        evidence.append("a Rust crate (Cargo.toml)")
    setup_py = members.get("setup.py")
    if setup_py is not None and _EXT_MODULES.search(setup_py.decode("utf-8", "replace")):
        evidence.append("setup.py declares extension modules")
    return SdistVerdict(bool(evidence), backend, tuple(evidence))
