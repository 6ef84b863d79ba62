"""``shopperkit recommendations``: track what entities did with their recommendations."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from shopperkit.cli.common import iso_date
from shopperkit.cli.workspaces import add_store_options, open_store
from shopperkit.errors import InputError
from shopperkit.insights.recommendations import StatusChange, current_status
from shopperkit.io.files import dumps
from shopperkit.io.status import append_status, read_status_log

NAME = "recommendations"
HELP = "show or record the status of recommendations (open, accepted, done)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``LOG [--set ID STATUS --by WHO [--on DATE] [--note TEXT]]``."""
    parser.add_argument(
        "log",
        type=Path,
        nargs="?",
        help="status log (JSONL), created when first set; without it, the workspace's store",
    )
    parser.add_argument(
        "--set",
        nargs=2,
        metavar=("ID", "STATUS"),
        help="record that recommendation ID is now STATUS (accepted or done)",
    )
    parser.add_argument("--by", help="who reports the change (required with --set)")
    parser.add_argument("--on", type=iso_date, help="date of the change (default: today)")
    parser.add_argument("--note", default="", help="a note kept with the change")
    add_store_options(parser)


def run(args: argparse.Namespace) -> int:
    """Record a change when ``--set`` is given, then print every status as JSON."""
    change = None
    if args.set:
        if not args.by:
            raise InputError("argument_missing", {"option": "--by", "given": "--set"})
        recommendation, status = args.set
        on: date = args.on or date.today()
        change = StatusChange(recommendation, status, on, args.by, args.note)
    log: Path | None = args.log
    if log is None:
        store, _ = open_store(args)
        try:
            if change is not None:
                store.set_status(change)
            changes = store.status_changes()
        finally:
            store.close()
    else:
        if change is not None:
            append_status(log, change)
        changes = read_status_log(log)
    print(dumps(current_status(changes)))
    return 0
