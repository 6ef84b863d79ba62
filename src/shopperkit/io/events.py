"""The lifecycle event log: one JSON event per line (``event.schema.json``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from shopperkit.errors import InputError
from shopperkit.io.convert import from_data, to_data
from shopperkit.io.files import atomic_write, json_line, json_records
from shopperkit.io.schemas import check
from shopperkit.lifecycle.events import Event, check_event


def read_events(path: Path | str) -> list[Event]:
    """Every event of a JSONL file, in order.

    A malformed line, an event that breaks the schema or a repeated id raises
    :class:`InputError` naming the file and line: a log is used whole or not at all.
    """
    path = Path(path)
    events: list[Event] = []
    seen: dict[str, int] = {}
    for where, number, data in json_records(path):
        event = _plain_event(data)
        if event is None:
            check("event", data, where=where)
            event = from_data(Event, data, where=where)
        else:
            try:
                check_event(event)
            except InputError:
                check("event", data, where=where)  # says where in the file
                raise
        if event.id in seen:
            raise InputError(
                "duplicate_id", {"id": event.id, "first": f"line {seen[event.id]}"}, where=where
            )
        seen[event.id] = number
        events.append(event)
    return events


_FIELDS = frozenset({"id", "person", "kind", "at", "data"})
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _plain_event(data: Any) -> Event | None:
    """The event a JSON object plainly is (text ids and kind, a ``YYYY-MM-DD`` date, an
    object of data), for :func:`~shopperkit.lifecycle.events.check_event`; None for any
    other, which the schema then explains."""
    if type(data) is not dict or not data.keys() <= _FIELDS:
        return None
    id_, person, kind, at = data.get("id"), data.get("person"), data.get("kind"), data.get("at")
    extra = data.get("data", {})
    if not (type(id_) is str and type(person) is str and type(kind) is str):
        return None
    if type(at) is not str or not _DATE.fullmatch(at) or type(extra) is not dict:
        return None
    try:
        day = date.fromisoformat(at)
    except ValueError:
        return None
    return Event(id_, person, kind, day, extra)


def event_data(event: Event) -> dict[str, Any]:
    """An event as JSON data: keys in model order, ``data`` left out when empty."""
    data: dict[str, Any] = to_data(event)
    if not data.get("data"):
        data.pop("data", None)
    return data


def events_text(events: Iterable[Event]) -> str:
    """Events as JSONL, one compact line each (:func:`event_data`)."""
    return b"".join(json_line(event_data(event)) for event in events).decode("utf-8")


def write_events(path: Path, events: Iterable[Event]) -> None:
    """Write a whole log atomically."""
    atomic_write(path, events_text(events))
