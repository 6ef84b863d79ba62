"""``shopperkit upgrade``: bring the store's schema to this shopperkit's version."""

from __future__ import annotations

import argparse
import sys

from shopperkit.cli.workspaces import add_store_options, database_of

NAME = "upgrade"
HELP = "bring the store's schema to this version of shopperkit (back it up first)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``[--workspace DIR] [--db URL]``."""
    add_store_options(parser)


def run(args: argparse.Namespace) -> int:
    """Run every migration the store has not had, in one transaction."""
    with database_of(args) as database:
        before = database.version()
        after = database.upgrade()
    print(f"shopperkit: store schema {before or '(none)'} -> {after}", file=sys.stderr)
    return 0
