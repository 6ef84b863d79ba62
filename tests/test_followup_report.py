"""Follow-ups in the report: recommendations taken up, measured again by generated repeat
visits whose true effect is known, shown per entity and for the programme."""

from __future__ import annotations

import json
import math
import random
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from attrs import evolve
from hypothesis import given, settings
from hypothesis import strategies as st

from shopperkit.insights import Insights, insights, report_aggregates
from shopperkit.insights.followup import (
    IMPROVED,
    NO_SUPPORTED_CHANGE,
    NOT_ENOUGH_VISITS,
    AfterTallies,
    Followup,
    FollowupPolicy,
    followups,
    verdicts,
)
from shopperkit.insights.formats import table_csv
from shopperkit.insights.recommendations import StatusChange
from shopperkit.insights.stats import Sample
from shopperkit.io.schemas import problems
from shopperkit.io.scores import ScoresFile
from shopperkit.model.evaluations import ScoredEvaluation, ScorePoints, points_from_data
from shopperkit.scoring.batch import score_record

SECRET = b"a-test-secret-of-enough-length"
START = date(2024, 1, 1)
TAKEN_UP = date(2024, 4, 1)
"""c1 and c2 take their recommendations up on this day; the window opens 30 days later."""
POLICY = FollowupPolicy(delay_days=30, window_days=90)
HOSTILE = "<script>alert(1)</script> | `tick` [link](javascript:alert(2))"


def visits(seed: int = 5) -> list[ScoredEvaluation]:
    """Three centres of moi, two visits a day each for 210 days. Waiting at c1 scores 45
    before the window and 75 (as everywhere) in it: a true change of +30. Courtesy at c2
    scores 50 throughout: no change; so does signage at c3."""
    rng = random.Random(seed)
    window_opens = TAKEN_UP + timedelta(days=POLICY.delay_days)
    made: list[ScoredEvaluation] = []
    for offset in range(210):
        day = START + timedelta(days=offset)
        for centre in ("c1", "c2", "c3"):
            for visit in range(2):
                waiting = 45.0 if centre == "c1" and day < window_opens else 75.0
                courtesy = 50.0 if centre == "c2" else 75.0
                sections = {
                    "waiting": min(100.0, max(0.0, rng.gauss(waiting, 8))),
                    "courtesy": min(100.0, max(0.0, rng.gauss(courtesy, 8))),
                    "signage": min(100.0, max(0.0, rng.gauss(50 if centre == "c3" else 75, 8))),
                }
                at = datetime(day.year, day.month, day.day, 9 + 3 * visit)
                made.append(
                    ScoredEvaluation(
                        id=f"E{len(made)}",
                        form="visit",
                        form_version="1",
                        programme=None,
                        shopper=f"S{rng.randrange(40)}",
                        entity="moi",
                        centre=centre,
                        service="renewal",
                        channel="visit",
                        language="en",
                        visited_at=at,
                        submitted_at=at + timedelta(minutes=40),
                        comment="",
                        overall=sum(sections.values()) / 3,
                        sections=sections,
                        items={},
                        handoffs={},
                        failed_critical=(),
                        band=None,
                    )
                )
    return made


@pytest.fixture(scope="module")
def scored() -> list[ScoredEvaluation]:
    return visits()


@pytest.fixture(scope="module")
def log(scored: list[ScoredEvaluation]) -> list[StatusChange]:
    """c1's and c2's centre recommendations taken up, and one more taken up too late for any
    visit in the data to count."""
    first = insights(scored, secret=SECRET, k=5, followup=POLICY)
    ids = {(r.finding.level, r.finding.key, r.finding.factor): r.id for r in first.recommendations}
    c1, c2 = ids["centre", "c1", "waiting"], ids["centre", "c2", "courtesy"]
    late = ids["centre", "c3", "signage"]
    return [
        StatusChange(c1, "accepted", TAKEN_UP, "moi", "Two more counters " + HOSTILE),
        StatusChange(c2, "accepted", TAKEN_UP, "moi"),
        StatusChange(c1, "done", TAKEN_UP + timedelta(days=20), "moi", "Counters open"),
        StatusChange(late, "done", date(2024, 7, 20), "moi"),
    ]


