"""Insights from Python: scored evaluations or merged aggregates in, a report as strings out."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopperkit.errors import InputError
from shopperkit.insights import Insights, insights, report_aggregates
from shopperkit.io.convert import from_data
from shopperkit.io.schemas import problems
from shopperkit.io.scores import ScoresFile, write_scored
from shopperkit.model import ScoredEvaluation
from shopperkit.registry import Registry
from shopperkit.scoring import Aggregates, score
from tests.test_report import records

SECRET = b"a-test-secret-of-enough-length"


def scored() -> list[ScoredEvaluation]:
    return [from_data(ScoredEvaluation, row) for row in records()]


def test_insights_find_the_weak_centre_and_the_failing_handoff() -> None:
    found = insights(scored(), secret=SECRET, k=5, programme="qatar-cgb")
    assert isinstance(found, Insights)
    made = {(r.rule, r.finding.key, r.finding.factor) for r in found.recommendations}
    assert ("improve_weak_factor", "moi-c2", "waiting_time") in made
    assert ("fix_handoff", "moi>mophp", "handoff") in made
    assert found.evaluations == 900
    assert found.excluded == len({flag.evaluation for flag in found.flags})
    assert problems("recommendations", found.recommendations_data()) == []


def test_the_report_is_strings_in_each_language() -> None:
    found = insights(scored(), secret=SECRET, k=5, programme="qatar-cgb")
    arabic = found.report("ar")
    assert 'dir="rtl"' in arabic.html()
    assert arabic.markdown().startswith("# ")
    english = found.report("en").markdown()
    assert "moi" in english
    assert all("shopper-" not in text for text in (english, arabic.html()))


def test_aggregates_merged_from_parts_give_the_report_of_the_whole() -> None:
    evaluations = scored()
    whole = insights(evaluations, secret=SECRET, k=5, exclude_flagged=False)
    first = report_aggregates(evaluations[:400], (), secret=SECRET)
    second = report_aggregates(evaluations[400:], (), secret=SECRET)
    merged = insights(first.merge(second), k=5)
    assert merged.evaluations == whole.evaluations
    assert merged.withheld == whole.withheld
    assert [(g.level, g.key, g.factor, g.period) for g in merged.groups] == [
        (g.level, g.key, g.factor, g.period) for g in whole.groups
    ]
    for ours, theirs in zip(merged.groups, whole.groups, strict=True):
        assert ours.sample.count == theirs.sample.count
        assert math.isclose(ours.sample.mean, theirs.sample.mean, rel_tol=1e-9)
        assert math.isclose(ours.sample.stdev, theirs.sample.stdev, rel_tol=1e-6)
    assert [r.id for r in merged.recommendations] == [r.id for r in whole.recommendations]
    assert merged.flags == ()  # integrity needs each evaluation


def test_small_groups_are_withheld_by_shoppers_too() -> None:
    evaluations = [e for e in scored() if e.shopper in {"shopper-01", "shopper-02"}]
    found = insights(evaluations, secret=SECRET, k=3)
    assert found.groups == ()
    assert found.withheld > 0


def test_aggregates_grouped_otherwise_are_refused_with_a_code() -> None:
    with pytest.raises(InputError) as raised:
        insights(Aggregates(["entity"]), k=5)
    assert raised.value.code == "aggregates_not_for_report"
    assert raised.value.message("ar") != raised.value.message("en")


def test_evaluations_need_a_pseudonym_secret() -> None:
    with pytest.raises(InputError) as raised:
        insights(scored()[:3])
    assert raised.value.code == "pseudonym_secret_missing"


def test_a_scores_file_read_twice_gives_the_report_of_the_evaluations_in_memory(
    tmp_path: Path,
) -> None:
    """The streaming path (integrity, then tallies, from the file) and the models in memory
    make the same insights, to the last bit: same flags, groups, findings, comments."""
    from shopperkit_uae.synthetic import generate_evaluations

    registry = Registry()
    programme = registry.programme("uae")
    form = registry.form("uae-visit")
    evaluations = list(generate_evaluations(form, 3000, seed=11))
    evaluations[7] = {**evaluations[6], "id": "copy-of-6"}  # a duplicate submission
    scored = score(evaluations, registry)
    write_scored(tmp_path, scored)
    options: dict[str, Any] = {
        "programme": programme,
        "secret": SECRET,
        "plugins": registry.plugins,
        "directory": registry.directory(programme),
        "employers": {scored.evaluations[0].shopper: scored.evaluations[0].entity},
    }
    from_memory = insights(scored, (form,), **options)
    from_file = insights(ScoresFile(tmp_path / "scores.jsonl"), (form,), **options)
    assert from_file == from_memory
    codes = {flag.code for flag in from_file.flags}
    assert {"duplicate_submission", "conflict_of_interest"} <= codes
    assert from_file.groups
    assert from_file.comments


def test_the_league_table_gives_each_place_its_change_from_the_month_before() -> None:
    """The change column is the last month's mean minus the month before's, as computed
    here from the evaluations themselves (none left out)."""
    evaluations = scored()
    found = insights(evaluations, secret=SECRET, k=5, programme="qatar-cgb", exclude_flagged=False)
    last, before = found.months[-1], found.months[-2]
    [league] = [t for t in found.report("en").tables() if t.name == "league"]
    assert league.header[-1] == f"change since {before}"
    rows = {(row[0], row[1]): row[-1] for row in league.rows}
    checked = 0
    for level in ("entity", "centre"):
        for place in {getattr(e, level) for e in evaluations}:

            def month_of(month: str, level: str = level, place: str = place) -> list[Any]:
                return [
                    e
                    for e in evaluations
                    if getattr(e, level) == place and e.visited_at.strftime("%Y-%m") == month
                ]

            months = [month_of(last), month_of(before)]
            if any(len(m) < 5 or len({e.shopper for e in m}) < 5 for m in months):
                assert rows[(level, place)] == "\u2013"  # a month too small to publish
                continue
            now, then = (sum(e.overall for e in m) / len(m) for m in months)
            change = round(now - then, 1) or 0.0
            assert rows[(level, place)] == ("+" if change > 0 else "") + f"{change:.1f}"
            checked += 1
    assert checked >= 3


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    short=st.sets(st.integers(0, 299), max_size=60),
    shoppers=st.lists(st.integers(0, 11), min_size=300, max_size=300),
    k=st.integers(2, 6),
)
def test_excluding_flagged_evaluations_tallies_exactly_the_ones_kept(
    short: set[int], shoppers: list[int], k: int
) -> None:
    """Reports tally every evaluation as they read, then take the flagged ones back out:
    the same groups, counts, scores and withholding as tallying only the evaluations kept.
    Few shoppers per place (12 in all) put groups on both sides of k."""
    rows = []
    for index, row in enumerate(records()[:300]):
        row = {**row, "shopper": f"s-{shoppers[index]}"}
        if index in short:  # submitted a minute after the visit began: flagged too short
            row["submitted_at"] = row["visited_at"][:-2] + "59"
        rows.append(from_data(ScoredEvaluation, row))
    found = insights(rows, secret=SECRET, k=k)
    flagged = {flag.evaluation for flag in found.flags}
    assert {rows[index].id for index in short} <= flagged
    kept = [row for row in rows if row.id not in flagged]
    alone = insights(kept, secret=SECRET, k=k, exclude_flagged=False)
    assert found.evaluations - found.excluded == alone.evaluations == len(kept)
    assert found.withheld == alone.withheld

    def table(result: Insights) -> dict[tuple[str, ...], tuple[int, float, float]]:
        return {
            (g.level, g.key, g.factor, g.period): (g.sample.count, g.sample.mean, g.sample.stdev)
            for g in result.groups
        }

    ours, theirs = table(found), table(alone)
    assert ours.keys() == theirs.keys()
    for key, (count, mean, std) in ours.items():
        assert count == theirs[key][0]
        assert math.isclose(mean, theirs[key][1], rel_tol=1e-9, abs_tol=1e-9)
        assert math.isclose(std, theirs[key][2], rel_tol=1e-6, abs_tol=1e-6)
