"""The constraints a schedule respects, and who may serve which target.

Static constraints depend only on the shopper and the target: the shopper speaks a language
of every service on the way, and works for none of the entities involved (conflict of
interest). Dynamic constraints depend on the schedule so far and are kept in a :class:`Book`:
the load cap, one shopper per target visit, the lockout on returning to a centre, and the
minimum spacing between one shopper's visits.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from attrs import frozen

from shopperkit.assignment.model import Shopper, Target
from shopperkit.errors import ProgrammeError
from shopperkit.model.programme import Programme
from shopperkit.model.services import Directory

LOCKOUT_DAYS = "visit_lockout_days"
SPACING_DAYS = "visit_spacing_days"
LOAD_CAP = "visit_load_cap"
VISIT_WEEKDAYS = "visit_weekdays"

LOAD_CAP_REASON = "load_cap"
ON_TARGET_REASON = "too_few_shoppers"
LOCKOUT_REASON = "lockout"
SPACING_REASON = "spacing"
CLOSED_REASON = "closed"


_COUNTS = {LOCKOUT_DAYS: "lockout_days", SPACING_DAYS: "spacing_days", LOAD_CAP: "load_cap"}
"""Programme parameter -> field of :class:`Limits`, for the counts that may not be negative."""

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
"""Day names, in the order of :meth:`datetime.date.weekday`."""


@frozen
class Limits:
    """The programme's assignment parameters: lockout and spacing in days, visits per shopper,
    and the days of the week centres receive visits (other channels take any day).

    Spacing and lockout follow the SASSIE convention: a visit on day ``d`` blocks the days
    ``d - n`` to ``d + n``, both included, for that shopper (spacing, ``n = spacing_days``)
    or for that shopper at that centre (lockout, ``n = lockout_days``). So two visits of one
    shopper are at least ``spacing_days + 1`` days apart, and 0 means only "never two on
    one day".
    """

    lockout_days: int = 28
    spacing_days: int = 2
    load_cap: int = 12
    visit_weekdays: tuple[str, ...] = WEEKDAYS

    @classmethod
    def of(cls, programme: Programme) -> Limits:
        """The limits a programme sets, with these defaults where it sets none."""
        default = cls()
        weekdays = programme.strings(VISIT_WEEKDAYS, default.visit_weekdays)
        for name in weekdays:
            if name not in WEEKDAYS:
                raise ProgrammeError(
                    "value_not_allowed",
                    {"value": name, "allowed": list(WEEKDAYS)},
                    where=f"programme {programme.id}: $.parameters.{VISIT_WEEKDAYS}.value",
                )
        counts = {
            name: programme.integer(name, getattr(default, field))
            for name, field in _COUNTS.items()
        }
        for name, value in counts.items():
            if value < 0:
                raise ProgrammeError(
                    "parameter_negative",
                    {"name": name, "value": value},
                    where=f"programme {programme.id}: $.parameters.{name}.value",
                )
        return cls(
            lockout_days=counts[LOCKOUT_DAYS],
            spacing_days=counts[SPACING_DAYS],
            load_cap=counts[LOAD_CAP],
            visit_weekdays=weekdays,
        )

    def open_days(self, days: Sequence[date], channel: str) -> list[date]:
        """The ``days`` a visit on ``channel`` may happen: working days for ``visit``."""
        if channel != "visit":
            return list(days)
        return [day for day in days if WEEKDAYS[day.weekday()] in self.visit_weekdays]


class Eligibility:
    """Static eligibility: which shoppers may serve which target, by classes of equal shoppers.

    Shoppers with the same languages and the same employing entity are interchangeable for
    the static constraints, so eligibility is decided per class, once per kind of target.
    """

    def __init__(self, shoppers: Sequence[Shopper], directory: Directory) -> None:
        self.services = {service.id: service for service in directory.services}
        self.centres = {centre.id: centre for centre in directory.centres}
        names: dict[str, str] = {}
        for entity in directory.entities:
            names[entity.id.casefold()] = entity.id
            for name in entity.name.values():
                names.setdefault(name.casefold(), entity.id)
        self.employer_entity = [
            names.get(shopper.employer.casefold()) if shopper.employer else None
            for shopper in shoppers
        ]
        keys: dict[tuple[frozenset[str], str | None], int] = {}
        self.class_of: list[int] = []
        self.classes: list[list[int]] = []
        self.class_keys: list[tuple[frozenset[str], str | None]] = []
        for index, shopper in enumerate(shoppers):
            key = (frozenset(shopper.languages), self.employer_entity[index])
            if key not in keys:
                keys[key] = len(self.classes)
                self.classes.append([])
                self.class_keys.append(key)
            self.class_of.append(keys[key])
            self.classes[keys[key]].append(index)
        self._memo: dict[
            tuple[tuple[frozenset[str], ...], frozenset[str]], tuple[list[int], list[int]]
        ] = {}

    def languages(self, target: Target) -> tuple[frozenset[str], ...]:
        """For each service on the way, the languages it is given in."""
        return tuple(frozenset(self.services[name].languages) for name in target.services)

    def entities(self, target: Target) -> frozenset[str]:
        """Every entity a visit or mission evaluates: the centre's and each service's."""
        found = {self.centres[target.centre].entity}
        found.update(self.services[name].entity for name in target.services)
        return frozenset(found)

    def classes_for(self, target: Target) -> tuple[list[int], list[int]]:
        """Classes that speak a language of every service, and of those the ones without a
        conflict of interest."""
        key = (self.languages(target), self.entities(target))
        found = self._memo.get(key)
        if found is None:
            needed, entities = key
            speaking = [
                number
                for number, (spoken, _) in enumerate(self.class_keys)
                if all(spoken & languages for languages in needed)
            ]
            clear = [number for number in speaking if self.class_keys[number][1] not in entities]
            found = self._memo[key] = (speaking, clear)
        return found


class Book:
    """The schedule under construction: each shopper's load, days, and days per centre."""

    def __init__(self, limits: Limits, size: int) -> None:
        self.limits = limits
        self.load = [0] * size
        self.days: list[list[int]] = [[] for _ in range(size)]
        self.centre_days: defaultdict[tuple[int, str], list[int]] = defaultdict(list)
        self.visits: list[dict[int, int]] = [{} for _ in range(size)]
        """Per shopper: target number -> day (ordinal) of the visit."""

    @staticmethod
    def _near(days: list[int], day: int, gap: int) -> bool:
        """Whether some day in the sorted ``days`` is at most ``gap`` days from ``day``.

        A visit on day ``d`` blocks ``d - gap`` to ``d + gap``, both included (the SASSIE
        convention); a gap of 0 blocks the day of the visit itself.
        """
        if not days:
            return False
        at = bisect_left(days, day - gap)
        return at < len(days) and days[at] <= day + gap

    def day_blocker(self, shopper: int, centre: str, day: int) -> str | None:
        """Why ``shopper`` cannot visit ``centre`` on ``day``: lockout, spacing, or None."""
        if self._near(self.centre_days.get((shopper, centre), []), day, self.limits.lockout_days):
            return LOCKOUT_REASON
        if self._near(self.days[shopper], day, self.limits.spacing_days):
            return SPACING_REASON
        return None

    def free_day(self, shopper: int, centre: str, days: Sequence[int]) -> int | None:
        """The first of ``days`` ``shopper`` may visit ``centre`` on, ignoring the load cap."""
        for day in days:
            if self.day_blocker(shopper, centre, day) is None:
                return day
        return None

    def blocker(self, shopper: int, target: int, centre: str, days: Sequence[int]) -> str | None:
        """The first constraint that keeps ``shopper`` from ``target``; None when none does."""
        if self.load[shopper] >= self.limits.load_cap:
            return LOAD_CAP_REASON
        if target in self.visits[shopper]:
            return ON_TARGET_REASON
        reasons = {self.day_blocker(shopper, centre, day) for day in days}
        if None in reasons:
            return None
        return LOCKOUT_REASON if LOCKOUT_REASON in reasons else SPACING_REASON

    def add(self, shopper: int, target: int, centre: str, day: int) -> None:
        """Book ``shopper`` for ``target`` at ``centre`` on ``day``."""
        self.load[shopper] += 1
        insort(self.days[shopper], day)
        insort(self.centre_days[(shopper, centre)], day)
        self.visits[shopper][target] = day

    def hold(self, shopper: int, centre: str, day: int, *, counts: bool) -> None:
        """A visit booked outside this run: it blocks days for ``shopper`` (spacing) and at
        ``centre`` (lockout), and counts against the load cap when ``counts``. It is never
        released."""
        insort(self.days[shopper], day)
        insort(self.centre_days[(shopper, centre)], day)
        if counts:
            self.load[shopper] += 1

    def remove(self, shopper: int, target: int, centre: str) -> int:
        """Undo :meth:`add`; returns the day that was booked."""
        day = self.visits[shopper].pop(target)
        self.load[shopper] -= 1
        self.days[shopper].remove(day)
        self.centre_days[(shopper, centre)].remove(day)
        return day


def ordinals(days: Sequence[date]) -> list[int]:
    """Days as ordinals, which the book compares."""
    return [day.toordinal() for day in days]
