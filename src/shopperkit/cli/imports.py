"""``shopperkit import``: bring a documented file into the workspace's store."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shopperkit.cli.workspaces import add_store_options, open_store, programme_of
from shopperkit.io.records import DOCUMENT_KINDS

NAME = "import"
HELP = "bring a file (events, statuses, a draw folder or a documented file) into the store"
KINDS = ("events", "statuses", "draw", *DOCUMENT_KINDS)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``KIND PATH [--name NAME] [--programme P] [--workspace DIR] [--db URL]``."""
    parser.add_argument("kind", choices=KINDS, help="what the file holds")
    parser.add_argument("path", type=Path, help="the file (a folder for a draw)")
    parser.add_argument("--name", help="the name the store keeps it under (default: its name)")
    parser.add_argument("--programme", help="programme id or file (default: the workspace's)")
    add_store_options(parser)


def run(args: argparse.Namespace) -> int:
    """Read and check the file, then keep it in one transaction."""
    store, programme = open_store(args)
    path: Path = args.path
    name: str = args.name or path.name
    try:
        if args.kind == "events":
            from shopperkit.io.events import read_events
            from shopperkit.lifecycle import Lifecycle
            from shopperkit.registry import Registry

            registry = Registry()
            lifecycle = Lifecycle(
                registry.programme(programme_of(args, programme)), registry.plugins
            )
            count = store.import_events(lifecycle, read_events(path))
        elif args.kind == "statuses":
            from shopperkit.io.status import read_status_log

            count = store.import_statuses(read_status_log(path))
        elif args.kind == "draw":
            drawn = store.import_draw(name, path)
            count = len(drawn.cohort)
        else:
            from shopperkit.io.files import open_bytes
            from shopperkit.io.records import document_records

            records = document_records(path)
            store.import_document(name, args.kind, open_bytes(path), records)
            count = len(records)
    finally:
        store.close()
    print(f"shopperkit: imported {args.kind} {name}: {count} record(s)", file=sys.stderr)
    return 0
