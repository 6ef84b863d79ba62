"""Atomic writes and tabular readers shared by every command."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from shopperkit.errors import InputError
from shopperkit.io.schemas import check


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def split_list(text: str) -> tuple[str, ...]:
    """The items of a semicolon-separated CSV cell, stripped, empty ones dropped."""
    return tuple(part.strip() for part in text.split(";") if part.strip())


def csv_text(header: Sequence[str], rows: Iterable[Mapping[str, object]]) -> str:
    """CSV text with ``header`` and one line per row (missing values are empty)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(header), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def dumps(data: Any) -> str:
    """Stable, readable JSON text: fields keep their model order, non-ASCII stays as written."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def read_json(path: Path, schema: str | None = None) -> Any:
    """A JSON file's data, checked against ``schema`` when one is named; malformed JSON or a
    schema violation raises :class:`InputError` naming the file (and the JSON path)."""
    try:
        data = json.loads(open_text(path))
    except ValueError as error:
        raise InputError("json_malformed", {"reason": str(error)}, where=str(path)) from None
    if schema is not None:
        check(schema, data, where=str(path))
    return data


def read_jsonl(path: Path, schema: str) -> Iterator[tuple[str, int, Any]]:
    """Each non-blank line of a JSONL file as ``(where, line number, data)``, checked
    against ``schema``; a line that is not JSON or breaks the schema raises
    :class:`InputError` naming file, line and JSON path."""
    for number, line in enumerate(open_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            data = json.loads(line)
        except ValueError as error:
            raise InputError("json_malformed", {"reason": str(error)}, where=where) from None
        check(schema, data, where=where)
        yield where, number, data


def open_text(path: Path) -> str:
    """The file's text, or an :class:`InputError` naming the file."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("file_not_found", where=str(path)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError("file_unreadable", {"reason": str(error)}, where=str(path)) from None


def csv_rows(
    path: Path, required: tuple[str, ...], *, text: str | None = None
) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The header and ``(line number, row)`` pairs of a CSV file (or of its ``text``, when
    already read).

    A missing file, a header without a required column or broken quoting raise
    :class:`InputError`; values are stripped of surrounding spaces.
    """
    lines = (open_text(path) if text is None else text).splitlines(keepends=True)
    reader = csv.reader(lines, strict=True)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise InputError(
            "csv_missing_columns", {"columns": list(required)}, where=str(path)
        ) from None
    except csv.Error as error:
        raise InputError("csv_malformed", {"reason": str(error)}, where=f"{path}:1") from None
    missing = [name for name in required if name not in header]
    if missing:
        raise InputError("csv_missing_columns", {"columns": missing}, where=str(path))

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise InputError(
                    "csv_malformed", {"reason": str(error)}, where=f"{path}:{reader.line_num}"
                ) from None
            if not any(value.strip() for value in values):
                continue
            padded = values + [""] * (len(header) - len(values))
            yield (
                reader.line_num,
                {name: value.strip() for name, value in zip(header, padded, strict=False)},
            )

    return header, rows()


@contextmanager
def atomic_stream(path: Path) -> Iterator[TextIO]:
    """A text stream that replaces ``path`` only when closed without an error."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            yield stream
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
