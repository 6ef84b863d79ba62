"""A disqualifying condition report goes to the team: under review until a decision event
reinstates, suspends or withdraws (and replaces); rules a programme makes automatic skip it."""

from __future__ import annotations

from datetime import date

import pytest

from shopperkit.errors import InputError, ProgrammeError
from shopperkit.io.events import read_events
from shopperkit.lifecycle import (
    Event,
    Lifecycle,
    LifecycleError,
    State,
    apply,
    automatic_rules,
    decisions,
)
from shopperkit.lifecycle.folding import PersonRecord
from shopperkit.model.programme import Programme
from shopperkit.plugins import Plugins
from tests.helpers import with_parameter
from tests.test_lifecycle import EVENTS

TRIP = {"change": "travel_abroad", "departs": "2023-01-01", "returns": "2023-03-01"}
VISITOR = {"change": "residency", "residency": {"status": "visitor", "since": None}}
DAY = date(2022, 12, 1)


def _waitlisted(person: str) -> list[Event]:
    kinds = ("applied", "screened", "interviewed", "waitlisted")
    return [
        Event(f"{person}-{n}", person, kind, date(2022, 6, 10 + n)) for n, kind in enumerate(kinds)
    ]


@pytest.fixture
def log() -> list[Event]:
    return [*read_events(EVENTS), *_waitlisted("W-1")]


@pytest.fixture
def lifecycle(qatar: Programme, plugins: Plugins) -> Lifecycle:
    return Lifecycle(qatar, plugins)


def from_waitlist(person: str, on: date) -> str | None:
    return "W-1"


def _review(
    lifecycle: Lifecycle, log: list[Event], person: str = "Q-001", id: str = "r1"
) -> list[Event]:
    report = Event(id, person, "condition_reported", DAY, TRIP)
    made = lifecycle.record(log, report, from_waitlist)
    assert [event.kind for event in made] == ["condition_reported", "review_opened"]
    assert made[1].id == f"{id}/review_opened"
    assert made[1].data["reasons"] == ["travel_abroad_too_long"]
    return [*log, *made]


def _decide(decision: str, person: str = "Q-001", at: date = date(2022, 12, 3)) -> Event:
    return Event("d1", person, "review_decided", at, {"decision": decision})


def test_a_disqualifying_report_puts_the_shopper_under_review_without_replacing(
    log: list[Event], lifecycle: Lifecycle
) -> None:
    log = _review(lifecycle, log)
    record = lifecycle.fold(log)["Q-001"]
    assert record.state is State.UNDER_REVIEW
    assert record.review_from is State.ACTIVE
    assert record.reasons == ("travel_abroad_too_long",)
    assert not record.requested


def test_reinstate_returns_to_the_state_before_the_review(
    log: list[Event], lifecycle: Lifecycle
) -> None:
    log = _review(lifecycle, log)
    made = lifecycle.record(log, _decide("reinstate"), from_waitlist)
    assert made == [_decide("reinstate")]
    record = lifecycle.fold([*log, *made])["Q-001"]
    assert (record.state, record.reasons, record.review_from) == (State.ACTIVE, (), None)
    # from onboarded, back to onboarded
    onboarded = _review(lifecycle, log, "Q-013", "r2")
    decision = Event("d2", "Q-013", "review_decided", date(2022, 12, 3), {"decision": "reinstate"})
    after = [*onboarded, *lifecycle.record(onboarded, decision)]
    assert lifecycle.fold(after)["Q-013"].state is State.ONBOARDED


def test_suspend_suspends_and_asks_for_no_replacement(
    log: list[Event], lifecycle: Lifecycle
) -> None:
    log = _review(lifecycle, log)
    made = lifecycle.record(log, _decide("suspend"), from_waitlist)
    assert [event.kind for event in made] == ["review_decided"]
    record = lifecycle.fold([*log, *made])["Q-001"]
    assert record.state is State.SUSPENDED
    assert record.reasons == ("travel_abroad_too_long",)
    assert not record.requested


def test_withdraw_requests_the_replacement_and_selects_them(
    log: list[Event], lifecycle: Lifecycle
) -> None:
    log = _review(lifecycle, log)
    asked: list[tuple[str, date]] = []

    def replace(person: str, on: date) -> str | None:
        asked.append((person, on))
        return "W-1"

    made = lifecycle.record(log, _decide("withdraw"), replace)
    assert asked == [("Q-001", date(2022, 12, 3))]
    assert [(event.id, event.person, event.kind) for event in made] == [
        ("d1", "Q-001", "review_decided"),
        ("d1/replacement_requested", "Q-001", "replacement_requested"),
        ("d1/selected", "W-1", "selected"),
    ]
    assert made[1].data["replacement"] == "W-1"
    assert made[2].data["replaces"] == "Q-001"
    records = lifecycle.fold([*log, *made])
    assert records["Q-001"].state is State.WITHDRAWN
    assert records["Q-001"].replacement == "W-1"
    assert records["W-1"].state is State.SELECTED


