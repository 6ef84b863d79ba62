"""Policy cases of kind ``selection``: the draw, checked from the pool rows, and its input."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopperkit.errors import InputError
from shopperkit.io.convert import from_data, to_data
from shopperkit.io.schemas import problems
from shopperkit.model.pool import Candidate, Pool
from shopperkit.plugins import Plugins
from shopperkit.selection.feasibility import Problem
from shopperkit.selection.quotas import Quota, QuotaSet
from shopperkit.testing.policy import (
    PolicyCase,
    PolicyRunner,
    SelectionInput,
    draw_selection,
    quota_violations,
    unequal_profiles,
)
from shopperkit.testing.strategies import pools_with_quotas

RUNNER = PolicyRunner(Plugins())


def case_of(selection: dict[str, Any], expected: dict[str, Any] | None = None) -> PolicyCase:
    return PolicyCase(
        "cases.policy.yaml",
        "c",
        "qatar-cgb",
        None,
        {"selection": selection},
        expected or {"feasible": True},
    )


def selection_of(problem: Problem, seed: str = "s") -> dict[str, Any]:
    """The selection input of a problem: its people as pool rows, its quotas and seats."""
    features = problem.quotas.features
    pool = [
        {"id": person, **dict(zip(features, profile, strict=True))}
        for profile, group in zip(problem.profiles, problem.members, strict=True)
        for person in group
    ]
    quotas = to_data(problem.quotas.quotas)
    return {"pool": pool, "seats": problem.quotas.seats, "quotas": quotas, "seed": seed}


def test_leximin_draws_this_feasible_pool() -> None:
    # Found by the properties below: 11 people, 9 seats, three features. A warm-started master
    # programme once stalled here (HiGHS status Unknown) although a valid panel exists.
    bounds = [(4, 5), (4, 5), (4, 5), (4, 5), (3, 4), (3, 3), (2, 3)]
    names = [(f, v) for f, values in (("f0", 2), ("f1", 2), ("f2", 3)) for v in range(values)]
    quotas = tuple(
        Quota(f, f"v{v}", low, high) for (f, v), (low, high) in zip(names, bounds, strict=True)
    )
    groups = {
        "000": ["P007"], "001": ["P004"], "010": ["P000"], "012": ["P001", "P009"],
        "100": ["P008"], "101": ["P002"], "102": ["P010"], "110": ["P003", "P005"],
        "111": ["P006"],
    }  # fmt: skip
    people = [(person, key) for key, group in groups.items() for person in group]
    features = ("f0", "f1", "f2")
    pool = Pool(
        features,
        tuple(
            Candidate(person, {f: f"v{digit}" for f, digit in zip(features, key, strict=True)})
            for person, key in people
        ),
    )
    problem = Problem.of(QuotaSet(9, quotas), pool)
    assert draw_selection(RUNNER, case_of(selection_of(problem, "0"))).feasibility.feasible


@settings(max_examples=30, deadline=None)
@given(problem=pools_with_quotas(), seed=st.text(min_size=1, max_size=8))
def test_a_feasible_draw_meets_every_quota_counted_from_the_pool(
    problem: Problem, seed: str
) -> None:
    selection = selection_of(problem, seed)
    found = draw_selection(RUNNER, case_of(selection))
    assert found.feasibility.feasible
    assert quota_violations(found.quotas, selection["pool"], found.panel) == []
    assert unequal_profiles(found.quotas.features, selection["pool"], found.probabilities) == []


@settings(max_examples=30, deadline=None)
@given(problem=pools_with_quotas())
def test_published_probabilities_sum_to_the_seats(problem: Problem) -> None:
    found = draw_selection(RUNNER, case_of(selection_of(problem)))
    people = sum(len(group) for group in problem.members)
    # Each probability is written with 10 decimals: at most half a unit off each.
    error = abs(sum(found.probabilities.values(), Fraction(0)) - problem.quotas.seats)
    assert error <= Fraction(people, 2 * 10**10)
    assert set(found.probabilities) == {p for group in problem.members for p in group}


@settings(max_examples=20, deadline=None)
@given(problem=pools_with_quotas(), seed=st.text(min_size=1, max_size=8))
def test_the_same_seed_draws_the_same_panel(problem: Problem, seed: str) -> None:
    case = case_of(selection_of(problem, seed))
    assert draw_selection(RUNNER, case).panel == draw_selection(RUNNER, case).panel


POOL = [{"id": "a", "g": "x"}, {"id": "b", "g": "x"}, {"id": "c", "g": "y"}]
QUOTAS = QuotaSet(2, (Quota("g", "x", 1, 1), Quota("g", "y", 0, 2)))


@pytest.mark.parametrize(
    ("panel", "violations"),
    [
        (("a", "c"), []),
        (("a", "b"), ["g=x: 2 seats, bounds 1..1"]),
        (("a",), ["1 seats filled of 2"]),
        (("a", "a"), ["someone is drawn twice", "g=x: 2 seats, bounds 1..1"]),
        (("a", "z"), ["not in the pool: ['z']"]),
    ],
)
def test_quota_violations_are_counted_from_the_pool(
    panel: tuple[str, ...], violations: list[str]
) -> None:
    assert quota_violations(QUOTAS, POOL, panel) == violations


def test_unequal_profiles_are_named() -> None:
    chances = {"a": Fraction(1, 2), "b": Fraction(1, 3), "c": Fraction(1)}
    assert unequal_profiles(("g",), POOL, chances) == ["g=x"]


def test_a_pool_value_without_a_quota_names_row_and_column() -> None:
    selection = {
        "pool": [*POOL, {"id": "d", "g": "w"}],
        "seats": 2,
        "quotas": to_data(QUOTAS.quotas),
    }
    with pytest.raises(InputError, match=r"\$\.input\.selection\.pool\[3\]\.g: .*'w'"):
        draw_selection(RUNNER, case_of(selection))


def test_a_pool_row_without_a_dimension_is_named() -> None:
    selection = {"pool": [*POOL, {"id": "d"}], "seats": 2, "quotas": to_data(QUOTAS.quotas)}
    with pytest.raises(InputError, match=r"\$\.input\.selection\.pool\[3\]\.g: value is missing"):
        draw_selection(RUNNER, case_of(selection))


def test_a_pool_smaller_than_the_seats_is_refused() -> None:
    selection = {"pool": POOL, "seats": 4, "quotas": to_data(QUOTAS.quotas)}
    with pytest.raises(InputError, match="pool"):
        draw_selection(RUNNER, case_of(selection))


def test_programme_quotas_with_other_seats() -> None:
    # qatar-cgb: at least 50% citizens. 3 seats: ceil(1.5) = 2 citizens; one citizen short.
    # At most 60% of 3 = 1.8, so 1 seat per nationality: three nationalities besides Qatari.
    pool = [
        {"id": "q1", "residency": "citizen", "nationality": "Qatari"},
        {"id": "r1", "residency": "resident", "nationality": "Indian"},
        {"id": "r2", "residency": "resident", "nationality": "Egyptian"},
        {"id": "r3", "residency": "resident", "nationality": "Filipino"},
    ]
    drawn = draw_selection(RUNNER, case_of({"pool": pool, "seats": 3}))
    assert not drawn.feasibility.feasible
    assert (
        RUNNER.run(
            case_of(
                {"pool": pool, "seats": 3},
                {
                    "conflict": ["residency=citizen min"],
                    "relaxation": ["residency=citizen min 2 -> 1"],
                },
            )
        )
        == []
    )


quotas = st.builds(
    Quota,
    feature=st.text(min_size=1, max_size=5),
    value=st.text(min_size=1, max_size=5),
    min=st.integers(0, 50),
    max=st.integers(0, 50),
    min_flex=st.none() | st.integers(0, 50),
    max_flex=st.none() | st.integers(0, 50),
)
inputs = st.builds(
    SelectionInput,
    pool=st.lists(
        st.dictionaries(st.text(max_size=5), st.text(max_size=5)).flatmap(
            lambda row: st.text(min_size=1, max_size=5).map(lambda person: {**row, "id": person})
        ),
        min_size=1,
        max_size=4,
    ).map(tuple),
    seats=st.integers(1, 50),
    quotas=st.none() | st.lists(quotas, min_size=1, max_size=3).map(tuple),
    method=st.sampled_from(["leximin", "maximin", "nash", "legacy"]),
    seed=st.text(max_size=5),
)


@given(selection=inputs)
def test_selection_input_round_trips_and_agrees_with_the_schema(
    selection: SelectionInput,
) -> None:
    plain = to_data(selection)
    policy = {
        "cases": [{"name": "c", "input": {"selection": plain}, "expected": {"feasible": True}}]
    }
    assert problems("policy", policy) == []
    assert from_data(SelectionInput, plain) == selection


def test_unknown_expectations_are_refused_with_their_path() -> None:
    policy = {
        "cases": [{"name": "c", "input": {"selection": {"pool": POOL}}, "expected": {"fair": True}}]
    }
    assert [p.path for p in problems("policy", policy)] == ["$.cases[0].expected"]


def test_pool_values_must_be_text() -> None:
    policy = {
        "cases": [
            {
                "name": "c",
                "input": {"selection": {"pool": [{"id": "a", "floor": 3}]}},
                "expected": {"feasible": True},
            }
        ]
    }
    assert [p.path for p in problems("policy", policy)] == [
        "$.cases[0].input.selection.pool[0].floor"
    ]
