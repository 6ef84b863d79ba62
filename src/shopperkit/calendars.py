"""Ages and durations by anniversary in the calendar the law uses.

Two calendars: ``gregorian`` and ``hijri_umm_al_qura`` (Saudi Arabia's Umm al-Qura
calendar, through the ``hijridate`` package). Dates go in and come out as Gregorian
:class:`~datetime.date`; a count of years is made in the chosen calendar: someone is ``n``
years old from the day their ``n``-th anniversary *in that calendar* falls.

An anniversary can fall on a day a month does not have. In the Gregorian calendar that is
29 February in a common year: policy ``feb28`` puts it on 28 February, ``mar1`` on 1 March.
In the Hijri calendar a month has 29 or 30 days, so someone born on the 30th has no 30th in
a 29-day month: policy ``day29`` (the default, like ``feb28``) puts the anniversary on the
29th, the month's last day; ``next_month_day1`` (like ``mar1``) on the 1st of the next month.
Either policy may be given for either calendar: ``feb28`` and ``day29`` both mean the month's
last day, ``mar1`` and ``next_month_day1`` both mean the next month's first day.

The Umm al-Qura tables cover Gregorian dates from 1924-08-01 to 2077-11-16 (Hijri 1343 to
1500); a Hijri count that needs a date outside them raises :class:`CalendarRangeError`
(code ``date_outside_calendar``).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from shopperkit.errors import InputError

GREGORIAN = "gregorian"
HIJRI_UMM_AL_QURA = "hijri_umm_al_qura"
CALENDARS = (GREGORIAN, HIJRI_UMM_AL_QURA)
"""The calendars ages and periods can be counted in."""

FEB28 = "feb28"
MAR1 = "mar1"
DAY29 = "day29"
NEXT_MONTH_DAY1 = "next_month_day1"
LAST_DAY_POLICIES = frozenset({FEB28, DAY29})
"""Policies that put a missing anniversary on the month's last day."""
POLICIES = (FEB28, MAR1, DAY29, NEXT_MONTH_DAY1)

_DAY = timedelta(days=1)


class CalendarRangeError(InputError):
    """A date the calendar's tables do not cover (code ``date_outside_calendar``)."""


def supported_range(calendar: str) -> tuple[date, date]:
    """The first and last Gregorian dates ``calendar`` can count from and to."""
    if calendar == GREGORIAN:
        return date.min, date.max
    _check_calendar(calendar)
    from hijridate.ummalqura import GREGORIAN_RANGE

    first, last = GREGORIAN_RANGE
    return date(*first), date(*last)


def _check_calendar(calendar: str) -> None:
    if calendar not in CALENDARS:
        raise InputError("calendar_unknown", {"calendar": calendar, "known": list(CALENDARS)})


def _out_of_range(day: date | str, calendar: str, field: str) -> CalendarRangeError:
    first, last = supported_range(calendar)
    params: dict[str, Any] = {
        "field": field,
        "date": day.isoformat() if isinstance(day, date) else day,
        "calendar": calendar,
        "first": first.isoformat(),
        "last": last.isoformat(),
    }
    return CalendarRangeError("date_outside_calendar", params)


@lru_cache(maxsize=1 << 16)
def _hijri_of(day: date) -> tuple[int, int, int]:
    from hijridate import Gregorian

    return Gregorian.fromdate(day).to_hijri().datetuple()


def _to_hijri(day: date, field: str) -> tuple[int, int, int]:
    try:
        return _hijri_of(day)
    except OverflowError:
        raise _out_of_range(day, HIJRI_UMM_AL_QURA, field) from None


@lru_cache(maxsize=1 << 16)
def _hijri_anniversary(
    birth: tuple[int, int, int], year: int, policy: str, field: str = "anniversary"
) -> date:
    from hijridate import Hijri

    _, month, day = birth
    try:
        length = Hijri(year, month, 1).month_length()
        if day > length:
            if policy in LAST_DAY_POLICIES:
                day = length
            else:
                year, month, day = (year + 1, 1, 1) if month == 12 else (year, month + 1, 1)
        gregorian = Hijri(year, month, day).to_gregorian()
        return date(gregorian.year, gregorian.month, gregorian.day)  # a plain date
    except OverflowError:
        hijri = f"{year:04d}-{month:02d}-{day:02d} (Hijri)"
        raise _out_of_range(hijri, HIJRI_UMM_AL_QURA, field) from None


def _gregorian_anniversary(start: date, year: int, policy: str) -> date:
    try:
        return start.replace(year=year)
    except ValueError:  # 29 February in a common year
        return date(year, 2, 28) if policy in LAST_DAY_POLICIES else date(year, 3, 1)


def anniversary(start: date, year: int, calendar: str = GREGORIAN, policy: str = FEB28) -> date:
    """The anniversary of ``start`` in ``year`` of ``calendar`` (a Hijri year for Hijri),
    as a Gregorian date."""
    if calendar == GREGORIAN:
        return _gregorian_anniversary(start, year, policy)
    _check_calendar(calendar)
    return _hijri_anniversary(_to_hijri(start, "start"), year, policy, "year")


def year_of(day: date, calendar: str = GREGORIAN) -> int:
    """The year ``day`` falls in, in ``calendar``."""
    if calendar == GREGORIAN:
        return day.year
    _check_calendar(calendar)
    return _to_hijri(day, "day")[0]


def age_on(birth: date, on: date, calendar: str = GREGORIAN, policy: str = FEB28) -> int:
    """Whole years from ``birth`` to ``on`` in ``calendar``: an age, or a duration when
    ``birth`` is any start date. Negative when ``on`` is before the first anniversary.

    A date outside the calendar's tables raises :class:`CalendarRangeError` whose ``field``
    parameter says which argument (``birth`` or ``on``) it was."""
    if calendar == GREGORIAN:
        years = on.year - birth.year
        if _gregorian_anniversary(birth, on.year, policy) > on:
            years -= 1
        return years
    _check_calendar(calendar)
    start = _to_hijri(birth, "birth")
    year = _to_hijri(on, "on")[0]
    years = year - start[0]
    if _hijri_anniversary(start, year, policy, "on") > on:
        years -= 1
    return years


def latest_start(on: date, years: int, calendar: str = GREGORIAN, policy: str = FEB28) -> date:
    """The latest ``start`` with ``age_on(start, on) >= years``.

    Because ``age_on`` never grows as ``start`` moves later, ``start <= latest_start(...)``
    is the same test as ``age_on(start, on) >= years``, and costs one comparison.
    """
    if calendar == GREGORIAN:
        candidate = _gregorian_anniversary(on, on.year - years, FEB28)
    else:
        _check_calendar(calendar)
        hijri = _to_hijri(on, "on")
        candidate = _hijri_anniversary(
            (hijri[0] - years, hijri[1], hijri[2]), hijri[0] - years, DAY29
        )
    while age_on(candidate + _DAY, on, calendar, policy) >= years:
        candidate += _DAY
    while age_on(candidate, on, calendar, policy) < years:
        candidate -= _DAY
    return candidate


__all__ = [
    "CALENDARS",
    "DAY29",
    "FEB28",
    "GREGORIAN",
    "HIJRI_UMM_AL_QURA",
    "MAR1",
    "NEXT_MONTH_DAY1",
    "POLICIES",
    "CalendarRangeError",
    "age_on",
    "anniversary",
    "latest_start",
    "supported_range",
    "year_of",
]
