"""``shopperkit record``: append events to a lifecycle log, with the events they cause.

Each new event is checked against the person's state; a condition report that disqualifies
someone puts them under review, and a review decided as a withdrawal adds the replacement
request (a rule the programme makes automatic adds the suspension and the request at once).
The log is rewritten atomically, old lines untouched, and nothing is written if any new
event is refused.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shopperkit.cli.common import emit, pool_refused, warn
from shopperkit.cli.workspaces import add_store_options, open_store, programme_of
from shopperkit.errors import InputError
from shopperkit.io.events import events_text, read_events
from shopperkit.io.files import locked, open_text, output_set
from shopperkit.lifecycle import Lifecycle, Replace, no_replacement
from shopperkit.registry import Registry
from shopperkit.selection.audit import Replacement
from shopperkit.selection.drawing import Waitlist

NAME = "record"
HELP = "append lifecycle events to a log, checked against each person's state, with consequences"


class WaitlistReplacements(Waitlist):
    """Replacements taken from the waitlist of the cohort draw in ``directory`` (see
    ``replace``), made one after another in memory; :meth:`write` rewrites the draw's
    ``result.json`` and ``cohort.csv`` once.

    Someone the draw cannot replace (not a cohort member, or no one on the waitlist keeps every
    quota) gets none, with a warning: the request is recorded with ``"replacement": null``
    for the bureau.
    """

    def __init__(self, directory: Path) -> None:
        from shopperkit.io.draws import read_draw

        super().__init__(read_draw(directory), _warn_unreplaced)
        self.directory = directory

    def take(self, person: str, reason: str | None) -> Replacement:
        """As :meth:`Waitlist.take`; a pool that cannot be drawn from names the pool file."""
        from shopperkit.io.draws import POOL
        from shopperkit.selection import PoolInvalid

        try:
            return super().take(person, reason)
        except PoolInvalid as error:
            raise pool_refused(error, self.directory / POOL) from None

    def write(self) -> None:
        """Rewrite the draw's files when a replacement was made."""
        from shopperkit.io.draws import write_result

        if self.made:
            write_result(self.directory, self.drawn)


def _warn_unreplaced(person: str, error: InputError) -> None:
    warn(f"no replacement for {person}: {error}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``NEW [--events LOG [--selection DRAW] | --draw NAME] [--programme P]``."""
    parser.add_argument("new", type=Path, help="events to add (.jsonl), in order")
    parser.add_argument(
        "--events", type=Path, help="the log (.jsonl); without it, the workspace's store"
    )
    parser.add_argument("--programme", help="programme id or file (default: the workspace's)")
    parser.add_argument(
        "--selection",
        type=Path,
        help="with --events: the cohort draw's directory; replacements come from its waitlist",
    )
    parser.add_argument(
        "--draw", help="without --events: the stored draw whose waitlist gives replacements"
    )
    add_store_options(parser)


def run(args: argparse.Namespace) -> int:
    """Record every new event in order: in the store, one transaction; or in the log file,
    rewritten once."""
    if args.events is None:
        return record_in_store(args)
    if args.programme is None:
        raise InputError("argument_missing", {"option": "--programme", "given": "--events"})
    registry = Registry()
    plugins = registry.plugins
    lifecycle = Lifecycle(registry.programme(args.programme), plugins)
    with locked(args.events), output_set(own=True):
        return record_in_file(args, lifecycle)


def record_in_store(args: argparse.Namespace) -> int:
    """Record the new events in the workspace's store, checked against what is committed."""
    store, programme = open_store(args)
    registry = Registry()
    lifecycle = Lifecycle(registry.programme(programme_of(args, programme)), registry.plugins)
    try:
        added = store.record_events(lifecycle, read_events(args.new), draw=args.draw)
    finally:
        store.close()
    sys.stdout.write(events_text(added))
    print(f"shopperkit: recorded {len(added)} event(s)", file=sys.stderr)
    return 0


def record_in_file(args: argparse.Namespace, lifecycle: Lifecycle) -> int:
    """Record the new events at the end of the log file ``--events``."""
    log = read_events(args.events) if args.events.exists() else []
    replacements = WaitlistReplacements(args.selection) if args.selection else None
    replace: Replace = replacements or no_replacement
    ledger = lifecycle.ledger(log)
    for event in read_events(args.new):
        ledger.record(event, replace)
    added = ledger.added
    old = open_text(args.events) if args.events.exists() else ""
    if old and not old.endswith("\n"):
        old += "\n"
    emit(old + events_text(added), args.events)
    if replacements is not None:
        replacements.write()
    sys.stdout.write(events_text(added))
    print(f"shopperkit: recorded {len(added)} event(s)", file=sys.stderr)
    return 0
