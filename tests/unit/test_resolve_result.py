"""Which pins a finished resolution keeps: those the roots' requirements lead to."""

from __future__ import annotations

from typing import Any, cast

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from resolvelib.resolvers import Criterion
from resolvelib.resolvers.resolution import _build_result
from resolvelib.structs import RequirementInformation, State

from fletlint.linter.findings import Location
from fletlint.linter.resolve import (
    Candidate,
    Edge,
    Environment,
    Resolution,
    Wanted,
    reachable_pins,
)
from fletlint.linter.sources.model import DeclaredRequirement


def _state(pins: dict[str, list[str | None]]) -> State[Wanted, Candidate, str]:
    """Each key pinned to its own candidate, required by the candidates of `pins[key]` (None:
    a root requirement)."""
    candidates = {key: cast(Candidate, object()) for key in pins}
    criteria = {
        key: Criterion(
            [candidates[key]],
            [
                RequirementInformation(
                    cast(Wanted, key), None if parent is None else candidates[parent]
                )
                for parent in parents
            ],
            [],
        )
        for key, parents in pins.items()
    }
    return State(mapping=candidates, criteria=criteria, backtrack_causes=[])


def test_pins_that_only_require_each_other_are_dropped() -> None:
    # What backjumping can leave: b and c pinned, each the other's only parent.
    state = _state({"a": [None], "b": ["c"], "c": ["b"], "d": ["a", "b"]})
    assert sorted(reachable_pins(state)) == ["a", "d"]
    # resolvelib's own walk never ends on that cycle (the oracle this replaces).
    with pytest.raises(RecursionError):
        _build_result(cast(Any, state))


def test_a_chain_deeper_than_the_recursion_limit_is_kept_whole() -> None:
    keys = [f"p{i}" for i in range(5000)]
    state = _state({key: [None if i == 0 else keys[i - 1]] for i, key in enumerate(keys)})
    assert list(reachable_pins(state)) == keys


def test_the_same_pins_as_resolvelib_where_it_answers() -> None:
    # x and e: pins nothing the roots need leads to (no cycle, so resolvelib's walk ends).
    state = _state({"a": [None], "b": ["a"], "c": ["b", "x"], "x": ["e"], "e": []})
    assert reachable_pins(state) == _build_result(cast(Any, state)).mapping
    assert sorted(reachable_pins(state)) == ["a", "b", "c"]


def test_chains_see_edges_added_after_a_chain_was_asked_for() -> None:
    # chain_to indexes the edges once; a resolution being built gets more edges afterwards.
    declared = DeclaredRequirement(
        "a", Location("requirements.txt", 1), "requirements.txt", Requirement("a")
    )
    name = canonicalize_name
    resolution = Resolution(Environment("t", "3.12", {}))
    resolution.edges += [
        Edge(None, name("a"), "a", declared),
        Edge(name("a"), name("b"), "b", None),
    ]
    found = resolution.chain_to(name("b"))
    assert found is not None and [e.child for e in found[1]] == ["a", "b"]
    assert resolution.chain_to(name("c")) is None
    resolution.edges.append(Edge(name("b"), name("c"), "c", None))
    found = resolution.chain_to(name("c"))
    assert found is not None and [e.child for e in found[1]] == ["a", "b", "c"]
