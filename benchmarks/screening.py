"""Screening throughput, whole process: ``shopperkit screen`` next to Python's ``csv`` module.

Generates applicants to the Qatar-style programme as a CSV file, then in the same run times

* ``python -c 'csv.reader(...)'`` merely reading that file (the floor), and
* ``shopperkit screen --format jsonl -o FILE`` on it: start-up, reading, screening and
  writing every verdict, once in one process (``--jobs 1``) and once with one worker
  process per core (``--jobs N``, what a large file gets by default on an idle machine),

each as its own process, and prints applicants/s, the ratio to the floor and the peak
resident memory at every size asked for (memory should stay flat as the input grows). CPU
time counts the worker processes too; peak RSS is that of the largest process (the main
one: a worker holds a chunk or two). ``--library`` also times the screener in memory next to
a hand-written loop.
Run with ``make bench`` or::

    .venv/bin/python benchmarks/screening.py [--sizes 250000 1000000] [--seed 7] [--library]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import NamedTuple

from shopperkit.eligibility.screening import Screener
from shopperkit.io.applicants import write_applicants_csv
from shopperkit.model.people import Applicant
from shopperkit.model.programme import Programme
from shopperkit.plugins import Plugins
from shopperkit.registry import Registry
from shopperkit.synthetic import applicants

CORES = max(2, os.cpu_count() or 1)
CSV_READER = (
    "import csv, sys\nwith open(sys.argv[1], newline='') as f:\n    for _ in csv.reader(f): pass"
)


def write_applicants(path: Path, count: int, seed: int, programme: Programme) -> None:
    """``count`` generated applicants as the CSV that ``shopperkit screen`` reads."""
    write_applicants_csv(path, applicants(count, seed=seed, programme=programme))


class Run(NamedTuple):
    """One finished process: wall seconds, CPU seconds (user + system), peak RSS in MiB."""

    wall: float
    cpu: float
    rss: float


def run_process(command: Sequence[str], output: Path | None = None) -> Run:
    """Run ``command`` to its end and measure it alone (``wait4`` gives its own usage).

    ``output``, the file the command writes, is removed first: freeing an earlier run's
    gigabyte of verdicts is the file system's work, not the command's.
    """
    if output is not None:
        output.unlink(missing_ok=True)
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{errors.decode(errors='replace')}")
    # ru_maxrss is in KiB on Linux
    return Run(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def whole_process(size: int, seed: int, programme: Programme, folder: Path) -> dict[str, Run]:
    """Generate ``size`` applicants, then time the csv floor and ``shopperkit screen``,
    serial and by default."""
    source = folder / f"applicants-{size}.csv"
    output = folder / f"verdicts-{size}.jsonl"
    write_applicants(source, size, seed, programme)
    floor = run_process([sys.executable, "-c", CSV_READER, str(source)])
    command = [sys.executable, "-m", "shopperkit", "screen", "--programme", "qatar-cgb"]
    command += [str(source), "--format", "jsonl", "-o", str(output)]
    runs = {
        "shopperkit screen --jobs 1": run_process([*command, "--jobs", "1"], output),
        f"shopperkit screen --jobs {CORES}": run_process([*command, "--jobs", str(CORES)], output),
    }
    with output.open("rb") as stream:
        lines = sum(1 for _ in stream)
    if lines != size:
        sys.exit(f"expected {size:,} verdicts, found {lines:,}")
    megabytes = output.stat().st_size / 2**20
    print(f"applicants: {size:,}   ({megabytes:,.0f} MiB of JSON Lines written)")
    print(f"{'':36}{'wall':>16}{'CPU (user+sys)':>26}{'peak RSS':>14}")
    for name, run in (("python csv.reader, reading only", floor), *runs.items()):
        print(
            f"  {name:34}{size / run.wall:>10,.0f} /s{size / run.cpu:>20,.0f} /s"
            f"{run.rss:>10,.0f} MiB"
        )
    for name, run in runs.items():
        print(
            f"  {name}: {run.wall / floor.wall:.1f}x the csv floor's wall time, "
            f"{run.cpu / floor.cpu:.1f}x its CPU"
        )
    source.unlink()
    output.unlink()
    return runs


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


def in_memory(size: int, seed: int, programme: Programme, plugins: Plugins) -> None:
    """Time the screener on models already in memory next to a plain hand-written loop."""
    people = list(applicants(size, seed=seed, programme=programme))
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
    print(f"in memory, applicants screened:        {n:>10,}")
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


def main() -> None:
    """Whole-process runs at every size, then (with ``--library``) the in-memory comparison."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[250_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--library", action="store_true", help="also time the screener in memory")
    args = parser.parse_args()

    plugins = Plugins()
    programme = Registry(plugins).programme("qatar-cgb")
    runs = {}
    with tempfile.TemporaryDirectory(prefix="shopperkit-bench-") as folder:
        for size in args.sizes:
            runs[size] = whole_process(size, args.seed, programme, Path(folder))
    if len(runs) > 1:
        small, large = min(runs), max(runs)
        for name in runs[small]:
            grown = (runs[large][name].rss - runs[small][name].rss) * 2**20 / (large - small)
            print(
                f"{name}: peak RSS grows {grown:,.0f} bytes per applicant from {small:,} to "
                f"{large:,} (the ids kept to find duplicates)"
            )
    if args.library:
        in_memory(max(args.sizes), args.seed, programme, plugins)


if __name__ == "__main__":
    main()
