"""Submissions exported from ODK Central or KoboToolbox, read as evaluation records.

The form is built as an XLSForm by one convention: each question's ``name`` is its question
id, each section a group named by its section id, and a first group ``visit`` holds
``shopper``, ``entity``, ``centre``, ``service``, ``visited_at`` (dateTime) and ``comment``.
Exports name columns with their groups joined by ``/`` (KoboToolbox), ``-`` (ODK Central
CSV) or ``.``, or without groups; JSON nests groups as objects (ODK Central OData) or keys
them ``group/question`` (KoboToolbox). The convention and every rejection code are in
``docs/collect-with-odk-kobo-and-surveyjs.md``.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from shopperkit.errors import InputError
from shopperkit.forms.surveyjs import NA_SUFFIX
from shopperkit.io.files import open_bytes, parse_json, spreadsheet_text
from shopperkit.model.evaluations import CHANNELS, NA, Answer, Channel, Evaluation
from shopperkit.model.forms import BAND_TYPES, OPTION_TYPES, Form, Question, Scalar
from shopperkit.problems import FieldProblem, RecordError

VISIT_GROUP = "visit"
CONTEXT_FIELDS = ("shopper", "entity", "centre", "service")
VISIT_FIELDS = (*CONTEXT_FIELDS, "visited_at", "comment")
SETTINGS = (*CONTEXT_FIELDS, "channel", "language", "programme")
"""What ``context`` may give: defaults for the visit's fields, and the channel, language
and programme of every record."""

ID_COLUMNS = (("meta", "instanceID"), ("KEY",), ("instanceID",), ("_uuid",), ("__id",))
"""Where the instance id is, the first present wins."""
SUBMITTED_COLUMNS = (("SubmissionDate",), ("_submission_time",), ("__system", "submissionDate"))

METADATA = frozenset(
    {
        *("start", "end", "today", "deviceid", "phonenumber", "username", "email", "audit"),
        *("simserial", "subscriberid", "instanceID", "instanceName", "KEY", "SubmissionDate"),
        *("SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected"),
        *("Status", "ReviewState", "DeviceID", "Edits", "FormVersion", "isValidated"),
        *("formdef_version", "PARENT_KEY"),
    }
)
"""Columns of ODK Central and KoboToolbox exports that are not answers (besides every name
starting with ``_`` and the groups ``meta``, ``formhub`` and ``__system``)."""
META_GROUPS = frozenset({"meta", "formhub", "__system"})

MAX_SHOWN = 60
"""A value longer than this is cut in messages."""

_SEPARATORS = re.compile(r"[/.\-]")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")
_MAX_NUMBER_TEXT = 40


def _shown(value: object) -> str:
    text = str(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


class _Columns:
    """How each column name of an export maps onto the form."""

    def __init__(self, form: Form) -> None:
        self.form = form
        self.questions = form.questions()
        self.known: dict[str, tuple[str, str]] = {}

    def classify(self, name: str) -> tuple[str, str]:
        """``(kind, target)``: kind ``visit``, ``question``, ``na`` (the companion saying a
        number, duration or text question is not applicable), ``ignored``, ``repeat`` or
        ``unknown``."""
        found = self.known.get(name)
        if found is None:
            found = self.known[name] = self._classify(name)
        return found

    def _classify(self, name: str) -> tuple[str, str]:
        if name.startswith("SET-OF-") or "@odata" in name:
            return "repeat", name
        if name in METADATA or name.startswith("_"):
            return "ignored", name
        segments = _SEPARATORS.split(name)
        if len(segments) > 1 and (segments[0] in META_GROUPS or segments[0].startswith("_")):
            return "ignored", name
        # Ids may hold "-" or ".": the longest known name that ends the column wins.
        for cut in [0, *(m.end() for m in _SEPARATORS.finditer(name))]:
            last, prefix = name[cut:], name[: max(cut - 1, 0)]
            if last.endswith(NA_SUFFIX):
                paired = self.questions.get(last[: -len(NA_SUFFIX)])
                if (
                    paired is not None
                    and paired[1].na_allowed
                    and not paired[1].options
                    and _in_group(prefix, paired[0].id)
                ):
                    return "na", paired[1].id
            if last in VISIT_FIELDS and _in_group(prefix, VISIT_GROUP):
                return "visit", last
            found = self.questions.get(last)
            if found is not None and _in_group(prefix, found[0].id):
                return "question", last
            owner = self.questions.get(prefix.rsplit("/", 1)[-1]) if prefix else None
            if owner is not None and owner[1].type == "multi_choice":
                values = {str(option.value) for option in owner[1].options} | {NA}
                if last in values:
                    return "ignored", name  # KoboToolbox's 0/1 column for one option
        groups, last = segments[:-1], segments[-1]
        if last in METADATA and groups:
            return "ignored", name
        return "unknown", name


def _in_group(prefix: str, group: str) -> bool:
    """Whether a column's ``prefix`` is empty or ends with the group ``group``."""
    if not prefix:
        return True
    return prefix == group or (prefix.endswith(group) and prefix[-len(group) - 1] in "/.-")


