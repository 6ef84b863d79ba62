"""Follow-ups: the policy, the window, the visits needed and the verdicts, on generated
histories whose true effect is known."""

from __future__ import annotations

import json
import math
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from attrs import evolve
from hypothesis import given, settings
from hypothesis import strategies as st

from shopperkit.assignment import Limits, Period, Shopper, Target, Visit, assign, check_targets
from shopperkit.cli import main
from shopperkit.errors import InputError, ProgrammeError
from shopperkit.insights.findings import BELOW, Finding
from shopperkit.insights.followup import (
    IMPROVED,
    NO_SUPPORTED_CHANGE,
    NOT_ENOUGH_VISITS,
    WORSE,
    AfterTallies,
    Followup,
    FollowupPolicy,
    FollowupTarget,
    KeptVerdict,
    _spread,
    adjusted_p_values,
    after_sample,
    finders,
    followup_states,
    followup_targets,
    followups,
    kept_targets,
    planned_counts,
    serving,
    verdict_counts,
    verdicts,
    visits_needed,
    with_followups,
)
from shopperkit.insights.recommendations import Recommendation, StatusChange
from shopperkit.insights.stats import Comparison, Sample, benjamini_hochberg
from shopperkit.io.convert import to_data
from shopperkit.io.schemas import problems
from shopperkit.model.evaluations import ScoredEvaluation
from shopperkit.model.programme import Programme
from shopperkit.model.services import Directory, Entity, Service, ServiceCentre
from shopperkit.programmes import programme_plan
from shopperkit.registry import Registry
from shopperkit.store import Database, Store, Workspace
from tests.helpers import with_parameter

ACCEPTED_ON = date(2024, 5, 1)


def evaluation(ident: str, day: date, score: float, **changes: Any) -> ScoredEvaluation:
    """A scored evaluation at centre c1 (service s1, entity moi) scoring ``desk``."""
    visited = datetime(day.year, day.month, day.day, 10, 0)
    made = ScoredEvaluation(
        id=ident,
        form="visit",
        form_version="1",
        programme=None,
        shopper=f"S{ident}",
        entity="moi",
        centre="c1",
        service="s1",
        channel="visit",
        language="en",
        visited_at=visited,
        submitted_at=visited + timedelta(minutes=40),
        comment="",
        overall=score,
        sections={"desk": score},
        items={},
        handoffs={},
        failed_critical=(),
        band=None,
    )
    return evolve(made, **changes) if changes else made


def followup(before: Sample, ident: str = "R-1") -> Followup:
    return Followup(ident, "moi", "centre", "c1", "desk", ACCEPTED_ON, before)


def test_the_policy_defaults_and_reads_the_programme(qatar: Programme) -> None:
    assert FollowupPolicy.of(qatar) == FollowupPolicy()
    programme = with_parameter(qatar, "followup_window_days", 60)
    programme = with_parameter(programme, "followup_exclude_finders", False)
    programme = with_parameter(programme, "followup_power", 0.9)
    policy = FollowupPolicy.of(programme)
    assert (policy.window_days, policy.exclude_finders, policy.power) == (60, False, 0.9)


@pytest.mark.parametrize(
    ("name", "value", "code"),
    [
        ("followup_delay_days", -1, "parameter_negative"),
        ("followup_window_days", 0, "parameter_out_of_range"),
        ("followup_power", 1.0, "parameter_out_of_range"),
        ("followup_power", 0, "parameter_out_of_range"),
        ("followup_alpha", 1.5, "parameter_out_of_range"),
        ("followup_minimum_difference", -2.0, "parameter_out_of_range"),
        ("followup_minimum_difference", math.nan, "parameter_out_of_range"),
        ("followup_exclude_finders", "yes", "parameter_wrong_type"),
        ("followup_window_days", 1.5, "parameter_wrong_type"),
    ],
)
def test_bad_follow_up_parameters_are_refused_with_a_code(
    qatar: Programme, name: str, value: Any, code: str
) -> None:
    with pytest.raises(ProgrammeError) as caught:
        FollowupPolicy.of(with_parameter(qatar, name, value))
    assert caught.value.code == code
    if code != "parameter_wrong_type":
        assert name in str(caught.value.where)


