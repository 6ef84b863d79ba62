"""The lifecycle: folding the example log, refusals, condition changes and the history command."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from attrs import evolve

from shopperkit.cli import main
from shopperkit.errors import InputError
from shopperkit.io.events import read_events
from shopperkit.io.schemas import load_schema
from shopperkit.lifecycle import (
    KINDS,
    Event,
    Lifecycle,
    LifecycleError,
    State,
    allowed,
)
from shopperkit.model.programme import Programme, RuleUse
from shopperkit.plugins import Plugins
from tests.helpers import with_parameter
from tests.test_docs import run_blocks

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "operations"
EVENTS = EXAMPLES / "events.jsonl"


@pytest.fixture(scope="module")
def log() -> list[Event]:
    return read_events(EVENTS)


@pytest.fixture(scope="module")
def lifecycle(qatar: Programme, plugins: Plugins) -> Lifecycle:
    return Lifecycle(qatar, plugins)


@pytest.fixture(scope="module")
def automatic(qatar: Programme, plugins: Plugins) -> Lifecycle:
    """The Qatar programme acting on every disqualifying change at once, without review."""
    return Lifecycle(with_parameter(qatar, "automatic_condition_rules", True), plugins)


def replace_from_waitlist(person: str, on: date) -> str | None:
    """Stands in for the selection's replacement: Q-004 is replaced by Q-013."""
    return {"Q-004": "Q-013"}.get(person)


def test_example_log_folds_to_the_expected_states(log: list[Event], lifecycle: Lifecycle) -> None:
    records = lifecycle.fold(log)
    assert {person: record.state for person, record in records.items()} == {
        "Q-001": State.ACTIVE,
        "Q-002": State.SUSPENDED,
        "Q-004": State.WITHDRAWN,
        "Q-013": State.ONBOARDED,
    }
    assert records["Q-004"].replacement == "Q-013"
    assert records["Q-002"].review_from is None
    assert records["Q-002"].reasons == ("residency_status_not_allowed", "residency_start_missing")
    assert records["Q-001"].applicant is not None
    assert records["Q-001"].applicant.employer == "kahramaa"
    assert len(records["Q-001"].sessions) == 2


@pytest.mark.parametrize("report", ["Q-001-10", "Q-004-10", "Q-004-11", "Q-002-10", "Q-002-11"])
def test_recording_a_report_adds_the_consequences_written_in_the_example(
    log: list[Event], lifecycle: Lifecycle, report: str
) -> None:
    at = next(index for index, event in enumerate(log) if event.id == report)
    expected = [log[at]] + [e for e in log[at + 1 :] if e.id.startswith(f"{report}/")]
    made = lifecycle.record(log[:at], log[at], replace_from_waitlist)
    assert made == expected


def test_a_refused_transition_names_person_state_event_and_the_allowed_events(
    log: list[Event], lifecycle: Lifecycle
) -> None:
    completed = Event("x1", "Q-013", "completed", date(2022, 9, 5))
    with pytest.raises(LifecycleError) as caught:
        lifecycle.record(log, completed)
    error = caught.value
    assert error.code == "transition_refused"
    assert error.params["person"] == "Q-013"
    assert error.params["state"] == "onboarded"
    assert error.params["kind"] == "completed"
    assert error.params["allowed"] == [
        "activated",
        "suspended",
        "replaced",
        "withdrawn",
        "review_opened",
        "training_attended",
        "workshop_attended",
        "declaration_signed",
        "condition_reported",
    ]


def test_activation_waits_for_trainings_and_declarations(
    log: list[Event], lifecycle: Lifecycle
) -> None:
    activate = Event("x1", "Q-013", "activated", date(2022, 9, 5))
    with pytest.raises(LifecycleError) as caught:
        lifecycle.record(log, activate)
    assert caught.value.code == "activation_refused"
    assert caught.value.params["trainings"] == 1  # one session of the two required
    assert caught.value.params["declarations"] == []
    workshop = Event("x0", "Q-013", "workshop_attended", date(2022, 9, 5), {"session": "W9"})
    assert lifecycle.record(log, workshop) == [workshop]
    assert lifecycle.record([*log, workshop], activate) == [activate]


def test_the_same_session_twice_counts_once(log: list[Event], lifecycle: Lifecycle) -> None:
    again = Event("x0", "Q-013", "training_attended", date(2022, 9, 5), {"session": "T-2022-09-04"})
    records = lifecycle.fold([*log, again])
    assert len(records["Q-013"].sessions) == 1


@pytest.mark.parametrize(
    ("returns", "suspended"), [(date(2023, 1, 31), False), (date(2023, 2, 1), True)]
)
def test_travel_abroad_counts_only_beyond_the_programme_days(
    log: list[Event], lifecycle: Lifecycle, returns: date, suspended: bool
) -> None:
    data = {"change": "travel_abroad", "departs": "2023-01-01", "returns": returns.isoformat()}
    report = Event("x1", "Q-001", "condition_reported", date(2022, 12, 1), data)
    kinds = [event.kind for event in lifecycle.record(log, report)]
    # 30 days abroad (1 to 31 January) is allowed; 31 days is a change
    assert kinds == (
        ["condition_reported", "review_opened"] if suspended else ["condition_reported"]
    )


