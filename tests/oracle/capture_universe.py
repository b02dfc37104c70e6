"""Capture a real dependency universe from PyPI as a test fixture (run by hand, never in CI).

    .venv/bin/python -m tests.oracle.capture_universe flet langchain openai \\
        --target android_24_arm64_v8a --out tests/oracle/captured/flet-langchain-openai.json

pip, run as serious_python runs it (tests/support/pip_oracle.py), and `fletlint check` resolve the
requirements for each target against a recording proxy of PyPI on 127.0.0.1
(tests/oracle/recording_proxy.py: PyPI's project pages, and every wheel's METADATA read with HTTP
range requests), with Flet's mobile index, which cannot be read from here, served by the same
proxy from the data fletlint ships (src/fletlint/linter/index/snapshot.json: versions, Pythons and
tags per package, with the Requires-Dist of the same release on PyPI). What they read is the
universe: every project page either asked for, and per project the releases from the oldest one
whose metadata either read up to the newest, with the metadata read. The releases below that are
never reached by either resolver, and leaving them out keeps the fixture small.

pip's and fletlint's answers on the real PyPI are stored with the universe: the test checks that
the captured universe gives pip the same answer, i.e. that the capture cut nothing it needed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from fletlint.linter.engine import Linter, Settings
from fletlint.linter.targets import ANDROID_ABIS, IOS_SLICES, Target
from tests.oracle.captured import (
    CapturedData,
    IndexData,
    ReferenceOutcome,
    ReleaseData,
    is_phone,
    is_pure,
    load_captured,
)
from tests.oracle.recording_proxy import RecordingProxy, parse_metadata
from tests.support.pip_oracle import run_pip


def all_targets(python: str) -> list[Target]:
    return [Target("android", abi, "24", python) for abi in ANDROID_ABIS] + [
        Target("ios", s, "13.0", python) for s in IOS_SLICES
    ]


def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _split(filename: str) -> tuple[str, str | None]:
    """(version, wheel tag or None for an sdist) of a distribution filename."""
    if filename.endswith(".whl"):
        parts = filename[: -len(".whl")].split("-")
        return parts[1], "-".join(parts[-3:])
    stem = filename.removesuffix(".tar.gz").removesuffix(".zip")
    return stem.rsplit("-", 1)[-1], None


def release_data(files: list[dict[str, Any]], metadata: bytes | None) -> ReleaseData:
    wheels: list[str] = []
    desktop: list[str] = []
    sdist = False
    for f in files:
        _, tag = _split(f["filename"])
        if tag is None:
            sdist = True
        else:
            (wheels if is_pure(tag) or is_phone(tag) else desktop).append(tag)
    # The desktop wheel a resolution taking any distribution reads: a Linux x86_64 one if any.
    desktop.sort(key=lambda t: (not ("linux" in t and "x86_64" in t), t))
    python = next((f["requires-python"] for f in files if f.get("requires-python")), None)
    requires: list[str] | None = None
    if metadata is not None:
        python, requires = parse_metadata(metadata)
    return ReleaseData(
        python=python,
        requires=requires,
        wheels=sorted(set(wheels)),
        desktop=desktop[0] if desktop else None,
        sdist=sdist,
        yanked=all(bool(f.get("yanked")) for f in files),
    )


def captured_index(
    pages: Mapping[str, list[dict[str, Any]]], metadata: Mapping[str, bytes]
) -> IndexData:
    """Per project whose page was read: its releases from the oldest one whose metadata was read
    (every release when none was), with that metadata."""
    read: dict[tuple[str, str], bytes] = {}
    for filename, data in metadata.items():
        version, _ = _split(filename)
        read[(str(canonicalize_name(filename.split("-", 1)[0])), version)] = data
    index: IndexData = {}
    for project in sorted(pages):
        by_version: dict[str, list[dict[str, Any]]] = {}
        for f in pages[project]:
            version, _ = _split(f["filename"])
            if _version(version) is not None:
                by_version.setdefault(version, []).append(f)
        if not by_version:
            continue
        reached = [Version(v) for (p, v) in read if p == project and _version(v) is not None]
        floor = min(reached) if reached else None
        index[project] = {
            v: release_data(files, read.get((project, v)))
            for v, files in sorted(by_version.items(), key=lambda item: Version(item[0]))
            if floor is None or Version(v) >= floor
        }
    return index


def requested_extras(roots: Iterable[str], indexes: Iterable[IndexData]) -> dict[str, set[str]]:
    """The extras asked of each project, by the roots and by any captured release."""
    texts = list(roots)
    for index in indexes:
        texts += [r for rs in index.values() for rel in rs.values() for r in rel["requires"] or []]
    asked: dict[str, set[str]] = {}
    for text in texts:
        requirement = Requirement(text)
        asked.setdefault(str(canonicalize_name(requirement.name)), set()).update(requirement.extras)
    return asked


def drop_unasked_extras(index: IndexData, asked: Mapping[str, set[str]]) -> None:
    """Leave out the requirements of extras nobody asks for (old langchain has hundreds)."""
    for project, releases in index.items():
        wanted = asked.get(project, set())
        for release in releases.values():
            if release["requires"] is None:
                continue
            kept = []
            for text in release["requires"]:
                marker = Requirement(text).marker
                if (
                    marker is not None
                    and "extra" in str(marker)
                    and not any(marker.evaluate({"extra": e}) for e in wanted)
                ):
                    continue
                kept.append(text)
            release["requires"] = kept


def merge_index(index: IndexData, earlier: IndexData) -> IndexData:
    """Both captures' releases of one index; where only one read a release's metadata, its."""
    merged: IndexData = {}
    for project in sorted({*index, *earlier}):
        mine = dict(index.get(project, {}))
        for version, release in earlier.get(project, {}).items():
            if version not in mine or mine[version]["requires"] is None:
                mine[version] = release
        merged[project] = dict(sorted(mine.items(), key=lambda item: Version(item[0])))
    return merged


def merge(data: CapturedData, old: CapturedData) -> None:
    """Add an earlier capture's releases, reads and answers to `data`."""
    data["pypi"] = merge_index(data["pypi"], old["pypi"])
    data["flet"] = merge_index(data["flet"], old["flet"])
    data["reference"] = {**old["reference"], **data["reference"]}
    data["fletlint"] = {"earlier": old["fletlint"], **data["fletlint"]}