@pytest.fixture(scope="module")
def report(scored: list[ScoredEvaluation], log: list[StatusChange]) -> Insights:
    return insights(scored, secret=SECRET, k=5, followup=POLICY, status_log=log)


def test_the_verdicts_find_the_true_effects(
    report: Insights, scored: list[ScoredEvaluation]
) -> None:
    found = {
        (item.key, item.factor): verdict
        for item, verdict in zip(report.followups, report.verdicts, strict=True)
    }
    assert len(found) == 3
    # Flagged evaluations (left out of the report) are left out of the windows too.
    flagged = {flag.evaluation for flag in report.flags}
    assert report.excluded > 0
    kept = [e for e in scored if e.id not in flagged]
    start, end = date(2024, 5, 1), date(2024, 7, 29)
    in_window = [
        e.sections["waiting"] or 0.0
        for e in kept
        if e.centre == "c1" and start <= e.visited_at.date() <= end
    ]
    improved = found["c1", "waiting"]
    assert improved.window == (start, end)
    assert improved.verdict == IMPROVED
    assert improved.after.count == len(in_window)
    assert math.isclose(improved.after.mean, sum(in_window) / len(in_window), rel_tol=1e-9)
    assert 70 < improved.after.mean < 80
    assert found["c2", "courtesy"].verdict == NO_SUPPORTED_CHANGE
    late = found["c3", "signage"]
    assert late.verdict == NOT_ENOUGH_VISITS
    assert late.after.count == 0
    assert late.more == late.needed
    # The report's verdicts are those of the public calls on the evaluations kept.
    items = followups(report.recommendations, report.status_log)
    expected = verdicts(items, kept, POLICY)
    assert [v.verdict for v in report.verdicts] == [v.verdict for v in expected]
    for ours, theirs in zip(report.verdicts, expected, strict=True):
        assert ours.after.count == theirs.after.count
        assert ours.more == theirs.more
        assert math.isclose(ours.after.mean, theirs.after.mean, rel_tol=1e-9, abs_tol=1e-9)


def test_the_recommendations_data_carry_their_follow_up(report: Insights) -> None:
    data = report.recommendations_data()
    assert problems("recommendations", data) == []
    followed = {row["id"]: row["followup"] for row in data if "followup" in row}
    assert sorted(f["verdict"] for f in followed.values()) == [
        IMPROVED,
        NO_SUPPORTED_CHANGE,
        NOT_ENOUGH_VISITS,
    ]
    assert all(f["taken_up"] in ("2024-04-01", "2024-07-20") for f in followed.values())


def test_the_report_shows_the_follow_up_in_english_and_arabic(report: Insights) -> None:
    english = report.report("en", date(2024, 8, 1))
    html, markdown = english.html(), english.markdown()
    for text in (html, markdown.replace("\\", "")):  # Markdown escapes ":" and "("
        assert "Follow-up: moi" in text
        assert "Recommendations closed and verified" in text
        assert "improved" in text
        assert "no supported change" in text
        assert "not enough visits yet" in text
        assert "accepted on 1 April 2024" in text or "accepted on April 1, 2024" in text
        assert "Counters open" in text
        assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;" in html
    arabic = report.report("ar", date(2024, 8, 1))
    for text in (arabic.html(), arabic.markdown().replace("\\", "")):
        assert "المتابعة" in text
        assert "التوصيات المُغلقة والمُتحقَّق منها" in text
        assert "تحسّن" in text
        assert "لا تغيّر تدعمه البيانات" in text
        assert "<script>alert(1)</script>" not in text
    assert 'dir="rtl"' in arabic.html()


def test_the_programme_table_counts_the_verdicts_and_goes_to_csv(report: Insights) -> None:
    tables = {table.name: table for table in report.report("en").tables()}
    assert "followup-moi" in tables
    closed = table_csv(tables["followups"]).splitlines()
    # entity, taken up, improved, no supported change, worse, still need visits
    assert closed[1].split(",")[1:] == ["3", "1", "1", "0", "1"]
    assert closed[2].split(",")[0] == "moi"
    assert len(tables["followup-moi"].rows) == 3


