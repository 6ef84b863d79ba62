"""``shopperkit select``: check the quotas, compute a fair lottery, draw the cohort."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from shopperkit.cli.common import pool_refused, warn
from shopperkit.cli.progress import Progress, progress
from shopperkit.cli.workspaces import add_store_options, workspace_store
from shopperkit.errors import InputError
from shopperkit.messages import render
from shopperkit.model.programme import Programme
from shopperkit.selection.feasibility import HOUSEHOLDS, RELAX_OBJECTIVES, Feasibility
from shopperkit.selection.lottery import METHODS

if TYPE_CHECKING:
    from shopperkit.selection import Draw
from shopperkit.selection.quotas import QuotaSet

NAME = "select"
HELP = "draw a cohort from the pool by a fair lottery that meets every quota"
EXIT_INFEASIBLE = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``POOL --quotas Q --seats K | --programme P  [--id-column NAME] [--ignore-case]
    [--household-column NAME]... [--seed S | --panels M [--pick N]] [--method M] --out DIR``."""
    parser.add_argument("pool", type=Path, help="pool CSV: id + one column per quota feature")
    parser.add_argument(
        "--quotas",
        type=Path,
        help="CSV feature,value,min,max[,min_flex,max_flex] (or category,name,... or "
        "category,feature,...)",
    )
    parser.add_argument(
        "--id-column",
        default="id",
        metavar="NAME",
        help="the pool's id column (default id; nationbuilder_id in Sortition Foundation files)",
    )
    parser.add_argument(
        "--ignore-case",
        action="store_true",
        help="match quota features and values to the pool's whatever their case; the "
        "published pool is spelt as the quotas",
    )
    parser.add_argument("--seats", type=int, help="seats to fill (with --quotas)")
    parser.add_argument("--programme", help="programme id or file giving seats (and quotas)")
    reveal = parser.add_mutually_exclusive_group()
    reveal.add_argument("--seed", help="the draw's seed; leave out to publish the lottery first")
    reveal.add_argument(
        "--pick",
        type=int,
        help="with --panels: the number picked in public (dice, a ball) naming the panel",
    )
    parser.add_argument(
        "--panels",
        type=int,
        metavar="M",
        help="also round the lottery to M panels of chance 1/M each, to pick one in public",
    )
    parser.add_argument(
        "--method", choices=METHODS, default="leximin", help="lottery (default leximin)"
    )
    parser.add_argument(
        "--household-column",
        action="append",
        default=[],
        metavar="NAME",
        help="pool column naming a household (repeatable): no panel seats two candidates "
        "sharing a non-blank value in any of them",
    )
    parser.add_argument(
        "--relax-objective",
        choices=RELAX_OBJECTIVES,
        default="seats",
        help="when the quotas cannot be met, propose the relaxation with the fewest seats moved "
        "(seats, the default), the least sum of relative changes |new/old - 1| (relative) or "
        "the least weighted seats (weighted: 1 + 2/m a seat to lower a minimum of m, 1 a seat "
        "to raise a maximum)",
    )
    parser.add_argument("--out", type=Path, required=True, help="directory for the draw's files")
    parser.add_argument(
        "--name", help="in a workspace, the name the store keeps the draw under (default: --out's)"
    )
    add_store_options(parser)


def resolve_quotas(args: argparse.Namespace) -> tuple[QuotaSet | Programme, int | None]:
    """What the draw is asked to meet: the ``--quotas`` file (seats from ``--seats`` or the
    programme), or the programme itself (its quotas follow from the pool), and the seats."""
    from shopperkit.io.quotas import read_quotas

    seats = args.seats
    programme = None
    if args.programme:
        from shopperkit.registry import Registry

        programme = Registry().programme(args.programme)
    if args.quotas is not None:
        if seats is None and programme is not None:
            seats = programme.integer("seats")
        if seats is None:
            raise InputError("seats_missing")
        return read_quotas(args.quotas, seats, ignore_case=args.ignore_case), None
    if programme is None:
        raise InputError("seats_missing")
    return programme, seats


