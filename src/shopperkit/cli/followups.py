"""``shopperkit followups``: the recommendations taken up, and what their repeat visits found."""

from __future__ import annotations

import argparse
from typing import Any

from shopperkit.cli.workspaces import add_store_options, open_store
from shopperkit.insights.followup import FollowupState
from shopperkit.io.files import dumps

NAME = "followups"
HELP = "list follow-ups of accepted recommendations: due, scheduled and concluded"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``[--state STATE] [--format text|json]``, on the workspace's store."""
    parser.add_argument(
        "--state",
        choices=("due", "scheduled", "concluded"),
        action="append",
        help="only follow-ups in this state (repeatable; default: all)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    add_store_options(parser)


def _row(state: FollowupState) -> dict[str, Any]:
    verdict = state.verdict
    comparison = verdict.comparison if verdict is not None else None
    return {
        "recommendation": state.recommendation,
        "status": state.status,
        "taken_up": state.taken_up.isoformat(),
        "state": state.state,
        "checked": state.checked.isoformat() if state.checked else None,
        "verdict": verdict.verdict if verdict else None,
        "before": round(verdict.before.mean, 2) if verdict else None,
        "after": round(verdict.after.mean, 2) if verdict and verdict.after.count else None,
        "visits": verdict.after.count if verdict else 0,
        "planned": state.planned,
        "more": verdict.more if verdict else None,
        "difference": round(comparison.difference, 2) if comparison else None,
        "p_adjusted": verdict.p_adjusted if verdict else None,
    }


def run(args: argparse.Namespace) -> int:
    """Read the status log, the kept verdicts and the visits planned for them from the
    store, and list them."""
    store, _ = open_store(args)
    try:
        states = store.followup_states()
    finally:
        store.close()
    rows = [_row(state) for state in states if not args.state or state.state in args.state]
    if args.format == "json":
        print(dumps(rows), end="")
        return 0
    for row in rows:
        found = "" if row["verdict"] is None else f"  {row['verdict']}"
        visits = f", {row['visits']} made, {row['planned']} planned"
        more = f", {row['more']} more visits needed" if row["more"] else ""
        print(
            f"{row['recommendation']}  {row['status']} {row['taken_up']}  {row['state']}"
            f"{found}{visits}{more}"
        )
    return 0
