"""``shopperkit screen``: stage 1, every applicant against the programme's rules."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from shopperkit.cli.common import emit, iso_date, warn
from shopperkit.eligibility.screening import Screener
from shopperkit.io.applicants import read_applicants
from shopperkit.io.convert import to_data
from shopperkit.io.files import dumps
from shopperkit.model.verdicts import Verdict
from shopperkit.problems import RecordError
from shopperkit.registry import Registry

NAME = "screen"
HELP = "screen applications (CSV, JSON or JSONL) against a programme's eligibility rules"

Result = Verdict | RecordError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--programme P APPLICANTS [--as-of DATE] [--format F] [-o FILE]``."""
    parser.add_argument("applicants", type=Path, help="applicants file (.csv, .json, .jsonl)")
    parser.add_argument("--programme", required=True, help="programme id or file")
    parser.add_argument("--as-of", type=iso_date, help="reference date, overriding the programme's")
    parser.add_argument("--format", choices=("json", "csv", "table"), default="json")
    parser.add_argument("-o", "--output", type=Path, help="write here instead of standard output")


def error_record(error: RecordError) -> dict[str, Any]:
    """A bad input record in the output: its id, status ``error``, row and problems."""
    return {
        "id": error.id,
        "status": "error",
        "reasons": [],
        "file": error.file,
        "row": error.row,
        "errors": to_data(list(error.errors)),
    }


def as_json(results: Iterable[Result]) -> str:
    """Verdicts and error records as a JSON list (``screening-result.schema.json``)."""
    return dumps([error_record(r) if isinstance(r, RecordError) else to_data(r) for r in results])


def as_csv(results: Iterable[Result]) -> str:
    """One row per applicant: ``id,status,codes,row,errors`` (codes separated by ``;``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "status", "codes", "row", "errors"])
    for result in results:
        if isinstance(result, RecordError):
            problems = ";".join(f"{p.where}:{p.code}" for p in result.errors)
            writer.writerow([result.id or "", "error", "", result.row, problems])
        else:
            codes = ";".join(reason.code for reason in result.reasons)
            writer.writerow([result.id, result.status.value, codes, "", ""])
    return buffer.getvalue()


def as_table(results: Iterable[Result]) -> str:
    """An aligned table for people, with the English reason of every failed rule."""
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
    return "\n".join(out) + "\n"


FORMATTERS = {"json": as_json, "csv": as_csv, "table": as_table}


def summary(results: Iterable[Result]) -> str:
    """``screened N: eligible a, ineligible b, needs_review c, error d``."""
    counts = Counter(
        "error" if isinstance(result, RecordError) else result.status.value for result in results
    )
    total = sum(counts.values())
    parts = ", ".join(
        f"{status} {counts[status]}"
        for status in ("eligible", "ineligible", "needs_review", "error")
    )
    return f"screened {total}: {parts}"


def run(args: argparse.Namespace) -> int:
    """Screen every record; bad records become error records, the rest get verdicts."""
    registry = Registry()
    plugins = registry.plugins
    programme = registry.programme(args.programme)
    screener = Screener(programme, plugins, as_of=args.as_of)
    results: list[Result] = []
    for record in read_applicants(args.applicants, warn=warn):
        if isinstance(record, RecordError):
            results.append(record)
        else:
            results.append(screener.screen(record[1]))
    emit(FORMATTERS[args.format](results), args.output)
    print(f"shopperkit: {summary(results)}", file=sys.stderr)
    return 0
