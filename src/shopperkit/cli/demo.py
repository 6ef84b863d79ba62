"""``shopperkit demo``: a programme end to end on generated data, summarised.

A recruited (Qatar-style) programme screens generated applicants, interviews them, draws the
cohort, and the cohort evaluates services; an open (UAE-style) programme lets a crowd of
visitors rate its centres on every form it names. Either way the evaluations are scored and
reported. Every stage is the library call an app would make; the files written to ``--out``
are what the matching commands write.
"""

from __future__ import annotations

import argparse
import hashlib
import random
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from shopperkit.cli.common import check_range
from shopperkit.cli.progress import progress
from shopperkit.eligibility.screening import reference_date, screen
from shopperkit.insights import Insights, insights
from shopperkit.interview import InterviewPolicy, interview
from shopperkit.io.convert import to_data
from shopperkit.io.files import atomic_write, csv_text, write_records
from shopperkit.io.pool import pool_text
from shopperkit.io.reports import write_report
from shopperkit.io.scores import write_scored
from shopperkit.model.forms import Form
from shopperkit.model.programme import Programme
from shopperkit.model.verdicts import Status
from shopperkit.registry import Registry
from shopperkit.scoring import Scored, score
from shopperkit.synthetic import applicants, committee_scores, evaluations

NAME = "demo"
HELP = "run a programme end to end on generated data: screen, interview, draw, score, report"

WEAK_CENTRE = "c-2-3"
"""The generated centre made to serve badly, so the report has something to find."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``[--programme P] [--size N] [--seed S] [--out DIR] [--evaluations N]``."""
    parser.add_argument("--programme", default="qatar-cgb", help="programme id or file")
    parser.add_argument("--size", type=int, default=3000, help="number of applicants")
    parser.add_argument("--seed", type=int, default=2022, help="random seed")
    parser.add_argument("--out", type=Path, default=Path("demo-output"), help="output folder")
    parser.add_argument(
        "--evaluations", type=int, default=1200, help="evaluations the shoppers submit"
    )


def _bar(count: int, total: int, width: int = 30) -> str:
    return "#" * round(width * count / total) if total else ""


def _recruit(
    args: argparse.Namespace, programme: Programme, registry: Registry, lines: list[str]
) -> tuple[str, ...]:
    """Screen, interview and draw; the cohort drawn. Files go to ``OUT`` and ``OUT/draw``."""
    from shopperkit.io.draws import write_draw
    from shopperkit.selection import draw

    people = list(applicants(args.size, seed=args.seed, programme=programme))
    verdicts = screen(people, programme, registry)
    eligible = [verdict.id for verdict in verdicts if verdict.status is Status.ELIGIBLE]
    policy = InterviewPolicy.of(programme)
    scores = committee_scores(
        eligible, policy.criteria, seed=args.seed, low=policy.scale_min, high=policy.scale_max
    )
    done = interview(people, verdicts, scores, programme, registry)
    drawn = draw(done.pool, programme, None, str(args.seed))

    out: Path = args.out
    write_records(out / "applicants.json", to_data(people))
    write_records(out / "verdicts.json", to_data(verdicts))
    atomic_write(
        out / "interview-scores.csv",
        csv_text(("applicant", "member", "criterion", "score"), to_data(scores)),
    )
    write_records(out / "interview-outcomes.json", to_data(list(done.outcomes)))
    atomic_write(out / "pool.csv", pool_text(done.pool))
    write_draw(out / "draw", drawn)

    statuses = Counter(verdict.status for verdict in verdicts)
    codes = Counter(reason.code for verdict in verdicts for reason in verdict.reasons)
    lines += [
        f"Reference date {reference_date(programme)}; {programme.integer('seats')} seats to fill.",
        "",
        f"Stage 1, screening {len(people)} generated applicants (seed {args.seed}):",
    ]
    for status in Status:
        count = statuses.get(status, 0)
        lines.append(f"  {status.value:<13} {count:>6}  {_bar(count, len(people))}")
    lines.append("  Reasons (an applicant may have several):")
    lines += [f"    {code:<30} {count:>6}" for code, count in codes.most_common()]
    for stage in sorted({criterion.stage for criterion in programme.judged_criteria}):
        ids = [c.id for c in programme.judged_criteria if c.stage == stage]
        lines.append(f"  Left to the {stage} stage: {', '.join(ids)}.")
    passed = sum(outcome.passed for outcome in done.outcomes)
    lines += [
        "",
        f"Stage 2, interviews ({policy.pass_rule}, pass mark {policy.pass_mark}):",
        f"  interviewed {len(eligible)}, passed {passed}, did not pass {len(eligible) - passed}",
        "",
        f"Candidate pool: {len(done.pool.candidates)} people, by dimension:",
    ]
    for dimension in done.pool.dimensions:
        counts = Counter(done.pool.column(dimension)).most_common(6)
        shown = ", ".join(f"{value} {count}" for value, count in counts)
        lines.append(f"  {dimension:<12} {shown}")

    chances = sorted(float(p) for p in drawn.probabilities.values() if p)
    assert drawn.audit is not None  # a seed was given, so the draw is revealed
    lines += [
        "",
        f"Stage 3, the cohort draw ({drawn.audit.method}, seed {args.seed}):",
        f"  {len(drawn.cohort)} selected, {len(drawn.waitlist)} on the waiting list; "
        f"selection chances {chances[0]:.3f} to {chances[-1]:.3f}",
    ]
    by_feature: dict[str, list[Any]] = {}
    for quota in drawn.quota_report:
        by_feature.setdefault(quota.feature, []).append(quota)
    for feature, quotas in by_feature.items():
        held = [q for q in quotas if q.selected]
        top = max(held, key=lambda q: q.selected)
        floors = [f"{q.value} {q.selected} (at least {q.min})" for q in quotas if q.min]
        met = "every quota met" if all(q.met for q in quotas) else "QUOTA BROKEN"
        lines.append(
            f"  {feature:<12} {len(held)} of {len(quotas)} values; most {top.value} "
            f"{top.selected} (at most {top.max}); {'; '.join(floors) or 'no minimum'}; {met}"
        )
    return drawn.cohort