def explain(feasibility: Feasibility) -> list[str]:
    """The infeasibility explained in lines of text."""
    lines = [f"no cohort of {feasibility.seats} seats can meet every quota; these conflict:"]
    for b in feasibility.conflict:
        if b.kind == HOUSEHOLDS:
            lines.append(f"  {render('selection_households_apart', {'households': b.pool})}")
            continue
        word = "at least" if b.kind == "min" else "at most"
        lines.append(f"  {b.feature}={b.value}: {word} {b.seats} seats ({b.pool} in the pool)")
    if feasibility.relaxation is None:
        lines.append("no relaxation within min_flex/max_flex makes them fit")
    else:
        by = {
            "seats": "fewest seats moved",
            "relative": "least sum of relative changes",
            "weighted": "least weighted seats",
        }[feasibility.objective]
        lines.append(
            f"smallest relaxation by {by} ({feasibility.seats_moved} seat(s) moved in total, "
            f"relative changes {feasibility.relative_moved}, "
            f"weighted seats {feasibility.weight_moved}):"
        )
        for m in feasibility.relaxation:
            verb = "lower the minimum" if m.kind == "min" else "raise the maximum"
            lines.append(
                f"  {m.feature}={m.value}: {verb} from {m.current} to {m.to} "
                f"({m.seats} seat(s), relative change {m.relative}, weighted {m.weight})"
            )
    return lines


def uniform_lines(drawn: Draw, out: Path) -> list[str]:
    """What to tell the audience about a uniform lottery: M, the minimums, the loss, the
    hash to publish and how to pick a panel."""
    from shopperkit.selection.audit import sha256_text
    from shopperkit.selection.uniform import UNIFORM_FILE, parse_summary

    data = parse_summary(drawn.published.uniform_summary)
    return [
        f"uniform lottery: {data['panels']} panels of chance 1/{data['panels']} each in "
        f"{out / UNIFORM_FILE} (SHA-256 {sha256_text(drawn.published.uniform)})",
        f"smallest chance: fair {data['fair_minimum']}, uniform {data['uniform_minimum']}, "
        f"loss {data['loss']} (every chance within {data['bound']} of the fair one)",
        f"to pick a panel in public: {data['pick_rule']}; then run again with --pick N",
    ]


def keep_draw(args: argparse.Namespace, drawn: Draw) -> None:
    """In a workspace, keep the revealed draw in its store too (a name kept already is
    refused, and then no file is written either)."""
    store = workspace_store(args)
    if store is None:
        return
    name = args.name or args.out.resolve().name
    try:
        store.save_draw(name, drawn)
    finally:
        store.close()
    print(f"shopperkit: the store keeps the draw as '{name}'", file=sys.stderr)


def _draw(args: argparse.Namespace, bar: Progress) -> Draw | None:
    """Read the pool and quotas and draw (revealed when ``--seed`` is given); None when the
    quotas cannot be met, once that is explained."""
    from shopperkit.io.draws import COMMITMENT, FEASIBILITY, read_commitment, write_feasibility
    from shopperkit.io.pool import read_pool
    from shopperkit.selection import PoolInvalid, QuotasInfeasible, draw, reveal
    from shopperkit.selection.drawing import resolve_quotas as quotas_of

    pool_file = read_pool(args.pool, id_column=args.id_column, ignore_case=args.ignore_case)
    asked, seats = resolve_quotas(args)
    quotas = quotas_of(pool_file.pool, asked, seats)
    # Only the id, the quota features and the households are drawn from; the households are
    # published only as numbers.
    pool_file = pool_file.for_quotas(
        quotas, ignore_case=args.ignore_case, keep=args.household_column or ()
    )
    bar.stage("drawing", 1)
    try:
        drawn = draw(
            pool_file.pool,
            quotas,
            None,
            None,
            args.method,
            source=pool_file.text,
            panels=args.panels,
            households=args.household_column,
            relax_objective=args.relax_objective,
        )
    except PoolInvalid as error:
        raise pool_refused(error, args.pool, pool_file.lines) from None
    except QuotasInfeasible as error:
        write_feasibility(args.out, error.feasibility)
        for line in explain(error.feasibility):
            print(f"shopperkit: {line}", file=sys.stderr)
        print(f"shopperkit: the explanation is in {args.out / FEASIBILITY}", file=sys.stderr)
        return None
    if args.seed is not None or args.pick is not None:
        committed = args.out / COMMITMENT
        commitment = read_commitment(committed) if committed.exists() else None
        if args.pick is not None:
            _same_uniform(args.out, drawn)
        try:
            drawn = reveal(drawn, args.seed, pick=args.pick, commitment=commitment)
        except InputError as error:
            if error.code != "commitment_mismatch":
                raise
            raise InputError(error.code, error.params, where=str(committed)) from None
    return drawn


