"""Ages and durations by calendar anniversary, and the 29 February policy."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopperkit.eligibility.dates import FEB28, MAR1, full_years, latest_start

days = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
policies = st.sampled_from((FEB28, MAR1))


@pytest.mark.parametrize(
    ("born", "on", "expected"),
    [
        (date(2004, 7, 6), date(2022, 7, 6), 18),  # the birthday itself counts
        (date(2004, 7, 7), date(2022, 7, 6), 17),  # one day short
        (date(2004, 1, 1), date(2022, 12, 31), 18),
        (date(2000, 12, 31), date(2001, 1, 1), 0),
    ],
)
def test_full_years_by_anniversary(born: date, on: date, expected: int) -> None:
    assert full_years(born, on) == expected


def test_29_february_policy() -> None:
    leapling = date(2004, 2, 29)
    # In a common year the anniversary is 28 February under feb28, 1 March under mar1.
    assert full_years(leapling, date(2022, 2, 28), FEB28) == 18
    assert full_years(leapling, date(2022, 2, 28), MAR1) == 17
    assert full_years(leapling, date(2022, 3, 1), MAR1) == 18
    # In a leap year both agree on 29 February.
    assert full_years(leapling, date(2024, 2, 28), MAR1) == 19
    assert full_years(leapling, date(2024, 2, 29), MAR1) == 20
    assert full_years(leapling, date(2024, 2, 28), FEB28) == 19


@given(start=days, on=days, years=st.integers(0, 90), policy=policies)
def test_latest_start_is_the_threshold(start: date, on: date, years: int, policy: str) -> None:
    """``start <= latest_start`` is exactly ``full_years >= years``: the fast test is exact."""
    cutoff = latest_start(on, years, policy)
    assert (start <= cutoff) == (full_years(start, on, policy) >= years)


@given(start=days, on=days, policy=policies)
def test_full_years_never_grows_with_a_later_start(start: date, on: date, policy: str) -> None:
    later = start + timedelta(days=1)
    assert full_years(later, on, policy) <= full_years(start, on, policy)
