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

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from attrs import frozen

from shopperkit.messages import render
from shopperkit.model.evaluations import ScoredEvaluation
from shopperkit.model.programme import Programme

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


def _visit_too_short(records: Sequence[ScoredEvaluation], policy: IntegrityPolicy) -> list[Flag]:
    flags = []
    for record in records:
        if record.submitted_at is None:
            continue
        minutes = (record.submitted_at - record.visited_at).total_seconds() / 60
        if 0 <= minutes < policy.minimum_minutes:
            flags.append(
                Flag(
                    record.id,
                    "visit_too_short",
                    {"minutes": round(minutes, 1), "minimum": policy.minimum_minutes},
                )
            )
    return flags


def _answers_key(answers: Mapping[str, Any]) -> str:
    return repr(sorted((key, repr(value)) for key, value in answers.items()))


def _duplicates(records: Sequence[ScoredEvaluation]) -> list[Flag]:
    first: dict[tuple[str, ...], str] = {}
    flags = []
    for record in sorted(records, key=lambda r: (r.submitted_at or r.visited_at, r.id)):
        key = (
            record.shopper,
            record.centre,
            record.service,
            record.visited_at.date().isoformat(),
            _answers_key(record.items),
        )
        if key in first:
            flags.append(Flag(record.id, "duplicate_submission", {"first": first[key]}))
        else:
            first[key] = record.id
    return flags


def _straight_lining(
    records: Sequence[ScoredEvaluation], rated: frozenset[str], policy: IntegrityPolicy
) -> list[Flag]:
    flags = []
    for record in records:
        values = [
            value for key, value in record.items.items() if key in rated and value is not None
        ]
        if len(values) >= policy.minimum_items and len({repr(v) for v in values}) == 1:
            flags.append(
                Flag(record.id, "straight_lining", {"items": len(values), "answer": values[0]})
            )
    return flags


def _conflicts(records: Sequence[ScoredEvaluation], employers: Mapping[str, str]) -> list[Flag]:
    return [
        Flag(record.id, "conflict_of_interest", {"entity": record.entity})
        for record in records
        if employers.get(record.shopper, "").casefold() == record.entity.casefold()
    ]


def _median(values: NDArray[np.float64], ordered: bool = False) -> float:
    """The median of a non-empty array, as :func:`statistics.median` gives it."""
    import numpy as np  # loaded when outliers are looked for, not on import

    middle = len(values) // 2
    if not ordered:
        values = np.partition(values, (middle - 1, middle) if middle else middle)
    if len(values) % 2:
        return float(values[middle])
    return (float(values[middle - 1]) + float(values[middle])) / 2


def _peer_spread(
    values: NDArray[np.float64], owners: NDArray[np.intp], owner: int
) -> tuple[int, float, float]:
    """How many of ``values`` (in order) are not ``owner``'s, their median and their median
    absolute deviation from it (1 when none)."""
    import numpy as np  # loaded when outliers are looked for, not on import

    peers = values[owners != owner]
    if not len(peers):
        return 0, 0.0, 1.0
    centre = _median(peers, ordered=True)
    return len(peers), centre, _median(np.abs(peers - centre)) or 1.0


def _outliers(
    records: Sequence[ScoredEvaluation], overall: Mapping[str, float], policy: IntegrityPolicy
) -> list[Flag]:
    import numpy as np  # loaded when outliers are looked for, not on import

    groups: dict[tuple[str, int, int], list[ScoredEvaluation]] = defaultdict(list)
    for record in records:
        if record.id in overall:
            year, week, _ = record.visited_at.isocalendar()
            groups[(record.centre, year, week)].append(record)
    flags = []
    for members in groups.values():
        # A shopper's evaluations of one centre and week share their peers: measure once.
        values = np.array([overall[p.id] for p in members], dtype=np.float64)
        names, owners = np.unique([p.shopper for p in members], return_inverse=True)
        order = np.argsort(values, kind="stable")
        ordered, ordered_owners = values[order], owners[order]
        spreads = [_peer_spread(ordered, ordered_owners, owner) for owner in range(len(names))]
        for record, owner in zip(members, owners.tolist(), strict=True):
            peers, centre, spread = spreads[owner]
            if peers < policy.outlier_peers:
                continue
            distance = MAD_TO_Z * abs(overall[record.id] - centre) / spread
            if distance > policy.outlier_z:
                evidence = {
                    "score": overall[record.id],
                    "peer_median": centre,
                    "peers": peers,
                    "modified_z": round(distance, 2),
                }
                flags.append(Flag(record.id, "score_outlier", evidence))
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
    rules = policy or IntegrityPolicy()
    items = list(records)
    flags = [
        *_visit_too_short(items, rules),
        *_duplicates(items),
        *_straight_lining(items, frozenset(rated_questions), rules),
        *_conflicts(items, employers or {}),
        *_outliers(items, overall or {}, rules),
    ]
    return sorted(flags, key=lambda flag: (flag.evaluation, flag.code))


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
