"""``shopperkit history``: one person's events, each with the state after it, as JSON."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from shopperkit.cli.common import emit
from shopperkit.cli.workspaces import add_store_options, open_store
from shopperkit.io.convert import to_data
from shopperkit.io.events import read_events
from shopperkit.io.files import dumps
from shopperkit.lifecycle import Duties, allowed, duties_of, history
from shopperkit.registry import Registry

NAME = "history"
HELP = "print a person's full lifecycle history (events and the state after each) as JSON"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``ID --events FILE [--programme P] [-o FILE]``."""
    parser.add_argument("person", help="the person's id")
    parser.add_argument(
        "--events", type=Path, help="event log (.jsonl); without it, the workspace's store"
    )
    parser.add_argument(
        "--programme", help="programme id or file, to check its activation duties too"
    )
    parser.add_argument("-o", "--output", type=Path, help="write here instead of standard output")
    add_store_options(parser)


def run(args: argparse.Namespace) -> int:
    """Fold the person's events; an illegal event stops with the error that names it."""
    if args.events is not None:
        events = read_events(args.events)
    else:
        store, programme = open_store(args)
        try:
            events = store.history(args.person)
        finally:
            store.close()
        args.programme = args.programme or programme
    duties = Duties()
    if args.programme:
        duties = duties_of(Registry().programme(args.programme))
    steps = history(events, args.person, duties)
    last = steps[-1][1]
    document: dict[str, Any] = {
        "person": args.person,
        "programme": args.programme,
        "state": last.state.value if last.state else None,
        "allowed": allowed(last.state),
        "trainings": len(last.sessions),
        "declarations": sorted(last.declarations),
        "events": [
            {**to_data(event), "state": record.state.value if record.state else None}
            for event, record in steps
        ],
    }
    emit(dumps(document), args.output)
    return 0
