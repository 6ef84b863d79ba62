"""A form compiled once into closures that check a record's answers and give their points.

:meth:`CompiledForm.read` returns each question's state and points, or None at the first
thing wrong; :meth:`CompiledForm.problems` explains every problem of a record with a code and
a JSON path. Both use the same per-question checks, which the generated hot path
(:mod:`shopperkit.scoring.fast`) calls for plugin question types.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from attrs import frozen

from shopperkit.errors import InputError
from shopperkit.model.evaluations import CHANNELS, NA
from shopperkit.model.forms import (
    BAND_TYPES,
    CORE_TYPES,
    LANGUAGES,
    OPTION_TYPES,
    Bounds,
    Form,
    PointsBand,
    Question,
)
from shopperkit.problems import FieldProblem

REQUIRED_TEXT = ("id", "form", "shopper", "entity", "centre", "service")
OPTIONAL_TEXT = ("form_version", "programme")
FIELDS = frozenset(
    {*REQUIRED_TEXT, *OPTIONAL_TEXT, "channel", "visited_at", "submitted_at", "language"}
    | {"answers", "comment", "journey"}
)
REQUIRED = frozenset({*REQUIRED_TEXT, "channel", "visited_at", "language", "answers"})

# What happened to each question of a record.
SCORED, NOT_APPLICABLE, HIDDEN, UNANSWERED, TEXT = range(5)


class Bad(tuple[str, dict[str, Any]]):
    """Why an answer is refused: a message code and its parameters."""

    __slots__ = ()


Check = Callable[[Any], "float | Bad"]
"""Answer -> its points, or why it is refused."""


def _is_number(value: Any) -> bool:
    return type(value) is int or (type(value) is float and math.isfinite(value))


def band_index(bands: tuple[Any, ...], value: float, bounds: Bounds) -> int | None:
    """The index of the first band ``value`` falls in (``upto`` per ``bounds``), or None."""
    for index, band in enumerate(bands):
        if band.start is not None and value < band.start:
            continue
        upto = band.upto
        if upto is None or value < upto or (value == upto and bounds == "upper_inclusive"):
            return index
    return None


def _option_check(question: Question) -> Check:
    table = {option.value: float(option.points) for option in question.options}
    names = [option.value for option in question.options]
    expected = "one of the options"

    def check(value: Any) -> float | Bad:
        if type(value) not in (int, float, str):
            return Bad(("answer_wrong_type", {"question": question.id, "expected": expected}))
        points = table.get(value)
        if points is None:
            return Bad(
                (
                    "answer_option_unknown",
                    {"question": question.id, "value": value, "options": names},
                )
            )
        return points

    return check


def _multi_check(question: Question) -> Check:
    single = _option_check(question)
    most = question.max_points

    def check(value: Any) -> float | Bad:
        if type(value) is not list:
            return Bad(("answer_wrong_type", {"question": question.id, "expected": "a list"}))
        if len(set(map(repr, value))) != len(value):
            return Bad(("answer_wrong_type", {"question": question.id, "expected": "distinct"}))
        total = 0.0
        for item in value:
            points = single(item)
            if type(points) is Bad:
                return points
            total += points  # type: ignore[operator]
        return min(total, most)

    return check


def _number_check(question: Question, bounds: Bounds) -> Check:
    low = (
        question.min if question.min is not None else (0.0 if question.type == "duration" else None)
    )
    high = question.max
    bands: tuple[PointsBand, ...] = question.bands
    points = [float(band.points) for band in bands]
    first = bands[0].start if bands and bands[0].start is not None else low
    last = bands[-1].upto if bands else None

    def check(value: Any) -> float | Bad:
        if not _is_number(value):
            return Bad(("answer_wrong_type", {"question": question.id, "expected": "a number"}))
        if (low is not None and value < low) or (high is not None and value > high):
            return Bad(
                (
                    "answer_out_of_range",
                    {"question": question.id, "value": value, "low": low, "high": high},
                )
            )
        index = band_index(bands, value, bounds)
        if index is None:
            return Bad(
                (
                    "answer_out_of_range",
                    {"question": question.id, "value": value, "low": first, "high": last},
                )
            )
        return points[index]

    return check


def _text_check(question: Question) -> Check:
    def check(value: Any) -> float | Bad:
        if type(value) is not str:
            return Bad(("answer_wrong_type", {"question": question.id, "expected": "a text"}))
        return 0.0

    return check


QuestionScorer = Callable[[Any], float]
"""A plugin's scorer: answer -> item score on 0 to 100; a ValueError or TypeError refuses it."""


