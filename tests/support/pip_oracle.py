"""pip, run as `flet build` runs it for one phone target: the oracle fletlint's verdicts answer to.

serious_python (`src/serious_python/bin/package_command.dart`) runs the host CPython's pip once per
ABI with `--only-binary :all:` (`--no-binary <source_packages>`), Flet's index as an extra index,
and a `sitecustomize.py` on `PYTHONPATH` (`bin/sitecustomize.dart`) that makes
`platform.system()` answer `Android`/`iOS` and `sysconfig.get_platform()` the phone's platform
(`android-24-arm64_v8a`, `ios-13.0-arm64-iphoneos`). `sys.platform` and `platform.machine()` stay
the host's. Here the same pip runs as a dry run with a JSON report, and `--platform`,
`--python-version` and `--implementation` say explicitly what the host CPython of the bundled
version would have told pip itself.

pip is the pinned test dependency (`python -m pip` of this interpreter). Its configuration files
are switched off (`PIP_CONFIG_FILE=/dev/null`): `--isolated` skips the user's file and `PIP_*`
variables but still reads the machine-wide one (/etc/xdg/pip/pip.conf, /etc/pip.conf), which is
no part of what a test may depend on.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import NormalizedName, canonicalize_name

from fletlint.linter.targets import Target

# serious_python's sitecustomize (bin/sitecustomize.dart, v4.5.1), less its macOS branch: the
# platform pip sees, and the shims packaging's tag code needs on a host Python without
# `platform.android_ver`/`ios_ver` (pip computes the host's own tags too, even with --platform).
SITECUSTOMIZE = """\
import collections
import platform
import sys
import sysconfig

custom_system = {system!r}
custom_platform = {platform!r}
custom_python = {python!r}

platform.system = lambda: custom_system
sysconfig.get_platform = lambda: custom_platform
# Not serious_python's: its pip runs on a host CPython of the bundled X.Y.Z, so markers see that
# version. This pip runs on the tests' own Python, and --python-version does not reach marker
# evaluation: python_version / python_full_version markers are made to see the bundled one.
platform.python_version = lambda: custom_python
platform.python_version_tuple = lambda: tuple(custom_python.split("."))

tag_parts = custom_platform.split("-")
if custom_system == "iOS":
    IOSVersionInfo = collections.namedtuple(
        "IOSVersionInfo", ["system", "release", "model", "is_simulator"]
    )

    def custom_ios_ver(system="", release="", model="", is_simulator=False):
        return IOSVersionInfo(custom_system, tag_parts[1], "iPhone", "simulator" in tag_parts[3])

    platform.ios_ver = custom_ios_ver
    # Read the host's build variables first: sysconfig names their module after _multiarch,
    # and this Linux host has no iOS one (serious_python runs iOS builds on macOS only).
    sysconfig.get_config_vars()
    sys.implementation._multiarch = f"{{tag_parts[2]}}_{{tag_parts[3]}}"

if custom_system == "Android":
    AndroidVer = collections.namedtuple(
        "AndroidVer", ["release", "api_level", "manufacturer", "model", "device", "is_emulator"]
    )
    _api_level = int(tag_parts[1])

    def custom_android_ver():
        return AndroidVer("", _api_level, "", "", "", False)

    platform.android_ver = custom_android_ver

_orig_platform_version = platform.version
platform.version = lambda: _orig_platform_version() + ";embedded"
"""


def sysconfig_platform(target: Target) -> str:
    """`sysconfig.get_platform()` as serious_python's sitecustomize makes it answer."""
    if target.platform == "android":
        return f"android-{target.min_os}-{target.abi}"
    arch, sdk = target.abi.rsplit("_", 1)
    return f"ios-{target.min_os}-{arch}-{sdk}"


@dataclass(frozen=True)
class PipOutcome:
    """What pip said: what it (would) install, or which packages its error names."""

    ok: bool
    installs: dict[NormalizedName, str]
    culprits: frozenset[NormalizedName]
    output: str
    command: tuple[str, ...]


