"""serious_python's names and clean-up rules (`src/serious_python/bin/package_command.dart`,
v4.5.1), so that fletlint's output is what `flet build`'s package step leaves on disk.

- One `site-packages/<arch key>/` per target, named as serious_python names them and as the
  Android Gradle build (`$SERIOUS_PYTHON_SITE_PACKAGES/<abi>`) and the iOS sync (all three iOS
  folders, else the macOS branch) read them.
- Clean-up: `cleanupDir` deletes every entry whose path relative to the folder matches one of the
  globs (package:glob syntax: `**` crosses `/`, `*` does not), recursing into the others, then
  deletes every folder left empty, including folders that were empty to begin with.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from fletlint.linter.targets import Target

# Target.abi (the wheel tag's spelling) → serious_python's arch key, in serious_python's order.
ARCH_KEYS = {
    "arm64_v8a": "arm64-v8a",
    "armeabi_v7a": "armeabi-v7a",
    "x86_64": "x86_64",
    "arm64_iphoneos": "iphoneos.arm64",
    "arm64_iphonesimulator": "iphonesimulator.arm64",
    "x86_64_iphonesimulator": "iphonesimulator.x86_64",
}
PLATFORM_OF_KEY = {
    "arm64-v8a": "android",
    "armeabi-v7a": "android",
    "x86_64": "android",
    "iphoneos.arm64": "ios",
    "iphonesimulator.arm64": "ios",
    "iphonesimulator.x86_64": "ios",
}

JUNK_FILES_DESKTOP = (
    "**.c",
    "**.h",
    "**.cpp",
    "**.hpp",
    "**.typed",
    "**.pyi",
    "**.pxd",
    "**.pyx",
    "**.a",
    "**.pdb",
    "__pycache__",
    "**/__pycache__",
)
JUNK_FILES_MOBILE = (*JUNK_FILES_DESKTOP, "**.exe", "**.dll", "bin", "**/bin")
SOURCE_FILES = ("**.py",)  # deleted after compileall


def arch_key(target: Target) -> str:
    return ARCH_KEYS[target.abi]


def junk_globs(platform: str) -> tuple[str, ...]:
    return JUNK_FILES_MOBILE if platform in ("android", "ios") else JUNK_FILES_DESKTOP


@lru_cache(maxsize=256)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """A package:glob pattern as an anchored regex over `/`-separated relative paths."""
    out: list[str] = []
    i = 0
    depth = 0  # inside {a,b}
    while i < len(pattern):
        c = pattern[i]
        if c == "*":
            if pattern.startswith("**", i):
                out.append(".*")
                i += 2
                continue
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = pattern.find("]", i + 2)
            if end == -1:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1 : end]
                negate = body[:1] in ("!", "^")
                body = body[1:] if negate else body
                out.append(("[^/" if negate else "[") + body.replace("\\", "\\\\") + "]")
                i = end + 1
                continue
        elif c == "{":
            depth += 1
            out.append("(?:")
        elif c == "}" and depth:
            depth -= 1
            out.append(")")
        elif c == "," and depth:
            out.append("|")
        elif c == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z")


def matches(rel_path: str, globs: Iterable[str]) -> bool:
    return any(glob_regex(g.replace("\\", "/")).match(rel_path) for g in globs)


def cleanup_dir(root: Path, globs: Sequence[str]) -> list[str]:
    """serious_python's `cleanupDir`: returns the deleted paths (relative, `/`), folders too."""
    removed: list[str] = []

    def walk(folder: Path) -> bool:
        empty = True
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            path = Path(entry.path)
            rel = path.relative_to(root).as_posix()
            if matches(rel, globs):
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(path)
                else:
                    path.unlink()
                removed.append(rel)
            elif entry.is_dir():
                if walk(path):
                    path.rmdir()
                    removed.append(rel)
                else:
                    empty = False
            else:
                empty = False
        return empty

    if root.is_dir():
        walk(root)
    return removed


def move_flutter_folder(site: Path, flutter_packages: Path, *, copy: bool) -> bool:
    """Move a wheel's Dart side (`<site>/flutter/`, Flet extensions) out of site-packages:
    serious_python copies it once (the first arch) into the Flutter packages folder and deletes
    it from every arch folder. Returns whether there was one."""
    source = site / "flutter"
    if not source.is_dir():
        return False
    if copy:
        flutter_packages.mkdir(parents=True, exist_ok=True)
        shutil.copytree(source, flutter_packages, dirs_exist_ok=True)
    shutil.rmtree(source)
    return True
