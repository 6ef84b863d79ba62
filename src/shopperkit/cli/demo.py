"""``shopperkit demo``: a Qatar-style programme end to end on generated data, summarised.

Recruitment (screening, interviews, the cohort draw) runs on generated applicants; the cohort
then evaluates services on the programme's visit form, and the evaluations are scored and
reported. Each later stage runs the same command a bureau would run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from shopperkit.cli.screen import as_json
from shopperkit.eligibility.screening import reference_date, screen
from shopperkit.interview import InterviewPolicy, interview
from shopperkit.io.convert import to_data
from shopperkit.io.files import atomic_write, csv_rows, csv_text, dumps
from shopperkit.model.forms import Form
from shopperkit.model.programme import Programme
from shopperkit.model.verdicts import Status
from shopperkit.registry import Registry
from shopperkit.synthetic import applicants, committee_scores, evaluations

NAME = "demo"
HELP = "run a programme end to end on generated data: screen, interview, draw, score, report"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``[--programme P] [--size N] [--seed S] [--out DIR]``."""
    parser.add_argument("--programme", default="qatar-cgb", help="programme id or file")
    parser.add_argument("--size", type=int, default=3000, help="number of applicants")
    parser.add_argument("--seed", type=int, default=2022, help="random seed")
    parser.add_argument("--out", type=Path, default=Path("demo-output"), help="output folder")
    parser.add_argument(
        "--evaluations", type=int, default=1200, help="evaluations the cohort submits"
    )


def _bar(count: int, total: int, width: int = 30) -> str:
    return "#" * round(width * count / total) if total else ""


def _recruit(args: argparse.Namespace, programme: Programme, registry: Registry) -> list[str]:
    """Stages 1 and 2 on generated applicants; the pool is written to ``OUT/pool.csv``."""
    people = list(applicants(args.size, seed=args.seed, programme=programme))
    screened = screen(people, programme, registry)
    verdicts = {verdict.id: verdict for verdict in screened}
    eligible = [i for i, verdict in verdicts.items() if verdict.status is Status.ELIGIBLE]
    policy = InterviewPolicy.of(programme)
    scores = committee_scores(
        eligible, policy.criteria, seed=args.seed, low=policy.scale_min, high=policy.scale_max
    )
    done = interview(people, screened, scores, programme, registry)
    outcomes = done.outcomes
    header = ["id", *done.pool.dimensions]
    pool = [{"id": c.id, **c.values} for c in done.pool.candidates]

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
        f"Reference date {reference_date(programme)}; {programme.integer('seats')} seats to fill.",
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
    return lines


def _evaluations(args: argparse.Namespace, form: Form, cohort: Sequence[str]) -> Path:
    """Evaluations of ``form`` by the cohort, written to ``OUT/evaluations.jsonl``.

    One centre is made to serve badly (its rated answers drop to the lowest option half the
    time), so the report has something to find.
    """
    rng = random.Random(args.seed)
    weak_centre = "c-2-3"
    questions = [q for section in form.sections for q in section.questions]
    controlling = {q.show_if.question for q in questions if q.show_if is not None}
    lowest = {
        q.id: min(q.options, key=lambda option: option.points).value
        for q in questions
        if q.options and q.type != "multi_choice" and q.id not in controlling
    }
    lines = []
    for record in evaluations(form, args.evaluations, seed=args.seed):
        record["shopper"] = rng.choice(cohort)
        if record["centre"] == weak_centre:
            for question, value in lowest.items():
                if question in record["answers"] and rng.random() < 0.5:
                    record["answers"][question] = value
        lines.append(json.dumps(record, ensure_ascii=False))
    path: Path = args.out / "evaluations.jsonl"
    atomic_write(path, "\n".join(lines) + "\n")
    return path


def _command(*argv: str) -> None:
    """Run one ``shopperkit`` command; a failure stops the demo with its exit code."""
    from shopperkit.cli import main

    code = main(list(argv))
    if code != 0:
        raise SystemExit(code)


def run(args: argparse.Namespace) -> int:
    """Recruit, draw, evaluate, score and report; print what happened at each stage."""
    registry = Registry()
    programme = registry.programme(args.programme)
    lines = _recruit(args, programme, registry)
    out: Path = args.out
    seed = str(args.seed)

    draw = out / "draw"
    _command(
        "select",
        str(out / "pool.csv"),
        "--programme",
        args.programme,
        "--seed",
        seed,
        "--out",
        str(draw),
    )
    result = json.loads((draw / "result.json").read_text(encoding="utf-8"))
    _, rows = csv_rows(draw / "probabilities.csv", ("id", "probability"))
    chances = sorted(float(row["probability"]) for _, row in rows if float(row["probability"]))
    lines += [
        "",
        f"Stage 3, the cohort draw ({result['audit']['method']}, seed {seed}):",
        f"  {len(result['cohort'])} selected, {len(result['waitlist'])} on the waiting list; "
        f"selection chances {chances[0]:.3f} to {chances[-1]:.3f}",
    ]
    by_feature: dict[str, list[dict[str, Any]]] = {}
    for quota in result["quotas"]:
        by_feature.setdefault(quota["feature"], []).append(quota)
    for feature, quotas in by_feature.items():
        held = [q for q in quotas if q["selected"]]
        top = max(held, key=lambda q: q["selected"])
        floors = [f"{q['value']} {q['selected']} (at least {q['min']})" for q in quotas if q["min"]]
        met = "every quota met" if all(q["met"] for q in quotas) else "QUOTA BROKEN"
        lines.append(
            f"  {feature:<12} {len(held)} of {len(quotas)} values; most {top['value']} "
            f"{top['selected']} (at most {top['max']}); {'; '.join(floors) or 'no minimum'}; {met}"
        )

    form = registry.forms(programme)[0]
    submitted = _evaluations(args, form, result["cohort"])
    scores = out / "scores"
    _command(
        "score",
        str(submitted),
        "--programme",
        args.programme,
        "--out",
        str(scores),
        "--by",
        "entity",
    )
    aggregates = json.loads((scores / "aggregates.json").read_text(encoding="utf-8"))
    lines += [
        "",
        f"Stage 4, {aggregates['read']} evaluations on form {form.id} by the cohort:",
        f"  accepted {aggregates['accepted']}, rejected {aggregates['rejected']}",
    ]
    for group in aggregates["groups"]:
        overall = group["overall"]
        lines.append(
            f"  {group['key']['entity']:<8} {overall['count']:>5} evaluations, "
            f"mean {overall['mean']:.1f} (95% {overall['ci95'][0]:.1f} "
            f"to {overall['ci95'][1]:.1f})"
        )

    secret = out / "pseudonym-secret.txt"  # a demo secret; a bureau keeps its own
    atomic_write(secret, hashlib.sha256(f"demo-{seed}".encode()).hexdigest() + "\n")
    report = out / "report"
    _command(
        "report",
        "--programme",
        args.programme,
        str(scores),
        "--out",
        str(report),
        "--secret-file",
        str(secret),
    )
    made = json.loads((report / "recommendations.json").read_text(encoding="utf-8"))
    lines += ["", f"Stage 5, the report: {len(made)} recommendation(s)"]
    lines += [f"  [{r['priority']}] {r['entity']}: {r['text']['en']}" for r in made[:5]]
    lines += [
        "",
        f"Files written to {out}/: applicants.json, verdicts.json, interview-scores.csv, "
        "interview-outcomes.json, pool.csv, draw/, evaluations.jsonl, scores/, report/",
    ]
    print("\n".join(lines))
    return 0
