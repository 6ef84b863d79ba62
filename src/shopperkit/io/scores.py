"""Score files: ``scores.jsonl`` (``score.schema.json``), ``rejects.jsonl``,
``aggregates.json`` and the score cards (``cards.jsonl``, ``cards.txt``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, BinaryIO, TextIO

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
    output_set,
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


_ID_FIELDS = ("id", "form", "shopper", "entity", "centre", "service")
_SCORE_FIELDS = frozenset(load_schema("score")["required"])
_POINT_FIELDS = frozenset({"earned", "possible"})
_SCORE_POINT_FIELDS = frozenset({"overall", "sections"})
_CHANNELS = frozenset(CHANNELS)
_LANGUAGES = frozenset(load_schema("common")["$defs"]["language"]["enum"])


def _is_number(value: Any) -> bool:
    kind = type(value)
    return kind is float or kind is int


def _scores(value: Any, nullable: bool) -> bool:
    if type(value) is not dict:
        return False
    for score in value.values():
        kind = type(score)
        if not (kind is float or kind is int or (nullable and score is None)):
            return False
    return True


def _points(value: Any) -> bool:
    """``{"earned": number, "possible": number >= 0}`` and nothing else."""
    if type(value) is not dict or value.keys() != _POINT_FIELDS:
        return False
    earned, possible = value["earned"], value["possible"]
    return _is_number(earned) and _is_number(possible) and possible >= 0


def _score_points(value: Any) -> bool:
    if type(value) is not dict or value.keys() != _SCORE_POINT_FIELDS:
        return False
    sections = value["sections"]
    return (
        _points(value["overall"])
        and type(sections) is dict
        and all(v is None or _points(v) for v in sections.values())
    )


def score_conforms(data: Any) -> bool:
    """Whether ``data`` is a record ``score.schema.json`` accepts, checked by hand at a
    fraction of the schema's cost (``date-time`` strings are not checked, as by the schema)."""
    if type(data) is not dict or data.keys() != _SCORE_FIELDS:
        return False
    for field in _ID_FIELDS:
        value = data[field]
        if type(value) is not str or not 1 <= len(value) <= 200:
            return False
    submitted, programme, band = data["submitted_at"], data["programme"], data["band"]
    failed = data["failed_critical"]
    return (
        type(data["form_version"]) is str
        and (programme is None or type(programme) is str)
        and type(data["channel"]) is str
        and data["channel"] in _CHANNELS
        and type(data["language"]) is str
        and data["language"] in _LANGUAGES
        and type(data["visited_at"]) is str
        and (submitted is None or type(submitted) is str)
        and type(data["comment"]) is str
        and _is_number(data["overall"])
        and _scores(data["sections"], True)
        and _scores(data["items"], True)
        and _scores(data["handoffs"], False)
        and type(failed) is list
        and all(type(item) is str for item in failed)
        and (band is None or type(band) is str)
        and _score_points(data["points"])
    )


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
