"""``shopperkit assign``: schedule visits and exploratory missions for a period."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path

from shopperkit.assignment import (
    METHODS,
    Booked,
    Limits,
    Period,
    Target,
    active_shoppers,
    assign,
    check_targets,
)
from shopperkit.assignment.model import Visit
from shopperkit.cli.common import iso_date
from shopperkit.cli.progress import progress
from shopperkit.cli.workspaces import add_store_options, workspace_store
from shopperkit.errors import InputError
from shopperkit.insights.followup import FollowupPolicy, serving, with_followups
from shopperkit.io.events import read_events
from shopperkit.io.files import output_set
from shopperkit.io.operations import (
    read_directory,
    read_shoppers,
    read_targets,
    read_visits,
    write_schedule,
)
from shopperkit.lifecycle import Lifecycle
from shopperkit.registry import Registry

NAME = "assign"
HELP = "assign active shoppers to visits and exploratory missions that meet coverage targets"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--programme P SHOPPERS [TARGETS] [--directory FILE] --from D --to D --out DIR
    [--visits FILE ...]`` (TARGETS may be left out in a workspace)."""
    parser.add_argument(
        "shoppers",
        type=Path,
        help="active shoppers (.csv or .json), or an event log (.jsonl) to take them from",
    )
    parser.add_argument(
        "targets",
        type=Path,
        nargs="?",
        help="coverage targets (.csv or .json); optional in a workspace, whose follow-ups "
        "add the repeat visits they still need",
    )
    parser.add_argument("--programme", required=True, help="programme id or file")
    parser.add_argument(
        "--directory",
        type=Path,
        help="entities, services and centres (.json; default: the programme package's own)",
    )
    parser.add_argument("--from", dest="start", type=iso_date, required=True, help="first day")
    parser.add_argument("--to", dest="end", type=iso_date, required=True, help="last day")
    parser.add_argument("--out", type=Path, required=True, help="folder for the three files")
    parser.add_argument("--seed", type=int, default=0, help="seed for tie-breaks (default 0)")
    parser.add_argument("--method", choices=METHODS, default="constrained")
    parser.add_argument(
        "--visits",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="schedule.csv of visits already made or planned (earlier periods, or this one); "
        "spacing, lockout and the load cap count them; repeatable. In a workspace, the "
        "visits its store keeps count too, and the new schedule is kept there",
    )
    add_store_options(parser)


def run(args: argparse.Namespace) -> int:
    """Read and check the inputs, schedule, write schedule.csv, unmet.json and summary.json.
    In a workspace, the repeat visits its follow-ups still need are targets too, and the
    schedule is kept in its store."""
    with progress("reading the inputs", 3) as bar:
        registry = Registry()
        plugins = registry.plugins
        programme = registry.programme(args.programme)
        period = Period(args.start, args.end)
        directory = (
            read_directory(args.directory) if args.directory else registry.directory(programme)
        )
        if directory is None:
            raise InputError("directory_missing", {"programme": programme.id})
        if args.shoppers.suffix.lower() == ".jsonl":
            records = Lifecycle(programme, plugins).fold(read_events(args.shoppers))
            shoppers = active_shoppers(records.values())
        else:
            shoppers = read_shoppers(args.shoppers)
        targets: list[Target] = []
        if args.targets is not None:
            targets = read_targets(args.targets)
            check_targets(targets, directory, period, str(args.targets))
        limits = Limits.of(programme)
        booked: list[Visit | Booked] = [
            visit for path in args.visits for visit in read_visits(path)
        ]
        store = workspace_store(args)
        if store is None and args.targets is None:
            raise InputError("targets_missing", {"command": NAME})
        try:
            serves: dict[int, str] = {}
            excluded: dict[Target, tuple[str, ...]] = {}
            if store is not None:
                # Visits the store keeps near the period count too: spacing and lockout reach
                # that far back and forward.
                reach = timedelta(days=max(limits.lockout_days, limits.spacing_days))
                booked += store.visits(args.start - reach, args.end + reach)
                # The repeat visits its follow-ups still need are targets like any other.
                policy = FollowupPolicy.of(programme)
                repeats = store.followup_targets(directory, period, policy)
                targets, excluded, serves = with_followups(targets, repeats)
            bar.stage("scheduling", 1)
            schedule = assign(
                shoppers,
                targets,
                directory,
                period,
                limits,
                seed=args.seed,
                method=args.method,
                programme=programme.id,
                booked=booked,
                excluded=excluded,
            )
            schedule = serving(schedule, serves)
            bar.stage("writing the schedule", 1)
            with output_set(own=store is not None):
                write_schedule(args.out, schedule)
            if store is not None:
                store.add_visits(schedule.visits, "planned", serves)
        finally:
            if store is not None:
                store.close()
        bar.advance()
    summary = schedule.summary
    print(
        f"shopperkit: assigned {summary['assigned']} of {summary['required']} visits "
        f"(coverage {summary['coverage']:.1%}); {len(schedule.unmet)} target(s) unmet",
        file=sys.stderr,
    )
    return 0
