"""Operations files: shoppers (CSV or JSON), targets (CSV or JSON), the directory, and the
schedule an assignment run writes (``schedule.csv``, ``unmet.json``, ``summary.json``),
read back as the visits already booked when the next period is assigned.

Assignment uses its inputs whole: the first bad record raises an :class:`InputError` naming
the file and the row (CSV) or JSON path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from shopperkit.assignment.model import Shopper, Target, Visit
from shopperkit.assignment.scheduler import Schedule
from shopperkit.errors import InputError
from shopperkit.hookspecs import ProgrammeSource
from shopperkit.io.convert import from_data, to_data
from shopperkit.io.documents import read_document
from shopperkit.io.files import (
    atomic_write,
    csv_rows,
    csv_text,
    dumps,
    output_set,
    read_json,
    split_list,
)
from shopperkit.io.schemas import check
from shopperkit.model.services import Directory
from shopperkit.problems import FieldProblem

T = TypeVar("T")

SHOPPER_COLUMNS = ("id", "languages")
TARGET_COLUMNS = ("centre", "service", "week")


MAX_COUNT = 1_000_000
"""Largest count (visits, weeks, capacity) an operations file may give."""


def _positive(row: dict[str, str], column: str, default: int | None, where: str) -> int:
    text = row.get(column, "")
    if not text and default is not None:
        return default
    if (
        not (text.isascii() and text.isdigit() and len(text) <= 7)
        or not 1 <= int(text) <= MAX_COUNT
    ):
        allowed = f"1 to {MAX_COUNT}"
        problem = FieldProblem.of("value_not_allowed", column, value=text, allowed=allowed)
        raise InputError("schema_violation", {"reason": problem.message}, where=where)
    return int(text)


def _shopper_row(row: dict[str, str], where: str) -> Shopper:
    if not row["id"]:
        raise InputError("value_missing", where=f"{where}: id")
    return Shopper(
        id=row["id"],
        languages=split_list(row["languages"]),
        employer=row.get("employer") or None,
        city=row.get("city") or None,
    )


def _target_row(row: dict[str, str], where: str) -> Target:
    for column in ("centre", "service"):
        if not row[column]:
            raise InputError("value_missing", where=f"{where}: {column}")
    return Target(
        centre=row["centre"],
        service=row["service"],
        week=_positive(row, "week", None, f"{where}: week"),
        visits=_positive(row, "visits", 1, f"{where}: visits"),
        channel=row.get("channel") or "visit",
        journey=split_list(row.get("journey", "")),
    )


def _read(
    path: Path,
    schema: str,
    cls: type[T],
    columns: tuple[str, ...],
    from_row: Callable[[dict[str, str], str], T],
) -> list[T]:
    if path.suffix.lower() == ".csv":
        _, rows = csv_rows(path, columns)
        records = []
        for line, row in rows:
            record = from_row(row, f"{path}:{line}")
            check(schema, [to_data(record)], where=f"{path}:{line}")
            records.append(record)
        return records
    if path.suffix.lower() != ".json":
        raise InputError("unknown_file_format", where=str(path))
    data: Any = read_json(path, schema)
    return from_data(list[cls], data, where=str(path))  # type: ignore[valid-type]


def read_shoppers(path: Path | str) -> list[Shopper]:
    """Shoppers from CSV (``id,languages[,employer,city]``, languages split by ``;``) or JSON."""
    path = Path(path)
    shoppers = _read(path, "shoppers", Shopper, SHOPPER_COLUMNS, _shopper_row)
    _unique([shopper.id for shopper in shoppers], str(path))
    return shoppers


def read_targets(path: Path | str) -> list[Target]:
    """Targets from CSV (``centre,service,week[,visits,channel,journey]``) or JSON."""
    path = Path(path)
    return _read(path, "targets", Target, TARGET_COLUMNS, _target_row)


def read_directory(source: Path | str | ProgrammeSource) -> Directory:
    """The directory of entities, services and centres (``directory.schema.json``), from a
    path or a file shipped in a plugin package."""
    if isinstance(source, str):
        source = Path(source)
    where = str(source)
    data = read_document(source)
    check("directory", data, where=where)
    directory = from_data(Directory, data, where=where)
    _unique([entity.id for entity in directory.entities], f"{where}: $.entities")
    _unique([service.id for service in directory.services], f"{where}: $.services")
    _unique([centre.id for centre in directory.centres], f"{where}: $.centres")
    return directory


def _unique(ids: Sequence[str], where: str) -> None:
    first: dict[str, int] = {}
    for index, item in enumerate(ids):
        if item in first:
            raise InputError(
                "duplicate_id", {"id": item, "first": f"item {first[item] + 1}"}, where=where
            )
        first[item] = index


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


def _visit_row(row: dict[str, str], where: str) -> Visit:
    plain = {column: row.get(column, "") for column in SCHEDULE_COLUMNS}
    check("schedule-row", plain, where=where)
    return Visit(
        shopper=plain["shopper"],
        day=date.fromisoformat(plain["day"]),
        week=int(plain["week"]),
        centre=plain["centre"],
        service=plain["service"],
        channel=plain["channel"],
        journey=split_list(plain["journey"]),
        target=int(plain["target"]),
    )


def read_visits(path: Path | str) -> list[Visit]:
    """The visits of a ``schedule.csv`` written by ``assign`` (``schedule-row.schema.json``;
    other columns are ignored), to pass as ``booked`` when assigning a later period. The
    first bad row raises an :class:`InputError` naming the file and line."""
    path = Path(path)
    _, rows = csv_rows(path, SCHEDULE_COLUMNS)
    return [_visit_row(row, f"{path}:{line}") for line, row in rows]


def schedule_files(schedule: Schedule) -> dict[str, str]:
    """File name -> text, the same bytes for the same schedule."""
    return {
        "schedule.csv": csv_text(SCHEDULE_COLUMNS, map(schedule_row, schedule.visits)),
        "unmet.json": dumps(to_data(list(schedule.unmet))),
        "summary.json": dumps(schedule.summary),
    }


def write_schedule(folder: Path, schedule: Schedule) -> None:
    """Write the three files into ``folder``, replaced together."""
    with output_set():
        for name, text in schedule_files(schedule).items():
            atomic_write(folder / name, text)
