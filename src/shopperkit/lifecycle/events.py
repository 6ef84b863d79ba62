"""Lifecycle events: something that happened to one person on one day (``event.schema.json``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import Any

from attrs import frozen

from shopperkit.io.convert import to_data
from shopperkit.io.schemas import check, load_schema


@frozen
class Event:
    """Something that happened to one person on one day; ``data`` depends on the ``kind``."""

    id: str
    person: str
    kind: str
    at: date
    data: Mapping[str, Any] = {}


@cache
def _plain_shape() -> tuple[frozenset[str], frozenset[str], int, int]:
    """From ``event.schema.json``: the kinds whose ``data`` the schema leaves open, the kinds
    whose ``data`` may be empty, and the bounds of an id's length."""
    schema = load_schema("event")
    ids = load_schema("common")["$defs"]["id"]
    kinds = frozenset(schema["properties"]["kind"]["enum"])
    shaped = {rule["if"]["properties"]["kind"]["const"]: rule["then"] for rule in schema["allOf"]}
    empty = kinds - {kind for kind, rules in shaped.items() if "required" in rules}
    return kinds - shaped.keys(), empty, ids["minLength"], ids["maxLength"]


def check_event(event: Event) -> None:
    """Raise :class:`~shopperkit.errors.InputError` ``schema_violation`` naming the event and
    the JSON path unless ``event`` is a valid event (``event.schema.json``).

    An event with ids of a valid length whose ``data`` the schema leaves open (or that has
    none, where none is allowed) is accepted at once: the common case, many times faster.
    Any other goes through the schema, which explains what is wrong.
    """
    open_data, empty_data, shortest, longest = _plain_shape()
    if (
        type(event.id) is str
        and type(event.person) is str
        and shortest <= len(event.id) <= longest
        and shortest <= len(event.person) <= longest
        and type(event.at) is date
        and isinstance(event.data, Mapping)
        and (event.kind in open_data or (not event.data and event.kind in empty_data))
    ):
        return
    check("event", to_data(event), where=f"event {event.id}")
