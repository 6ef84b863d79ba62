"""Dated parameters: a history of values, the one in force at the reference date, its record."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import orjson
import pytest
from attrs import evolve
from hypothesis import given
from hypothesis import strategies as st

from shopperkit import Registry, screen
from shopperkit.eligibility import Screener
from shopperkit.errors import ShopperkitError
from shopperkit.io.convert import from_data, to_data
from shopperkit.io.verdicts import VerdictEncoder
from shopperkit.messages import render
from shopperkit.model import (
    Applicant,
    DatedValue,
    Parameter,
    Programme,
    Residency,
    Status,
    Verdict,
)

CGB_REFERENCE = date(2022, 7, 6)  # the Qatar programme's reference date


def history(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"description": "Minimum age.", "unit": "years", "values": list(entries)}


def entry(value: Any, effective_from: str, calendar: str | None = None) -> dict[str, Any]:
    data = {
        "value": value,
        "reference": f"source of {effective_from}",
        "effective_from": effective_from,
    }
    return data | ({"calendar": calendar} if calendar else {})


HIJRI_THEN_GREGORIAN = history(
    entry(21, "2020-01-01", "hijri_umm_al_qura"), entry(18, "2022-07-01")
)


def programme_with(registry: Registry, minimum_age: dict[str, Any]) -> Programme:
    return registry.programme_from_data(
        {
            "id": "cgb-dated",
            "version": "1",
            "extends": "qatar-cgb",
            "parameters": {"minimum_age": minimum_age},
        }
    )


def applicant(born: date) -> Applicant:
    return Applicant(
        id="a1",
        birth_date=born,
        nationality="Qatari",
        residency=Residency("citizen"),
        declarations=frozenset(
            {
                "attend_training",
                "report_changes",
                "use_bureau_forms",
                "impartiality_confidentiality",
                "propose_improvements",
            }
        ),
        applied_on=date(2022, 6, 10),
    )


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry()


def test_a_history_reads_and_writes_back_unchanged() -> None:
    parameter = from_data(Parameter, HIJRI_THEN_GREGORIAN)
    assert parameter.dated
    assert parameter.value == 18
    assert parameter.calendar == "gregorian"
    assert parameter.earlier == (
        DatedValue(21, "source of 2020-01-01", date(2020, 1, 1), "hijri_umm_al_qura"),
    )
    assert to_data(parameter) == HIJRI_THEN_GREGORIAN


def test_a_single_value_is_in_force_on_every_date() -> None:
    single = {"value": 18, "description": "d", "reference": "r", "effective_from": "2022-06-06"}
    parameter = from_data(Parameter, single)
    assert not parameter.dated
    assert parameter.at(date(1990, 1, 1)).value == 18
    assert parameter.history == (parameter.latest,)
    assert to_data(parameter) == single


def test_the_value_in_force_changes_on_its_date(registry: Registry) -> None:
    programme = programme_with(registry, HIJRI_THEN_GREGORIAN)
    assert programme.integer("minimum_age", on=date(2022, 6, 30)) == 21
    assert programme.integer("minimum_age", on=date(2022, 7, 1)) == 18
    assert programme.integer("minimum_age") == 18  # the latest without a date
    assert programme.parameter("minimum_age").at(date(2022, 6, 30)).calendar == (
        "hijri_umm_al_qura"
    )
    with pytest.raises(ShopperkitError) as caught:
        programme.integer("minimum_age", on=date(2019, 12, 31))
    assert caught.value.code == "parameter_not_in_force"


def test_screening_uses_and_records_the_value_in_force(registry: Registry) -> None:
    programme = programme_with(registry, HIJRI_THEN_GREGORIAN)
    # Born 1 December 2001: 20 Gregorian years and 21 Hijri years on 30 June 2022.
    person = applicant(date(2001, 12, 1))
    before = Screener(programme, registry.plugins, as_of=date(2022, 6, 30)).screen(person)
    assert before.status is Status.ELIGIBLE
    younger = applicant(date(2002, 3, 1))  # 20 Hijri years on 30 June 2022
    (reason,) = screen([younger], programme, registry, as_of=date(2022, 6, 30))[0].reasons
    assert reason.code == "age_below_minimum"
    assert reason.params["age"] == 20
    assert reason.params["minimum_age"] == 21
    assert reason.params["calendar"] == "hijri_umm_al_qura"
    assert reason.params["effective_from"] == "2020-01-01"
    assert reason.params["reference"] == "source of 2020-01-01"
    after = Screener(programme, registry.plugins, as_of=date(2022, 7, 1)).screen(younger)
    assert after.status is Status.ELIGIBLE


def test_the_plan_shows_the_value_in_force_and_the_history(registry: Registry) -> None:
    programme = programme_with(registry, HIJRI_THEN_GREGORIAN)
    plan = Screener(programme, registry.plugins, as_of=date(2022, 6, 30)).explain()
    (rule,) = [rule for rule in plan["rules"] if rule["rule"] == "minimum_age"]
    shown = rule["params"]["minimum_age"]
    assert shown["value"] == 21
    assert shown["calendar"] == "hijri_umm_al_qura"
    assert [past["value"] for past in shown["history"]] == [21, 18]


def test_a_reference_date_before_the_history_is_a_programme_error(registry: Registry) -> None:
    programme = programme_with(registry, HIJRI_THEN_GREGORIAN)
    with pytest.raises(ShopperkitError) as caught:
        Screener(programme, registry.plugins, as_of=date(2019, 1, 1))
    assert caught.value.code == "parameter_not_in_force"


def test_a_reference_date_outside_the_hijri_tables_is_a_programme_error(
    registry: Registry,
) -> None:
    programme = programme_with(registry, history(entry(21, "2020-01-01", "hijri_umm_al_qura")))
    with pytest.raises(ShopperkitError) as caught:
        Screener(programme, registry.plugins, as_of=date(2080, 1, 1))
    assert caught.value.code == "date_outside_calendar"
    assert "minimum_age" in (caught.value.where or "")


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ([entry(21, "2020-01-01"), entry(18, "2020-01-01")], "parameter_date_duplicate"),
        ([entry(21, "2021-01-01"), entry(18, "2020-01-01")], "parameter_dates_unordered"),
    ],
)
def test_dates_must_increase(registry: Registry, values: list[dict[str, Any]], code: str) -> None:
    with pytest.raises(ShopperkitError) as caught:
        programme_with(registry, history(*values))
    assert caught.value.code == code
    assert "$.parameters.minimum_age.values[1].effective_from" in (caught.value.where or "")


@pytest.mark.parametrize(
    "bad",
    [
        history(),  # no value at all
        history(entry("21", "2020-01-01")),  # an age must be an integer, in every entry
        history(entry(21, "2020-01-01", "julian")),
        {**history(entry(21, "2020-01-01")), "value": 21},  # both forms at once
        {  # a calendar counts only years
            "value": 0.5,
            "unit": "share",
            "calendar": "hijri_umm_al_qura",
            "description": "d",
            "reference": "r",
            "effective_from": "2020-01-01",
        },
    ],
)
def test_the_schema_refuses_malformed_histories(registry: Registry, bad: dict[str, Any]) -> None:
    with pytest.raises(ShopperkitError) as caught:
        programme_with(registry, bad)
    assert caught.value.code == "schema_violation"


day_numbers = st.integers(0, 20_000)


@given(offsets=st.lists(day_numbers, min_size=1, max_size=6, unique=True), probe=day_numbers)
def test_at_picks_the_last_value_taking_effect_by_then(offsets: list[int], probe: int) -> None:
    start = date(1990, 1, 1)
    days = sorted(start + timedelta(days=offset) for offset in offsets)
    entries = tuple(DatedValue(index, f"s{index}", day) for index, day in enumerate(days))
    *earlier, latest = entries
    parameter = Parameter(
        latest.value, "d", latest.reference, latest.effective_from, earlier=tuple(earlier)
    )
    on = start + timedelta(days=probe)
    in_force = [item for item in entries if item.effective_from <= on]
    if len(entries) == 1:  # one value is in force on every date
        assert parameter.at(on) == latest
    elif not in_force:
        with pytest.raises(ShopperkitError):
            parameter.at(on)
    else:
        assert parameter.at(on) == in_force[-1]


def test_a_single_value_programme_is_unchanged(registry: Registry) -> None:
    programme = registry.programme("qatar-cgb")
    parameter = programme.parameter("minimum_age")
    assert not parameter.dated
    assert parameter.calendar == "gregorian"
    assert evolve(parameter, earlier=()) == parameter
    assert programme.integer("minimum_age", on=CGB_REFERENCE) == programme.integer("minimum_age")


def test_every_verdict_records_the_dated_value_it_was_decided_by(registry: Registry) -> None:
    programme = programme_with(registry, HIJRI_THEN_GREGORIAN)
    person = applicant(date(2001, 12, 1))
    for on, value, calendar, since in (
        (date(2022, 6, 30), 21, "hijri_umm_al_qura", "2020-01-01"),
        (date(2022, 7, 1), 18, "gregorian", "2022-07-01"),
    ):
        verdict = Screener(programme, registry.plugins, as_of=on).screen(person)
        assert verdict.status is Status.ELIGIBLE  # no reason to read the value from
        assert verdict.parameters == {
            "minimum_age": {
                "value": value,
                "effective_from": since,
                "calendar": calendar,
                "reference": f"source of {since}",
            }
        }
        data = to_data(verdict)
        assert data["parameters"]["minimum_age"]["value"] == value
        assert from_data(Verdict, data) == verdict


def test_a_verdict_names_no_parameters_when_none_is_dated(registry: Registry) -> None:
    verdict = screen([applicant(date(1990, 1, 1))], "qatar-cgb", registry)[0]
    assert verdict.parameters == {}
    assert "parameters" not in to_data(verdict)
    encoded = VerdictEncoder().json(verdict)
    assert b"parameters" not in encoded


def test_the_fast_encoder_writes_the_recorded_parameters(registry: Registry) -> None:
    programme = programme_with(registry, HIJRI_THEN_GREGORIAN)
    verdicts = [
        Screener(programme, registry.plugins, as_of=on).screen(applicant(born))
        for on in (date(2022, 6, 30), date(2022, 7, 1))
        for born in (date(2001, 12, 1), date(2002, 3, 1))
    ]
    encoder = VerdictEncoder()
    for verdict in verdicts:
        assert orjson.loads(encoder.json(verdict)) == to_data(verdict)


def test_the_reason_names_the_calendar_it_counted_in(registry: Registry) -> None:
    programme = programme_with(registry, HIJRI_THEN_GREGORIAN)
    younger = applicant(date(2002, 3, 1))
    for on, calendar in ((date(2022, 6, 30), "hijri_umm_al_qura"), (date(2022, 7, 1), None)):
        reasons = screen([younger], programme, registry, as_of=on)[0].reasons
        if calendar is None:
            assert reasons == ()
            continue
        (reason,) = reasons
        for language in ("en", "ar"):
            name = render(f"calendar_{calendar}", {}, language)
            assert name
            assert name != f"calendar_{calendar}"
            assert name in reason.message[language]
