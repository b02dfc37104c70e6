"""Build src/fletlint/linter/index/snapshot.json from the collected mobile-index facts.

Usage: python scripts/make_snapshot.py [DATA_DIR]   (default: ../shared/data relative to the repo)

The snapshot is what fletlint falls back to when Flet's mobile index cannot be read, so it states
where its facts come from (`source`, `collected`, `generator`) and users can judge how stale it is.
Rules encoded here (from the data files' notes and FLET-FACTS.md):
- versions in `current_recipe_versions` were built by mobile-forge main since 2026-06-11 for
  CPython 3.12, 3.13 and 3.14; other versions only on the python3.12 branch (cp312);
- entries collected from newer copies than the git snapshot (`in_snapshot: false`) and lacking
  `current_recipe_versions` postdate the 3.13/3.14 switch, so their newest version is current;
- `excluded_arches` removes Android ABIs; armeabi-v7a exists for 3.13/3.14 since 2026-06-30, after
  every current version was (re)built, so current versions have it unless excluded;
- `flet-lib*` are native-library wheels tagged `py3-none-<platform>`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "src" / "fletlint" / "linter" / "index" / "snapshot.json"
GENERATOR = "scripts/make_snapshot.py"

ANDROID_ABIS = ("arm64_v8a", "armeabi_v7a", "x86_64")
IOS_PLATFORMS = (
    "ios_13_0_arm64_iphoneos",
    "ios_13_0_arm64_iphonesimulator",
    "ios_13_0_x86_64_iphonesimulator",
)
CURRENT_PYTHONS = ("3.12", "3.13", "3.14")
LEGACY_PYTHONS = ("3.12",)


def _vkey(text: str) -> tuple[int, Version | str]:
    try:
        return (1, Version(text))
    except InvalidVersion:
        return (0, text)


def _platform_tags(info: dict[str, Any]) -> list[str]:
    excluded = {a.replace("-", "_") for a in info.get("excluded_arches", [])}
    tags: list[str] = []
    if "android" in info.get("platforms", ["android", "ios"]):
        tags += [f"android_24_{abi}" for abi in ANDROID_ABIS if abi not in excluded]
    if "ios" in info.get("platforms", ["android", "ios"]):
        tags += list(IOS_PLATFORMS)
    return tags


def _intern(table: list[list[str]], item: list[str]) -> int:
    if item not in table:
        table.append(item)
    return table.index(item)


def build_flet(data: dict[str, Any]) -> dict[str, Any]:
    tag_sets: list[list[str]] = []
    python_sets: list[list[str]] = []
    packages: dict[str, Any] = {}
    for name, info in sorted(data["packages"].items()):
        versions = sorted(set(info["versions"]), key=_vkey)
        current = set(info.get("current_recipe_versions", []))
        if not current and info.get("in_snapshot") is False and versions:
            current = {versions[-1]}
        tags = _intern(tag_sets, _platform_tags(info))
        by_version: dict[str, list[int]] = {}
        for version in versions:
            pythons = CURRENT_PYTHONS if version in current else LEGACY_PYTHONS
            by_version[version] = [_intern(python_sets, list(pythons)), tags]
        entry: dict[str, Any] = {"v": by_version}
        if name.startswith("flet-lib"):
            entry["lib"] = True
        packages[name] = entry
    hosted = data.get("also_hosted_pure_python", {})
    pure = sorted({n.strip() for key in hosted for n in key.split(",")})
    return {
        "index_url": data["index_url"].split()[0].rstrip("/") + "/",
        "source": data["source"],
        "collected": data["collected"],
        "python_sets": python_sets,
        "tag_sets": tag_sets,
        "hosted_pure": pure,
        "packages": packages,
    }


def build_forge(data: dict[str, Any]) -> dict[str, Any]:
    packages: dict[str, Any] = {}
    for name, info in sorted(data["packages"].items()):
        entry: dict[str, Any] = {
            "versions": sorted(set(info["versions"]), key=_vkey),
            "platforms": info.get("platforms", []),
        }
        if info.get("current_recipe_versions"):
            entry["current"] = info["current_recipe_versions"]
        if "kind" in info:
            entry["kind"] = info["kind"]
        packages[name] = entry
    return {
        "index_url": data["index_url"].split()[0],
        "source": data["source"],
        "collected": data["collected"],
        "notes": data.get("notes", []),
        "packages": packages,
    }


def build(data_dir: Path) -> dict[str, Any]:
    def load(name: str) -> dict[str, Any]:
        with open(data_dir / name, encoding="utf-8") as fh:
            result: dict[str, Any] = json.load(fh)
            return result

    return {
        # Read by people who open the file: where the facts come from and how they were derived.
        "about": (
            "Offline stand-in for Flet's mobile index (https://pypi.flet.dev), used only when that "
            "index cannot be read. Built by scripts/make_snapshot.py from the recipe histories of "
            "flet-dev/mobile-forge, chaquo/chaquopy and beeware/mobile-forge (see each section's "
            "`source` and `collected`). Recipe versions are strong evidence, not proof, that wheels "
            "were published: current recipe versions count for CPython 3.12-3.14, older ones for "
            "3.12 only; excluded_arches remove Android ABIs."
        ),
        "generator": GENERATOR,
        "flet": build_flet(load("flet-mobile-index.json")),
        "chaquopy": build_forge(load("chaquopy-packages.json")),
        "beeware": build_forge(load("beeware-mobile-forge.json")),
    }


def main(argv: list[str]) -> int:
    data_dir = Path(argv[1]) if len(argv) > 1 else REPO.parent / "shared" / "data"
    snapshot = build(data_dir)
    text = json.dumps(snapshot, separators=(",", ":"), sort_keys=True)
    OUT.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(text)} bytes, {len(snapshot['flet']['packages'])} Flet packages)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
