"""The form linter: what a form's schema cannot say, each problem with a code and a JSON path.

Errors make a form unusable or ambiguous (duplicate ids, band tables with gaps or overlaps,
``show_if`` on an unknown question, a missing text in the fallback language, language
versions that score differently); warnings are worth a look (a text missing in another
declared language, weights that do not sum as the policy expects).

A file that breaks the schema is still checked: every schema violation is reported with its
JSON path, and the other checks run on the parts of the file that are usable (a broken
question is skipped, its siblings are not).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import ROUND_CEILING, Decimal
from typing import Any, Literal

from attrs import frozen

from shopperkit.errors import InputError
from shopperkit.hookspecs import ProgrammeSource
from shopperkit.io.convert import from_data, to_data
from shopperkit.io.documents import read_document
from shopperkit.io.schemas import SchemaProblem, problems
from shopperkit.messages import render
from shopperkit.model.forms import (
    BAND_TYPES,
    CORE_TYPES,
    OPTION_TYPES,
    Bounds,
    Form,
    GradeBand,
    Localised,
    PointsBand,
    Policy,
    Question,
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


def _schema_problems(found: Sequence[SchemaProblem]) -> list[LintProblem]:
    reported = []
    for problem in found:
        if problem.message == "'points' is a required property" and ".options[" in problem.path:
            reported.append(_error("option_points_missing", problem.path, value=problem.path))
        else:
            reported.append(_error("schema_violation", problem.path, reason=problem.message))
    return reported


# --- the usable parts of a document ---------------------------------------------------------


class _Broken:
    """Where a document breaks its schema, to tell usable parts from broken ones."""

    def __init__(self, found: Sequence[SchemaProblem] = ()) -> None:
        self.found = tuple(found)

    def part(self, path: str) -> bool:
        """Whether anything at or under ``path`` breaks the schema."""
        return any(
            p.path == path or p.path.startswith((f"{path}.", f"{path}[")) for p in self.found
        )

    def field(self, path: str, name: str) -> bool:
        """Whether field ``name`` of the object at ``path`` breaks the schema (or is missing)."""
        return self.part(f"{path}.{name}") or any(
            p.path == path and f"'{name}'" in p.message for p in self.found
        )


@frozen
class _QuestionPart:
    """A question where it stands in its file; ``question`` is None when it is broken."""

    path: str
    id: str | None
    question: Question | None
    raw: Mapping[str, Any]


@frozen
class _SectionPart:
    """A section where it stands in its file; None for each broken field."""

    path: str
    id: str | None
    weight: float | None
    title: Localised | None
    questions: tuple[_QuestionPart, ...]


@frozen
class _Document:
    """What the checks can use of a form file: None (or nothing) for each broken part."""

    form_id: str | None
    title: Localised | None
    languages: tuple[str, ...] | None
    fallback: str | None
    policy: Policy | None
    sections: tuple[_SectionPart, ...]
    bands: tuple[GradeBand, ...] | None
    raw: Mapping[str, Any]
    broken: _Broken

    @classmethod
    def of_form(cls, form: Form) -> _Document:
        """A whole, valid form."""
        raw: dict[str, Any] = to_data(form)
        sections = tuple(
            _SectionPart(
                f"$.sections[{s}]",
                section.id,
                section.weight,
                section.title,
                tuple(
                    _QuestionPart(
                        f"$.sections[{s}].questions[{q}]",
                        question.id,
                        question,
                        raw["sections"][s]["questions"][q],
                    )
                    for q, question in enumerate(section.questions)
                ),
            )
            for s, section in enumerate(form.sections)
        )
        return cls(
            form.id,
            form.title,
            form.languages,
            form.fallback_language,
            form.policy,
            sections,
            form.bands,
            raw,
            _Broken(),
        )

    @classmethod
    def of_data(cls, data: Any, found: Sequence[SchemaProblem]) -> _Document:
        """The usable parts of parsed data that breaks the schema where ``found`` says."""
        broken = _Broken(found)
        raw: Mapping[str, Any] = data if isinstance(data, Mapping) else {}

        def usable(name: str, kind: type[Any]) -> Any:
            value = raw.get(name)
            return value if not broken.field("$", name) and isinstance(value, kind) else None

        sections: list[_SectionPart] = []
        for s, section in enumerate(_list(raw.get("sections"))):
            path = f"$.sections[{s}]"
            if not isinstance(section, Mapping):
                continue
            questions = tuple(
                _question_part(f"{path}.questions[{q}]", question, broken)
                for q, question in enumerate(_list(section.get("questions")))
                if isinstance(question, Mapping)
            )
            sections.append(
                _SectionPart(
                    path,
                    _usable(section, "id", str, path, broken),
                    _usable(section, "weight", int | float, path, broken),
                    _usable(section, "title", Mapping, path, broken),
                    questions,
                )
            )
        languages = usable("languages", list)
        policy = _model(Policy, raw.get("policy", {}), "$.policy", broken)
        bands = _model(tuple[GradeBand, ...], raw.get("bands", []), "$.bands", broken)
        return cls(
            usable("id", str),
            usable("title", Mapping),
            None if languages is None else tuple(languages),
            usable("fallback_language", str),
            policy,
            tuple(sections),
            bands,
            raw,
            broken,
        )


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _usable(raw: Mapping[str, Any], name: str, kind: Any, path: str, broken: _Broken) -> Any:
    value = raw.get(name)
    if broken.field(path, name) or not isinstance(value, kind) or isinstance(value, bool):
        return None
    return value


def _model(kind: Any, raw: Any, path: str, broken: _Broken) -> Any:
    """``raw`` as a ``kind``, or None where it breaks the schema."""
    if broken.part(path):
        return None
    try:
        return from_data(kind, raw, where=path)
    except InputError:
        return None


def _question_part(path: str, raw: Mapping[str, Any], broken: _Broken) -> _QuestionPart:
    question: Question | None = _model(Question, raw, path, broken)
    return _QuestionPart(path, _usable(raw, "id", str, path, broken), question, raw)


# --- checks on one document -----------------------------------------------------------------


def localised_texts(form: Form) -> Iterator[tuple[str, Mapping[str, str]]]:
    """Every translated text of a form (title, sections, questions, options, band labels)
    with its JSON path."""
    yield from _texts(_Document.of_form(form), every_label=True)


def _texts(
    document: _Document, *, every_label: bool = False
) -> Iterator[tuple[str, Mapping[str, str]]]:
    """The usable texts of a document; an option without any label (shown by its value) is
    left out unless ``every_label``."""
    if document.title is not None:
        yield "$.title", document.title
    for section in document.sections:
        if section.title is not None:
            yield f"{section.path}.title", section.title
        for part in section.questions:
            if part.question is None:
                continue
            yield f"{part.path}.text", part.question.text
            for o, option in enumerate(part.question.options):
                if option.label or every_label:
                    yield f"{part.path}.options[{o}].label", option.label
    for b, band in enumerate(document.bands or ()):
        if band.label:
            yield f"$.bands[{b}].label", band.label


def _translations(document: _Document) -> Iterator[LintProblem]:
    languages, fallback = document.languages, document.fallback
    if languages is None or fallback is None:
        return
    declared = set(languages)
    for where, text in _texts(document):
        for language in languages:
            if not text.get(language):
                if language == fallback:
                    yield _error("translation_missing", where, language=language)
                else:
                    yield _warning("translation_missing", where, language=language)
        for language in sorted(set(text) - declared):
            yield _warning("language_undeclared", f"{where}.{language}", language=language)


def _option_values(part: _QuestionPart) -> list[Any]:
    if part.question is not None:
        return [option.value for option in part.question.options]
    options = _list(part.raw.get("options"))
    return [option.get("value") if isinstance(option, Mapping) else None for option in options]


def _duplicates(document: _Document) -> Iterator[LintProblem]:
    sections: set[str] = set()
    for section in document.sections:
        if section.id is not None:
            if section.id in sections:
                yield _error("duplicate_form_id", f"{section.path}.id", id=section.id)
            sections.add(section.id)
    questions: set[str] = set()
    for section in document.sections:
        for part in section.questions:
            if part.id is not None:
                if part.id in sections:
                    yield _error("section_question_id_clash", f"{part.path}.id", id=part.id)
                elif part.id in questions:
                    yield _error("duplicate_form_id", f"{part.path}.id", id=part.id)
                questions.add(part.id)
            values: set[Any] = set()
            for o, value in enumerate(_option_values(part)):
                if not isinstance(value, int | float | str):
                    continue
                if value in values:
                    yield _error("duplicate_form_id", f"{part.path}.options[{o}].value", id=value)
                values.add(value)


def _on_grid(value: float, precision: int) -> Decimal:
    return Decimal(repr(float(value))) / Decimal(1).scaleb(-precision)


def _values_between(
    low: float, high: float, precision: int | None, *, low_in: bool, high_in: bool
) -> bool:
    """Whether a value lies between ``low`` and ``high`` (each included or not): any number
    when ``precision`` is None, else a number with at most ``precision`` decimals."""
    if precision is None:
        return low < high or (low == high and low_in and high_in)
    start, end = _on_grid(low, precision), _on_grid(high, precision)
    first = start.to_integral_value(ROUND_CEILING)
    if first == start and not low_in:
        first += 1
    return first < end or (first == end and high_in)


def check_bands(
    bands: Sequence[PointsBand | GradeBand],
    bounds: Bounds,
    where: str,
    low: float | None,
    high: float | None,
    precision: int | None = None,
) -> Iterator[LintProblem]:
    """Gaps and overlaps in an ordered band table covering ``low`` to ``high`` (None: open).

    With ``precision``, values have at most that many decimals (scores rounded before they
    are banded), so 60.0-69.9 and 70.0-79.9 leave no gap at precision 1; without it any
    number may be banded.
    """
    upper = bounds == "upper_inclusive"
    previous: float | None = None
    for index, band in enumerate(bands):
        path = f"{where}[{index}]"
        if band.upto is None and index != len(bands) - 1:
            yield _error("band_open_not_last", path)
            return
        start = band.start
        if index == 0:
            if (
                start is not None
                and low is not None
                and _values_between(low, start, precision, low_in=True, high_in=False)
            ):
                yield _error("band_gap", path, low=low, high=start)
        elif previous is not None:
            if start is not None and _values_between(
                previous, start, precision, low_in=not upper, high_in=False
            ):
                yield _error("band_gap", path, low=previous, high=start)
            elif start is not None and _values_between(
                start, previous, precision, low_in=True, high_in=upper
            ):
                yield _error("band_overlap", path, index=index)
            if band.upto is not None and band.upto <= previous:
                yield _error("band_overlap", path, index=index)
        if start is not None and band.upto is not None and band.upto < start:
            yield _error("band_overlap", path, index=index)
        previous = band.upto
    last = bands[-1].upto if bands else None
    if bands and last is not None:
        uncovered = high is None or _values_between(
            last, high, precision, low_in=not upper, high_in=True
        )
        if uncovered:
            yield _error("band_gap", f"{where}[{len(bands) - 1}].upto", low=last, high=high)


def _questions(document: _Document, types: frozenset[str]) -> Iterator[LintProblem]:
    parts = [part for section in document.sections for part in section.questions]
    known = {part.id: part for part in reversed(parts) if part.id is not None}
    earlier: set[str] = set()
    for part in parts:
        question = part.question
        path = part.path
        if question is not None:
            yield from _question(document, question, path, types)
            condition = question.show_if
            if condition is not None:
                where = f"{path}.show_if.question"
                target = known.get(condition.question)
                if target is None:
                    yield _error("show_if_unknown_question", where, question=condition.question)
                elif condition.question not in earlier:
                    yield _error("show_if_not_earlier", where, question=condition.question)
                elif target.question is not None and target.question.type in OPTION_TYPES:
                    values = {option.value for option in target.question.options}
                    for v, value in enumerate(condition.values):
                        if value not in values:
                            yield _error(
                                "show_if_value_unknown",
                                f"{path}.show_if.in[{v}]",
                                value=value,
                                question=condition.question,
                            )
        if part.id is not None:
            earlier.add(part.id)


def _question(
    document: _Document, question: Question, path: str, types: frozenset[str]
) -> Iterator[LintProblem]:
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
    if question.type in BAND_TYPES and document.policy is not None:
        bounds = document.policy.bounds
        yield from check_bands(question.bands, bounds, f"{path}.bands", low, question.max)


def _grade_bands(document: _Document) -> Iterator[LintProblem]:
    policy = document.policy
    if not document.bands or policy is None:
        return
    high = 100.0 if policy.bonus_cap else None
    precision = policy.precision if policy.bands_on == "rounded" else None
    yield from check_bands(document.bands, policy.bounds, "$.bands", 0.0, high, precision)


def _weights(document: _Document) -> Iterator[LintProblem]:
    expected = document.policy.weights_sum if document.policy is not None else None
    if expected is None:
        return
    weights = [section.weight for section in document.sections]
    total = sum(weight for weight in weights if weight is not None)
    if None not in weights and abs(total - expected) > 1e-9:
        yield _warning("weights_sum_mismatch", "$.sections", total=total, expected=expected)
    for section in document.sections:
        questions = [part.question for part in section.questions]
        if not questions or any(question is None for question in questions):
            continue
        inner = sum(q.weight for q in questions if q is not None and q.scored and not q.bonus)
        if abs(inner - expected) > 1e-9:
            yield _warning(
                "weights_sum_mismatch",
                f"{section.path}.questions",
                total=inner,
                expected=expected,
            )


def _lint_document(document: _Document, question_types: Iterable[str]) -> list[LintProblem]:
    found: list[LintProblem] = []
    languages, fallback = document.languages, document.fallback
    if languages is not None and fallback is not None and fallback not in languages:
        found.append(
            _error("fallback_language_undeclared", "$.fallback_language", language=fallback)
        )
    found += _duplicates(document)
    found += _questions(document, CORE_TYPES | frozenset(question_types))
    found += _grade_bands(document)
    found += _translations(document)
    found += _weights(document)
    return found


def lint_form(form: Form, question_types: Iterable[str] = ()) -> list[LintProblem]:
    """Everything the linter finds in a valid (schema-checked) form.

    ``question_types`` are the types plugins score, besides the core ones.
    """
    return _lint_document(_Document.of_form(form), question_types)


def lint_data(data: Any, question_types: Iterable[str] = ()) -> list[LintProblem]:
    """Everything the linter finds in parsed form data, valid or not: every schema violation,
    then what the other checks find in the usable parts."""
    found = problems("form", data)
    reported = _schema_problems(found)
    return reported + _lint_document(_Document.of_data(data, found), question_types)


# --- language versions ----------------------------------------------------------------------


def _occurrences(document: _Document) -> dict[tuple[str, int], tuple[str, _QuestionPart]]:
    """Questions by (id, how many times the id came before), with their section's id."""
    seen: dict[str, int] = {}
    found: dict[tuple[str, int], tuple[str, _QuestionPart]] = {}
    for section in document.sections:
        for part in section.questions:
            if part.id is not None:
                found[(part.id, seen.get(part.id, 0))] = (section.id or "", part)
                seen[part.id] = seen.get(part.id, 0) + 1
    return found


