"""What assignment reads and writes: shoppers, targets, the period, visits and unmet targets."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from attrs import frozen

from shopperkit.errors import InputError


@frozen
class Shopper:
    """An active shopper as assignment sees them."""

    id: str
    languages: tuple[str, ...]
    employer: str | None = None
    city: str | None = None


@frozen
class Target:
    """Visits required to one service at one centre, on one channel, in one week of the period.

    A target with a ``journey`` is an exploratory mission: one shopper starts with ``service``
    at ``centre`` and continues through each service of ``journey`` in turn, every one linked
    from the one before in the directory.
    """

    centre: str
    service: str
    week: int
    visits: int = 1
    channel: str = "visit"
    journey: tuple[str, ...] = ()

    @property
    def services(self) -> tuple[str, ...]:
        """Every service the visit or mission covers, in order."""
        return (self.service, *self.journey)


@frozen
class Period:
    """The days assigned, inclusive; week 1 starts on ``start``."""

    start: date
    end: date

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise InputError(
                "period_invalid", {"start": self.start.isoformat(), "to": self.end.isoformat()}
            )

    @property
    def weeks(self) -> int:
        """How many weeks (the last may be short)."""
        return (self.end - self.start).days // 7 + 1

    def days(self, week: int) -> list[date]:
        """The days of ``week`` (1-based) inside the period."""
        first = self.start + timedelta(days=7 * (week - 1))
        return [
            first + timedelta(days=n) for n in range(7) if first + timedelta(days=n) <= self.end
        ]


@frozen
class Visit:
    """One row of the schedule: who goes where, on which day, for which target."""

    shopper: str
    day: date
    week: int
    centre: str
    service: str
    channel: str
    journey: tuple[str, ...]
    target: int


@frozen
class Booked:
    """A visit made or planned outside the run being scheduled: who went or goes where, and
    on which day. A :class:`Visit` from an earlier schedule serves as well."""

    shopper: str
    centre: str
    day: date


@frozen
class Unmet:
    """A target not fully covered: how many visits are missing and why.

    ``reason`` is one code (``no_language``, ``conflict_of_interest``, ``load_cap``,
    ``lockout``, ``spacing``, ``too_few_shoppers``, ``excluded`` or ``several``);
    ``blocked`` counts the eligible shoppers held back by each constraint;
    ``recommendation`` names the recommendation a follow-up target serves (see
    :func:`shopperkit.insights.followup.serving`).
    """

    target: int
    centre: str
    service: str
    channel: str
    week: int
    journey: tuple[str, ...]
    required: int
    assigned: int
    reason: str
    blocked: Mapping[str, int]
    recommendation: str | None = None
