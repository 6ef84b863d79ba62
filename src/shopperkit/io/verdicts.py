"""Screening results as ``shopperkit screen`` writes them: a JSON list or JSON Lines."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import IO, Any

from shopperkit.io.convert import from_data, to_data
from shopperkit.io.files import (
    CsvWriter,
    json_bytes,
    output_stream,
    read_json,
    read_jsonl,
    spreadsheet_safe,
    write_json_lines,
    write_json_list,
)
from shopperkit.model.verdicts import Reason, Status, Verdict
from shopperkit.problems import RecordError

CACHE_LIMIT = 4096
"""Distinct reasons (and shared parts of verdicts) an encoder remembers the bytes of."""


def error_record(error: RecordError) -> dict[str, Any]:
    """A bad input record as written among results: its id, status ``error``, row and
    problems (``record-error.schema.json``)."""
    return {
        "id": error.id,
        "status": "error",
        "reasons": [],
        "file": error.file,
        "row": error.row,
        "errors": to_data(list(error.errors)),
    }


class _Frame:
    """What verdicts of one screening share, encoded once: the fields between ``id`` and
    ``status``, and everything after ``reasons``."""

    __slots__ = (
        "as_of",
        "deferred",
        "middle",
        "no_reasons",
        "parameters",
        "programme",
        "rules",
        "tail",
    )

    def __init__(self, verdict: Verdict) -> None:
        self.programme = verdict.programme
        self.as_of = verdict.as_of
        self.deferred = verdict.deferred
        self.rules = verdict.rules
        self.parameters = verdict.parameters
        programme = json_bytes(verdict.programme)
        as_of = json_bytes(verdict.as_of.isoformat())
        self.middle = b',"programme":' + programme + b',"as_of":' + as_of + b',"status":'
        deferred = json_bytes(to_data(list(verdict.deferred)))
        rules = json_bytes(list(verdict.rules))
        self.tail = b',"deferred":' + deferred + b',"rules":' + rules
        if verdict.parameters:
            self.tail += b',"parameters":' + json_bytes(verdict.parameters)
        self.tail += b"}"
        # Everything after the id, for each status, when no rule gave a reason.
        self.no_reasons = {
            status: self.middle + json_bytes(status.value) + b',"reasons":[]' + self.tail
            for status in Status
        }


class VerdictEncoder:
    """Verdicts and error records as compact JSON, the same bytes as
    :func:`~shopperkit.io.files.json_bytes` of :func:`~shopperkit.io.convert.to_data` gives,
    built fast for long runs.

    Verdicts of one screening share their programme, date, deferred criteria, rules and most
    reasons, so those are encoded once and reused (at most :data:`CACHE_LIMIT` of each).
    """

    def __init__(self) -> None:
        self._frames: dict[tuple[str, date, int, tuple[str, ...]], _Frame] = {}
        self._last: _Frame | None = None
        self._reasons: dict[int, tuple[Reason, bytes]] = {}
        self._statuses = {status: json_bytes(status.value) for status in Status}

    def _frame(self, verdict: Verdict) -> _Frame:
        last = self._last
        if (
            last is not None
            and last.deferred is verdict.deferred
            and last.rules is verdict.rules
            and last.parameters is verdict.parameters
            and last.programme == verdict.programme
            and last.as_of == verdict.as_of
        ):
            return last
        key = (verdict.programme, verdict.as_of, id(verdict.deferred), verdict.rules)
        frame = self._frames.get(key)
        if (
            frame is None
            or frame.deferred is not verdict.deferred
            or frame.parameters is not verdict.parameters
        ):
            frame = _Frame(verdict)
            if len(self._frames) < CACHE_LIMIT:
                self._frames[key] = frame
        self._last = frame
        return frame

    def _reason(self, reason: Reason) -> bytes:
        known = self._reasons.get(id(reason))
        if known is not None and known[0] is reason:
            return known[1]
        encoded = json_bytes(to_data(reason))
        if len(self._reasons) < CACHE_LIMIT:
            self._reasons[id(reason)] = (reason, encoded)
        return encoded

    def json(self, result: Verdict | RecordError) -> bytes:
        """A verdict (``verdict.schema.json``) or an error record as compact JSON."""
        if isinstance(result, RecordError):
            return json_bytes(error_record(result))
        frame = self._frame(result)
        if not result.reasons:
            return b"".join((b'{"id":', json_bytes(result.id), frame.no_reasons[result.status]))
        reasons = b",".join(map(self._reason, result.reasons))
        return b"".join(
            (
                b'{"id":',
                json_bytes(result.id),
                frame.middle,
                self._statuses[result.status],
                b',"reasons":[',
                reasons,
                b"]",
                frame.tail,
            )
        )

    def line(self, result: Verdict | RecordError) -> bytes:
        """:meth:`json` as one line of JSON Lines."""
        return self.json(result) + b"\n"


def _verdicts(items: Iterable[tuple[str, Any]]) -> list[Verdict]:
    return [
        from_data(Verdict, data, where=where)
        for where, data in items
        if not (isinstance(data, dict) and data.get("status") == "error")
    ]


def read_verdicts(path: Path) -> list[Verdict]:
    """The verdicts of a screening result file (``.json`` list or ``.jsonl``), checked against
    ``screening-result.schema.json``; error records (bad input rows) are skipped."""
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        return _verdicts((where, data) for where, _, data in read_jsonl(path, "screening-line"))
    data = read_json(path, "screening-result")
    return _verdicts((f"{path}: $[{index}]", item) for index, item in enumerate(data))


Result = Verdict | RecordError
"""A screening result: a verdict, or the error record of an unreadable applicant."""


def write_jsonl(results: Iterable[Result], stream: IO[bytes]) -> None:
    """One verdict or error record per line (``screening-line.schema.json``), streamed."""
    write_json_lines(stream, map(VerdictEncoder().json, results))


def write_json(results: Iterable[Result], stream: IO[bytes]) -> None:
    """A JSON list (``screening-result.schema.json``), one compact verdict a line, streamed."""
    write_json_list(stream, map(VerdictEncoder().json, results))


def write_csv(results: Iterable[Result], stream: IO[bytes]) -> None:
    """One row per applicant: ``id,status,codes,row,errors`` (codes separated by ``;``); the
    ``id`` and ``errors`` cells go through :func:`~shopperkit.io.files.spreadsheet_safe`."""
    safe = spreadsheet_safe
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=True)
    writer = CsvWriter(text)
    writer.writerow(["id", "status", "codes", "row", "errors"])
    for result in results:
        if isinstance(result, RecordError):
            problems = ";".join(f"{p.where}:{p.code}" for p in result.errors)
            writer.writerow([safe(result.id or ""), "error", "", result.row, safe(problems)])
        else:
            codes = ";".join(reason.code for reason in result.reasons)
            writer.writerow([safe(result.id), result.status.value, codes, "", ""])
    text.detach()


def write_table(results: Iterable[Result], stream: IO[bytes]) -> None:
    """An aligned table for people, with the English reason of every failed rule (held in
    memory to align the columns)."""
    lines = []
    for result in results:
        if isinstance(result, RecordError):
            detail = "; ".join(f"{p.where}: {p.message}" for p in result.errors)
            lines.append((result.id or f"row {result.row}", "error", f"row {result.row}: {detail}"))
        else:
            detail = " | ".join(reason.message["en"] for reason in result.reasons)
            lines.append((result.id, result.status.value, detail))
    width_id = max([len("id"), *(len(line[0]) for line in lines)])
    width_status = max([len("status"), *(len(line[1]) for line in lines)])
    out = [f"{'id':<{width_id}}  {'status':<{width_status}}  reasons"]
    out += [f"{a:<{width_id}}  {b:<{width_status}}  {c}".rstrip() for a, b, c in lines]
    stream.write(("\n".join(out) + "\n").encode("utf-8"))


SCREENING_FORMATS: dict[str, Callable[[Iterable[Result], IO[bytes]], None]] = {
    "json": write_json,
    "jsonl": write_jsonl,
    "csv": write_csv,
    "table": write_table,
}


def write_screening(results: Iterable[Result], format: str, output: Path | None) -> None:
    """Write screening ``results`` in ``format`` (one of :data:`SCREENING_FORMATS`) to
    ``output`` (atomically) or standard output, one at a time as they come."""
    with output_stream(output) as stream:
        SCREENING_FORMATS[format](results, stream)