def _same_uniform(out: Path, drawn: Draw) -> None:
    """A pick reveals the uniform lottery published before it: the one in ``out`` (when
    there) must be the one computed again (``uniform_mismatch``)."""
    from shopperkit.io.draws import UNIFORM, exact_text
    from shopperkit.selection.audit import sha256_text

    if not drawn.published.uniform:
        raise InputError("uniform_missing")
    path = out / UNIFORM
    if not path.exists():
        return
    actual = sha256_text(drawn.published.uniform)
    published = sha256_text(exact_text(path))
    if actual != published:
        raise InputError(
            "uniform_mismatch", {"actual": actual, "published": published}, where=str(path)
        )


def run(args: argparse.Namespace) -> int:
    """Check, compute, publish or draw; exit 1 when the quotas cannot be met."""
    from shopperkit.io.draws import COMMITMENT, write_draw

    with progress("reading the pool", 3) as bar:
        drawn = _draw(args, bar)
        if drawn is None:
            return EXIT_INFEASIBLE
        bar.stage("writing the draw", 1)
        write_draw(args.out, drawn)
        if drawn.audit is not None:
            keep_draw(args, drawn)
        bar.advance()
    for excluded in drawn.feasibility.excluded:
        profile = ", ".join(f"{k}={v}" for k, v in excluded.profile.items())
        rules = ", ".join(
            f"{b.feature}={b.value} {b.kind} {b.seats}" for b in excluded.ruled_out_by
        )
        warn(f"{excluded.candidates} candidate(s) with {profile} can never be selected: {rules}")
    fairness = drawn.fairness
    if fairness is not None and fairness.levels:
        proof = (
            "proved optimal"
            if fairness.optimal
            else f"no lottery exceeds {fairness.bound} ({float(fairness.bound or 0):.10f})"
        )
        print(
            f"shopperkit: minimum probability {fairness.levels[0]} "
            f"({float(fairness.levels[0]):.10f}), {proof}; "
            f"{'exact' if fairness.exact else 'rounded to 1e-9'} panel probabilities",
            file=sys.stderr,
        )
    if drawn.published.uniform and drawn.audit is None:
        for line in uniform_lines(drawn, args.out):
            print(f"shopperkit: {line}", file=sys.stderr)
    if drawn.nash_gap is not None:
        print(
            f"shopperkit: nash lottery within {drawn.nash_gap:.3g} of the largest possible sum "
            "of log-probabilities (proven bound)",
            file=sys.stderr,
        )
    if drawn.audit is None:
        print(
            f"shopperkit: lottery written to {args.out}; publish {args.out / COMMITMENT} "
            "before the seed is known",
            file=sys.stderr,
        )
        return 0
    if drawn.audit.uniform_sha256 is not None:
        print(
            f"shopperkit: the pick {drawn.audit.seed} names panel {drawn.audit.panel_index + 1} "
            f"of uniform.csv; drew {len(drawn.cohort)} of {len(drawn.pool.candidates)}; "
            f"files in {args.out}",
            file=sys.stderr,
        )
        return 0
    print(
        f"shopperkit: drew {len(drawn.cohort)} of {len(drawn.pool.candidates)} "
        f"by {drawn.audit.method} (distribution {drawn.audit.distribution_sha256[:12]}, row "
        f"{drawn.audit.panel_index}); files in {args.out}",
        file=sys.stderr,
    )
    return 0
