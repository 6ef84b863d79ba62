"""Scores by hand: every policy on the example form, rounding, bands and score cards."""

from __future__ import annotations

import copy
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from shopperkit.forms import form_from_data
from shopperkit.io.documents import read_document
from shopperkit.model.forms import Form
from shopperkit.scoring import Scoring, present
from shopperkit.scoring.engine import ScoreCard

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples/forms/example-visit.yaml"

ANSWERS = {
    "greeted": "yes",  # 1 of 1 point: 100
    "wait_minutes": 12,  # second band, 60 of 100 points: 60
    "staff_courtesy": 4,  # 75 of 100: 75
    "requirements_clear": "partly",  # 1 of 2: 50
    "payment_channels": ["card", "cash"],  # 50 + 20 of 100: 70
    "unclear_why": "the fee",  # text: no score
    "extra_help": "yes",  # bonus: 100
}


def example(**policy: Any) -> Form:
    """The example form with some policy choices changed."""
    data = read_document(EXAMPLE)
    data["policy"].update(policy)
    return form_from_data(data, where="example")


def record(**answers: Any) -> dict[str, Any]:
    """A valid record of the example form; keyword ``None`` removes an answer."""
    merged = {**ANSWERS, **answers}
    return {
        "id": "e-1",
        "form": "example-visit",
        "form_version": "1",
        "programme": None,
        "shopper": "s-1",
        "entity": "ent-1",
        "centre": "c-1",
        "service": "svc-1",
        "channel": "whatsapp",
        "visited_at": "2026-03-01T09:30:00+04:00",
        "submitted_at": None,
        "language": "ar",
        "answers": {key: value for key, value in merged.items() if value is not None},
        "comment": "",
    }


def scored(form: Form, data: dict[str, Any]) -> dict[str, Any]:
    result = Scoring([form]).score_data(data)
    assert isinstance(result, dict), result
    return result


def test_weighted_mean_by_hand() -> None:
    result = scored(example(), record())
    # reception: (40 * 100 + 60 * 60) / 100
    assert result["sections"]["reception"] == pytest.approx(76.0)
    # service: (50 * 75 + 30 * 50 + 20 * 70) / 100 plus the bonus 10 * 100 / 100
    assert result["sections"]["service"] == pytest.approx(66.5 + 10.0)
    assert result["overall"] == pytest.approx((40 * 76.0 + 60 * 76.5) / 100)
    assert result["items"]["unclear_why"] is None
    assert result["items"]["payment_channels"] == pytest.approx(70.0)
    assert result["band"] == "B"
    assert result["failed_critical"] == []


@pytest.mark.parametrize(
    ("na", "service"),
    [
        ("exclude", (50 * 75 + 20 * 70 + 10 * 100) / 70),  # weights 50 + 20 re-normalised
        ("zero", (50 * 75 + 30 * 0 + 20 * 70 + 10 * 100) / 100),
        ("full", (50 * 75 + 30 * 100 + 20 * 70 + 10 * 100) / 100),
    ],
)
def test_not_applicable_policies(na: str, service: float) -> None:
    result = scored(example(na=na), record(requirements_clear="na", unclear_why=None))
    assert result["sections"]["service"] == pytest.approx(service)
    assert result["overall"] == pytest.approx((40 * 76 + 60 * service) / 100)
    assert (
        result["items"]["requirements_clear"] == {"exclude": None, "zero": 0.0, "full": 100.0}[na]
    )


def test_a_section_with_nothing_scored_drops_out() -> None:
    data = read_document(EXAMPLE)
    for question in data["sections"][0]["questions"]:
        question["na_allowed"] = True
    form = form_from_data(data, where="example")
    result = scored(form, record(greeted="na", wait_minutes="na"))
    assert result["sections"]["reception"] is None
    assert result["overall"] == pytest.approx(result["sections"]["service"])  # weight 60 of 60


@pytest.mark.parametrize(
    ("policy", "service", "overall"),
    [
        ("zero_section", 0.0, 40 * 76 / 100),
        ("zero_overall", (0 + 30 * 50 + 20 * 70 + 10 * 100) / 100, 0.0),
        ("flag_only", 39.0, (40 * 76 + 60 * 39) / 100),
    ],
)
def test_critical_policies(policy: str, service: float, overall: float) -> None:
    result = scored(example(critical=policy), record(staff_courtesy=1))  # 0 points: failed
    assert result["failed_critical"] == ["staff_courtesy"]
    assert result["sections"]["service"] == pytest.approx(service)
    assert result["overall"] == pytest.approx(overall)


