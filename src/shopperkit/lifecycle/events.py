"""Lifecycle events: something that happened to one person on one day (``event.schema.json``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from attrs import frozen


@frozen
class Event:
    """Something that happened to one person on one day; ``data`` depends on the ``kind``."""

    id: str
    person: str
    kind: str
    at: date
    data: Mapping[str, Any] = {}