def test_a_report_before_onboarding_withdraws_and_a_waitlisted_person_is_not_replaced(
    log: list[Event], automatic: Lifecycle
) -> None:
    waitlisted = [event for event in log if event.person == "Q-013"][:4]
    assert waitlisted[-1].kind == "waitlisted"
    data = {"change": "residency", "residency": {"status": "visitor", "since": None}}
    report = Event("x1", "Q-013", "condition_reported", date(2022, 8, 2), data)
    made = automatic.record(waitlisted, report, replace_from_waitlist)
    assert [event.kind for event in made] == ["condition_reported", "withdrawn"]


def test_a_new_employer_is_screened_by_the_conflict_rule_when_the_programme_has_it(
    log: list[Event], qatar: Programme, plugins: Plugins
) -> None:
    programme = with_parameter(qatar, "evaluated_entities", ("kahramaa",))
    programme = with_parameter(
        programme, "automatic_condition_rules", ("employed_by_evaluated_entity",)
    )
    programme = evolve(programme, rules=(*programme.rules, RuleUse("conflict_of_interest")))
    lifecycle = Lifecycle(programme, plugins)
    report = next(event for event in log if event.id == "Q-001-10")
    before = log[: log.index(report)]
    made = lifecycle.record(before, report, lambda person, on: None)
    assert [event.kind for event in made] == [
        "condition_reported",
        "suspended",
        "replacement_requested",
    ]
    assert made[1].data["reasons"] == ["employed_by_evaluated_entity"]


def test_events_out_of_order_and_repeated_ids_are_refused(
    log: list[Event], lifecycle: Lifecycle
) -> None:
    early = Event("x1", "Q-001", "training_attended", date(2022, 8, 1), {"session": "T0"})
    with pytest.raises(LifecycleError) as caught:
        lifecycle.record(log, early)
    assert caught.value.code == "event_out_of_order"
    with pytest.raises(LifecycleError) as caught:
        lifecycle.record(log, evolve(log[-1], at=date(2023, 1, 1)))
    assert caught.value.code == "duplicate_id"


def test_the_schema_lists_exactly_the_kinds_of_the_transition_table() -> None:
    assert load_schema("event")["properties"]["kind"]["enum"] == list(KINDS)