def test_withdrawing_someone_on_the_waitlist_replaces_nobody(
    log: list[Event], lifecycle: Lifecycle
) -> None:
    report = Event("r1", "W-1", "condition_reported", DAY, TRIP)
    log = [*log, *lifecycle.record(log, report, from_waitlist)]
    made = lifecycle.record(log, _decide("withdraw", "W-1"), from_waitlist)
    assert [event.kind for event in made] == ["review_decided"]
    assert lifecycle.fold([*log, *made])["W-1"].state is State.WITHDRAWN


def test_an_illegal_decision_is_refused_naming_person_and_state(
    log: list[Event], lifecycle: Lifecycle
) -> None:
    report = Event("r1", "W-1", "condition_reported", DAY, TRIP)
    log = [*log, *lifecycle.record(log, report)]
    assert lifecycle.fold(log)["W-1"].state is State.UNDER_REVIEW
    ledger = lifecycle.ledger(log)
    with pytest.raises(LifecycleError) as caught:
        ledger.record(_decide("suspend", "W-1"))  # nobody on the waitlist is suspended
    error = caught.value
    assert error.code == "review_decision_refused"
    assert error.params["person"] == "W-1"
    assert error.params["state"] == "waitlisted"
    assert error.params["decision"] == "suspend"
    assert error.params["allowed"] == ["reinstate", "withdraw"] == decisions(State.WAITLISTED)
    assert ledger.added == []


def test_a_decision_without_a_review_is_refused(log: list[Event], lifecycle: Lifecycle) -> None:
    with pytest.raises(LifecycleError) as caught:
        lifecycle.record(log, _decide("reinstate"))
    assert caught.value.code == "transition_refused"
    assert caught.value.params["person"] == "Q-001"
    assert caught.value.params["state"] == "active"
    assert caught.value.params["kind"] == "review_decided"


def test_an_unknown_decision_is_refused(log: list[Event], lifecycle: Lifecycle) -> None:
    log = _review(lifecycle, log)
    with pytest.raises(InputError) as caught:
        lifecycle.record(log, _decide("promote"))
    assert caught.value.code == "schema_violation"
    record = lifecycle.fold(log)["Q-001"]
    with pytest.raises(LifecycleError) as folded:
        apply(record, _decide("promote"))
    assert folded.value.code == "value_not_allowed"
    assert str(folded.value.where).endswith("$.data.decision")
    # a record that lost track of where its review opened from decides nothing
    with pytest.raises(LifecycleError) as lost:
        apply(PersonRecord("p", state=State.UNDER_REVIEW), _decide("withdraw", "p"))
    assert lost.value.code == "review_decision_refused"


def test_a_report_during_a_review_is_left_to_the_team(
    log: list[Event], lifecycle: Lifecycle
) -> None:
    log = _review(lifecycle, log)
    again = Event("r2", "Q-001", "condition_reported", date(2022, 12, 2), VISITOR)
    assert lifecycle.record(log, again, from_waitlist) == [again]


@pytest.mark.parametrize("value", [True, ("travel_abroad_too_long",)])
def test_an_automatic_rule_keeps_the_immediate_path(
    log: list[Event], qatar: Programme, plugins: Plugins, value: object
) -> None:
    lifecycle = Lifecycle(with_parameter(qatar, "automatic_condition_rules", value), plugins)
    report = Event("r1", "Q-001", "condition_reported", DAY, TRIP)
    made = lifecycle.record(log, report, from_waitlist)
    assert [event.kind for event in made] == [
        "condition_reported",
        "suspended",
        "replacement_requested",
        "replaced",
        "selected",
    ]
    # a residency change is automatic only when every rule is
    visitor = Event("r1", "Q-001", "condition_reported", DAY, VISITOR)
    kinds = [event.kind for event in lifecycle.record(log, visitor, from_waitlist)]
    assert kinds[1] == ("suspended" if value is True else "review_opened")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, None), (False, frozenset()), ((), frozenset()), (("a", "b"), frozenset({"a", "b"}))],
)
def test_automatic_rules_are_read_from_the_programme(
    qatar: Programme, value: object, expected: frozenset[str] | None
) -> None:
    assert automatic_rules(with_parameter(qatar, "automatic_condition_rules", value)) == expected


def test_the_qatar_programme_reviews_every_change(qatar: Programme) -> None:
    assert automatic_rules(qatar) == frozenset()


@pytest.mark.parametrize("value", [3, "all", ("a", 1)])
def test_a_wrong_automatic_rules_value_is_refused(qatar: Programme, value: object) -> None:
    with pytest.raises(ProgrammeError) as caught:
        automatic_rules(with_parameter(qatar, "automatic_condition_rules", value))
    assert caught.value.code == "parameter_wrong_type"