def _field(part: _QuestionPart, broken: _Broken, name: str, default: Any) -> Any:
    """A question's raw field normalised for comparison, ``_BROKEN`` where it is broken."""
    if broken.field(part.path, name):
        return _BROKEN
    value = part.raw.get(name, default)
    if name in ("options", "bands"):
        keys = ("value", "points") if name == "options" else ("from", "upto", "points")
        return tuple(
            tuple(item.get(key) for key in keys) if isinstance(item, Mapping) else item
            for item in _list(value)
        )
    if name == "show_if" and isinstance(value, Mapping):
        return value.get("question"), tuple(_list(value.get("in")))
    return value


_BROKEN = object()


def _compare_question(
    a: _QuestionPart, b: _QuestionPart, first: _Version, second: _Version
) -> Iterator[LintProblem]:
    names = {"first": first.name, "second": second.name}
    qid = b.id

    def differs(name: str, default: Any) -> bool:
        before = _field(a, first.document.broken, name, default)
        now = _field(b, second.document.broken, name, default)
        return before is not _BROKEN and now is not _BROKEN and before != now

    options = (
        _field(a, first.document.broken, "options", ()),
        _field(b, second.document.broken, "options", ()),
    )
    if _BROKEN not in options and len(options[0]) != len(options[1]):
        yield _error("option_count_differs", f"{b.path}.options", question=qid, **names)
    elif differs("options", ()) or any(
        differs(name, default)
        for name, default in (("type", None), ("bonus", False), ("fail_below", None))
    ):
        yield _error("points_differ", b.path, question=qid, **names)
    if differs("na_allowed", False):
        yield _error("na_allowed_differs", f"{b.path}.na_allowed", question=qid, **names)
    if differs("bands", ()):
        yield _error("bands_differ", f"{b.path}.bands", question=qid, **names)
    if differs("show_if", None):
        yield _error("show_if_differs", f"{b.path}.show_if", question=qid, **names)
    if differs("weight", 1):
        yield _error("weight_differs", f"{b.path}.weight", id=qid, **names)
    if differs("critical", False):
        yield _error("critical_differs", f"{b.path}.critical", question=qid, **names)


