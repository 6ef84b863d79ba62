"""Quota files: a CSV ``feature,value,min,max[,min_flex,max_flex]``, or one of the other
layouts of the sortition community (:data:`LAYOUTS`)."""

from __future__ import annotations

from pathlib import Path

from shopperkit.errors import InputError
from shopperkit.io.files import csv_rows
from shopperkit.io.pool import fold
from shopperkit.problems import FieldProblem
from shopperkit.selection.quotas import (
    FLEX_COLUMNS,
    QUOTA_COLUMNS,
    Quota,
    QuotaSet,
    bound_seats,
)

LAYOUTS = ("feature,value,min,max", "category,name,min,max", "category,feature,min,max")
"""The quota headers read: shopperkit's and the Sortition Foundation's, the Strat-App's, and
that of the data published with the Nature 2021 paper on fair selection (where ``feature``
holds the value and ``category`` the feature). ``min_flex,max_flex`` may follow any of them;
header names are compared trimmed and whatever their case, other columns are ignored."""


def quota_columns(header: list[str], path: Path) -> dict[str, str]:
    """Each column shopperkit reads (``feature``, ``value``, ``min``, ``max`` and the flex
    columns present) and the header name that holds it. A header matching no layout raises
    ``quota_header_unknown``; one matching two ways raises ``quota_header_ambiguous``."""
    names: dict[str, str] = {}
    for name in header:
        key = fold(name.strip())
        if key in names:
            raise InputError(
                "quota_header_ambiguous", {"columns": [names[key], name]}, where=str(path)
            )
        names[key] = name
    feature = "category" if "category" in names else "feature"
    held = ("value", "name", "feature") if feature == "category" else ("value", "name")
    values = [name for name in names if name in held]
    if len(values) > 1:
        raise InputError(
            "quota_header_ambiguous", {"columns": [names[v] for v in values]}, where=str(path)
        )
    if feature not in names or not values or "min" not in names or "max" not in names:
        raise InputError(
            "quota_header_unknown", {"found": header, "layouts": list(LAYOUTS)}, where=str(path)
        )
    columns = {"feature": names[feature], "value": names[values[0]]}
    for column in ("min", "max", *FLEX_COLUMNS):
        if column in names:
            columns[column] = names[column]
    return columns


def read_quotas(path: Path, seats: int, *, ignore_case: bool = False) -> QuotaSet:
    """Quotas from a CSV ``feature,value,min,max[,min_flex,max_flex]`` or another of
    :data:`LAYOUTS`.

    ``min`` and ``max`` are seat counts or shares (``50%`` or ``0.5``) turned into seats by
    :func:`min_seats` and :func:`max_seats`. Every bad row is reported with row and column.
    With ``ignore_case``, features and values are compared whatever their case: a feature
    keeps the spelling of its first row, and two rows of one feature whose values differ
    only in case are refused as duplicates (``quota_duplicate``).
    """
    if seats < 1:
        raise InputError("seats_invalid", {"value": seats})
    try:
        header, found_rows = csv_rows(path, ())
    except InputError as error:
        if error.code != "csv_missing_columns":
            raise
        raise InputError(
            "quota_header_unknown", {"found": [], "layouts": list(LAYOUTS)}, where=str(path)
        ) from None
    columns = quota_columns(header, path)
    quotas: list[Quota] = []
    seen: dict[str, int] = {}
    spelt: dict[str, str] = {}
    problems: list[str] = []
    for line, source in found_rows:
        row = {column: source.get(name, "") for column, name in columns.items()}
        found: list[FieldProblem] = []
        bounds: dict[str, int | None] = {}
        for column in QUOTA_COLUMNS:
            if not row.get(column):
                found.append(FieldProblem.of("value_missing", columns[column]))
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
        feature, value = row["feature"], row["value"]
        if ignore_case:
            feature = spelt.setdefault(fold(feature), feature)
        key = f"{fold(feature)}={fold(value)}" if ignore_case else f"{feature}={value}"
        if key in seen:
            found.append(
                FieldProblem.of(
                    "quota_duplicate",
                    columns["value"],
                    feature=feature,
                    value=value,
                    first=f"row {seen[key]}",
                )
            )
        seen.setdefault(key, line)
        if found or low is None or high is None:
            problems.extend(f"{path}:{line}: {p.where}: {p.message}" for p in found)
            continue
        quotas.append(Quota(feature, value, low, high, bounds["min_flex"], bounds["max_flex"]))
    if problems:
        raise InputError("schema_violation", {"reason": "; ".join(problems)}, where=str(path))
    if not quotas:
        raise InputError("quotas_empty", where=str(path))
    return QuotaSet(seats, tuple(quotas))


__all__ = ["LAYOUTS", "quota_columns", "read_quotas"]
