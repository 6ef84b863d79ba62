"""``shopperkit replace``: a member withdraws; the first fitting person on the waitlist joins."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shopperkit.cli.common import pool_refused
from shopperkit.cli.workspaces import add_store_options, workspace_store
from shopperkit.selection.audit import Replacement

NAME = "replace"
HELP = "replace a withdrawn cohort member from the waitlist, keeping every quota"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``DIR --withdraw ID [--reason TEXT]``."""
    parser.add_argument("directory", type=Path, help="directory written by 'shopperkit select'")
    parser.add_argument("--withdraw", required=True, help="id of the member who withdraws")
    parser.add_argument("--reason", help="why (recorded in result.json)")
    add_store_options(parser)


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
    """Record the replacement in result.json and rewrite cohort.csv; in a workspace whose
    store keeps the draw (under the folder's name), in the store too, in one transaction."""
    store = workspace_store(args)
    name = args.directory.resolve().name
    if store is not None and name in store.draws():
        from shopperkit.io.draws import write_result

        try:
            drawn = store.replace_member(name, args.withdraw, args.reason)
        finally:
            store.close()
        write_result(args.directory, drawn)
        last = drawn.replacements[-1]
    else:
        last = replace_in(args.directory, args.withdraw, args.reason)
    print(
        f"shopperkit: {last.withdrawn} replaced by {last.replacement} "
        f"(waitlist position {last.waitlist_position + 1})",
        file=sys.stderr,
    )
    return 0