def _custom_check(question: Question, scorer: QuestionScorer) -> Check:
    def check(value: Any) -> float | Bad:
        try:
            score = float(scorer(value))
        except (ValueError, TypeError) as error:
            return Bad(("answer_refused", {"question": question.id, "reason": str(error)}))
        if not 0.0 <= score <= 100.0:
            reason = f"its scorer gave {score}, outside 0 to 100"
            return Bad(("answer_refused", {"question": question.id, "reason": reason}))
        return score

    return check


def compile_check(
    question: Question, bounds: Bounds, scorers: Mapping[str, QuestionScorer] | None = None
) -> Check:
    """The check of one question's answer (``scorers``: the plugins' question types)."""
    if question.type == "multi_choice":
        return _multi_check(question)
    if question.type in OPTION_TYPES:
        return _option_check(question)
    if question.type == "text":
        return _text_check(question)
    if question.type in BAND_TYPES:
        return _number_check(question, bounds)
    scorer = (scorers or {}).get(question.type)
    if scorer is None:
        raise InputError(
            "question_type_unknown",
            {
                "question": question.id,
                "type": question.type,
                "known": sorted({*CORE_TYPES, *(scorers or {})}),
            },
        )
    return _custom_check(question, scorer)


@frozen
class Step:
    """One question, compiled: where it is, how to check it, when it is asked."""

    id: str
    index: int
    section: int
    scored: bool
    required: bool
    na_allowed: bool
    check: Check
    show_if: tuple[int, frozenset[Any]] | None


def _shown(step: Step, answers: Mapping[str, Any], states: list[int], ids: list[str]) -> bool:
    condition = step.show_if
    if condition is None:
        return True
    index, values = condition
    if states[index] not in (SCORED, TEXT):
        return False
    given = answers[ids[index]]
    if type(given) is list:
        return any(type(item) in (int, float, str) and item in values for item in given)
    return given in values


def member(path: str, key: str) -> str:
    """The JSON path of ``key`` in the object at ``path``: ``$.a.b``, or ``$.a['b c']``."""
    if key.isidentifier():
        return f"{path}.{key}"
    quoted = key.replace("\\", "\\\\").replace("'", "\\'")
    return f"{path}['{quoted}']"


def _datetime(value: Any) -> datetime | None:
    """An ISO 8601 date and time in extended form with an offset, or None."""
    if type(value) is not str or value[4:5] != "-" or value[7:8] != "-":
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def journey_ok(journey: Any, service: Any) -> bool:
    """Whether ``journey`` is absent (None) or a list of non-empty texts starting at ``service``."""
    if journey is None:
        return True
    if type(journey) is not list or not journey or journey[0] != service:
        return False
    return all(type(stop) is str and stop for stop in journey)


def handoff_key(journey: Any, n: int) -> str:
    """The name of the ``n``-th hand-off (from 0) of a journey: ``"<from>><to>"``."""
    return f"{journey[n]}>{journey[n + 1]}"


def envelope_ok(record: dict[str, Any], form: str, version: str, known: frozenset[str]) -> bool:
    """Whether a record with every required field (and no other) is right outside its answers.

    ``answers`` must be an object whose keys are all in ``known``.
    """
    for name in REQUIRED_TEXT:
        value = record[name]
        if type(value) is not str or not value:
            return False
    if record["form"] != form:
        return False
    given = record.get("form_version")
    if given is not None and given != version:
        return False
    if record["channel"] not in CHANNELS or record["language"] not in LANGUAGES:
        return False
    if _datetime(record["visited_at"]) is None:
        return False
    if record.get("submitted_at") is not None and _datetime(record["submitted_at"]) is None:
        return False
    if type(record.get("programme")) not in (str, type(None)):
        return False
    if type(record.get("comment", "")) is not str:
        return False
    if not journey_ok(record.get("journey"), record["service"]):
        return False
    answers = record["answers"]
    return type(answers) is dict and answers.keys() <= known


