"""``shopperkit verify``: re-run a draw from its files and confirm or refute it."""

from __future__ import annotations

import argparse
from pathlib import Path

from shopperkit.cli.common import one_line, pool_refused

NAME = "verify"
HELP = (
    "check every published file of a draw directory: hashes and commitment, quotas of every "
    "panel, probabilities, the seeded draw, the waitlist, replacements, the quota report and "
    "the published cohort; name the file and first difference of any change"
)
EXIT_REFUTED = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``DIR [--no-recompute] [--seed S] [--explain]``."""
    parser.add_argument("directory", type=Path, help="directory written by 'shopperkit select'")
    parser.add_argument(
        "--no-recompute", action="store_true", help="skip re-computing the lottery (faster)"
    )
    parser.add_argument(
        "--seed", help="the seed as announced in public: the draw must have used it"
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="also say, for a programme officer, what each check means and how anyone can "
        "re-check it with the published files",
    )


def run(args: argparse.Namespace) -> int:
    """Print each check; exit 0 when the draw is confirmed, 1 when refuted."""
    from shopperkit.io.draws import POOL, read_draw
    from shopperkit.selection import PoolInvalid, verify
    from shopperkit.selection.explain import explanation

    drawn = read_draw(args.directory)
    try:
        checks = verify(drawn, recompute=not args.no_recompute, seed=args.seed)
    except PoolInvalid as error:
        raise pool_refused(error, args.directory / POOL) from None
    for check in checks:
        mark = "ok" if check.ok else "FAILED"
        detail = f" ({check.file}: {check.difference})" if not check.ok else ""
        print(one_line(f"{mark:6} {check.name}{detail}"))
    confirmed = all(check.ok for check in checks)
    if args.explain:
        print()
        print(explanation(drawn, recompute=not args.no_recompute))
    print("draw confirmed" if confirmed else "draw REFUTED")
    return 0 if confirmed else EXIT_REFUTED
