"""Relaxation objectives: each proposal is optimal for its objective and lists both measures."""

from __future__ import annotations

import itertools
import json
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopperkit.cli import main
from shopperkit.errors import InputError
from shopperkit.io.convert import from_data, to_data
from shopperkit.selection.drawing import compute_lottery
from shopperkit.selection.feasibility import Feasibility, Problem, check, find_panel
from shopperkit.selection.quotas import Quota, QuotaSet


@st.composite
def infeasible(draw: st.DrawFn) -> Problem:
    """Two features of two values, a small pool and quotas with flex of at most two seats."""
    seats = draw(st.integers(2, 4))
    profiles = [(a, b) for a in ("x", "y") for b in ("p", "q")]
    sizes = [draw(st.integers(0, 3)) for _ in profiles]
    sizes[draw(st.integers(0, 3))] += 1
    quotas = []
    for feature, values in (("f", ("x", "y")), ("g", ("p", "q"))):
        for value in values:
            low = draw(st.integers(0, seats))
            high = draw(st.integers(0, seats))
            quotas.append(
                Quota(
                    feature,
                    value,
                    low,
                    high,
                    max(0, low - draw(st.integers(0, 2))),
                    high + draw(st.integers(0, 2)),
                )
            )
    quota_set = QuotaSet(seats, tuple(quotas))
    order = [t for t, size in enumerate(sizes) if size]
    kept = tuple(profiles[t] for t in order)
    members = tuple(tuple(f"{''.join(profiles[t])}{i}" for i in range(sizes[t])) for t in order)
    counted = tuple(
        tuple(k for k, p in enumerate(kept) if p[0 if q.feature == "f" else 1] == q.value)
        for q in quotas
    )
    return Problem(quota_set, kept, members, counted)


def brute_force(problem: Problem) -> tuple[int | None, Fraction | None, Fraction | None]:
    """The least seats moved, the least weighted seats and the least sum of relative changes
    (|new/old - 1|, old 0 counting as 1) over every relaxation in the flex."""
    options = []
    for q in problem.quotas.quotas:
        assert q.min_flex is not None
        assert q.max_flex is not None
        options.append(
            [(m, x) for m in range(q.min_flex, q.min + 1) for x in range(q.max, q.max_flex + 1)]
        )
    best_seats: int | None = None
    best_weight: Fraction | None = None
    best_relative: Fraction | None = None
    for choice in itertools.product(*options):
        quotas = tuple(
            Quota(q.feature, q.value, m, x, q.min_flex, q.max_flex)
            for q, (m, x) in zip(problem.quotas.quotas, choice, strict=True)
        )
        relaxed = Problem(
            QuotaSet(problem.quotas.seats, quotas),
            problem.profiles,
            problem.members,
            problem.counted,
        )
        if find_panel(relaxed) is None:
            continue
        seats = sum(
            q.min - m + x - q.max for q, (m, x) in zip(problem.quotas.quotas, choice, strict=True)
        )
        weight = sum(
            (
                ((q.min - m) * (1 + Fraction(2, q.min)) if q.min > m else Fraction(0)) + (x - q.max)
                for q, (m, x) in zip(problem.quotas.quotas, choice, strict=True)
            ),
            Fraction(0),
        )
        relative = sum(
            (
                Fraction(abs(m - q.min), max(q.min, 1)) + Fraction(abs(x - q.max), max(q.max, 1))
                for q, (m, x) in zip(problem.quotas.quotas, choice, strict=True)
            ),
            Fraction(0),
        )
        best_seats = seats if best_seats is None else min(best_seats, seats)
        best_weight = weight if best_weight is None else min(best_weight, weight)
        best_relative = relative if best_relative is None else min(best_relative, relative)
    return best_seats, best_weight, best_relative


