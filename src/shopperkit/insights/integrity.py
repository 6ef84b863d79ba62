"""Flags on evaluations that look unreliable, and a reliability score per shopper.

Each check looks at every evaluation and flags the ones it doubts, with a stable code and the
evidence. Flagged evaluations are reported and can be excluded from aggregates; nothing is
dropped silently.

``visit_too_short``
    submitted less than ``minimum_minutes`` after the visit began;
``duplicate_submission``
    the same shopper, centre, service, day and answers as an earlier evaluation;
``straight_lining``
    the same item score on every one of at least ``minimum_items`` rated questions;
``conflict_of_interest``
    the shopper works for the evaluated entity;
``score_outlier``
    an overall score far from other shoppers' at the same centre in the same week: a modified
    z-score (0.6745 times the distance from their median over their median absolute
    deviation; Iglewicz and Hoaglin) above ``outlier_z``, with at least ``outlier_peers`` peers.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from attrs import frozen

from shopperkit.messages import render
from shopperkit.model.evaluations import ScoredEvaluation
from shopperkit.model.programme import Programme
from shopperkit.scoring.batch import score_record

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

MAD_TO_Z = 0.6745
"""The median absolute deviation of a normal sample is 0.6745 standard deviations."""


@frozen
class Flag:
    """One doubt about one evaluation: a stable code and the evidence for it."""

    evaluation: str
    code: str
    evidence: Mapping[str, Any]

    def text(self, language: str = "en") -> str:
        """The flag explained in ``language``, filled from its evidence."""
        return render(self.code, self.evidence, language)


@frozen
class IntegrityPolicy:
    """Thresholds of the checks (programme parameters where a programme sets them)."""

    minimum_minutes: float = 5.0
    minimum_items: int = 5
    outlier_z: float = 3.5
    outlier_peers: int = 4

    @classmethod
    def of(cls, programme: Programme) -> IntegrityPolicy:
        """The thresholds a programme sets; the defaults above where it sets none."""
        default = cls()
        return cls(
            minimum_minutes=programme.number("integrity_minimum_minutes", default.minimum_minutes),
            minimum_items=programme.integer("integrity_minimum_items", default.minimum_items),
            outlier_z=programme.number("integrity_outlier_z", default.outlier_z),
            outlier_peers=programme.integer("integrity_outlier_peers", default.outlier_peers),
        )


def _answers_key(answers: Mapping[str, Any]) -> str:
    return repr(sorted((key, repr(value)) for key, value in answers.items()))


def _select(
    ordered: Sequence[float] | NDArray[np.float64], rank: int, skipped: Iterable[int]
) -> float:
    """The ``rank``-th (from 0) of ``ordered`` once the positions ``skipped`` (ascending)
    are left out."""
    for position in skipped:
        if position > rank:
            break
        rank += 1
    return float(ordered[rank])


def _median_without(
    ordered: Sequence[float] | NDArray[np.float64], skipped: Sequence[int]
) -> float:
    """The median of ``ordered`` (ascending) without the positions ``skipped`` (ascending),
    as :func:`statistics.median` gives it; 0 when nothing is left."""
    left = len(ordered) - len(skipped)
    if left <= 0:
        return 0.0
    if left % 2:
        return _select(ordered, left // 2, skipped)
    low, high = _select(ordered, left // 2 - 1, skipped), _select(ordered, left // 2, skipped)
    return (low + high) / 2


def _deviations(
    ordered: NDArray[np.float64], centre: float
) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
    """The absolute deviations of ``ordered`` from ``centre``, ascending, and the place each
    of ``ordered`` takes among them."""
    import numpy as np  # loaded when outliers are looked for, not on import

    deviations = np.abs(ordered - centre)
    order = np.argsort(deviations, kind="stable")
    rank = np.empty(len(ordered), dtype=np.intp)
    rank[order] = np.arange(len(ordered))
    return deviations[order], rank


def _middle_without_one(
    ordered: NDArray[np.float64], skipped: NDArray[np.intp]
) -> NDArray[np.float64]:
    """For each position in ``skipped``, the median of ``ordered`` (ascending, at least two
    long) without that one position."""
    left = len(ordered) - 1
    high = left // 2
    upper: NDArray[np.float64] = ordered[high + (skipped <= high)]
    if left % 2:
        return upper
    low = high - 1
    middle: NDArray[np.float64] = (ordered[low + (skipped <= low)] + upper) / 2
    return middle


def _peer_spreads(
    values: NDArray[np.float64], owners: NDArray[np.intp]
) -> tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.float64]]:
    """For each owner (0 to the largest in ``owners``): how many of ``values`` are others',
    their median and their median absolute deviation from it (1 when 0). Measured by leaving
    the owner's places out of the sorted scores, not by sorting each owner's peers anew; the
    owners of one score (most) all at once."""
    import numpy as np  # loaded when outliers are looked for, not on import

    order = np.argsort(values, kind="stable")
    ordered, by_place = values[order], owners[order]
    counts = np.bincount(owners)
    peers = len(values) - counts
    centres = np.zeros(len(counts))
    spreads = np.ones(len(counts))
    alone = np.flatnonzero(counts[by_place] == 1)  # places of the owners of one score
    if len(values) > 1 and len(alone):
        found = _middle_without_one(ordered, alone)
        centres[by_place[alone]] = found
        for centre in np.unique(found).tolist():
            at = alone[found == centre]
            deviations, rank = _deviations(ordered, centre)
            mad = _middle_without_one(deviations, rank[at])
            spreads[by_place[at]] = np.where(mad == 0, 1.0, mad)
    places: dict[int, list[int]] = defaultdict(list)
    for place in np.flatnonzero(counts[by_place] > 1).tolist():
        places[int(by_place[place])].append(place)
    values_list = ordered.tolist()
    cached: dict[float, tuple[NDArray[np.float64], NDArray[np.intp]]] = {}
    for owner, skipped in places.items():
        if peers[owner] <= 0:
            continue
        centre = _median_without(values_list, skipped)
        if centre not in cached:
            cached[centre] = _deviations(ordered, centre)
        deviations, rank = cached[centre]
        centres[owner] = centre
        spreads[owner] = _median_without(deviations, sorted(rank[skipped].tolist())) or 1.0
    return peers, centres, spreads


class IntegrityScan:
    """The integrity checks over evaluations given one at a time, as a file is read.

    The checks of one evaluation (too short, straight-lining, conflict of interest) run as it
    is added. For duplicates and outliers the scan keeps a few numbers per evaluation (a
    digest of what makes a duplicate, the shopper, the centre's week, the overall score) and,
    in :meth:`flags`, reads back only the evaluations that share a digest or stand out.
    """

    def __init__(
        self,
        policy: IntegrityPolicy | None = None,
        rated_questions: Iterable[str] = (),
        employers: Mapping[str, str] | None = None,
    ) -> None:
        self.policy = policy or IntegrityPolicy()
        self.rated = frozenset(rated_questions)
        self.employers = {shopper: e.casefold() for shopper, e in (employers or {}).items()}
        self.count = 0
        self._flags: list[tuple[int, Flag]] = []
        self._digests = array("q")
        self._scored = array("q")
        self._weeks = array("q")
        self._shoppers = array("q")
        self._overall = array("d")
        self._week_ids: dict[tuple[str, int, int], int] = {}
        self._shopper_ids: dict[str, int] = {}

    def add(
        self,
        record: Mapping[str, Any],
        visited: datetime,
        submitted: datetime | None,
        overall: float | None,
        rated: frozenset[str] | None = None,
    ) -> None:
        """Check one evaluation: a score record (``id``, ``shopper``, ``entity``, ``centre``,
        ``service``, ``items``), its visit and submission times, its overall score (None: not
        compared with its peers) and the questions straight-lining looks at when they are not
        the scan's own (its form's rating questions)."""
        index, self.count = self.count, self.count + 1
        policy, items, shopper = self.policy, record["items"], record["shopper"]
        if submitted is not None:
            minutes = (submitted - visited).total_seconds() / 60
            if 0 <= minutes < policy.minimum_minutes:
                evidence = {"minutes": round(minutes, 1), "minimum": policy.minimum_minutes}
                self._flags.append((index, Flag(record["id"], "visit_too_short", evidence)))
        rated = self.rated if rated is None else rated
        if rated:
            rating = list(map(items.get, rated))  # None: not answered, or not on the form
            if len(rating) - rating.count(None) >= policy.minimum_items:
                distinct = set(rating)
                distinct.discard(None)
                if len(distinct) == 1:
                    values = [v for k, v in items.items() if k in rated and v is not None]
                    evidence = {"items": len(values), "answer": values[0]}
                    flag = Flag(record["id"], "straight_lining", evidence)
                    self._flags.append((index, flag))
        employer = self.employers.get(shopper)
        if employer is not None and employer == record["entity"].casefold():
            evidence = {"entity": record["entity"]}
            self._flags.append((index, Flag(record["id"], "conflict_of_interest", evidence)))
        # Equal keys hash equal (1 == 1.0 too): the digest finds every candidate duplicate,
        # and the exact key decides among the few that share one.
        answers = frozenset(items.items())
        self._digests.append(
            hash((shopper, record["centre"], record["service"], visited.date(), answers))
        )
        if overall is not None:
            year, week, _ = visited.isocalendar()
            weeks, shoppers = self._week_ids, self._shopper_ids
            self._scored.append(index)
            self._weeks.append(weeks.setdefault((record["centre"], year, week), len(weeks)))
            self._shoppers.append(shoppers.setdefault(shopper, len(shoppers)))
            self._overall.append(overall)

    @property
    def shoppers(self) -> Iterable[str]:
        """The shoppers of the evaluations compared with their peers."""
        return self._shopper_ids.keys()

    def flags(self, record_at: Callable[[int], Mapping[str, Any]]) -> list[Flag]:
        """Every flag, ordered by evaluation id then code; ``record_at(i)`` gives back the
        ``i``-th evaluation added as a score record (for the few a cross check concerns)."""
        return [flag for _, flag in self.flagged(record_at)]

    def flagged(self, record_at: Callable[[int], Mapping[str, Any]]) -> list[tuple[int, Flag]]:
        """:meth:`flags`, each with the index of the evaluation it is on (in the order
        added)."""
        found = [*self._flags, *self._duplicates(record_at), *self._outliers(record_at)]
        return sorted(found, key=lambda pair: (pair[1].evaluation, pair[1].code))

    def _duplicates(self, record_at: Callable[[int], Mapping[str, Any]]) -> list[tuple[int, Flag]]:
        import numpy as np  # loaded when the checks end, not on import

        digests = np.frombuffer(self._digests, dtype=np.int64)
        order = np.argsort(digests, kind="stable")
        ordered = digests[order]
        shared = np.flatnonzero(ordered[1:] == ordered[:-1])
        candidates: dict[int, list[int]] = defaultdict(list)
        for index in sorted(set(shared.tolist()) | set((shared + 1).tolist())):
            candidates[int(ordered[index])].append(int(order[index]))
        flags = []
        for indices in candidates.values():
            records = []
            for index in indices:
                record = record_at(index)
                visited = datetime.fromisoformat(record["visited_at"])
                submitted = record["submitted_at"]
                when = visited if submitted is None else datetime.fromisoformat(submitted)
                records.append((when, record["id"], record, visited, index))
            first: dict[tuple[str, ...], str] = {}
            for _, id_, record, visited, index in sorted(records, key=lambda r: (r[0], r[1])):
                key = (
                    record["shopper"],
                    record["centre"],
                    record["service"],
                    visited.date().isoformat(),
                    _answers_key(record["items"]),
                )
                if key in first:
                    flag = Flag(id_, "duplicate_submission", {"first": first[key]})
                    flags.append((index, flag))
                else:
                    first[key] = id_
        return flags

    def _outliers(self, record_at: Callable[[int], Mapping[str, Any]]) -> list[tuple[int, Flag]]:
        import numpy as np  # loaded when the checks end, not on import

        if not self._overall:
            return []
        policy = self.policy
        weeks = np.frombuffer(self._weeks, dtype=np.int64)
        shoppers = np.frombuffer(self._shoppers, dtype=np.int64)
        overall = np.frombuffer(self._overall, dtype=np.float64)
        scored = np.frombuffer(self._scored, dtype=np.int64)
        by_week = np.argsort(weeks, kind="stable")
        bounds = np.flatnonzero(np.diff(weeks[by_week])) + 1
        flags = []
        for members in np.split(by_week, bounds):
            values = overall[members]
            _, owners = np.unique(shoppers[members], return_inverse=True)
            peers, centres, spreads = _peer_spreads(values, owners)
            peers, centres, spreads = peers[owners], centres[owners], spreads[owners]
            distances = MAD_TO_Z * np.abs(values - centres) / spreads
            # No one to differ from, or too few, is never an outlier.
            doubted = (peers > 0) & (peers >= policy.outlier_peers) & (distances > policy.outlier_z)
            for at in np.flatnonzero(doubted).tolist():
                evidence = {
                    "score": float(values[at]),
                    "peer_median": float(centres[at]),
                    "peers": int(peers[at]),
                    "modified_z": round(float(distances[at]), 2),
                }
                index = int(scored[members[at]])
                flags.append((index, Flag(record_at(index)["id"], "score_outlier", evidence)))
        return flags


def check_integrity(
    records: Iterable[ScoredEvaluation],
    *,
    overall: Mapping[str, float] | None = None,
    rated_questions: Iterable[str] = (),
    employers: Mapping[str, str] | None = None,
    policy: IntegrityPolicy | None = None,
) -> list[Flag]:
    """Every flag on ``records``, ordered by evaluation id then code.

    ``overall`` maps evaluation id to its overall score (for outliers), ``rated_questions``
    names the questions straight-lining looks at, ``employers`` maps shopper id to the entity
    they work for.
    """
    items = list(records)
    scan = IntegrityScan(policy, rated_questions, employers)
    scores = overall or {}
    for record in items:
        scan.add(
            score_record(record), record.visited_at, record.submitted_at, scores.get(record.id)
        )
    return scan.flags(lambda index: score_record(items[index]))


def reliability(records: Iterable[ScoredEvaluation], flags: Iterable[Flag]) -> dict[str, float]:
    """Per shopper, the share of their evaluations without a flag, smoothed towards 1.

    ``(clean + 1) / (total + 1)``: one flag among many evaluations weighs less than one flag
    in a shopper's first evaluation, and a shopper with no evaluations is not penalised.
    """
    flagged = {flag.evaluation for flag in flags}
    totals: dict[str, int] = defaultdict(int)
    clean: dict[str, int] = defaultdict(int)
    for record in records:
        totals[record.shopper] += 1
        clean[record.shopper] += record.id not in flagged
    return {
        shopper: round((clean[shopper] + 1) / (totals[shopper] + 1), 4)
        for shopper in sorted(totals)
    }
