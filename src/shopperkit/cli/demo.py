"""``shopperkit demo``: the whole Qatar-style recruitment on generated data, summarised."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from shopperkit.cli.common import dumps
from shopperkit.cli.screen import as_json
from shopperkit.eligibility.screening import Screener
from shopperkit.interview import InterviewPolicy, pool_rows, run_interviews
from shopperkit.io.convert import to_data
from shopperkit.io.files import atomic_write, csv_text
from shopperkit.model.verdicts import Status
from shopperkit.plugins import Plugins
from shopperkit.programmes import find_programme
from shopperkit.synthetic import applicants, committee_scores

NAME = "demo"
HELP = "generate applicants, screen them, run interviews and print a summary"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``[--programme P] [--size N] [--seed S] [--out DIR]``."""
    parser.add_argument("--programme", default="qatar-cgb", help="programme id or file")
    parser.add_argument("--size", type=int, default=3000, help="number of applicants")
    parser.add_argument("--seed", type=int, default=2022, help="random seed")
    parser.add_argument("--out", type=Path, default=Path("demo-output"), help="output folder")


def _bar(count: int, total: int, width: int = 30) -> str:
    return "#" * round(width * count / total) if total else ""


def run(args: argparse.Namespace) -> int:
    """Run both stages and print what happened."""
    plugins = Plugins()
    programme = find_programme(plugins, args.programme)
    people = list(applicants(args.size, seed=args.seed, programme=programme))
    screener = Screener(programme, plugins)
    verdicts = {person.id: screener.screen(person) for person in people}
    eligible = [i for i, verdict in verdicts.items() if verdict.status is Status.ELIGIBLE]
    policy = InterviewPolicy.of(programme)
    scores = committee_scores(
        eligible, policy.criteria, seed=args.seed, low=policy.scale_min, high=policy.scale_max
    )
    outcomes = run_interviews(programme, verdicts, scores, plugins.messages())
    header, pool = pool_rows(programme, plugins, people, outcomes)

    out: Path = args.out
    atomic_write(out / "applicants.json", dumps(to_data(people)))
    atomic_write(out / "verdicts.json", as_json(verdicts.values()))
    atomic_write(
        out / "interview-scores.csv",
        csv_text(("applicant", "member", "criterion", "score"), to_data(scores)),
    )
    atomic_write(out / "interview-outcomes.json", dumps(to_data(outcomes)))
    atomic_write(out / "pool.csv", csv_text(header, pool))

    title = programme.title.get("en", programme.id)
    statuses = Counter(verdict.status.value for verdict in verdicts.values())
    codes = Counter(reason.code for v in verdicts.values() for reason in v.reasons)
    lines = [
        f"{title} ({programme.id} {programme.version})",
        f"Reference date {screener.as_of}; {programme.integer('seats')} seats to fill.",
        "",
        f"Stage 1, screening {len(people)} generated applicants (seed {args.seed}):",
    ]
    for status in Status:
        count = statuses.get(status.value, 0)
        lines.append(f"  {status.value:<13} {count:>6}  {_bar(count, len(people))}")
    lines.append("  Reasons (an applicant may have several):")
    lines += [f"    {code:<30} {count:>6}" for code, count in codes.most_common()]
    for stage in sorted({criterion.stage for criterion in programme.judged_criteria}):
        ids = [c.id for c in programme.judged_criteria if c.stage == stage]
        lines.append(f"  Left to the {stage} stage: {', '.join(ids)}.")
    passed = sum(outcome.passed for outcome in outcomes)
    lines += [
        "",
        f"Stage 2, interviews ({policy.pass_rule}, pass mark {policy.pass_mark}):",
        f"  interviewed {len(eligible)}, passed {passed}, did not pass {len(eligible) - passed}",
        "",
        f"Candidate pool: {len(pool)} people, by dimension:",
    ]
    for dimension in header[1:]:
        counts = Counter(row[dimension] for row in pool).most_common(6)
        shown = ", ".join(f"{value} {count}" for value, count in counts)
        lines.append(f"  {dimension:<12} {shown}")
    lines += [
        "",
        f"Files written to {out}/: applicants.json, verdicts.json, "
        "interview-scores.csv, interview-outcomes.json, pool.csv",
    ]
    print("\n".join(lines))
    return 0
