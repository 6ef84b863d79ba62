"""Screening against the Qatar-style programme: boundaries, every failed rule, needs review."""

from __future__ import annotations

from datetime import date

import pytest
from attrs import evolve
from hypothesis import given
from hypothesis import strategies as st

from shopperkit.eligibility.screening import Screener
from shopperkit.model.people import Applicant, Residency
from shopperkit.model.programme import Programme
from shopperkit.model.verdicts import Status, Verdict
from shopperkit.plugins import Plugins
from shopperkit.testing import strategies
from tests.helpers import QATAR_DECLARATIONS, applicant, with_parameter, with_rule


@pytest.fixture(scope="module")
def screener(qatar: Programme, plugins: Plugins) -> Screener:
    return Screener(qatar, plugins)


def codes(verdict: Verdict) -> set[str]:
    return {reason.code for reason in verdict.reasons}


def test_reference_date_is_the_close_of_registration(screener: Screener) -> None:
    assert screener.as_of == date(2022, 7, 6)


def test_a_complete_application_is_eligible(screener: Screener) -> None:
    verdict = screener.screen(applicant())
    assert verdict.status is Status.ELIGIBLE
    assert verdict.reasons == ()


@pytest.mark.parametrize(
    ("born", "status"),
    [
        (date(2004, 7, 6), Status.ELIGIBLE),  # 18 on the reference date itself
        (date(2004, 7, 7), Status.INELIGIBLE),  # 18 the day after
    ],
)
def test_age_boundary(screener: Screener, born: date, status: Status) -> None:
    verdict = screener.screen(applicant(birth_date=born))
    assert verdict.status is status
    if status is Status.INELIGIBLE:
        assert codes(verdict) == {"age_below_minimum"}
        assert verdict.reasons[0].params["age"] == 17
        assert verdict.reasons[0].params["minimum_age"] == 18


@pytest.mark.parametrize(
    ("since", "status"),
    [(date(2020, 7, 6), Status.ELIGIBLE), (date(2020, 7, 7), Status.INELIGIBLE)],
)
def test_residency_boundary(screener: Screener, since: date, status: Status) -> None:
    verdict = screener.screen(applicant(residency=Residency("resident", since)))
    assert verdict.status is status


def test_citizens_are_exempt_from_residency(screener: Screener) -> None:
    verdict = screener.screen(applicant(nationality="Qatari", residency=Residency("citizen")))
    assert verdict.status is Status.ELIGIBLE


@pytest.mark.parametrize(
    ("applied", "status"),
    [
        (date(2022, 6, 5), Status.INELIGIBLE),
        (date(2022, 6, 6), Status.ELIGIBLE),
        (date(2022, 7, 6), Status.ELIGIBLE),
        (date(2022, 7, 7), Status.INELIGIBLE),
    ],
)
def test_registration_window_is_inclusive(
    screener: Screener, applied: date, status: Status
) -> None:
    assert screener.screen(applicant(applied_on=applied)).status is status


def test_visitor_status_is_refused(screener: Screener) -> None:
    verdict = screener.screen(applicant(residency=Residency("visitor", date(2010, 1, 1))))
    assert codes(verdict) == {"residency_status_not_allowed"}


def test_missing_declaration_is_named(screener: Screener) -> None:
    verdict = screener.screen(applicant(declarations=QATAR_DECLARATIONS - {"report_changes"}))
    assert codes(verdict) == {"declarations_missing"}
    assert verdict.reasons[0].params["missing"] == ["report_changes"]