def _recommendation(ident: str) -> Recommendation:
    sample = Sample(20, 60.0, 10.0)
    finding = Finding(
        BELOW, "centre", "c1", "moi", "desk", "", sample, Sample(200, 75.0, 10.0),
        Comparison(-15.0, -6.0, 25.0, 1e-6), (55.0, 65.0),
    )  # fmt: skip
    return Recommendation(ident, "improve_weak_factor", "moi", "high", {}, finding)


def test_follow_ups_start_at_the_first_acceptance_or_completion() -> None:
    recommendations = [_recommendation("R-a"), _recommendation("R-b"), _recommendation("R-c")]
    changes = [
        StatusChange("R-a", "accepted", date(2024, 3, 1), "moi"),
        StatusChange("R-a", "done", date(2024, 4, 1), "moi"),
        StatusChange("R-c", "done", date(2024, 2, 10), "moi"),
    ]
    found = followups(recommendations, changes)
    assert [(f.recommendation, f.on) for f in found] == [
        ("R-a", date(2024, 3, 1)),
        ("R-c", date(2024, 2, 10)),
    ]
    assert found[0].before == Sample(20, 60.0, 10.0)
    assert (found[0].level, found[0].key, found[0].factor) == ("centre", "c1", "desk")


def test_only_visits_in_the_window_and_the_group_count_as_after() -> None:
    policy = FollowupPolicy(delay_days=10, window_days=20)
    item = followup(Sample(20, 60.0, 10.0))
    start, end = item.window(policy)
    assert (start, end) == (date(2024, 5, 11), date(2024, 5, 30))
    scored = [
        evaluation("1", start, 80.0),
        evaluation("2", end, 90.0),
        evaluation("3", start - timedelta(days=1), 0.0),  # too early
        evaluation("4", end + timedelta(days=1), 0.0),  # too late
        evaluation("5", start, 0.0, centre="c2"),  # another centre
        evaluation("6", start, 0.0, sections={"desk": None}),  # factor not scored
    ]
    after = after_sample(item, scored, policy)
    assert (after.count, after.mean) == (2, 85.0)


def test_the_visits_needed_match_the_textbook_sample_size() -> None:
    # With the spread before known exactly (a huge sample), the classic two-sample size for
    # a difference of half a standard deviation, 5% two-sided and 80% power, is
    # (1.95996 + 0.84162)^2 * 10^2 / 5^2 = 31.4 after the normal approximation; Student's t
    # adds about one visit.
    policy = FollowupPolicy(minimum_difference=5.0, power=0.8, alpha=0.05)
    needed = visits_needed(Sample(10**7, 60.0, 10.0), policy)
    assert needed is not None
    assert 32 <= needed <= 34
    # A smaller sample before leaves less room: more visits after are needed...
    smaller = visits_needed(Sample(60, 60.0, 10.0), policy)
    assert smaller is not None
    assert smaller > needed
    # ...and a tiny one cannot reach the power at all.
    assert visits_needed(Sample(8, 60.0, 10.0), policy) is None
    assert visits_needed(Sample(1, 60.0, 10.0), policy) is None


@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=30), st.floats(0.001, 0.5))
def test_adjusted_p_values_agree_with_the_procedure(p_values: list[float], rate: float) -> None:
    adjusted = adjusted_p_values(p_values)
    assert all(a >= p for a, p in zip(adjusted, p_values, strict=True))
    accepted = benjamini_hochberg(p_values, rate)
    # Exactly the discoveries have an adjusted value at most the rate (up to rounding).
    for a, ok in zip(adjusted, accepted, strict=True):
        if not math.isclose(a, rate, rel_tol=1e-9):
            assert (a <= rate) is ok


def test_a_follow_up_concludes_only_with_the_visits_needed() -> None:
    policy = FollowupPolicy(delay_days=0, window_days=30)
    item = followup(Sample(40, 60.0, 10.0))
    needed = visits_needed(item.before, policy)
    assert needed is not None
    start, _ = item.window(policy)
    few = [evaluation(str(n), start, 90.0 + n % 3) for n in range(needed - 1)]
    (early,) = verdicts([item], few, policy)
    assert (early.verdict, early.more, early.needed) == (NOT_ENOUGH_VISITS, 1, needed)
    assert early.p_adjusted is None
    enough = [*few, evaluation("last", start, 91.0)]
    (done,) = verdicts([item], enough, policy)
    assert (done.verdict, done.more) == (IMPROVED, 0)
    assert done.comparison is not None
    assert done.comparison.difference > 25
    low, high = done.after_interval
    assert low < done.after.mean < high


