"""Score files: ``scores.jsonl`` (``score.schema.json``), ``rejects.jsonl``,
``aggregates.json`` and the score cards (``cards.jsonl``, ``cards.txt``)."""

from __future__ import annotations

from collections.abc import Iterator
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
    output_set,
    read_jsonl,
)
from shopperkit.io.verdicts import error_record
from shopperkit.model.evaluations import ScoredEvaluation
from shopperkit.problems import RecordError
from shopperkit.scoring.batch import Scored
from shopperkit.scoring.engine import ScoreCard


def read_scores(path: Path | str) -> list[ScoredEvaluation]:
    """Every scored evaluation of a ``scores.jsonl`` file, in order.

    A line that is not JSON or breaks the schema raises :class:`InputError` naming file,
    line and JSON path.
    """
    return [
        from_data(ScoredEvaluation, data, where=where)
        for where, _, data in read_jsonl(Path(path), "score")
    ]


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