def test_fail_below_makes_a_low_score_a_failure() -> None:
    data = read_document(EXAMPLE)
    data["sections"][1]["questions"][0]["fail_below"] = 50
    form = form_from_data(data, where="example")
    assert scored(form, record(staff_courtesy=2))["failed_critical"] == ["staff_courtesy"]
    assert scored(form, record(staff_courtesy=3))["failed_critical"] == []


def test_na_on_a_critical_item_is_not_a_failure() -> None:
    data = read_document(EXAMPLE)
    data["sections"][1]["questions"][0]["na_allowed"] = True
    form = form_from_data(data, where="example")
    assert scored(form, record(staff_courtesy="na"))["failed_critical"] == []


def test_points_ratio_by_hand() -> None:
    result = scored(example(aggregation="points_ratio"), record())
    # reception points: greeted 40 * 1 of 40 * 1, wait 60 * 60 of 60 * 100
    reception = (40 * 1 + 60 * 60) / (40 * 1 + 60 * 100) * 100
    # service: courtesy 50 * 75 of 50 * 100, clear 30 * 1 of 30 * 2, payment 20 * 70 of
    # 20 * 100, plus the bonus 10 * 1 on top
    base = 50 * 100 + 30 * 2 + 20 * 100
    service = (50 * 75 + 30 * 1 + 20 * 70 + 10 * 1) / base * 100
    assert result["sections"]["reception"] == pytest.approx(reception)
    assert result["sections"]["service"] == pytest.approx(service)
    total = reception / 100 * (40 + 6000) + service / 100 * base
    assert result["overall"] == pytest.approx(total / (40 + 6000 + base) * 100)


@pytest.mark.parametrize(("cap", "service"), [(True, 100.0), (False, 110.0)])
def test_bonus_cap(cap: bool, service: float) -> None:
    best = record(
        wait_minutes=5,
        staff_courtesy=5,
        requirements_clear="clear",
        payment_channels=["card", "app", "cash"],
        unclear_why=None,
    )
    result = scored(example(bonus_cap=cap), best)
    assert result["sections"]["service"] == pytest.approx(service)


@pytest.mark.parametrize(
    ("value", "precision", "shown"),
    [
        (2.675, 2, "2.68"),  # the float is 2.67499999...; shown as written
        (0.125, 2, "0.13"),  # half-up, not half-even
        (82.35, 1, "82.4"),
        (math.nextafter(82.35, 0), 1, "82.4"),  # float noise from a sum
        (79.94, 1, "79.9"),
        (100.0, 0, "100"),
    ],
)
def test_present_rounds_half_up(value: float, precision: int, shown: str) -> None:
    assert present(value, precision) == Decimal(shown)
    assert str(present(value, precision)) == shown


@pytest.mark.parametrize(
    ("bands_on", "bounds", "band"),
    [
        ("rounded", "upper_inclusive", "B"),  # 80.04 shows as 80.0, in "up to 80"
        ("raw", "upper_inclusive", "A"),  # 80.04 is above 80
        ("rounded", "lower_inclusive", "A"),  # 80.0 starts band A
    ],
)
def test_bands_before_or_after_rounding(bands_on: str, bounds: str, band: str) -> None:
    data = read_document(EXAMPLE)
    data["policy"].update(bands_on=bands_on, bounds=bounds)
    # one yes/no question alone decides the score: 80.04 points of 100
    data["sections"] = [data["sections"][0]]
    data["sections"][0]["weight"] = 100
    data["sections"][0]["questions"] = [
        {
            "id": "q",
            "type": "choice",
            "text": {"en": "q", "ar": "q"},
            "options": [{"value": "a", "points": 80.04}, {"value": "b", "points": 100}],
        }
    ]
    form = form_from_data(data, where="bands")
    data_record = record()
    data_record["answers"] = {"q": "a"}
    assert scored(form, data_record)["band"] == band


def test_nothing_to_score_is_rejected() -> None:
    data = read_document(EXAMPLE)
    for section in data["sections"]:
        for question in section["questions"]:
            question["na_allowed"] = True
    form = form_from_data(data, where="example")
    answers = {q.id: "na" for s in form.sections for q in s.questions if q.type != "text"}
    problems = Scoring([form]).score_data(record(**answers, unclear_why=None))
    assert isinstance(problems, list)
    assert [(p.code, p.where) for p in problems] == [("no_scored_answers", "$.answers")]


