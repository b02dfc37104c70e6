"""Build real, deterministic distribution files (wheels and sdists) for offline tests.

The index client reads METADATA straight out of wheels (PEP 658 files or HTTP range
requests on the zip central directory) and PKG-INFO out of sdists, so fakes made of
empty files would not exercise it: every file here is a valid archive that `zipfile`,
`tarfile` and `installer` accept, with a correct RECORD.

Everything is byte-for-byte reproducible (fixed timestamps, sorted members, gzip mtime 0)
so ETags and hashes stay stable across runs and tests can hard-code nothing fragile.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import os
import tarfile
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from packaging.tags import parse_tag
from packaging.utils import canonicalize_name

# 1980-01-01 is the earliest date a zip entry can hold; a fixed stamp keeps bytes stable.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# Any fixed mtime works for tar; this one is just recognisable in listings.
_TAR_MTIME = 1_700_000_000


def dist_name(name: str) -> str:
    """Project name as it appears in file names: normalized, with underscores (wheel spec)."""
    return canonicalize_name(name).replace("-", "_")


def expand_tags(tag: str) -> list[str]:
    """Expand a compressed tag set (`cp312-cp312-a.b`) into one tag string per combination.

    WHEEL files must list every tag separately; packaging already knows the expansion,
    and sorting keeps the output deterministic.
    """
    return sorted(str(t) for t in parse_tag(tag))


def metadata_text(
    name: str,
    version: str,
    *,
    requires_dist: Sequence[str] = (),
    requires_python: str | None = None,
    provides_extra: Sequence[str] = (),
    metadata_version: str = "2.1",
    summary: str | None = None,
    license_text: str | None = None,
) -> str:
    """Core metadata (RFC 822 style) as found in METADATA / PKG-INFO.

    `license_text` may span lines (matplotlib's does): continuation lines are indented, and a
    line of only spaces is kept as such, as real files hold them.
    """
    lines = [
        f"Metadata-Version: {metadata_version}",
        f"Name: {name}",
        f"Version: {version}",
        f"Summary: {summary or f'Test distribution {name}'}",
    ]
    if license_text is not None:
        head, *rest = license_text.split("\n")
        lines.append(f"License: {head}")
        lines.extend(f"        {line}" for line in rest)
    if requires_python is not None:
        lines.append(f"Requires-Python: {requires_python}")
    lines.extend(f"Provides-Extra: {extra}" for extra in provides_extra)
    lines.extend(f"Requires-Dist: {req}" for req in requires_dist)
    # A blank line ends the headers; real files carry a description body after it.
    return "\n".join(lines) + "\n\n" + f"{name} {version}, built for fletlint tests.\n"


def wheel_filename(name: str, version: str, tag: str = "py3-none-any") -> str:
    return f"{dist_name(name)}-{version}-{tag}.whl"


def sdist_filename(name: str, version: str) -> str:
    return f"{dist_name(name)}-{version}.tar.gz"


def _record_hash(data: bytes) -> str:
    digest = hashlib.sha256(data).digest()
    # RECORD uses urlsafe base64 without padding (PEP 376 / wheel spec).
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _zip_write(zf: zipfile.ZipFile, arcname: str, data: bytes) -> None:
    info = zipfile.ZipInfo(arcname, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    # Regular file, rw-r--r--: installers honour the mode bits in external_attr.
    info.external_attr = (0o100644 & 0xFFFF) << 16
    zf.writestr(info, data)


def build_wheel(
    dest: Path,
    name: str,
    version: str,
    tag: str = "py3-none-any",
    requires_dist: Sequence[str] = (),
    requires_python: str | None = None,
    provides_extra: Sequence[str] = (),
    files: Mapping[str, str] | None = None,
    top_level: Sequence[str] | None = None,
    license_text: str | None = None,
) -> Path:
    """Write a valid wheel into `dest` and return its path.

    `files` maps archive paths to text contents; by default one package module
    `<name_with_underscores>/__init__.py`. METADATA is deliberately not the last member
    (RECORD is, as with real build backends) so range-request readers must use the
    central directory rather than assume the tail of the file.
    """
    dest.mkdir(parents=True, exist_ok=True)
    dname = dist_name(name)
    if files is None:
        files = {f"{dname}/__init__.py": f'"""{name} {version}"""\n__version__ = "{version}"\n'}
    if top_level is None:
        top_level = sorted({path.split("/", 1)[0].removesuffix(".py") for path in files})
    dist_info = f"{dname}-{version}.dist-info"
    is_pure = all(t.endswith("-none-any") for t in expand_tags(tag))
    wheel_lines = [
        "Wheel-Version: 1.0",
        "Generator: fletlint-tests (1.0)",
        f"Root-Is-Purelib: {'true' if is_pure else 'false'}",
        *(f"Tag: {t}" for t in expand_tags(tag)),
    ]
    members: list[tuple[str, bytes]] = [
        (path, files[path].encode("utf-8")) for path in sorted(files)
    ]
    members += [
        (
            f"{dist_info}/METADATA",
            metadata_text(
                name,
                version,
                requires_dist=requires_dist,
                requires_python=requires_python,
                provides_extra=provides_extra,
                license_text=license_text,
            ).encode("utf-8"),
        ),
        (f"{dist_info}/WHEEL", ("\n".join(wheel_lines) + "\n").encode("utf-8")),
        (f"{dist_info}/top_level.txt", "".join(f"{t}\n" for t in top_level).encode("utf-8")),
    ]
    record_name = f"{dist_info}/RECORD"
    record_lines = [f"{path},{_record_hash(data)},{len(data)}" for path, data in members]
    # RECORD cannot hash itself: its own line has empty hash and size fields.
    record_lines.append(f"{record_name},,")
    members.append((record_name, ("\n".join(record_lines) + "\n").encode("utf-8")))

    path = dest / wheel_filename(name, version, tag)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for arcname, data in members:
            _zip_write(zf, arcname, data)
    path.write_bytes(buffer.getvalue())
    return path


def _tar_add(tf: tarfile.TarFile, arcname: str, data: bytes) -> None:
    info = tarfile.TarInfo(arcname)
    info.size = len(data)
    info.mtime = _TAR_MTIME
    info.mode = 0o644
    # Fixed owner fields: otherwise the builder's uid/gid leak in and bytes differ per machine.
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    tf.addfile(info, io.BytesIO(data))


def build_sdist(
    dest: Path,
    name: str,
    version: str,
    requires_dist: Sequence[str] = (),
    requires_python: str | None = None,
    native: bool = False,
) -> Path:
    """Write a valid `.tar.gz` sdist into `dest` and return its path.

    With `native=True` it carries a C source and an `ext_modules` setup.py, which is
    what makes an sdist-only package unbuildable for phones without a cross toolchain.
    """
    dest.mkdir(parents=True, exist_ok=True)
    dname = dist_name(name)
    root = f"{dname}-{version}"
    deps = "".join(f"    {req!r},\n" for req in requires_dist)
    pyproject = (
        "[build-system]\n"
        'requires = ["setuptools>=61"]\n'
        'build-backend = "setuptools.build_meta"\n'
        "\n"
        "[project]\n"
        f'name = "{name}"\n'
        f'version = "{version}"\n'
        + (f'requires-python = "{requires_python}"\n' if requires_python else "")
        + "dependencies = [\n"
        + "".join(f"    {_toml_str(req)},\n" for req in requires_dist)
        + "]\n"
    )
    contents: dict[str, str] = {
        "PKG-INFO": metadata_text(
            name,
            version,
            requires_dist=requires_dist,
            requires_python=requires_python,
            metadata_version="2.2",
        ),
        "pyproject.toml": pyproject,
        f"src/{dname}/__init__.py": f'__version__ = "{version}"\n',
    }
    if native:
        contents["src/_speedups.c"] = (
            "#define PY_SSIZE_T_CLEAN\n"
            "#include <Python.h>\n"
            'static struct PyModuleDef mod = {PyModuleDef_HEAD_INIT, "_speedups", NULL, -1};\n'
            "PyMODINIT_FUNC PyInit__speedups(void) { return PyModule_Create(&mod); }\n"
        )
        contents["setup.py"] = (
            "from setuptools import Extension, setup\n"
            "\n"
            "setup(\n"
            f"    install_requires=[\n{deps}    ],\n"
            f'    ext_modules=[Extension("{dname}._speedups", ["src/_speedups.c"])],\n'
            ")\n"
        )
    tar_buffer = io.BytesIO()
    with tarfile.open(fileobj=tar_buffer, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for rel in sorted(contents):
            _tar_add(tf, f"{root}/{rel}", contents[rel].encode("utf-8"))
    gz_buffer = io.BytesIO()
    # mtime=0 and no filename in the gzip header: otherwise the bytes change every build.
    with gzip.GzipFile(filename="", mode="wb", fileobj=gz_buffer, mtime=0) as gz:
        gz.write(tar_buffer.getvalue())
    path = dest / sdist_filename(name, version)
    path.write_bytes(gz_buffer.getvalue())
    return path


def _toml_str(value: str) -> str:
    """A TOML basic string; requirement strings may contain double quotes in markers."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def read_wheel_metadata(path: Path) -> str:
    """METADATA text of a wheel (used by the index server for PEP 658 and Requires-Python)."""
    with zipfile.ZipFile(path) as zf:
        for member in zf.namelist():
            parts = member.split("/")
            if len(parts) == 2 and parts[0].endswith(".dist-info") and parts[1] == "METADATA":
                return zf.read(member).decode("utf-8")
    raise ValueError(f"{path.name}: no .dist-info/METADATA")


def read_sdist_metadata(path: Path) -> str:
    """Top-level PKG-INFO text of an sdist."""
    with tarfile.open(path, "r:gz") as tf:
        for member in tf.getmembers():
            parts = member.name.split("/")
            if len(parts) == 2 and parts[1] == "PKG-INFO":
                extracted = tf.extractfile(member)
                if extracted is not None:
                    return extracted.read().decode("utf-8")
    raise ValueError(f"{path.name}: no PKG-INFO")


def read_metadata(path: Path) -> str:
    """Core metadata of either kind of distribution file."""
    if path.name.endswith(".whl"):
        return read_wheel_metadata(path)
    return read_sdist_metadata(path)


def write_file_index(root: Path, files_dir: Path) -> None:
    """A PEP 503 index as files (`root/<project>/index.html`) linking to `files_dir`'s files."""
    for path in sorted(files_dir.iterdir()):
        project = path.name.split("-")[0].replace("_", "-").lower()
        page = root / project / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        rel = os.path.relpath(path, page.parent)
        with page.open("a") as fh:
            fh.write(f'<a href="{rel}" data-requires-python="&gt;=3.8">{path.name}</a>\n')