def _missing_and_order(
    before: Sequence[tuple[Any, str]], now: Sequence[tuple[Any, str]], first: str, second: str
) -> Iterator[LintProblem]:
    """Ids (keyed by anything) in one version only, and common ids in another order."""
    kept_before = {key for key, _ in before}
    kept_now = {key for key, _ in now}
    for key, where in now:
        if key not in kept_before:
            yield _error("id_not_in_version", where, id=key[0], first=second, second=first)
    for key, _ in before:
        if key not in kept_now:
            yield _error("id_not_in_version", "$.sections", id=key[0], first=first, second=second)
    common_before = [key for key, _ in before if key in kept_now]
    common_now = [(key, where) for key, where in now if key in kept_before]
    for (key, where), expected in zip(common_now, common_before, strict=True):
        if key != expected:
            yield _error("order_differs", where, id=key[0], first=first, second=second)


@frozen
class _Version:
    """A form file as a language version: its name and usable parts."""

    name: str
    document: _Document


def _normalised_bands(raw: Any) -> tuple[Any, ...]:
    keys = ("from", "upto", "grade", "stars")
    return tuple(
        tuple(band.get(key) for key in keys) if isinstance(band, Mapping) else band
        for band in _list(raw)
    )


def _numbered(ids: Iterable[tuple[str | None, str]]) -> list[tuple[tuple[str, int], str]]:
    """Ids with their paths, keyed by (id, how many times the id came before)."""
    seen: dict[str, int] = {}
    keyed = []
    for id_, path in ids:
        if id_ is not None:
            keyed.append(((id_, seen.get(id_, 0)), path))
            seen[id_] = seen.get(id_, 0) + 1
    return keyed