def test_score_card_lets_a_reader_redo_the_sum() -> None:
    card = Scoring([example()]).card(record())
    assert isinstance(card, ScoreCard)
    for section in card.sections:
        assert section.score is not None
        assert sum(item.contribution for item in section.items) == pytest.approx(section.score)
    assert sum(section.contribution for section in card.sections) == pytest.approx(card.overall)
    assert card.shown == "76.3"
    lines = {item.question: item for section in card.sections for item in section.items}
    assert lines["wait_minutes"].contribution == pytest.approx(60 * 60 / 100)
    assert lines["extra_help"].bonus
    assert lines["unclear_why"].state == "text"


def test_every_problem_of_a_record_with_its_path() -> None:
    bad = record(
        greeted=None,  # required
        wait_minutes=900,  # above max 600
        staff_courtesy=True,  # not an option value type
        requirements_clear="clear",  # so unclear_why is not asked...
        payment_channels=["card", "cheque"],
    )
    bad["answers"]["bogus"] = 1
    bad["channel"] = "fax"
    del bad["entity"]
    problems = Scoring([example()]).score_data(bad)
    assert isinstance(problems, list)
    assert sorted((p.code, p.where) for p in problems) == sorted(
        [
            ("field_missing", "$.entity"),
            ("field_not_allowed", "$.channel"),
            ("answer_question_unknown", "$.answers.bogus"),
            ("answer_missing", "$.answers.greeted"),
            ("answer_out_of_range", "$.answers.wait_minutes"),
            ("answer_wrong_type", "$.answers.staff_courtesy"),
            ("answer_option_unknown", "$.answers.payment_channels"),
            ("answer_not_shown", "$.answers.unclear_why"),  # ...but was answered
        ]
    )


def test_na_where_not_allowed_and_wrong_form() -> None:
    bad = record(greeted="na")
    bad["form"] = "other"
    bad["form_version"] = "9"
    problems = Scoring([example()]).score_data(copy.deepcopy(bad))
    assert isinstance(problems, list)
    assert sorted((p.code, p.where) for p in problems) == [
        ("answer_na_not_allowed", "$.answers.greeted"),
        ("form_mismatch", "$.form"),
        ("form_version_mismatch", "$.form_version"),
    ]


def test_a_time_without_offset_is_refused() -> None:
    bad = record()
    bad["visited_at"] = "2026-03-01T09:30:00"
    problems = Scoring([example()]).score_data(bad)
    assert isinstance(problems, list)
    assert [(p.code, p.where) for p in problems] == [("datetime_unparseable", "$.visited_at")]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ([], [("record_not_object", "$")]),
        ("text", [("record_not_object", "$")]),
        (None, [("record_not_object", "$")]),
    ],
)
def test_a_record_that_is_no_object(data: Any, expected: list[tuple[str, str]]) -> None:
    found = Scoring([example()]).score_data(data)
    assert isinstance(found, list)
    assert [(p.code, p.where) for p in found] == expected


def test_a_form_field_of_the_wrong_type() -> None:
    bad = record()
    bad["form"] = ["example-visit"]
    found = Scoring([example()]).score_data(bad)
    assert isinstance(found, list)
    assert ("field_wrong_type", "$.form") in [(p.code, p.where) for p in found]
    two = Scoring([example(), form_from_data({**read_document(EXAMPLE), "id": "b"}, where="b")])
    found = two.score_data(bad)
    assert isinstance(found, list)
    assert [(p.code, p.where) for p in found] == [("form_mismatch", "$.form")]


def _rated(required: bool = True, na_allowed: bool = False) -> Form:
    data = read_document(EXAMPLE)
    question = data["sections"][0]["questions"][0]
    question.update(type="stars", required=required, na_allowed=na_allowed, critical=True)
    del question["options"]
    return form_from_data(data, where="rated")


def _stars(answer: Any) -> float:
    if type(answer) is not int or not 0 <= answer <= 5:
        raise ValueError("0 to 5 stars")
    return answer * 20.0 if answer != 5 else 250.0  # 5 stars: out of range on purpose


