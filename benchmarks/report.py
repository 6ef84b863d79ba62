"""The report command, whole process, next to merely parsing the same scores.

Generates UAE visit evaluations (``shopperkit_uae.synthetic.generate_evaluations``), scores
them once with ``shopperkit score`` and keeps ``scores.jsonl`` in a temporary folder for the
next run. Then, in the same run on one core:

* the baseline: a process that parses every line of ``scores.jsonl`` with orjson;
* shopperkit: a process running ``shopperkit report --programme uae`` on the same file;
* shopperkit again on the file's first tenth, to show that memory does not grow with the
  scores (they are read once as a stream, never held).

Each prints its wall time, lines per second and peak memory (resident set size of the
process); the ratio is shopperkit's time over the baseline's. Run with::

    .venv/bin/python benchmarks/report.py [--lines 1000000] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

SECRET = "benchmark-pseudonym-secret"
PARSE = """
import sys, orjson
count = 0
with open(sys.argv[1], "rb") as lines:
    for line in lines:
        if line.strip():
            orjson.loads(line)
            count += 1
print(count)
"""


def scores_file(lines: int, seed: int) -> Path:
    """``scores.jsonl`` of ``lines`` scored UAE visit evaluations, made once and kept."""
    folder = Path(tempfile.gettempdir()) / f"shopperkit-bench-report-{lines}-{seed}"
    scores = folder / "scores" / "scores.jsonl"
    if scores.exists():
        return scores
    from shopperkit.registry import Registry
    from shopperkit_uae.synthetic import generate_evaluations

    folder.mkdir(parents=True, exist_ok=True)
    evaluations = folder / "evaluations.jsonl"
    form = Registry().form("uae-visit")
    print(f"generating {lines:,} evaluations in {folder}", file=sys.stderr)
    with evaluations.open("w", encoding="utf-8") as out:
        for record in generate_evaluations(form, lines, seed):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    command = [*_shopperkit(), "score", "--programme", "uae", str(evaluations)]
    subprocess.run([*command, "--out", str(scores.parent)], check=True)
    return scores


def _shopperkit() -> list[str]:
    return [sys.executable, "-m", "shopperkit"]


MEASURE = """
import resource, subprocess, sys, time
started = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
elapsed = time.perf_counter() - started
print(elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def timed(command: list[str]) -> tuple[float, int]:
    """Run ``command`` as a process of its own: its wall time in seconds and peak RSS in
    bytes (measured by a parent that waits for that process alone)."""
    environment = {**os.environ, "SHOPPERKIT_PSEUDONYM_SECRET": SECRET}
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *command],
        check=True,
        env=environment,
        capture_output=True,
        text=True,
    )
    elapsed, kilobytes = done.stdout.split()
    return float(elapsed), int(kilobytes) * 1024  # ru_maxrss is in kilobytes on Linux


def main() -> None:
    """Make (or reuse) the scores, then time the baseline and the report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    scores = scores_file(args.lines, args.seed)
    n = sum(1 for line in scores.open("rb") if line.strip())
    baseline, baseline_rss = timed([sys.executable, "-c", PARSE, str(scores)])
    with tempfile.TemporaryDirectory() as out:
        command = [*_shopperkit(), "report", "--programme", "uae", str(scores.parent)]
        ours, ours_rss = timed([*command, "--out", out])
        tenth = Path(out) / "tenth"
        tenth.mkdir()
        with scores.open("rb") as whole, (tenth / "scores.jsonl").open("wb") as part:
            for _, line in zip(range(n // 10), whole, strict=False):
                part.write(line)
        command = [*_shopperkit(), "report", "--programme", "uae", str(tenth)]
        small, small_rss = timed([*command, "--out", str(Path(out) / "small")])
    mib = 1024 * 1024
    print(f"{n:,} scored evaluations ({scores.stat().st_size / mib:,.0f} MiB)")
    print(
        f"orjson parse only:   {baseline:7.1f} s {n / baseline:>10,.0f} lines/s"
        f"   peak RSS {baseline_rss / mib:,.0f} MiB"
    )
    print(
        f"shopperkit report:   {ours:7.1f} s {n / ours:>10,.0f} lines/s"
        f"   peak RSS {ours_rss / mib:,.0f} MiB   ratio {ours / baseline:.1f}"
    )
    print(
        f"report on a tenth:   {small:7.1f} s {n // 10 / small:>10,.0f} lines/s"
        f"   peak RSS {small_rss / mib:,.0f} MiB"
        f"   memory x{ours_rss / small_rss:.2f} for 10x the scores"
    )


if __name__ == "__main__":
    main()
