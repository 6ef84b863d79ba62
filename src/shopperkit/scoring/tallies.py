"""Mergeable tallies: count, mean and spread of scores, grouped by any set of keys.

A :class:`Tally` keeps count, mean and the sum of squared deviations (Welford); two tallies
merge with Chan's formula, which is associative, so scores can be tallied in parts (processes,
files, a distributed engine's partitions) and merged into the one-pass result.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import cache
from itertools import islice
from typing import Any

from shopperkit.errors import InputError
from shopperkit.insights.stats import Sample, t_quantile
from shopperkit.model.evaluations import ScoredEvaluation

GROUP_KEYS = ("entity", "centre", "service", "channel", "language", "day", "week", "month")
"""What aggregates can be grouped by; day, week and month are of ``visited_at`` (its own offset)."""


AGGREGATIONS = ("mean", "pooled")
"""How a group's score is made (the programme parameter ``aggregation``): the mean of its
evaluations' scores, or their summed earned points over their summed possible points."""


class Tally:
    """Count, mean and sum of squared deviations of a stream of numbers.

    ``shoppers``, when kept (not None), is the set of shoppers behind the numbers, so a
    report can withhold a group of too few shoppers; merging joins the sets. ``earned`` and
    ``possible`` are the sums of the scores' points, when given, for the pooled score.
    """

    __slots__ = ("count", "earned", "m2", "mean", "possible", "shoppers")

    def __init__(
        self,
        count: int = 0,
        mean: float = 0.0,
        m2: float = 0.0,
        shoppers: set[str] | None = None,
        earned: float = 0.0,
        possible: float = 0.0,
    ) -> None:
        self.count, self.mean, self.m2, self.shoppers = count, mean, m2, shoppers
        self.earned, self.possible = earned, possible

    def add(
        self, value: float, shopper: str | None = None, points: Mapping[str, float] | None = None
    ) -> None:
        """Take one more number (Welford's update), its shopper when shoppers are kept, and
        its ``points`` (``earned`` and ``possible``) when given."""
        self.count += 1
        delta = value - self.mean
        self.mean += delta / self.count
        self.m2 += delta * (value - self.mean)
        if shopper is not None and self.shoppers is not None:
            self.shoppers.add(shopper)
        if points is not None:
            self.earned += points["earned"]
            self.possible += points["possible"]

    def remove(self, value: float, points: Mapping[str, float] | None = None) -> None:
        """Take back one number :meth:`add` took (Welford's update reversed) and its points;
        the shoppers are the caller's to correct."""
        count = self.count = self.count - 1
        if count == 0:
            self.mean = self.m2 = 0.0
        else:
            mean = self.mean - (value - self.mean) / count
            self.m2 = max(self.m2 - (value - mean) * (value - self.mean), 0.0)
            self.mean = mean
        if points is not None:
            self.earned -= points["earned"]
            self.possible -= points["possible"]

    def merge(self, other: Tally, enough: int | None = None) -> Tally:
        """A new tally of both streams (Chan's parallel formula); with ``enough``, it keeps
        at most that many of the shoppers (enough to tell whether there are that many)."""
        count = self.count + other.count
        shoppers = (
            None
            if self.shoppers is None and other.shoppers is None
            else _joined(self.shoppers or set(), other.shoppers or set(), enough)
        )
        earned, possible = self.earned + other.earned, self.possible + other.possible
        if count == 0:
            return Tally(shoppers=shoppers, earned=earned, possible=possible)
        delta = other.mean - self.mean
        mean = self.mean + delta * other.count / count
        m2 = self.m2 + other.m2 + delta * delta * self.count * other.count / count
        return Tally(count, mean, m2, shoppers, earned, possible)

    @property
    def pooled(self) -> float | None:
        """Summed earned over summed possible points, on 0 to 100 (None with nothing
        possible)."""
        return 100.0 * self.earned / self.possible if self.possible > 0.0 else None

    def score(self, aggregation: str = "mean") -> float:
        """The group's score: the mean, or with ``"pooled"`` the pooled score (the mean when
        no points were tallied)."""
        if aggregation == "pooled":
            pooled = self.pooled
            return self.mean if pooled is None else pooled
        return self.mean

    def sample(self, aggregation: str = "mean") -> Sample:
        """Count, score (:meth:`score`) and the scores' sample standard deviation, as
        findings test them."""
        return Sample(self.count, self.score(aggregation), self.std)

    @property
    def std(self) -> float:
        """The sample standard deviation (0 below two numbers)."""
        return math.sqrt(max(self.m2, 0.0) / (self.count - 1)) if self.count > 1 else 0.0

    def summary(self, aggregation: str = "mean") -> dict[str, Any]:
        """Count, mean, standard deviation and the 95% t interval of the mean; with
        ``"pooled"`` also the summed points and the pooled score."""
        low, high = _interval(self.count, self.mean, self.std)
        data: dict[str, Any] = {
            "count": self.count,
            "mean": self.mean,
            "std": self.std,
            "ci95": [low, high],
        }
        if aggregation == "pooled":
            data["earned"], data["possible"] = self.earned, self.possible
            data["pooled"] = self.pooled
        return data

    def __repr__(self) -> str:
        return (
            f"Tally(count={self.count}, mean={self.mean!r}, m2={self.m2!r}, "
            f"earned={self.earned!r}, possible={self.possible!r})"
        )


