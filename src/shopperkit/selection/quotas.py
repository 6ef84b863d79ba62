"""Quotas and the candidate pool they apply to.

A quota bounds how many seats go to one value of one feature (``nationality=local``): a
minimum and a maximum count of seats. Quotas come from a CSV with header
``feature,value,min,max`` (the Sortition Foundation's format; extra columns such as
``min_flex,max_flex`` are allowed; read, with the community's other layouts, by
:func:`shopperkit.io.quotas.read_quotas`) or from a
programme's parameters (:func:`quotas_for`).

Shares become seats by an explicit rule: a minimum share is rounded **up** (at least 50% of
49 seats is 25 seats) and a maximum share is rounded **down** (at most 30% of 49 seats is 14),
so a cohort meeting the seat counts always meets the shares.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from fractions import Fraction

from attrs import frozen

from shopperkit.errors import InputError, ProgrammeError
from shopperkit.io.files import csv_text
from shopperkit.model.pool import Pool
from shopperkit.model.programme import Programme

QUOTA_COLUMNS = ("feature", "value", "min", "max")
FLEX_COLUMNS = ("min_flex", "max_flex")

Profile = tuple[str, ...]
"""A candidate's value on every quota feature, in the order of :attr:`QuotaSet.features`."""


@frozen
class Quota:
    """At least ``min`` and at most ``max`` seats go to ``feature=value``.

    ``min_flex`` and ``max_flex``, when given, bound a proposed relaxation: the minimum may be
    lowered to ``min_flex`` at most, the maximum raised to ``max_flex`` at most.
    """

    feature: str
    value: str
    min: int
    max: int
    min_flex: int | None = None
    max_flex: int | None = None

    @property
    def key(self) -> str:
        """``feature=value``."""
        return f"{self.feature}={self.value}"


@frozen
class QuotaSet:
    """The seats to fill and every quota, in file order."""

    seats: int
    quotas: tuple[Quota, ...]

    @property
    def features(self) -> tuple[str, ...]:
        """The quota features, in order of first appearance."""
        return tuple(dict.fromkeys(quota.feature for quota in self.quotas))

    def values(self) -> dict[str, list[str]]:
        """Every known value of each feature, in file order."""
        known: dict[str, list[str]] = defaultdict(list)
        for quota in self.quotas:
            known[quota.feature].append(quota.value)
        return dict(known)

    def csv(self) -> str:
        """The quotas as a canonical CSV (``feature,value,min,max,min_flex,max_flex``)."""
        rows = [
            {
                "feature": q.feature,
                "value": q.value,
                "min": q.min,
                "max": q.max,
                "min_flex": "" if q.min_flex is None else q.min_flex,
                "max_flex": "" if q.max_flex is None else q.max_flex,
            }
            for q in self.quotas
        ]
        return csv_text((*QUOTA_COLUMNS, *FLEX_COLUMNS), rows)


def min_seats(share: Fraction, seats: int) -> int:
    """Seats a minimum share needs: rounded up, so the share is always met."""
    return math.ceil(share * seats)


def max_seats(share: Fraction, seats: int) -> int:
    """Seats a maximum share allows: rounded down, so the share is never exceeded."""
    return math.floor(share * seats)


def parse_share(text: str) -> Fraction | None:
    """``"50%"`` or ``"0.5"`` as an exact fraction; None when ``text`` is not a share."""
    if not _SHARE.fullmatch(text):
        return None  # also keeps "0.1e999999999" from costing any arithmetic
    try:
        share = Fraction(text[:-1]) / 100 if text.endswith("%") else Fraction(text)
    except (ValueError, ZeroDivisionError):
        return None
    return share if 0 <= share <= 1 else None


MAX_SEATS = 1_000_000_000
"""Largest whole number of seats a quota bound may give."""
_SHARE = re.compile(r"[0-9]{1,12}(\.[0-9]{1,12})?%?|\.[0-9]{1,12}%?")


def bound_seats(text: str, seats: int, minimum: bool) -> int | None:
    """A bound in seats: a whole number up to :data:`MAX_SEATS`, or a share turned into seats
    (``50%``, ``0.5``); None for anything else."""
    if text.isascii() and text.isdigit():
        return int(text) if len(text) <= 10 and int(text) <= MAX_SEATS else None
    if "%" in text or "." in text:
        share = parse_share(text)
        if share is not None:
            return min_seats(share, seats) if minimum else max_seats(share, seats)
    return None


def quotas_from_programme(
    programme: Programme, pool_values: Mapping[str, Iterable[str]], seats: int | None = None
) -> QuotaSet:
    """Quotas a programme states through its parameters.

    ``pool_values`` gives each column's value in every pool row (repeats count). The
    parameter ``seats`` is the cohort size (the argument ``seats``, when given, stands in for
    it); ``citizen_share`` is the minimum share of ``residency=citizen``. Every other
    diversity dimension is capped per value by ``dimension_max_share`` (a share per
    dimension), else ``value_max_share``, else not at all; ``dimension_min_seats`` (seats per
    dimension) is a floor for every value of that dimension, lowered to the value's pool count
    when the pool has fewer. Every value found in the pool gets a row, so no candidate is left
    without a quota.
    """
    where = f"programme {programme.id}"
    if seats is None:
        seats = programme.integer("seats")
    if seats < 1:
        raise InputError("seats_invalid", {"value": seats}, where=where)
    citizen = Fraction(str(programme.number("citizen_share", 0.0)))
    cap = Fraction(str(programme.number("value_max_share", 1.0)))
    dimensions = programme.strings("diversity_dimensions")
    caps = programme.numbers("dimension_max_share")
    floors = programme.numbers("dimension_min_seats")
    for name, table in (("dimension_max_share", caps), ("dimension_min_seats", floors)):
        for dimension in table:
            if dimension not in dimensions or dimension == "residency":
                raise ProgrammeError(
                    "quota_dimension_unknown",
                    {"name": name, "dimension": dimension, "known": dimensions},
                    where=where,
                )
    quotas: list[Quota] = []
    for feature in dimensions:
        counts = Counter(pool_values.get(feature, ()))
        if feature == "residency":
            quotas.extend(
                Quota(feature, value, min_seats(citizen, seats) if value == "citizen" else 0, seats)
                for value in sorted(counts)
            )
            continue
        high = max_seats(Fraction(str(caps.get(feature, cap))), seats)
        floor = int(floors.get(feature, 0))
        if counts and floor > high:
            raise ProgrammeError(
                "dimension_floor_above_cap",
                {"dimension": feature, "min": floor, "max": high},
                where=where,
            )
        quotas.extend(
            Quota(feature, value, min(floor, counts[value]), high) for value in sorted(counts)
        )
    return QuotaSet(seats, tuple(quotas))


def quotas_for(programme: Programme, pool: Pool, seats: int | None = None) -> QuotaSet:
    """The quotas ``programme`` sets for ``pool`` (see :func:`quotas_from_programme`);
    ``seats``, when given, replaces the programme's ``seats``."""
    return quotas_from_programme(
        programme, {dimension: pool.column(dimension) for dimension in pool.dimensions}, seats
    )
