"""Properties of the lifecycle: legal sequences fold to legal states; anything else is refused."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopperkit.errors import InputError
from shopperkit.io.convert import from_data, to_data
from shopperkit.io.schemas import problems
from shopperkit.lifecycle import (
    DECISIONS,
    KINDS,
    Duties,
    Event,
    LifecycleError,
    State,
    allowed,
    apply,
    fold,
)
from shopperkit.lifecycle.events import check_event
from shopperkit.lifecycle.folding import PersonRecord

DUTIES = Duties(minimum_trainings=2, declarations=frozenset({"impartiality_confidentiality"}))
START = date(2022, 6, 6)

# The lifecycle written out here on its own, as the documentation describes it, to check the
# transition table against: where each event may happen, and where it leads ("=" stays).
SPEC: dict[str, tuple[set[str | None], str]] = {
    "applied": ({None}, "applied"),
    "screened": ({"applied"}, "screened"),
    "interviewed": ({"screened"}, "interviewed"),
    "selected": ({"interviewed", "waitlisted"}, "selected"),
    "waitlisted": ({"interviewed"}, "waitlisted"),
    "onboarded": ({"selected"}, "onboarded"),
    "activated": ({"onboarded", "reinstated"}, "active"),
    "suspended": ({"onboarded", "active", "reinstated"}, "suspended"),
    "reinstated": ({"suspended"}, "reinstated"),
    "replaced": ({"selected", "onboarded", "active", "suspended"}, "replaced"),
    "withdrawn": (
        {
            "applied",
            "screened",
            "interviewed",
            "selected",
            "waitlisted",
            "onboarded",
            "active",
            "suspended",
            "reinstated",
            "under_review",
        },
        "withdrawn",
    ),
    "completed": ({"active"}, "completed"),
    "review_opened": (
        {"selected", "waitlisted", "onboarded", "active", "suspended", "reinstated"},
        "under_review",
    ),
    "review_decided": ({"under_review"}, "decided"),  # see DECIDED
    "training_attended": ({"selected", "onboarded", "active", "suspended", "reinstated"}, "="),
    "workshop_attended": ({"selected", "onboarded", "active", "suspended", "reinstated"}, "="),
    "declaration_signed": ({"selected", "onboarded", "active", "suspended", "reinstated"}, "="),
    "condition_reported": (
        {
            "selected",
            "waitlisted",
            "onboarded",
            "active",
            "suspended",
            "reinstated",
            "under_review",
        },
        "=",
    ),
    "replacement_requested": ({"suspended", "withdrawn"}, "="),
}


# What a review decision leads to, from the state the review opened from ("=" returns there).
DECIDED: dict[str, tuple[set[str], str]] = {
    "reinstate": (
        {"selected", "waitlisted", "onboarded", "active", "suspended", "reinstated"},
        "=",
    ),
    "suspend": ({"onboarded", "active", "suspended", "reinstated"}, "suspended"),
    "withdraw": (
        {"selected", "waitlisted", "onboarded", "active", "suspended", "reinstated"},
        "withdrawn",
    ),
}


def _data(kind: str, draw: st.DrawFn) -> dict[str, Any]:
    if kind in ("training_attended", "workshop_attended"):
        return {"session": draw(st.sampled_from(["T1", "T2", "W1"]))}
    if kind == "declaration_signed":
        return {"declaration": draw(st.sampled_from(["impartiality_confidentiality", "other"]))}
    if kind == "condition_reported":
        return {"change": "employer", "employer": draw(st.none() | st.just("moi"))}
    return {}


@st.composite
def legal_walks(draw: st.DrawFn) -> list[Event]:
    """Event sequences built legal: each step is drawn from what the spec allows next."""
    events: list[Event] = []
    state: str | None = None
    sessions: set[str] = set()
    signed: set[str] = set()
    opened_from: str | None = None
    for step in range(draw(st.integers(1, 30))):
        choices = [kind for kind, (where, _) in SPEC.items() if state in where]
        if not (len(sessions) >= 2 and "impartiality_confidentiality" in signed):
            choices = [kind for kind in choices if kind != "activated"]
        if not choices:
            break
        kind = draw(st.sampled_from(choices))
        data = _data(kind, draw)
        if kind in ("training_attended", "workshop_attended"):
            sessions.add(f"{kind}:{data['session']}")
        if kind == "declaration_signed":
            signed.add(data["declaration"])
        target = SPEC[kind][1]
        if kind == "review_opened":
            opened_from = state
        if kind == "review_decided":
            open_to = [name for name, (where, _) in DECIDED.items() if opened_from in where]
            decision = draw(st.sampled_from(open_to))
            data = {"decision": decision}
            target = DECIDED[decision][1]
            target = str(opened_from) if target == "=" else target
        state = state if target == "=" else target
        events.append(Event(f"e{step}", "p", kind, START + timedelta(days=step), data))
    return events


@given(legal_walks())
def test_folding_a_legal_sequence_gives_the_state_the_spec_says(events: list[Event]) -> None:
    record = PersonRecord("p")
    expected: str | None = None
    opened_from: str | None = None
    for event in events:
        record = apply(record, event, DUTIES)
        target = SPEC[event.kind][1]
        if event.kind == "review_opened":
            opened_from = expected
        if event.kind == "review_decided":
            target = DECIDED[event.data["decision"]][1]
            target = str(opened_from) if target == "=" else target
        expected = expected if target == "=" else target
        assert isinstance(record.state, State)
        assert record.state.value == expected
        if record.state is State.ACTIVE:
            assert len(record.sessions) >= 2
            assert "impartiality_confidentiality" in record.declarations
    assert fold(events, DUTIES)["p"] == record


@given(st.lists(st.sampled_from(KINDS), min_size=1, max_size=15))
def test_any_sequence_folds_or_is_refused_with_the_allowed_events(kinds: list[str]) -> None:
    record = PersonRecord("p")
    for step, kind in enumerate(kinds):
        event = Event(f"e{step}", "p", kind, START, {})
        before = record.state
        legal = before in SPEC[kind][0]
        if kind == "declaration_signed" and legal:
            event = Event(f"e{step}", "p", kind, START, {"declaration": "x"})
        if kind == "review_decided" and legal:
            event = Event(f"e{step}", "p", kind, START, {"decision": "withdraw"})
        if not legal:
            with pytest.raises(LifecycleError) as caught:
                apply(record, event, Duties())
            assert caught.value.code == "transition_refused"
            assert caught.value.params["allowed"] == (allowed(before) or ["(none)"])
            assert kind not in caught.value.params["allowed"]
            return
        record = apply(record, event, Duties())


def test_the_table_matches_the_spec_written_here() -> None:
    assert set(KINDS) == set(SPEC)
    assert set(DECISIONS) == set(DECIDED)
    for name, (where, _) in DECIDED.items():
        assert {state.value for state in DECISIONS[name]} == where, name
    for state in [None, *State]:
        here = [kind for kind, (where, _) in SPEC.items() if (state and state.value) in where]
        assert sorted(allowed(state)) == sorted(here), state


@given(st.from_type(Event))
def test_events_round_trip_and_agree_with_the_schema(event: Event) -> None:
    plain = to_data(event)
    assert problems("event", plain) == []
    assert from_data(Event, plain) == event


@pytest.mark.parametrize(
    "data",
    [
        {"change": "travel_abroad", "departs": "2022-01-01"},
        {"change": "employer"},
        {"change": "moved"},
        {"change": "residency", "residency": {"since": "2022-01-01"}},
    ],
)
def test_schema_refuses_incomplete_condition_reports(data: dict[str, Any]) -> None:
    plain = {
        "id": "e",
        "person": "p",
        "kind": "condition_reported",
        "at": "2022-01-01",
        "data": data,
    }
    assert problems("event", plain) != []


@given(
    st.builds(
        Event,
        id=st.text(max_size=3) | st.text(min_size=199, max_size=202),
        person=st.text(max_size=3) | st.just("p" * 200) | st.just("p" * 201),
        kind=st.sampled_from(sorted(KINDS)) | st.text(max_size=5),
        at=st.dates(),
        data=st.sampled_from(
            [
                {},
                {"session": "s1"},
                {"declaration": "attend_training"},
                {"declaration": ""},
                {"applicant": 5},
                {"change": "travel_abroad"},
                {"change": "employer", "employer": "x"},
            ]
        ),
    )
)
def test_the_quick_event_check_agrees_with_the_schema(event: Event) -> None:
    if problems("event", to_data(event)):
        with pytest.raises(InputError) as refused:
            check_event(event)
        assert refused.value.code == "schema_violation"
    else:
        check_event(event)


@given(
    st.dictionaries(
        st.sampled_from(["id", "person", "kind", "at", "data", "extra"]),
        st.sampled_from(
            [
                "P1",
                "",
                "applied",
                "screened",
                "declaration_signed",
                "2022-06-01",
                "20220601",
                "2022-13-01",
                "\uff12\uff10\uff12\uff12-06-01",
                "\u0662\u0660\u0662\u0662-06-01",
                1,
                None,
                {},
                {"declaration": "x"},
                {"session": 3},
                [],
            ]
        ),
    )
)
def test_reading_an_event_line_agrees_with_the_schema(line: dict[str, Any]) -> None:
    import json
    import tempfile
    from pathlib import Path

    from shopperkit.io.events import read_events

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "events.jsonl")
        path.write_text(json.dumps(line) + "\n", encoding="utf-8")
        if problems("event", line):
            with pytest.raises(InputError) as refused:
                read_events(path)
            assert refused.value.code == "schema_violation"
            assert refused.value.where == f"{path}:1"
        else:
            (event,) = read_events(path)
            assert event == from_data(Event, line)