def _joined(first: set[str], second: set[str], enough: int | None) -> set[str]:
    """Both sets of shoppers, cut to ``enough`` of them when that many are known."""
    if enough is not None:
        for known in (first, second):
            if len(known) >= enough:
                return set(islice(known, enough))
        joined = first | second
        return set(islice(joined, enough)) if len(joined) > enough else joined
    return first | second


def _least(first: int | None, second: int | None) -> int | None:
    return second if first is None else first if second is None else min(first, second)


def _interval(count: int, mean: float, std: float) -> tuple[float, float]:
    if count < 2:
        return (mean, mean)
    half = _t975(count - 1) * std / math.sqrt(count)
    return (mean - half, mean + half)


@cache
def _t975(df: int) -> float:
    return t_quantile(0.975, df)


def check_keys(keys: Sequence[str]) -> tuple[str, ...]:
    """The group keys, refused with an :class:`InputError` when one is unknown."""
    unknown = [key for key in keys if key not in GROUP_KEYS]
    if unknown:
        raise InputError(
            "value_not_allowed",
            {"value": ",".join(unknown), "allowed": ", ".join(GROUP_KEYS)},
            where="--by",
        )
    return tuple(keys)


def group_value(record: Mapping[str, Any], key: str) -> str:
    """The value of group ``key`` for a score record."""
    if key == "month":  # visited_at is checked to be extended ISO 8601: YYYY-MM-DDT...
        return str(record["visited_at"][:7])
    if key == "day":
        return str(record["visited_at"][:10])
    if key == "week":
        year, week, _ = date.fromisoformat(record["visited_at"][:10]).isocalendar()
        return f"{year:04d}-W{week:02d}"
    return str(record[key])


def scored_group_value(scored: ScoredEvaluation, key: str) -> str:
    """The value of group ``key`` for a scored evaluation (as :func:`group_value`)."""
    if key == "month":
        return scored.visited_at.strftime("%Y-%m")
    if key == "day":
        return scored.visited_at.date().isoformat()
    if key == "week":
        year, week, _ = scored.visited_at.isocalendar()
        return f"{year:04d}-W{week:02d}"
    return str(getattr(scored, key))


def model_points(scored: ScoredEvaluation) -> dict[str, Mapping[str, float] | None] | None:
    """A scored evaluation's points by score name (its sections and ``overall``)."""
    if scored.points is None:
        return None
    named: dict[str, Mapping[str, float] | None] = {
        name: None if p is None else {"earned": p.earned, "possible": p.possible}
        for name, p in scored.points.sections.items()
    }
    overall = scored.points.overall
    named["overall"] = {"earned": overall.earned, "possible": overall.possible}
    return named


