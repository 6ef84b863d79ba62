"""Shoppers' responsibilities as rules: duties before activation, and condition changes.

A condition change (long travel abroad, a new residency, a new employer) re-runs the
programme's eligibility rules at the report date. When the person no longer qualifies, the
team reviews it: the person is ``under_review`` until a ``review_decided`` event reinstates,
suspends or withdraws them; a withdrawal requests a replacement through the injected
:data:`Replace` callable. Rules the programme makes automatic (``automatic_condition_rules``)
skip the review: the person is suspended (withdrawn before onboarding) and a replacement is
requested at once.

The seam with cohort selection
------------------------------
:data:`Replace` is how this module asks for a replacement without depending on the selection
code: ``replace(person_id, report_date)`` returns the id of the replacement drawn from the
waitlist, or None when there is none (yet). The command line wires it to the selection's
replacement; tests pass a plain function.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping, MutableMapping, MutableSet, Sequence
from datetime import date
from typing import Any

from attrs import evolve

from shopperkit.eligibility.screening import Screener
from shopperkit.errors import ProgrammeError
from shopperkit.lifecycle.events import Event, check_event
from shopperkit.lifecycle.folding import Duties, LifecycleError, PersonRecord, apply, fold
from shopperkit.lifecycle.states import State, after
from shopperkit.model.programme import Programme
from shopperkit.model.verdicts import Status
from shopperkit.plugins import Plugins

Replace = Callable[[str, date], str | None]
"""``replace(person, on)``: the id of the person's replacement, or None when none is found."""

MINIMUM_TRAININGS = "minimum_trainings_before_active"
ACTIVATION_DECLARATIONS = "activation_declarations"
TRAVEL_ABROAD_DAYS = "travel_abroad_days"
AUTOMATIC_CONDITION_RULES = "automatic_condition_rules"


def no_replacement(person: str, on: date) -> None:
    """A :data:`Replace` that never finds anyone (the default until selection is wired in)."""
    return None


def automatic_rules(programme: Programme) -> frozenset[str] | None:
    """The reason codes a programme acts on without review (``automatic_condition_rules``):
    None for all of them (``true``), empty for none (``false``, or no such parameter)."""
    if AUTOMATIC_CONDITION_RULES not in programme.parameters:
        return frozenset()
    value = programme.parameters[AUTOMATIC_CONDITION_RULES].value
    if value is True:
        return None
    if value is False:
        return frozenset()
    if isinstance(value, tuple) and all(isinstance(code, str) for code in value):
        return frozenset(value)
    raise ProgrammeError(
        "parameter_wrong_type",
        {
            "name": AUTOMATIC_CONDITION_RULES,
            "expected": "true, false or a list of reason codes",
            "actual": type(value).__name__,
        },
        where=f"programme {programme.id}",
    )


def duties_of(programme: Programme) -> Duties:
    """The activation duties a programme sets (none when it sets no parameters for them)."""
    return Duties(
        minimum_trainings=programme.integer(MINIMUM_TRAININGS, 0),
        declarations=frozenset(programme.strings(ACTIVATION_DECLARATIONS, ())),
    )