class CompiledForm:
    """A form ready to check records fast and to explain the bad ones."""

    def __init__(self, form: Form, scorers: Mapping[str, QuestionScorer] | None = None) -> None:
        self.form = form
        self.steps: list[Step] = []
        position = {}
        for s, section in enumerate(form.sections):
            for question in section.questions:
                position[question.id] = len(self.steps)
                condition = None
                if question.show_if is not None:
                    if question.show_if.question not in position:
                        raise InputError(
                            "show_if_not_earlier",
                            {"question": question.show_if.question},
                            where=f"form {form.id}, question {question.id}",
                        )
                    values = frozenset(question.show_if.values)
                    condition = (position[question.show_if.question], values)
                self.steps.append(
                    Step(
                        id=question.id,
                        index=len(self.steps),
                        section=s,
                        scored=question.scored,
                        required=question.required,
                        na_allowed=question.na_allowed,
                        check=compile_check(question, form.policy.bounds, scorers),
                        show_if=condition,
                    )
                )
        self.ids = [step.id for step in self.steps]
        self.known = frozenset(self.ids)
        handoffs = [section for section in form.sections if section.handoff]
        self.handoff_ids = tuple(section.id for section in handoffs)
        self.handoff_questions = tuple(
            frozenset(q.id for q in section.questions) for section in handoffs
        )
        self.na_counts = form.policy.na != "exclude"

    def handoff_answered(self, n: int, answers: Mapping[str, Any]) -> bool:
        """Whether the ``n``-th hand-off section (from 0) took place: one of its questions has
        an answer other than "na" (or any answer, when the policy scores "na")."""
        for qid in self.handoff_questions[n]:
            value = answers.get(qid, answers)
            if value is not answers and (
                self.na_counts or not (type(value) is str and value == NA)
            ):
                return True
        return False

    def handoff_keys(self, record: dict[str, Any]) -> tuple[str, ...] | None:
        """The key of each hand-off section's score, in form order, for a record whose fields
        are otherwise right: the section id without a journey, else the n-th hand-off section
        is ``"<journey[n-1]>><journey[n]>"``. Only as many keys as the journey names hand-offs;
        None when an answered hand-off section (see :meth:`handoff_answered`) is past the
        journey's end or two answered sections name the same hand-off."""
        journey = record.get("journey")
        if journey is None or not self.handoff_ids:
            return self.handoff_ids
        answers = record["answers"]
        count = min(len(self.handoff_ids), len(journey) - 1)
        keys = tuple(handoff_key(journey, n) for n in range(count))
        seen = set()
        for n in range(len(self.handoff_ids)):
            if not self.handoff_answered(n, answers):
                continue
            if n >= count or keys[n] in seen:
                return None
            seen.add(keys[n])
        return keys

    def read(self, record: Any) -> tuple[list[int], list[float]] | None:
        """Each question's state and points, or None if anything is wrong."""
        if type(record) is not dict:
            return None
        keys = record.keys()
        if not (keys <= FIELDS and keys >= REQUIRED):
            return None
        if not envelope_ok(record, self.form.id, self.form.version, self.known):
            return None
        answers = record["answers"]
        states: list[int] = []
        points: list[float] = []
        ids = self.ids
        for step in self.steps:
            value = answers.get(step.id, answers)  # the dict itself marks "no answer"
            if step.show_if is not None and not _shown(step, answers, states, ids):
                if value is not answers:
                    return None
                states.append(HIDDEN)
                points.append(0.0)
            elif value is answers:
                if step.required:
                    return None
                states.append(UNANSWERED)
                points.append(0.0)
            elif value == NA and type(value) is str:
                if not step.na_allowed:
                    return None
                states.append(NOT_APPLICABLE)
                points.append(0.0)
            else:
                got = step.check(value)
                if type(got) is Bad:
                    return None
                states.append(SCORED if step.scored else TEXT)
                points.append(got)  # type: ignore[arg-type]
        if self.handoff_keys(record) is None:
            return None
        return states, points

    def problems(self, record: Any) -> list[FieldProblem]:
        """Every problem of a record, each with a code and a JSON path (exact path)."""
        if type(record) is not dict:
            return [FieldProblem.of("record_not_object", "$")]
        found = [
            FieldProblem.of("field_missing", f"$.{name}", field=name)
            for name in sorted(REQUIRED - record.keys())
        ]
        found += [
            FieldProblem.of("field_unknown", member("$", name), field=name)
            for name in sorted(record.keys() - FIELDS)
        ]
        for name in (*REQUIRED_TEXT, *OPTIONAL_TEXT, "comment"):
            if name not in record or (name in OPTIONAL_TEXT and record[name] is None):
                continue
            value = record[name]
            if type(value) is not str or (not value and name != "comment"):
                found.append(
                    FieldProblem.of(
                        "field_wrong_type", f"$.{name}", field=name, expected="a non-empty text"
                    )
                )
        if type(record.get("form")) is str and record["form"] != self.form.id:
            found.append(
                FieldProblem.of("form_mismatch", "$.form", value=record["form"], form=self.form.id)
            )
        version = record.get("form_version")
        if type(version) is str and version != self.form.version:
            found.append(
                FieldProblem.of(
                    "form_version_mismatch",
                    "$.form_version",
                    value=version,
                    version=self.form.version,
                )
            )
        for name, allowed in (("channel", CHANNELS), ("language", LANGUAGES)):
            if name in record and record[name] not in allowed:
                found.append(
                    FieldProblem.of(
                        "field_not_allowed",
                        f"$.{name}",
                        field=name,
                        value=record[name],
                        allowed=list(allowed),
                    )
                )
        for name in ("visited_at", "submitted_at"):
            value = record.get(name)
            if value is not None and _datetime(value) is None:
                found.append(FieldProblem.of("datetime_unparseable", f"$.{name}", value=value))
        answers = record.get("answers")
        if "answers" in record and type(answers) is not dict:
            found.append(
                FieldProblem.of(
                    "field_wrong_type", "$.answers", field="answers", expected="an object"
                )
            )
        if type(answers) is dict:
            found += self._answer_problems(answers)
        return found + self._journey_problems(record)

    def _journey_problems(self, record: dict[str, Any]) -> list[FieldProblem]:
        journey = record.get("journey")
        if journey is None:
            return []
        expected = "a non-empty list of non-empty texts"
        if type(journey) is not list or not journey:
            return [
                FieldProblem.of("field_wrong_type", "$.journey", field="journey", expected=expected)
            ]
        found = [
            FieldProblem.of(
                "field_wrong_type", f"$.journey[{n}]", field="journey", expected=expected
            )
            for n, stop in enumerate(journey)
            if type(stop) is not str or not stop
        ]
        if found:
            return found
        service = record.get("service")
        if journey[0] != service:
            found.append(
                FieldProblem.of(
                    "journey_start_mismatch", "$.journey[0]", value=journey[0], service=service
                )
            )
        answers = record.get("answers")
        if type(answers) is not dict:
            return found
        seen: dict[str, str] = {}
        for n, section in enumerate(self.handoff_ids):
            if not self.handoff_answered(n, answers):
                continue
            if n + 1 >= len(journey):
                found.append(
                    FieldProblem.of(
                        "journey_too_short",
                        "$.journey",
                        section=section,
                        needed=n + 2,
                        given=len(journey),
                    )
                )
                continue
            key = handoff_key(journey, n)
            if key in seen:
                found.append(
                    FieldProblem.of(
                        "journey_handoff_repeated",
                        "$.journey",
                        handoff=key,
                        first=seen[key],
                        second=section,
                    )
                )
            seen.setdefault(key, section)
        return found

    def _answer_problems(self, answers: dict[str, Any]) -> list[FieldProblem]:
        found = [
            FieldProblem.of("answer_question_unknown", member("$.answers", key), question=key)
            for key in answers
            if key not in self.known
        ]
        states: list[int] = []
        questions = self.form.questions()
        for step in self.steps:
            where = member("$.answers", step.id)
            value = answers.get(step.id, answers)
            state = SCORED if step.scored else TEXT
            if step.show_if is not None and not _shown(step, answers, states, self.ids):
                state = HIDDEN
                if value is not answers:
                    condition = questions[step.id][1].show_if
                    assert condition is not None
                    found.append(
                        FieldProblem.of(
                            "answer_not_shown",
                            where,
                            question=step.id,
                            depends_on=condition.question,
                            values=list(condition.values),
                        )
                    )
            elif value is answers:
                state = UNANSWERED
                if step.required:
                    found.append(FieldProblem.of("answer_missing", where, question=step.id))
            elif value == NA and type(value) is str:
                state = NOT_APPLICABLE
                if not step.na_allowed:
                    found.append(FieldProblem.of("answer_na_not_allowed", where, question=step.id))
            else:
                got = step.check(value)
                if type(got) is Bad:
                    code, params = got
                    found.append(FieldProblem.of(code, where, **params))
                    state = UNANSWERED
            states.append(state)
        return found
