"""The lifecycle event log: one JSON event per line (``event.schema.json``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from pathlib import Path

from shopperkit.errors import InputError
from shopperkit.io.convert import from_data, to_data
from shopperkit.io.files import atomic_write, json_line, read_jsonl
from shopperkit.lifecycle.events import Event


def read_events(path: Path | str) -> list[Event]:
    """Every event of a JSONL file, in order.

    A malformed line, an event that breaks the schema or a repeated id raises
    :class:`InputError` naming the file and line: a log is used whole or not at all.
    """
    path = Path(path)
    events: list[Event] = []
    seen: dict[str, int] = {}
    for where, number, data in read_jsonl(path, "event"):
        event = from_data(Event, data, where=where)
        if event.id in seen:
            raise InputError(
                "duplicate_id", {"id": event.id, "first": f"line {seen[event.id]}"}, where=where
            )
        seen[event.id] = number
        events.append(event)
    return events


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
