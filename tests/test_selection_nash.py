"""nash converges: the proven gap to the optimum is at most 1e-9 and the lottery is exact."""

from __future__ import annotations

import math
from fractions import Fraction

from hypothesis import given, settings

from shopperkit.selection.feasibility import Problem, check
from shopperkit.selection.lottery import NASH_GAP, Lottery, compute
from shopperkit.selection.quotas import Quota, QuotaSet
from shopperkit.testing.strategies import pools_with_quotas


def lottery_of(problem: Problem, method: str) -> Lottery:
    feasibility, panels = check(problem)
    excluded = [
        t
        for t, p in enumerate(problem.profiles)
        if dict(zip(problem.quotas.features, p, strict=True))
        in [e.profile for e in feasibility.excluded]
    ]
    return compute(problem, method, panels, excluded, "s")


def welfare(problem: Problem, lottery: Lottery) -> float:
    """The sum over people of log(probability), over people who can be drawn."""
    exact = lottery.profile_probabilities(problem.sizes)
    return sum(n * math.log(p) for n, p in zip(problem.sizes, exact, strict=True) if p > 0)


def symmetric() -> Problem:
    # 40 people, 4 seats; two features, every combination equally common and the quotas
    # symmetric: by symmetry and concavity the optimum gives everyone exactly 1/10.
    quotas = QuotaSet(
        4,
        (
            Quota("gender", "f", 1, 3),
            Quota("gender", "m", 1, 3),
            Quota("age", "young", 2, 2),
            Quota("age", "old", 2, 2),
        ),
    )
    profiles = (("f", "old"), ("f", "young"), ("m", "old"), ("m", "young"))
    features = quotas.features
    order = tuple(
        tuple(dict(zip(("gender", "age"), p, strict=True))[f] for f in features) for p in profiles
    )
    members = tuple(tuple(f"{''.join(p)}{i}" for i in range(10)) for p in order)
    position = {feature: i for i, feature in enumerate(features)}
    counted = tuple(
        tuple(t for t, p in enumerate(order) if p[position[q.feature]] == q.value)
        for q in quotas.quotas
    )
    return Problem(quotas, order, members, counted)


def test_nash_reaches_one_tenth_for_everyone_on_a_symmetric_pool() -> None:
    problem = symmetric()
    lottery = lottery_of(problem, "nash")
    assert sum(lottery.probabilities) == 1
    assert all(isinstance(p, Fraction) and p > 0 for p in lottery.probabilities)
    assert all(problem.meets(panel) for panel in lottery.panels)
    exact = lottery.profile_probabilities(problem.sizes)
    assert all(abs(p - Fraction(1, 10)) <= 1e-9 for p in exact)
    assert abs(welfare(problem, lottery) - 40 * math.log(0.1)) <= 1e-9
    assert lottery.gap is not None
    assert 0 <= lottery.gap <= NASH_GAP


@settings(max_examples=15, deadline=None)
@given(problem=pools_with_quotas())
def test_nash_beats_leximin_and_its_gap_is_proven(problem: Problem) -> None:
    nash = lottery_of(problem, "nash")
    leximin = lottery_of(problem, "leximin")
    assert nash.gap is not None
    assert nash.gap <= NASH_GAP
    assert leximin.gap is None
    mine, theirs = welfare(problem, nash), welfare(problem, leximin)
    assert mine >= theirs - 1e-12 * max(1.0, abs(theirs))
    # The gap bounds the distance to the optimum: leximin's lottery is a candidate too.
    assert theirs <= mine + nash.gap + 1e-9


def test_nash_does_not_stall_where_a_newton_step_only_narrows_the_gap() -> None:
    """Nine, two and one candidates, four seats (v0 1-3, v1 1-2, v2 0-1): the optimum gives
    v0 and v2 exactly 3/10 each (9 log p + log q with 9p + q = 3). A step that narrowed the
    gradient's gap while losing welfare once sent nash back and forth, stopping at 0.31 and
    0.21."""
    quotas = QuotaSet(
        seats=4,
        quotas=(
            Quota("f0", "v0", 1, 3, None, None),
            Quota("f0", "v1", 1, 2, None, None),
            Quota("f0", "v2", 0, 1, None, None),
        ),
    )
    members = (tuple(f"a{i}" for i in range(9)), ("b0", "b1"), ("c0",))
    problem = Problem(quotas, (("v0",), ("v1",), ("v2",)), members, ((0,), (1,), (2,)))
    lottery = lottery_of(problem, "nash")
    chances = lottery.profile_probabilities(problem.sizes)
    assert abs(chances[0] - Fraction(3, 10)) < 1e-9
    assert abs(chances[2] - Fraction(3, 10)) < 1e-9
    assert lottery.gap is not None
    assert lottery.gap <= NASH_GAP
