"""Appending lifecycle events: a :class:`~shopperkit.lifecycle.Ledger` next to refolding the
whole log for each new event (the baseline), in the same run.

Each size appends that many events (applied, screened, interviewed, waitlisted for a quarter
as many people) to an empty log; the seconds of each way, the ratio between them and how the
ledger's time grows with the size are printed. Then ``shopperkit record`` appends the largest
batch to a log of the same length, in this process. Run with::

    .venv/bin/python benchmarks/lifecycle.py [--sizes 1000 2000 4000 40000] [--baseline 2000]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from shopperkit.cli import main
from shopperkit.io.events import write_events
from shopperkit.lifecycle import Event, Lifecycle
from shopperkit.registry import Registry

KINDS = ("applied", "screened", "interviewed", "waitlisted")


def events(count: int, prefix: str = "P") -> list[Event]:
    """``count`` events: four for each of ``count / 4`` people, days apart, person by person."""
    start = date(2022, 6, 1)
    made: list[Event] = []
    for n in range(count):
        person, step = divmod(n, len(KINDS))
        at = start + timedelta(days=step)
        made.append(Event(f"{prefix}{person}-{step}", f"{prefix}{person}", KINDS[step], at))
    return made


def refolding(lifecycle: Lifecycle, new: list[Event]) -> float:
    """Seconds to append ``new`` one by one, refolding the log for each (the baseline)."""
    started = time.perf_counter()
    log: list[Event] = []
    for event in new:
        log += lifecycle.record(log, event)
    return time.perf_counter() - started


def ledger(lifecycle: Lifecycle, new: list[Event]) -> float:
    """Seconds to append ``new`` through one ledger."""
    started = time.perf_counter()
    kept = lifecycle.ledger()
    for event in new:
        kept.record(event)
    assert len(kept.added) == len(new)
    return time.perf_counter() - started


def command(count: int) -> float:
    """Seconds ``shopperkit record`` takes to append ``count`` events to a log of ``count``."""
    with tempfile.TemporaryDirectory() as folder:
        log, new = Path(folder, "events.jsonl"), Path(folder, "new.jsonl")
        write_events(log, events(count, "old-"))
        write_events(new, events(count))
        started = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            code = main(["record", str(new), "--events", str(log), "--programme", "qatar-cgb"])
        seconds = time.perf_counter() - started
        assert code == 0
        assert sum(1 for _ in log.open(encoding="utf-8")) == 2 * count
    return seconds


def run(sizes: list[int], baseline: int) -> None:
    """Print the table."""
    lifecycle = Lifecycle(Registry().programme("qatar-cgb"), Registry().plugins)
    print(f"{'events':>8} {'ledger s':>9} {'per event µs':>13} {'refold s':>9} {'ratio':>7}")
    previous: tuple[int, float] | None = None
    for size in sizes:
        new = events(size)
        fast = ledger(lifecycle, new)
        slow = refolding(lifecycle, new) if size <= baseline else None
        line = f"{size:>8} {fast:>9.3f} {fast / size * 1e6:>13.1f}"
        line += f" {slow:>9.3f} {slow / fast:>6.0f}x" if slow is not None else f" {'-':>9} {'-':>7}"
        if previous is not None:
            line += f"   {size / previous[0]:.0f}x events: {fast / previous[1]:.1f}x time"
        print(line)
        previous = (size, fast)
    largest = max(sizes)
    print(f"shopperkit record: {largest} events onto a log of {largest}: {command(largest):.2f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 4000, 40000])
    parser.add_argument("--baseline", type=int, default=2000, help="largest size refolded")
    options = parser.parse_args()
    run(options.sizes, options.baseline)
