"""Reading applicants from CSV, JSON or JSONL, turning each bad record into a RecordError.

A bad record never stops the batch: it is reported with its row and column (CSV) or JSON path
(JSON, JSONL) while every other record is still read. Only unusable input (a missing file, a
header without the required columns, a JSON file that is not a list) raises.

CSV and JSONL are read one record at a time, so memory does not grow with the file beyond
the ids kept to find duplicates; a JSON list is read whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import Any, TypeVar

from shopperkit.errors import InputError
from shopperkit.io.convert import from_data
from shopperkit.io.files import binary_lines, csv_lists, parse_json, read_json, split_list
from shopperkit.io.schemas import problems
from shopperkit.model.people import Applicant, Residency
from shopperkit.problems import FieldProblem, RecordError

CSV_REQUIRED = ("id", "birth_date", "nationality", "residency", "applied_on")
CSV_OPTIONAL = (
    "resident_since",
    "gender",
    "profession",
    "employer",
    "declarations",
    "languages",
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

Record = tuple[int, Applicant] | RecordError
"""What a reader yields: a row number with its applicant, or the error of a bad row."""


CACHE_LIMIT = 65_536
"""Distinct cell texts (dates, lists) each CSV reader remembers the parsed value of."""
T = TypeVar("T")


def parse_date(text: str) -> date:
    """A ``YYYY-MM-DD`` date; ``ValueError`` otherwise."""
    if not _ISO_DATE.match(text):
        raise ValueError(text)
    return date.fromisoformat(text)


def _remembered(parse: Callable[[str], T]) -> tuple[Callable[[str], T | None], Callable[[str], T]]:
    """``(known, parse)``: ``known(text)`` is the value already parsed for ``text`` (or None)
    and ``parse`` parses, remembering up to :data:`CACHE_LIMIT` distinct texts."""
    values: dict[str, T] = {}

    def remembered(text: str) -> T:
        value = parse(text)
        if len(values) < CACHE_LIMIT:
            values[text] = value
        return value

    return values.get, remembered


def _csv_applicants(header: list[str]) -> Callable[[list[str]], Applicant | list[FieldProblem]]:
    """Turns CSV rows into applicants by column position, remembering the values of cells
    that repeat (dates, declarations, languages) so that memory stays bounded."""
    width = len(header)
    position = {name: index for index, name in enumerate(header)}
    # Rows get one empty value at ``width``, where every absent optional column points.
    cells = itemgetter(*(position.get(name, width) for name in (*CSV_REQUIRED, *CSV_OPTIONAL)))
    # Rows are padded to the header's length, so they need the extra value only when an
    # optional column is absent.
    complete = all(name in position for name in CSV_OPTIONAL)
    known_day, day = _remembered(parse_date)
    known_declared, declared = _remembered(lambda text: frozenset(split_list(text)))
    known_spoken, spoken = _remembered(split_list)
    # Residencies are immutable and few: one shared model per (status, start) text.
    residencies: dict[tuple[str, str], Residency] = {}

    def residency_of(status: str, since: str) -> Residency:
        made = Residency(status.lower(), (known_day(since) or day(since)) if since else None)
        if len(residencies) < CACHE_LIMIT:
            residencies[status, since] = made
        return made

    def problems(values: list[str]) -> list[FieldProblem]:
        row = dict(zip(header, values, strict=False))
        found: list[FieldProblem] = []
        for column in CSV_REQUIRED:
            if not row.get(column):
                found.append(FieldProblem.of("value_missing", column))
        for column in ("birth_date", "applied_on", "resident_since"):
            text = row.get(column, "")
            if text:
                try:
                    parse_date(text)
                except ValueError:
                    found.append(FieldProblem.of("date_unparseable", column, value=text))
        return found

    def applicant(values: list[str]) -> Applicant | list[FieldProblem]:
        if not complete:
            del values[width:]
            values.append("")
        (
            ident,
            born,
            nationality,
            residency,
            applied,
            since,
            gender,
            profession,
            employer,
            declarations,
            languages,
        ) = cells(values)
        if not (ident and born and nationality and residency and applied):
            return problems(values)
        try:
            return Applicant(
                ident,
                known_day(born) or day(born),
                nationality,
                residencies.get((residency, since)) or residency_of(residency, since),
                gender or None,
                profession or None,
                known_spoken(languages) or spoken(languages),
                employer or None,
                known_declared(declarations) or declared(declarations),
                known_day(applied) or day(applied),
            )
        except ValueError:
            return problems(values)

    return applicant


def _read_csv(path: Path, warn: Callable[[str], None]) -> Iterator[Record]:
    header, rows = csv_lists(path, CSV_REQUIRED)
    unknown = [name for name in header if name not in CSV_REQUIRED + CSV_OPTIONAL]
    if unknown:
        warn(InputError("csv_unknown_columns", {"columns": unknown}, where=str(path)).message())
    applicant = _csv_applicants(header)
    at = {name: index for index, name in enumerate(header)}["id"]
    first_row = _first_rows()
    # The duplicate check of :func:`_checked`, inlined: this loop runs once per applicant.
    for line, values in rows:
        result = applicant(values)
        if isinstance(result, Applicant):
            first = first_row(result.id, line)
            if first is line:
                yield line, result
                continue
            result = [_duplicate(result.id, first)]
        yield RecordError(str(path), line, values[at] or None, tuple(result))


def _from_json_record(data: Any) -> Applicant | list[FieldProblem]:
    found = problems("applicant", data)
    if found:
        return [
            FieldProblem("schema_violation", problem.path, problem.message) for problem in found
        ]
    try:
        return from_data(Applicant, data)
    except InputError as error:
        return [FieldProblem("structure_failed", "$", error.message())]


def _read_json(path: Path) -> Iterator[tuple[int, str | None, Any]]:
    data = read_json(path)
    if not isinstance(data, list):
        raise InputError(
            "schema_violation", {"reason": "$: expected a list of applicants"}, where=str(path)
        )
    for index, item in enumerate(data, start=1):
        yield index, _json_id(item), _from_json_record(item)


def _read_jsonl(path: Path) -> Iterator[tuple[int, str | None, Any]]:
    for number, line in binary_lines(path):
        if not line.strip():
            continue
        try:
            item = parse_json(line)
        except InputError as error:
            where = str(error.params.get("path", "$"))
            yield number, None, [FieldProblem.of(error.code, where, **error.params)]
            continue
        yield number, _json_id(item), _from_json_record(item)


def _json_id(item: Any) -> str | None:
    value = item.get("id") if isinstance(item, dict) else None
    return value if isinstance(value, str) else None


def _first_rows() -> Callable[[str, int], int]:
    """Records ``id`` at ``row`` if new and returns the row it was first seen at (``row``
    itself when new): the one thing kept per applicant, about 130 bytes per id."""
    seen: dict[str, int] = {}
    return seen.setdefault


def _duplicate(ident: str, first: int) -> FieldProblem:
    return FieldProblem.of("duplicate_id", "id", id=ident, first=f"row {first}")


def _checked(path: Path, raw: Iterator[tuple[int, str | None, Any]]) -> Iterator[Record]:
    """Records from ``(row, id, applicant or problems)``, a repeated id an error."""
    first_row = _first_rows()
    for row, raw_id, result in raw:
        if isinstance(result, Applicant):
            first = first_row(result.id, row)
            if first is row:
                yield row, result
                continue
            result = [_duplicate(result.id, first)]
        yield RecordError(file=str(path), row=row, id=raw_id, errors=tuple(result))


def read_applicants(
    path: Path, *, warn: Callable[[str], None] = lambda _: None
) -> Iterator[Record]:
    """Applicants from ``path`` (format by suffix), each bad record as a :class:`RecordError`,
    read lazily as the iterator is consumed (a JSON list is read whole first).

    A repeated id is an error on the later record, naming the row of the first. An unknown
    suffix raises :class:`InputError` at once; a missing or unusable file when reading starts.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path, warn)
    if suffix == ".json":
        return _checked(path, _read_json(path))
    if suffix in (".jsonl", ".ndjson"):
        return _checked(path, _read_jsonl(path))
    raise InputError("unknown_file_format", where=str(path))
