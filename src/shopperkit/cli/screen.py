"""``shopperkit screen``: stage 1, every applicant against the programme's rules."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

from shopperkit.cli.common import iso_date, warn
from shopperkit.eligibility.screening import Screener
from shopperkit.io.applicants import read_applicants
from shopperkit.io.files import output_stream
from shopperkit.io.verdicts import VerdictEncoder, error_record
from shopperkit.model.verdicts import Verdict
from shopperkit.problems import RecordError
from shopperkit.registry import Registry

NAME = "screen"
HELP = "screen applications (CSV, JSON or JSONL) against a programme's eligibility rules"

Result = Verdict | RecordError
STATUSES = ("eligible", "ineligible", "needs_review", "error")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--programme P APPLICANTS [--as-of DATE] [--format F] [-o FILE]``."""
    parser.add_argument("applicants", type=Path, help="applicants file (.csv, .json, .jsonl)")
    parser.add_argument("--programme", required=True, help="programme id or file")
    parser.add_argument("--as-of", type=iso_date, help="reference date, overriding the programme's")
    parser.add_argument(
        "--format",
        choices=tuple(FORMATS),
        default="json",
        help="json: a JSON list, one verdict a line; jsonl: JSON Lines, streamed in constant "
        "memory; csv: id,status,codes,row,errors; table: aligned, for people",
    )
    parser.add_argument(
        "-o", "--output", type=Path, help="write here (atomically) instead of standard output"
    )


def write_jsonl(results: Iterable[Result], stream: IO[bytes]) -> None:
    """One verdict or error record per line (``screening-line.schema.json``), streamed."""
    line = VerdictEncoder().line
    write = stream.write
    for result in results:
        write(line(result))


def write_json(results: Iterable[Result], stream: IO[bytes]) -> None:
    """A JSON list (``screening-result.schema.json``), one compact verdict a line, streamed."""
    encode = VerdictEncoder().json
    write = stream.write
    separator = b"[\n"
    for result in results:
        write(separator)
        write(encode(result))
        separator = b",\n"
    write(b"[]\n" if separator == b"[\n" else b"\n]\n")


def write_csv(results: Iterable[Result], stream: IO[bytes]) -> None:
    """One row per applicant: ``id,status,codes,row,errors`` (codes separated by ``;``)."""
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["id", "status", "codes", "row", "errors"])
    for result in results:
        if isinstance(result, RecordError):
            problems = ";".join(f"{p.where}:{p.code}" for p in result.errors)
            writer.writerow([result.id or "", "error", "", result.row, problems])
        else:
            codes = ";".join(reason.code for reason in result.reasons)
            writer.writerow([result.id, result.status.value, codes, "", ""])
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


FORMATS: dict[str, Callable[[Iterable[Result], IO[bytes]], None]] = {
    "json": write_json,
    "jsonl": write_jsonl,
    "csv": write_csv,
    "table": write_table,
}


def write_results(results: Iterable[Result], format: str, output: Path | None) -> Counter[str]:
    """Write ``results`` in ``format`` to ``output`` (atomically) or standard output, as they
    come; the count of each status written."""
    counts: Counter[str] = Counter()

    def counted() -> Iterator[Result]:
        for result in results:
            counts["error" if isinstance(result, RecordError) else result.status.value] += 1
            yield result

    with output_stream(output) as stream:
        FORMATS[format](counted(), stream)
    return counts


def as_json(results: Iterable[Result]) -> str:
    """Verdicts and error records as a JSON list (``screening-result.schema.json``)."""
    buffer = io.BytesIO()
    write_json(results, buffer)
    return buffer.getvalue().decode("utf-8")


def summary(counts: Counter[str]) -> str:
    """``screened N: eligible a, ineligible b, needs_review c, error d``."""
    parts = ", ".join(f"{status} {counts[status]}" for status in STATUSES)
    return f"screened {counts.total()}: {parts}"


def run(args: argparse.Namespace) -> int:
    """Screen every record; bad records become error records, the rest get verdicts."""
    registry = Registry()
    plugins = registry.plugins
    programme = registry.programme(args.programme)
    screen = Screener(programme, plugins, as_of=args.as_of).screen

    def results() -> Iterator[Result]:
        for record in read_applicants(args.applicants, warn=warn):
            yield record if isinstance(record, RecordError) else screen(record[1])

    counts = write_results(results(), args.format, args.output)
    print(f"shopperkit: {summary(counts)}", file=sys.stderr)
    return 0
