"""``shopperkit record``: append events to a lifecycle log, with the events they cause.

Each new event is checked against the person's state; a condition report that disqualifies
someone adds the suspension and the replacement request. The log is rewritten atomically,
old lines untouched, and nothing is written if any new event is refused.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from shopperkit.cli.common import emit, warn
from shopperkit.errors import InputError
from shopperkit.io.events import events_text, read_events
from shopperkit.io.files import open_text
from shopperkit.lifecycle import Event, Lifecycle, Replace, no_replacement
from shopperkit.registry import Registry

NAME = "record"
HELP = "append lifecycle events to a log, checked against each person's state, with consequences"


def replacement_from(draw: Path) -> Replace:
    """Replacements taken from the waitlist of the cohort draw in ``draw`` (see ``replace``).

    Someone the draw cannot replace (not a cohort member, or no one on the waitlist keeps every
    quota) gets none: the request is recorded with ``"replacement": null`` for the bureau.
    """
    from shopperkit.cli.replace import replace_in

    def replace(person: str, on: date) -> str | None:
        try:
            made = replace_in(draw, person, f"condition change reported on {on}")
        except InputError as error:
            if error.code in ("withdraw_not_member", "replacement_impossible"):
                warn(f"no replacement for {person}: {error}")
                return None
            raise
        return made.replacement

    return replace


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--programme P --events LOG [--selection DRAW] NEW``."""
    parser.add_argument("new", type=Path, help="events to add (.jsonl), in order")
    parser.add_argument("--events", type=Path, required=True, help="the log (.jsonl)")
    parser.add_argument("--programme", required=True, help="programme id or file")
    parser.add_argument(
        "--selection",
        type=Path,
        help="the cohort draw's directory: replacements come from its waitlist",
    )


def run(args: argparse.Namespace) -> int:
    """Record every new event in order, then rewrite the log once."""
    registry = Registry()
    plugins = registry.plugins
    lifecycle = Lifecycle(registry.programme(args.programme), plugins)
    log = read_events(args.events) if args.events.exists() else []
    replace = replacement_from(args.selection) if args.selection else no_replacement
    added: list[Event] = []
    for event in read_events(args.new):
        made = lifecycle.record([*log, *added], event, replace)
        added.extend(made)
    old = open_text(args.events) if args.events.exists() else ""
    if old and not old.endswith("\n"):
        old += "\n"
    emit(old + events_text(added), args.events)
    sys.stdout.write(events_text(added))
    print(f"shopperkit: recorded {len(added)} event(s)", file=sys.stderr)
    return 0