def test_the_correction_counts_every_follow_up_concluded_together() -> None:
    policy = FollowupPolicy(delay_days=0, window_days=30)
    items = [followup(Sample(40, 60.0, 10.0), f"R-{n}") for n in range(2)]
    start, _ = items[0].window(policy)
    needed = visits_needed(items[0].before, policy)
    assert needed is not None
    # A rise at centre c1 whose p-value passes alone, but not once a second follow-up
    # concluded with it halves the rate...
    rng = np.random.default_rng(7)
    for shift in np.linspace(3.0, 12.0, 91):
        scores = 60.0 + shift + rng.standard_normal(needed)
        scores = (scores - scores.mean()) / scores.std(ddof=1) * 10.0 + 60.0 + shift
        scored = [evaluation(str(n), start, float(s)) for n, s in enumerate(scores)]
        (alone,) = verdicts(items[:1], scored, policy)
        assert alone.comparison is not None
        if 0.025 < alone.comparison.p <= 0.05:
            break
    else:  # pragma: no cover - the sweep always crosses the band
        pytest.fail("no shift gave a p-value between 0.025 and 0.05")
    assert alone.verdict == IMPROVED
    # ...with a clearly unchanged second follow-up in its own group, the first survives
    # only if its p-value is at most 0.05 / 2 (Benjamini-Hochberg with two tests).
    other = Followup("R-x", "moi", "centre", "c2", "desk", ACCEPTED_ON, Sample(40, 60.0, 10.0))
    flat = [evaluation(f"f{n}", start, 60.0 + (n % 2) * 2 - 1, centre="c2") for n in range(needed)]
    first, second = verdicts([items[0], other], scored + flat, policy)
    assert second.verdict == NO_SUPPORTED_CHANGE
    assert first.verdict == NO_SUPPORTED_CHANGE
    assert first.p_adjusted is not None
    assert first.p_adjusted > 0.05


EFFECTS = {IMPROVED: 1.0, NO_SUPPORTED_CHANGE: 0.0, WORSE: -1.0}


@settings(max_examples=6, deadline=None, derandomize=True)
@given(
    truth=st.sampled_from(sorted(EFFECTS)),
    spread=st.floats(5.0, 20.0),
    size_in_sds=st.floats(0.6, 1.0),
    before_count=st.integers(60, 150),
    seed=st.integers(0, 2**32 - 1),
)
def test_verdicts_match_the_error_rates_the_test_promises(
    truth: str, spread: float, size_in_sds: float, before_count: int, seed: int
) -> None:
    """On histories with a known true effect (0 or +-minimum_difference), each followed up
    alone with the visits the power calls for: a change is found in about ``alpha`` of
    unchanged histories, and the right change in about ``power`` of the others."""
    difference = size_in_sds * spread
    policy = FollowupPolicy(minimum_difference=difference, power=0.8, alpha=0.05)
    rng = np.random.default_rng(seed)
    runs = 300
    befores = rng.normal(60.0, spread, size=(runs, before_count))
    means, sds = befores.mean(axis=1), befores.std(axis=1, ddof=1)
    start = ACCEPTED_ON + timedelta(days=policy.delay_days)
    counts = dict.fromkeys(EFFECTS, 0)
    for run in range(runs):
        item = followup(Sample(before_count, float(means[run]), float(sds[run])))
        needed = visits_needed(item.before, policy)
        assert needed is not None
        after = rng.normal(60.0 + EFFECTS[truth] * difference, spread, size=needed)
        scored = [evaluation(str(n), start, float(s)) for n, s in enumerate(after)]
        (verdict,) = verdicts([item], scored, policy)
        counts[verdict.verdict] += 1
    share = {name: count / runs for name, count in counts.items()}
    # Sampling tolerance: 4 standard errors of a share over this many runs.
    if truth == NO_SUPPORTED_CHANGE:
        wrong = share[IMPROVED] + share[WORSE]
        assert wrong <= policy.alpha + 4 * math.sqrt(0.05 * 0.95 / runs)
    else:
        power = share[truth]
        assert abs(power - policy.power) <= 4 * math.sqrt(0.8 * 0.2 / runs)
        assert share[WORSE if truth == IMPROVED else IMPROVED] <= 0.01