def _flatten(data: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in data.items():
        name = f"{prefix}/{key}" if prefix else str(key)
        if isinstance(value, Mapping):
            yield from _flatten(value, name)
        else:
            yield name, value


def _text(value: Any) -> str | None:
    """A JSON or CSV value as text (None: empty)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list) and all(isinstance(item, str | int | float) for item in value):
        return " ".join(str(item) for item in value)
    text = str(value).strip()
    return text or None


def _number(value: Any) -> float | int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value if math.isfinite(value) else None
    text = str(value).strip()
    if len(text) > _MAX_NUMBER_TEXT or not _NUMBER.fullmatch(text):
        return None
    number = float(text)
    if not math.isfinite(number):
        return None
    if number.is_integer() and not any(c in text for c in ".eE"):
        return int(text)
    return number


def _moment(value: Any) -> datetime | None:
    text = _text(value)
    if text is None or len(text) > _MAX_NUMBER_TEXT:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _option_keys(question: Question) -> dict[str, Scalar]:
    keys: dict[str, Scalar] = {}
    for option in question.options:
        value = option.value
        keys[str(value)] = value
        if isinstance(value, float) and value.is_integer():
            keys[str(int(value))] = value
    return keys


class _Mapper:
    """Turns one submission's ``(column, value)`` pairs into an evaluation or its problems."""

    def __init__(self, form: Form, context: Mapping[str, str], source: str) -> None:
        self.form = form
        self.context = context
        self.source = source
        self.columns = _Columns(form)
        self.options = {qid: _option_keys(q) for qid, (_, q) in self.columns.questions.items()}
        self.seen: dict[str, int] = {}

    def _answer(self, question: Question, column: str, value: Any) -> Answer | FieldProblem:
        if question.type in OPTION_TYPES:
            text = _text(value) or ""
            keys = self.options[question.id]
            if question.na_allowed and text == NA:
                return NA
            chosen = text.split() if question.type == "multi_choice" else [text]
            if all(item in keys for item in chosen):
                values = tuple(keys[item] for item in chosen)
                return values if question.type == "multi_choice" else values[0]
            return FieldProblem.of(
                "collected_value_not_option",
                column,
                column=column,
                value=_shown(text),
                options=" ".join([*keys, *([NA] if question.na_allowed else [])]),
            )
        if question.type in BAND_TYPES:
            if question.na_allowed and _text(value) == NA:
                return NA
            number = _number(value)
            if number is None:
                return FieldProblem.of(
                    "collected_number_invalid", column, column=column, value=_shown(value)
                )
            return number
        text = str(value).strip()
        if text == NA and not question.na_allowed:
            return FieldProblem.of(
                "collected_value_not_option", column, column=column, value=NA, options=""
            )
        return text

    def _ident(self, pairs: list[tuple[str, Any]]) -> str | None:
        by_segments = {tuple(_SEPARATORS.split(name)): value for name, value in pairs}
        for key in ID_COLUMNS:
            text = _text(by_segments.get(key))
            if text:
                return text
        return None

    def _submitted(self, pairs: list[tuple[str, Any]]) -> datetime | None:
        by_segments = {tuple(_SEPARATORS.split(name)): value for name, value in pairs}
        for key in SUBMITTED_COLUMNS:
            text = _text(by_segments.get(key))
            if text and len(text) <= _MAX_NUMBER_TEXT:
                try:
                    moment = datetime.fromisoformat(text)
                except ValueError:
                    continue
                return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
        return None

    def row(self, row: int, pairs: list[tuple[str, Any]]) -> Evaluation | RecordError:
        """The evaluation of one submission, or every problem found in it."""
        problems: list[FieldProblem] = []
        visit: dict[str, str] = {}
        answers: dict[str, Answer] = {}
        visited_at: datetime | None = None
        targets: dict[tuple[str, str], str] = {}
        not_applicable: dict[str, str] = {}
        for column, value in pairs:
            kind, target = self.columns.classify(column)
            if isinstance(value, list) and any(isinstance(item, Mapping) for item in value):
                kind = "repeat"
            if kind == "ignored":
                continue
            if kind == "repeat":
                problems.append(
                    FieldProblem.of("collected_repeat_unsupported", column, column=column)
                )
                continue
            text = _text(value)
            if kind == "unknown":
                if text is not None:
                    problems.append(
                        FieldProblem.of("collected_column_unknown", column, column=column)
                    )
                continue
            first = targets.setdefault((kind, target), column)
            if first != column:
                problems.append(
                    FieldProblem.of(
                        "collected_column_duplicate", column, column=column, first=first
                    )
                )
                continue
            if text is None:
                continue
            if kind == "visit" and target == "visited_at":
                visited_at = _moment(value)
                if visited_at is None:
                    problems.append(
                        FieldProblem.of(
                            "collected_date_invalid", column, column=column, value=_shown(text)
                        )
                    )
            elif kind == "visit":
                visit[target] = str(value).strip()
            elif kind == "na":
                if text == "yes":
                    not_applicable[target] = column
                elif text != "no":
                    problems.append(
                        FieldProblem.of(
                            "collected_value_not_option",
                            column,
                            column=column,
                            value=_shown(text),
                            options="yes no",
                        )
                    )
            else:
                answer = self._answer(self.columns.questions[target][1], column, value)
                if isinstance(answer, FieldProblem):
                    problems.append(answer)
                else:
                    answers[target] = answer
        for target, column in not_applicable.items():
            answered = targets.get(("question", target))
            if target in answers and answered is not None:
                problems.append(
                    FieldProblem.of("collected_na_answered", column, column=column, answer=answered)
                )
            else:
                answers[target] = NA
        for name in CONTEXT_FIELDS:
            if not visit.get(name):
                given = self.context.get(name)
                if given:
                    visit[name] = given
                else:
                    problems.append(FieldProblem.of("collected_context_missing", name, field=name))
        if visited_at is None and not any(p.code == "collected_date_invalid" for p in problems):
            problems.append(
                FieldProblem.of("collected_context_missing", "visited_at", field="visited_at")
            )
        ident = self._ident(pairs)
        if ident is None:
            problems.append(FieldProblem.of("collected_id_missing", "id"))
        elif ident in self.seen:
            problems.append(
                FieldProblem.of("collected_id_duplicate", "id", id=ident, row=self.seen[ident])
            )
        else:
            self.seen[ident] = row
        if problems or ident is None or visited_at is None:
            return RecordError(self.source, row, ident, tuple(problems))
        return Evaluation(
            id=ident,
            form=self.form.id,
            form_version=self.form.version,
            programme=self.context.get("programme"),
            shopper=visit["shopper"],
            entity=visit["entity"],
            centre=visit["centre"],
            service=visit["service"],
            channel=cast(Channel, self.context.get("channel", "visit")),
            visited_at=visited_at,
            submitted_at=self._submitted(pairs),
            language=self.context.get("language", self.form.fallback_language),
            answers=answers,
            comment=visit.get("comment", ""),
        )


def _decoded(path: Path) -> str:
    raw = open_bytes(path)
    try:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            return raw.decode("utf-16")
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError("file_unreadable", {"reason": str(error)}, where=str(path)) from None


def _csv_rows(path: Path, text: str) -> Iterator[tuple[int, Any]]:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [spreadsheet_text(name.strip()) for name in next(reader, [])]
        if not header:
            raise InputError("csv_missing_columns", {"columns": ["KEY"]}, where=str(path))
        for name in header:
            if name.startswith("SET-OF-"):
                raise InputError(
                    "collected_repeat_unsupported", {"column": name}, where=f"{path}:1"
                )
        seen: set[str] = set()
        for name in header:
            if name in seen and name:
                raise InputError(
                    "collected_column_duplicate", {"column": name, "first": name}, where=str(path)
                )
            seen.add(name)
        start = reader.line_num + 1
        for values in reader:
            line, start = start, reader.line_num + 1  # a row is named by its first line
            if not any(value.strip() for value in values):
                continue
            cells = [spreadsheet_text(value.strip()) for value in values]
            if len(cells) > len(header):
                header += [f"column {n + 1}" for n in range(len(header), len(cells))]
            yield line, tuple(zip(header, cells, strict=False))
    except csv.Error as error:
        raise InputError(
            "csv_malformed", {"reason": str(error)}, where=f"{path}:{reader.line_num}"
        ) from None


def _json_rows(path: Path, text: str) -> Iterator[tuple[int, Any]]:
    try:
        data = parse_json(text)
    except InputError as error:
        raise InputError(error.code, error.params, where=str(path)) from None
    if isinstance(data, Mapping):
        for key in ("value", "results"):  # ODK Central OData, KoboToolbox API
            if isinstance(data.get(key), list):
                data = data[key]
                break
        else:
            data = [data]
    if not isinstance(data, list):
        raise InputError("collected_json_unrecognised", where=str(path))
    yield from enumerate(data, start=1)


def _json_lines(path: Path, text: str) -> Iterator[tuple[int, Any]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                yield number, parse_json(line)
            except InputError as error:
                raise InputError(error.code, error.params, where=f"{path}:{number}") from None


def _checked(form: Form, context: Mapping[str, str] | None) -> dict[str, str]:
    given = dict(context or {})
    for name, value in given.items():
        if name not in SETTINGS:
            raise InputError(
                "collected_setting_invalid",
                {"name": name, "value": _shown(value), "known": ", ".join(SETTINGS)},
            )
    for name, known in (("channel", CHANNELS), ("language", form.languages)):
        if name in given and given[name] not in known:
            raise InputError(
                "collected_setting_invalid",
                {"name": name, "value": _shown(given[name]), "known": ", ".join(known)},
            )
    return given


def iter_submissions(
    path: Path | str, form: Form, *, context: Mapping[str, str] | None = None
) -> Iterator[Evaluation | RecordError]:
    """Each submission of an export in turn: its evaluation, or the :class:`RecordError`
    naming its row and every problem (see :func:`read_submissions`)."""
    path = Path(path)
    given = _checked(form, context)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json", ".jsonl", ".ndjson"):
        raise InputError("collected_file_unsupported", {"suffix": suffix}, where=str(path))
    text = _decoded(path)
    mapper = _Mapper(form, given, str(path))
    rows: Iterator[tuple[int, Any]]
    if suffix == ".csv":
        rows = _csv_rows(path, text)
    elif suffix == ".json":
        rows = _json_rows(path, text)
    else:
        rows = _json_lines(path, text)
    for row, data in rows:
        if isinstance(data, tuple):  # a CSV row's (column, value) pairs
            pairs = list(data)
        elif isinstance(data, Mapping):
            pairs = list(_flatten(data))
        else:
            problem = FieldProblem.of("collected_not_object", "$")
            yield RecordError(str(path), row, None, (problem,))
            continue
        yield mapper.row(row, pairs)


def read_submissions(
    path: Path | str, form: Form, *, context: Mapping[str, str] | None = None
) -> tuple[list[Evaluation], list[RecordError]]:
    """The evaluations of ``form`` in an ODK Central or KoboToolbox export (CSV, JSON or
    JSON Lines), and every submission that could not be read, with its row and problems.

    ``context`` gives what the export may lack: ``shopper``, ``entity``, ``centre`` and
    ``service`` when the ``visit`` group leaves them empty, and the ``channel`` (``visit``
    unless given), ``language`` (the form's fallback unless given) and ``programme`` of
    every record. A file that cannot be read at all (not UTF-8 or UTF-16, broken CSV or
    JSON, a repeat group's column, a column twice, an unknown setting) raises
    :class:`~shopperkit.errors.InputError`.
    """
    evaluations: list[Evaluation] = []
    rejected: list[RecordError] = []
    for result in iter_submissions(path, form, context=context):
        if isinstance(result, RecordError):
            rejected.append(result)
        else:
            evaluations.append(result)
    return evaluations, rejected
