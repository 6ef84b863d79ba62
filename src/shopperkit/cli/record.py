"""``shopperkit record``: append events to a lifecycle log, with the events they cause.

Each new event is checked against the person's state; a condition report that disqualifies
someone adds the suspension and the replacement request. The log is rewritten atomically,
old lines untouched, and nothing is written if any new event is refused.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shopperkit.cli.common import emit
from shopperkit.io.files import open_text
from shopperkit.lifecycle import Event, Lifecycle, Replace, no_replacement, read_events
from shopperkit.lifecycle.events import events_text
from shopperkit.plugins import Plugins
from shopperkit.programmes import find_programme

NAME = "record"
HELP = "append lifecycle events to a log, checked against each person's state, with consequences"

REPLACE: Replace = no_replacement
"""How a replacement is found. Cohort selection's replacement is wired in here; until then a
request is recorded with ``"replacement": null``."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--programme P --events LOG NEW``."""
    parser.add_argument("new", type=Path, help="events to add (.jsonl), in order")
    parser.add_argument("--events", type=Path, required=True, help="the log (.jsonl)")
    parser.add_argument("--programme", required=True, help="programme id or file")


def run(args: argparse.Namespace) -> int:
    """Record every new event in order, then rewrite the log once."""
    plugins = Plugins()
    lifecycle = Lifecycle(find_programme(plugins, args.programme), plugins)
    log = read_events(args.events) if args.events.exists() else []
    added: list[Event] = []
    for event in read_events(args.new):
        made = lifecycle.record([*log, *added], event, REPLACE)
        added.extend(made)
    old = open_text(args.events) if args.events.exists() else ""
    if old and not old.endswith("\n"):
        old += "\n"
    emit(old + events_text(added), args.events)
    sys.stdout.write(events_text(added))
    print(f"shopperkit: recorded {len(added)} event(s)", file=sys.stderr)
    return 0
