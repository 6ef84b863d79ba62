"""Integrity flags: each check catches its case and leaves honest evaluations alone."""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta
from typing import Any

from attrs import evolve
from hypothesis import given, settings
from hypothesis import strategies as st

from shopperkit.insights.integrity import (
    MAD_TO_Z,
    IntegrityPolicy,
    check_integrity,
    reliability,
)
from shopperkit.model.evaluations import ScoredEvaluation

START = datetime(2024, 3, 4, 10, 0)  # a Monday


def Record(ident: str, shopper: str, **changes: Any) -> ScoredEvaluation:
    """A scored evaluation at centre c1 of entity moi, changed as asked."""
    scored = ScoredEvaluation(
        id=ident,
        form="visit",
        form_version="1",
        programme=None,
        shopper=shopper,
        entity="moi",
        centre="c1",
        service="s1",
        channel="visit",
        language="en",
        visited_at=START,
        submitted_at=START + timedelta(minutes=40),
        comment="",
        overall=70.0,
        sections={"desk": 70.0},
        items={"q1": 75.0, "q2": 50.0, "q3": 100.0, "q4": 25.0, "q5": 75.0},
        handoffs={},
        failed_critical=(),
        band=None,
    )
    return evolve(scored, **changes)


RATED = ("q1", "q2", "q3", "q4", "q5")


def codes(records: list[ScoredEvaluation], **kwargs: Any) -> set[tuple[str, str]]:
    return {
        (f.evaluation, f.code) for f in check_integrity(records, rated_questions=RATED, **kwargs)
    }


def test_honest_evaluations_are_not_flagged() -> None:
    records = [Record(f"e{i}", f"s{i}", visited_at=START + timedelta(hours=i)) for i in range(6)]
    overall = {r.id: 70.0 + i for i, r in enumerate(records)}
    assert codes(records, overall=overall, employers={"s1": "health"}) == set()


def test_each_check_catches_its_case() -> None:
    base = Record("e0", "s0")
    records = [
        base,
        evolve(base, id="quick", shopper="s1", submitted_at=START + timedelta(minutes=2)),
        evolve(base, id="again", submitted_at=START + timedelta(minutes=50)),
        evolve(base, id="flat", shopper="s2", items=dict.fromkeys(RATED, 100.0)),
        evolve(base, id="insider", shopper="s3"),
    ]
    found = codes(records, employers={"s3": "MOI"})
    assert found == {
        ("quick", "visit_too_short"),
        ("again", "duplicate_submission"),
        ("flat", "straight_lining"),
        ("insider", "conflict_of_interest"),
    }


def test_an_outlier_among_peers_at_the_same_centre_and_week() -> None:
    records = [Record(f"e{i}", f"s{i}", visited_at=START + timedelta(days=i % 5)) for i in range(6)]
    overall = {"e0": 80.0, "e1": 82.0, "e2": 78.0, "e3": 81.0, "e4": 79.0, "e5": 10.0}
    assert codes(records, overall=overall) == {("e5", "score_outlier")}
    # The same low score in another week has no peers to differ from.
    moved = [*records[:5], evolve(records[5], visited_at=START + timedelta(days=14))]
    assert codes(moved, overall=overall) == set()


def test_reliability_is_the_smoothed_clean_share() -> None:
    records = [Record("a", "s1"), Record("b", "s1", centre="c2"), Record("c", "s2")]
    hurried = Record("d", "s2", centre="c3", submitted_at=START + timedelta(minutes=1))
    flags = check_integrity([*records, hurried])
    assert [(f.evaluation, f.code) for f in flags] == [("d", "visit_too_short")]
    scores = reliability([*records, hurried], flags)
    assert scores == {"s1": 1.0, "s2": round(2 / 3, 4)}


def reference_outliers(
    records: list[ScoredEvaluation], overall: dict[str, float], policy: IntegrityPolicy
) -> set[tuple[str, float, int, float]]:
    """Outliers as their definition reads: each evaluation against every other shopper's
    scores at its centre and week, their median and MAD measured by sorting them anew."""
    found = set()
    for record in records:
        year, week, _ = record.visited_at.isocalendar()
        peers = sorted(
            overall[other.id]
            for other in records
            if other.shopper != record.shopper
            and other.centre == record.centre
            and other.visited_at.isocalendar()[:2] == (year, week)
        )
        if not peers or len(peers) < policy.outlier_peers:
            continue
        centre = statistics.median(peers)
        spread = statistics.median(abs(p - centre) for p in peers) or 1.0
        distance = MAD_TO_Z * abs(overall[record.id] - centre) / spread
        if distance > policy.outlier_z:
            found.add((record.id, centre, len(peers), round(distance, 2)))
    return found


def reference_duplicates(records: list[ScoredEvaluation]) -> set[tuple[str, str]]:
    """Duplicates as their definition reads: (evaluation, first) for every evaluation with
    the same shopper, centre, service, day and answers as an earlier one."""
    found = set()
    ordered = sorted(records, key=lambda r: (r.submitted_at or r.visited_at, r.id))
    for index, record in enumerate(ordered):
        for earlier in ordered[:index]:
            if (
                (earlier.shopper, earlier.centre, earlier.service)
                == (record.shopper, record.centre, record.service)
                and earlier.visited_at.date() == record.visited_at.date()
                and {k: repr(v) for k, v in earlier.items.items()}
                == {k: repr(v) for k, v in record.items.items()}
            ):
                found.add((record.id, earlier.id))
                break
    return found


@st.composite
def crowded_weeks(draw: st.DrawFn) -> list[ScoredEvaluation]:
    """Evaluations by few shoppers at few centres over two weeks, scores and answers often
    equal, so that peers, ties, repeated shoppers and duplicates all occur."""
    count = draw(st.integers(1, 40))
    records = []
    for index in range(count):
        answer = draw(st.sampled_from([0.0, 50.0, 100.0]))
        records.append(
            Record(
                f"e{index:02d}",
                draw(st.sampled_from(["s1", "s2", "s3", "s4", "s5", "s6"])),
                centre=draw(st.sampled_from(["c1", "c2"])),
                visited_at=START + timedelta(days=draw(st.integers(0, 9))),
                submitted_at=START + timedelta(days=10, minutes=draw(st.integers(0, 3))),
                overall=draw(st.sampled_from([10.0, 55.0, 60.0, 62.5, 65.0, 70.0, 95.0])),
                items={"q1": answer, "q2": draw(st.sampled_from([answer, 25.0]))},
            )
        )
    return records


@given(crowded_weeks(), st.integers(0, 6), st.sampled_from([1.0, 2.0, 3.5]))
@settings(max_examples=300, deadline=None)
def test_outliers_and_duplicates_match_their_definitions(
    records: list[ScoredEvaluation], peers: int, z: float
) -> None:
    policy = IntegrityPolicy(outlier_peers=peers, outlier_z=z, minimum_minutes=0)
    overall = {r.id: r.overall for r in records}
    flags = check_integrity(records, overall=overall, policy=policy)
    outliers = {
        (f.evaluation, f.evidence["peer_median"], f.evidence["peers"], f.evidence["modified_z"])
        for f in flags
        if f.code == "score_outlier"
    }
    assert outliers == reference_outliers(records, overall, policy)
    duplicates = {
        (f.evaluation, f.evidence["first"]) for f in flags if f.code == "duplicate_submission"
    }
    assert duplicates == reference_duplicates(records)