class Lifecycle:
    """One programme's lifecycle: folds logs and records new events with their consequences.

    >>> lifecycle = Lifecycle(programme, Plugins())          # doctest: +SKIP
    >>> log += lifecycle.record(log, report, replace)        # doctest: +SKIP

    To add many events to a long log, keep a :meth:`ledger`: each event then costs the same
    however long the log is.
    """

    def __init__(self, programme: Programme, plugins: Plugins) -> None:
        self.programme = programme
        self.plugins = plugins
        self.duties = duties_of(programme)
        self.travel_abroad_days = programme.integer(TRAVEL_ABROAD_DAYS, 0) or None
        self.automatic = automatic_rules(programme)
        """Reason codes acted on without review; None for all."""

    def fold(self, events: Sequence[Event]) -> dict[str, PersonRecord]:
        """Every person's record (see :func:`shopperkit.lifecycle.folding.fold`)."""
        return fold(events, self.duties)

    def record(
        self, events: Sequence[Event], event: Event, replace: Replace = no_replacement
    ) -> list[Event]:
        """``event`` and the events it causes, to append to ``events``.

        The event is checked against the person's current state first. A condition report
        whose change disqualifies the person adds ``review_opened`` (the person is then
        ``under_review``); a ``review_decided`` withdrawal adds ``replacement_requested``, and
        the replacement's own ``selected`` when ``replace`` names someone the log has
        waiting. When one of the reasons is automatic for the programme, the report adds
        ``suspended`` (or ``withdrawn`` before onboarding) and ``replacement_requested`` at
        once, and ``replaced`` when ``replace`` names someone.
        """
        return self.ledger(events).record(event, replace)

    def ledger(self, events: Sequence[Event] = ()) -> Ledger:
        """A :class:`Ledger` holding ``events``, to add more to."""
        return Ledger(self, events)

    def consequences(
        self,
        records: Mapping[str, PersonRecord],
        ids: Container[str],
        event: Event,
        replace: Replace,
    ) -> list[Event]:
        """``event`` and the events it causes, given every person's record and the ids
        already in the log (see :meth:`record`)."""
        return self.decide(records, ids, event, replace)[0]

    def decide(
        self,
        records: Mapping[str, PersonRecord],
        ids: Container[str],
        event: Event,
        replace: Replace,
    ) -> tuple[list[Event], PersonRecord]:
        """As :meth:`consequences`, with the person's record just after ``event``."""
        check_event(event)
        if event.id in ids:
            raise LifecycleError("duplicate_id", {"id": event.id, "first": "the log"})
        before = records.get(event.person) or PersonRecord(event.person)
        record = apply(before, event, self.duties)
        if event.kind == "review_decided":
            return [event, *self._decided(records, before, event, replace)], record
        if event.kind != "condition_reported" or before.state is State.UNDER_REVIEW:
            return [event], record  # a report during a review is for the team reviewing
        reasons = self.disqualifying(record, event)
        if not reasons:
            return [event], record
        if self.is_automatic(reasons):
            caused = self._consequences(records, record, event, reasons, replace)
            return [event, *caused], record
        data = {"reasons": [reason["code"] for reason in reasons], "report": event.id}
        return [event, _caused(event, "review_opened", {**data, "details": reasons})], record

    def is_automatic(self, reasons: Sequence[Mapping[str, Any]]) -> bool:
        """Whether the programme acts on these reasons without review: when any one of them
        is automatic, since that reason alone settles the outcome."""
        if self.automatic is None:
            return True
        return any(reason["code"] in self.automatic for reason in reasons)

    def disqualifying(self, record: PersonRecord, report: Event) -> list[dict[str, Any]]:
        """Why the reported change disqualifies the person: reason codes and their values."""
        change = report.data.get("change")
        if change == "travel_abroad":
            departs = date.fromisoformat(str(report.data["departs"]))
            returns = date.fromisoformat(str(report.data["returns"]))
            if returns < departs:
                raise LifecycleError(
                    "period_invalid",
                    {"start": departs.isoformat(), "to": returns.isoformat()},
                    where=f"event {report.id}",
                )
            days = (returns - departs).days
            limit = self.travel_abroad_days
            if limit is not None and days > limit:
                return [{"code": "travel_abroad_too_long", "days": days, "limit": limit}]
            return []
        if record.applicant is None:
            return []
        verdict = Screener(self.programme, self.plugins, as_of=report.at).screen(record.applicant)
        if verdict.status is Status.ELIGIBLE:
            return []
        return [
            {"code": reason.code, "outcome": reason.outcome.value, **reason.params}
            for reason in verdict.reasons
        ]

    def _consequences(
        self,
        records: Mapping[str, PersonRecord],
        record: PersonRecord,
        report: Event,
        reasons: list[dict[str, Any]],
        replace: Replace,
    ) -> list[Event]:
        data = {"reasons": [reason["code"] for reason in reasons], "report": report.id}
        state = record.state
        out: list[Event] = []
        if after(state, "suspended") is not None:
            out.append(_caused(report, "suspended", {**data, "details": reasons}))
            state = State.SUSPENDED
        elif state is not State.SUSPENDED:
            out.append(_caused(report, "withdrawn", {**data, "details": reasons}))
            state = State.WITHDRAWN
        if record.state is State.WAITLISTED or record.requested:
            return out  # nobody to replace, or a replacement already asked for
        replacement = replace(report.person, report.at)
        out.append(_caused(report, "replacement_requested", {**data, "replacement": replacement}))
        if replacement is not None and after(state, "replaced") is not None:
            out.append(_caused(report, "replaced", {**data, "by": replacement}))
            joining = records.get(replacement)
            if joining is not None and after(joining.state, "selected") is not None:
                selected = _caused(report, "selected", {"replaces": report.person, **data})
                out.append(evolve(selected, person=replacement))
        return out

    def _decided(
        self,
        records: Mapping[str, PersonRecord],
        before: PersonRecord,
        decision: Event,
        replace: Replace,
    ) -> list[Event]:
        """What a review decision causes: for a withdrawal, the replacement request and the
        replacement's ``selected``; nothing for a reinstatement or a suspension."""
        if decision.data.get("decision") != "withdraw":
            return []
        if before.review_from is State.WAITLISTED or before.requested:
            return []  # nobody to replace, or a replacement already asked for
        data: dict[str, Any] = {"reasons": list(before.reasons), "decision": "withdraw"}
        replacement = replace(decision.person, decision.at)
        out = [_caused(decision, "replacement_requested", {**data, "replacement": replacement})]
        if replacement is None:
            return out
        joining = records.get(replacement)
        if joining is not None and after(joining.state, "selected") is not None:
            selected = _caused(decision, "selected", {"replaces": decision.person, **data})
            out.append(evolve(selected, person=replacement))
        return out


