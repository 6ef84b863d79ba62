"""Integrity flags: each check catches its case and leaves honest evaluations alone."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from attrs import evolve

from shopperkit.insights.integrity import check_integrity, reliability
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
