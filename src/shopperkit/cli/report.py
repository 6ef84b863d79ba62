"""``shopperkit report``: findings, recommendations and a readable report per entity."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from shopperkit.cli.common import check_range
from shopperkit.cli.progress import file_size, progress
from shopperkit.cli.workspaces import add_store_options, workspace_store
from shopperkit.errors import InputError
from shopperkit.insights import Insights, insights
from shopperkit.insights.recommendations import StatusChange
from shopperkit.insights.report import report_languages
from shopperkit.io.operations import read_directory, read_shoppers
from shopperkit.io.reports import FORMATS, report_formats, write_report
from shopperkit.io.scores import ScoresFile
from shopperkit.io.status import read_status_log
from shopperkit.messages import render
from shopperkit.registry import Registry

NAME = "report"
HELP = "write the HTML and Markdown report, findings and recommendations from scored evaluations"
SECRET_ENV = "SHOPPERKIT_PSEUDONYM_SECRET"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--programme P SCORES_DIR --out DIR [--k K] [--language L] [--formats F]
    [--keep-flagged]``."""
    parser.add_argument("scores", type=Path, help="folder with scores.jsonl (from `score`)")
    parser.add_argument("--programme", required=True, help="programme id or file")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--k", type=int, help="smallest group published (default: programme's)")
    parser.add_argument("--language", help="report languages, comma-separated (default: all)")
    parser.add_argument(
        "--formats",
        default=",".join(FORMATS),
        help=f"report formats, comma-separated, among {','.join(FORMATS)} (default: all)",
    )
    parser.add_argument("--keep-flagged", action="store_true", help="keep flagged evaluations")
    parser.add_argument(
        "--status-log",
        type=Path,
        help="recommendation status log (see `recommendations`); default: the workspace's",
    )
    parser.add_argument(
        "--directory",
        type=Path,
        help="entities, services and centres, for their names (default: the programme's own)",
    )
    parser.add_argument(
        "--shoppers", type=Path, help="shoppers file (id, employer), to flag conflicts of interest"
    )
    parser.add_argument(
        "--secret-file", type=Path, help=f"pseudonym secret (default: ${SECRET_ENV})"
    )
    add_store_options(parser)


MAX_K = 1_000_000
"""Largest ``--k``: a group can never need more evaluations than this to be published."""


def status_changes(args: argparse.Namespace) -> list[StatusChange]:
    """The recommendation statuses: from ``--status-log``, else from the workspace's store
    (none outside a workspace)."""
    if args.status_log:
        return read_status_log(args.status_log)
    store = workspace_store(args)
    if store is None:
        return []
    try:
        return store.status_changes()
    finally:
        store.close()


def keep_verdicts(args: argparse.Namespace, found: Insights) -> None:
    """In a workspace, keep the follow-up verdicts the report reached (on the statuses of its
    store) with each recommendation's history, the follow-ups they judged, their finders and
    the last day of the scores, for ``shopperkit followups`` and ``shopperkit assign``."""
    if not found.verdicts:
        return
    store = workspace_store(args)
    if store is None:
        return
    until = found.period[1] if found.period else None
    try:
        kept = store.record_verdicts(
            found.verdicts, date.today(), found.followups, found.finders, until
        )
    finally:
        store.close()
    print(f"shopperkit: the store keeps {kept} follow-up verdict(s)", file=sys.stderr)


def _secret(args: argparse.Namespace) -> bytes:
    path: Path | None = args.secret_file
    if path is not None:
        try:
            secret = path.read_bytes().strip()
        except OSError as error:
            raise InputError("file_unreadable", {"reason": str(error)}, where=str(path)) from None
    else:
        secret = os.environ.get(SECRET_ENV, "").encode("utf-8")
    if len(secret) < 16:
        raise InputError("pseudonym_secret_missing", {"env": SECRET_ENV})
    return secret


def run(args: argparse.Namespace) -> int:
    """Analyse the scores and write the report files."""
    if args.k is not None:
        check_range("--k", args.k, 1, MAX_K)
    formats = report_formats(args.formats)  # checked before any file is read
    registry = Registry()
    programme = registry.programme(args.programme)
    languages = None
    if args.language is not None:  # checked before any file is read
        wanted = (part.strip() for part in args.language.split(","))
        languages = report_languages(wanted, programme.strings("languages", ("en", "ar")))
    path = args.scores / "scores.jsonl"
    employers = {}
    if args.shoppers:
        employers = {s.id: s.employer for s in read_shoppers(args.shoppers) if s.employer}
    status_log = status_changes(args)
    directory = read_directory(args.directory) if args.directory else registry.directory(programme)
    secret = _secret(args)
    # The scores are read once as a stream, never held: the bar counts the bytes read.
    size = file_size(path)
    with progress("reading scores", size, "bytes") as bar:
        scores = ScoresFile(path, bar.advance)
        forms = tuple(form for _, form in registry.all_forms().values())
        found = insights(
            scores,
            forms,
            programme=programme,
            secret=secret,
            plugins=registry.plugins,
            k=args.k,
            languages=languages,
            exclude_flagged=not args.keep_flagged,
            employers=employers,
            status_log=status_log,
            directory=directory,
        )
        bar.stage("writing the report")
        out: Path = args.out
        made = write_report(out, found, formats)
    for code, params in made:
        print(f"shopperkit: {render(code, params)}", file=sys.stderr)
    if not args.status_log:
        keep_verdicts(args, found)
    print(
        f"shopperkit: {found.evaluations} evaluations, {len(found.flags)} flags, "
        f"{len(found.findings)} findings, {len(found.recommendations)} recommendations, "
        f"{found.withheld} groups withheld; report written to {out}",
        file=sys.stderr,
    )
    return 0
