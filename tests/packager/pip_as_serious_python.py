"""pip, installing as serious_python's `package` step runs it (v4.5.1 `package_command.dart`),
for comparing fletlint's output with it file for file.

Per arch key, in serious_python's order: `python -m pip install --upgrade
--disable-pip-version-check --only-binary :all: --extra-index-url <Flet's index> --target
<site-packages>/<arch key> <requirements>`, with `PYTHONPATH` = a folder holding serious_python's
own `sitecustomize.py` (the text of `bin/sitecustomize.dart`, filled in as the Dart code fills it),
`PYTHONNOUSERSITE=1`, `PIP_REQUIRE_VIRTUALENV=false`. Two differences, each because a test cannot
do otherwise: PyPI is replaced by the local index (`--index-url`), and this interpreter stands in
for the host CPython of the bundled X.Y, so `--python-version X.Y` says which one it stands for.
The platform still comes from the patched `sysconfig.get_platform()`, as in serious_python.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from collections.abc import Mapping, Sequence
from pathlib import Path

# bin/sitecustomize.dart @ v4.5.1, verbatim but for the three placeholders.
SITECUSTOMIZE = """
custom_system = "{platform}"
custom_platform = "{tag}"
custom_mac_ver = "{mac_ver}"

import collections
import platform
import sysconfig
import sys

if custom_system:
    platform.system = lambda: custom_system

if custom_platform:
    sysconfig.get_platform = lambda: custom_platform

if custom_mac_ver:
  orig_mac_ver = platform.mac_ver

  def custom_mac_ver_impl():
      orig = orig_mac_ver()
      return orig[0], orig[1], custom_mac_ver

  platform.mac_ver = custom_mac_ver_impl

if custom_system == "iOS":
  IOSVersionInfo = collections.namedtuple(
      "IOSVersionInfo",
      ["system", "release", "model", "is_simulator"]
  )

  tag_parts = custom_platform.split("-")

  def custom_ios_ver(system="", release="", model="", is_simulator=False):
      return IOSVersionInfo(custom_system, tag_parts[1], "iPhone", "simulator" in tag_parts[3])

  platform.ios_ver = custom_ios_ver

  sys.implementation._multiarch = f"{tag_parts[2]}_{tag_parts[3]}"

if custom_system == "Android":
  AndroidVer = collections.namedtuple(
      "AndroidVer",
      ["release", "api_level", "manufacturer", "model", "device", "is_emulator"]
  )

  tag_parts = custom_platform.split("-")
  try:
      _api_level = int(tag_parts[1])
  except (IndexError, ValueError):
      _api_level = 24

  def custom_android_ver():
      return AndroidVer("", _api_level, "", "", "", False)

  platform.android_ver = custom_android_ver

orig_platform_version = platform.version
platform.version = lambda: orig_platform_version() + ";embedded"
"""

# package_command.dart `platforms`, in its order.
PLATFORMS = {
    "Android": {
        "arm64-v8a": "android-24-arm64_v8a",
        "armeabi-v7a": "android-24-armeabi_v7a",
        "x86_64": "android-24-x86_64",
    },
    "iOS": {
        "iphoneos.arm64": "ios-13.0-arm64-iphoneos",
        "iphonesimulator.arm64": "ios-13.0-arm64-iphonesimulator",
        "iphonesimulator.x86_64": "ios-13.0-x86_64-iphonesimulator",
    },
}


def install(
    platform: str,
    requirements: Sequence[str],
    site_packages: Path,
    *,
    python_version: str,
    index_url: str,
    extra_index_url: str | None,
    work: Path,
    arch: Sequence[str] = (),
    environ: Mapping[str, str] | None = None,
) -> dict[str, subprocess.CompletedProcess[str]]:
    """One pip run per arch key of `platform` ("Android" or "iOS"), into site_packages/<key>;
    `arch` keeps only those keys, as serious_python's `--arch`. pip gets `environ` (default: this
    process's) plus serious_python's variables, as serious_python passes its own environment."""
    runs: dict[str, subprocess.CompletedProcess[str]] = {}
    for key, tag in PLATFORMS[platform].items():
        if arch and key not in arch:
            continue
        custom = work / f"sitecustomize-{key}"
        custom.mkdir(parents=True, exist_ok=True)
        (custom / "sitecustomize.py").write_text(
            SITECUSTOMIZE.replace("{platform}", platform)
            .replace("{tag}", tag)
            .replace("{mac_ver}", "")
        )
        command = [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--upgrade",
            "--disable-pip-version-check",
            "--only-binary",
            ":all:",
            "--index-url",
            index_url,
            *(["--extra-index-url", extra_index_url] if extra_index_url else []),
            "--python-version",
            python_version,
            "--target",
            str(site_packages / key),
            *requirements,
        ]
        env = {
            **(os.environ if environ is None else environ),
            "PYTHONPATH": str(custom),
            "PYTHONNOUSERSITE": "1",
            "PIP_REQUIRE_VIRTUALENV": "false",
        }
        env.setdefault("PIP_CONFIG_FILE", os.devnull)
        env.setdefault("PIP_CACHE_DIR", str(work / "pip-cache"))
        if platform == "iOS":
            # The patched `_multiarch` renames the sysconfigdata module Python looks for;
            # serious_python copies the host's under the three iOS names (`duplicateSysconfigFile`,
            # on macOS, the only host that builds for iOS). The same here, for this host.
            host = sysconfig._get_sysconfigdata_name()  # type: ignore[attr-defined]
            machine, sdk = tag.split("-")[2:4]
            name = f"_sysconfigdata_{sys.abiflags}_{sys.platform}_{machine}_{sdk}"
            (custom / f"{name}.py").write_text(
                f"import importlib\nbuild_time_vars = importlib.import_module({host!r}).build_time_vars\n"
            )
        runs[key] = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    return runs
