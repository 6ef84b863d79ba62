"""``shopperkit interview``: stage 2, committee scores decide, and the pool is written."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shopperkit.cli.common import add_strict, batch_exit, iso_date, warn
from shopperkit.cli.workspaces import add_store_options, keep_files, workspace_store
from shopperkit.eligibility.screening import screen
from shopperkit.interview import InterviewPolicy, interview
from shopperkit.io.applicants import read_applicants
from shopperkit.io.committee import read_scores
from shopperkit.io.convert import to_data
from shopperkit.io.files import output_set, write_records
from shopperkit.io.pool import write_pool
from shopperkit.io.verdicts import read_verdicts
from shopperkit.model.people import Applicant
from shopperkit.problems import RecordError
from shopperkit.registry import Registry

NAME = "interview"
HELP = "record interview scores, decide by the programme's pass rule, write the candidate pool"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--programme P APPLICANTS SCORES --pool POOL.csv [--verdicts FILE] [--outcomes FILE]``."""
    parser.add_argument("applicants", type=Path, help="applicants file (.csv, .json, .jsonl)")
    parser.add_argument("scores", type=Path, help="CSV: applicant,member,criterion,score")
    parser.add_argument("--programme", required=True, help="programme id or file")
    parser.add_argument("--pool", type=Path, required=True, help="where to write the pool CSV")
    parser.add_argument(
        "--verdicts",
        type=Path,
        help="screening result (`screen --format json` or `jsonl`); without it, applicants are "
        "screened here",
    )
    parser.add_argument(
        "--outcomes",
        type=Path,
        help="where to write every outcome: JSON Lines if the name ends in .jsonl, "
        "else a JSON list",
    )
    parser.add_argument("--as-of", type=iso_date, help="reference date, overriding the programme's")
    add_strict(parser)
    add_store_options(parser)


def report_errors(errors: list[RecordError]) -> None:
    """One warning per bad row, naming file, row and column."""
    for error in errors:
        for problem in error.errors:
            warn(f"{error.file}:{error.row}: {problem.where}: {problem.message}")


def run(args: argparse.Namespace) -> int:
    """Read, apply the interview pass rule, write outcomes and the pool."""
    registry = Registry()
    programme = registry.programme(args.programme)
    applicants: list[Applicant] = []
    bad: list[RecordError] = []
    for record in read_applicants(args.applicants, warn=warn):
        if isinstance(record, RecordError):
            bad.append(record)
        else:
            applicants.append(record[1])
    if args.verdicts is not None:
        verdicts = read_verdicts(args.verdicts)
    else:
        verdicts = screen(applicants, programme, registry, as_of=args.as_of)
    known = {applicant.id for applicant in applicants} | {r.id for r in bad if r.id}
    scores, score_errors = read_scores(args.scores, InterviewPolicy.of(programme), known)
    report_errors(bad + score_errors)
    done = interview(applicants, verdicts, scores, programme, registry, as_of=args.as_of)
    pool = done.pool
    outcomes = done.outcomes
    store = workspace_store(args)
    with output_set(own=store is not None):
        write_pool(args.pool, pool)
        if args.outcomes is not None:
            write_records(args.outcomes, map(to_data, outcomes))
    if store is not None:
        kept = [("interview-scores", args.scores), ("pool", args.pool)]
        if args.outcomes is not None:
            kept.append(("outcomes", args.outcomes))
        keep_files(store, kept)
    size = len(pool.candidates)
    passed = sum(outcome.passed for outcome in outcomes)
    print(
        f"shopperkit: interviewed {len(outcomes)}: passed {passed}, "
        f"not passed {len(outcomes) - passed}; pool of {size} written to {args.pool}",
        file=sys.stderr,
    )
    return batch_exit(args, len(bad) + len(score_errors))
