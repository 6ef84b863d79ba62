"""A form as one language shows it: what an app, a web page or a chat needs to ask it."""

from __future__ import annotations

from typing import Any

from shopperkit.i18n.formatting import RTL_LANGUAGES
from shopperkit.model.forms import Form, Question


def localised(form: Form, language: str) -> dict[str, Any]:
    """``form`` in ``language`` (each text in the form's fallback where it has none) as
    JSON-ready data: sections and questions in order, each question's type, whether it is
    required or may be answered "not applicable", its bounds and unit, its options (value and
    label) and its ``show_if`` (ask it only when that question's answer is one of ``in``).

    ``direction`` is ``rtl`` for Arabic and Urdu. A language the form does not list is shown
    in the fallback (the caller decides whether to accept it).
    """
    shown = language if language in form.languages else form.fallback_language
    return {
        "id": form.id,
        "version": form.version,
        "language": shown,
        "direction": "rtl" if shown in RTL_LANGUAGES else "ltr",
        "title": form.text(form.title, shown),
        "languages": list(form.languages),
        "sections": [
            {
                "id": section.id,
                "title": form.text(section.title, shown),
                "questions": [_question(form, question, shown) for question in section.questions],
            }
            for section in form.sections
        ],
    }


def _question(form: Form, question: Question, language: str) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "id": question.id,
        "type": question.type,
        "text": form.text(question.text, language),
        "required": question.required,
        "na_allowed": question.na_allowed,
    }
    if question.options:
        shown["options"] = [
            {"value": option.value, "label": form.text(option.label, language) or str(option.value)}
            for option in question.options
        ]
    for name in ("min", "max", "unit"):
        value = getattr(question, name)
        if value is not None:
            shown[name] = value
    if question.show_if is not None:
        shown["show_if"] = {
            "question": question.show_if.question,
            "in": list(question.show_if.values),
        }
    return shown
