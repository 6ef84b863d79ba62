"""Score files: ``scores.jsonl`` (``score.schema.json``), ``rejects.jsonl``,
``aggregates.json`` and the score cards (``cards.jsonl``, ``cards.txt``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from attrs import define

from shopperkit.errors import InputError
from shopperkit.io.convert import from_data, to_data
from shopperkit.io.files import atomic_stream, atomic_write, dumps, read_jsonl
from shopperkit.model.evaluations import ScoredEvaluation
from shopperkit.problems import RecordError
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


def rejection_data(error: RecordError) -> dict[str, Any]:
    """A rejected record as a line of ``rejects.jsonl`` (``record-error.schema.json``)."""
    return {
        "id": error.id,
        "status": "error",
        "reasons": [],
        "file": error.file,
        "row": error.row,
        "errors": to_data(list(error.errors)),
    }


@define
class ScoreWriter:
    """Writes ``scores.jsonl`` and ``rejects.jsonl`` line by line (see :func:`score_files`)."""

    scores: TextIO
    rejects: TextIO

    def score(self, record: dict[str, Any] | ScoredEvaluation) -> None:
        """Write one score record (plain data or the model)."""
        data = to_data(record) if isinstance(record, ScoredEvaluation) else record
        self.scores.write(json.dumps(data, ensure_ascii=False) + "\n")

    def reject(self, error: RecordError) -> None:
        """Write one rejected record with every problem."""
        self.rejects.write(json.dumps(rejection_data(error), ensure_ascii=False) + "\n")


@contextmanager
def score_files(out: Path) -> Iterator[ScoreWriter]:
    """``out/scores.jsonl`` and ``out/rejects.jsonl``, each replaced only when done well."""
    with (
        atomic_stream(out / "scores.jsonl") as scores,
        atomic_stream(out / "rejects.jsonl") as rejects,
    ):
        yield ScoreWriter(scores, rejects)


def write_aggregates(path: Path, document: dict[str, Any]) -> None:
    """Write ``aggregates.json`` (``aggregates.schema.json``)."""
    atomic_write(path, dumps(document))


@contextmanager
def card_files(path: Path) -> Iterator[tuple[TextIO, TextIO]]:
    """``cards.jsonl`` at ``path`` and ``cards.txt`` beside it, replaced when done well."""
    with atomic_stream(path) as cards, atomic_stream(path.with_suffix(".txt")) as text:
        yield cards, text


def write_card(cards: TextIO, text: TextIO, card: ScoreCard, rendered: str) -> None:
    """One score card as a JSON line, and as text for people."""
    cards.write(json.dumps(to_data(card), ensure_ascii=False) + "\n")
    text.write(rendered + "\n")
