"""Pooled points: every score record's earned and possible points, and groups scored by them."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopperkit.errors import InputError
from shopperkit.forms import form_from_data
from shopperkit.insights import insights
from shopperkit.io.documents import parse_document
from shopperkit.model import Programme
from shopperkit.scoring import Aggregates, Scoring, Tally, score
from tests.helpers import with_parameter

FORM = """
id: counter-visit
version: "1"
title: {en: "Counter visit"}
languages: [en]
fallback_language: en
policy: {aggregation: points_ratio}
sections:
  - id: reception
    weight: 40
    title: {en: "Reception"}
    questions:
      - {id: greeted, type: yes_no, weight: 40, text: {en: "Greeted?"},
         options: [{value: "yes", points: 1}, {value: "no", points: 0}]}
      - {id: wait, type: duration, weight: 60, text: {en: "Minutes waited"},
         bands: [{upto: 10, points: 100}, {upto: 20, points: 60}, {upto: 45, points: 20},
                 {points: 0}]}
  - id: service
    weight: 60
    title: {en: "Service"}
    questions:
      - {id: courtesy, type: likert, weight: 50, critical: true, text: {en: "Courtesy"},
         options: [{value: 1, points: 0}, {value: 2, points: 25}, {value: 3, points: 50},
                   {value: 4, points: 75}, {value: 5, points: 100}]}
      - {id: clarity, type: choice, weight: 30, na_allowed: true, text: {en: "Clear?"},
         options: [{value: clear, points: 2}, {value: partly, points: 1},
                   {value: unclear, points: 0}]}
      - {id: payment, type: multi_choice, weight: 20, required: false, text: {en: "Pay by"},
         options: [{value: card, points: 50}, {value: app, points: 30},
                   {value: cash, points: 20}]}
      - {id: extra_help, type: yes_no, weight: 10, bonus: true, required: false,
         text: {en: "Unasked help?"},
         options: [{value: "yes", points: 1}, {value: "no", points: 0}]}
