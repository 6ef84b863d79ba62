"""The form linter: what a form's schema cannot say, each problem with a code and a JSON path.

Errors make a form unusable or ambiguous (duplicate ids, band tables with gaps or overlaps,
``show_if`` on an unknown question, a missing text in the fallback language, points that
differ between language versions); warnings are worth a look (a text missing in another
declared language, weights that do not sum as the policy expects).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal

from attrs import frozen

from shopperkit.hookspecs import ProgrammeSource
from shopperkit.io.convert import from_data
from shopperkit.io.documents import read_document
from shopperkit.io.schemas import problems
from shopperkit.messages import render
from shopperkit.model.forms import (
    BAND_TYPES,
    CORE_TYPES,
    OPTION_TYPES,
    Bounds,
    Form,
    GradeBand,
    PointsBand,
)

Severity = Literal["error", "warning"]


@frozen
class LintProblem:
    """One thing the linter reports about a form file."""

    severity: Severity
    code: str
    where: str
    message: str
    file: str = ""

    @classmethod
    def of(cls, severity: Severity, code: str, where: str, **params: object) -> LintProblem:
        """A problem with its English message rendered from the catalogue."""
        return cls(severity, code, where, render(code, params))


def _error(code: str, where: str, **params: object) -> LintProblem:
    return LintProblem.of("error", code, where, **params)


def _warning(code: str, where: str, **params: object) -> LintProblem:
    return LintProblem.of("warning", code, where, **params)


def _schema_problems(data: Any) -> list[LintProblem]:
    found = []
    for problem in problems("form", data):
        if problem.message == "'points' is a required property" and ".options[" in problem.path:
            found.append(_error("option_points_missing", problem.path, value=problem.path))
        else:
            found.append(_error("schema_violation", problem.path, reason=problem.message))
    return found


def localised_texts(form: Form) -> Iterator[tuple[str, Mapping[str, str]]]:
    """Every translated text of a form (title, sections, questions, options, band labels)
    with its JSON path."""
    yield "$.title", form.title
    for s, section in enumerate(form.sections):
        yield f"$.sections[{s}].title", section.title
        for q, question in enumerate(section.questions):
            path = f"$.sections[{s}].questions[{q}]"
            yield f"{path}.text", question.text
            for o, option in enumerate(question.options):
                yield f"{path}.options[{o}].label", option.label
    for b, band in enumerate(form.bands):
        if band.label:
            yield f"$.bands[{b}].label", band.label


def _translations(form: Form) -> Iterator[LintProblem]:
    declared = set(form.languages)
    for where, text in localised_texts(form):
        for language in form.languages:
            if not text.get(language):
                if language == form.fallback_language:
                    yield _error("translation_missing", where, language=language)
                else:
                    yield _warning("translation_missing", where, language=language)
        for language in sorted(set(text) - declared):
            yield _warning("language_undeclared", f"{where}.{language}", language=language)


def _duplicates(form: Form) -> Iterator[LintProblem]:
    seen: set[str] = set()
    for s, section in enumerate(form.sections):
        if section.id in seen:
            yield _error("duplicate_form_id", f"$.sections[{s}].id", id=section.id)
        seen.add(section.id)
    for s, section in enumerate(form.sections):
        for q, question in enumerate(section.questions):
            path = f"$.sections[{s}].questions[{q}]"
            if question.id in seen:
                yield _error("duplicate_form_id", f"{path}.id", id=question.id)
            seen.add(question.id)
            values: set[Any] = set()
            for o, option in enumerate(question.options):
                if option.value in values:
                    yield _error("duplicate_form_id", f"{path}.options[{o}].value", id=option.value)
                values.add(option.value)


def check_bands(
    bands: Sequence[PointsBand | GradeBand],
    bounds: Bounds,
    where: str,
    low: float | None,
    high: float | None,
) -> Iterator[LintProblem]:
    """Gaps and overlaps in an ordered band table covering ``low`` to ``high`` (None: open)."""
    previous: float | None = None
    for index, band in enumerate(bands):
        path = f"{where}[{index}]"
        if band.upto is None and index != len(bands) - 1:
            yield _error("band_open_not_last", path)
            return
        start = band.start
        if index == 0:
            if start is not None and low is not None and start > low:
                yield _error("band_gap", path, low=low, high=start)
        elif previous is not None:
            if start is not None and start > previous:
                yield _error("band_gap", path, low=previous, high=start)
            elif (start is not None and start < previous) or (
                start == previous and bounds == "upper_inclusive"
            ):
                yield _error("band_overlap", path, index=index)
            if band.upto is not None and band.upto <= previous:
                yield _error("band_overlap", path, index=index)
        if start is not None and band.upto is not None and band.upto < start:
            yield _error("band_overlap", path, index=index)
        previous = band.upto
    last = bands[-1].upto if bands else None
    if bands and last is not None:
        uncovered = high is None or high > last or (high == last and bounds == "lower_inclusive")
        if uncovered:
            yield _error("band_gap", f"{where}[{len(bands) - 1}].upto", low=last, high=high)


def _questions(form: Form, types: frozenset[str]) -> Iterator[LintProblem]:
    position: dict[str, int] = {}
    all_questions = form.questions()
    bounds = form.policy.bounds
    for s, section in enumerate(form.sections):
        for q, question in enumerate(section.questions):
            path = f"$.sections[{s}].questions[{q}]"
            if question.type not in types:
                yield _error(
                    "question_type_unknown",
                    f"{path}.type",
                    question=question.id,
                    type=question.type,
                    known=sorted(types),
                )
            if question.scored and question.max_points <= 0:
                yield _error("question_max_points_zero", path, question=question.id)
            low = question.min
            if low is None and question.type == "duration":
                low = 0.0
            if low is not None and question.max is not None and low > question.max:
                yield _error("range_inverted", path, low=low, high=question.max)
            if question.type in BAND_TYPES:
                yield from check_bands(question.bands, bounds, f"{path}.bands", low, question.max)
            condition = question.show_if
            if condition is not None:
                where = f"{path}.show_if.question"
                target = all_questions.get(condition.question)
                if target is None:
                    yield _error("show_if_unknown_question", where, question=condition.question)
                elif condition.question not in position:
                    yield _error("show_if_not_earlier", where, question=condition.question)
                elif target[1].type in OPTION_TYPES:
                    values = {option.value for option in target[1].options}
                    for v, value in enumerate(condition.values):
                        if value not in values:
                            yield _error(
                                "show_if_value_unknown",
                                f"{path}.show_if.in[{v}]",
                                value=value,
                                question=condition.question,
                            )
            position[question.id] = len(position)


def _weights(form: Form) -> Iterator[LintProblem]:
    expected = form.policy.weights_sum
    if expected is None:
        return
    total = sum(section.weight for section in form.sections)
    if abs(total - expected) > 1e-9:
        yield _warning("weights_sum_mismatch", "$.sections", total=total, expected=expected)
    for s, section in enumerate(form.sections):
        inner = sum(q.weight for q in section.questions if q.scored and not q.bonus)
        if abs(inner - expected) > 1e-9:
            yield _warning(
                "weights_sum_mismatch",
                f"$.sections[{s}].questions",
                total=inner,
                expected=expected,
            )


def lint_form(form: Form, question_types: Iterable[str] = ()) -> list[LintProblem]:
    """Everything the linter finds in a valid (schema-checked) form.

    ``question_types`` are the types plugins score, besides the core ones.
    """
    found: list[LintProblem] = []
    if form.fallback_language not in form.languages:
        found.append(
            _error(
                "fallback_language_undeclared",
                "$.fallback_language",
                language=form.fallback_language,
            )
        )
    found += _duplicates(form)
    found += _questions(form, CORE_TYPES | frozenset(question_types))
    if form.bands:
        high = 100.0 if form.policy.bonus_cap else None
        found += check_bands(form.bands, form.policy.bounds, "$.bands", 0.0, high)
    found += _translations(form)
    found += _weights(form)
    return found


def _scoring_of(form: Form) -> dict[str, tuple[Any, ...]]:
    """Per question what its score depends on, to compare language versions of a form."""
    return {
        question.id: (
            question.type,
            question.weight,
            question.bonus,
            question.critical,
            tuple((option.value, option.points) for option in question.options),
            tuple((band.start, band.upto, band.points) for band in question.bands),
        )
        for _, question in form.questions().values()
    }


def lint_files(
    sources: Sequence[ProgrammeSource], question_types: Iterable[str] = ()
) -> list[LintProblem]:
    """Lint form files; files that share a form id are language versions and must agree."""
    found: list[LintProblem] = []
    versions: dict[str, tuple[str, Form]] = {}
    for source in sources:
        name = str(source)
        data = read_document(source)
        schema = _schema_problems(data)
        if schema:
            found += [_in(problem, name) for problem in schema]
            continue
        form = from_data(Form, {k: v for k, v in data.items() if k != "$schema"}, where=name)
        found += [_in(problem, name) for problem in lint_form(form, question_types)]
        if form.id in versions:
            first_name, first = versions[form.id]
            before, now = _scoring_of(first), _scoring_of(form)
            paths = _paths(form)
            for qid in now:
                if qid in before and before[qid] != now[qid]:
                    found.append(
                        _in(
                            _error(
                                "points_differ",
                                paths[qid],
                                question=qid,
                                first=first_name,
                                second=name,
                            ),
                            name,
                        )
                    )
        else:
            versions[form.id] = (name, form)
    return found


def _paths(form: Form) -> dict[str, str]:
    return {
        question.id: f"$.sections[{s}].questions[{q}]"
        for s, section in enumerate(form.sections)
        for q, question in enumerate(section.questions)
    }


def _in(problem: LintProblem, file: str) -> LintProblem:
    return LintProblem(problem.severity, problem.code, problem.where, problem.message, file)
