"""``shopperkit replace``: a member withdraws; the first fitting person on the waitlist joins."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shopperkit.cli.common import warn

NAME = "replace"
HELP = "replace a withdrawn cohort member from the waitlist, keeping every quota"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``DIR --withdraw ID [--reason TEXT]``."""
    parser.add_argument("directory", type=Path, help="directory written by 'shopperkit select'")
    parser.add_argument("--withdraw", required=True, help="id of the member who withdraws")
    parser.add_argument("--reason", help="why (recorded in result.json)")


def run(args: argparse.Namespace) -> int:
    """Record the replacement in result.json and rewrite cohort.csv."""
    from shopperkit.io.files import atomic_write
    from shopperkit.selection.audit import ids_text
    from shopperkit.selection.draw import (
        COHORT,
        POOL,
        QUOTAS,
        load_problem,
        read_result,
        replace,
        write_result,
    )
    from shopperkit.selection.quotas import read_quotas

    result = read_result(args.directory)
    quotas = read_quotas(args.directory / QUOTAS, result.audit.seats)
    problem, _ = load_problem(args.directory / POOL, quotas, warn)
    updated = replace(problem, result, args.withdraw, args.reason)
    write_result(args.directory, updated)
    atomic_write(args.directory / COHORT, ids_text(updated.cohort))
    last = updated.replacements[-1]
    print(
        f"shopperkit: {last.withdrawn} replaced by {last.replacement} "
        f"(waitlist position {last.waitlist_position + 1})",
        file=sys.stderr,
    )
    return 0
