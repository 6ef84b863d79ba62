"""Properties of validation, scoring and tallies over generated forms and evaluations."""

from __future__ import annotations

import itertools
import json
import math
import random
from pathlib import Path
from typing import Any

from attrs import evolve
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from shopperkit.forms import load_form
from shopperkit.forms.export import record_schema
from shopperkit.io.convert import from_data, to_data
from shopperkit.io.schemas import problems
from shopperkit.model import Evaluation, Form, ScoredEvaluation, Section
from shopperkit.scoring import Aggregates, Scoring, Tally
from shopperkit.synthetic import evaluations
from shopperkit.testing.strategies import broken_evaluations_for, evaluations_for, forms

EXAMPLE = Path(__file__).resolve().parent.parent / "examples/forms/example-visit.yaml"

form_and_evaluation = forms().flatmap(lambda form: st.tuples(st.just(form), evaluations_for(form)))


@settings(max_examples=150)
@given(pair=form_and_evaluation)
def test_valid_evaluations_are_accepted_and_scores_stay_in_range(
    pair: tuple[Form, Evaluation],
) -> None:
    form, evaluation = pair
    data = to_data(evaluation)
    scoring = Scoring([form])
    scorer = scoring.scorers[form.id]
    assert scorer.compiled.problems(data) == []
    assert scorer.compiled.read(data) is not None
    result = scoring.fast[form.id](data)  # the generated hot path...
    assert result is not None
    exact = scoring.exact(data)  # ...agrees with the exact path
    assert isinstance(exact, dict)
    _close(result, exact)
    assert problems("score", result) == []
    assert from_data(ScoredEvaluation, result).id == evaluation.id
    values = [result["overall"], *result["sections"].values(), *result["items"].values()]
    for value in values:
        if value is not None:
            assert value >= 0.0
            assert value <= 100.0 + 1e-9 or not form.policy.bonus_cap
    assert Draft202012Validator(record_schema(form)).is_valid(data)


@settings(max_examples=150)
@given(data=st.data())
def test_broken_evaluations_are_rejected_with_their_problem(data: st.DataObject) -> None:
    form = data.draw(forms())
    record, code, where = data.draw(broken_evaluations_for(form))
    scoring = Scoring([form])
    assert scoring.scorers[form.id].compiled.read(record) is None
    assert scoring.fast[form.id](record) is None
    found = scoring.score_data(record)
    assert isinstance(found, list)
    assert (code, where) in [(problem.code, problem.where) for problem in found]
    assert not Draft202012Validator(record_schema(form)).is_valid(record)


def _without(form: Form, removed: set[str]) -> Form:
    """The form without the questions in ``removed`` and those only asked after them."""
    sections = []
    for section in form.sections:
        kept = []
        for question in section.questions:
            if question.show_if is not None and question.show_if.question in removed:
                removed.add(question.id)
            if question.id not in removed:
                kept.append(question)
        if kept:
            sections.append(Section(section.id, section.weight, section.title, tuple(kept)))
    return evolve(form, sections=tuple(sections))


def _allow_na(form: Form, qid: str) -> Form:
    sections = tuple(
        evolve(
            section,
            questions=tuple(
                evolve(q, na_allowed=True) if q.id == qid else q for q in section.questions
            ),
        )
        for section in form.sections
    )
    return evolve(form, sections=sections)


@settings(max_examples=150)
@given(data=st.data())
def test_na_only_renormalises_the_other_weights(data: st.DataObject) -> None:
    form = data.draw(forms())
    form = evolve(form, policy=evolve(form.policy, na="exclude"))
    evaluation = to_data(data.draw(evaluations_for(form)))
    answered = sorted(evaluation["answers"])
    target = data.draw(st.sampled_from(answered))
    form = _allow_na(form, target)
    removed = {target}
    smaller = _without(form, removed)  # adds the questions asked only after the target
    answers = {k: v for k, v in evaluation["answers"].items() if k not in removed}
    full_record = {**evaluation, "answers": {**answers, target: "na"}}
    by_hand = {**evaluation, "answers": answers}
    full = Scoring([form]).score_data(full_record)
    if isinstance(full, list):  # the target was the only answer that counted
        assert [problem.code for problem in full] == ["no_scored_answers"]
        return
    reduced = Scoring([smaller]).score_data(by_hand)
    assert isinstance(reduced, dict)
    assert math.isclose(full["overall"], reduced["overall"], rel_tol=1e-9, abs_tol=1e-9)
    for section, score in reduced["sections"].items():
        expected = full["sections"][section]
        assert (score is None) == (expected is None)
        if score is not None:
            assert math.isclose(score, expected, rel_tol=1e-9, abs_tol=1e-9)


def _merge_in_random_order(parts: list[Tally], rng: random.Random) -> Tally:
    while len(parts) > 1:
        i = rng.randrange(len(parts) - 1)
        parts[i : i + 2] = [parts[i].merge(parts[i + 1])]
    return parts[0]


