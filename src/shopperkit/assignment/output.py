"""The files an assignment run writes: ``schedule.csv``, ``unmet.json``, ``summary.json``."""

from __future__ import annotations

from pathlib import Path

from shopperkit.assignment.model import Visit
from shopperkit.assignment.scheduler import Schedule
from shopperkit.io.convert import to_data
from shopperkit.io.files import atomic_write, csv_text, dumps

SCHEDULE_COLUMNS = ("shopper", "day", "week", "centre", "service", "channel", "journey", "target")


def schedule_row(visit: Visit) -> dict[str, str]:
    """One visit as a row of ``schedule.csv`` (``schedule-row.schema.json``)."""
    return {
        "shopper": visit.shopper,
        "day": visit.day.isoformat(),
        "week": str(visit.week),
        "centre": visit.centre,
        "service": visit.service,
        "channel": visit.channel,
        "journey": ";".join(visit.journey),
        "target": str(visit.target),
    }


def schedule_files(schedule: Schedule) -> dict[str, str]:
    """File name -> text, the same bytes for the same schedule."""
    return {
        "schedule.csv": csv_text(SCHEDULE_COLUMNS, map(schedule_row, schedule.visits)),
        "unmet.json": dumps(to_data(list(schedule.unmet))),
        "summary.json": dumps(schedule.summary),
    }


def write_schedule(folder: Path, schedule: Schedule) -> None:
    """Write the three files into ``folder``, each atomically."""
    for name, text in schedule_files(schedule).items():
        atomic_write(folder / name, text)