class Aggregates:
    """Tallies of named scores (the overall and every section score), per group of ``keys``.

    Associative and mergeable: tally parts anywhere, then :meth:`merge` them. With
    ``shoppers=True`` each tally also keeps the shoppers behind it, as reports need to
    withhold small groups; with ``enough_shoppers`` (a report's k) only that many of them, so
    a year of evaluations keeps small sets and still tells whether a group reaches k.
    """

    def __init__(
        self,
        keys: Sequence[str] = (),
        *,
        shoppers: bool = False,
        aggregation: str = "mean",
        enough_shoppers: int | None = None,
    ) -> None:
        if aggregation not in AGGREGATIONS:
            raise InputError(
                "value_not_allowed",
                {"value": aggregation, "allowed": ", ".join(AGGREGATIONS)},
                where="aggregation",
            )
        self.keys = check_keys(keys)
        self.shoppers = shoppers
        self.aggregation = aggregation
        self.enough_shoppers = enough_shoppers
        self.groups: dict[tuple[str, ...], dict[str, Tally]] = {}

    def add(self, record: Mapping[str, Any] | ScoredEvaluation) -> None:
        """Tally one scored evaluation, as a model or a score record (``overall`` and
        ``sections``)."""
        if isinstance(record, ScoredEvaluation):
            group = tuple(scored_group_value(record, key) for key in self.keys)
            scores = dict(record.sections)
            scores["overall"] = record.overall
            shopper = record.shopper if self.shoppers else None
            self.add_scores(group, scores, shopper, model_points(record))
            return
        keys = self.keys
        group = tuple([group_value(record, key) for key in keys]) if keys else ()
        scores = record["sections"].copy()
        scores["overall"] = record["overall"]
        points, named = record.get("points"), None
        if points is not None:
            named = points["sections"].copy()
            named["overall"] = points["overall"]
        self.add_scores(group, scores, record["shopper"] if self.shoppers else None, named)

    def add_scores(
        self,
        group: tuple[str, ...],
        scores: Mapping[str, float | None],
        shopper: str | None = None,
        points: Mapping[str, Mapping[str, float] | None] | None = None,
    ) -> None:
        """Tally named scores in one group (values of ``keys``, in order); None is skipped.

        ``points``: the scores' earned and possible points by the same names, when known.
        """
        if len(group) != len(self.keys):
            raise ValueError(f"a group of {self.keys} needs {len(self.keys)} values")
        tallies = self.groups.get(group)
        if tallies is None:
            tallies = self.groups[group] = {}
        kept, enough = self.shoppers, self.enough_shoppers
        track = shopper is not None and kept
        for name, value in scores.items():
            if value is None:
                continue
            tally = tallies.get(name)
            if tally is None:
                tally = tallies[name] = Tally(shoppers=set() if kept else None)
            # Tally.add written out: this is the hot path of every report and score run.
            count = tally.count = tally.count + 1
            mean = tally.mean
            delta = value - mean
            tally.mean = mean = mean + delta / count
            tally.m2 += delta * (value - mean)
            if track:
                known: set[str] = tally.shoppers  # type: ignore[assignment]
                if enough is None or len(known) < enough:
                    known.add(shopper)  # type: ignore[arg-type]  # track: not None
            if points is not None:
                got = points.get(name)
                if got is not None:
                    tally.earned += got["earned"]
                    tally.possible += got["possible"]

    def merge(self, other: Aggregates) -> Aggregates:
        """A new set of aggregates holding both."""
        if (
            other.keys != self.keys
            or other.shoppers != self.shoppers
            or other.aggregation != self.aggregation
        ):
            raise ValueError("aggregates grouped by different keys cannot be merged")
        enough = _least(self.enough_shoppers, other.enough_shoppers)
        merged = Aggregates(
            self.keys,
            shoppers=self.shoppers,
            aggregation=self.aggregation,
            enough_shoppers=enough,
        )
        for source in (self, other):
            for group, tallies in source.groups.items():
                into = merged.groups.setdefault(group, {})
                for name, tally in tallies.items():
                    into[name] = (
                        into[name].merge(tally, enough)
                        if name in into
                        else tally.merge(Tally(), enough)
                    )
        return merged

    def to_data(self, section_ids: Iterable[str] = ()) -> dict[str, Any]:
        """The ``aggregates.json`` document (``aggregates.schema.json``), groups sorted."""
        order = {name: i for i, name in enumerate(section_ids)}
        groups = []
        for group in sorted(self.groups):
            tallies = self.groups[group]
            sections = sorted(
                (n for n in tallies if n != "overall"), key=lambda n: (order.get(n, len(order)), n)
            )
            if "overall" not in tallies:
                continue
            groups.append(
                {
                    "key": dict(zip(self.keys, group, strict=True)),
                    "overall": tallies["overall"].summary(self.aggregation),
                    "sections": {
                        name: tallies[name].summary(self.aggregation) for name in sections
                    },
                }
            )
        head: dict[str, Any] = {"by": list(self.keys)}
        if self.aggregation != "mean":
            head["aggregation"] = self.aggregation
        return {**head, "groups": groups}
