"""``shopperkit select``: check the quotas, compute a fair lottery, draw the cohort."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shopperkit.cli.common import warn
from shopperkit.errors import InputError
from shopperkit.selection.feasibility import Feasibility
from shopperkit.selection.lottery import METHODS
from shopperkit.selection.quotas import (
    QuotaSet,
    pool_values,
    quotas_from_programme,
    read_pool_rows,
    read_quotas,
)

NAME = "select"
HELP = "draw a cohort from the pool by a fair lottery that meets every quota"
EXIT_INFEASIBLE = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``POOL --quotas Q --seats K | --programme P  [--seed S] [--method M] --out DIR``."""
    parser.add_argument("pool", type=Path, help="pool CSV: id + one column per quota feature")
    parser.add_argument("--quotas", type=Path, help="CSV feature,value,min,max[,min_flex,max_flex]")
    parser.add_argument("--seats", type=int, help="seats to fill (with --quotas)")
    parser.add_argument("--programme", help="programme id or file giving seats (and quotas)")
    parser.add_argument("--seed", help="the draw's seed; leave out to publish the lottery first")
    parser.add_argument(
        "--method", choices=METHODS, default="leximin", help="lottery (default leximin)"
    )
    parser.add_argument("--out", type=Path, required=True, help="directory for the draw's files")


def resolve_quotas(args: argparse.Namespace) -> QuotaSet:
    """Quotas from ``--quotas`` (seats from ``--seats`` or the programme) or the programme."""
    seats = args.seats
    programme = None
    if args.programme:
        from shopperkit.registry import Registry

        programme = Registry().programme(args.programme)
        if seats is None:
            seats = programme.integer("seats")
    if args.quotas is not None:
        if seats is None:
            raise InputError("seats_missing")
        return read_quotas(args.quotas, seats)
    if programme is None:
        raise InputError("seats_missing")
    header, rows = read_pool_rows(args.pool)
    return quotas_from_programme(programme, pool_values(header, rows))


def explain(feasibility: Feasibility) -> list[str]:
    """The infeasibility explained in lines of text."""
    lines = [f"no cohort of {feasibility.seats} seats can meet every quota; these conflict:"]
    for b in feasibility.conflict:
        word = "at least" if b.kind == "min" else "at most"
        lines.append(f"  {b.feature}={b.value}: {word} {b.seats} seats ({b.pool} in the pool)")
    if feasibility.relaxation is None:
        lines.append("no relaxation within min_flex/max_flex makes them fit")
    else:
        moved = sum(m.seats for m in feasibility.relaxation)
        lines.append(f"smallest relaxation ({moved} seat(s) moved in total):")
        for m in feasibility.relaxation:
            verb = "lower the minimum" if m.kind == "min" else "raise the maximum"
            lines.append(f"  {m.feature}={m.value}: {verb} from {m.current} to {m.to}")
    return lines


def run(args: argparse.Namespace) -> int:
    """Check, compute, publish or draw; exit 1 when the quotas cannot be met."""
    from shopperkit.selection.draw import FEASIBILITY, load_problem, select

    quotas = resolve_quotas(args)
    problem, pool_text = load_problem(args.pool, quotas, warn)
    feasibility, result = select(problem, pool_text, args.method, args.seed, args.out)
    if not feasibility.feasible:
        for line in explain(feasibility):
            print(f"shopperkit: {line}", file=sys.stderr)
        print(f"shopperkit: the explanation is in {args.out / FEASIBILITY}", file=sys.stderr)
        return EXIT_INFEASIBLE
    for excluded in feasibility.excluded:
        profile = ", ".join(f"{k}={v}" for k, v in excluded.profile.items())
        rules = ", ".join(
            f"{b.feature}={b.value} {b.kind} {b.seats}" for b in excluded.ruled_out_by
        )
        warn(f"{excluded.candidates} candidate(s) with {profile} can never be selected: {rules}")
    if result is None:
        from shopperkit.selection.draw import COMMITMENT

        print(
            f"shopperkit: lottery written to {args.out}; publish {args.out / COMMITMENT} "
            "before the seed is known",
            file=sys.stderr,
        )
        return 0
    print(
        f"shopperkit: drew {len(result.panel)} of {sum(problem.sizes)} "
        f"by {result.audit.method} (distribution {result.audit.distribution_sha256[:12]}, row "
        f"{result.audit.panel_index}); files in {args.out}",
        file=sys.stderr,
    )
    return 0