def _compare_versions(first: _Version, second: _Version) -> Iterator[LintProblem]:
    """How ``second`` scores differently from ``first``, another language version of it."""
    a, b = first.document, second.document
    names = {"first": first.name, "second": second.name}
    yield from _missing_and_order(
        _numbered((s.id, s.path) for s in a.sections),
        _numbered((s.id, s.path) for s in b.sections),
        first.name,
        second.name,
    )
    before, now = _occurrences(a), _occurrences(b)
    moved = [
        part.path
        for key, (section, part) in now.items()
        if key in before and before[key][0] != section
    ]
    reordered = list(
        _missing_and_order(
            [(key, part.path) for key, (_, part) in before.items()],
            [(key, part.path) for key, (_, part) in now.items()],
            first.name,
            second.name,
        )
    )
    yield from reordered
    for path in moved:
        if not any(p.code == "order_differs" and p.where == path for p in reordered):
            qid = next(key[0] for key, (_, part) in now.items() if part.path == path)
            yield _error("order_differs", path, id=qid, **names)
    weights = {s.id: s.weight for s in a.sections if s.id is not None}
    for section in b.sections:
        weight = weights.get(section.id or "")
        if weight is not None and section.weight is not None and weight != section.weight:
            yield _error("weight_differs", f"{section.path}.weight", id=section.id, **names)
    for key, (_, part) in now.items():
        if key in before:
            yield from _compare_question(before[key][1], part, first, second)
    before_bands, now_bands = (
        _normalised_bands(a.raw.get("bands")),
        _normalised_bands(b.raw.get("bands")),
    )
    if a.bands is not None and b.bands is not None and before_bands != now_bands:
        yield _error("grade_bands_differ", "$.bands", **names)
    if a.policy is not None and b.policy is not None and a.policy != b.policy:
        yield _error("policy_differs", "$.policy", **names)


def lint_files(
    sources: Sequence[ProgrammeSource], question_types: Iterable[str] = ()
) -> list[LintProblem]:
    """Lint form files; files that share a form id are language versions and must agree
    on the parts both have usable.

    Each version is compared with one file of every group of earlier versions that agree
    among themselves: a version that agrees with a group joins it, silently; one that agrees
    with none is reported against each group (both files named) and starts its own. So a
    difference between any two versions is found, and reported once."""
    found: list[LintProblem] = []
    groups: dict[str, list[_Version]] = {}
    for source in sources:
        name = str(source)
        data = read_document(source)
        schema = problems("form", data)
        document = _Document.of_data(data, schema)
        found += [_in(problem, name) for problem in _schema_problems(schema)]
        found += [_in(problem, name) for problem in _lint_document(document, question_types)]
        version = _Version(name, document)
        if document.form_id is None:
            continue
        representatives = groups.setdefault(document.form_id, [])
        differences = [list(_compare_versions(other, version)) for other in representatives]
        if all(differences):
            found += [_in(p, name) for listed in differences for p in listed]
            representatives.append(version)
    return found


def _in(problem: LintProblem, file: str) -> LintProblem:
    return LintProblem(problem.severity, problem.code, problem.where, problem.message, file)
