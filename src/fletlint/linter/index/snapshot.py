"""The embedded snapshot of Flet's mobile index (and the Chaquopy / BeeWare facts).

When pypi.flet.dev cannot be read, resolving against nothing would report every native package as
"no mobile wheel", which is worse than useful: instead we answer from this snapshot, built by
`scripts/make_snapshot.py` from collected recipe data, and say so in the FL005 problem.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from packaging.tags import Tag
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from fletlint.linter.index.model import DistFile


@dataclass(frozen=True)
class ForgePackage:
    """What another mobile-wheel builder (Chaquopy, BeeWare) has recipes for."""

    name: str
    versions: tuple[str, ...]
    platforms: tuple[str, ...]
    current: tuple[str, ...] = ()


@dataclass(frozen=True)
class Forge:
    index_url: str
    source: str
    collected: str
    packages: dict[str, ForgePackage]


@dataclass(frozen=True)
class FletVersion:
    version: str
    pythons: tuple[str, ...]  # "3.12", ...
    platform_tags: tuple[str, ...]  # "android_24_arm64_v8a", ...


@dataclass(frozen=True)
class Snapshot:
    generator: str
    index_url: str
    source: str
    collected: str
    flet: dict[str, tuple[FletVersion, ...]]
    native_libs: frozenset[str]  # flet-lib*: py3-none-<platform> wheels
    hosted_pure: frozenset[str]  # flet, flet-cli, ...: pure packages also served by the Flet index
    chaquopy: Forge
    beeware: Forge

    def describe(self, source_name: str) -> str:
        """The `fallback` text of an IndexProblem."""
        return f"embedded snapshot of {source_name} collected {self.collected}"


def _forge(raw: dict[str, Any]) -> Forge:
    packages = {
        name: ForgePackage(
            name=name,
            versions=tuple(info["versions"]),
            platforms=tuple(info.get("platforms", ())),
            current=tuple(info.get("current", ())),
        )
        for name, info in raw["packages"].items()
    }
    return Forge(raw["index_url"], raw["source"], raw["collected"], packages)


def parse_snapshot(raw: dict[str, Any]) -> Snapshot:
    flet = raw["flet"]
    python_sets: list[list[str]] = flet["python_sets"]
    tag_sets: list[list[str]] = flet["tag_sets"]
    packages: dict[str, tuple[FletVersion, ...]] = {}
    libs: set[str] = set()
    for name, info in flet["packages"].items():
        packages[name] = tuple(
            FletVersion(version, tuple(python_sets[py]), tuple(tag_sets[tags]))
            for version, (py, tags) in info["v"].items()
        )
        if info.get("lib"):
            libs.add(name)
    return Snapshot(
        generator=raw["generator"],
        index_url=flet["index_url"],
        source=flet["source"],
        collected=flet["collected"],
        flet=packages,
        native_libs=frozenset(libs),
        hosted_pure=frozenset(flet.get("hosted_pure", ())),
        chaquopy=_forge(raw["chaquopy"]),
        beeware=_forge(raw["beeware"]),
    )


@lru_cache(maxsize=1)
def load_snapshot() -> Snapshot:
    text = resources.files("fletlint.linter.index").joinpath("snapshot.json").read_text("utf-8")
    return parse_snapshot(json.loads(text))


def snapshot_files(name: str, index: str, base_url: str) -> tuple[DistFile, ...]:
    """Synthesised wheels for one project as the Flet index would list them.

    `index` is the source's display name and `base_url` a credential-free URL to hang the
    (never fetched) file URLs on. Unknown projects give no files.
    """
    snap = load_snapshot()
    project = str(canonicalize_name(name))
    versions = snap.flet.get(project)
    if not versions:
        return ()
    dist = project.replace("-", "_")
    base = base_url if base_url.endswith("/") else base_url + "/"
    files: list[DistFile] = []
    for entry in versions:
        try:
            version = Version(entry.version)
        except InvalidVersion:
            continue
        if project in snap.native_libs:
            interpreters = [("py3", "none")]
        else:
            interpreters = [(f"cp{p.replace('.', '')}",) * 2 for p in entry.pythons]
        for interp, abi in interpreters:
            for platform in entry.platform_tags:
                filename = f"{dist}-{entry.version}-{interp}-{abi}-{platform}.whl"
                files.append(
                    DistFile(
                        filename=filename,
                        url=f"{base}{project}/{filename}",
                        index=index,
                        name=project,
                        version=version,
                        is_wheel=True,
                        tags=frozenset({Tag(interp, abi, platform)}),
                        from_snapshot=True,
                    )
                )
    return tuple(files)


def hosted_pure_files(
    name: str, versions: Iterable[Version], index: str, base_url: str
) -> tuple[DistFile, ...]:
    """Pure wheels the Flet index serves for `flet`, `flet-desktop`, ... (the snapshot's
    `hosted_pure`), one per release the other indexes list: what the index would add when it
    cannot be read. Unknown projects give no files."""
    snap = load_snapshot()
    project = str(canonicalize_name(name))
    if project not in snap.hosted_pure:
        return ()
    dist = project.replace("-", "_")
    base = base_url if base_url.endswith("/") else base_url + "/"
    files = []
    for version in sorted(set(versions)):
        filename = f"{dist}-{version}-py3-none-any.whl"
        files.append(
            DistFile(
                filename=filename,
                url=f"{base}{project}/{filename}",
                index=index,
                name=project,
                version=version,
                is_wheel=True,
                tags=frozenset({Tag("py3", "none", "any")}),
                from_snapshot=True,
            )
        )
    return tuple(files)