class Ledger:
    """A lifecycle log and every person's record, kept up to date as events are added, so
    adding one costs the same however long the log is.

    >>> ledger = lifecycle.ledger(log)                        # doctest: +SKIP
    >>> for event in new: ledger.record(event, replace)       # doctest: +SKIP
    >>> ledger.added                                          # doctest: +SKIP
    """

    def __init__(
        self,
        lifecycle: Lifecycle,
        events: Sequence[Event] = (),
        *,
        records: MutableMapping[str, PersonRecord] | None = None,
        ids: MutableSet[str] | None = None,
    ) -> None:
        """A ledger of ``events``; or, given ``records`` and ``ids`` (every person's record
        and the ids already used, such as a store's), of the log they stand for."""
        self.lifecycle = lifecycle
        self.records = records if records is not None else lifecycle.fold(events)
        self.ids = ids if ids is not None else {event.id for event in events}
        self.added: list[Event] = []
        """Events added since the ledger was made, those caused included, in order."""

    def record(self, event: Event, replace: Replace = no_replacement) -> list[Event]:
        """Add ``event`` and the events it causes (see :meth:`Lifecycle.record`); returns
        them. Nothing is added when the event is refused."""
        made, after = self.lifecycle.decide(self.records, self.ids, event, replace)
        changed = {event.person: after}
        for caused in made[1:]:
            if caused.id in self.ids or caused.id == event.id:
                raise LifecycleError("duplicate_id", {"id": caused.id, "first": "the log"})
            before = changed.get(caused.person) or self.records.get(caused.person)
            changed[caused.person] = apply(
                before or PersonRecord(caused.person), caused, self.lifecycle.duties
            )
        self.records.update(changed)
        self.ids |= {caused.id for caused in made}
        self.added.extend(made)
        return made


def _caused(report: Event, kind: str, data: dict[str, Any]) -> Event:
    """An event caused by ``report``: same person and day, id ``<report id>/<kind>``."""
    return evolve(report, id=f"{report.id}/{kind}", kind=kind, data=data)
