"""The scoring API from Python: models in, models and problems as data out, mergeable tallies."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from shopperkit.cli import main
from shopperkit.forms import load_form
from shopperkit.io.convert import from_data, to_data
from shopperkit.io.schemas import problems
from shopperkit.io.scores import read_scores
from shopperkit.model import Evaluation, Form, ScoredEvaluation
from shopperkit.problems import FieldProblem
from shopperkit.scoring import Aggregates, Scored, ScoreStream, Scoring, render_card, score
from shopperkit.synthetic import evaluations
from shopperkit.testing.strategies import evaluations_for, forms

EXAMPLE = Path(__file__).resolve().parent.parent / "examples/forms/example-visit.yaml"

form_and_evaluation = forms().flatmap(lambda form: st.tuples(st.just(form), evaluations_for(form)))


@settings(max_examples=60)
@given(pair=form_and_evaluation)
def test_the_model_scores_as_its_data_does(pair: tuple[Form, Evaluation]) -> None:
    form, evaluation = pair
    scoring = Scoring([form])
    scored = scoring.score(evaluation)
    assert isinstance(scored, ScoredEvaluation)
    data = scoring.score_data(to_data(evaluation))
    assert isinstance(data, dict)
    assert scored.id == evaluation.id
    assert scored.visited_at == evaluation.visited_at
    assert scored.overall == data["overall"]
    assert dict(scored.sections) == data["sections"]
    plain = to_data(scored)
    assert problems("score", plain) == []
    assert from_data(ScoredEvaluation, plain) == scored


def _bad_record() -> dict[str, Any]:
    record = next(evaluations(load_form(EXAMPLE), 1, seed=1))
    return {**record, "channel": "fax"}


def test_problems_are_data_in_every_catalogue_language() -> None:
    found = Scoring([load_form(EXAMPLE)]).score(_bad_record())
    assert isinstance(found, list)
    assert [(p.code, p.where) for p in found] == [("field_not_allowed", "$.channel")]
    problem = found[0]
    assert isinstance(problem, FieldProblem)
    assert problem.params["value"] == "fax"
    english, arabic = problem.text("en"), problem.text("ar")
    assert english == problem.message
    assert arabic != english
    assert "fax" in arabic


def test_score_keeps_every_evaluation_and_tallies_the_scored_ones() -> None:
    form = load_form(EXAMPLE)
    records: list[Any] = list(evaluations(form, 40, seed=3))
    records[4] = _bad_record()
    records[9] = "not an evaluation"
    models = [from_data(Evaluation, r) for r in records[20:]]
    result = score([*records[:20], *models], [form], by=["entity"])
    assert isinstance(result, Scored)
    assert result.read == 40
    assert [(r.row, r.file) for r in result.rejected] == [(5, "evaluations"), (10, "evaluations")]
    assert result.rejected[0].id == records[4]["id"]
    assert len(result.evaluations) == 38
    counts = {group: t["overall"].count for group, t in result.aggregates.groups.items()}
    by_entity: dict[tuple[str, ...], int] = {}
    for scored in result.evaluations:
        by_entity[(scored.entity,)] = by_entity.get((scored.entity,), 0) + 1
    assert counts == by_entity
    means = {
        group: sum(s.overall for s in result.evaluations if (s.entity,) == group) / n
        for group, n in by_entity.items()
    }
    for group, tallies in result.aggregates.groups.items():
        assert math.isclose(tallies["overall"].mean, means[group], rel_tol=1e-9)


@settings(max_examples=25, deadline=None)
@given(cut=st.integers(0, 60), seed=st.integers(0, 50))
def test_a_stream_in_parts_merges_into_the_whole(cut: int, seed: int) -> None:
    form = load_form(EXAMPLE)
    records = list(evaluations(form, 60, seed=seed))
    scoring = Scoring([form])
    whole, first, second = (ScoreStream(scoring, ["centre", "month"]) for _ in range(3))
    for record in records:
        whole.add(record)
    for record in records[:cut]:
        first.add(record)
    for record in records[cut:]:
        second.add(record)
    merged = first.aggregates.merge(second.aggregates)
    assert merged.groups.keys() == whole.aggregates.groups.keys()
    for group, tallies in whole.aggregates.groups.items():
        for name, tally in tallies.items():
            other = merged.groups[group][name]
            assert other.count == tally.count
            assert math.isclose(other.mean, tally.mean, rel_tol=1e-9, abs_tol=1e-9)
            assert math.isclose(other.m2, tally.m2, rel_tol=1e-7, abs_tol=1e-6)
    assert first.read + second.read == whole.read == 60


def test_models_and_records_tally_alike() -> None:
    form = load_form(EXAMPLE)
    scoring = Scoring([form])
    by_model, by_record = (
        Aggregates(["week", "day", "channel"]),
        Aggregates(["week", "day", "channel"]),
    )
    for record in evaluations(form, 50, seed=5):
        data = scoring.score_data(record)
        scored = scoring.score(record)
        assert isinstance(data, dict)
        assert isinstance(scored, ScoredEvaluation)
        by_record.add(data)
        by_model.add(scored)
    assert by_model.to_data() == by_record.to_data()


def test_scores_written_by_the_command_read_back_as_the_models(tmp_path: Path) -> None:
    form = load_form(EXAMPLE)
    records = list(evaluations(form, 12, seed=8))
    source = tmp_path / "evaluations.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["score", "--form", str(EXAMPLE), str(source), "--out", str(out)]) == 0
    expected = score(records, [form]).evaluations
    assert tuple(read_scores(out / "scores.jsonl")) == expected


def test_a_card_renders_in_any_language_with_or_without_its_form() -> None:
    form = load_form(EXAMPLE)
    record = next(evaluations(form, 1, seed=2))
    card = Scoring([form]).card(from_data(Evaluation, record))
    assert not isinstance(card, list)
    plain = render_card(card, "ar")
    labelled = render_card(card, "ar", form=form)
    assert card.evaluation in plain.splitlines()[0]
    assert card.shown in plain.splitlines()[0]
    assert form.text(form.sections[0].title, "ar") in labelled
    assert form.sections[0].id in plain


def test_an_evaluation_of_an_unknown_form_is_rejected_with_its_code() -> None:
    record = {**next(evaluations(load_form(EXAMPLE), 1)), "form": "nope"}
    result = score([record], [load_form(EXAMPLE)])
    assert result.evaluations == ()
    assert [p.code for p in result.rejected[0].errors] == ["form_mismatch"]
