"""Cohort selection: quotas, feasibility, fair lotteries, draw files, verify and replace."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from fractions import Fraction
from hashlib import sha256
from pathlib import Path

import pytest
from attrs import evolve
from hypothesis import given, settings
from hypothesis import strategies as st

from shopperkit.cli import main
from shopperkit.errors import InputError
from shopperkit.io.draws import read_draw, write_draw
from shopperkit.io.pool import pool_from_text, read_pool
from shopperkit.io.quotas import read_quotas
from shopperkit.model.pool import Candidate, Pool
from shopperkit.selection.audit import decimal, draw_index, parse_distribution, sha256_text
from shopperkit.selection.drawing import (
    Check,
    PoolInvalid,
    QuotasInfeasible,
    check_pool,
    replace,
    reveal,
    verify,
)
from shopperkit.selection.drawing import draw as draw_cohort
from shopperkit.selection.feasibility import Problem, check, find_panel, uncovered
from shopperkit.selection.lottery import Start, compute
from shopperkit.selection.people import cohorts
from shopperkit.selection.quotas import Quota, QuotaSet, max_seats, min_seats, quotas_for
from shopperkit.testing.strategies import pools_with_quotas


def pool_of(
    features: tuple[str, ...], ids: Sequence[str], profiles: Sequence[tuple[str, ...]]
) -> Pool:
    """A pool of ``ids``, each with the values of its profile on ``features``."""
    return Pool(
        features,
        tuple(
            Candidate(person, dict(zip(features, profile, strict=True)))
            for person, profile in zip(ids, profiles, strict=True)
        ),
    )


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def problem_of(groups: dict[str, int], quotas: list[tuple[str, int, int]], seats: int) -> Problem:
    """One feature ``g``; ``groups`` gives how many people hold each value."""
    ids, profiles = [], []
    for value, count in groups.items():
        for i in range(count):
            ids.append(f"{value}{i}")
            profiles.append((value,))
    quota_set = QuotaSet(seats, tuple(Quota("g", v, low, high) for v, low, high in quotas))
    return Problem.of(quota_set, pool_of(("g",), ids, profiles))


def person_probabilities(problem: Problem, method: str = "leximin") -> dict[str, Fraction]:
    feasibility, panels = check(problem)
    assert feasibility.feasible
    excluded = [
        t
        for t, p in enumerate(problem.profiles)
        if dict(zip(problem.quotas.features, p, strict=True))
        in [e.profile for e in feasibility.excluded]
    ]
    lottery = compute(problem, method, panels, excluded, "seed")
    exact = lottery.profile_probabilities(problem.sizes)
    return {person: exact[t] for t, group in enumerate(problem.members) for person in group}


# --- shares and quotas ---------------------------------------------------------------------


def test_shares_round_up_for_minimums_and_down_for_maximums() -> None:
    assert min_seats(Fraction(1, 2), 49) == 25
    assert min_seats(Fraction(1, 2), 50) == 25
    assert max_seats(Fraction(3, 10), 49) == 14
    assert max_seats(Fraction(3, 10), 50) == 15


def test_quota_csv_accepts_shares_and_flex_columns(tmp_path: Path) -> None:
    path = write(
        tmp_path / "q.csv",
        "feature,value,min,max,min_flex,max_flex\n"
        "citizen,citizen,50%,49,20,\ncitizen,resident,0,0.5,,\n",
    )
    quotas = read_quotas(path, 49)
    assert quotas.quotas == (
        Quota("citizen", "citizen", 25, 49, 20, None),
        Quota("citizen", "resident", 0, 24, None, None),
    )


def test_bad_quota_rows_name_row_and_column(tmp_path: Path) -> None:
    path = write(tmp_path / "q.csv", "feature,value,min,max\ng,a,3,1\ng,b,x,2\ng,a,0,1\n")
    with pytest.raises(InputError) as caught:
        read_quotas(path, 4)
    text = str(caught.value)
    assert f"{path}:2: min" in text
    assert f"{path}:3: min" in text
    assert f"{path}:4: value" in text


def test_bad_pool_rows_are_each_reported_and_nothing_is_drawn(tmp_path: Path) -> None:
    pool = write(tmp_path / "pool.csv", "id,g\nA,a\nB,zz\nA,b\nC,b\n")
    quotas = QuotaSet(1, (Quota("g", "a", 0, 1), Quota("g", "b", 0, 1)))
    read = read_pool(pool)
    with pytest.raises(PoolInvalid) as caught:
        draw_cohort(read.pool, quotas, None, "1")
    assert caught.value.code == "pool_rows_invalid"
    found = [(read.where(r.row), [p.code for p in r.errors]) for r in caught.value.problems]
    assert found == [(f"{pool}:3", ["pool_value_unknown"]), (f"{pool}:4", ["duplicate_id"])]


# --- feasibility ---------------------------------------------------------------------------


def conflicting(min_flex: int | None = None) -> Problem:
    """Residents are never local, yet 2 residents and 3 locals must fit in 4 seats."""
    ids = [f"C{i}" for i in range(3)] + [f"R{i}" for i in range(3)]
    profiles = [("citizen", "local")] * 3 + [("resident", "other")] * 3
    quotas = QuotaSet(
        4,
        (
            Quota("citizen", "citizen", 0, 4),
            Quota("citizen", "resident", 2, 4),
            Quota("nationality", "local", 3, 4, min_flex),
            Quota("nationality", "other", 0, 4),
        ),
    )
    return Problem.of(quotas, pool_of(("citizen", "nationality"), ids, profiles))


def test_conflict_names_both_quotas_and_the_smallest_relaxation() -> None:
    feasibility, panels = check(conflicting())
    assert not feasibility.feasible
    assert panels == []
    named = {(b.feature, b.value, b.kind, b.seats) for b in feasibility.conflict}
    assert named == {("citizen", "resident", "min", 2), ("nationality", "local", "min", 3)}
    assert feasibility.relaxation is not None
    assert sum(move.seats for move in feasibility.relaxation) == 1


def test_relaxation_respects_min_flex() -> None:
    feasibility, _ = check(conflicting(min_flex=3))
    assert feasibility.relaxation is not None
    assert [(m.feature, m.value, m.kind, m.to) for m in feasibility.relaxation] == [
        ("citizen", "resident", "min", 1)
    ]


def test_profiles_that_can_never_be_selected_are_named_with_their_quota() -> None:
    problem = problem_of({"a": 2, "b": 3}, [("a", 0, 0), ("b", 0, 2)], 2)
    feasibility, _ = check(problem)
    assert feasibility.feasible
    [excluded] = feasibility.excluded
    assert excluded.profile == {"g": "a"}
    assert excluded.candidates == 2
    assert [(b.value, b.kind) for b in excluded.ruled_out_by] == [("a", "max")]
    probabilities = person_probabilities(problem)
    assert probabilities["a0"] == 0
    assert probabilities["b0"] == Fraction(2, 3)


# --- lotteries -----------------------------------------------------------------------------


def test_leximin_by_hand() -> None:
    # One seat for the 4 c's (1/4 each); the other seat for a or one of two b's: leximin
    # gives a and each b 1/3 (maximin would accept a at 1/2 and each b at 1/4).
    problem = problem_of({"a": 1, "b": 2, "c": 4}, [("a", 0, 1), ("b", 0, 1), ("c", 1, 1)], 2)
    probabilities = person_probabilities(problem)
    for person, expected in {"a0": 1 / 3, "b0": 1 / 3, "b1": 1 / 3, "c0": 1 / 4}.items():
        assert float(probabilities[person]) == pytest.approx(expected, abs=1e-5)


@pytest.mark.parametrize("method", ["maximin", "nash", "legacy"])
def test_other_methods_meet_quotas_and_fill_seats(method: str) -> None:
    problem = problem_of({"a": 1, "b": 2, "c": 4}, [("a", 0, 1), ("b", 0, 1), ("c", 1, 1)], 2)
    probabilities = person_probabilities(problem, method)
    assert sum(probabilities.values()) == 2
    assert probabilities["c0"] == Fraction(1, 4) or method == "legacy"
    assert min(probabilities.values()) > 0


@settings(max_examples=40, deadline=None)
@given(problem=pools_with_quotas(), method=st.sampled_from(["leximin", "legacy"]))
def test_lotteries_meet_every_quota_and_sum_to_the_seats(problem: Problem, method: str) -> None:
    feasibility, panels = check(problem)
    assert feasibility.feasible
    excluded_profiles = [e.profile for e in feasibility.excluded]
    excluded = [
        t
        for t, p in enumerate(problem.profiles)
        if dict(zip(problem.quotas.features, p, strict=True)) in excluded_profiles
    ]
    lottery = compute(problem, method, panels, excluded, "s")
    assert all(problem.meets(panel) for panel in lottery.panels)
    assert sum(lottery.probabilities) == 1
    exact = lottery.profile_probabilities(problem.sizes)
    assert sum(p * n for p, n in zip(exact, problem.sizes, strict=True)) == problem.quotas.seats
    # Named cohorts: each meets every quota; marginals are exactly the profile's probability.
    marginal: Counter[str] = Counter()
    of = {person: t for t, group in enumerate(problem.members) for person in group}
    named = cohorts(lottery, problem.members)
    # Equal cohorts merged, ids sorted, most probable first, and nothing else drawn.
    assert len({cohort for _, cohort in named}) == len(named)
    assert all(list(cohort) == sorted(cohort) for _, cohort in named)
    assert [p for p, _ in named] == sorted((p for p, _ in named), reverse=True)
    assert all(p > 0 for p, _ in named)
    assert sum(p for p, _ in named) == 1
    for p, cohort in named:
        counts = [0] * len(problem.profiles)
        for person in cohort:
            counts[of[person]] += 1
        assert len(set(cohort)) == len(cohort)
        assert problem.meets(counts)
        for person in cohort:
            marginal[person] += p  # type: ignore[assignment]
    for person, t in of.items():
        assert marginal[person] == exact[t]


@settings(max_examples=25, deadline=None)
@given(problem=pools_with_quotas(), method=st.sampled_from(["leximin", "maximin", "nash"]))
def test_the_head_start_changes_nothing_but_the_order_of_work(
    problem: Problem, method: str
) -> None:
    # The first panels spread while the check finds the rest of its cover (in a second
    # thread) are the ones the lottery would spread itself: the same cover, the same lottery.
    started: list[tuple[int, ...]] = []
    start = Start(problem)

    def spread(panel: tuple[int, ...]) -> None:
        started.append(panel)
        start.spread(panel)

    feasibility, panels = check(problem, meanwhile=spread)
    plain_feasibility, plain_panels = check(problem)
    assert (feasibility, panels) == (plain_feasibility, plain_panels)
    assert started == panels[:1]
    excluded = uncovered(problem, panels)
    with_start = compute(problem, method, panels, excluded, "s", start)
    assert with_start == compute(problem, method, panels, excluded, "s")


@settings(max_examples=25, deadline=None)
@given(problem=pools_with_quotas())
def test_leximin_minimum_is_at_least_any_single_panel_mix(problem: Problem) -> None:
    # Every profile a valid panel can include gets a positive probability under leximin.
    feasibility, _ = check(problem)
    probabilities = person_probabilities(problem)
    excluded = {tuple(e.profile.values()) for e in feasibility.excluded}
    for t, group in enumerate(problem.members):
        reachable = find_panel(problem, force=t) is not None
        assert (problem.profiles[t] not in excluded) == reachable
        assert (probabilities[group[0]] > 0) == reachable


@settings(max_examples=25, deadline=None)
@given(problem=pools_with_quotas())
def test_nash_gives_the_largest_product_of_chances(problem: Problem) -> None:
    # The leximin and legacy lotteries are valid lotteries too: nash's product of everyone's
    # chances (as a sum of logarithms over people who can be selected) is at least theirs.
    import math

    def welfare(probabilities: dict[str, Fraction]) -> float:
        return sum(math.log(p) for p in probabilities.values() if p > 0)

    nash = person_probabilities(problem, "nash")
    for other in ("leximin", "legacy"):
        theirs = person_probabilities(problem, other)
        assert {p for p, v in theirs.items() if v > 0} <= {p for p, v in nash.items() if v > 0}
        assert welfare(nash) >= welfare(theirs) - 1e-5


@settings(max_examples=40, deadline=None)
@given(problem=pools_with_quotas(), data=st.data())
def test_the_move_search_ends_on_a_valid_panel_no_single_move_improves(
    problem: Problem, data: st.DataObject
) -> None:
    import numpy as np

    from shopperkit.selection.lottery import Swaps

    start = find_panel(problem)
    assert start is not None
    n = len(problem.profiles)
    weights = data.draw(st.lists(st.floats(0, 1), min_size=n, max_size=n))
    climbed = Swaps(problem).climb(np.array(start, dtype=np.int64), weights)
    panel = tuple(int(c) for c in climbed)
    value = sum(w * c for w, c in zip(weights, panel, strict=True))
    assert problem.meets(panel)
    assert value >= sum(w * c for w, c in zip(weights, start, strict=True)) - 1e-9
    # Brute force: every panel one seat away that meets the quotas is worth no more.
    for s, t, _ in _one_seat_moves(problem, panel):
        assert weights[t] - weights[s] <= 1e-12


@settings(max_examples=100, deadline=None)
@given(problem=pools_with_quotas(max_people=24), data=st.data())
def test_each_step_of_the_move_search_takes_the_largest_gain_first_source_first_target(
    problem: Problem, data: st.DataObject
) -> None:
    # One step, against every one-seat move tried in plain Python: the largest gain above
    # 1e-12; of equal gains, the smallest source, then the smallest target. Few distinct
    # weights, so equal gains are common.
    import numpy as np

    from shopperkit.selection.lottery import Swaps

    start = find_panel(problem)
    assert start is not None
    n = len(problem.profiles)
    weights = data.draw(st.lists(st.sampled_from([0.0, 0.5, 1.0]), min_size=n, max_size=n))
    swaps = Swaps(problem, steps=1)
    stepped = tuple(int(c) for c in swaps.climb(np.array(start, dtype=np.int64), weights))
    best, expected = 1e-12, start
    for s, t, moved in _one_seat_moves(problem, start):
        if weights[t] - weights[s] > best:
            best, expected = weights[t] - weights[s], moved
    assert stepped == expected


def _one_seat_moves(
    problem: Problem, panel: tuple[int, ...]
) -> Iterator[tuple[int, int, tuple[int, ...]]]:
    """Every panel one seat away from ``panel`` that meets the quotas, with the seat's source
    and target profiles, sources and then targets in increasing order."""
    n = len(problem.profiles)
    for s in range(n):
        for t in range(n):
            if s == t or not panel[s]:
                continue
            moved = list(panel)
            moved[s] -= 1
            moved[t] += 1
            if problem.meets(moved):
                yield s, t, tuple(moved)


@given(
    weights=st.lists(st.integers(1, 10**6), min_size=1, max_size=20),
    digits=st.lists(st.integers(0, 40), min_size=1, max_size=20),
    seed=st.text(max_size=10),
)
def test_the_draw_follows_the_seed(weights: list[int], digits: list[int], seed: str) -> None:
    from decimal import Decimal

    total = sum(weights)
    # Rows as written, with any number of decimals (a hand-made file may have other counts).
    rows = [decimal(Fraction(w, total), digits[i % len(digits)] + 1) for i, w in enumerate(weights)]
    values = [Decimal(r) for r in rows]
    first = draw_index(values, seed, "x" * 64)
    assert first == draw_index(values, seed, "x" * 64)
    # The rule as the audit's docstring states it, in fractions.
    digest = sha256(f"shopperkit-draw/1\n{'x' * 64}\n{seed}".encode()).digest()
    u = Fraction(int.from_bytes(digest, "big"), 2**256)
    exact = [Fraction(r) for r in rows]
    running = [sum(exact[: i + 1], Fraction(0)) for i in range(len(exact))]
    expected = next((i for i, r in enumerate(running) if r > u * running[-1]), len(rows) - 1)
    assert first == expected


def test_decimals_have_a_fixed_format() -> None:
    assert decimal(Fraction(1, 3), 4) == "0.3333"
    assert decimal(Fraction(2, 3), 4) == "0.6667"
    assert decimal(Fraction(1), 3) == "1.000"
    assert decimal(Fraction(0), 2) == "0.00"


@given(value=st.fractions(), digits=st.integers(1, 30))
def test_decimals_round_half_to_even(value: Fraction, digits: int) -> None:
    text = decimal(value, digits)
    whole, point, decimals = text.partition(".")
    assert point == "."
    assert len(decimals) == digits
    assert whole.lstrip("-").isdigit()
    # The text is the value rounded half to even (Python's rounding of exact fractions).
    assert Fraction(text) == Fraction(round(value * 10**digits), 10**digits)
    # Halves go to the even neighbour.
    half = Fraction(2 * round(value * 10**digits) + 1, 2 * 10**digits)
    assert Fraction(decimal(half, digits)) * 10**digits % 2 == 0


# --- the commands --------------------------------------------------------------------------

POOL = "id,citizen,gender\n" + "".join(
    f"P{i:02d},{'citizen' if i % 3 == 0 else 'resident'},{'female' if i % 2 else 'male'}\n"
    for i in range(30)
)
QUOTAS = (
    "feature,value,min,max\ncitizen,citizen,50%,100%\ncitizen,resident,0,50%\n"
    "gender,female,2,3\ngender,male,2,3\n"
)


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[Path, Path]:
    return write(tmp_path / "pool.csv", POOL), write(tmp_path / "quotas.csv", QUOTAS)


def select(inputs: tuple[Path, Path], out: Path, *extra: str) -> int:
    pool, quotas = inputs
    return main(
        ["select", str(pool), "--quotas", str(quotas), "--seats", "5", "--out", str(out), *extra]
    )


def test_select_is_byte_identical_and_meets_quotas(
    inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    assert select(inputs, tmp_path / "a", "--seed", "7") == 0
    assert select(inputs, tmp_path / "b", "--seed", "7") == 0
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(
        [
            "cohort.csv",
            "distribution.csv",
            "feasibility.json",
            "pool.csv",
            "probabilities.csv",
            "quotas.csv",
            "result.json",
        ]
    )
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    result = json.loads((tmp_path / "a/result.json").read_text())
    panel = result["panel"]
    assert len(panel) == 5
    citizens = sum(1 for person in panel if int(person[1:]) % 3 == 0)
    assert citizens >= 3  # 50% of 5 seats, rounded up
    assert all(q["met"] for q in result["quotas"])
    rows = parse_distribution((tmp_path / "a/distribution.csv").read_text())
    assert sum(Fraction(p) for p, _ in rows) == pytest.approx(1, abs=1e-12)


def test_verify_confirms_a_draw_and_refutes_a_changed_one(
    inputs: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "draw"
    assert select(inputs, out, "--seed", "lottery 4 8 15") == 0
    assert main(["verify", str(out)]) == 0
    assert capsys.readouterr().out.strip().endswith("draw confirmed")
    result = json.loads((out / "result.json").read_text())
    other = next(
        row
        for row in (out / "pool.csv").read_text().split()[1:]
        if row.split(",")[0] not in result["panel"]
    )
    result["panel"][0] = other.split(",")[0]
    result["cohort"] = result["panel"]
    (out / "result.json").write_text(json.dumps(result))
    assert main(["verify", str(out), "--no-recompute"]) == 1
    assert "REFUTED" in capsys.readouterr().out


def test_verify_refutes_a_tampered_cohort_file_or_waitlist(
    inputs: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "draw"
    assert select(inputs, out, "--seed", "5") == 0
    assert main(["verify", str(out), "--no-recompute"]) == 0
    capsys.readouterr()
    result_text = (out / "result.json").read_text()
    result = json.loads(result_text)
    cohort_text = (out / "cohort.csv").read_text()
    members = cohort_text.split()[1:]
    stranger = result["waitlist"][0]
    (out / "cohort.csv").write_text("id\n" + "\n".join(sorted([stranger, *members[1:]])) + "\n")
    assert main(["verify", str(out), "--no-recompute"]) == 1
    printed = capsys.readouterr().out
    assert "FAILED the published cohort file lists the cohort" in printed
    assert "REFUTED" in printed
    (out / "cohort.csv").write_text(cohort_text)
    result["waitlist"] = list(reversed(result["waitlist"]))
    (out / "result.json").write_text(json.dumps(result))
    assert main(["verify", str(out), "--no-recompute"]) == 1
    assert "FAILED the waitlist is in the seed's order" in capsys.readouterr().out
    (out / "result.json").write_text(result_text)
    assert main(["verify", str(out), "--no-recompute"]) == 0


def test_commit_then_reveal(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "draw"
    assert select(inputs, out) == 0
    commitment = json.loads((out / "commitment.json").read_text())
    assert not (out / "cohort.csv").exists()
    published = (out / "distribution.csv").read_text()
    assert commitment["distribution_sha256"] == sha256_text(published)
    assert select(inputs, out, "--seed", "2026-11-23 draw 12 34 56") == 0
    result = json.loads((out / "result.json").read_text())
    assert result["audit"]["committed_sha256"] == commitment["distribution_sha256"]
    # A different pool after the commitment is refused.
    inputs[0].write_text(POOL + "P99,citizen,male\n", encoding="utf-8")
    assert select(inputs, out, "--seed", "again") == 2


def test_replace_keeps_every_quota_and_verifies(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "draw"
    assert select(inputs, out, "--seed", "1") == 0
    first = json.loads((out / "result.json").read_text())
    gone = first["panel"][0]
    assert main(["replace", str(out), "--withdraw", gone, "--reason", "travel abroad"]) == 0
    result = json.loads((out / "result.json").read_text())
    [replacement] = result["replacements"]
    assert replacement["withdrawn"] == gone
    assert replacement["replacement"] == first["waitlist"][replacement["waitlist_position"]]
    assert gone not in result["cohort"]
    assert all(q["met"] for q in result["quotas"])
    assert (out / "cohort.csv").read_text().split()[1:] == result["cohort"]
    assert main(["verify", str(out), "--no-recompute"]) == 0
    assert main(["replace", str(out), "--withdraw", gone]) == 2


def test_infeasible_quotas_exit_non_zero_with_json(tmp_path: Path) -> None:
    pool = write(tmp_path / "pool.csv", "id,g\nA,a\nB,a\nC,b\nD,b\n")
    quotas = write(tmp_path / "q.csv", "feature,value,min,max\ng,a,0,1\ng,b,0,1\n")
    out = tmp_path / "draw"
    code = main(
        [
            "select",
            str(pool),
            "--quotas",
            str(quotas),
            "--seats",
            "3",
            "--out",
            str(out),
            "--seed",
            "1",
        ]
    )
    assert code == 1
    report = json.loads((out / "feasibility.json").read_text())
    assert report["feasible"] is False
    assert {(b["value"], b["kind"]) for b in report["conflict"]} == {("a", "max"), ("b", "max")}
    assert not (out / "cohort.csv").exists()


def test_programme_quotas_come_from_its_parameters(qatar_pool: Path, tmp_path: Path) -> None:
    out = tmp_path / "draw"
    assert (
        main(
            [
                "select",
                str(qatar_pool),
                "--programme",
                "qatar-cgb",
                "--seed",
                "1",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    result = json.loads((out / "result.json").read_text())
    citizen = next(q for q in result["quotas"] if q["value"] == "citizen")
    assert citizen["min"] == 25  # citizen_share 0.5 of 50 seats
    indian = next(q for q in result["quotas"] if q["value"] == "Indian")
    assert indian["max"] == 30  # dimension_max_share 0.6 of 50 seats, rounded down
    assert citizen["selected"] >= 25
    nurse = next(q for q in result["quotas"] if q["value"] == "nurse")
    assert (nurse["min"], nurse["max"]) == (0, 10)  # no floor; 0.2 of 50 seats
    young = next(q for q in result["quotas"] if q["value"] == "18-24")
    assert (young["min"], young["max"]) == (4, 15)  # floor 4 (18 in the pool); 0.3 of 50
    assert all(q["min"] <= q["selected"] <= q["max"] for q in result["quotas"])


@pytest.fixture
def qatar_pool(tmp_path: Path) -> Path:
    lines = ["id,residency,nationality,age_group,profession"]
    nationalities = ["Qatari", "Indian", "Egyptian", "Filipino"]
    ages = ["18-24", "25-34", "35-44", "45-54", "55+"]
    jobs = ["teacher", "engineer", "nurse", "driver", "lawyer", "student"]  # caps: 10 each
    for i in range(90):
        nationality = "Qatari" if i % 2 == 0 else nationalities[1 + i % 3]
        residency = "citizen" if nationality == "Qatari" else "resident"
        lines.append(f"Q{i:03d},{residency},{nationality},{ages[i % 5]},{jobs[i % 6]}")
    return write(tmp_path / "pool.csv", "\n".join(lines) + "\n")


def test_import_shopperkit_does_not_import_the_solver() -> None:
    code = (
        "import sys, shopperkit, shopperkit.cli, shopperkit.selection.drawing;"
        "from shopperkit.selection import draw, Draw, verify;"
        "import shopperkit.io.draws;"
        "assert not {'highspy', 'numpy', 'numba'} & set(sys.modules), sys.modules.keys()"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def pool_from(problem: Problem) -> Pool:
    """The pool of a generated problem: its people with their profiles."""
    return pool_of(
        problem.quotas.features,
        [person for group in problem.members for person in group],
        [
            profile
            for profile, group in zip(problem.profiles, problem.members, strict=True)
            for _ in group
        ],
    )


@settings(max_examples=10, deadline=None)
@given(problem=pools_with_quotas(max_people=8), seed=st.text(min_size=1, max_size=8))
def test_same_seed_same_files(problem: Problem, seed: str) -> None:
    from tempfile import TemporaryDirectory

    pool = pool_from(problem)
    texts = []
    for _ in range(2):
        drawn = draw_cohort(pool, problem.quotas, None, seed)
        assert drawn.panel is not None
        assert all(q.met for q in drawn.quota_report)
        with TemporaryDirectory() as folder:
            write_draw(Path(folder), drawn)
            texts.append(
                [(Path(folder) / name).read_bytes() for name in sorted(os.listdir(folder))]
            )
    assert texts[0] == texts[1]


# --- the library: draw in memory, reveal, replace, verify ----------------------------------


@pytest.fixture
def small() -> tuple[Pool, QuotaSet]:
    """The pool and quotas of ``POOL`` and ``QUOTAS`` with 5 seats, as models."""
    read = pool_from_text(POOL, Path("pool.csv"))
    quotas = QuotaSet(
        5,
        (
            Quota("citizen", "citizen", 3, 5),
            Quota("citizen", "resident", 0, 2),
            Quota("gender", "female", 2, 3),
            Quota("gender", "male", 2, 3),
        ),
    )
    return read.pool, quotas


def test_draw_is_held_in_memory_and_verifies(
    small: tuple[Pool, QuotaSet], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    pool, quotas = small
    drawn = draw_cohort(pool, quotas, 5, "seed 1")
    assert os.listdir(tmp_path) == []
    assert drawn.panel is not None
    assert drawn.audit is not None
    values = {c.id: c.values for c in pool.candidates}
    members = drawn.panel.members
    assert len(members) == 5 == len(set(members))
    assert sum(values[m]["citizen"] == "citizen" for m in members) >= 3
    assert drawn.cohort == members
    assert not set(drawn.waitlist) & set(members)
    assert set(drawn.waitlist) | set(members) <= set(values)
    assert sum(panel.probability for panel in drawn.distribution) == 1
    assert sum(drawn.probabilities.values()) == 5
    assert all(check.ok for check in verify(drawn, pool, quotas))


def test_the_api_is_exported_from_selection() -> None:
    import shopperkit.selection as selection

    for name in ("draw", "reveal", "replace", "verify", "check_pool", "Draw", "QuotaSet"):
        assert name in selection.__all__
        assert getattr(selection, name) is not None
    assert selection.draw is draw_cohort


def test_reveal_after_a_commitment(small: tuple[Pool, QuotaSet]) -> None:
    pool, quotas = small
    lottery_only = draw_cohort(pool, quotas, None, None)
    assert lottery_only.panel is None
    assert lottery_only.cohort == ()
    with pytest.raises(InputError) as caught:
        verify(lottery_only, pool, quotas)
    assert caught.value.code == "draw_not_revealed"
    revealed = reveal(lottery_only, "announced", commitment=lottery_only.commitment)
    direct = draw_cohort(pool, quotas, None, "announced")
    assert revealed.audit is not None
    assert direct.audit is not None
    assert revealed.audit.committed_sha256 == lottery_only.commitment.distribution_sha256
    assert revealed.cohort == direct.cohort
    assert revealed.waitlist == direct.waitlist
    other = evolve(lottery_only.commitment, distribution_sha256="0" * 64)
    with pytest.raises(InputError) as caught:
        reveal(lottery_only, "announced", commitment=other)
    assert caught.value.code == "commitment_mismatch"


def test_replace_in_memory_keeps_quotas_and_verifies(small: tuple[Pool, QuotaSet]) -> None:
    pool, quotas = small
    drawn = draw_cohort(pool, quotas, None, "3")
    gone = drawn.cohort[0]
    after = replace(drawn, gone, reason="moved abroad")
    [made] = after.replacements
    assert made.withdrawn == gone
    assert made.reason == "moved abroad"
    assert made.replacement == drawn.waitlist[made.waitlist_position]
    assert gone not in after.cohort
    assert made.replacement in after.cohort
    assert all(q.met for q in after.quota_report)
    assert after.published.cohort.split()[1:] == list(after.cohort)
    assert all(check.ok for check in verify(after, recompute=False))
    with pytest.raises(InputError) as caught:
        replace(after, gone)
    assert caught.value.code == "withdraw_not_member"


def failed(checks: list[Check]) -> set[str]:
    return {check.name for check in checks if not check.ok}


def test_verify_refutes_a_reordered_waitlist_or_a_changed_cohort_file(
    small: tuple[Pool, QuotaSet],
) -> None:
    pool, quotas = small
    drawn = draw_cohort(pool, quotas, None, "9")
    assert drawn.result is not None
    assert len(drawn.waitlist) >= 2
    waitlist = drawn.waitlist
    swapped = (waitlist[1], waitlist[0], *waitlist[2:])
    reordered = evolve(drawn, result=evolve(drawn.result, waitlist=swapped))
    assert failed(verify(reordered, recompute=False)) >= {"the waitlist is in the seed's order"}
    stranger = waitlist[0]
    cohort = "id\n" + "".join(f"{p}\n" for p in sorted([stranger, *drawn.cohort[1:]]))
    tampered = evolve(drawn, published=evolve(drawn.published, cohort=cohort))
    assert failed(verify(tampered, recompute=False)) == {
        "the published cohort file lists the cohort"
    }


def test_draw_refuses_bad_pools_and_seats_as_data(small: tuple[Pool, QuotaSet]) -> None:
    pool, quotas = small
    with pytest.raises(InputError) as caught:
        draw_cohort(pool, quotas, 6, "1")
    assert (caught.value.code, caught.value.params) == (
        "draw_seats_mismatch",
        {"seats": 6, "quotas": 5},
    )
    narrow = Pool(
        ("gender",), tuple(Candidate(c.id, {"gender": c.values["gender"]}) for c in pool.candidates)
    )
    with pytest.raises(PoolInvalid) as refused:
        draw_cohort(narrow, quotas, None, "1")
    assert (refused.value.code, refused.value.params) == (
        "pool_dimensions_missing",
        {"dimensions": ["citizen"]},
    )
    few = Pool(pool.dimensions, pool.candidates[:4])
    with pytest.raises(PoolInvalid) as refused:
        draw_cohort(few, quotas, None, "1")
    assert refused.value.code == "pool_too_small"
    strange = Pool(
        pool.dimensions, (*pool.candidates, Candidate("", {"citizen": "alien", "gender": "male"}))
    )
    assert [(r.row, [p.code for p in r.errors]) for r in check_pool(strange, quotas)] == [
        (len(strange.candidates), ["value_missing", "pool_value_unknown"])
    ]


def test_infeasible_quotas_raise_with_the_conflict_as_data() -> None:
    pool = pool_of(("g",), ["A", "B", "C", "D"], [("a",), ("a",), ("b",), ("b",)])
    quotas = QuotaSet(3, (Quota("g", "a", 0, 1), Quota("g", "b", 0, 1)))
    with pytest.raises(QuotasInfeasible) as caught:
        draw_cohort(pool, quotas, None, "1")
    assert caught.value.code == "selection_infeasible"
    assert {(b.value, b.kind) for b in caught.value.feasibility.conflict} == {
        ("a", "max"),
        ("b", "max"),
    }


def test_a_programme_gives_the_quotas_of_a_draw(qatar_pool: Path) -> None:
    from shopperkit.registry import Registry

    programme = Registry().programme("qatar-cgb")
    pool = read_pool(qatar_pool).pool
    drawn = draw_cohort(pool, programme, None, "1", "maximin")
    assert drawn.quotas == quotas_for(programme, pool)
    assert drawn.quotas.seats == 50
    assert draw_cohort(pool, programme, 40, None, "maximin").quotas.seats == 40


def test_a_draw_read_back_from_its_files_is_the_same_draw(
    small: tuple[Pool, QuotaSet], tmp_path: Path
) -> None:
    pool, quotas = small
    drawn = draw_cohort(pool, quotas, None, "7", source=POOL)
    write_draw(tmp_path, drawn)
    back = read_draw(tmp_path)
    assert back.result == drawn.result
    assert back.published == drawn.published
    assert back.distribution == drawn.distribution
    assert all(check.ok for check in verify(back))


@settings(max_examples=10, deadline=None)
@given(problem=pools_with_quotas(max_people=8), seed=st.text(min_size=1, max_size=8))
def test_every_draw_verifies_and_a_moved_waitlist_entry_is_refuted(
    problem: Problem, seed: str
) -> None:
    drawn = draw_cohort(pool_from(problem), problem.quotas, None, seed)
    assert failed(verify(drawn, recompute=False)) == set()
    assert drawn.result is not None
    waitlist = drawn.waitlist
    if len(waitlist) >= 2:
        moved = (*waitlist[1:], waitlist[0])
        changed = evolve(drawn, result=evolve(drawn.result, waitlist=moved))
        assert "the waitlist is in the seed's order" in failed(verify(changed, recompute=False))