"""
FIRST = {
    "greeted": "yes",
    "wait": 12,
    "courtesy": 4,
    "clarity": "partly",
    "payment": ["card", "cash"],
    "extra_help": "yes",
}
SECOND = {"greeted": "no", "wait": 30, "courtesy": 5, "clarity": "na"}


def form(**policy: str) -> Any:
    data = parse_document(FORM, "counter-visit.yaml")
    data["policy"] = {**data["policy"], **policy}
    return form_from_data(data, where="counter-visit.yaml")


def record(number: int, answers: dict[str, Any], centre: str = "c-1") -> dict[str, Any]:
    return {
        "id": f"e-{number}",
        "form": "counter-visit",
        "shopper": f"s-{number}",
        "entity": "ent-1",
        "centre": centre,
        "service": "svc-1",
        "channel": "app",
        "language": "en",
        "visited_at": "2026-03-01T09:30:00+04:00",
        "answers": answers,
    }


def both_paths(scoring: Scoring, data: dict[str, Any]) -> dict[str, Any]:
    fast, exact = scoring.score_data(data), scoring.exact(data)
    assert isinstance(fast, dict)
    assert isinstance(exact, dict)
    assert fast == exact
    return fast


def test_points_by_hand_points_ratio() -> None:
    scoring = Scoring([form()])
    first = both_paths(scoring, record(1, FIRST))["points"]
    # reception 40 x 1 + 60 x 60 of 40 x 1 + 60 x 100; service 50 x 75 + 30 x 1 + 20 x 70
    # + 10 x 1 (bonus) of 50 x 100 + 30 x 2 + 20 x 100.
    assert first["sections"]["reception"] == pytest.approx({"earned": 3640, "possible": 6040})
    assert first["sections"]["service"] == pytest.approx({"earned": 5190, "possible": 7060})
    assert first["overall"] == pytest.approx({"earned": 8830, "possible": 13100})
    second = both_paths(scoring, record(2, SECOND))["points"]
    # N/A (excluded) and unanswered items add to neither.
    assert second["sections"]["service"] == pytest.approx({"earned": 5000, "possible": 5000})
    assert second["overall"] == pytest.approx({"earned": 6200, "possible": 11040})


def test_points_by_hand_weighted_mean() -> None:
    scoring = Scoring([form(aggregation="weighted_mean")])
    points = both_paths(scoring, record(1, FIRST))["points"]
    # Weights: 40 + 60 in reception, 50 + 30 + 20 in service, 40 + 60 overall.
    assert points["sections"]["reception"] == pytest.approx({"earned": 76.0, "possible": 100})
    assert points["sections"]["service"] == pytest.approx({"earned": 76.5, "possible": 100})
    assert points["overall"] == pytest.approx({"earned": 76.3, "possible": 100})
    na = both_paths(scoring, record(2, SECOND))["points"]
    assert na["sections"]["service"] == pytest.approx({"earned": 50.0, "possible": 50})


@pytest.mark.parametrize(
    ("critical", "service", "overall"),
    [("zero_section", 0.0, 3640.0), ("zero_overall", 1440.0, 0.0), ("flag_only", 1440.0, None)],
)
def test_points_of_a_critical_failure(critical: str, service: float, overall: float | None) -> None:
    scoring = Scoring([form(critical=critical)])
    points = both_paths(scoring, record(1, {**FIRST, "courtesy": 1}))["points"]
    assert points["sections"]["service"]["earned"] == pytest.approx(service)
    assert points["sections"]["service"]["possible"] == pytest.approx(7060)
    assert points["overall"]["earned"] == pytest.approx(3640 + 1440 if overall is None else overall)


def test_pooled_group_scores_by_hand() -> None:
    records = [record(1, FIRST), record(2, SECOND)]
    pooled = score(records, [form()], aggregation="pooled").document()
    mean = score(records, [form()]).document()
    assert "aggregation" not in mean
    assert "pooled" not in mean["groups"][0]["overall"]
    assert pooled["aggregation"] == "pooled"
    overall = pooled["groups"][0]["overall"]
    assert overall["pooled"] == pytest.approx(100 * 15030 / 24140)
    assert overall["mean"] == pytest.approx((100 * 8830 / 13100 + 100 * 6200 / 11040) / 2)
    assert overall["mean"] == mean["groups"][0]["overall"]["mean"]
    service = pooled["groups"][0]["sections"]["service"]
    assert service["pooled"] == pytest.approx(100 * 10190 / 12060)


def test_score_lines_pool_as_models_do() -> None:
    scoring = Scoring([form()])
    lines = [json.dumps(record(n, a)) for n, a in ((1, FIRST), (2, SECOND))]
    from_lines = Aggregates(aggregation="pooled")
    for result in scoring.lines(lines, "e.jsonl"):
        assert isinstance(result, dict)
        from_lines.add(result)
    overall = from_lines.to_data()["groups"][0]["overall"]
    assert overall["pooled"] == pytest.approx(100 * 15030 / 24140)
    assert overall["earned"] == pytest.approx(15030)
    assert overall["possible"] == pytest.approx(24140)


def test_report_group_scores_follow_the_programme(qatar: Programme) -> None:
    # Six shoppers at one centre: e-1's answers three times, e-2's three times.
    records = [record(n, FIRST if n % 2 else SECOND) for n in range(1, 7)]
    scored = score(records, [form()])
    scores = {}
    for aggregation in ("mean", "pooled"):
        programme = with_parameter(qatar, "aggregation", aggregation)
        found = insights(
            scored, [form()], programme=programme, secret=b"s" * 32, k=1, exclude_flagged=False
        )
        scores[aggregation] = {
            g.factor: g.sample.mean for g in found.groups if g.level == "centre" and not g.period
        }
    assert scores["mean"]["service"] == pytest.approx((100 * 5190 / 7060 + 100) / 2)
    assert scores["pooled"]["service"] == pytest.approx(100 * 10190 / 12060)
    assert scores["pooled"]["reception"] == pytest.approx(100 * 4840 / 12080)


def test_an_unknown_aggregation_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        Aggregates(aggregation="median")
    assert caught.value.code == "value_not_allowed"


_points = st.tuples(st.floats(0.0, 100.0), st.floats(0.5, 1e4)).map(
    lambda pair: (pair[0], {"earned": pair[0] * pair[1] / 100.0, "possible": pair[1]})
)


@given(
    scores=st.lists(st.tuples(st.sampled_from(["c-1", "c-2"]), _points), min_size=1),
    cuts=st.lists(st.integers(0, 200), max_size=4),
    reverse=st.booleans(),
)
def test_pooled_is_summed_points_over_any_split_and_merge_order(
    scores: list[tuple[str, tuple[float, dict[str, float]]]], cuts: list[int], reverse: bool
) -> None:
    def tallied(part: list[tuple[str, tuple[float, dict[str, float]]]]) -> Aggregates:
        aggregates = Aggregates(["centre"], aggregation="pooled")
        for centre, (value, points) in part:
            aggregates.add_scores((centre,), {"overall": value}, None, {"overall": points})
        return aggregates

    bounds = sorted({0, len(scores), *(c % (len(scores) + 1) for c in cuts)})
    parts = [tallied(scores[a:b]) for a, b in itertools.pairwise(bounds)]
    if reverse:
        parts.reverse()
    merged = parts[0]
    for part in parts[1:]:
        merged = part.merge(merged) if reverse else merged.merge(part)
    whole = tallied(scores)
    for centre in {c for c, _ in scores}:
        mine = [(v, p) for c, (v, p) in scores if c == centre]
        tally: Tally = merged.groups[(centre,)]["overall"]
        earned = sum(p["earned"] for _, p in mine)
        possible = sum(p["possible"] for _, p in mine)
        assert tally.pooled == pytest.approx(100 * earned / possible, rel=1e-9, abs=1e-9)
        assert tally.score("pooled") == pytest.approx(100 * earned / possible, abs=1e-9)
        # The mean is untouched by the points.
        assert tally.mean == pytest.approx(sum(v for v, _ in mine) / len(mine), abs=1e-9)
        assert tally.score() == tally.mean
        assert tally.mean == pytest.approx(whole.groups[(centre,)]["overall"].mean, abs=1e-9)