def test_nothing_leaves_a_terminal_state() -> None:
    assert allowed(State.REPLACED) == []
    assert allowed(State.COMPLETED) == []
    assert allowed(State.WITHDRAWN) == ["replacement_requested"]


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("{not json", "json_malformed"),
        ('{"id": "e1", "person": "p", "kind": "promoted", "at": "2022-01-01"}', "schema_violation"),
        ('{"id": "e1", "person": "p", "kind": "applied", "at": "2022-13-01"}', "schema_violation"),
    ],
)
def test_a_bad_line_is_reported_with_file_and_line(tmp_path: Path, line: str, code: str) -> None:
    path = tmp_path / "events.jsonl"
    good = '{"id": "e0", "person": "p", "kind": "applied", "at": "2022-01-01"}'
    path.write_text(f"{good}\n\n{line}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_events(path)
    assert caught.value.code == code
    assert caught.value.where == f"{path}:3"


def test_history_command_prints_events_with_the_state_after_each(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["history", "Q-004", "--events", str(EVENTS), "--programme", "qatar-cgb"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["state"] == "withdrawn"
    assert document["allowed"] == ["replacement_requested"]
    assert [step["state"] for step in document["events"]] == [
        "applied",
        "screened",
        "interviewed",
        "selected",
        "onboarded",
        "onboarded",
        "onboarded",
        "onboarded",
        "active",
        "active",
        "under_review",
        "withdrawn",
        "withdrawn",
    ]
    assert document["events"][-1]["data"]["replacement"] == "Q-013"


def test_history_command_refuses_unknown_people_and_illegal_logs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["history", "nobody", "--events", str(EVENTS)]) == 2
    assert "nobody" in capsys.readouterr().err
    bad = tmp_path / "events.jsonl"
    bad.write_text(
        '{"id": "e1", "person": "p", "kind": "applied", "at": "2022-01-01"}\n'
        '{"id": "e2", "person": "p", "kind": "activated", "at": "2022-01-02"}\n',
        encoding="utf-8",
    )
    assert main(["history", "p", "--events", str(bad)]) == 2
    assert "e2" in capsys.readouterr().err


def test_the_guide_runs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(EXAMPLES.parent.parent)
    run_blocks(EXAMPLES.parent.parent / "docs" / "life-of-a-shopper.md", capsys)


def test_the_guide_table_lists_every_move_of_the_transition_table() -> None:
    text = (EXAMPLES.parent.parent / "docs" / "life-of-a-shopper.md").read_text(encoding="utf-8")
    for kind in KINDS:
        assert f"`{kind}`" in text


def test_recording_checks_the_event_against_the_schema(
    log: list[Event], lifecycle: Lifecycle
) -> None:
    report = Event("x1", "Q-001", "condition_reported", date(2022, 12, 1), {"change": "moved"})
    with pytest.raises(InputError) as caught:
        lifecycle.record(log, report)
    assert caught.value.code == "schema_violation"
    assert caught.value.where == "event x1"
    backwards = {"change": "travel_abroad", "departs": "2023-02-01", "returns": "2023-01-01"}
    with pytest.raises(LifecycleError) as caught:
        lifecycle.record(log, evolve(report, data=backwards))
    assert caught.value.code == "period_invalid"


def test_record_command_appends_the_events_and_their_consequences(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "events.jsonl"
    original = EVENTS.read_text(encoding="utf-8")
    log.write_text(original, encoding="utf-8")
    new = tmp_path / "new.jsonl"
    new.write_text(
        '{"id":"r1","person":"Q-001","kind":"condition_reported","at":"2022-12-01",'
        '"data":{"change":"travel_abroad","departs":"2023-01-01","returns":"2023-03-01"}}\n',
        encoding="utf-8",
    )
    args = ["record", str(new), "--events", str(log), "--programme", "qatar-cgb"]
    assert main(args) == 0
    text = log.read_text(encoding="utf-8")
    assert text.startswith(original)
    added = [json.loads(line) for line in text[len(original) :].splitlines()]
    assert [(event["id"], event["kind"]) for event in added] == [
        ("r1", "condition_reported"),
        ("r1/review_opened", "review_opened"),
    ]
    assert added[1]["data"]["reasons"] == ["travel_abroad_too_long"]
    capsys.readouterr()
    # the same event again is refused and the log is left as it was
    assert main(args) == 2
    assert "r1" in capsys.readouterr().err
    assert log.read_text(encoding="utf-8") == text


def test_a_second_report_while_suspended_asks_for_no_second_replacement(
    log: list[Event], automatic: Lifecycle
) -> None:
    data = {"change": "residency", "residency": {"status": "visitor", "since": None}}
    first = Event("x0", "Q-001", "condition_reported", date(2022, 11, 5), data)
    log = [*log, *automatic.record(log, first)]
    assert [event.kind for event in log[-3:]] == [
        "condition_reported",
        "suspended",
        "replacement_requested",
    ]
    assert automatic.fold(log)["Q-001"].requested
    report = Event("x1", "Q-001", "condition_reported", date(2022, 11, 6), data)
    assert automatic.record(log, report, replace_from_waitlist) == [report]


def test_the_applicant_of_an_applied_event_is_the_person(lifecycle: Lifecycle) -> None:
    data = {
        "applicant": {
            "id": "someone-else",
            "birth_date": None,
            "nationality": "Qatari",
            "residency": {"status": "citizen"},
        }
    }
    with pytest.raises(LifecycleError) as caught:
        lifecycle.record([], Event("a1", "Q-100", "applied", date(2022, 6, 7), data))
    assert caught.value.code == "value_not_allowed"
    assert str(caught.value.where).endswith("$.data.applicant.id")


def test_a_ledger_records_as_refolding_does(log: list[Event], lifecycle: Lifecycle) -> None:
    ledger = lifecycle.ledger()
    refolded: list[Event] = []
    for event in log:
        if "/" in event.id:
            continue  # caused by an earlier event, and added with it
        expected = lifecycle.record(refolded, event, replace_from_waitlist)
        assert ledger.record(event, replace_from_waitlist) == expected
        refolded += expected
    assert ledger.added == refolded
    assert any("/" in event.id for event in refolded)
    assert ledger.records == lifecycle.fold(refolded)


def test_a_refused_event_leaves_the_ledger_as_it_was(
    log: list[Event], lifecycle: Lifecycle
) -> None:
    ledger = lifecycle.ledger(log)
    records, ids = dict(ledger.records), set(ledger.ids)
    with pytest.raises(LifecycleError):
        ledger.record(evolve(log[0], id="new-id"))  # applied twice: refused
    with pytest.raises(LifecycleError):
        ledger.record(log[-1])  # an id already in the log
    assert (ledger.records, ledger.ids, ledger.added) == (records, ids, [])


def test_appending_costs_the_same_however_long_the_log(
    lifecycle: Lifecycle, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shopperkit.lifecycle.folding as folding
    import shopperkit.lifecycle.responsibilities as responsibilities

    calls = 0
    real = folding.apply

    def counted(*args: object) -> object:
        nonlocal calls
        calls += 1
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(folding, "apply", counted)
    monkeypatch.setattr(responsibilities, "apply", counted)
    kinds = ("applied", "screened", "interviewed", "waitlisted")
    new = [
        Event(f"P{n}-{step}", f"P{n}", kind, date(2022, 6, 1 + step))
        for n in range(300)
        for step, kind in enumerate(kinds)
    ]
    ledger = lifecycle.ledger()
    for event in new:
        ledger.record(event)
    assert ledger.added == new
    # Each event is applied once, to check it and keep the result; refolding would apply
    # about n * n / 2 = 720,000 times.
    assert calls == len(new)
