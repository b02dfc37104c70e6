"""resolvelib's resolution loop, with its per-round sweep answered from a memo.

Every round resolvelib asks, for every project it knows, whether the current pin still satisfies
every requirement on it: with n projects that is n questions per round and n rounds, each walking
the requirements (16 million `is_satisfied_by` calls in a check of 150 packages). The answer
depends only on the project's criterion and its pin, and resolvelib never changes a criterion in
place (a change makes a new Criterion), so it is kept per project with the two objects it was
computed for and asked again only when either is another object.

Even answered from the memo, a sweep of every project every round is quadratic in the projects
(a resolution of 500 takes 500 rounds). A successful pin changes one pin and the criteria its
dependencies replace or add (`_add_to_criteria` records which), so the unsatisfied names are
carried from round to round and only those projects asked again; after anything else (a
backjump, information removed from every criterion, a rollback) the next round sweeps them all.
The names come in another order than the criteria's: resolvelib picks the `min` of them by
preference, and the preference this loop is used with ends in the identifier (a total order), so
the order never decides a pick.

resolvelib keeps every round's state for backjumping: a copy of the pins and of the criteria
each, 12.6 MB for a resolution of 500 projects, and a check runs eight at once. `StateStack`
keeps every 32nd state whole and the others as what their round changed.

The loop is resolvelib 1.2's `Resolution.resolve` with those sweeps changed and nothing else:
same rounds, same choices, same errors. With another resolvelib the stock loop runs (only the
memo of `_is_current_pin_satisfying` applies, which holds for any version).
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Collection, Iterable, Iterator
from typing import Any, Generic, NamedTuple, SupportsIndex, overload

import resolvelib
from resolvelib import AbstractProvider, BaseReporter
from resolvelib.resolvers import (
    Criterion,
    RequirementsConflicted,
    Resolution,
    ResolutionImpossible,
    ResolutionTooDeep,
)
from resolvelib.structs import CT, KT, RT, IteratorMapping, State

# The resolvelib whose loop `MemoResolution.resolve` repeats.
_SAME_LOOP = resolvelib.__version__.startswith("1.2.")
# Every how many states `StateStack` keeps one whole.
_WHOLE_EVERY = 32


class _Changes(NamedTuple):
    """What one round changed in the state it was given: its pin (put last) or, when more
    changed (a backjump or a rollback came between), all the pins; the criteria it replaced
    and those it added (in order), and its backtrack causes."""

    pin: tuple[Any, Any] | None
    pins: dict[Any, Any] | None
    replaced: dict[Any, Any]
    added: list[tuple[Any, Any]]
    causes: list[Any]


class _Folded:
    """A place in the stack whose state is kept as its `_Changes` only."""


_FOLDED = _Folded()


class StateStack(list[Any]):
    """resolvelib's `_states`, the states below the top two kept as their changes.

    resolvelib only ever appends a copy of the top, changes the top, reads the top, deletes or
    pops the top, and (to save them before optimistic backjumping) walks them all: every read
    of a state (`[i]`, `pop`, iteration) makes it whole again, from the nearest whole one below
    and the changes above it. A state's changes are taken when the next is appended: it is
    final then (only the top changes), and the one below it is whole. `changed_keys`: the
    criteria the top's round may have replaced, when it was a copy of the one below before
    that round pinned one project (None: anything may differ).
    """

    def __init__(self, states: Iterable[State[Any, Any, Any]]) -> None:
        super().__init__(states)
        self._changes: list[_Changes | None] = [None] * len(self)
        self.changed_keys: Collection[Any] | None = None

    def append(self, state: State[Any, Any, Any]) -> None:
        top = len(self) - 1
        if top >= 1:
            self._changes[top] = _changes(
                list.__getitem__(self, top), list.__getitem__(self, top - 1), self.changed_keys
            )
            below = top - 1
            if below % _WHOLE_EVERY and self._changes[below] is not None:
                list.__setitem__(self, below, _FOLDED)
        self.changed_keys = None
        super().append(state)
        self._changes.append(None)

    def _whole(self, index: int) -> State[Any, Any, Any]:
        found = list.__getitem__(self, index)
        if found is not _FOLDED:
            return found  # type: ignore[no-any-return]
        start = index
        while list.__getitem__(self, start) is _FOLDED:
            start -= 1
        base = list.__getitem__(self, start)
        mapping, criteria = base.mapping.copy(), base.criteria.copy()
        causes = base.backtrack_causes
        for position in range(start + 1, index + 1):
            changes = self._changes[position]
            assert changes is not None
            criteria.update(changes.replaced)
            criteria.update(changes.added)
            if changes.pins is not None:
                mapping = changes.pins.copy()
            elif changes.pin is not None:
                mapping.pop(changes.pin[0], None)
                mapping[changes.pin[0]] = changes.pin[1]
            causes = changes.causes
        whole = State(mapping=mapping, criteria=criteria, backtrack_causes=list(causes))
        list.__setitem__(self, index, whole)
        return whole

    @overload
    def __getitem__(self, index: SupportsIndex) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...
    def __getitem__(self, index: SupportsIndex | slice) -> Any:
        if isinstance(index, slice):
            return [self._whole(i) for i in range(len(self))[index]]
        position = index.__index__()
        return self._whole(position + len(self) if position < 0 else position)

    def __iter__(self) -> Iterator[Any]:
        return (self._whole(i) for i in range(len(self)))

    def pop(self, index: SupportsIndex = -1) -> Any:
        position = index.__index__()
        if position not in (-1, len(self) - 1):
            raise NotImplementedError("resolvelib pops the top only")
        found = self._whole(len(self) - 1)
        self.__delitem__(-1)
        return found

    def __delitem__(self, index: SupportsIndex | slice) -> None:
        if isinstance(index, slice) or index.__index__() not in (-1, len(self) - 1):
            raise NotImplementedError("resolvelib deletes the top only")
        super().__delitem__(-1)
        del self._changes[-1]
        if self:
            self._changes[-1] = None  # the new top may change again
        if len(self) >= 2:
            self._whole(len(self) - 2)  # whole: the next append takes the changes above it


def _changes(
    state: State[Any, Any, Any], below: State[Any, Any, Any], keys: Collection[Any] | None
) -> _Changes:
    """What makes `below` into `state` (resolvelib only replaces and adds criteria); `keys`:
    the criteria that may differ after one round that pinned one project, last (None: any
    criterion and any pin may differ)."""
    criteria, old = state.criteria, below.criteria
    pin = None
    if keys is None:
        pins: dict[Any, Any] | None = state.mapping.copy()
    elif state.mapping:
        pins = None
        last = next(reversed(state.mapping.items()))
        before = next(reversed(below.mapping.items())) if below.mapping else None
        if before is None or last[0] is not before[0] or last[1] is not before[1]:
            pin = last
    else:
        pins = None
    added_count = len(criteria) - len(old)
    added = list(itertools.islice(reversed(criteria.items()), added_count))[::-1]
    if keys is None:
        keys = criteria
    replaced = {}
    for key in keys:
        value = old.get(key)
        if value is not None and criteria[key] is not value:
            replaced[key] = criteria[key]
    return _Changes(pin, pins, replaced, added, state.backtrack_causes)


class MemoResolution(Resolution[RT, CT, KT], Generic[RT, CT, KT]):
    """A resolvelib Resolution whose "is the current pin satisfying" answers are memoised."""

    def __init__(
        self, provider: AbstractProvider[RT, CT, KT], reporter: BaseReporter[RT, CT, KT]
    ) -> None:
        super().__init__(provider, reporter)
        # name -> (criterion, pin, satisfied): the answer for those two objects.
        self._satisfying: dict[KT, tuple[Criterion[RT, CT], CT | None, bool]] = {}
        # The current state's unsatisfied names (a dict for a stable order), carried across
        # successful pins; None: sweep every criterion next round.
        self._unsatisfied: dict[KT, None] | None = None
        # The identifiers `_add_to_criteria` gave a criterion since the round began (in any copy
        # of the criteria: a candidate that failed too), and those of them that had none.
        self._touched: set[KT] = set()
        self._added: set[KT] = set()
        # Whether the top state may differ from the one below by more than its round's pin
        # and the criteria `_touched` names (a backjump patched it, states were rolled back).
        self._top_patched = True

    def _add_to_criteria(
        self, criteria: dict[KT, Criterion[RT, CT]], requirement: RT, parent: CT | None
    ) -> None:
        identifier = self._p.identify(requirement_or_candidate=requirement)
        if identifier not in criteria:
            self._added.add(identifier)
        self._touched.add(identifier)
        super()._add_to_criteria(criteria, requirement, parent)

    def _is_current_pin_satisfying(self, name: KT, criterion: Criterion[RT, CT]) -> bool:
        pin = self.state.mapping.get(name)
        known = self._satisfying.get(name)
        if known is None or known[0] is not criterion or known[1] is not pin:
            satisfied = pin is not None and all(
                self._p.is_satisfied_by(requirement=r, candidate=pin)
                for r in criterion.iter_requirement()
            )
            known = self._satisfying[name] = (criterion, pin, satisfied)
        return known[2]

    def _rollback_states(self) -> None:
        super()._rollback_states()  # the saved states, as a plain list
        self._states = StateStack(self._states)
        self._top_patched = True
        self._unsatisfied = None

    def _stack(self) -> StateStack:
        assert isinstance(self._states, StateStack)
        return self._states

    def _pick(self, names: list[KT], every: bool) -> KT:
        """The name to pin among `names` (`every`: they are all the unsatisfied names): the
        most preferred, as resolvelib picks it. A subclass may answer `every` otherwise."""
        return min(names, key=self._get_preference)

    def _now_unsatisfied(self, name: KT, criterion: Criterion[RT, CT]) -> None:
        """Told when a successful pin leaves `name` unsatisfied with this (new) criterion; a
        sweep of every criterion makes a new `_unsatisfied` instead."""

    def _unsatisfied_names(self) -> list[KT]:
        """The sweep of every round, inline: a memo lookup per project."""
        state = self.state
        pins = state.mapping
        memo = self._satisfying
        found = []
        for name, criterion in state.criteria.items():
            known = memo.get(name)
            if known is not None and known[0] is criterion and known[1] is pins.get(name):
                satisfied = known[2]
            else:
                satisfied = self._is_current_pin_satisfying(name, criterion)
            if not satisfied:
                found.append(name)
        return found

    def resolve(self, requirements: Iterable[RT], max_rounds: int) -> State[RT, CT, KT]:
        if not _SAME_LOOP:
            return super().resolve(requirements, max_rounds)
        if self._states:
            raise RuntimeError("already resolved")

        self._r.starting()

        # Initialize the root state.
        self._states = StateStack(  # changed: a StateStack
            [
                State(
                    # changed: a plain dict (ordered, `popitem` takes the last pin as well),
                    # copied every round far faster than an OrderedDict
                    mapping={},
                    criteria={},
                    backtrack_causes=[],
                )
            ]
        )
        for r in requirements:
            try:
                self._add_to_criteria(self.state.criteria, r, parent=None)
            except RequirementsConflicted as e:
                raise ResolutionImpossible(e.criterion.information) from e

        # The root state is saved as a sentinel so the first ever pin can have
        # something to backtrack to if it fails. The root state is basically
        # pinning the virtual "root" package in the graph.
        self._push_new_state()

        # Variables for optimistic backjumping
        optimistic_rounds_cutoff: int | None = None
        optimistic_backjumping_start_round: int | None = None

        for round_index in range(max_rounds):
            self._r.starting_round(index=round_index)

            # Handle if optimistic backjumping has been running for too long
            if self._optimistic_backjumping_ratio and self._save_states is not None:
                if optimistic_backjumping_start_round is None:
                    optimistic_backjumping_start_round = round_index
                    optimistic_rounds_cutoff = int(
                        (max_rounds - round_index) * self._optimistic_backjumping_ratio
                    )

                    if optimistic_rounds_cutoff <= 0:
                        self._rollback_states()
                        self._unsatisfied = None  # changed: another state
                        continue
                elif (
                    optimistic_rounds_cutoff is not None
                    and round_index - optimistic_backjumping_start_round >= optimistic_rounds_cutoff
                ):
                    self._rollback_states()
                    self._unsatisfied = None  # changed: another state
                    continue

            # changed: carried from the last round when it pinned, else a memoised sweep
            if self._unsatisfied is None:
                self._unsatisfied = dict.fromkeys(self._unsatisfied_names())
            unsatisfied_names = list(self._unsatisfied)

            # All criteria are accounted for. Nothing more to pin, we are done!
            if not unsatisfied_names:
                self._r.ending(state=self.state)
                return self.state

            # changed: no set of satisfied names (a name was satisfied before the pin when the
            # pin did not add its criterion and it was not among the unsatisfied)

            if len(unsatisfied_names) > 1:
                narrowed_unstatisfied_names = list(
                    self._p.narrow_requirement_selection(
                        identifiers=unsatisfied_names,
                        resolutions=self.state.mapping,
                        candidates=IteratorMapping(
                            self.state.criteria,
                            operator.attrgetter("candidates"),
                        ),
                        information=IteratorMapping(
                            self.state.criteria,
                            operator.attrgetter("information"),
                        ),
                        backtrack_causes=self.state.backtrack_causes,
                    )
                )
            else:
                narrowed_unstatisfied_names = unsatisfied_names

            # If there are no unsatisfied names use unsatisfied names
            if not narrowed_unstatisfied_names:
                raise RuntimeError("narrow_requirement_selection returned 0 names")

            # If there is only 1 unsatisfied name skip calling self._get_preference
            if len(narrowed_unstatisfied_names) > 1:
                # Choose the most preferred unpinned criterion to try.
                # changed: through `_pick`, told whether these are all the unsatisfied names
                name = self._pick(
                    narrowed_unstatisfied_names,
                    len(narrowed_unstatisfied_names) == len(unsatisfied_names),
                )
            else:
                name = narrowed_unstatisfied_names[0]

            self._touched.clear()  # changed: to see which criteria the pin replaced or added
            self._added.clear()
            failure_criterion = self._attempt_to_pin_criterion(name)

            if failure_criterion:
                self._unsatisfied = None  # changed: backjumping makes another state
                self._top_patched = True
                causes = self._extract_causes(failure_criterion)
                # Backjump if pinning fails. The backjump process puts us in
                # an unpinned state, so we can work on it in the next round.
                self._r.resolving_conflicts(causes=causes)

                try:
                    success = self._backjump(causes)
                except ResolutionImpossible:
                    if self._optimistic_backjumping_ratio and self._save_states:
                        failed_optimistic_backjumping = True
                    else:
                        raise
                else:
                    failed_optimistic_backjumping = bool(
                        not success and self._optimistic_backjumping_ratio and self._save_states
                    )

                if failed_optimistic_backjumping and self._save_states:
                    self._rollback_states()
                else:
                    self.state.backtrack_causes[:] = causes

                    # Dead ends everywhere. Give up.
                    if not success:
                        raise ResolutionImpossible(self.state.backtrack_causes)
            else:
                # discard as information sources any invalidated names
                # (unsatisfied names that were previously satisfied)
                # changed: only a criterion this pin replaced can have become unsatisfied (the
                # other pins are unchanged; the pinned name was unsatisfied), and only those
                # and the pinned name can have become satisfied
                criteria = self.state.criteria
                unsatisfied = self._unsatisfied
                newly_unsatisfied_names = set()
                for key in (*self._touched, name):
                    criterion = criteria.get(key)
                    if criterion is None:
                        continue  # added only in the criteria of a candidate that failed
                    if self._is_current_pin_satisfying(key, criterion):
                        unsatisfied.pop(key, None)
                        continue
                    if key not in unsatisfied and key not in self._added:
                        newly_unsatisfied_names.add(key)
                    unsatisfied[key] = None
                    self._now_unsatisfied(key, criterion)
                if newly_unsatisfied_names:
                    self._unsatisfied = None  # every criterion is replaced below
                self._remove_information_from_criteria(self.state.criteria, newly_unsatisfied_names)
                # Pinning was successful. Push a new state to do another pin.
                # changed: telling the stack which criteria the round may have replaced
                if not self._top_patched and not newly_unsatisfied_names:
                    self._stack().changed_keys = self._touched
                self._top_patched = False
                self._push_new_state()

            self._r.ending_round(index=round_index, state=self.state)

        raise ResolutionTooDeep(max_rounds)
