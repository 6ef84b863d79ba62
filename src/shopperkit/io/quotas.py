"""Quota files: a CSV ``feature,value,min,max[,min_flex,max_flex]``."""

from __future__ import annotations

from pathlib import Path

from shopperkit.errors import InputError
from shopperkit.io.files import csv_rows
from shopperkit.problems import FieldProblem
from shopperkit.selection.quotas import (
    FLEX_COLUMNS,
    QUOTA_COLUMNS,
    Quota,
    QuotaSet,
    bound_seats,
)


def read_quotas(path: Path, seats: int) -> QuotaSet:
    """Quotas from a CSV ``feature,value,min,max[,min_flex,max_flex]``.

    ``min`` and ``max`` are seat counts or shares (``50%`` or ``0.5``) turned into seats by
    :func:`min_seats` and :func:`max_seats`. Every bad row is reported with row and column.
    """
    if seats < 1:
        raise InputError("seats_invalid", {"value": seats})
    header, rows = csv_rows(path, QUOTA_COLUMNS)
    quotas: list[Quota] = []
    seen: dict[str, int] = {}
    problems: list[str] = []
    for line, row in rows:
        found: list[FieldProblem] = []
        bounds: dict[str, int | None] = {}
        for column in QUOTA_COLUMNS:
            if not row.get(column):
                found.append(FieldProblem.of("value_missing", column))
        for column in ("min", "max", *FLEX_COLUMNS):
            text = row.get(column, "")
            if not text:
                bounds[column] = None
                continue
            bounds[column] = bound_seats(text, seats, column.startswith("min"))
            if bounds[column] is None:
                found.append(FieldProblem.of("quota_value_invalid", column, value=text))
        low, high = bounds.get("min"), bounds.get("max")
        if low is not None and high is not None and low > high:
            found.append(FieldProblem.of("quota_min_above_max", "min", min=low, max=high))
        key = f"{row.get('feature')}={row.get('value')}"
        if key in seen:
            found.append(
                FieldProblem.of(
                    "quota_duplicate",
                    "value",
                    feature=row.get("feature"),
                    value=row.get("value"),
                    first=f"row {seen[key]}",
                )
            )
        seen.setdefault(key, line)
        if found or low is None or high is None:
            problems.extend(f"{path}:{line}: {p.where}: {p.message}" for p in found)
            continue
        quotas.append(
            Quota(row["feature"], row["value"], low, high, bounds["min_flex"], bounds["max_flex"])
        )
    if problems:
        raise InputError("schema_violation", {"reason": "; ".join(problems)}, where=str(path))
    if not quotas:
        raise InputError("quotas_empty", where=str(path))
    del header
    return QuotaSet(seats, tuple(quotas))


__all__ = ["read_quotas"]
