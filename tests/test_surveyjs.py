"""The SurveyJS export: every section, question, option, condition and text of a form is in
it, in every language of the form, as SurveyJS reads it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from surveyjs import SurveyCreator

from shopperkit.forms.surveyjs import (
    NA_SUFFIX,
    from_surveyjs,
    parse_visible_if,
    to_surveyjs,
    visible_if,
)
from shopperkit.model.forms import Form, Localised, Option, Question, Section, ShowIf
from shopperkit.testing.strategies import forms

SURVEYJS_TYPES = {
    "likert": {"rating", "radiogroup"},
    "choice": {"radiogroup"},
    "yes_no": {"radiogroup", "boolean"},
    "multi_choice": {"checkbox"},
    "number": {"text"},
    "duration": {"text"},
    "text": {"comment"},
}


def _in(texts: dict[str, str], text: Localised, form: Form) -> None:
    """Every language of ``form`` that ``text`` has is in the localisable ``texts``."""
    for language in form.languages:
        if not text.get(language):
            continue
        key = "default" if language == "en" else language
        assert texts.get(key) == text[language], (language, texts, text)
    base = "en" if text.get("en") else form.fallback_language
    assert texts["default"] == form.text(text, base)


@settings(max_examples=60, deadline=None)
@given(forms())
def test_every_question_option_condition_and_text_is_in_the_export(form: Form) -> None:
    exported = to_surveyjs(form)
    assert exported["locales"] == list(form.languages)
    _in(exported["title"], form.title, form)
    read = from_surveyjs(exported)
    assert [s["id"] for s in read["sections"]] == [s.id for s in form.sections]
    for section, got in zip(form.sections, read["sections"], strict=True):
        _in(got["title"], section.title, form)
        assert [q["id"] for q in got["questions"]] == [q.id for q in section.questions]
        for question, seen in zip(section.questions, got["questions"], strict=True):
            assert seen["type"] in SURVEYJS_TYPES[question.type]
            if question.type in ("number", "duration"):
                assert seen["input_type"] == "number"
            _in(seen["text"], question.text, form)
            assert seen["required"] == question.required
            assert seen["na_allowed"] == question.na_allowed
            assert [value for value, _ in seen["options"]] == [o.value for o in question.options]
            for option, (_, label) in zip(question.options, seen["options"], strict=True):
                _in(label, option.label, form)
            condition = question.show_if
            expected = (
                None
                if condition is None
                else {"question": condition.question, "in": list(condition.values)}
            )
            assert seen["show_if"] == expected


@settings(max_examples=30, deadline=None)
@given(forms())
def test_surveyjs_reads_the_export_in_every_language(form: Form) -> None:
    exported = to_surveyjs(form)
    for language in form.languages:
        creator = SurveyCreator(exported, language if language != "en" else "default")
        names = set(creator.questions.keys())
        for section in form.sections:
            assert creator.get_page_by_name(section.id) is not None
            for question in section.questions:
                assert question.id in names
                element = creator.questions[question.id]
                assert element.translate(element.raw.get("title")) == form.text(
                    question.text, language if question.text.get(language) else "en"
                ) or not question.text.get(language)
                choices = element.raw.get("choices") or element.raw.get("rateValues") or []
                for option in question.options:
                    if element.type == "boolean":
                        assert option.value in (element.raw["valueTrue"], element.raw["valueFalse"])
                        continue
                    item = next(c for c in choices if c["value"] == option.value)
                    if option.label.get(language):
                        assert element.choice_item(item)["text"] == option.label[language]
                if question.na_allowed and not question.options:
                    assert question.id + NA_SUFFIX in names


def _question(qid: str, kind: str, values: tuple[Any, ...] = (), **more: Any) -> Question:
    options = tuple(Option(v, 1, {"en": f"label {v}", "ar": f"تسمية {v}"}) for v in values)
    return Question(qid, kind, {"en": qid, "ar": "سؤال"}, options=options, **more)


FORM = Form(
    id="f",
    version="1",
    title={"en": "Visit", "ar": "زيارة"},
    languages=("en", "ar"),
    fallback_language="en",
    sections=(
        Section(
            "s1",
            100,
            {"en": "Arrival", "ar": "الوصول"},
            (
                _question("greeted", "yes_no", ("yes", "no")),
                _question("seen", "multi_choice", ("queue", "desk"), na_allowed=True),
                _question("rating", "likert", (1, 2, 3), show_if=ShowIf("greeted", ("yes",))),
                _question("wait", "duration", show_if=ShowIf("seen", ("queue", "desk"))),
                _question("kind", "choice", ("a", "b"), na_allowed=True),
                _question(
                    "notes",
                    "text",
                    required=False,
                    na_allowed=True,
                    show_if=ShowIf("rating", (1, 2)),
                ),
            ),
        ),
    ),
)


def test_the_export_of_a_small_form_reads_as_surveyjs_json() -> None:
    exported = to_surveyjs(FORM)
    elements = {e["name"]: e for e in exported["pages"][0]["elements"]}
    assert exported["title"] == {"default": "Visit", "ar": "زيارة"}
    assert elements["greeted"]["type"] == "boolean"
    assert elements["greeted"]["valueTrue"] == "yes"
    assert elements["seen"]["type"] == "checkbox"
    assert elements["seen"]["choices"][-1]["value"] == "na"
    assert elements["seen"]["choices"][-1]["isExclusive"] is True
    assert elements["rating"]["type"] == "rating"
    assert elements["rating"]["visibleIf"] == "{greeted} = 'yes'"
    assert elements["wait"] == {
        "name": "wait",
        "title": {"default": "wait", "ar": "سؤال"},
        "isRequired": True,
        "type": "text",
        "inputType": "number",
        "min": 0,
        "visibleIf": "{seen} contains 'queue' or {seen} contains 'desk'",
    }
    assert elements["kind"]["type"] == "radiogroup"
    assert elements["kind"]["choices"][-1]["text"]["default"] == "Not applicable"
    assert elements["notes"]["type"] == "comment"
    assert elements["notes"]["visibleIf"] == "({rating} = 1 or {rating} = 2) and {notes-na} <> true"
    assert elements["notes-na"]["visibleIf"] == "{rating} = 1 or {rating} = 2"
    assert exported["locales"] == ["en", "ar"]


def test_a_condition_goes_there_and_back() -> None:
    controller = _question("q", "choice", ("it's", "b"))
    expression = visible_if(ShowIf("q", ("it's", "b")), controller)
    assert expression == "{q} = \"it's\" or {q} = 'b'"
    assert parse_visible_if(expression) == ShowIf("q", ("it's", "b"))


def test_languages_pick_the_texts_exported() -> None:
    exported = to_surveyjs(FORM, languages=["ar"])
    assert exported["locales"] == ["ar"]
    assert exported["locale"] == "ar"
    assert exported["title"] == {"default": "Visit", "ar": "زيارة"}


def test_the_command_exports_a_form_to_surveyjs(tmp_path: Path) -> None:
    """``shopperkit form export --to surveyjs`` writes what ``to_surveyjs`` makes."""
    from shopperkit.cli import main
    from shopperkit.forms import load_form
    from shopperkit.forms.surveyjs import to_surveyjs

    source = Path(__file__).resolve().parents[1] / "examples" / "forms" / "example-visit.yaml"
    out = tmp_path / "visit.surveyjs.json"
    assert main(["form", "export", str(source), "--to", "surveyjs", "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == to_surveyjs(load_form(source))