def check_project(root: Path, roots: Iterable[str]) -> Path:
    project = root / "app"
    project.mkdir(parents=True, exist_ok=True)
    (project / "requirements.txt").write_text("".join(f"{r}\n" for r in roots))
    (project / "main.py").write_text("import flet as ft\n")
    return project


def run_pip_references(
    base: str, roots: list[str], targets: list[Target], work: Path
) -> dict[str, ReferenceOutcome]:
    """pip's answer per target on the real PyPI."""
    answers: dict[str, ReferenceOutcome] = {}
    for target in targets:
        outcome = run_pip(
            roots,
            target,
            index_url=f"{base}simple/",
            extra_index_urls=[f"{base}flet/simple/"],
            work=work / "pip",
        )
        answers[target.name] = ReferenceOutcome(
            ok=outcome.ok,
            installs=dict(sorted(outcome.installs.items())),
            culprits=sorted(outcome.culprits),
        )
        verdict = "installs" if outcome.ok else f"fails on {sorted(outcome.culprits)}"
        print(f"  pip, {target.name} Python {target.python}: {verdict} {dict(outcome.installs)}")
        if not outcome.ok:
            print("\n".join(outcome.output.strip().splitlines()[-15:]))
    return answers


def run_fletlint_reference(
    base: str, roots: list[str], targets: list[Target], work: Path, max_rounds: int | None
) -> dict[str, Any]:
    """fletlint's answer (per target, and its findings) on the real PyPI."""
    settings = Settings(
        python_version=targets[0].python,
        targets=tuple(t.name for t in targets),
        index_url=f"{base}simple/",
        flet_index_url=f"{base}flet/simple/",
        use_pip_config=False,
        cache_dir=work / "fletlint-cache",
    )
    environ = {"FLETLINT_MAX_ROUNDS": str(max_rounds)} if max_rounds else {}
    with Linter(settings, environ=environ) as linter:
        report = linter.check(check_project(work, roots), fixes=False)
    fletlint: dict[str, Any] = {
        "results": {
            r.target.name: {
                "ok": r.resolution.ok,
                "installs": {
                    str(n): str(p.version) for n, p in sorted(r.resolution.packages.items())
                },
            }
            for r in report.results
        },
        "findings": sorted({f"{f.code} {f.package}" for f in report.findings}),
    }
    print(f"  fletlint: {json.dumps(fletlint, indent=1)}")
    return fletlint


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("roots", nargs="+", help="the app's requirements")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--python", default="3.14", help="the bundled Python")
    parser.add_argument(
        "--target", action="append", default=[], help="a target tag (default: android_24_arm64_v8a)"
    )
    parser.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "fletlint-capture-cache"
    )
    parser.add_argument(
        "--no-fletlint",
        dest="fletlint",
        action="store_false",
        help="record pip's reads only (fletlint's resolution may take long)",
    )
    parser.add_argument(
        "--max-rounds", type=int, default=None, help="fletlint's budget (default: its own)"
    )
    parser.add_argument("--merge", action="store_true", help="add to the universe already in --out")
    args = parser.parse_args(argv)
    names = set(args.target or ["android_24_arm64_v8a"])
    targets = [t for t in all_targets(args.python) if t.name in names]

    proxy = RecordingProxy(args.cache)
    fletlint: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as work, proxy.serving() as base:
        reference = run_pip_references(base, args.roots, targets, Path(work))
        if args.fletlint:
            fletlint = run_fletlint_reference(
                base, args.roots, targets, Path(work), args.max_rounds
            )
    recording = proxy.recording
    pages = {
        index: {p: proxy.page_files(index, p) for p in sorted(recording.pages[index])}
        for index in ("pypi", "flet")
    }
    data = CapturedData(
        about=(
            "Captured by tests/oracle/capture_universe.py: what pip (as serious_python runs it) "
            "and fletlint read from PyPI, and from Flet's index as fletlint's snapshot has it, "
            "resolving the roots for the reference targets. Files: pure and phone wheel tags in "
            "full, one desktop wheel tag per release, whether an sdist exists; requires null: "
            "metadata neither resolver read."
        ),
        captured=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%MZ"),
        roots=list(args.roots),
        python=args.python,
        reference=reference,
        fletlint=fletlint,  # empty with --no-fletlint
        pypi=captured_index(pages["pypi"], recording.metadata["pypi"]),
        flet=captured_index(pages["flet"], recording.metadata["flet"]),
    )
    if args.merge and args.out.exists():
        merge(data, load_captured(args.out))
    asked = requested_extras(data["roots"], (data["pypi"], data["flet"]))
    drop_unasked_extras(data["pypi"], asked)
    drop_unasked_extras(data["flet"], asked)
    text = json.dumps(data, separators=(",", ":"))
    # One release per line: reviewable diffs at a small size.
    text = text.replace('},"', '},\n"')
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n")
    releases = sum(len(r) for r in data["pypi"].values()) + sum(
        len(r) for r in data["flet"].values()
    )
    print(
        f"wrote {args.out}: {len(data['pypi'])} PyPI projects, {len(data['flet'])} on Flet's "
        f"index, {releases} releases, {len(text) // 1024} KiB; "
        f"{proxy.upstream_requests} upstream requests"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
