"""Households apart: who shares a household, and the published ``households.csv``.

Two candidates share a household when they have the same non-blank value (surrounding spaces
ignored) in any of the household columns of the pool; with several columns, households are
the connected groups of that relation (a shares an address with b, b a family name with c:
all three are one household). A blank value means no household.

A draw publishes no household value: the household columns are left out of the published
pool (unless a quota counts them), and ``households.csv`` lists, for each candidate who shares a
household, an opaque household number (``id,household``; households numbered 1, 2... in the
order of their first member's id), so anyone can check that no panel seats two of one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from shopperkit.errors import InputError
from shopperkit.io.files import csv_rows, csv_text
from shopperkit.model.pool import Candidate, Pool

HOUSEHOLDS_FILE = "households.csv"
HOUSEHOLD_COLUMNS = ("id", "household")


def household_groups(pool: Pool, columns: Sequence[str]) -> dict[str, int]:
    """Each candidate who shares a household with another and their household's number.

    ``columns`` name pool columns (``household_column_unknown`` otherwise). Candidates
    without an id are left out (:func:`~shopperkit.selection.check_pool` refuses them).
    """
    missing = [column for column in columns if column not in pool.dimensions]
    if missing:
        raise InputError(
            "household_column_unknown", {"columns": missing, "known": list(pool.dimensions)}
        )
    parent: dict[str, str] = {}

    def root(person: str) -> str:
        while parent[person] != person:
            parent[person] = parent[parent[person]]
            person = parent[person]
        return person

    first: dict[tuple[int, str], str] = {}
    for candidate in pool.candidates:
        person = candidate.id
        if not person:
            continue
        parent.setdefault(person, person)
        for k, column in enumerate(columns):
            value = candidate.values.get(column, "").strip()
            if not value:
                continue
            other = first.setdefault((k, value), person)
            a, b = root(person), root(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    members: dict[str, list[str]] = {}
    for person in parent:
        members.setdefault(root(person), []).append(person)
    shared = sorted(sorted(group) for group in members.values() if len(group) > 1)
    return {person: number for number, group in enumerate(shared, start=1) for person in group}


def without_columns(pool: Pool, columns: Sequence[str]) -> Pool:
    """``pool`` without ``columns`` (the pool a draw publishes)."""
    kept = tuple(name for name in pool.dimensions if name not in columns)
    if len(kept) == len(pool.dimensions):
        return pool
    return Pool(
        kept,
        tuple(
            Candidate(c.id, {name: c.values[name] for name in kept if name in c.values})
            for c in pool.candidates
        ),
    )


def households_text(groups: Mapping[str, int]) -> str:
    """``households.csv``: ``id,household`` by id; empty when nobody shares a household."""
    if not groups:
        return ""
    return csv_text(
        HOUSEHOLD_COLUMNS,
        ({"id": person, "household": groups[person]} for person in sorted(groups)),
    )


def parse_households(text: str) -> dict[str, int]:
    """The household numbers of a ``households.csv`` text (empty text: none); a household
    that is not a positive whole number or an id listed twice is ``households_malformed``."""
    if not text:
        return {}
    _, rows = csv_rows(Path(HOUSEHOLDS_FILE), HOUSEHOLD_COLUMNS, text=text)
    found: dict[str, int] = {}
    for line, row in rows:
        number = row["household"]
        person = row["id"]
        if not (number.isascii() and number.isdigit() and len(number) <= 12) or int(number) < 1:
            raise InputError("households_malformed", where=f"{HOUSEHOLDS_FILE}:{line}")
        if not person or person in found:
            raise InputError("households_malformed", where=f"{HOUSEHOLDS_FILE}:{line}")
        found[person] = int(number)
    return found


def together(groups: Mapping[str, int], cohort: Sequence[str]) -> tuple[str, str] | None:
    """Two members of ``cohort`` who share a household (the first such pair), or None."""
    seen: dict[int, str] = {}
    for person in cohort:
        number = groups.get(person)
        if number is None:
            continue
        if number in seen:
            return seen[number], person
        seen[number] = person
    return None


__all__ = [
    "HOUSEHOLDS_FILE",
    "household_groups",
    "households_text",
    "parse_households",
    "together",
    "without_columns",
]
