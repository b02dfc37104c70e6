"""The resolver's budget (pip's 200,000 rounds), what it records when spent, and the per-check memo."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from packaging.requirements import Requirement
from packaging.tags import Tag
from packaging.utils import canonicalize_name
from packaging.version import Version

from fletlint.linter.index.model import CoreMetadata, DistFile, ProjectListing
from fletlint.linter.resolve import (
    MAX_ROUNDS,
    Environment,
    ResolverMemos,
    Wanted,
    resolve,
)

PURE = frozenset({Tag("py3", "none", "any")})
ENV = Environment("test", "3.12", {"python_version": "3.12", "platform_system": "Android"})


class PlainSource:
    """Projects as plain data: name -> {version: requirements}. Counts metadata reads."""

    def __init__(self, projects: dict[str, dict[str, list[str]]]) -> None:
        self.projects = projects
        self.reads: Counter[str] = Counter()

    def listing(self, name: str) -> ProjectListing:
        versions = self.projects.get(canonicalize_name(name), {})
        files = tuple(
            DistFile(
                filename=f"{name}-{v}-py3-none-any.whl",
                url=f"https://example.invalid/{name}-{v}.whl",
                index="test",
                name=canonicalize_name(name),
                version=Version(v),
                is_wheel=True,
                tags=PURE,
            )
            for v in versions
        )
        return ProjectListing(name, files)

    def metadata(self, file: DistFile) -> CoreMetadata:
        self.reads[file.filename] += 1
        requires = self.projects[file.name][str(file.version)]
        return CoreMetadata(file.name, file.version, tuple(Requirement(r) for r in requires))

    def prefetch(self, names: Iterable[str]) -> None:
        pass

    def warm_metadata(self, files: Iterable[DistFile]) -> None:
        pass


def _root(text: str) -> Wanted:
    req = Requirement(text)
    return Wanted(canonicalize_name(req.name), frozenset(), req.specifier, text)


def _walk_back(depth: int) -> PlainSource:
    """`top` needs `mid` and `late`; every release of `mid` but the oldest needs a `leaf` that
    `late` (decided after `mid`) refuses, so the resolver walks back through all of `mid`."""
    mid = {f"{i}.0": [f"leaf=={i}"] for i in range(1, depth)}
    mid["0.1"] = ["leaf==0"]
    leaf: dict[str, list[str]] = {str(i): [] for i in range(depth)}
    return PlainSource(
        {
            "top": {"1.0": ["mid", "zlate"]},
            "mid": mid,
            "zlate": {"1.0": ["leaf==0"]},
            "leaf": leaf,
        }
    )


def test_the_budget_is_pips() -> None:
    assert MAX_ROUNDS == 200_000


def test_a_resolution_within_budget_settles() -> None:
    resolution = resolve(_walk_back(30), ENV, [_root("top")])
    assert resolution.ok
    assert str(resolution.packages[canonicalize_name("mid")].version) == "0.1"
    assert not resolution.gave_up


def test_a_spent_budget_is_recorded_with_what_it_backtracked_on() -> None:
    resolution = resolve(_walk_back(30), ENV, [_root("top")], max_rounds=8)
    assert not resolution.ok
    assert resolution.gave_up
    assert resolution.budget == 8
    assert resolution.conflicts == []  # not a failure of the packages
    assert "mid" in resolution.backtracking


def test_one_memo_per_environment_reads_each_release_once_per_check() -> None:
    source = _walk_back(12)
    memos = ResolverMemos()
    first = resolve(source, ENV, [_root("top")], memo=memos.for_env(ENV))
    reads = sum(source.reads.values())
    again = resolve(source, ENV, [_root("top"), _root("leaf==0")], memo=memos.for_env(ENV))
    assert first.ok and again.ok
    assert sum(source.reads.values()) == reads  # the second resolution read nothing new
    assert max(source.reads.values()) == 1
    # Each resolution still reports the listings it used itself (the store keys on them).
    assert set(again.consulted) == {"top", "mid", "zlate", "leaf"}


def test_environments_do_not_share_a_memo() -> None:
    memos = ResolverMemos()
    other = Environment("other", "3.13", {"python_version": "3.13"})
    assert memos.for_env(ENV) is memos.for_env(ENV)
    assert memos.for_env(ENV) is not memos.for_env(other)
