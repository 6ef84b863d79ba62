"""The Qatar cohort draw with and without its per-dimension diversity quotas, one run.

The demo's pool (generated applicants screened and interviewed, as ``shopperkit demo``
does) is drawn by leximin twice in the same run: with the programme as shipped, and with
``dimension_max_share`` and ``dimension_min_seats`` left out (the single ``value_max_share``
cap). It prints the seconds of each draw, the ratio, and how many values of each dimension
the drawn cohort holds. Run with ``make bench`` or::

    .venv/bin/python benchmarks/diversity.py [--size 3000] [--seed 2022]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from pathlib import Path

from attrs import evolve

from shopperkit.cli import main as shopperkit
from shopperkit.io.draws import write_draw
from shopperkit.io.files import csv_rows
from shopperkit.io.pool import read_pool
from shopperkit.model.programme import Programme
from shopperkit.plugins import Plugins
from shopperkit.registry import Registry
from shopperkit.selection import draw as draw_cohort

DIMENSIONS = ("nationality", "age_group", "profession")


def draw(programme: Programme, pool: Path, out: Path) -> tuple[float, dict[str, int]]:
    """Seconds of one leximin draw (quotas, lottery, draw) and values held per dimension."""
    start = time.perf_counter()
    pool_file = read_pool(pool)
    drawn = draw_cohort(pool_file.pool, programme, None, "benchmark", source=pool_file.text)
    write_draw(out, drawn)
    seconds = time.perf_counter() - start
    _, cohort = csv_rows(out / "cohort.csv", ("id",))
    chosen = {row["id"] for _, row in cohort}
    candidates = pool_file.pool.candidates
    held = {d: len(Counter(c.values[d] for c in candidates if c.id in chosen)) for d in DIMENSIONS}
    return seconds, held


def main(argv: list[str] | None = None) -> int:
    """Print seconds, ratio and spread of both draws."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=3000, help="applicants to generate")
    parser.add_argument("--seed", type=int, default=2022, help="seed of the applicants")
    args = parser.parse_args(argv)
    shipped = Registry(Plugins()).programme("qatar-cgb")
    kept = {
        name: parameter
        for name, parameter in shipped.parameters.items()
        if name not in ("dimension_max_share", "dimension_min_seats")
    }
    single = evolve(shipped, parameters=kept)
    with tempfile.TemporaryDirectory() as folder:
        demo = Path(folder) / "demo"
        recruit = ["demo", "--size", str(args.size), "--seed", str(args.seed)]
        code = shopperkit([*recruit, "--evaluations", "1", "--out", str(demo)])
        if code != 0:
            return code
        before, spread_before = draw(single, demo / "pool.csv", Path(folder) / "single")
        after, spread_after = draw(shipped, demo / "pool.csv", Path(folder) / "shipped")
    print("quotas | seconds | values held (nationality, age_group, profession)")
    print(f"value_max_share only | {before:.2f} | {spread_before}")
    print(f"per dimension | {after:.2f} | {spread_after}")
    print(f"ratio per-dimension / single cap: {after / before:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
