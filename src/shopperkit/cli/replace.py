"""``shopperkit replace``: a member withdraws; the first fitting person on the waitlist joins."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shopperkit.cli.common import pool_refused
from shopperkit.selection.audit import Replacement

NAME = "replace"
HELP = "replace a withdrawn cohort member from the waitlist, keeping every quota"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``DIR --withdraw ID [--reason TEXT]``."""
    parser.add_argument("directory", type=Path, help="directory written by 'shopperkit select'")
    parser.add_argument("--withdraw", required=True, help="id of the member who withdraws")
    parser.add_argument("--reason", help="why (recorded in result.json)")


def replace_in(directory: Path, withdrawn: str, reason: str | None) -> Replacement:
    """Replace ``withdrawn`` in the draw kept in ``directory``: ``result.json`` and
    ``cohort.csv`` are rewritten and the replacement is returned."""
    from shopperkit.io.draws import POOL, read_draw, write_result
    from shopperkit.selection import PoolInvalid, replace

    try:
        updated = replace(read_draw(directory), withdrawn, reason=reason)
    except PoolInvalid as error:
        raise pool_refused(error, directory / POOL) from None
    write_result(directory, updated)
    return updated.replacements[-1]


def run(args: argparse.Namespace) -> int:
    """Record the replacement in result.json and rewrite cohort.csv."""
    last = replace_in(args.directory, args.withdraw, args.reason)
    print(
        f"shopperkit: {last.withdrawn} replaced by {last.replacement} "
        f"(waitlist position {last.waitlist_position + 1})",
        file=sys.stderr,
    )
    return 0