def test_a_plugin_question_type_is_scored_by_its_scorer() -> None:
    scoring = Scoring([_rated()], {"stars": _stars})
    result = scored_by(scoring, record(greeted=3))
    assert result["items"]["greeted"] == 60.0
    assert result["sections"]["reception"] == pytest.approx((40 * 60 + 60 * 60) / 100)
    assert scoring.exact(record(greeted=3)) == result
    zero = scored_by(scoring, record(greeted=0))
    assert zero["failed_critical"] == ["greeted"]
    for answer, code in ((9, "answer_refused"), (5, "answer_refused"), ("x", "answer_refused")):
        found = scoring.score_data(record(greeted=answer))
        assert isinstance(found, list)
        assert [(p.code, p.where) for p in found] == [(code, "$.answers.greeted")]


def scored_by(scoring: Scoring, data: dict[str, Any]) -> dict[str, Any]:
    result = scoring.score_data(data)
    assert isinstance(result, dict), result
    return result


def test_a_form_with_a_type_no_plugin_scores_is_refused() -> None:
    from shopperkit.errors import InputError

    with pytest.raises(InputError) as caught:
        Scoring([_rated()])
    assert caught.value.code == "question_type_unknown"
    assert "stars" in str(caught.value)


def test_plugins_provide_question_scorers_without_clashes() -> None:
    from shopperkit.errors import PluginError
    from shopperkit.plugins import Plugins, make_plugin_manager, module_plugin

    def plugins(*answers: dict[str, Any]) -> Plugins:
        modules = [
            (f"p{i}", module_plugin(f"p{i}", shopperkit_question_scorers=lambda a=a: a))
            for i, a in enumerate(answers)
        ]
        return Plugins(make_plugin_manager(plugins=modules, autoload=False))

    assert plugins({"stars": _stars}).question_scorers() == {"stars": _stars}
    with pytest.raises(PluginError) as caught:
        plugins({"stars": _stars}, {"stars": _stars}).question_scorers()
    assert caught.value.code == "question_type_duplicate"
    with pytest.raises(PluginError) as caught:
        plugins({"likert": _stars}).question_scorers()
    assert caught.value.code == "plugin_invalid"


def test_a_key_that_is_no_identifier_is_quoted_in_the_path() -> None:
    bad = record()
    bad["answers"]["what's up"] = 1
    bad["extra field"] = 1
    found = Scoring([example()]).score_data(bad)
    assert isinstance(found, list)
    assert sorted(p.where for p in found) == ["$.answers['what\\'s up']", "$['extra field']"]


def test_the_card_as_text_in_the_reader_language() -> None:
    from shopperkit.scoring import render_card

    form = example()
    card = Scoring([form]).card(record())
    assert isinstance(card, ScoreCard)
    text = render_card(card, "ar", form=form)
    # every contribution worked out by hand in test_weighted_mean_by_hand
    for label, adds in [
        ("هل تم استقبالك عند الوصول؟", "40.0"),
        ("كم دقيقة انتظرت؟", "36.0"),
        ("ما مدى لباقة الموظفين؟", "37.5"),
        ("هل كانت المتطلبات واضحة؟", "15.0"),
        ("ما طرق الدفع المتاحة؟", "14.0"),
    ]:
        line = next(line for line in text.splitlines() if line.strip().startswith(label))
        assert adds in line
    assert "76.3" in text.splitlines()[0]
    assert "B" in text.splitlines()[0]
    reception = next(line for line in text.splitlines() if line.startswith("الاستقبال: "))
    assert "76.0" in reception
    assert "30.4" in reception
    # the card's own words are in the reader's language too, not only the form's labels
    assert render_card(card, "en", form=form).count("adds") > 0
    assert "adds" not in text
    assert "overall" not in text


def test_a_card_renders_without_its_form_by_ids() -> None:
    from shopperkit.scoring import render_card

    card = Scoring([example()]).card(record())
    assert isinstance(card, ScoreCard)
    text = render_card(card, "ar")
    assert all(section.section in text for section in card.sections)
    assert "76.3" in text.splitlines()[0]


@pytest.mark.parametrize("wait", [10**400, float("inf"), float("nan"), -(10**400)])
def test_huge_or_infinite_numbers_are_refused_not_crashed_on(wait: Any) -> None:
    found = Scoring([example()]).score_data(record(wait_minutes=wait))
    assert isinstance(found, list)
    assert [p.where for p in found] == ["$.answers.wait_minutes"]
