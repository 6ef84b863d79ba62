"""Screening at the programme's reference date (the default) or at each applicant's
application date (``reference_date_rule`` = ``application``)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopperkit.eligibility import Screener
from shopperkit.errors import ProgrammeError
from shopperkit.model.people import Applicant, Residency
from shopperkit.model.programme import Programme
from shopperkit.model.verdicts import Status
from shopperkit.plugins import Plugins
from tests.helpers import with_parameter

PROGRAMME_DATE = date(2022, 7, 6)  # the Qatar programme's reference date
APPLIED = date(2022, 6, 20)
DECLARED = frozenset(
    {
        "attend_training",
        "impartiality_confidentiality",
        "propose_improvements",
        "report_changes",
        "use_bureau_forms",
    }
)


CITIZEN = Residency("citizen")


def _applicant(
    born: date = date(1990, 1, 1),
    residency: Residency = CITIZEN,
    applied_on: date | None = APPLIED,
) -> Applicant:
    return Applicant(
        id="A-1",
        birth_date=born,
        nationality="Qatari" if residency.status == "citizen" else "Indian",
        residency=residency,
        declarations=DECLARED,
        applied_on=applied_on,
    )


@pytest.fixture
def by_application(qatar: Programme) -> Programme:
    return with_parameter(qatar, "reference_date_rule", "application")


def test_an_applicant_who_turns_18_after_applying_is_eligible_only_at_the_programme_date(
    qatar: Programme, by_application: Programme, plugins: Plugins
) -> None:
    turns_18 = _applicant(born=date(2004, 7, 1))  # 17 on 20 June, 18 on 6 July 2022
    default = Screener(qatar, plugins).screen(turns_18)
    assert (default.status, default.as_of) == (Status.ELIGIBLE, PROGRAMME_DATE)
    at_application = Screener(by_application, plugins).screen(turns_18)
    assert at_application.status is Status.INELIGIBLE
    assert at_application.as_of == APPLIED
    (reason,) = at_application.reasons
    assert reason.code == "age_below_minimum"
    expected = {"age": 17, "minimum_age": 18, "as_of": "2022-06-20", "calendar": "gregorian"}
    assert reason.params.items() >= expected.items()


@pytest.mark.parametrize(
    ("born", "status"),
    [(date(2004, 6, 20), Status.ELIGIBLE), (date(2004, 6, 21), Status.INELIGIBLE)],
)
def test_the_18th_birthday_on_the_application_day_counts(
    by_application: Programme, plugins: Plugins, born: date, status: Status
) -> None:
    assert Screener(by_application, plugins).status(_applicant(born=born)) is status


def test_residency_is_counted_to_the_application_date(
    qatar: Programme, by_application: Programme, plugins: Plugins
) -> None:
    resident = _applicant(residency=Residency("resident", date(2020, 7, 1)))  # 2 years on 1 July
    assert Screener(qatar, plugins).screen(resident).status is Status.ELIGIBLE
    verdict = Screener(by_application, plugins).screen(resident)
    assert [reason.code for reason in verdict.reasons] == ["residency_too_short"]
    assert verdict.reasons[0].params["years"] == 1


def test_without_an_application_date_the_programme_date_is_used(
    by_application: Programme, plugins: Plugins
) -> None:
    verdict = Screener(by_application, plugins).screen(_applicant(applied_on=None))
    assert verdict.as_of == PROGRAMME_DATE
    assert [reason.code for reason in verdict.reasons] == ["application_date_missing"]


def test_an_explicit_date_is_the_date_for_everyone(
    by_application: Programme, plugins: Plugins
) -> None:
    screener = Screener(by_application, plugins, as_of=date(2022, 8, 1))
    assert screener.screen(_applicant(born=date(2004, 7, 1))).as_of == date(2022, 8, 1)
    assert screener.explain()["reference_date_rule"] == "programme"
    assert Screener(by_application, plugins).explain()["reference_date_rule"] == "application"


def test_an_unknown_rule_is_refused_naming_the_parameter(
    qatar: Programme, plugins: Plugins
) -> None:
    with pytest.raises(ProgrammeError) as caught:
        Screener(with_parameter(qatar, "reference_date_rule", "birthday"), plugins)
    assert caught.value.code == "value_not_allowed"
    assert "reference_date_rule" in str(caught.value.where)


@settings(max_examples=60, deadline=None)
@given(
    born=st.dates(date(2003, 1, 1), date(2005, 12, 31)),
    since=st.dates(date(2019, 1, 1), date(2021, 12, 31)),
    applied=st.dates(date(2022, 5, 1), date(2022, 8, 31)),
    citizen=st.booleans(),
)
def test_screening_at_the_application_date_is_screening_as_of_that_date(
    qatar: Programme, plugins: Plugins, born: date, since: date, applied: date, citizen: bool
) -> None:
    by_application = with_parameter(qatar, "reference_date_rule", "application")
    residency = CITIZEN if citizen else Residency("resident", since)
    applicant = _applicant(born=born, residency=residency, applied_on=applied)
    screener = Screener(by_application, plugins)
    verdict = screener.screen(applicant)
    assert verdict == Screener(qatar, plugins, as_of=applied).screen(applicant)
    assert screener.status(applicant) is verdict.status
    # applications fall in May to August, so no 29 February anniversary is involved
    age = applied.year - born.year - ((applied.month, applied.day) < (born.month, born.day))
    assert (age < 18) == ("age_below_minimum" in [reason.code for reason in verdict.reasons])
