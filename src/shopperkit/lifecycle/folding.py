"""A person's state, derived by folding their events through the transition table."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from attrs import evolve, field, frozen

from shopperkit.errors import InputError
from shopperkit.io.convert import from_data
from shopperkit.lifecycle.events import Event
from shopperkit.lifecycle.states import DECISIONS, State, after, allowed, decisions
from shopperkit.model.people import Applicant, Residency

TRAINING_KINDS = frozenset({"training_attended", "workshop_attended"})


class LifecycleError(InputError):
    """An event the log cannot take: illegal in the person's state, out of order, or malformed."""


@frozen
class Duties:
    """What a person must have done before becoming active (from the programme's parameters).

    ``minimum_trainings`` counts distinct training and workshop sessions; ``declarations``
    are the ids that must each have a ``declaration_signed`` event.
    """

    minimum_trainings: int = 0
    declarations: frozenset[str] = frozenset()

    def missing(self, record: PersonRecord) -> dict[str, Any]:
        """What ``record`` still lacks for activation; empty when nothing."""
        lacking: dict[str, Any] = {}
        short = self.minimum_trainings - len(record.sessions)
        if short > 0:
            lacking["trainings"] = short
        unsigned = sorted(self.declarations - record.declarations)
        if unsigned:
            lacking["declarations"] = unsigned
        return lacking


@frozen
class PersonRecord:
    """Everything the log says about one person, up to some event."""

    person: str
    state: State | None = None
    applicant: Applicant | None = None
    sessions: frozenset[str] = frozenset()
    declarations: frozenset[str] = frozenset()
    reasons: tuple[str, ...] = ()
    requested: bool = False
    replacement: str | None = None
    last: date | None = field(default=None)
    review_from: State | None = None
    """While ``under_review``: the state the review opened from, which ``reinstate`` restores."""


def _data(event: Event, name: str, cls: type[Any]) -> Any:
    where = f"event {event.id}: $.data.{name}"
    if name not in event.data:
        raise LifecycleError("value_missing", where=where)
    return from_data(cls, event.data[name], where=where)


def apply(record: PersonRecord, event: Event, duties: Duties = Duties()) -> PersonRecord:
    """The record after ``event``; a :class:`LifecycleError` if the event is not legal."""
    where = f"event {event.id}"
    state = after(record.state, event.kind)
    if state is None:
        raise LifecycleError(
            "transition_refused",
            {
                "person": record.person,
                "state": record.state.value if record.state else "(none)",
                "kind": event.kind,
                "allowed": allowed(record.state) or ["(none)"],
            },
            where=where,
        )
    if record.last is not None and event.at < record.last:
        raise LifecycleError(
            "event_out_of_order",
            {"person": record.person, "at": event.at.isoformat(), "last": record.last.isoformat()},
            where=where,
        )
    if event.kind == "activated":
        lacking = duties.missing(record)
        if lacking:
            raise LifecycleError(
                "activation_refused",
                {
                    "person": record.person,
                    "trainings": lacking.get("trainings", 0),
                    "declarations": lacking.get("declarations", []),
                },
                where=where,
            )
    changes: dict[str, Any] = {"state": state, "last": event.at}
    kind = event.kind
    if kind == "review_decided":
        changes.update(_decided(record, event))
    if kind == "applied" and "applicant" in event.data:
        applicant = _data(event, "applicant", Applicant)
        if applicant.id != event.person:
            raise LifecycleError(
                "value_not_allowed",
                {"value": applicant.id, "allowed": [event.person]},
                where=f"{where}: $.data.applicant.id",
            )
        changes["applicant"] = applicant
    elif kind in TRAINING_KINDS:
        session = str(event.data.get("session", event.id))
        changes["sessions"] = record.sessions | {f"{kind}:{session}"}
    elif kind == "declaration_signed":
        changes["declarations"] = record.declarations | {_data(event, "declaration", str)}
    elif kind == "condition_reported" and record.applicant is not None:
        change = event.data.get("change")
        if change == "residency":
            residency = _data(event, "residency", Residency)
            changes["applicant"] = evolve(record.applicant, residency=residency)
        elif change == "employer":
            employer = event.data.get("employer")
            changes["applicant"] = evolve(record.applicant, employer=employer or None)
    elif kind in ("suspended", "review_opened"):
        changes["reasons"] = tuple(str(code) for code in event.data.get("reasons", ()))
        if kind == "review_opened":
            changes["review_from"] = record.state
    elif kind in ("reinstated", "activated"):
        changes["reasons"] = ()
        changes["requested"] = False
    elif kind == "replacement_requested":
        replacement = event.data.get("replacement")
        changes["requested"] = True
        changes["replacement"] = None if replacement is None else str(replacement)
    elif kind == "replaced" and event.data.get("by") is not None:
        changes["replacement"] = str(event.data["by"])
    return evolve(record, **changes)


def _decided(record: PersonRecord, event: Event) -> dict[str, Any]:
    """The changes a ``review_decided`` event makes to a record under review."""
    decision = event.data.get("decision")
    if not isinstance(decision, str) or decision not in DECISIONS:
        raise LifecycleError(
            "value_not_allowed",
            {"value": decision, "allowed": list(DECISIONS)},
            where=f"event {event.id}: $.data.decision",
        )
    opened_from = record.review_from
    state = DECISIONS[decision].get(opened_from) if opened_from is not None else None
    if state is None:
        raise LifecycleError(
            "review_decision_refused",
            {
                "person": record.person,
                "state": opened_from.value if opened_from else "(none)",
                "decision": decision,
                "allowed": decisions(opened_from) or ["(none)"],
            },
            where=f"event {event.id}",
        )
    changes: dict[str, Any] = {"state": state, "review_from": None}
    if decision == "reinstate":
        changes["reasons"] = ()
    return changes


def fold(events: Iterable[Event], duties: Duties = Duties()) -> dict[str, PersonRecord]:
    """Every person's record after all their events, in log order."""
    records: dict[str, PersonRecord] = {}
    for event in events:
        record = records.get(event.person) or PersonRecord(event.person)
        records[event.person] = apply(record, event, duties)
    return records


def history(
    events: Iterable[Event], person: str, duties: Duties = Duties()
) -> list[tuple[Event, PersonRecord]]:
    """One person's events, each with their record just after it."""
    steps: list[tuple[Event, PersonRecord]] = []
    record = PersonRecord(person)
    for event in events:
        if event.person == person:
            record = apply(record, event, duties)
            steps.append((event, record))
    if not steps:
        raise InputError("person_unknown", {"person": person})
    return steps