def test_verdict_counts_list_every_verdict() -> None:
    assert verdict_counts([]) == {
        IMPROVED: 0,
        NO_SUPPORTED_CHANGE: 0,
        WORSE: 0,
        NOT_ENOUGH_VISITS: 0,
    }


def _directory() -> Directory:
    return Directory(
        entities=(Entity("moi", {"en": "Interior"}), Entity("kah", {"en": "Kahramaa"})),
        services=(
            Service("s1", "moi", {"en": "One"}, languages=("en",)),
            Service("s2", "moi", {"en": "Two"}, channels=("app",), languages=("en",)),
            Service("k1", "kah", {"en": "Power"}, languages=("en",)),
        ),
        centres=(
            ServiceCentre("c1", "moi", {"en": "C1"}, services=("s1", "s2")),
            ServiceCentre("c2", "moi", {"en": "C2"}, services=("s1",)),
            ServiceCentre("k", "kah", {"en": "K"}, services=("k1",)),
        ),
    )


def test_follow_up_targets_ask_for_the_missing_visits_in_the_window() -> None:
    policy = FollowupPolicy(delay_days=14, window_days=14)
    item = followup(Sample(40, 60.0, 10.0))  # centre c1, accepted 1 May: window 15-28 May
    history = [
        evaluation("a", date(2024, 4, 2), 50.0, shopper="S-old"),
        evaluation("b", ACCEPTED_ON, 55.0, shopper="S-day"),
        evaluation("c", date(2024, 4, 3), 50.0, shopper="S-other", centre="c2"),
        evaluation("d", date(2024, 5, 20), 70.0, shopper="S-after"),
    ]
    (verdict,) = verdicts([item], history, policy)
    assert verdict.verdict == NOT_ENOUGH_VISITS
    assert verdict.more is not None
    assert verdict.more > 4
    period = Period(date(2024, 5, 6), date(2024, 6, 30))  # weeks from Monday 6 May
    targets = followup_targets([verdict], [item], _directory(), period, history, policy)
    assert sum(t.target.visits for t in targets) == verdict.more
    assert {t.target.centre for t in targets} == {"c1"}
    assert {(t.target.service, t.target.channel) for t in targets} == {
        ("s1", "visit"),
        ("s2", "app"),
    }
    for made in targets:
        days = period.days(made.target.week)
        assert any(date(2024, 5, 15) <= day <= date(2024, 5, 28) for day in days)
        assert made.excluded == ("S-day", "S-old")
        assert made.recommendation == "R-1"
    check_targets([t.target for t in targets], _directory(), period, "follow-ups")
    keep = followup_targets(
        [verdict], [item], _directory(), period, history, evolve(policy, exclude_finders=False)
    )
    assert {t.excluded for t in keep} == {()}
    outside = Period(date(2024, 7, 1), date(2024, 7, 31))
    assert followup_targets([verdict], [item], _directory(), outside, history, policy) == []


def test_concluded_follow_ups_get_no_targets() -> None:
    policy = FollowupPolicy(delay_days=0, window_days=30)
    item = followup(Sample(40, 60.0, 0.0))  # no spread before: two visits are enough
    start, _ = item.window(policy)
    scored = [evaluation("1", start, 60.0), evaluation("2", start, 60.0)]
    (verdict,) = verdicts([item], scored, policy)
    assert verdict.verdict == NO_SUPPORTED_CHANGE
    period = Period(start, start + timedelta(days=27))
    assert followup_targets([verdict], [item], _directory(), period, scored, policy) == []


@pytest.mark.parametrize("method", ["constrained", "greedy"])
def test_assignment_keeps_the_original_finders_off_their_follow_up(method: str) -> None:
    period = Period(date(2024, 5, 6), date(2024, 5, 12))
    target = Target("c1", "s1", 1, visits=2)
    shoppers = [Shopper("S-old", ("en",)), Shopper("S-new", ("en",)), Shopper("S-3", ("en",))]
    limits = Limits(spacing_days=0, lockout_days=0)
    schedule = assign(
        shoppers, [target], _directory(), period, limits, method=method,
        excluded={target: ("S-old",)},
    )  # fmt: skip
    assert sorted(v.shopper for v in schedule.visits) == ["S-3", "S-new"]
    alone = assign(
        shoppers[:1], [target], _directory(), period, limits, method=method,
        excluded={target: ("S-old",)},
    )  # fmt: skip
    (unmet,) = alone.unmet
    assert (unmet.reason, unmet.blocked["excluded"]) == ("excluded", 1)
    plain = assign(shoppers[:1], [target], _directory(), period, limits, method=method)
    assert plain.summary["inputs"] != alone.summary["inputs"]
    assert [v.shopper for v in plain.visits] == ["S-old"]


