"""Run the ``sortition-algorithms`` package (a benchmark peer only) on one instance directory.

Run by ``benchmarks/selection.py`` in a child process, so a slow peer can be stopped; it
calls only the package's public functions and writes seconds (wall clock and CPU time) and
per-person probabilities as JSON. Without Gurobi, the package's leximin computes maximin
(it says so itself).
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sortition_algorithms import Settings, find_random_sample, read_in_features, read_in_people
from sortition_algorithms.committee_generation.maximin import find_distribution_maximin
from sortition_algorithms.committee_generation.nash import find_distribution_nash


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as stream:
        reader = csv.DictReader(stream)
        return list(reader.fieldnames or []), list(reader)


def run(instance: Path, seats: int, method: str, draws: int) -> dict[str, Any]:
    """Seconds per selection and each person's selection probability."""
    quota_head, quota_rows = _rows(instance / "quotas.csv")
    features, _, _ = read_in_features(quota_head, quota_rows, seats)
    pool_head, pool_rows = _rows(instance / "pool.csv")
    settings = Settings(id_column="id", columns_to_keep=[], selection_algorithm=method)
    people, _ = read_in_people(pool_head, pool_rows, features, settings)
    ids = [row["id"] for row in pool_rows]
    start = time.perf_counter()
    cpu = time.process_time()
    if method == "legacy":
        counts: Counter[str] = Counter()
        for _ in range(draws):
            [panel], _ = find_random_sample(
                features, people, seats, [], selection_algorithm="legacy", max_attempts=100
            )
            counts.update(panel)
        seconds = (time.perf_counter() - start) / draws
        cpu = (time.process_time() - cpu) / draws
        probabilities = {person: counts[person] / draws for person in ids}
    else:
        # The package's leximin needs Gurobi and otherwise runs maximin; time what it runs.
        find = find_distribution_nash if method == "nash" else find_distribution_maximin
        panels, weights, _ = find(features, people, seats, [])
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu
        probabilities = dict.fromkeys(ids, 0.0)
        for panel, weight in zip(panels, weights, strict=True):
            for person in panel:
                probabilities[person] += weight
    return {"seconds": seconds, "cpu": cpu, "probabilities": probabilities}


def main() -> int:
    """``--instance DIR --seats K --method M --draws R --out FILE``."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--instance", type=Path, required=True)
    parser.add_argument("--seats", type=int, required=True)
    parser.add_argument("--method", required=True)
    parser.add_argument("--draws", type=int, default=100)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    result = run(args.instance, args.seats, args.method, args.draws)
    args.out.write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
