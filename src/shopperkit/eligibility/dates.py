"""Ages and durations by calendar anniversary, with an explicit 29 February policy.

A person born on 29 February has, in a common year, their anniversary on 28 February
(policy ``feb28``, the default) or on 1 March (policy ``mar1``). A duration of full years
counts anniversaries reached on or before the reference date.
"""

from __future__ import annotations

from datetime import date, timedelta

FEB28 = "feb28"
MAR1 = "mar1"
_DAY = timedelta(days=1)


def anniversary(start: date, year: int, feb29_policy: str = FEB28) -> date:
    """The anniversary of ``start`` in ``year``."""
    try:
        return start.replace(year=year)
    except ValueError:  # 29 February in a common year
        return date(year, 2, 28) if feb29_policy == FEB28 else date(year, 3, 1)


def full_years(start: date, on: date, feb29_policy: str = FEB28) -> int:
    """Whole years from ``start`` to ``on`` (an age, when ``start`` is a birth date)."""
    years = on.year - start.year
    if anniversary(start, on.year, feb29_policy) > on:
        years -= 1
    return years


def latest_start(on: date, years: int, feb29_policy: str = FEB28) -> date:
    """The latest ``start`` with ``full_years(start, on) >= years``.

    Because ``full_years`` never grows as ``start`` moves later, ``start <= latest_start(...)``
    is the same test as ``full_years(start, on) >= years``, and costs one comparison.
    """
    try:
        candidate = on.replace(year=on.year - years)
    except ValueError:
        candidate = date(on.year - years, 2, 28)
    while full_years(candidate + _DAY, on, feb29_policy) >= years:
        candidate += _DAY
    while full_years(candidate, on, feb29_policy) < years:
        candidate -= _DAY
    return candidate