def test_without_follow_ups_the_sections_are_absent(scored: list[ScoredEvaluation]) -> None:
    plain = insights(scored[:600], secret=SECRET, k=5)
    assert plain.followups == ()
    assert plain.verdicts == ()
    text = plain.report("en").markdown()
    assert "Follow-up" not in text
    assert "closed and verified" not in text


def test_from_aggregates_follow_ups_are_listed_but_not_checked(
    report: Insights, scored: list[ScoredEvaluation]
) -> None:
    merged = report_aggregates(scored, (), secret=SECRET)
    found = insights(merged, k=5, followup=POLICY, status_log=report.status_log)
    assert len(found.followups) == 3
    assert found.verdicts == ()
    text = found.report("en").markdown().replace("\\", "")
    assert "not checked: this report was made from aggregates" in text
    assert "closed and verified" not in text
    assert all("followup" not in row for row in found.recommendations_data())


def test_a_scores_file_gives_the_follow_ups_of_the_evaluations_in_memory(
    scored: list[ScoredEvaluation], log: list[StatusChange], tmp_path: Path
) -> None:
    """The windows tallied while the file is read once (the flagged evaluations taken back
    out) give the verdicts of the models in memory, to the last bit."""

    def points(e: ScoredEvaluation) -> ScorePoints:  # every section weighing 1
        scores = {k: v or 0.0 for k, v in e.sections.items()}
        sections = {k: {"earned": v / 100, "possible": 1.0} for k, v in scores.items()}
        overall = {"earned": sum(scores.values()) / 100, "possible": len(scores)}
        return points_from_data({"overall": overall, "sections": sections})

    models = [evolve(e, points=points(e)) for e in scored]
    lines = (json.dumps(score_record(e)) + "\n" for e in models)
    (tmp_path / "scores.jsonl").write_text("".join(lines))
    options: dict[str, Any] = {"secret": SECRET, "k": 5, "followup": POLICY, "status_log": log}
    from_file = insights(ScoresFile(tmp_path / "scores.jsonl"), **options)
    from_memory = insights(models, **options)
    assert from_file == from_memory
    assert from_file.excluded > 0
    assert [v.verdict for v in from_file.verdicts] == [
        NO_SUPPORTED_CHANGE,
        NOT_ENOUGH_VISITS,
        IMPROVED,
    ]


@settings(max_examples=40, deadline=None)
@given(
    taken=st.lists(st.integers(0, 60), min_size=1, max_size=4),
    seen=st.lists(st.tuples(st.integers(0, 120), st.floats(0, 100)), max_size=30),
    delay=st.integers(0, 20),
    window=st.integers(1, 30),
)
def test_after_tallies_count_each_visit_in_every_window_it_falls_in(
    taken: list[int], seen: list[tuple[int, float]], delay: int, window: int
) -> None:
    """Each follow-up's scores after, tallied a visit at a time, are those of the visits
    whose day is in its window; taken back, they are gone again."""
    policy = FollowupPolicy(delay_days=delay, window_days=window)
    tallies = AfterTallies.of((START + timedelta(days=t) for t in taken), policy)
    places = {"entity": "moi", "centre": "c1", "service": "renewal"}
    for day, score in seen:
        tallies.tally(START + timedelta(days=day), places, {"desk": score}, {})
    for t in taken:
        on = START + timedelta(days=t)
        item = Followup("R", "moi", "centre", "c1", "desk", on, Sample(10, 50.0, 5.0))
        inside = [s for d, s in seen if delay <= d - t < delay + window]
        after = tallies.sample(item)
        assert after.count == len(inside)
        if inside:
            assert math.isclose(after.mean, sum(inside) / len(inside), abs_tol=1e-9)
        assert tallies.sample(evolve(item, key="c2")).count == 0
    for day, score in seen:
        tallies.tally(START + timedelta(days=day), places, {"desk": score}, {}, take_back=True)
    assert all(tally.count == 0 for tally in tallies.tallies.values())
