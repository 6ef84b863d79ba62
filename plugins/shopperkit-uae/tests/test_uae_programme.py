"""The installed UAE-style package: open programme, eight-language forms, star table, data."""

from __future__ import annotations

import importlib.util
import json
import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from importlib.metadata import entry_points
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopperkit.cli import main
from shopperkit.eligibility.screening import Screener
from shopperkit.errors import ProgrammeError
from shopperkit.forms.lint import lint_files, localised_texts
from shopperkit.io.documents import read_document
from shopperkit.io.schemas import problems
from shopperkit.model import Form
from shopperkit.plugins import Plugins
from shopperkit.programmes import available_programmes, programme_plan
from shopperkit.registry import Registry
from shopperkit.scoring import Scoring
from shopperkit_uae import (
    DIRECTORY_FILE,
    FORM_FILES,
    check_star_bands,
    form_document,
    generate_evaluations,
    star_bands,
    star_threshold,
)

ROOT = Path(__file__).resolve().parents[3]
LANGUAGES = ("ar", "en", "ur", "hi", "es", "zh", "fr", "ru")
FORMS = ("uae-quick", "uae-visit")
RECRUITMENT = ("seats", "registration_opens", "registration_closes", "reference_date")


@pytest.fixture(scope="module")
def plugins() -> Plugins:
    return Plugins()


def test_entry_point_is_named_uae() -> None:
    names = {ep.name: ep.value for ep in entry_points(group="shopperkit")}
    assert names["uae"] == "shopperkit_uae"


def test_programme_is_open_with_no_recruitment_stage(plugins: Plugins) -> None:
    plugin, programme = available_programmes(plugins)["uae"]
    assert plugin == "uae"
    assert programme.participation == "open"
    assert not set(RECRUITMENT) & set(programme.parameters)
    assert programme.strings("languages") == LANGUAGES
    assert set(programme.strings("channels")) == {"visit", "app", "whatsapp"}
    assert set(programme.strings("entity_sectors")) == {"government", "private"}
    assert set(programme.strings("forms")) == set(FORMS)
    assert len(programme.strings("rated_factors")) == 8


def test_every_parameter_is_described_sourced_and_dated(plugins: Plugins) -> None:
    _, programme = available_programmes(plugins)["uae"]
    for name, parameter in programme.parameters.items():
        assert parameter.description, name
        assert "seed 004" in parameter.reference or "Programme choice" in parameter.reference
        assert parameter.effective_from.year == 2020, name
    assert programme.parameter("star_min").unit == "stars"


def test_the_screener_refuses_a_programme_with_no_recruitment_stage(plugins: Plugins) -> None:
    _, programme = available_programmes(plugins)["uae"]
    with pytest.raises(ProgrammeError) as caught:
        Screener(programme, plugins)
    assert caught.value.code == "programme_not_recruited"


