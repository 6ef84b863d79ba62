"""A form as SurveyJS JSON, for a web survey that collects its evaluations.

One page per section (``name`` = section id), one element per question (``name`` = question
id), every text a SurveyJS localisable string ``{"default": ..., "<language>": ...}``, and
``show_if`` as ``visibleIf``. :func:`from_surveyjs` reads such JSON back into plain data, so
what an export holds can be checked against its form. The mapping is explained in
``docs/collect-with-odk-kobo-and-surveyjs.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from shopperkit.messages import render
from shopperkit.model.evaluations import NA
from shopperkit.model.forms import BAND_TYPES, Form, Localised, Question, Scalar, ShowIf

NA_SUFFIX = "-na"
"""A number, duration or text question that may be "not applicable" gets a companion
``boolean`` named ``<question>-na`` (question ids never hold ``-``)."""

_DEFAULT = "default"


def _loc(form: Form, text: Localised, languages: Sequence[str]) -> dict[str, str]:
    """A SurveyJS localisable string: English (else the fallback) as ``default``."""
    base = "en" if text.get("en") else form.fallback_language
    shown: dict[str, str] = {_DEFAULT: form.text(text, base)}
    for language in languages:
        if language != "en" and text.get(language):
            shown[language] = text[language]
    return shown


def _na_text(form: Form, languages: Sequence[str]) -> dict[str, str]:
    texts = {language: render("web_form_not_applicable", {}, language) for language in languages}
    return _loc(form, {"en": render("web_form_not_applicable", {}, "en"), **texts}, languages)


def _literal(value: Scalar) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        text = str(value)
        return f'"{text}"' if "'" in text else f"'{text}'"
    return repr(value)


def visible_if(condition: ShowIf, controller: Question) -> str:
    """``show_if`` as a SurveyJS expression: ``{q} = 'yes'``, ``{q} contains 'a'``, joined
    by ``or``."""
    operator = "contains" if controller.type == "multi_choice" else "="
    name = "{" + condition.question + "}"
    return " or ".join(f"{name} {operator} {_literal(value)}" for value in condition.values)


def _choices(
    form: Form, question: Question, languages: Sequence[str], exclusive: bool = False
) -> list[dict[str, Any]]:
    choices: list[dict[str, Any]] = [
        {
            "value": option.value,
            "text": _loc(form, option.label, languages)
            if option.label
            else {_DEFAULT: str(option.value)},
        }
        for option in question.options
    ]
    if question.na_allowed:
        na: dict[str, Any] = {"value": NA, "text": _na_text(form, languages)}
        if exclusive:
            na["isExclusive"] = True
        choices.append(na)
    return choices


def _elements(
    form: Form, question: Question, languages: Sequence[str], shown_if: str | None
) -> list[dict[str, Any]]:
    element: dict[str, Any] = {
        "name": question.id,
        "title": _loc(form, question.text, languages),
        "isRequired": question.required,
    }
    companion: dict[str, Any] | None = None
    if question.type == "multi_choice":
        element |= {"type": "checkbox", "choices": _choices(form, question, languages, True)}
    elif question.type == "yes_no" and not question.na_allowed:
        labels = {option.value: option for option in question.options}
        element |= {"type": "boolean", "valueTrue": "yes", "valueFalse": "no"}
        for value, key in (("yes", "labelTrue"), ("no", "labelFalse")):
            option = labels.get(value)
            if option is not None and option.label:
                element[key] = _loc(form, option.label, languages)
    elif question.type == "likert" and not question.na_allowed:
        element |= {"type": "rating", "rateValues": _choices(form, question, languages)}
    elif question.options:
        element |= {"type": "radiogroup", "choices": _choices(form, question, languages)}
    elif question.type in BAND_TYPES:
        element |= {"type": "text", "inputType": "number"}
        low = (
            question.min
            if question.min is not None
            else (0 if question.type == "duration" else None)
        )
        if low is not None:
            element["min"] = low
        if question.max is not None:
            element["max"] = question.max
        if question.unit:
            element["description"] = {_DEFAULT: question.unit}
    else:
        element["type"] = "comment"
    if question.na_allowed and not question.options:
        name = question.id + NA_SUFFIX
        companion = {
            "type": "boolean",
            "name": name,
            "title": _na_text(form, languages),
            "renderAs": "checkbox",
        }
        if shown_if:
            companion["visibleIf"] = shown_if
        own = "{" + name + "} <> true"
        shown_if = f"({shown_if}) and {own}" if shown_if else own
    if shown_if:
        element["visibleIf"] = shown_if
    return [element] if companion is None else [element, companion]


def to_surveyjs(form: Form, languages: Iterable[str] | None = None) -> dict[str, Any]:
    """``form`` as SurveyJS JSON with its texts in ``languages`` (every language of the form
    when None; languages the form lacks are left out)."""
    wanted = [lang for lang in (languages or form.languages) if lang in form.languages]
    if not wanted:
        wanted = [form.fallback_language]
    questions = form.questions()
    pages = []
    for section in form.sections:
        elements: list[dict[str, Any]] = []
        for question in section.questions:
            condition = question.show_if
            shown_if = (
                visible_if(condition, questions[condition.question][1])
                if condition is not None and condition.question in questions
                else None
            )
            elements += _elements(form, question, wanted, shown_if)
        pages.append(
            {
                "name": section.id,
                "title": _loc(form, section.title, wanted),
                "elements": elements,
            }
        )
    default = "en" if "en" in wanted else wanted[0]
    return {
        "title": _loc(form, form.title, wanted),
        "locale": default,
        "locales": wanted,
        "checkErrorsMode": "onValueChanged",
        "showQuestionNumbers": "off",
        "pages": pages,
    }


_TERM = re.compile(
    r"\{(?P<name>[^{}]+)\} (?P<op>=|contains) "
    r"(?:'(?P<single>[^']*)'|\"(?P<double>[^\"]*)\"|(?P<number>-?[0-9.eE+-]+))"
)


def _value(match: re.Match[str]) -> Scalar:
    number = match.group("number")
    if number is not None:
        return float(number) if any(c in number for c in ".eE") else int(number)
    single = match.group("single")
    return single if single is not None else match.group("double")


def parse_visible_if(expression: str) -> ShowIf | None:
    """The ``show_if`` a :func:`visible_if` expression stands for (None: not one of those)."""
    own = re.sub(r"^\((.*)\) and \{[^{}]+" + NA_SUFFIX + r"\} <> true$", r"\1", expression)
    if re.fullmatch(r"\{[^{}]+" + NA_SUFFIX + r"\} <> true", own):
        return None
    terms = list(_TERM.finditer(own))
    names = {term.group("name") for term in terms}
    if len(names) != 1:
        return None
    return ShowIf(names.pop(), tuple(_value(term) for term in terms))


def _texts(value: Any) -> dict[str, str]:
    if isinstance(value, str):
        return {_DEFAULT: value}
    return dict(value) if isinstance(value, Mapping) else {}


def from_surveyjs(data: Mapping[str, Any]) -> dict[str, Any]:
    """The sections and questions SurveyJS JSON made by :func:`to_surveyjs` holds, as plain
    data: ids, texts (localisable strings), SurveyJS types, required, N/A, options, show_if."""
    sections = []
    for page in data.get("pages", []):
        elements = {element["name"]: element for element in page.get("elements", [])}
        questions = []
        for name, element in elements.items():
            if name.endswith(NA_SUFFIX):
                continue
            choices = element.get("choices", element.get("rateValues", []))
            options = [(c["value"], _texts(c.get("text"))) for c in choices if c["value"] != NA]
            if element.get("type") == "boolean":
                options = [
                    (element.get("valueTrue", True), _texts(element.get("labelTrue"))),
                    (element.get("valueFalse", False), _texts(element.get("labelFalse"))),
                ]
            condition = element.get("visibleIf")
            show_if = parse_visible_if(condition) if condition else None
            questions.append(
                {
                    "id": name,
                    "type": element.get("type"),
                    "input_type": element.get("inputType"),
                    "text": _texts(element.get("title")),
                    "required": bool(element.get("isRequired", False)),
                    "na_allowed": any(c["value"] == NA for c in choices)
                    or name + NA_SUFFIX in elements,
                    "options": options,
                    "show_if": None
                    if show_if is None
                    else {"question": show_if.question, "in": list(show_if.values)},
                }
            )
        sections.append(
            {"id": page.get("name"), "title": _texts(page.get("title")), "questions": questions}
        )
    return {
        "title": _texts(data.get("title")),
        "languages": list(data.get("locales", [])),
        "sections": sections,
    }
