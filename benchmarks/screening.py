"""Screening throughput: shopperkit's screener next to a plain hand-written loop.

Both screen the same generated applicants against the Qatar-style programme's rules in the
same run, on one core, and the ratio is printed. Run with ``make bench`` or::

    .venv/bin/python benchmarks/screening.py [--size 1000000] [--seed 7]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from datetime import date

from shopperkit.eligibility.screening import Screener
from shopperkit.model.people import Applicant
from shopperkit.model.programme import Programme
from shopperkit.plugins import Plugins
from shopperkit.registry import Registry
from shopperkit.synthetic import applicants


def _years(start: date, on: date) -> int:
    """Full years by anniversary, 29 February on 28 February: written out by hand."""
    years = on.year - start.year
    try:
        anniversary = start.replace(year=on.year)
    except ValueError:
        anniversary = date(on.year, 2, 28)
    return years - 1 if anniversary > on else years


def plain_loop(programme: Programme) -> Callable[[Sequence[Applicant]], list[tuple[str, str]]]:
    """The same five rules as an ordinary loop: no precomputed thresholds, no plugin layer."""
    as_of = programme.day("reference_date")
    minimum_age = programme.integer("minimum_age")
    minimum_years = programme.integer("minimum_residency_years")
    allowed = set(programme.strings("allowed_residency"))
    opens = programme.day("registration_opens")
    closes = programme.day("registration_closes")
    required = {declaration.id for declaration in programme.declarations}

    def screen(people: Sequence[Applicant]) -> list[tuple[str, str]]:
        results = []
        for person in people:
            failed = []
            review = []
            if person.birth_date is None:
                review.append("birth_date_missing")
            elif _years(person.birth_date, as_of) < minimum_age:
                failed.append("age_below_minimum")
            if person.residency.status not in allowed:
                failed.append("residency_status_not_allowed")
            if person.residency.status != "citizen":
                since = person.residency.since
                if since is None:
                    review.append("residency_start_missing")
                elif _years(since, as_of) < minimum_years:
                    failed.append("residency_too_short")
            if person.applied_on is None:
                review.append("application_date_missing")
            elif not opens <= person.applied_on <= closes:
                failed.append("applied_outside_window")
            missing = required - person.declarations
            if missing:
                failed.append("declarations_missing")
            status = "ineligible" if failed else "needs_review" if review else "eligible"
            results.append((person.id, status))
        return results

    return screen


def main() -> None:
    """Generate, then time both screeners on the same list of applicants."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    plugins = Plugins()
    programme = Registry(plugins).programme("qatar-cgb")
    people = list(applicants(args.size, seed=args.seed, programme=programme))
    screener = Screener(programme, plugins)
    baseline = plain_loop(programme)

    started = time.perf_counter()
    verdicts = [screener.screen(person) for person in people]
    full = time.perf_counter() - started
    started = time.perf_counter()
    statuses = [screener.status(person) for person in people]
    fast = time.perf_counter() - started
    started = time.perf_counter()
    plain = baseline(people)
    loop = time.perf_counter() - started

    agree = sum(
        v.status is s and s.value == p[1] for v, s, p in zip(verdicts, statuses, plain, strict=True)
    )
    n = len(people)
    print(f"applicants screened:                   {n:>10,}")
    print(f"plain hand-written loop (status):      {n / loop:>10,.0f} applicants/s")
    print(
        f"shopperkit Screener.status:            {n / fast:>10,.0f} applicants/s"
        f"   ratio {loop / fast:.2f}"
    )
    print(
        f"shopperkit Screener.screen (verdicts): {n / full:>10,.0f} applicants/s"
        f"   ratio {loop / full:.2f}   (every reason, en + ar messages)"
    )
    print(f"all three agree on the status:         {agree:>10,} of {n:,}")


if __name__ == "__main__":
    main()