@given(
    values=st.lists(st.floats(0, 100), max_size=60),
    cuts=st.lists(st.integers(0, 60), max_size=6),
    seed=st.integers(0, 1000),
)
def test_merged_tallies_equal_one_pass(values: list[float], cuts: list[int], seed: int) -> None:
    bounds = sorted({0, len(values), *(min(c, len(values)) for c in cuts)})
    parts = []
    for low, high in itertools.pairwise(bounds):
        tally = Tally()
        for value in values[low:high]:
            tally.add(value)
        parts.append(tally)
    one = Tally()
    for value in values:
        one.add(value)
    merged = _merge_in_random_order(parts or [Tally()], random.Random(seed))
    assert merged.count == one.count
    assert math.isclose(merged.mean, one.mean, rel_tol=1e-9, abs_tol=1e-9)
    assert math.isclose(merged.m2, one.m2, rel_tol=1e-7, abs_tol=1e-6)


@settings(max_examples=20)
@given(seed=st.integers(0, 10_000), parts=st.integers(1, 7))
def test_scoring_in_random_parts_then_merging_gives_the_one_pass_aggregates(
    seed: int, parts: int
) -> None:
    form = load_form(EXAMPLE)
    scoring = Scoring([form])
    records = [scoring.score_data(r) for r in evaluations(form, 300, seed=seed)]
    rng = random.Random(seed)
    split: list[Aggregates] = [Aggregates(["centre", "month"]) for _ in range(parts)]
    one = Aggregates(["centre", "month"])
    for result in records:
        assert isinstance(result, dict)
        one.add(result)
        split[rng.randrange(parts)].add(result)
    merged = _merge_aggregates(split, rng)
    _close(merged.to_data(), one.to_data())


def _merge_aggregates(parts: list[Aggregates], rng: random.Random) -> Aggregates:
    while len(parts) > 1:
        i = rng.randrange(len(parts) - 1)
        parts[i : i + 2] = [parts[i].merge(parts[i + 1])]
    return parts[0]


def _close(got: Any, want: Any) -> None:
    if isinstance(want, float):
        assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9)
    elif isinstance(want, dict):
        assert got.keys() == want.keys()
        for key in want:
            _close(got[key], want[key])
    elif isinstance(want, list):
        assert len(got) == len(want)
        for a, b in zip(got, want, strict=True):
            _close(a, b)
    else:
        assert got == want


def test_synthetic_evaluations_are_all_valid() -> None:
    form = load_form(EXAMPLE)
    scoring = Scoring([form])
    lines = [json.dumps(record) for record in evaluations(form, 500, seed=3)]
    results = list(scoring.lines(lines, "synthetic"))
    assert all(isinstance(result, dict) for result in results)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 700)
    | st.integers()
    | st.floats()
    | st.sampled_from(["na", "yes", "o0", "", "x"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=5,
)


@settings(max_examples=300)
@given(data=st.data())
def test_any_change_to_a_record_is_scored_or_explained_never_raises(data: st.DataObject) -> None:
    form = data.draw(forms())
    record = to_data(data.draw(evaluations_for(form)))
    questions = [q.id for s in form.sections for q in s.questions]
    where = data.draw(st.sampled_from(["field", "answer", "drop"]))
    if where == "field":
        record[data.draw(st.sampled_from(sorted(record)))] = data.draw(json_values)
    elif where == "answer":
        record["answers"][data.draw(st.sampled_from(questions))] = data.draw(json_values)
    else:
        record["answers"].pop(data.draw(st.sampled_from(questions)), None)
    scoring = Scoring([form])
    result = scoring.score_data(record)
    exact = scoring.exact(record)
    if isinstance(result, dict):
        assert isinstance(exact, dict)
        _close(result, exact)
    else:
        assert result
        assert exact == result


@given(
    st.lists(
        st.tuples(st.sampled_from("abc"), st.sampled_from("xy"), st.integers(0, 9)),
        max_size=60,
    ),
    st.integers(1, 6),
    st.integers(1, 4),
)
@settings(max_examples=200)
def test_keeping_only_k_shoppers_decides_publishing_as_keeping_all_does(
    visits: list[tuple[str, str, int]], k: int, parts: int
) -> None:
    """Aggregates built in parts with ``enough_shoppers=k``, merged, then rolled up into
    every group's union: each tally has k distinct shoppers exactly when the full sets do."""
    full = [Aggregates(("centre",), shoppers=True) for _ in range(parts)]
    kept = [Aggregates(("centre",), shoppers=True, enough_shoppers=k) for _ in range(parts)]
    for index, (centre, factor, shopper) in enumerate(visits):
        for built in (full, kept):
            built[index % parts].add_scores((centre,), {factor: 50.0}, f"s{shopper}")
    merged_full, merged_kept = full[0], kept[0]
    for index in range(1, parts):
        merged_full, merged_kept = merged_full.merge(full[index]), merged_kept.merge(kept[index])
    rolled_full: dict[str, Tally] = {}
    rolled_kept: dict[str, Tally] = {}
    for (centre,), tallies in merged_full.groups.items():
        for factor, tally in tallies.items():
            other = merged_kept.groups[(centre,)][factor]
            assert len(other.shoppers or ()) <= k
            assert (len(tally.shoppers or ()) >= k) == (len(other.shoppers or ()) >= k)
            before = rolled_full.get(factor, Tally(shoppers=set()))
            rolled_full[factor] = before.merge(tally)
            kept_before = rolled_kept.get(factor, Tally(shoppers=set()))
            rolled_kept[factor] = kept_before.merge(other, k)
    for factor, tally in rolled_full.items():
        reached = len(rolled_kept[factor].shoppers or ()) >= k
        assert (len(tally.shoppers or ()) >= k) == reached
