"""The records of a documented file, as plain data with their keys: what the store keeps of
a file brought in by ``shopperkit import`` beside the file's bytes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from shopperkit.errors import InputError
from shopperkit.io.files import binary_lines, csv_rows, is_json_lines, parse_json, read_json

Keyed = list[tuple[str | None, Any]]
"""Records in file order, each with its id (or None)."""

KEYS = ("id", "applicant", "shopper", "evaluation")
"""Fields that give a record its key, the first present wins."""


def _key(data: Any) -> str | None:
    if isinstance(data, dict):
        for name in KEYS:
            value = data.get(name)
            if isinstance(value, str):
                return value
    return None


def _csv(path: Path) -> Keyed:
    _, rows = csv_rows(path, ())
    return [(_key(row), row) for _, row in rows]


def _json(path: Path) -> Keyed:
    if is_json_lines(path):
        records: Keyed = []
        for number, line in binary_lines(path):
            if not line.strip():
                continue
            try:
                data = parse_json(line)
            except InputError as error:
                data = {"line": number, "error": error.code, "reason": error.message()}
            records.append((_key(data), data))
        return records
    data = read_json(path)
    items = data if isinstance(data, list) else [data]
    return [(_key(item), item) for item in items]


READERS: dict[str, Callable[[Path], Keyed]] = {".csv": _csv, ".json": _json}
for _suffix in (".jsonl", ".ndjson"):
    READERS[_suffix] = _json

DOCUMENT_KINDS = (
    "applicants",
    "verdicts",
    "interview-scores",
    "outcomes",
    "pool",
    "evaluations",
    "scores",
    "rejects",
    "schedule",
    "shoppers",
    "targets",
    "directory",
)
"""The kinds of file the store keeps as documents."""


def document_records(path: Path) -> Keyed:
    """The records of the CSV, JSON or JSON Lines file at ``path``: rows as their cells,
    JSON values as they are; a JSON Lines line that is not JSON is kept as its error. A file
    that cannot be read at all raises :class:`InputError`."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise InputError("unknown_file_format", where=str(path))
    return reader(path)
