"""Reading applicants from CSV, JSON or JSONL, turning each bad record into a RecordError.

A bad record never stops the batch: it is reported with its row and column (CSV) or JSON path
(JSON, JSONL) while every other record is still read. Only unusable input (a missing file, a
header without the required columns, a JSON file that is not a list) raises.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from shopperkit.errors import InputError
from shopperkit.io.convert import from_data
from shopperkit.io.files import (
    csv_rows,
    open_text,
    read_json,
    split_list,
)
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


def parse_date(text: str) -> date:
    """A ``YYYY-MM-DD`` date; ``ValueError`` otherwise."""
    if not _ISO_DATE.match(text):
        raise ValueError(text)
    return date.fromisoformat(text)


def _applicant_from_csv(row: dict[str, str]) -> Applicant | list[FieldProblem]:
    found: list[FieldProblem] = []
    for column in CSV_REQUIRED:
        if not row.get(column):
            found.append(FieldProblem.of("value_missing", column))
    dates: dict[str, date | None] = {}
    for column in ("birth_date", "applied_on", "resident_since"):
        text = row.get(column, "")
        dates[column] = None
        if text:
            try:
                dates[column] = parse_date(text)
            except ValueError:
                found.append(FieldProblem.of("date_unparseable", column, value=text))
    if found:
        return found
    return Applicant(
        id=row["id"],
        birth_date=dates["birth_date"],
        nationality=row["nationality"],
        residency=Residency(status=row["residency"].lower(), since=dates["resident_since"]),
        gender=row.get("gender") or None,
        profession=row.get("profession") or None,
        languages=split_list(row.get("languages", "")),
        employer=row.get("employer") or None,
        declarations=frozenset(split_list(row.get("declarations", ""))),
        applied_on=dates["applied_on"],
    )


def _read_csv(path: Path, warn: Callable[[str], None]) -> Iterator[tuple[int, str | None, Any]]:
    header, rows = csv_rows(path, CSV_REQUIRED)
    unknown = [name for name in header if name not in CSV_REQUIRED + CSV_OPTIONAL]
    if unknown:
        warn(InputError("csv_unknown_columns", {"columns": unknown}, where=str(path)).message())
    for line, row in rows:
        yield line, row.get("id") or None, _applicant_from_csv(row)


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
    for number, line in enumerate(open_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            yield number, None, [FieldProblem.of("json_malformed", "$", reason=str(error))]
            continue
        yield number, _json_id(item), _from_json_record(item)


def _json_id(item: Any) -> str | None:
    value = item.get("id") if isinstance(item, dict) else None
    return value if isinstance(value, str) else None


def read_applicants(
    path: Path, *, warn: Callable[[str], None] = lambda _: None
) -> Iterator[Record]:
    """Applicants from ``path`` (format by suffix), each bad record as a :class:`RecordError`.

    A repeated id is an error on the later record, naming the row of the first.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw = _read_csv(path, warn)
    elif suffix == ".json":
        raw = _read_json(path)
    elif suffix in (".jsonl", ".ndjson"):
        raw = _read_jsonl(path)
    else:
        raise InputError("unknown_file_format", where=str(path))
    seen: dict[str, int] = {}
    for row, raw_id, result in raw:
        if isinstance(result, Applicant):
            first = seen.setdefault(result.id, row)
            if first == row:
                yield row, result
                continue
            result = [FieldProblem.of("duplicate_id", "id", id=result.id, first=f"row {first}")]
        yield RecordError(file=str(path), row=row, id=raw_id, errors=tuple(result))
