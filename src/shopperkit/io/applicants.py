"""Reading applicants from CSV, JSON or JSONL, turning each bad record into a RecordError.

A bad record never stops the batch: it is reported with its row and column (CSV) or JSON path
(JSON, JSONL) while every other record is still read. Only unusable input (a missing file, a
header without the required columns, a JSON file that is not a list) raises.

CSV and JSONL are read one record at a time, so memory does not grow with the file beyond
the ids kept to find duplicates (:class:`FirstRows`, about 17 bytes per id); a JSON list is
read whole.
"""

from __future__ import annotations

import marshal
import re
import tempfile
from array import array
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import IO, Any, TypeVar

from shopperkit.errors import InputError
from shopperkit.io.convert import from_data
from shopperkit.io.files import (
    CsvWriter,
    binary_lines,
    csv_lists,
    parse_json,
    read_json,
    split_list,
    spreadsheet_safe,
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
APPLICANT_CSV_COLUMNS = (
    "id",
    "birth_date",
    "nationality",
    "residency",
    "resident_since",
    "applied_on",
    "gender",
    "profession",
    "employer",
    "declarations",
    "languages",
)
"""Every column of an applicants CSV, in the order :func:`write_applicants_csv` writes them."""
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


CsvRow = tuple[int, list[str]]
"""A CSV row as read: its line number and its values in header order."""


def csv_source(
    path: Path, warn: Callable[[str], None]
) -> tuple[
    Iterator[CsvRow], Callable[[CsvRow], tuple[int, str | None, Applicant | list[FieldProblem]]]
]:
    """The rows of a CSV applicants file and the function that makes one row
    ``(row, raw id, applicant or problems)``; unknown columns are reported through ``warn``."""
    header, rows = csv_lists(path, CSV_REQUIRED)
    unknown = [name for name in header if name not in CSV_REQUIRED + CSV_OPTIONAL]
    if unknown:
        warn(InputError("csv_unknown_columns", {"columns": unknown}, where=str(path)).message())
    applicant = _csv_applicants(header)
    at = {name: index for index, name in enumerate(header)}["id"]  # the last "id" column

    def record(item: CsvRow) -> tuple[int, str | None, Applicant | list[FieldProblem]]:
        line, values = item
        result = applicant(values)
        return line, values[at] or None, result

    return rows, record


def _read_csv(path: Path, warn: Callable[[str], None]) -> Iterator[Record]:
    rows, record = csv_source(path, warn)
    first_row = _first_rows()
    # The duplicate check of :func:`_checked`, inlined: this loop runs once per applicant.
    for item in rows:
        line, raw_id, result = record(item)
        if isinstance(result, Applicant):
            first = first_row(result.id, line)
            if first == line:
                yield line, result
                continue
            result = [duplicate(result.id, first)]
        yield RecordError(str(path), line, raw_id, tuple(result))


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


def jsonl_record(number: int, line: bytes) -> tuple[int, str | None, Any]:
    """One JSON Lines record: ``(line number, raw id, applicant or problems)``."""
    try:
        item = parse_json(line)
    except InputError as error:
        where = str(error.params.get("path", "$"))
        return number, None, [FieldProblem.of(error.code, where, **error.params)]
    return number, _json_id(item), _from_json_record(item)


def jsonl_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """The non-blank lines of a JSON Lines file with their numbers."""
    return ((number, line) for number, line in binary_lines(path) if line.strip())


def _read_jsonl(path: Path) -> Iterator[tuple[int, str | None, Any]]:
    for number, line in jsonl_lines(path):
        yield jsonl_record(number, line)


def _json_id(item: Any) -> str | None:
    value = item.get("id") if isinstance(item, dict) else None
    return value if isinstance(value, str) else None


class FirstRows:
    """The row at which each id was first seen, exact, in 12 to 24 bytes per id.

    A set of the ids themselves costs some 130 bytes per id. Here memory holds only an
    open-addressing table of 64-bit slots, each the upper half of the id's ``hash()`` and the
    id's index in order of first sight (the table is at most two-thirds full). The ids and
    their rows go, :data:`GROUP` at a time, to an unnamed temporary file. When a slot's
    half-hash matches, the stored id is read back and compared, so two ids that share a hash
    never make a wrong duplicate: the answer is exact, and the file is read only on a true
    repeat (or a one in four billion near miss).
    """

    GROUP = 64
    """Ids stored together in the file: reading one id back reads its group."""
    _SPILL = 1 << 14

    def __init__(self, fingerprint: Callable[[str], int] = hash) -> None:
        """``fingerprint`` is the hash of an id (``hash`` unless a test needs collisions)."""
        self._fingerprint = fingerprint
        self._slots = array("Q", bytes(8 * 1024))
        self._mask = len(self._slots) - 1
        self._count = 0
        self._offsets = array("Q", [0])
        self._ids: list[str] = []  # not yet in the file
        self._rows: list[int] = []
        self._file: IO[bytes] | None = None

    def __len__(self) -> int:
        return self._count

    def first_row(self, ident: str, row: int) -> int:
        """Records ``ident`` at ``row`` if new and returns the row it was first seen at
        (``row`` itself when new)."""
        tag = (self._fingerprint(ident) >> 32) & 0xFFFF_FFFF
        slots = self._slots
        mask = self._mask
        at = tag & mask
        slot = slots[at]
        while slot:
            if slot >> 32 == tag:
                first, known = self._stored((slot & 0xFFFF_FFFF) - 1)
                if known == ident:
                    return first
            at = (at + 1) & mask
            slot = slots[at]
        self._count += 1
        slots[at] = tag << 32 | self._count
        self._ids.append(ident)
        self._rows.append(row)
        if len(self._ids) >= self._SPILL:
            self._flush()
        if 3 * self._count > 2 * len(slots):
            self._grow()
        return row

    def repeats(self, idents: list[str | None], rows: list[int]) -> dict[int, int]:
        """:meth:`first_row` for each id (None: no id) at its row, all at once: the index
        in ``idents`` of each repeated id with the row it was first seen at."""
        found: dict[int, int] = {}
        first_row = self.first_row
        for index, ident in enumerate(idents):
            if ident is not None:
                row = rows[index]
                first = first_row(ident, row)
                if first != row:
                    found[index] = first
        return found

    def close(self) -> None:
        """Removes the temporary file (also done when the object is collected)."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def _grow(self) -> None:
        slots = array("Q", bytes(16 * len(self._slots)))
        mask = len(slots) - 1
        for slot in self._slots:
            if slot:
                at = (slot >> 32) & mask
                while slots[at]:
                    at = (at + 1) & mask
                slots[at] = slot
        self._slots = slots
        self._mask = mask

    def _flush(self) -> None:
        """Writes every complete group of pending ids to the file."""
        whole = len(self._ids) - len(self._ids) % self.GROUP
        if not whole:
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="shopperkit-ids-")  # noqa: SIM115
        self._file.seek(self._offsets[-1])
        for start in range(0, whole, self.GROUP):
            stop = start + self.GROUP
            data = marshal.dumps((self._rows[start:stop], self._ids[start:stop]))
            self._file.write(data)
            self._offsets.append(self._offsets[-1] + len(data))
        del self._ids[:whole], self._rows[:whole]

    def _stored(self, index: int) -> tuple[int, str]:
        """The row and id stored ``index``-th."""
        group, at = divmod(index, self.GROUP)
        written = len(self._offsets) - 1  # groups in the file
        if group >= written:
            pending = index - written * self.GROUP
            return self._rows[pending], self._ids[pending]
        assert self._file is not None
        self._file.seek(self._offsets[group])
        rows, ids = marshal.loads(self._file.read(self._offsets[group + 1] - self._offsets[group]))
        return rows[at], ids[at]


def _first_rows() -> Callable[[str, int], int]:
    """``FirstRows().first_row``: the one thing kept per applicant."""
    return FirstRows().first_row


def duplicate(ident: str, first: int) -> FieldProblem:
    """The problem of an id repeated from row ``first``."""
    return FieldProblem.of("duplicate_id", "id", id=ident, first=f"row {first}")


def _checked(path: Path, raw: Iterator[tuple[int, str | None, Any]]) -> Iterator[Record]:
    """Records from ``(row, id, applicant or problems)``, a repeated id an error."""
    first_row = _first_rows()
    for row, raw_id, result in raw:
        if isinstance(result, Applicant):
            first = first_row(result.id, row)
            if first == row:
                yield row, result
                continue
            result = [duplicate(result.id, first)]
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


def _day(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def write_applicants_csv(path: Path, people: Iterable[Applicant]) -> None:
    """Write ``people`` as the applicants CSV that ``shopperkit screen`` reads, one row at a
    time (:data:`APPLICANT_CSV_COLUMNS`; lists joined by ``;``, cells spreadsheet-safe)."""
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = CsvWriter(stream)
        writer.writerow(APPLICANT_CSV_COLUMNS)
        for person in people:
            row = (
                person.id,
                _day(person.birth_date),
                person.nationality,
                person.residency.status,
                _day(person.residency.since),
                _day(person.applied_on),
                person.gender or "",
                person.profession or "",
                person.employer or "",
                ";".join(sorted(person.declarations)),
                ";".join(person.languages),
            )
            writer.writerow([spreadsheet_safe(cell) for cell in row])
