"""Findings only where supported; recommendations from them; tracked status."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from shopperkit.errors import InputError
from shopperkit.insights.findings import (
    BELOW,
    DECLINING,
    FindingPolicy,
    GroupScores,
    against_baseline,
    trends,
)
from shopperkit.insights.recommendations import (
    BUILTIN_RULES,
    StatusChange,
    current_status,
    recommend,
)
from shopperkit.insights.stats import Sample
from shopperkit.io.status import append_status, read_status_log

BASELINE = {"waiting_time": Sample(2000, 70.0, 15.0), "reception": Sample(2000, 80.0, 12.0)}


def group(
    key: str, factor: str, count: int, mean: float, sd: float = 15.0, **kw: str
) -> GroupScores:
    level = kw.get("level", "centre")
    return GroupScores(
        level, key, kw.get("entity", "moi"), factor, Sample(count, mean, sd), kw.get("period", "")
    )


def test_only_supported_differences_are_findings() -> None:
    groups = [
        group("c1", "waiting_time", 60, 52.0),  # 18 points below with 60 evaluations
        group("c2", "waiting_time", 6, 30.0),  # far below, but too few evaluations
        group("c3", "waiting_time", 60, 68.0),  # within noise
        group("c4", "reception", 20, 73.0, sd=30.0),  # 7 below, not significant at this spread
        group("c5", "reception", 200, 88.0),  # above the baseline
    ]
    found = {(f.key, f.kind) for f in against_baseline(groups, BASELINE)}
    assert found == {("c1", BELOW), ("c5", "above_baseline")}


def test_a_small_but_significant_difference_must_also_matter() -> None:
    groups = [group("c1", "reception", 5000, 78.0, sd=5.0)]  # p tiny, gap 2 points
    assert against_baseline(groups, BASELINE) == []
    assert against_baseline(groups, BASELINE, FindingPolicy(minimum_difference=1.0))


def test_many_tests_do_not_manufacture_findings() -> None:
    # 7.5 points below with 20 evaluations: p is about 0.04, a finding when tested alone...
    borderline = group("c0", "waiting_time", 20, 62.5)
    assert [f.key for f in against_baseline([borderline], BASELINE)] == ["c0"]
    # ...but not when it is the smallest of forty p-values and the rest show nothing.
    others = [group(f"c{i}", "waiting_time", 20, 70.0) for i in range(1, 40)]
    assert against_baseline([borderline, *others], BASELINE) == []


def test_trends_compare_consecutive_periods() -> None:
    groups = [
        group("c1", "reception", 50, 82.0, period="2024-01"),
        group("c1", "reception", 50, 81.0, period="2024-02"),
        group("c1", "reception", 50, 66.0, period="2024-03"),
    ]
    found = trends(groups)
    assert [(f.kind, f.period) for f in found] == [(DECLINING, "2024-03")]
    assert found[0].reference.mean == 81.0


def test_recommendations_carry_evidence_text_and_priority() -> None:
    findings = against_baseline(
        [
            group("c1", "waiting_time", 60, 52.0),
            group("moi>mophp", "handoff", 40, 40.0, level="handoff"),
        ],
        {**BASELINE, "handoff": Sample(500, 65.0, 20.0)},
    )
    made = recommend(
        findings,
        BUILTIN_RULES,
        factor_names={"waiting_time": {"en": "Waiting time", "ar": "وقت الانتظار"}},
    )
    by_rule = {r.rule: r for r in made}
    assert set(by_rule) == {"improve_weak_factor", "fix_handoff"}
    weak = by_rule["improve_weak_factor"]
    assert weak.priority == "high"  # 18 points below
    assert weak.status == "open"
    assert "Waiting time" in weak.text["en"]
    assert "وقت الانتظار" in weak.text["ar"]
    assert weak.finding.sample.count == 60
    again = recommend(findings, BUILTIN_RULES)
    assert {r.id for r in again} == {r.id for r in made}  # ids are stable


def test_status_is_tracked_and_transitions_are_checked(tmp_path: Path) -> None:
    log = tmp_path / "status.jsonl"
    append_status(log, StatusChange("R-1", "accepted", date(2024, 4, 1), "moi"))
    append_status(log, StatusChange("R-2", "done", date(2024, 4, 2), "moi"))
    append_status(log, StatusChange("R-1", "done", date(2024, 5, 1), "moi"))
    assert current_status(read_status_log(log)) == {"R-1": "done", "R-2": "done"}
    with pytest.raises(InputError) as raised:
        append_status(log, StatusChange("R-1", "accepted", date(2024, 5, 2), "moi"))
    assert raised.value.code == "status_transition_refused"
    assert len(read_status_log(log)) == 3  # the refused change was not written
