"""Ages and periods by anniversary in the Gregorian and the Hijri (Umm al-Qura) calendar."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopperkit.calendars import (
    DAY29,
    FEB28,
    GREGORIAN,
    HIJRI_UMM_AL_QURA,
    MAR1,
    NEXT_MONTH_DAY1,
    CalendarRangeError,
    age_on,
    anniversary,
    latest_start,
    supported_range,
    year_of,
)
from shopperkit.errors import InputError

HIJRI = HIJRI_UMM_AL_QURA
ONE_DAY = timedelta(days=1)

# Dates whose anniversaries stay inside the Umm al-Qura tables (1924-08-01 to 2077-11-16).
inside = st.dates(min_value=date(1925, 1, 1), max_value=date(2076, 12, 31))
calendars = st.sampled_from((GREGORIAN, HIJRI))
policies = st.sampled_from((FEB28, MAR1, DAY29, NEXT_MONTH_DAY1))


def test_21_hijri_years_come_before_21_gregorian_years() -> None:
    # Born 1 March 2005 = 20 Muharram 1426; 20 Muharram 1447 = 15 July 2025.
    born = date(2005, 3, 1)
    assert age_on(born, date(2025, 7, 14), HIJRI) == 20
    assert age_on(born, date(2025, 7, 15), HIJRI) == 21
    assert age_on(born, date(2025, 7, 15), GREGORIAN) == 20
    assert age_on(born, date(2026, 3, 1), GREGORIAN) == 21
    assert anniversary(born, 1447, HIJRI) == date(2025, 7, 15)
    assert type(anniversary(born, 1447, HIJRI)) is date  # a plain date, like every other
    assert type(latest_start(date(2025, 7, 15), 21, HIJRI)) is date
    assert latest_start(date(2025, 7, 15), 21, HIJRI) == born
    assert year_of(born, HIJRI) == 1426


def test_born_on_the_30th_into_a_month_of_29_days() -> None:
    # 30 Ramadan 1445 = 9 April 2024; Ramadan 1446 has 29 days: 29 Ramadan 1446 = 29 March
    # 2025 and 1 Shawwal 1446 = 30 March 2025.
    born = date(2024, 4, 9)
    assert anniversary(born, 1446, HIJRI, DAY29) == date(2025, 3, 29)
    assert anniversary(born, 1446, HIJRI, NEXT_MONTH_DAY1) == date(2025, 3, 30)
    assert age_on(born, date(2025, 3, 29), HIJRI, DAY29) == 1
    assert age_on(born, date(2025, 3, 28), HIJRI, DAY29) == 0
    assert age_on(born, date(2025, 3, 29), HIJRI, NEXT_MONTH_DAY1) == 0
    assert age_on(born, date(2025, 3, 30), HIJRI, NEXT_MONTH_DAY1) == 1
    # feb28 and mar1 mean the same in the Hijri calendar: last day, next month's first.
    assert anniversary(born, 1446, HIJRI, FEB28) == date(2025, 3, 29)
    assert anniversary(born, 1446, HIJRI, MAR1) == date(2025, 3, 30)


def test_29_february_in_both_calendars() -> None:
    leapling = date(2004, 2, 29)
    assert age_on(leapling, date(2022, 2, 28), GREGORIAN, FEB28) == 18
    assert age_on(leapling, date(2022, 2, 28), GREGORIAN, MAR1) == 17
    assert age_on(leapling, date(2022, 3, 1), GREGORIAN, MAR1) == 18
    assert anniversary(leapling, 2023, GREGORIAN, MAR1) == date(2023, 3, 1)
    # In the Hijri calendar 29 February 2004 is an ordinary day (9 Muharram 1425).
    assert anniversary(leapling, 1443, HIJRI) == date(2021, 8, 17)
    assert age_on(leapling, date(2021, 8, 17), HIJRI) == 18
    assert age_on(leapling, date(2021, 8, 16), HIJRI) == 17


def test_hijri_dates_outside_the_tables_are_a_coded_error() -> None:
    first, last = supported_range(HIJRI)
    assert (first, last) == (date(1924, 8, 1), date(2077, 11, 16))
    with pytest.raises(CalendarRangeError) as caught:
        age_on(date(1920, 1, 1), date(2000, 1, 1), HIJRI)
    assert caught.value.code == "date_outside_calendar"
    assert caught.value.params["date"] == "1920-01-01"
    assert caught.value.params["calendar"] == HIJRI
    assert caught.value.params["field"] == "birth"
    with pytest.raises(CalendarRangeError) as caught:
        age_on(date(2000, 1, 1), date(2078, 1, 1), HIJRI)
    assert caught.value.params["field"] == "on"
    # The Gregorian calendar has no such limit.
    assert age_on(date(1920, 1, 1), date(2080, 1, 1), GREGORIAN) == 160


def test_an_unknown_calendar_is_a_coded_error() -> None:
    with pytest.raises(InputError) as caught:
        age_on(date(2000, 1, 1), date(2020, 1, 1), "julian")
    assert caught.value.code == "calendar_unknown"


@given(born=inside, on=inside, calendar=calendars, policy=policies)
def test_age_never_grows_with_a_later_birth(
    born: date, on: date, calendar: str, policy: str
) -> None:
    assert age_on(born + ONE_DAY, on, calendar, policy) <= age_on(born, on, calendar, policy)


@given(born=inside, on=inside, calendar=calendars, policy=policies)
def test_age_never_falls_with_a_later_reference_date(
    born: date, on: date, calendar: str, policy: str
) -> None:
    assert age_on(born, on + ONE_DAY, calendar, policy) >= age_on(born, on, calendar, policy)


@given(
    born=st.dates(min_value=date(1925, 1, 1), max_value=date(2030, 12, 31)),
    years=st.integers(1, 45),
    calendar=calendars,
    policy=policies,
)
def test_the_age_increments_exactly_on_the_anniversary(
    born: date, years: int, calendar: str, policy: str
) -> None:
    year = year_of(born, calendar) + years
    day = anniversary(born, year, calendar, policy)
    assert age_on(born, day, calendar, policy) == years
    assert age_on(born, day - ONE_DAY, calendar, policy) == years - 1


@given(
    start=inside,
    on=st.dates(min_value=date(1990, 1, 1), max_value=date(2076, 12, 31)),
    years=st.integers(0, 60),
    calendar=calendars,
    policy=policies,
)
def test_latest_start_is_the_threshold(
    start: date, on: date, years: int, calendar: str, policy: str
) -> None:
    cutoff = latest_start(on, years, calendar, policy)
    assert (start <= cutoff) == (age_on(start, on, calendar, policy) >= years)


@given(
    day=st.one_of(st.dates(max_value=date(1924, 7, 31)), st.dates(min_value=date(2077, 11, 17))),
    policy=policies,
)
def test_any_date_outside_the_hijri_tables_is_refused(day: date, policy: str) -> None:
    with pytest.raises(CalendarRangeError) as caught:
        age_on(day, date(2000, 1, 1), HIJRI, policy)
    assert caught.value.code == "date_outside_calendar"
    assert caught.value.params["date"] == day.isoformat()
