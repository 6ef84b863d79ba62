"""``shopperkit backup``: a consistent copy of the workspace's store, taken online."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shopperkit.cli.workspaces import add_store_options, database_of

NAME = "backup"
HELP = "copy the store (SQLite) to a file while others keep working"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``FILE [--workspace DIR] [--db URL]``."""
    parser.add_argument("file", type=Path, help="where to write the copy")
    add_store_options(parser)


def run(args: argparse.Namespace) -> int:
    """Copy the store by SQLite's online backup; write the file atomically."""
    from shopperkit.io.files import atomic_binary

    with database_of(args) as database:
        content = database.backup()
    with atomic_binary(args.file) as stream:
        stream.write(content)
    print(f"shopperkit: store backed up to {args.file} ({len(content)} bytes)", file=sys.stderr)
    return 0