def test_verdicts_are_kept_with_the_recommendation_history(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    database = Database(url)
    database.upgrade()
    database.close()
    store = Store(url)
    try:
        policy = FollowupPolicy(delay_days=0, window_days=30)
        items = [followup(Sample(40, 60.0, 10.0), "R-a"), followup(Sample(40, 60.0, 10.0), "R-b")]
        start, _ = items[0].window(policy)
        scored = [evaluation(str(n), start, 90.0 + n % 2) for n in range(5)]
        made = verdicts(items, scored, policy)
        with pytest.raises(InputError) as refused:
            store.record_verdicts(made, date(2024, 6, 1))
        assert refused.value.code == "followup_not_taken_up"
        assert store.followup_history() == []  # nothing kept from a refused batch
        store.set_status(StatusChange("R-a", "accepted", ACCEPTED_ON, "moi"))
        store.set_status(StatusChange("R-b", "done", ACCEPTED_ON, "moi"))
        assert store.record_verdicts(made, date(2024, 6, 1)) == 2
        assert store.record_verdicts(made[:1], date(2024, 7, 1)) == 1
        assert store.followup_history("R-a") == [
            (date(2024, 6, 1), made[0]),
            (date(2024, 7, 1), made[0]),
        ]
        assert [v.recommendation for _, v in store.followup_history()] == ["R-a", "R-b", "R-a"]
        assert made[0].verdict == NOT_ENOUGH_VISITS
    finally:
        store.close()


def test_the_followups_command_lists_due_scheduled_and_concluded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workspace = Workspace.create(tmp_path / "ws", "qatar-cgb", f"sqlite:///{tmp_path / 's.db'}")
    policy = FollowupPolicy(delay_days=0, window_days=30)
    items = [followup(Sample(40, 60.0, 10.0), "R-a"), followup(Sample(40, 60.0, 0.0), "R-b")]
    start, _ = items[0].window(policy)
    scored = [evaluation(str(n), start, 60.0) for n in range(3)]
    made = verdicts(items, scored, policy)
    store = workspace.store()
    try:
        for ident in ("R-a", "R-b", "R-c"):
            store.set_status(StatusChange(ident, "accepted", ACCEPTED_ON, "moi"))
        store.set_status(StatusChange("R-b", "done", date(2024, 5, 9), "moi"))
        store.record_verdicts(made, date(2024, 5, 20), items, until=start)
    finally:
        store.close()
    listing = ["followups", "--workspace", str(workspace.folder), "--format", "json"]
    assert main(listing) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["recommendation"], r["status"], r["state"], r["verdict"]) for r in rows] == [
        ("R-a", "accepted", "due", NOT_ENOUGH_VISITS),  # visits still needed, none planned
        ("R-b", "done", "concluded", NO_SUPPORTED_CHANGE),
        ("R-c", "accepted", "due", None),
    ]
    assert rows[0]["more"] == made[0].more
    assert (rows[0]["visits"], rows[0]["planned"]) == (3, 0)
    assert rows[1]["taken_up"] == ACCEPTED_ON.isoformat()
    # Two repeat visits planned for R-a after the scores its verdict saw, one on that day.
    store = workspace.store()
    try:
        days = [start + timedelta(days=n) for n in (0, 1, 2)]
        planned = [Visit(f"S{n}", day, 1, "c1", "s1", "visit", (), 1) for n, day in enumerate(days)]
        store.add_visits(planned, "planned", {1: "R-a"})
    finally:
        store.close()
    assert main(listing) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["state"], r["planned"]) for r in rows] == [
        ("scheduled", 2),
        ("concluded", 0),
        ("due", 0),
    ]
    args = ["followups", "--workspace", str(workspace.folder), "--state", "due"]
    assert main(args) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith("R-c  accepted 2024-05-01  due")


