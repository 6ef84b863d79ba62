"""The states of a person in a programme and the one table of legal moves between them."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class State(StrEnum):
    """Where a person stands, from application to the end of their service."""

    APPLIED = "applied"
    SCREENED = "screened"
    INTERVIEWED = "interviewed"
    SELECTED = "selected"
    WAITLISTED = "waitlisted"
    ONBOARDED = "onboarded"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    UNDER_REVIEW = "under_review"
    REINSTATED = "reinstated"
    REPLACED = "replaced"
    WITHDRAWN = "withdrawn"
    COMPLETED = "completed"


TERMINAL = frozenset({State.REPLACED, State.WITHDRAWN, State.COMPLETED})
"""States nothing leaves (only a ``replacement_requested`` note may follow a withdrawal)."""

SERVING = frozenset(
    {State.SELECTED, State.ONBOARDED, State.ACTIVE, State.SUSPENDED, State.REINSTATED}
)
"""States in which a person has duties: training, declarations, reporting changes."""

REVIEWABLE = SERVING | {State.WAITLISTED}
"""States a disqualifying condition report can open a review from (``review_opened``)."""

_OPEN = frozenset(State) - TERMINAL


def _stay(states: frozenset[State]) -> dict[State | None, State]:
    return {state: state for state in states}


TRANSITIONS: Mapping[str, Mapping[State | None, State]] = {
    "applied": {None: State.APPLIED},
    "screened": {State.APPLIED: State.SCREENED},
    "interviewed": {State.SCREENED: State.INTERVIEWED},
    "selected": {State.INTERVIEWED: State.SELECTED, State.WAITLISTED: State.SELECTED},
    "waitlisted": {State.INTERVIEWED: State.WAITLISTED},
    "onboarded": {State.SELECTED: State.ONBOARDED},
    "activated": {State.ONBOARDED: State.ACTIVE, State.REINSTATED: State.ACTIVE},
    "suspended": dict.fromkeys((State.ONBOARDED, State.ACTIVE, State.REINSTATED), State.SUSPENDED),
    "reinstated": {State.SUSPENDED: State.REINSTATED},
    "replaced": dict.fromkeys(
        (State.SELECTED, State.ONBOARDED, State.ACTIVE, State.SUSPENDED), State.REPLACED
    ),
    "withdrawn": dict.fromkeys(_OPEN, State.WITHDRAWN),
    "completed": {State.ACTIVE: State.COMPLETED},
    "review_opened": dict.fromkeys(REVIEWABLE, State.UNDER_REVIEW),
    # the state after a decision depends on it and on the state the review opened from:
    # see DECISIONS
    "review_decided": {State.UNDER_REVIEW: State.UNDER_REVIEW},
    # records that leave the state as it is
    "training_attended": _stay(SERVING),
    "workshop_attended": _stay(SERVING),
    "declaration_signed": _stay(SERVING),
    "condition_reported": _stay(REVIEWABLE | {State.UNDER_REVIEW}),
    "replacement_requested": _stay(frozenset({State.SUSPENDED, State.WITHDRAWN})),
}
"""Event kind -> (state before -> state after); ``None`` is before the first event.

This table is the single source of legal moves: folding, validation, the event schema's list
of kinds and the documentation all read it.
"""

KINDS: tuple[str, ...] = tuple(TRANSITIONS)
"""Every event kind."""

DECISIONS: Mapping[str, Mapping[State, State]] = {
    "reinstate": {state: state for state in sorted(REVIEWABLE)},
    "suspend": dict.fromkeys(
        (State.ONBOARDED, State.ACTIVE, State.REINSTATED, State.SUSPENDED), State.SUSPENDED
    ),
    "withdraw": dict.fromkeys(sorted(REVIEWABLE), State.WITHDRAWN),
}
"""Decision of a ``review_decided`` event -> (state the review opened from -> state after).

``reinstate`` returns to the state before the review; ``suspend`` is open only to someone
onboarded or further (or already suspended); ``withdraw`` ends their service.
"""


def decisions(opened_from: State | None) -> list[str]:
    """The decisions open to a review opened from ``opened_from``, in table order."""
    return [name for name, moves in DECISIONS.items() if opened_from in moves]


def allowed(state: State | None) -> list[str]:
    """The event kinds legal in ``state``, in table order."""
    return [kind for kind, moves in TRANSITIONS.items() if state in moves]


def after(state: State | None, kind: str) -> State | None:
    """The state after ``kind`` in ``state``; None when the move is illegal."""
    return TRANSITIONS.get(kind, {}).get(state)
