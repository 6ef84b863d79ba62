"""Gregorian ages and durations by calendar anniversary, with an explicit 29 February policy.

A person born on 29 February has, in a common year, their anniversary on 28 February
(policy ``feb28``, the default) or on 1 March (policy ``mar1``). A duration of full years
counts anniversaries reached on or before the reference date. Other calendars, and the
same functions for them, are in :mod:`shopperkit.calendars`.
"""

from __future__ import annotations

from datetime import date

from shopperkit import calendars
from shopperkit.calendars import FEB28, GREGORIAN, MAR1

__all__ = ["FEB28", "MAR1", "anniversary", "full_years", "latest_start"]


def anniversary(start: date, year: int, feb29_policy: str = FEB28) -> date:
    """The anniversary of ``start`` in ``year``."""
    return calendars.anniversary(start, year, GREGORIAN, feb29_policy)


def full_years(start: date, on: date, feb29_policy: str = FEB28) -> int:
    """Whole years from ``start`` to ``on`` (an age, when ``start`` is a birth date)."""
    return calendars.age_on(start, on, GREGORIAN, feb29_policy)


def latest_start(on: date, years: int, feb29_policy: str = FEB28) -> date:
    """The latest ``start`` with ``full_years(start, on) >= years`` (see
    :func:`shopperkit.calendars.latest_start`)."""
    return calendars.latest_start(on, years, GREGORIAN, feb29_policy)