def test_screen_command_fails_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    applicants = ROOT / "examples/applicants.csv"
    assert main(["screen", "--programme", "uae", str(applicants)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1
    assert "'uae'" in lines[0]


def test_plugins_command_lists_the_package(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins"]) == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["uae"]["programmes"] == ["uae"]
    assert rows["uae"]["forms"] == ["uae-quick", "uae-visit"]
    assert rows["qatar-cgb"]["forms"] == ["qatar-mission", "qatar-visit"]
    assert rows["uae"]["distribution"] == "shopperkit-uae"
    assert {"shopperkit_programmes", "shopperkit_forms"} <= set(rows["uae"]["hooks"])


# --- the forms ----------------------------------------------------------------------------


SCRIPTS = {
    "ar": ("ARABIC",),
    "ur": ("ARABIC",),
    "hi": ("DEVANAGARI",),
    "zh": ("CJK",),
    "ru": ("CYRILLIC",),
    "en": ("LATIN",),
    "es": ("LATIN",),
    "fr": ("LATIN",),
}
URDU_LETTERS = set("ےںہٹڈڑکگیھ")
"""Letters Urdu writes and Arabic does not (or writes otherwise); short words may lack them."""
COGNATES = {"No", "Excellent", "Acceptable"}
"""Words Spanish or French write exactly as English does."""


def letters_script(text: str) -> set[str]:
    return {unicodedata.name(ch).split()[0] for ch in text if ch.isalpha()}


@pytest.mark.parametrize("form_id", FORMS)
def test_form_has_every_label_in_all_eight_languages(plugins: Plugins, form_id: str) -> None:
    form = Registry(plugins).form(form_id)
    assert form.languages == LANGUAGES
    assert form.fallback_language == "en"
    for where, text in localised_texts(form):
        assert set(text) == set(LANGUAGES), where
        for language, value in text.items():
            scripts = letters_script(value)
            assert scripts, f"{where}.{language}"
            assert scripts <= set(SCRIPTS[language]), f"{where}.{language}: {value}"


@pytest.mark.parametrize("form_id", FORMS)
def test_translations_are_not_copies(plugins: Plugins, form_id: str) -> None:
    form = Registry(plugins).form(form_id)
    texts = list(localised_texts(form))
    urdu_written = sum(bool(set(text["ur"]) & URDU_LETTERS) for _, text in texts)
    assert urdu_written > len(texts) / 2
    for where, text in texts:
        assert text["ur"] != text["ar"], where
        for language in ("es", "fr"):
            if text[language] == text["en"]:
                assert text["en"] in COGNATES, f"{where}.{language}"


def test_every_form_passes_the_linter(capsys: pytest.CaptureFixture[str]) -> None:
    sources = list(FORM_FILES.values())
    assert lint_files(sources) == []
    assert main(["lint-form", *map(str, sources)]) == 0
    assert capsys.readouterr().out == ""


def test_visit_form_covers_the_eight_factors_and_the_focus_areas(plugins: Plugins) -> None:
    _, programme = available_programmes(plugins)["uae"]
    form = Registry(plugins).form("uae-visit")
    assert [s.id for s in form.sections] == [
        "location",
        "access",
        "reception",
        "waiting",
        "procedures",
        "staff",
        "completion",
        "payment",
    ]
    assert len(programme.strings("rated_factors")) == len(form.sections)
    questions = form.questions()
    assert {"staff_knowledge", "requirements_clarity"} <= set(questions)
    assert questions["waiting_minutes"][1].type == "duration"
    assert questions["completion_minutes"][1].type == "duration"
    critical = {qid for qid, (_, q) in questions.items() if q.critical}
    assert critical == {"service_completed", "staff_conduct_acceptable"}
    payment = list(form.sections[-1].questions)
    assert all(q.na_allowed for q in payment)


def test_quick_form_reasons(plugins: Plugins) -> None:
    form = Registry(plugins).form("uae-quick")
    questions = form.questions()
    assert [o.value for o in questions["thumbs"][1].options] == ["up", "down"]
    reasons = questions["reasons"][1]
    assert reasons.type == "multi_choice"
    assert [o.value for o in reasons.options] == [
        "location",
        "parking",
        "reception",
        "waiting_time",
        "procedures",
        "payment",
        "staff_attitude",
    ]
    assert questions["quick_comment"][1].type == "text"


# --- the star table -------------------------------------------------------------------------


def test_star_table_is_a_placeholder_from_two_to_seven(plugins: Plugins) -> None:
    form = Registry(plugins).form("uae-visit")
    assert form.bands_note
    assert [band.stars for band in form.bands] == [2, 3, 4, 5, 6, 7]
    assert [band.stars for band in star_bands()] == [2, 3, 4, 5, 6, 7]
    assert all(band.placeholder for band in star_bands())
    assert star_threshold(2).above is None
    assert star_threshold(7).upto == Decimal(100)


@given(st.decimals(min_value=0, max_value=100, places=2))
def test_every_score_earns_exactly_one_star_level(score: Decimal) -> None:
    assert sum(band.contains(score) for band in star_bands()) == 1


@given(st.integers(min_value=2, max_value=6))
def test_star_levels_follow_each_other(stars: int) -> None:
    assert star_threshold(stars + 1).above == star_threshold(stars).upto


@pytest.mark.parametrize("stars", [-1, 0, 1, 8, 9, 100])
def test_a_star_level_outside_two_to_seven_is_an_error(stars: int) -> None:
    with pytest.raises(ProgrammeError) as caught:
        star_threshold(stars)
    assert caught.value.code == "value_not_allowed"


@pytest.mark.parametrize("stars", [1, 8])
def test_a_band_table_with_another_star_level_is_refused(stars: int) -> None:
    form = form_document("uae-visit")
    form["bands"][-1] = {**form["bands"][-1], "stars": stars, "grade": str(stars)}
    with pytest.raises(ProgrammeError) as caught:
        check_star_bands(form)
    assert caught.value.code == "value_not_allowed"
    assert caught.value.where is not None
    assert caught.value.where.endswith("$.bands[5].stars")


# --- the directory and generated data ------------------------------------------------------


def test_example_directory_is_the_packaged_one_and_valid() -> None:
    example = read_document(ROOT / "examples/uae/directory.json")
    assert example == read_document(DIRECTORY_FILE)
    assert problems("directory", example) == []
    sectors = {entity["sector"] for entity in example["entities"]}
    assert sectors == {"government", "private"}
    services = {service["id"]: service["entity"] for service in example["services"]}
    for service in example["services"]:
        assert set(service["linked_services"]) <= set(services)
    for centre in example["centres"]:
        assert {services[s] for s in centre["services"]} == {centre["entity"]}


def answers_fit(form: Form, answers: Mapping[str, Any]) -> None:
    questions = form.questions()
    assert set(answers) <= set(questions)
    for qid, (_, question) in questions.items():
        condition = question.show_if
        shown = condition is None or answers.get(condition.question) in condition.values
        if not shown:
            assert qid not in answers
            continue
        if qid not in answers:
            assert not question.required, qid
            continue
        value = answers[qid]
        if value == "na":
            assert question.na_allowed, qid
        elif question.type == "multi_choice":
            assert set(value) <= {o.value for o in question.options}
        elif question.options:
            assert value in {o.value for o in question.options}
        elif question.type == "text":
            assert isinstance(value, str)
        else:
            assert question.min is None or value >= question.min
            assert question.max is None or value <= question.max


@pytest.mark.parametrize("form_id", FORMS)
def test_generated_evaluations_are_valid_and_reproducible(plugins: Plugins, form_id: str) -> None:
    form = Registry(plugins).form(form_id)
    document = form_document(form_id)
    records = list(generate_evaluations(document, 300, seed=7))
    assert records == list(generate_evaluations(form, 300, seed=7))
    assert records != list(generate_evaluations(document, 300, seed=8))
    directory = read_document(DIRECTORY_FILE)
    centres = {c["id"]: c for c in directory["centres"]}
    assert len({r["id"] for r in records}) == 300
    for record in records:
        assert problems("evaluation", record) == []
        assert record["form"] == form.id
        assert record["form_version"] == form.version
        assert record["channel"] in {"visit", "app", "whatsapp"}
        assert record["language"] in LANGUAGES
        centre = centres[record["centre"]]
        assert record["entity"] == centre["entity"]
        assert record["service"] in centre["services"]
        assert record["submitted_at"] > record["visited_at"]
        answers_fit(form, record["answers"])
    assert {r["channel"] for r in records} == {"visit", "app", "whatsapp"}
    assert {r["language"] for r in records} == set(LANGUAGES)


def test_generated_evaluations_include_na_and_failed_critical_items() -> None:
    records = list(islice(generate_evaluations(form_document("uae-visit"), 10**9, 3), 1000))
    answers = [r["answers"] for r in records]
    assert any(a.get("access_parking") == "na" for a in answers)
    failed = sum(a["service_completed"] == "no" for a in answers)
    assert 0 < failed < len(answers) / 2


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_example_evaluations_fit_the_form_except_the_bad_ones(plugins: Plugins) -> None:
    form = Registry(plugins).form("uae-visit")
    records = read_jsonl(ROOT / "examples/uae/evaluations.jsonl")
    bad = set()
    for record in records:
        try:
            assert problems("evaluation", record) == []
            answers_fit(form, record["answers"])
        except AssertionError:
            bad.add(record["id"])
    assert bad == {"uae-2026-0021", "uae-2026-0029"}
    by_id = {record["id"]: record["answers"] for record in records}
    assert by_id["uae-2026-0004"]["payment_channels"] == "na"
    assert by_id["uae-2026-0008"]["staff_conduct_acceptable"] == "no"
    assert by_id["uae-2026-0013"]["service_completed"] == "no"
    assert len({record["centre"] for record in records}) >= 5
    assert len({record["language"] for record in records}) >= 5


def test_example_evaluations_are_the_hand_written_ones_then_the_generated_ones() -> None:
    """``examples/uae/generate.py`` writes the file: rerunning it changes nothing."""
    path = ROOT / "examples/uae/evaluations.jsonl"
    spec = importlib.util.spec_from_file_location("uae_example", ROOT / "examples/uae/generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    current = path.read_text(encoding="utf-8")
    assert "\n".join(module.lines(current)) + "\n" == current
    assert len(current.encode("utf-8")) < 2_000_000
    ids = [json.loads(line)["id"] for line in current.splitlines()]
    assert len(ids) == len(set(ids)) == 36 + module.COUNT


def test_example_quick_ratings_fit_the_form(plugins: Plugins) -> None:
    form = Registry(plugins).form("uae-quick")
    for record in read_jsonl(ROOT / "examples/uae/quick.jsonl"):
        assert problems("evaluation", record) == []
        assert record["channel"] in {"app", "whatsapp"}
        answers_fit(form, record["answers"])


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_the_scorer_accepts_every_generated_evaluation(seed: int) -> None:
    plugins = Plugins()
    forms = [Registry(plugins).form(form_id) for form_id in FORMS]
    scoring = Scoring(forms)
    for form in forms:
        for record in generate_evaluations(form, 50, seed):
            assert isinstance(scoring.score_data(record), dict), record


def test_the_open_programme_loads_and_validates(plugins: Plugins) -> None:
    """No cohort, no registration window: the plan lists languages, forms and stages."""
    registry = Registry(plugins)
    plan = programme_plan(registry.programme("uae"), registry)
    assert plan["participation"] == "open"
    assert plan["stages"] == ["evaluate", "score", "report"]
    assert [form["form"] for form in plan["forms"]] == sorted(FORMS)
    assert "reference_date" not in plan


def test_programme_command_validates_the_open_programme(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["programme", "uae"]) == 0
    assert json.loads(capsys.readouterr().out)["programme"] == "uae"


@pytest.mark.parametrize(("field", "value"), [("stars", 2), ("upto", 10)])
def test_a_band_table_out_of_order_is_refused_with_the_programme_s_own_code(
    field: str, value: int
) -> None:
    form = form_document("uae-visit")
    form["bands"][1] = {**form["bands"][1], field: value}
    if field == "stars":
        form["bands"][1]["grade"] = str(value)
    with pytest.raises(ProgrammeError) as caught:
        check_star_bands(form)
    assert caught.value.code == "star_band_out_of_order"
    assert caught.value.where is not None
    assert caught.value.where.endswith(f"$.bands[1].{field}")
