"""A form's records as a standalone JSON Schema (Draft 2020-12), for other systems to use.

The schema checks types, option values, ranges, required answers and ``show_if`` (an answer
to a question that is not asked is refused). It cannot say that at least one answer must
count in the score; :class:`shopperkit.forms.compiled.CompiledForm` checks that too.
"""

from __future__ import annotations

from typing import Any

from shopperkit.model.evaluations import CHANNELS, NA
from shopperkit.model.forms import BAND_TYPES, LANGUAGES, OPTION_TYPES, Form, Question

_TEXT = {"type": "string", "minLength": 1}


def _answer(question: Question) -> dict[str, Any]:
    values = [option.value for option in question.options]
    if question.type == "multi_choice":
        schema: dict[str, Any] = {"type": "array", "items": {"enum": values}, "uniqueItems": True}
    elif question.type in OPTION_TYPES:
        schema = {"enum": values}
    elif question.type == "text":
        schema = {"type": "string"}
    elif question.type not in BAND_TYPES:
        schema = {}  # a plugin's question type: its scorer decides
    else:
        schema = {"type": "number"}
        low = (
            question.min
            if question.min is not None
            else (0 if question.type == "duration" else None)
        )
        if low is not None:
            schema["minimum"] = low
        if question.max is not None:
            schema["maximum"] = question.max
    if question.na_allowed:
        return {"anyOf": [schema, {"const": NA}]}
    if question.type == "text":
        return {"type": "string", "not": {"const": NA}}
    return schema


def _matches(question: Question, values: tuple[Any, ...]) -> dict[str, Any]:
    if question.type == "multi_choice":
        return {"type": "array", "contains": {"enum": list(values)}}
    return {"enum": list(values), "not": {"const": NA}}


def record_schema(form: Form) -> dict[str, Any]:
    """The JSON Schema of evaluation records of ``form``."""
    questions = form.questions()
    conditions = []
    for _, question in questions.values():
        condition = question.show_if
        if condition is None:
            continue
        controller = questions[condition.question][1]
        conditions.append(
            {
                "if": {
                    "required": ["answers"],
                    "properties": {
                        "answers": {
                            "required": [controller.id],
                            "properties": {controller.id: _matches(controller, condition.values)},
                        }
                    },
                },
                "then": (
                    {"properties": {"answers": {"required": [question.id]}}}
                    if question.required
                    else {}
                ),
                "else": {"properties": {"answers": {"not": {"required": [question.id]}}}},
            }
        )
    handoffs = [section for section in form.sections if section.handoff]
    for n, section in enumerate(handoffs, start=1):
        # An n-th hand-off section that took place (an answer other than "na", or any answer
        # when "na" is scored) needs a journey of at least n + 1 services.
        asked: list[dict[str, Any]] = [
            {"required": [question.id]}
            if form.policy.na != "exclude"
            else {"required": [question.id], "properties": {question.id: {"not": {"const": NA}}}}
            for question in section.questions
        ]
        conditions.append(
            {
                "if": {
                    "required": ["journey", "answers"],
                    "properties": {"journey": {"type": "array"}, "answers": {"anyOf": asked}},
                },
                "then": {"properties": {"journey": {"minItems": n + 1}}},
            }
        )
    moment = {"type": "string", "format": "date-time"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://shopperkit.dev/forms/{form.id}/{form.version}/evaluation.schema.json",
        "title": f"Evaluation of form {form.id} version {form.version}",
        "type": "object",
        "required": [
            *("id", "form", "shopper", "entity", "centre", "service"),
            *("channel", "visited_at", "language", "answers"),
        ],
        "additionalProperties": False,
        "properties": {
            "id": _TEXT,
            "form": {"const": form.id},
            "form_version": {"enum": [form.version, None]},
            "programme": {"type": ["string", "null"]},
            "shopper": _TEXT,
            "entity": _TEXT,
            "centre": _TEXT,
            "service": _TEXT,
            "channel": {"enum": list(CHANNELS)},
            "visited_at": moment,
            "submitted_at": {"anyOf": [{"type": "null"}, moment]},
            "language": {"enum": list(LANGUAGES)},
            "comment": {"type": "string"},
            "journey": {
                "description": "the services followed, the first being `service` (not checked "
                "here), each hand-off named once (not checked here)",
                "anyOf": [{"type": "null"}, {"type": "array", "minItems": 1, "items": _TEXT}],
            },
            "answers": {
                "type": "object",
                "additionalProperties": False,
                "required": [
                    q.id for _, q in questions.values() if q.required and q.show_if is None
                ],
                "properties": {qid: _answer(q) for qid, (_, q) in questions.items()},
            },
        },
        "allOf": conditions,
    }
