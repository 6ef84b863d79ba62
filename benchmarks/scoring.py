"""Scoring throughput: the whole path next to plain per-record ``jsonschema`` validation.

Generates evaluations of a form (the UAE visit form when its plugin is installed, else the
example form), serialises them as JSON lines, then in the same run on one core times:

* the baseline: ``json.loads`` + ``Draft202012Validator.is_valid`` against the form's exported
  record schema (validation only, no score);
* shopperkit: ``json.loads`` + validate + score + tally by centre and month.

Run with::

    .venv/bin/python benchmarks/scoring.py [--size 200000] [--seed 7] [--form uae-visit]
        [--journeys]

``--journeys`` gives every record a journey through as many services as the form's hand-off
sections need, so hand-offs are keyed by the services they join.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from jsonschema import Draft202012Validator

from shopperkit.errors import InputError
from shopperkit.forms import load_form
from shopperkit.forms.export import record_schema
from shopperkit.model.forms import Form
from shopperkit.plugins import Plugins
from shopperkit.registry import Registry
from shopperkit.scoring import Aggregates, Scoring
from shopperkit.synthetic import evaluations

CHUNK = 2_000
EXAMPLE = Path(__file__).resolve().parent.parent / "examples/forms/example-visit.yaml"


def pick_form(name: str) -> Form:
    """The named form, or the example form when no installed plugin provides it."""
    try:
        return Registry(Plugins()).form(name)
    except InputError:
        print(f"form {name!r} is not installed; using {EXAMPLE.name}")
        return load_form(EXAMPLE)


def main() -> None:
    """Generate, then time the baseline and shopperkit on the same lines."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--form", default="uae-visit")
    parser.add_argument("--journeys", action="store_true", help="records carry journeys")
    args = parser.parse_args()

    form = pick_form(args.form)
    records = list(evaluations(form, args.size, seed=args.seed))
    if args.journeys:
        stops = [f"svc-stop-{n}" for n in range(sum(s.handoff for s in form.sections))]
        records = [{**record, "journey": [record["service"], *stops]} for record in records]
    lines = [json.dumps(record) for record in records]
    validator = Draft202012Validator(
        record_schema(form), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    scoring = Scoring([form])
    aggregates = Aggregates(["centre", "month"])

    # The machine may be shared: time both in alternating chunks, so that a busy moment
    # slows both alike, and report shopperkit's own rate as the best of three full passes.
    baseline = ours = 0.0
    valid = accepted = 0
    for start in range(0, len(lines), CHUNK):
        chunk = lines[start : start + CHUNK]
        started = time.perf_counter()
        valid += sum(validator.is_valid(json.loads(line)) for line in chunk)
        baseline += time.perf_counter() - started
        started = time.perf_counter()
        accepted += score_all(scoring, aggregates, chunk)
        ours += time.perf_counter() - started
    best = ours
    for _ in range(3):
        started = time.perf_counter()
        score_all(scoring, Aggregates(["centre", "month"]), lines)
        best = min(best, time.perf_counter() - started)

    n = len(lines)
    print(f"form {form.id} version {form.version}: {n:,} evaluations")
    print(f"jsonschema per record (parse + validate):       {n / baseline:>10,.0f} evaluations/s")
    print(
        f"shopperkit (parse + validate + score + tally):  {n / ours:>10,.0f} evaluations/s"
        f"   ratio {baseline / ours:.1f}"
    )
    print(f"shopperkit, best of three passes:               {n / best:>10,.0f} evaluations/s")
    print(
        f"accepted: jsonschema {valid:,}, shopperkit {accepted:,}; groups {len(aggregates.groups)}"
    )


def score_all(scoring: Scoring, aggregates: Aggregates, lines: list[str]) -> int:
    """Parse, check, score and tally every line; the number accepted."""
    accepted = 0
    for line in lines:
        result = scoring.score_data(json.loads(line))
        if not isinstance(result, list):
            accepted += 1
            aggregates.add(result)
    return accepted


if __name__ == "__main__":
    main()
