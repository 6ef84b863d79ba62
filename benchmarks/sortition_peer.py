"""Run the ``sortition-algorithms`` package (benchmark peer only) on one instance directory.

Used by ``benchmarks/selection.py``; it only calls the package's public API.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

from sortition_algorithms import Settings, find_random_sample, read_in_features, read_in_people


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as stream:
        reader = csv.DictReader(stream)
        return list(reader.fieldnames or []), list(reader)


def run(instance: Path, seats: int, method: str) -> tuple[float, list[list[str]], list[float]]:
    """Seconds taken, the panels of the lottery and their probabilities."""
    quota_head, quota_rows = _rows(instance / "quotas.csv")
    features, _, _ = read_in_features(quota_head, quota_rows, seats)
    pool_head, pool_rows = _rows(instance / "pool.csv")
    settings = Settings(id_column="id", columns_to_keep=[], selection_algorithm=method)
    people, _ = read_in_people(pool_head, pool_rows, features, settings)
    start = time.perf_counter()
    lottery, _ = find_random_sample(
        features, people, seats, [], selection_algorithm=method, number_selections=1
    )
    seconds = time.perf_counter() - start
    del lottery
    return seconds, [], []
