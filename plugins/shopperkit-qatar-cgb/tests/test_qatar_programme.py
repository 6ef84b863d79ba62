"""The installed Qatar-style package: found by entry point, conditions as parameters."""

from __future__ import annotations

import json
from datetime import date
from importlib.metadata import entry_points
from itertools import pairwise
from pathlib import Path

import pytest

from shopperkit.eligibility import Screener
from shopperkit.forms import available_forms
from shopperkit.forms.lint import lint_files
from shopperkit.io.schemas import problems
from shopperkit.model import Applicant, Residency, Status
from shopperkit.plugins import Plugins
from shopperkit.programmes import available_programmes
from shopperkit.scoring import Scoring
from shopperkit_qatar_cgb import FORM_FILES


def test_entry_point_is_named_qatar_cgb() -> None:
    names = {ep.name: ep.value for ep in entry_points(group="shopperkit")}
    assert names["qatar-cgb"] == "shopperkit_qatar_cgb"


def test_programme_is_provided_by_this_package() -> None:
    plugin, programme = available_programmes(Plugins())["qatar-cgb"]
    assert plugin == "qatar-cgb"
    assert programme.participation == "recruited"
    assert programme.day("reference_date") == programme.day("registration_closes")


def test_a_resident_of_exactly_two_years_aged_exactly_18_is_eligible() -> None:
    plugins = Plugins()
    _, programme = available_programmes(plugins)["qatar-cgb"]
    applicant = Applicant(
        id="edge",
        birth_date=date(2004, 7, 6),
        nationality="Indian",
        residency=Residency("resident", date(2020, 7, 6)),
        declarations=frozenset(d.id for d in programme.declarations),
        applied_on=date(2022, 7, 6),
    )
    assert Screener(programme, plugins).screen(applicant).status is Status.ELIGIBLE


def test_forms_are_provided_in_arabic_and_english() -> None:
    forms = available_forms(Plugins())
    for form_id in ("qatar-visit", "qatar-mission"):
        plugin, form = forms[form_id]
        assert plugin == "qatar-cgb"
        assert form.languages == ("ar", "en")
        texts = [form.title] + [s.title for s in form.sections]
        for section in form.sections:
            for question in section.questions:
                texts += [question.text] + [option.label for option in question.options]
        texts += [band.label for band in form.bands]
        for text in texts:
            assert set(text) == {"ar", "en"}
            assert text["ar"] != text["en"]
            assert any("\u0600" <= ch <= "\u06ff" for ch in text["ar"])


def test_forms_pass_the_linter() -> None:
    assert lint_files(list(FORM_FILES.values())) == []


def test_mission_scores_hand_offs_between_linked_services() -> None:
    form = available_forms(Plugins())["qatar-mission"][1]
    handoffs = [section for section in form.sections if section.handoff]
    assert [section.id for section in handoffs] == ["handoff_1", "handoff_2"]
    for section in handoffs:
        kinds = {question.id.split("_", 1)[1]: question.type for question in section.questions}
        assert kinds == {
            "referral_clarity": "likert",
            "documents_carried": "yes_no",
            "no_reentry": "yes_no",
            "waiting_days": "number",
        }
    # A journey of two services answers the second hand-off and the third stop with N/A.
    optional = [s for s in form.sections if s.id in ("handoff_2", "stop_3")]
    assert all(q.na_allowed or q.type == "text" for s in optional for q in s.questions)
    critical = [q.id for s in form.sections for q in s.questions if q.critical]
    assert critical == ["journey_completed"]
    assert form.policy.critical == "zero_overall"


def test_example_missions_answer_the_mission_form() -> None:
    form = available_forms(Plugins())["qatar-mission"][1]
    questions = form.questions()
    path = Path(__file__).resolve().parents[3] / "examples/qatar/missions.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 60
    for record in records:
        assert record["journey"][0] == record["service"]
        # the n-th hand-off section took place only if the journey has an (n+1)-th service
        took_place = record["answers"]["h2_referral_clarity"] != "na"
        assert len(record["journey"]) == (3 if took_place else 2), record["id"]
        assert problems("evaluation", record) == []
        assert record["form"] == form.id
        for qid, value in record["answers"].items():
            question = questions[qid][1]
            if value == "na":
                assert question.na_allowed, qid
            elif question.options:
                assert value in {option.value for option in question.options}, qid
            elif question.type != "text":
                assert question.min is not None
                assert question.max is not None
                assert question.min <= value <= question.max, qid
        required = {q for q, (_, question) in questions.items() if question.required}
        assert required <= set(record["answers"]), record["id"]
    two_services = [r for r in records if r["answers"]["h2_referral_clarity"] == "na"]
    assert len(two_services) == 31
    assert any(r["answers"]["journey_completed"] == "no" for r in records)


def test_missions_score_each_hand_off() -> None:
    form = available_forms(Plugins())["qatar-mission"][1]
    path = Path(__file__).resolve().parents[3] / "examples/qatar/missions.jsonl"
    scoring = Scoring([form])
    scores = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        result = scoring.score_data(json.loads(line))
        assert isinstance(result, dict), result
        scores[result["id"]] = result
    # referral 4 of 5 (75) x 30, documents carried (100) x 25, data re-entered (0) x 25,
    # two days between services (75) x 20
    # (the journey: medical examination, fingerprints, residence permit)
    first = scores["qm-2022-001"]["handoffs"]
    assert first["svc-medical-exam>svc-biometrics"] == pytest.approx(62.5)
    # referral 3 of 5 (50) x 30, nothing carried over, six days (25) x 20
    assert first["svc-biometrics>svc-residence-permit"] == pytest.approx(20)
    assert len(first) == 2
    # a journey of two services: the second hand-off and the third stop drop out
    two = scores["qm-2022-002"]
    assert two["handoffs"] == {"svc-commercial-registration>svc-trade-licence": pytest.approx(100)}
    assert two["sections"]["handoff_2"] is None
    assert two["sections"]["stop_3"] is None
    # the journey was not completed: the whole evaluation is zero, the hand-off still shows
    failed = scores["qm-2022-003"]
    assert failed["failed_critical"] == ["journey_completed"]
    assert failed["overall"] == 0
    assert failed["handoffs"]["svc-vehicle-inspection>svc-vehicle-registration"] == (
        pytest.approx(0.3 * 25 + 0.2 * 50)
    )


def test_each_mission_follows_linked_services_of_the_directory() -> None:
    examples = Path(__file__).resolve().parents[3] / "examples/qatar"
    directory = json.loads((examples / "directory.json").read_text(encoding="utf-8"))
    assert problems("directory", directory) == []
    services = {service["id"]: service for service in directory["services"]}
    centres = {centre["id"]: centre for centre in directory["centres"]}
    for line in (examples / "missions.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        centre = centres[record["centre"]]
        assert record["service"] in centre["services"]
        assert record["entity"] == centre["entity"] == services[record["service"]]["entity"]
        stops = record["journey"]
        assert stops[0] == record["service"]
        assert set(stops) <= set(services)
        for here, there in pairwise(stops):
            assert there in services[here]["linked_services"], (record["id"], here, there)
