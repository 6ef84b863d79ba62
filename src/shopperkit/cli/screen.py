"""``shopperkit screen``: stage 1, every applicant against the programme's rules."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from shopperkit.cli.common import add_strict, batch_exit, iso_date, warn
from shopperkit.cli.workspaces import add_store_options, keep_files, workspace_store
from shopperkit.eligibility.screening import Screener
from shopperkit.io import parallel
from shopperkit.io.applicants import read_applicants
from shopperkit.io.files import output_set, output_stream
from shopperkit.io.verdicts import SCREENING_FORMATS, write_screening
from shopperkit.model.people import Applicant
from shopperkit.model.verdicts import Verdict
from shopperkit.problems import RecordError
from shopperkit.registry import Registry

NAME = "screen"
HELP = "screen applications (CSV, JSON or JSONL) against a programme's eligibility rules"

STATUSES = ("eligible", "ineligible", "needs_review", "error")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--programme P APPLICANTS [--as-of DATE] [--format F] [-o FILE]``."""
    parser.add_argument("applicants", type=Path, help="applicants file (.csv, .json, .jsonl)")
    parser.add_argument("--programme", required=True, help="programme id or file")
    parser.add_argument("--as-of", type=iso_date, help="reference date, overriding the programme's")
    parser.add_argument(
        "--format",
        choices=tuple(SCREENING_FORMATS),
        default="json",
        help="json: a JSON list, one verdict a line; jsonl: JSON Lines, streamed in constant "
        "memory; csv: id,status,codes,row,errors; table: aligned, for people",
    )
    parser.add_argument(
        "-o", "--output", type=Path, help="write here (atomically) instead of standard output"
    )
    parser.add_argument(
        "--jobs",
        type=job_count,
        help="processes screening a CSV or JSONL input to json or jsonl (default: one per "
        "idle core for inputs of 4 MiB or more); 1 screens in this process only",
    )
    add_strict(parser)
    add_store_options(parser)


MAX_JOBS = 256
"""Most processes ``--jobs`` may ask for."""


def job_count(text: str) -> int:
    """A ``--jobs`` value: a whole number from 1 to :data:`MAX_JOBS`."""
    try:
        value = int(text) if len(text) <= 4 else 0
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_JOBS:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of processes (1 to {MAX_JOBS})")
    return value


def jobs_for(args: argparse.Namespace) -> int:
    """How many processes screen: ``--jobs`` if given, else one per idle core for a large
    CSV or JSONL input; 1 when the format or platform allows only serial screening."""
    suffix = args.applicants.suffix.lower()
    if (
        args.format not in ("json", "jsonl")
        or suffix not in (".csv", ".jsonl", ".ndjson")
        or not parallel.available()
    ):
        return 1
    if args.jobs is not None:
        return int(args.jobs)
    try:
        large = args.applicants.stat().st_size >= parallel.MIN_BYTES
    except OSError:
        return 1  # the serial reader reports the missing or unreadable file
    return idle_cores() if large else 1


def idle_cores() -> int:
    """The cores this process may run on (its affinity where the platform tells it), less
    those other work keeps busy (the load average, where there is one): workers on a busy
    machine only share one core with the process that feeds them."""
    affinity = getattr(os, "sched_getaffinity", None)
    cores = len(affinity(0)) if affinity is not None else os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return cores
    return max(1, min(cores, round(cores - load + 0.5)))


def summary(counts: Mapping[str, int]) -> str:
    """``screened N: eligible a, ineligible b, needs_review c, error d`` from the count of
    each status and of ``error``."""
    parts = ", ".join(f"{status} {counts.get(status, 0)}" for status in STATUSES)
    return f"screened {sum(counts.values())}: {parts}"


def run(args: argparse.Namespace) -> int:
    """Screen every record; bad records become error records, the rest get verdicts."""
    registry = Registry()
    plugins = registry.plugins
    programme = registry.programme(args.programme)
    screen = Screener(programme, plugins, as_of=args.as_of).screen
    # A Status is its value as a key: the plain dict counts both, faster than a Counter.
    counts = dict.fromkeys(STATUSES, 0)

    def results() -> Iterator[Verdict | RecordError]:
        for record in read_applicants(args.applicants, warn=warn):
            if isinstance(record, RecordError):
                counts["error"] += 1
                yield record
            else:
                verdict = screen(record[1])
                counts[verdict.status] += 1
                yield verdict

    store = workspace_store(args)
    with output_set(own=store is not None):
        write_verdicts(args, screen, results(), counts)
    if store is not None:
        kept = [("applicants", args.applicants)]
        if args.output is not None:
            kept.append(("verdicts", args.output))
        keep_files(store, kept)
    print(f"shopperkit: {summary(counts)}", file=sys.stderr)
    return batch_exit(args, counts["error"])


def write_verdicts(
    args: argparse.Namespace,
    screen: Callable[[Applicant], Verdict],
    results: Iterator[Verdict | RecordError],
    counts: dict[str, int],
) -> None:
    """Write every verdict and error record, in parallel when it pays."""
    jobs = jobs_for(args)
    if jobs > 1:
        with output_stream(args.output) as stream:
            parallel.screen_to_stream(
                args.applicants,
                screen,
                stream,
                jobs=jobs,
                json_list=args.format == "json",
                counts=counts,
                warn=warn,
            )
    else:
        write_screening(results, args.format, args.output)