def write_sitecustomize(folder: Path, target: Target) -> Path:
    """A folder holding the sitecustomize.py for `target` (one per target and bundled Python,
    reused). pip runs for many universes at once: a file shared by targets of two Pythons, or
    rewritten in place while another pip starts, would hand it the other universe's Python."""
    python = target.marker_environment["python_full_version"]
    where = folder / f"sitecustomize-{target.name}-{python}"
    if (where / "sitecustomize.py").is_file():
        return where
    system = "Android" if target.platform == "android" else "iOS"
    text = SITECUSTOMIZE.format(system=system, platform=sysconfig_platform(target), python=python)
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder, prefix=".sitecustomize-"))
    (staging / "sitecustomize.py").write_text(text)
    try:
        staging.rename(where)  # whole or not at all; a concurrent writer's equal folder wins
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
    return where


def pip_command(
    requirements: Sequence[str],
    target: Target,
    index_url: str,
    extra_index_urls: Sequence[str],
    target_dir: Path,
    no_binary: Sequence[str] = (),
    dry_run: bool = True,
) -> list[str]:
    command = [sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "--quiet"]
    if dry_run:
        command += ["--dry-run", "--report", "-", "--ignore-installed", "--isolated"]
    else:
        # serious_python's real install: `--upgrade` into `--target`, and pip reads the
        # environment it is given (flet-cli's PIP_CONSTRAINT), as serious_python passes its own.
        command += ["--upgrade"]
    command += ["--only-binary", ":all:"]
    if no_binary:
        command += ["--no-binary", ",".join(no_binary)]
    command += [
        "--platform",
        target.name,
        "--python-version",
        target.python,
        "--implementation",
        "cp",
        "--target",
        str(target_dir),
        "--index-url",
        index_url,
    ]
    for url in extra_index_urls:
        command += ["--extra-index-url", url]
    command += list(requirements)
    return command


_NO_MATCH = re.compile(r"No matching distribution found for (\S+)")
_NO_VERSION = re.compile(r"Could not find a version that satisfies the requirement (\S+)")
_CONFLICT_LINE = re.compile(r"^\s+(?:The user requested |)(\S+?)(?:\s|$)", re.MULTILINE)
_DEPENDS_ON = re.compile(r"depends on (\S+)")


def _names(texts: Sequence[str]) -> set[NormalizedName]:
    names: set[NormalizedName] = set()
    for text in texts:
        try:
            names.add(canonicalize_name(Requirement(text).name))
        except InvalidRequirement:
            continue
    return names


def culprits(output: str) -> frozenset[NormalizedName]:
    """The packages pip's error names: the one without a distribution, or those in conflict."""
    found = _names(_NO_MATCH.findall(output)) | _names(_NO_VERSION.findall(output))
    if not found and "conflict is caused by" in output:
        block = output.split("The conflict is caused by:", 1)[1].split("\n\n", 1)[0]
        found = _names(_CONFLICT_LINE.findall(block)) | _names(_DEPENDS_ON.findall(block))
    return frozenset(found)


def run_pip(
    requirements: Sequence[str],
    target: Target,
    *,
    index_url: str,
    extra_index_urls: Sequence[str] = (),
    work: Path,
    no_binary: Sequence[str] = (),
    install_into: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> PipOutcome:
    """One dry run of pip for one target; `work` holds the sitecustomize and pip's own cache.

    With `install_into`, a real install into that folder (serious_python's `--target
    <site-packages>/<arch key>`), pip also seeing `environ` (serious_python's own environment)."""
    site = write_sitecustomize(work, target)
    target_dir = install_into or work / "target" / target.name
    dry_run = install_into is None
    command = pip_command(
        requirements, target, index_url, extra_index_urls, target_dir, no_binary, dry_run
    )
    env = {
        **(environ or {}),
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(work),
        "XDG_CACHE_HOME": str(work / "cache"),
        "PYTHONPATH": str(site),
        "PYTHONNOUSERSITE": "1",
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_REQUIRE_VIRTUALENV": "false",
    }
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    output = done.stdout + done.stderr
    if done.returncode != 0:
        return PipOutcome(False, {}, culprits(done.stderr), output, tuple(command))
    if install_into is not None:
        found = metadata.distributions(path=[str(install_into)])
        installed = {canonicalize_name(d.metadata["Name"]): d.version for d in found}
        return PipOutcome(True, installed, frozenset(), output, tuple(command))
    report = json.loads(done.stdout)
    installs = {
        canonicalize_name(item["metadata"]["name"]): str(item["metadata"]["version"])
        for item in report["install"]
    }
    return PipOutcome(True, installs, frozenset(), output, tuple(command))