def test_the_programme_plan_checks_and_shows_the_follow_up_policy(qatar: Programme) -> None:
    registry = Registry()
    assert "followup" not in programme_plan(qatar, registry)
    programme = with_parameter(qatar, "followup_window_days", 45)
    assert programme_plan(programme, registry)["followup"] == {
        "delay_days": 30,
        "window_days": 45,
        "power": 0.8,
        "minimum_difference": 5.0,
        "alpha": 0.05,
        "exclude_finders": True,
    }
    with pytest.raises(ProgrammeError) as caught:
        programme_plan(with_parameter(programme, "followup_alpha", 0.0), registry)
    assert caught.value.code == "parameter_out_of_range"


@given(st.integers(0, 10**12), st.integers(1, 9), st.integers(1, 9))
def test_missing_visits_are_spread_evenly_and_quickly(total: int, weeks: int, places: int) -> None:
    spread = _spread(total, weeks, places)
    assert sum(count for _, _, count in spread) == total
    counts = [count for _, _, count in spread]
    assert not counts or max(counts) - min(counts) <= 1 or len(counts) < weeks * places
    if total <= 200:  # against the visit-by-visit rule it counts
        expected: dict[tuple[int, int], int] = {}
        for n in range(total):
            key = (n % weeks, (n // weeks) % places)
            expected[key] = expected.get(key, 0) + 1
        assert {(w, p): c for w, p, c in spread} == expected


@settings(max_examples=60, deadline=None)
@given(
    seen=st.lists(
        st.tuples(
            st.integers(0, 40), st.sampled_from(["c1", "c2"]), st.integers(0, 5), st.booleans()
        ),
        max_size=25,
    ),
    taken=st.lists(st.integers(0, 40), min_size=1, max_size=3),
)
def test_the_finders_tallied_in_one_pass_are_those_finders_names(
    seen: list[tuple[int, str, int, bool]], taken: list[int]
) -> None:
    first = date(2024, 4, 1)
    scored = [
        evaluation(
            str(n), first + timedelta(days=day), 50.0, shopper=f"S{who}", centre=centre,
            sections={"desk": 50.0 if scores else None, "other": 60.0},
        )
        for n, (day, centre, who, scores) in enumerate(seen)
    ]  # fmt: skip
    items = [
        evolve(followup(Sample(40, 60.0, 10.0)), on=first + timedelta(days=day), level=level,
               key="c1" if level == "centre" else "moi")
        for day in taken
        for level in ("centre", "entity")
    ]  # fmt: skip
    tallies = AfterTallies.of((item.on for item in items), FollowupPolicy(delay_days=5))
    for made in scored:
        tallies.add(made)
    for item in items:
        assert tallies.finders_of(item) == finders(item, scored)


def kept(recommendation: str, verdict: str, more: int | None, until: date | None) -> KeptVerdict:
    before = Sample(40, 60.0, 10.0)
    made = evolve(
        verdicts([followup(before, recommendation)], [], FollowupPolicy())[0],
        verdict=verdict,
        more=more,
    )
    return KeptVerdict(date(2024, 6, 1), made, followup(before, recommendation), ("S-old",), until)


@settings(max_examples=80, deadline=None)
@given(
    history=st.lists(
        st.tuples(
            st.sampled_from(["R-a", "R-b", "R-c"]),
            st.sampled_from([NOT_ENOUGH_VISITS, IMPROVED, NO_SUPPORTED_CHANGE, WORSE]),
            st.none() | st.integers(0, 20),
        ),
        max_size=6,
    ),
    planned=st.lists(
        st.tuples(st.sampled_from(["R-a", "R-b", "R-c", "R-d"]), st.integers(0, 30)),
        max_size=20,
    ),
)
def test_planned_visits_count_once_their_verdict_has_not_seen_them(
    history: list[tuple[str, str, int | None]], planned: list[tuple[str, int]]
) -> None:
    first = date(2024, 6, 1)
    found = [
        kept(r, v, 5, None if until is None else first + timedelta(days=until))
        for r, v, until in history
    ]
    visits = [(r, first + timedelta(days=day)) for r, day in planned]
    counts = planned_counts(found, visits)
    latest = {k.verdict.recommendation: k for k in found}  # the last kept of each wins
    for recommendation in ("R-a", "R-b", "R-c", "R-d"):
        last = latest.get(recommendation)
        until = last.until if last is not None else None
        days = [day for r, day in visits if r == recommendation]
        expected = sum(1 for day in days if until is None or day > until)
        assert counts.get(recommendation, 0) == expected
        assert recommendation not in counts or expected > 0
    changes = [
        StatusChange(r, "accepted", ACCEPTED_ON, "moi") for r in ("R-a", "R-b", "R-c", "R-d")
    ]
    states = followup_states(changes, [(k.on, k.verdict) for k in found], counts)
    assert [s.recommendation for s in states] == ["R-a", "R-b", "R-c", "R-d"]
    for state in states:
        last = latest.get(state.recommendation)
        concluded = last is not None and last.verdict.verdict != NOT_ENOUGH_VISITS
        assert state.planned == counts.get(state.recommendation, 0)
        assert state.state == (
            "concluded" if concluded else "scheduled" if state.planned else "due"
        )
        assert state.verdict == (last.verdict if last is not None else None)


def test_kept_follow_ups_ask_for_what_they_miss_less_what_is_planned() -> None:
    policy = FollowupPolicy(delay_days=14, window_days=28)  # accepted 1 May: 15 May to 11 June
    period = Period(date(2024, 5, 13), date(2024, 6, 9))
    seen = date(2024, 5, 10)
    found = [kept("R-a", NOT_ENOUGH_VISITS, 12, seen), kept("R-b", IMPROVED, 0, seen)]
    planned = [("R-a", date(2024, 5, 9)), ("R-a", date(2024, 5, 20)), ("R-a", date(2024, 5, 21))]
    targets = kept_targets(found, planned, _directory(), period, policy)
    assert sum(t.target.visits for t in targets) == 12 - 2  # the visit of 9 May was counted
    assert {t.recommendation for t in targets} == {"R-a"}
    assert {t.excluded for t in targets} == {("S-old",)}  # the finders kept, not recomputed
    keep = kept_targets(found, planned, _directory(), period, evolve(policy, exclude_finders=False))
    assert {t.excluded for t in keep} == {()}
    many = planned + [("R-a", date(2024, 6, 1))] * 20
    assert kept_targets(found, many, _directory(), period, policy) == []
    # A later verdict that still misses visits replaces the earlier one.
    later = kept("R-a", NOT_ENOUGH_VISITS, 3, date(2024, 5, 31))
    targets = kept_targets([*found, later], planned, _directory(), period, policy)
    assert sum(t.target.visits for t in targets) == 3
    old = evolve(found[0], item=None)  # kept before the follow-up was: nothing to derive
    assert kept_targets([old], [], _directory(), period, policy) == []


def test_a_schedule_says_which_targets_are_follow_ups_of_which_recommendation() -> None:
    period = Period(date(2024, 5, 6), date(2024, 5, 12))
    given_target = Target("c1", "s1", 1, visits=1)
    repeat = Target("c2", "s1", 1, visits=2)
    made = [
        FollowupTarget("R-a", repeat, ("S-old",)),
        FollowupTarget("R-b", repeat, ("S-3",)),
    ]
    targets, excluded, serves = with_followups([given_target], made)
    assert targets == [given_target, repeat, repeat]
    assert excluded == {repeat: ("S-3", "S-old")}
    assert serves == {2: "R-a", 3: "R-b"}
    shoppers = [Shopper(s, ("en",)) for s in ("S-old", "S-new", "S-3")]
    limits = Limits(spacing_days=0, lockout_days=0)
    schedule = assign(shoppers, targets, _directory(), period, limits, excluded=excluded)
    marked = serving(schedule, serves)
    assert all(v.shopper == "S-new" for v in marked.visits if v.target in serves)
    assert marked.summary["followups"] == [
        {"target": 2, "recommendation": "R-a"},
        {"target": 3, "recommendation": "R-b"},
    ]
    assert {u.target: u.recommendation for u in marked.unmet} == {2: "R-a", 3: "R-b"}
    assert problems("schedule-summary", marked.summary) == []
    assert problems("unmet", to_data(list(marked.unmet))) == []
    assert serving(schedule, {}) == schedule
    assert "recommendation" not in json.dumps(to_data(list(schedule.unmet)))