def test_as_of_overrides_the_reference_date(qatar: Programme, plugins: Plugins) -> None:
    young = applicant(birth_date=date(2004, 12, 1))
    assert Screener(qatar, plugins).screen(young).status is Status.INELIGIBLE
    later = Screener(qatar, plugins, as_of=date(2022, 12, 1))
    assert later.screen(young).status is Status.ELIGIBLE


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"birth_date": None}, "birth_date_missing"),
        (
            {"birth_date": date(2030, 1, 1), "residency": Residency("citizen")},
            "birth_date_unverifiable",
        ),
        ({"residency": Residency("resident", None)}, "residency_start_missing"),
        ({"residency": Residency("resident", date(1980, 1, 1))}, "residency_start_unverifiable"),
        ({"applied_on": None}, "application_date_missing"),
    ],
)
def test_missing_or_unverifiable_data_needs_review(
    screener: Screener, changes: dict[str, object], code: str
) -> None:
    verdict = screener.screen(applicant(**changes))
    assert verdict.status is Status.NEEDS_REVIEW
    assert codes(verdict) == {code}


def test_a_failure_outweighs_a_review_and_both_are_listed(screener: Screener) -> None:
    verdict = screener.screen(applicant(birth_date=None, applied_on=date(2022, 8, 1)))
    assert verdict.status is Status.INELIGIBLE
    assert codes(verdict) == {"birth_date_missing", "applied_outside_window"}


def test_judged_criteria_are_deferred(screener: Screener) -> None:
    deferred = {(item.criterion, item.stage) for item in screener.screen(applicant()).deferred}
    assert {("credibility", "interview"), ("public_spirit", "interview")} <= deferred
    assert ("diversity", "selection") in deferred


def test_reasons_have_english_and_arabic_messages(screener: Screener) -> None:
    reason = screener.screen(applicant(birth_date=date(2010, 1, 1))).reasons[0]
    assert reason.message["en"]
    assert reason.message["ar"]
    assert "\u2068" in reason.message["ar"]  # inserted values are bidi-isolated in Arabic


BREAKAGES: dict[str, dict[str, object]] = {
    "age_below_minimum": {"birth_date": date(2010, 5, 5)},
    "residency_too_short": {"residency": Residency("resident", date(2021, 9, 1))},
    "applied_outside_window": {"applied_on": date(2022, 5, 1)},
    "declarations_missing": {"declarations": frozenset({"attend_training"})},
}


@given(broken=st.sets(st.sampled_from(sorted(BREAKAGES))))
def test_a_verdict_lists_every_failed_rule(screener: Screener, broken: set[str]) -> None:
    changes: dict[str, object] = {}
    for code in broken:
        changes.update(BREAKAGES[code])
    verdict = screener.screen(applicant(**changes))
    assert codes(verdict) == broken
    assert (verdict.status is Status.INELIGIBLE) == bool(broken)


def test_conflict_of_interest_when_a_programme_asks_for_it(
    qatar: Programme, plugins: Plugins
) -> None:
    programme = with_rule(
        with_parameter(qatar, "evaluated_entities", ("qatar-post", "hamad-medical")),
        "conflict_of_interest",
    )
    screener = Screener(programme, plugins)
    verdict = screener.screen(applicant(employer="Qatar-Post"))
    assert codes(verdict) == {"employed_by_evaluated_entity"}
    assert screener.screen(applicant(employer="private-sector")).status is Status.ELIGIBLE
    # Without the rule, the same employer is not a problem.
    assert Screener(qatar, plugins).screen(applicant(employer="qatar-post")).reasons == ()


def test_rule_parameters_can_be_bound_to_other_programme_parameters(
    qatar: Programme, plugins: Plugins
) -> None:
    programme = evolve(
        with_parameter(qatar, "strict_age", 21, "years"),
        rules=tuple(
            evolve(use, params={"minimum_age": "strict_age"}) if use.rule == "minimum_age" else use
            for use in qatar.rules
        ),
    )
    verdict = Screener(programme, plugins).screen(applicant(birth_date=date(2002, 1, 1)))
    assert codes(verdict) == {"age_below_minimum"}
    assert verdict.reasons[0].params["minimum_age"] == 21


@given(person=strategies.applicants)
def test_fast_status_agrees_with_the_full_verdict(screener: Screener, person: Applicant) -> None:
    assert screener.status(person) is screener.screen(person).status
