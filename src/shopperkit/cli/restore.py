"""``shopperkit restore``: put a backup's content back into the workspace's store."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shopperkit.cli.workspaces import add_store_options, database_of

NAME = "restore"
HELP = "replace the store's content (SQLite) by a backup made with 'shopperkit backup'"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``FILE [--workspace DIR] [--db URL]``."""
    parser.add_argument("file", type=Path, help="the backup")
    add_store_options(parser)


def run(args: argparse.Namespace) -> int:
    """Check the backup is a store, then copy it over the store's content."""
    from shopperkit.io.files import open_bytes

    with database_of(args) as database:
        version = database.restore(open_bytes(args.file), str(args.file))
    print(f"shopperkit: store restored from {args.file} (schema {version})", file=sys.stderr)
    return 0
