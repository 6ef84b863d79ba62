"""Score files: ``scores.jsonl`` (``score.schema.json``), ``rejects.jsonl``,
``aggregates.json`` and the score cards (``cards.jsonl``, ``cards.txt``)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, Annotated, Any, BinaryIO, Literal, TextIO, TypedDict, cast

import msgspec
import orjson
from attrs import define

from shopperkit.errors import InputError
from shopperkit.io.convert import from_data, to_data
from shopperkit.io.files import (
    atomic_binary,
    atomic_stream,
    atomic_write,
    dumps,
    json_line,
    json_records,
    keys_and_long_digits,
    output_set,
    parse_json,
)
from shopperkit.io.schemas import check, load_schema
from shopperkit.io.verdicts import error_record
from shopperkit.model.evaluations import CHANNELS, ScoredEvaluation
from shopperkit.problems import RecordError
from shopperkit.scoring.batch import Scored, scored_from_record
from shopperkit.scoring.engine import ScoreCard


def read_scores(path: Path | str) -> list[ScoredEvaluation]:
    """Every scored evaluation of a ``scores.jsonl`` file, in order.

    A line that is not JSON or breaks the schema raises :class:`InputError` naming file,
    line and JSON path.
    """
    return list(iter_scores(path))


def iter_scores(
    path: Path | str, progress: Callable[[int], object] | None = None
) -> Iterator[ScoredEvaluation]:
    """As :func:`read_scores`, one evaluation at a time as the file is read; ``progress`` is
    called with the bytes of each line read."""
    for where, _, data in json_records(Path(path), progress):
        scored = plain_score(data) if score_conforms(data) else None
        if scored is None:
            check("score", data, where=where)  # says where the record breaks the schema
            scored = from_data(ScoredEvaluation, data, where=where)
        yield scored


@define
class ScoresFile:
    """A ``scores.jsonl`` file read as score records, as often as a reader needs, without
    holding them: what :func:`shopperkit.insights.insights` reads a year of scores from.

    Each record is checked as :func:`iter_scores` checks it, by a fast path for the records
    this library writes; a line the fast path doubts is read strictly, and a bad one raises
    :class:`InputError` naming file, line and JSON path. A file that is the same as when it
    was read whole (inode, size and modification time) is not checked again; one changed
    between or during readings raises ``file_changed_while_read``.
    """

    path: Path
    progress: Callable[[int], object] | None = None
    """Called with the bytes of each line read, in every reading."""
    _seen: tuple[int, int, int] | None = None

    def records(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """``(position, record)`` for every record in order; ``position`` (the line's byte
        offset) reads it again with :meth:`record_at`."""
        progress, record = self.progress, self._record
        with self._open() as stream:
            checked = self._seen is not None and self._status(stream) == self._seen
            loads = orjson.loads
            offset, number, rest = 0, 0, b""
            while block := stream.read(BLOCK):
                if progress is not None:
                    progress(len(block))
                lines = (rest + block).split(b"\n")
                rest = lines.pop()
                for line in lines:
                    number += 1
                    start, offset = offset, offset + len(line) + 1
                    if number == 1 and line.startswith(BOM):
                        line = line[len(BOM) :]
                    if line and not line.isspace():
                        yield start, loads(line) if checked else record(line, number)
            if rest and not rest.isspace():
                number += 1
                line = rest[len(BOM) :] if number == 1 and rest.startswith(BOM) else rest
                yield offset, loads(line) if checked else record(line, number)
            self._check_unchanged(stream)

    def record_at(self, position: int) -> dict[str, Any]:
        """The record whose line starts at byte ``position``."""
        return next(self.records_at((position,)))

    def records_at(self, positions: Iterable[int]) -> Iterator[dict[str, Any]]:
        """The records whose lines start at ``positions``, read with one opening of the file
        (in increasing order, that is one pass over it); a file changed since it was read
        whole raises ``file_changed_while_read``."""
        with self._open() as stream:
            if self._seen is not None and self._status(stream) != self._seen:
                raise InputError("file_changed_while_read", where=str(self.path))
            trusted = self._seen is not None
            for position in positions:
                stream.seek(position)
                line = stream.readline().removeprefix(BOM)
                yield orjson.loads(line) if trusted else self._record(line, None)

    def _open(self) -> BinaryIO:
        try:
            return self.path.open("rb")
        except FileNotFoundError:
            raise InputError("file_not_found", where=str(self.path)) from None
        except OSError as error:
            raise InputError(
                "file_unreadable", {"reason": str(error)}, where=str(self.path)
            ) from None

    @staticmethod
    def _status(stream: BinaryIO) -> tuple[int, int, int]:
        status = os.fstat(stream.fileno())
        return (status.st_ino, status.st_size, status.st_mtime_ns)

    def _check_unchanged(self, stream: BinaryIO) -> None:
        seen = self._status(stream)
        if self._seen is None:
            self._seen = seen
        elif seen != self._seen:
            raise InputError("file_changed_while_read", where=str(self.path))

    def _record(self, line: bytes, number: int | None) -> dict[str, Any]:
        try:
            data: dict[str, Any] | None = _decode_score(line)
        except msgspec.MsgspecError:
            data = None
        if data is not None:
            keys, long_digits = keys_and_long_digits(line)
            if not long_digits and _keys_read(data) == keys and _dates_parse(data):
                return data
        where = str(self.path) if number is None else f"{self.path}:{number}"
        try:
            data = parse_json(line)
        except InputError as error:
            raise InputError(error.code, error.params, where=where) from None
        check("score", data, where=where)  # says where the record breaks the schema
        from_data(ScoredEvaluation, data, where=where)  # says which value does not convert
        return cast(dict[str, Any], data)


BLOCK = 1 << 20
"""Bytes read at a time: lines are split from blocks, not read one by one."""
BOM = b"\xef\xbb\xbf"
"""The UTF-8 byte order mark a file may begin with."""


def _dates_parse(data: dict[str, Any]) -> bool:
    submitted = data["submitted_at"]
    try:
        datetime.fromisoformat(data["visited_at"])
        if submitted is not None:
            datetime.fromisoformat(submitted)
    except ValueError:
        return False
    return True


def _keys_read(data: dict[str, Any]) -> int:
    """How many keys a record decoded by :func:`_decode_score` holds, nested ones too."""
    by_section = data["points"]["sections"]
    keys = len(data) + len(data["sections"]) + len(data["items"]) + len(data["handoffs"])
    dropped = list(by_section.values()).count(None)
    return keys + 4 + len(by_section) + 2 * (len(by_section) - dropped)


_ID_FIELDS = ("id", "form", "shopper", "entity", "centre", "service")
_SCORE_FIELDS = frozenset(load_schema("score")["required"])
_SCORE_POINT_FIELDS = frozenset({"overall", "sections"})
_CHANNELS = frozenset(CHANNELS)
_LANGUAGES = frozenset(load_schema("common")["$defs"]["language"]["enum"])

_Identifier = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class _Points(TypedDict):
    earned: float
    possible: Annotated[float, msgspec.Meta(ge=0)]


class _AllPoints(TypedDict):
    overall: _Points
    sections: dict[str, _Points | None]


class ScoreLine(TypedDict):
    """``score.schema.json`` as a type msgspec decodes a line into and checks in compiled
    code: a plain dict, its whole numbers made floats (as the converter makes them).

    msgspec leaves out keys a type does not name and keeps the last of a key written twice:
    :func:`_keys_read` against the keys the line writes catches both. ``date-time`` strings
    are checked by :func:`_dates_parse`. A test holds this type to the schema."""

    id: _Identifier
    form: _Identifier
    form_version: str
    programme: str | None
    shopper: _Identifier
    entity: _Identifier
    centre: _Identifier
    service: _Identifier
    channel: Literal["visit", "app", "whatsapp", "phone", "web"]
    language: Literal["ar", "en", "ur", "hi", "es", "zh", "fr", "ru"]
    visited_at: str
    submitted_at: str | None
    comment: str
    overall: float
    sections: dict[str, float | None]
    items: dict[str, float | None]
    handoffs: dict[str, float]
    failed_critical: list[str]
    band: str | None
    points: _AllPoints


_decode_score = cast(Callable[[bytes], dict[str, Any]], msgspec.json.Decoder(ScoreLine).decode)


def _is_number(value: Any) -> bool:
    kind = type(value)
    return kind is float or kind is int


_NUMBERS = frozenset({float, int})
_NUMBERS_OR_NONE = frozenset({float, int, type(None)})


def _points_bad(value: Any) -> bool:
    """Whether ``value`` is not ``{"earned": number, "possible": number >= 0}``."""
    if type(value) is not dict or len(value) != 2:
        return True
    earned, possible = value.get("earned", ""), value.get("possible", "")
    return type(earned) not in _NUMBERS or type(possible) not in _NUMBERS or possible < 0


def score_shape(data: Any) -> int:
    """How many keys ``data`` writes when it is a record ``score.schema.json`` accepts
    (checked by hand at a fraction of the schema's cost; ``date-time`` strings are not
    checked, as by the schema), else -1."""
    if type(data) is not dict or data.keys() != _SCORE_FIELDS:
        return -1
    for field in _ID_FIELDS:
        value = data[field]
        if type(value) is not str or not 1 <= len(value) <= 200:
            return -1
    submitted, programme, band = data["submitted_at"], data["programme"], data["band"]
    failed, channel, language = data["failed_critical"], data["channel"], data["language"]
    sections, items, handoffs = data["sections"], data["items"], data["handoffs"]
    points = data["points"]
    if not (
        type(data["form_version"]) is str
        and (programme is None or type(programme) is str)
        and type(channel) is str
        and channel in _CHANNELS
        and type(language) is str
        and language in _LANGUAGES
        and type(data["visited_at"]) is str
        and (submitted is None or type(submitted) is str)
        and type(data["comment"]) is str
        and type(data["overall"]) in _NUMBERS
        and type(failed) is list
        and all(type(item) is str for item in failed)
        and (band is None or type(band) is str)
        and type(sections) is dict
        and _NUMBERS_OR_NONE.issuperset(map(type, sections.values()))
        and type(items) is dict
        and _NUMBERS_OR_NONE.issuperset(map(type, items.values()))
        and type(handoffs) is dict
        and _NUMBERS.issuperset(map(type, handoffs.values()))
        and type(points) is dict
        and points.keys() == _SCORE_POINT_FIELDS
    ):
        return -1
    by_section = points["sections"]
    if type(by_section) is not dict or _points_bad(points["overall"]):
        return -1
    keys = len(data) + len(sections) + len(items) + len(handoffs) + 4 + len(by_section)
    numbers = _NUMBERS
    for section in by_section.values():  # _points_bad written out: this runs for every score
        if section is None:
            continue
        if type(section) is not dict or len(section) != 2:
            return -1
        earned, possible = section.get("earned", ""), section.get("possible", "")
        if type(earned) not in numbers or type(possible) not in numbers or possible < 0:
            return -1
        keys += 2
    return keys


def score_conforms(data: Any) -> bool:
    """Whether ``data`` is a record ``score.schema.json`` accepts (see :func:`score_shape`)."""
    return score_shape(data) >= 0


def _floats(scores: dict[str, Any]) -> dict[str, Any]:
    return {key: float(value) if type(value) is int else value for key, value in scores.items()}


def plain_score(data: dict[str, Any]) -> ScoredEvaluation | None:
    """The model of a record :func:`score_conforms` accepted, built directly (its whole
    numbers made floats, as the converter makes them); None when a date-time does not parse
    or a number is too large (then the converter explains)."""
    points = data["points"]
    try:
        return scored_from_record(
            {
                **data,
                "overall": float(data["overall"]),
                "sections": _floats(data["sections"]),
                "items": _floats(data["items"]),
                "handoffs": _floats(data["handoffs"]),
                "points": {
                    "overall": _floats(points["overall"]),
                    "sections": {
                        k: None if v is None else _floats(v) for k, v in points["sections"].items()
                    },
                },
            }
        )
    except (ValueError, OverflowError):
        return None


def open_evaluations(path: Path) -> BinaryIO:
    """An evaluations file (JSONL) opened as bytes, so a line not in UTF-8 is one bad record."""
    try:
        return path.open("rb")
    except OSError as error:
        raise InputError("file_unreadable", {"reason": str(error)}, where=str(path)) from None


@define
class ScoreWriter:
    """Writes ``scores.jsonl`` and ``rejects.jsonl`` line by line (see :func:`score_files`)."""

    scores: IO[bytes]
    rejects: IO[bytes]

    def score(self, record: dict[str, Any] | ScoredEvaluation) -> None:
        """Write one score record (plain data or the model)."""
        data = to_data(record) if isinstance(record, ScoredEvaluation) else record
        self.scores.write(json_line(data))

    def reject(self, error: RecordError) -> None:
        """Write one rejected record with every problem."""
        self.rejects.write(json_line(error_record(error)))


@contextmanager
def score_files(out: Path) -> Iterator[ScoreWriter]:
    """``out/scores.jsonl`` and ``out/rejects.jsonl``, each replaced only when done well."""
    with (
        atomic_binary(out / "scores.jsonl") as scores,
        atomic_binary(out / "rejects.jsonl") as rejects,
    ):
        yield ScoreWriter(scores, rejects)


def write_aggregates(path: Path, document: dict[str, Any]) -> None:
    """Write ``aggregates.json`` (``aggregates.schema.json``)."""
    atomic_write(path, dumps(document))


@contextmanager
def card_files(path: Path) -> Iterator[tuple[IO[bytes], TextIO]]:
    """``cards.jsonl`` at ``path`` and ``cards.txt`` beside it, replaced when done well."""
    with atomic_binary(path) as cards, atomic_stream(path.with_suffix(".txt")) as text:
        yield cards, text


def write_card(cards: IO[bytes], text: TextIO, card: ScoreCard, rendered: str) -> None:
    """One score card as a JSON line, and as text for people."""
    cards.write(json_line(to_data(card)))
    text.write(rendered + "\n")


def write_scored(out: Path, scored: Scored) -> None:
    """Write evaluations scored in memory (:func:`shopperkit.scoring.score`) as the ``score``
    command does: ``scores.jsonl``, ``rejects.jsonl`` and ``aggregates.json`` in ``out``,
    replaced together."""
    with output_set(), score_files(out) as files:
        for evaluation in scored.evaluations:
            files.score(evaluation)
        for error in scored.rejected:
            files.reject(error)
        write_aggregates(out / "aggregates.json", scored.document())
