"""Hand-offs named by the services they join: journeys in records, keys in scores, reports."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from shopperkit.cli import main
from shopperkit.forms import form_from_data
from shopperkit.forms.export import record_schema
from shopperkit.insights.findings import GroupScores, against_baseline, handoff_name
from shopperkit.insights.recommendations import BUILTIN_RULES, recommend
from shopperkit.insights.stats import Sample
from shopperkit.io.convert import to_data
from shopperkit.io.schemas import problems
from shopperkit.model.forms import Form
from shopperkit.scoring import Scoring, render_card
from shopperkit.scoring.engine import ScoreCard

ROOT = Path(__file__).resolve().parent.parent
QATAR = ROOT / "examples/qatar"

YES_NO = [
    {"value": "yes", "points": 100, "label": {"en": "Yes"}},
    {"value": "no", "points": 0, "label": {"en": "No"}},
]


def question(qid: str) -> dict[str, Any]:
    return {"id": qid, "type": "yes_no", "weight": 1, "text": {"en": qid}, "options": YES_NO}


def handoff(n: int) -> dict[str, Any]:
    return {
        "id": f"h{n}",
        "weight": 1,
        "handoff": True,
        "title": {"en": f"Hand-off {n}"},
        "questions": [{**question(f"h{n}_ok"), "na_allowed": n > 1}],
    }


def journey_form(na: str = "exclude", handoffs: int = 2) -> Form:
    """A stop, then hand-offs (all but the first may be "na")."""
    stop = {"id": "stop", "weight": 1, "title": {"en": "Stop"}, "questions": [question("q1")]}
    return form_from_data(
        {
            "id": "journey-form",
            "version": "1",
            "title": {"en": "Journey"},
            "languages": ["en"],
            "fallback_language": "en",
            "policy": {"na": na},
            "sections": [stop, *(handoff(n) for n in range(1, handoffs + 1))],
        },
        where="journey-form.yaml",
    )


def evaluation(journey: Any = None, **answers: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": "e-1",
        "form": "journey-form",
        "shopper": "s-1",
        "entity": "ent-1",
        "centre": "c-1",
        "service": "a",
        "channel": "visit",
        "visited_at": "2026-03-01T09:30:00+03:00",
        "language": "en",
        "answers": {"q1": "yes", "h1_ok": "yes", "h2_ok": "no", **answers},
    }
    if journey is not None:
        record["journey"] = journey
    return record


def both_paths(form: Form, record: dict[str, Any]) -> dict[str, Any] | list[tuple[str, str]]:
    """The score record or problems, after checking the fast and exact paths agree and the
    exported record schema accepts what is scored."""
    scoring = Scoring([form])
    fast = scoring.fast[form.id](record)
    exact = scoring.exact(record)
    if isinstance(exact, list):
        assert fast is None
        assert not Draft202012Validator(record_schema(form)).is_valid(record) or any(
            p.code in ("journey_start_mismatch", "journey_handoff_repeated") for p in exact
        )
        return [(p.code, p.where) for p in exact]
    journey = record.get("journey") or []
    if len(set(journey)) < len(journey):
        assert fast is None  # a service visited twice: the exact path decides
        assert scoring.score_data(record) == exact
    else:
        assert fast == exact
    assert problems("score", exact) == []
    assert problems("evaluation", record) == []
    assert Draft202012Validator(record_schema(form)).is_valid(record)
    return exact


def test_with_a_journey_hand_offs_are_keyed_by_the_services_they_join() -> None:
    result = both_paths(journey_form(), evaluation(["a", "b", "c"]))
    assert isinstance(result, dict)
    assert result["handoffs"] == {"a>b": 100.0, "b>c": 0.0}
    # the sections keep their ids
    assert result["sections"] == {"stop": 100.0, "h1": 100.0, "h2": 0.0}


def test_a_journey_may_come_back_to_a_service() -> None:
    result = both_paths(journey_form(), evaluation(["a", "b", "a"]))
    assert isinstance(result, dict)
    assert result["handoffs"] == {"a>b": 100.0, "b>a": 0.0}


def test_without_a_journey_hand_offs_stay_keyed_by_section() -> None:
    result = both_paths(journey_form(), evaluation())
    assert isinstance(result, dict)
    assert result["handoffs"] == {"h1": 100.0, "h2": 0.0}
    result = both_paths(journey_form(), evaluation(None))
    assert isinstance(result, dict)
    assert result["handoffs"] == {"h1": 100.0, "h2": 0.0}


def test_a_hand_off_answered_na_needs_no_stop_unless_na_is_scored() -> None:
    result = both_paths(journey_form(), evaluation(["a", "b"], h2_ok="na"))
    assert isinstance(result, dict)
    assert result["handoffs"] == {"a>b": 100.0}
    # "na" scored as zero: the second hand-off counts, so the journey must name it
    found = both_paths(journey_form(na="zero"), evaluation(["a", "b"], h2_ok="na"))
    assert ("journey_too_short", "$.journey") in found
    result = both_paths(journey_form(na="zero"), evaluation(["a", "b", "c"], h2_ok="na"))
    assert isinstance(result, dict)
    assert result["handoffs"] == {"a>b": 100.0, "b>c": 0.0}


@pytest.mark.parametrize(
    ("journey", "code", "where"),
    [
        (["a", "b"], "journey_too_short", "$.journey"),
        (["a"], "journey_too_short", "$.journey"),
        (["x", "b", "c"], "journey_start_mismatch", "$.journey[0]"),
        (["a", "b", "a", "b"], "journey_handoff_repeated", "$.journey"),
        ("a>b", "field_wrong_type", "$.journey"),
        ([], "field_wrong_type", "$.journey"),
        (["a", "", "c"], "field_wrong_type", "$.journey[1]"),
        (["a", 7, "c"], "field_wrong_type", "$.journey[1]"),
    ],
)
def test_a_bad_journey_is_a_problem_with_its_path(journey: Any, code: str, where: str) -> None:
    form = journey_form(handoffs=3 if code == "journey_handoff_repeated" else 2)
    record = evaluation(journey)
    if code == "journey_handoff_repeated":
        record["answers"]["h3_ok"] = "yes"
    found = both_paths(form, record)
    assert (code, where) in found


def test_the_score_card_shows_the_hand_off_services() -> None:
    form = journey_form()
    card = Scoring([form]).card(evaluation(["a", "b", "c"]))
    assert isinstance(card, ScoreCard)
    assert [line.handoff for line in card.sections] == [None, "a>b", "b>c"]
    assert problems("score-card", to_data(card)) == []
    text = render_card(card, form=form)
    assert "Hand-off 1 (a -> b): 100.0" in text
    assert "Hand-off 2 (b -> c): 0.0" in text
    plain = Scoring([form]).card(evaluation())
    assert isinstance(plain, ScoreCard)
    assert [line.handoff for line in plain.sections] == [None, "h1", "h2"]
    assert "Hand-off 1: 100.0" in render_card(plain, form=form)


# End to end on the Qatar missions: the hand-off that fails most is recommended first.

LIKERT = {1: 0, 2: 25, 3: 50, 4: 75, 5: 100}


def _waiting(days: Any) -> float:
    for upto, points in ((0, 100), (2, 75), (5, 50), (10, 25)):
        if days <= upto:
            return points
    return 0


def _likert(value: Any) -> float:
    return LIKERT[value]


def _yes(value: Any) -> float:
    return 100 if value == "yes" else 0


def handoff_by_hand(answers: dict[str, Any], n: int) -> float | None:
    """The n-th hand-off section of the Qatar mission form, scored by its published weights."""
    parts: list[tuple[int, Any, Callable[[Any], float]]] = [
        (30, answers[f"h{n}_referral_clarity"], _likert),
        (25, answers[f"h{n}_documents_carried"], _yes),
        (25, answers[f"h{n}_no_reentry"], _yes),
        (20, answers[f"h{n}_waiting_days"], _waiting),
    ]
    counted = [(weight, score(value)) for weight, value, score in parts if value != "na"]
    if not counted:
        return None
    return sum(w * s for w, s in counted) / sum(w for w, _ in counted)


def test_qatar_missions_report_names_the_worst_hand_off_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scores, out = tmp_path / "scores", tmp_path / "report"
    missions = QATAR / "missions.jsonl"
    assert main(["score", "--programme", "qatar-cgb", str(missions), "--out", str(scores)]) == 0
    monkeypatch.setenv("SHOPPERKIT_PSEUDONYM_SECRET", "a-test-secret-of-enough-length")
    directory = QATAR / "directory.json"
    args = ["report", "--programme", "qatar-cgb", str(scores), "--out", str(out)]
    assert main([*args, "--directory", str(directory)]) == 0
    flagged = {flag["evaluation"] for flag in json.loads((out / "flags.json").read_text())}
    # Each hand-off's mean, from the evaluation records alone.
    values: dict[tuple[str, str], list[float]] = defaultdict(list)
    for line in missions.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record["id"] in flagged:
            continue
        journey = record["journey"]
        for n in (1, 2):
            value = handoff_by_hand(record["answers"], n)
            if value is not None:
                values[(journey[n - 1], journey[n])].append(value)
    means = {pair: sum(v) / len(v) for pair, v in values.items()}
    worst = min(means, key=lambda pair: means[pair])
    names = {s["id"]: s["name"] for s in json.loads(directory.read_text())["services"]}
    owner = {s["id"]: s["entity"] for s in json.loads(directory.read_text())["services"]}
    made = json.loads((out / "recommendations.json").read_text(encoding="utf-8"))
    handoffs = [r for r in made if r["rule"] == "fix_handoff"]
    assert handoffs, "the example holds a hand-off that fails"
    first = handoffs[0]
    assert first["evidence"]["key"] == f"{worst[0]}>{worst[1]}"
    assert first["evidence"]["mean"] == pytest.approx(means[worst], abs=0.01)
    assert first["entity"] == owner[worst[0]]  # addressed to the entity handing over
    for language in ("en", "ar"):
        for service in worst:
            assert names[service][language] in first["text"][language]
    # every hand-off recommended is worse than the ones after it
    assert [r["evidence"]["mean"] for r in handoffs] == sorted(
        r["evidence"]["mean"] for r in handoffs
    )
    report = (out / "report.en.md").read_text(encoding="utf-8")
    assert f"{names[worst[0]]['en']} -> {names[worst[1]]['en']}" in report
    assert "Hand-off from the first to the second service" not in report  # not a factor
    arabic = (out / "report.ar.md").read_text(encoding="utf-8")
    assert f"{names[worst[0]]['ar']} ← {names[worst[1]]['ar']}" in arabic


def test_hand_off_recommendations_name_both_services_worst_first() -> None:
    def handoff_group(key: str, entity: str, mean: float) -> GroupScores:
        return GroupScores("handoff", key, entity, "handoff", Sample(40, mean, 15.0))

    findings = against_baseline(
        [
            handoff_group("svc-a>svc-b", "ent-a", 50.0),  # addressed to ent-a, sorts first
            handoff_group("svc-c>svc-d", "ent-c", 30.0),
            handoff_group("handoff_2", "ent-e", 52.0),  # a record without a journey
        ],
        {"handoff": Sample(500, 75.0, 15.0)},
    )
    names = {
        "svc-a": {"en": "Medical examination", "ar": "الفحص الطبي"},
        "svc-b": {"en": "Biometrics", "ar": "البصمات"},
        "svc-c": {"en": "Trade licence"},
    }
    made = recommend(findings, BUILTIN_RULES, service_names=names)
    assert [r.finding.key for r in made] == ["svc-c>svc-d", "svc-a>svc-b", "handoff_2"]
    by_key = {r.finding.key: r.text for r in made}
    assert "from Medical examination to Biometrics" in by_key["svc-a>svc-b"]["en"]
    assert "الفحص الطبي" in by_key["svc-a>svc-b"]["ar"]
    assert "البصمات" in by_key["svc-a>svc-b"]["ar"]
    # a service without a name (or a name in the language) shows its name in English, else id
    assert "from Trade licence to svc-d" in by_key["svc-c>svc-d"]["en"]
    assert "Trade licence" in by_key["svc-c>svc-d"]["ar"]
    assert "from handoff_2 to the next service" in by_key["handoff_2"]["en"]
    assert handoff_name("svc-a>svc-b", names, "en") == "Medical examination -> Biometrics"
    assert handoff_name("svc-a>svc-b", names, "ar") == "الفحص الطبي ← البصمات"
    assert handoff_name("handoff_2", names, "en") == "handoff_2"
