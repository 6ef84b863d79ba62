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
    from shopperkit.selection.draw import replace_in

    last = replace_in(args.directory, args.withdraw, args.reason, warn)
    print(
        f"shopperkit: {last.withdrawn} replaced by {last.replacement} "
        f"(waitlist position {last.waitlist_position + 1})",
        file=sys.stderr,
    )
    return 0