def _evaluations(
    args: argparse.Namespace, forms: Sequence[Form], shoppers: Sequence[str]
) -> list[dict[str, Any]]:
    """Evaluations by ``shoppers``, spread over ``forms``, as an app would receive them."""
    rng = random.Random(args.seed)
    made: list[dict[str, Any]] = []
    for number, form in enumerate(forms):
        count = args.evaluations // len(forms) + (number < args.evaluations % len(forms))
        for record in evaluations(form, count, seed=args.seed + number, weak={WEAK_CENTRE}):
            record["id"] = f"{form.id}-{record['id']}"
            record["shopper"] = rng.choice(shoppers)
            made.append(record)
    return made


def _summary(scored: Scored, found: Insights, lines: list[str], stage: int) -> None:
    forms = ", ".join(form.id for form in scored.forms)
    lines += [
        "",
        f"Stage {stage}, {scored.read} evaluations on {forms}:",
        f"  accepted {len(scored.evaluations)}, rejected {len(scored.rejected)}",
    ]
    for group, tallies in sorted(scored.aggregates.groups.items()):
        overall = tallies["overall"].summary()
        low, high = overall["ci95"]
        lines.append(
            f"  {group[0]:<8} {overall['count']:>5} evaluations, "
            f"mean {overall['mean']:.1f} (95% {low:.1f} to {high:.1f})"
        )
    lines += ["", f"Stage {stage + 1}, the report: {len(found.recommendations)} recommendation(s)"]
    lines += [f"  [{r.priority}] {r.entity}: {r.text['en']}" for r in found.recommendations[:5]]


MAX_DEMO_SIZE = 1_000_000
"""Most applicants, and most evaluations, a demonstration generates."""


def run(args: argparse.Namespace) -> int:
    """Recruit and draw (recruited programmes), evaluate, score and report; print what
    happened at each stage."""
    check_range("--size", args.size, 1, MAX_DEMO_SIZE)
    check_range("--evaluations", args.evaluations, 1, MAX_DEMO_SIZE)
    registry = Registry()
    programme = registry.programme(args.programme)
    out: Path = args.out
    title = programme.title.get("en", programme.id)
    lines = [f"{title} ({programme.id} {programme.version})"]
    with progress("recruiting" if programme.recruited else "inviting visitors", 4) as bar:
        if programme.recruited:
            shoppers: Sequence[str] = _recruit(args, programme, registry, lines)
            written = "applicants.json, verdicts.json, interview-scores.csv, "
            written += "interview-outcomes.json, pool.csv, draw/, "
        else:
            crowd = max(50, args.evaluations // 2)
            shoppers = [f"visitor-{number:06d}" for number in range(1, crowd + 1)]
            lines.append(f"Open to anyone: {crowd} generated visitors rate its service centres.")
            written = ""
        bar.stage("evaluating", 1)
        forms = registry.forms(programme)
        if programme.recruited:
            forms = forms[:1]  # the cohort's visit form
        submitted = _evaluations(args, forms, shoppers)
        write_records(out / "evaluations.jsonl", submitted)
        bar.stage("scoring", 1)
        scored = score(submitted, forms, by=["entity"])
        write_scored(out / "scores", scored)
        bar.stage("reporting", 1)
        secret = hashlib.sha256(f"demo-{args.seed}".encode()).hexdigest()  # a bureau's own
        found = insights(
            scored,
            forms,
            programme=programme,
            secret=secret.encode(),
            plugins=registry.plugins,
            directory=registry.directory(programme),
        )
        write_report(out / "report", found)
        bar.advance()
    _summary(scored, found, lines, 4 if programme.recruited else 1)
    lines += ["", f"Files written to {out}/: {written}evaluations.jsonl, scores/, report/"]
    print("\n".join(lines))
    return 0
