"""The store next to the JSON Lines files it replaces, in the same run.

Three jobs, on SQLite and (with ``--postgres URL``, or a server this script starts when
Debian's PostgreSQL is installed) on PostgreSQL:

* appending lifecycle events: all at once, and in batches of 100 as officers record them;
  the JSON Lines path reads the log, checks the new events and rewrites the log each time;
* one person's history in a log of ``--history`` events (the median of 200 lookups); the
  JSON Lines path reads the whole log;
* importing a file of ``--evaluations`` evaluations; the baseline reads and parses the
  same file.

Run with::

    .venv/bin/python benchmarks/store.py [--events 100000] [--history 1000000]
        [--evaluations 1000000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from pathlib import Path

from sqlalchemy import insert

from shopperkit.io.events import events_text, read_events, write_events
from shopperkit.io.files import binary_lines, open_bytes, parse_json
from shopperkit.io.records import document_records
from shopperkit.lifecycle import Event, Lifecycle
from shopperkit.registry import Registry
from shopperkit.store import Database, Store
from shopperkit.store.database import now
from shopperkit.store.tables import EventRow

KINDS = ("applied", "screened", "interviewed", "waitlisted")


def events(count: int, prefix: str = "P") -> list[Event]:
    """``count`` events, four for each of ``count / 4`` people."""
    start = date(2022, 6, 1)
    return [
        Event(
            f"{prefix}{n // 4}-{n % 4}", f"{prefix}{n // 4}", KINDS[n % 4], start + timedelta(n % 4)
        )
        for n in range(count)
    ]


def seconds(job: Callable[[], object]) -> float:
    """How long ``job`` takes."""
    started = time.perf_counter()
    job()
    return time.perf_counter() - started


def fresh(url: str) -> Store:
    """An empty store at ``url``, at the current schema."""
    Database(url).upgrade()
    return Store(url)


def append_file(lifecycle: Lifecycle, log: Path, batch: list[Event]) -> None:
    """The JSON Lines path: read the log, check the batch against it, rewrite it."""
    old = read_events(log) if log.exists() else []
    ledger = lifecycle.ledger(old)
    for event in batch:
        ledger.record(event)
    write_events(log, [*old, *ledger.added])


def _append_all(append: Callable[[list[Event]], object], batches: list[list[Event]]) -> float:
    started = time.perf_counter()
    for batch in batches:
        append(batch)
    return time.perf_counter() - started


def appending(name: str, url: str | None, folder: Path, lifecycle: Lifecycle, count: int) -> None:
    """Print the rates of appending ``count`` events at once and in batches of 100."""
    new = events(count)
    for label, size in (("at once", count), ("batches of 100", 100)):
        batches = [new[i : i + size] for i in range(0, count, size)]
        if url is None:
            log = folder / f"log-{size}.jsonl"
            log.unlink(missing_ok=True)
            if size < count:
                batches = batches[: max(1, 2_000 // size)]  # quadratic: a sample is enough
            took = _append_all(partial(append_file, lifecycle, log), batches)
        else:
            _reset(url)
            store = fresh(url)
            took = _append_all(partial(store.record_events, lifecycle), batches)
            store.close()
        done = sum(len(b) for b in batches)
        rate = f"{done / took:>9,.0f}/s"
        print(f"  append {label:<15} {name:<10} {done:>8} events {took:>7.2f} s {rate}")


def bulk_log(url: str, count: int) -> None:
    """Fill an empty store with ``count`` events quickly (the setting, not the measure)."""
    store = fresh(url)
    stamp = now()
    with store.database.writing() as session:
        chunk: list[dict[str, object]] = []
        for event in events(count):
            chunk.append(
                {
                    "id": event.id,
                    "person": event.person,
                    "kind": event.kind,
                    "at": event.at,
                    "data": "{}",
                    "recorded_by": "bench",
                    "recorded_at": stamp,
                }
            )
            if len(chunk) == 50_000:
                session.execute(insert(EventRow), chunk)
                chunk.clear()
        if chunk:
            session.execute(insert(EventRow), chunk)
    store.close()


def history(name: str, url: str | None, log: Path, count: int) -> None:
    """Print the median time of one person's history in a log of ``count`` events."""
    people = [f"P{n}" for n in range(0, count // 4, max(1, count // 800))][:200]
    if url is None:

        def lookup(person: str) -> object:
            return [e for e in read_events(log) if e.person == person]

        people = people[:1]
    else:
        bulk_log(url, count)
        store = Store(url)
        lookup = store.history
    times = [seconds(partial(lookup, person)) for person in people]
    median = statistics.median(times) * 1000
    print(f"  history of one person {name:<10} in {count:>9,} events: {median:>9.2f} ms")


def importing(name: str, url: str | None, path: Path) -> None:
    """Print the rate of importing the evaluations file at ``path``."""
    lines = sum(1 for _ in binary_lines(path))
    if url is None:
        took = seconds(lambda: [parse_json(line) for _, line in binary_lines(path)])
    else:
        store = fresh(url)
        took = seconds(
            lambda: store.import_document(
                path.name, "evaluations", open_bytes(path), document_records(path)
            )
        )
        store.close()
    rate = f"{lines / took:>9,.0f}/s"
    print(f"  import evaluations {name:<10} {lines:>9,} records {took:>7.2f} s {rate}")


def postgres(url: str | None) -> contextlib.AbstractContextManager[str | None]:
    """``url``, or a throwaway server when Debian's PostgreSQL is installed, or None."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.postgres import given_or_started

    return given_or_started(url)


def main() -> None:
    """Run the three jobs and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--history", type=int, default=1_000_000)
    parser.add_argument("--evaluations", type=int, default=1_000_000)
    parser.add_argument("--postgres", help="a PostgreSQL server URL to measure too")
    options = parser.parse_args()
    registry = Registry()
    lifecycle = Lifecycle(registry.programme("qatar-cgb"), registry.plugins)
    with tempfile.TemporaryDirectory() as name, postgres(options.postgres) as server:
        folder = Path(name)
        backends: list[tuple[str, str | None]] = [
            ("jsonl", None),
            ("sqlite", f"sqlite:///{folder / 'bench.db'}"),
        ]
        if server:
            backends.append(("postgresql", server))
        for size in (options.events // 2, options.events):
            print(f"appending {size:,} events")
            for backend, url in backends:
                appending(backend, url, folder, lifecycle, size)
                _reset(url)
        log = folder / "history.jsonl"
        log.write_text(events_text(events(options.history)), encoding="utf-8")
        print(f"history at {options.history:,} events")
        for backend, url in backends:
            history(backend, url, log, options.history)
            _reset(url)
        evaluations = folder / "evaluations.jsonl"
        _evaluations_file(evaluations, options.evaluations)
        print(f"importing {options.evaluations:,} evaluations")
        for backend, url in backends:
            importing(backend, url, evaluations)
            _reset(url)


def _reset(url: str | None) -> None:
    """Empty the store at ``url`` for the next job."""
    if url is None:
        return
    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def _evaluations_file(path: Path, count: int) -> None:
    """``count`` evaluations of the example form (a few thousand generated, repeated with
    new ids)."""
    import json

    from shopperkit.forms import load_form
    from shopperkit.synthetic import evaluations

    form = load_form(Path(__file__).resolve().parent.parent / "examples/forms/example-visit.yaml")
    sample = [json.dumps(r, ensure_ascii=False) for r in evaluations(form, 5000, seed=1)]
    with path.open("w", encoding="utf-8") as stream:
        for n in range(count):
            line = sample[n % len(sample)]
            stream.write(line.replace('"id": "e-', f'"id": "x{n}-e-', 1) + "\n")


if __name__ == "__main__":
    main()
