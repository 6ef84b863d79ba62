"""Properties of screening that hold for every programme, not only the shipped ones."""

from __future__ import annotations

from datetime import timedelta

from attrs import evolve
from hypothesis import given
from hypothesis import strategies as st

from shopperkit.eligibility.screening import Screener
from shopperkit.model import Applicant, Programme, Residency, Status, Verdict
from shopperkit.plugins import Plugins
from shopperkit.testing import strategies


def codes(verdict: Verdict) -> set[str]:
    return {reason.code for reason in verdict.reasons}


@given(data=st.data(), programme=strategies.programmes())
def test_a_verdict_lists_every_failed_rule(
    plugins: Plugins, programme: Programme, data: st.DataObject
) -> None:
    applicant, expected = data.draw(strategies.boundary_applicants(programme))
    verdict = Screener(programme, plugins).screen(applicant)
    assert codes(verdict) == expected
    assert (verdict.status is Status.INELIGIBLE) == bool(expected)
    assert (verdict.status is Status.ELIGIBLE) == (not expected)


@given(data=st.data(), programme=strategies.programmes())
def test_applicants_built_for_a_programme_are_eligible(
    plugins: Plugins, programme: Programme, data: st.DataObject
) -> None:
    applicant = data.draw(strategies.applicants_for(programme))
    assert Screener(programme, plugins).screen(applicant).status is Status.ELIGIBLE


@st.composite
def plausible(draw: st.DrawFn, programme: Programme) -> Applicant:
    """Any applicant with dates that can be verified: born and resident before the date."""
    as_of = programme.day("reference_date")
    born = draw(st.dates(min_value=as_of - timedelta(days=365 * 80), max_value=as_of))
    applicant = draw(strategies.applicants)
    if draw(st.booleans()):
        residency = Residency("citizen")
    else:
        residency = Residency("resident", draw(st.dates(min_value=born, max_value=as_of)))
    return evolve(applicant, birth_date=born, residency=residency)


@given(data=st.data(), programme=strategies.programmes(), days=st.integers(1, 5000))
def test_eligibility_is_monotone_in_age_and_residency(
    plugins: Plugins, programme: Programme, data: st.DataObject, days: int
) -> None:
    """Being older, or resident for longer, never adds a reason."""
    screener = Screener(programme, plugins)
    applicant = data.draw(plausible(programme))
    assert applicant.birth_date is not None
    before = codes(screener.screen(applicant))
    older = evolve(applicant, birth_date=applicant.birth_date - timedelta(days=days))
    assert codes(screener.screen(older)) <= before
    since = applicant.residency.since
    if since is not None:
        earlier = max(since - timedelta(days=days), applicant.birth_date)
        longer = evolve(applicant, residency=Residency("resident", earlier))
        assert codes(screener.screen(longer)) <= before
