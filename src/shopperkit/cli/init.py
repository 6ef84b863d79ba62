"""``shopperkit init``: make a folder a programme workspace."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

NAME = "init"
HELP = "make a folder a programme workspace: its settings and its store"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``DIR --programme P [--db URL]``."""
    parser.add_argument("folder", type=Path, help="the workspace folder (made when missing)")
    parser.add_argument("--programme", required=True, help="programme id or file")
    parser.add_argument(
        "--db", help="the store's address (default: sqlite:///shopperkit.db in the folder)"
    )


def run(args: argparse.Namespace) -> int:
    """Write the settings, create the store and record the programme's version."""
    from shopperkit.store import SETTINGS, Workspace

    workspace = Workspace.create(args.folder, args.programme, args.db)
    print(
        f"shopperkit: workspace for {workspace.programme} in {workspace.folder} "
        f"({SETTINGS}; store {workspace.database})",
        file=sys.stderr,
    )
    return 0