@settings(max_examples=25, deadline=None)
@given(problem=infeasible())
def test_each_objective_proposes_its_optimum_with_both_measures(problem: Problem) -> None:
    if find_panel(problem) is not None:
        return
    seats, weight, relative = brute_force(problem)
    for objective in ("seats", "weighted", "relative"):
        feasibility, _ = check(problem, objective)
        assert not feasibility.feasible
        assert feasibility.objective == objective
        if seats is None:
            assert feasibility.relaxation is None
            continue
        assert feasibility.relaxation is not None
        for move in feasibility.relaxation:
            assert move.seats == abs(move.to - move.current) > 0
            unit = 1 + Fraction(2, move.current) if move.kind == "min" else Fraction(1)
            assert move.weight == move.seats * unit
            assert move.relative == Fraction(move.seats, max(move.current, 1))
        assert isinstance(feasibility.weight_moved, Fraction)
        assert isinstance(feasibility.relative_moved, Fraction)
        if objective == "seats":
            assert feasibility.seats_moved == seats
        elif objective == "weighted":
            assert feasibility.weight_moved == weight
        else:
            assert feasibility.relative_moved == relative
        assert from_data(Feasibility, to_data(feasibility)) == feasibility


def test_the_objectives_can_disagree() -> None:
    # 2 seats; every x is also q and s, whose maximums are 0. Lowering x's minimum of 1 moves
    # one seat but weighs 1 + 2/1 = 3; raising both maximums moves two seats, weighing 2.
    quotas = QuotaSet(
        2,
        (
            Quota("f", "x", 1, 2),
            Quota("f", "y", 0, 2),
            Quota("g", "p", 0, 2),
            Quota("g", "q", 0, 0),
            Quota("h", "r", 0, 2),
            Quota("h", "s", 0, 0),
        ),
    )
    profiles = (("x", "q", "s"), ("y", "p", "r"))
    members = (("a0", "a1"), ("b0", "b1"))
    problem = Problem(quotas, profiles, members, ((0,), (1,), (1,), (0,), (1,), (0,)))
    by_seats, _ = check(problem, "seats")
    by_weight, _ = check(problem, "weighted")
    assert by_seats.relaxation is not None
    assert by_weight.relaxation is not None
    assert [(m.value, m.kind, m.to) for m in by_seats.relaxation] == [("x", "min", 0)]
    assert (by_seats.seats_moved, by_seats.weight_moved) == (1, Fraction(3))
    assert [(m.value, m.kind, m.to) for m in by_weight.relaxation] == [
        ("q", "max", 1),
        ("s", "max", 1),
    ]
    assert (by_weight.seats_moved, by_weight.weight_moved) == (2, Fraction(2))


def test_an_unknown_objective_is_refused_with_its_code() -> None:
    quotas = QuotaSet(1, (Quota("f", "x", 0, 1),))
    problem = Problem(quotas, (("x",),), (("x0",),), ((0,),))
    with pytest.raises(InputError) as raised:
        compute_lottery(problem, "leximin", "s", relax_objective="cheapest")
    assert raised.value.code == "relax_objective_unknown"


def test_select_proposes_by_the_chosen_objective_and_writes_both_measures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pool = tmp_path / "pool.csv"
    pool.write_text("id,f,g,h\na0,x,q,s\na1,x,q,s\nb0,y,p,r\nb1,y,p,r\n", encoding="utf-8")
    quotas = tmp_path / "quotas.csv"
    quotas.write_text(
        "feature,value,min,max\nf,x,1,2\nf,y,0,2\ng,p,0,2\ng,q,0,0\nh,r,0,2\nh,s,0,0\n",
        encoding="utf-8",
    )
    found = {}
    for objective in ("seats", "weighted"):
        out = tmp_path / objective
        command = ["select", str(pool), "--quotas", str(quotas), "--seats", "2", "--out", str(out)]
        assert main([*command, "--relax-objective", objective]) == 1
        report = json.loads((out / "feasibility.json").read_text(encoding="utf-8"))
        assert report["objective"] == objective
        found[objective] = [(m["value"], m["seats"], m["weight"]) for m in report["relaxation"]]
    assert found == {"seats": [("x", 1, "3")], "weighted": [("q", 1, "1"), ("s", 1, "1")]}
    assert "weighted seats 2" in capsys.readouterr().err
