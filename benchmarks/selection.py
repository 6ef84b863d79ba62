"""Cohort selection: shopperkit against ``sortition-algorithms`` on the same instances, one run.

Instances are the shared synthetic Mystery-Shopper pools (``../shared/benchmarks/gen_pool.py``:
500, 2,000 and 10,000 candidates, 50 seats, quotas on citizenship, nationality, age band,
profession and gender). For each method it prints seconds per selection, the minimum and
median selection probability of each engine, and the ratio of the peer's seconds to ours.
shopperkit's files are scored by the shared ``score.py`` (every panel of the distribution and
the drawn panel checked against the quotas, fairness figures from the distribution); the
peer's probabilities go through the same ``harness_common.fairness_stats``.

The peer runs in a child process with a time limit (``--peer-timeout``); its ``legacy`` is
estimated from ``--draws`` repeated draws. For ``legacy`` both columns give the seconds of
one greedy draw (shopperkit's legacy lottery is made of 1,000 of them). Run by ``make bench``.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SHOPPERKIT_SHARED_BENCHMARKS", ROOT.parent / "shared/benchmarks"))
SIZES = (500, 2000, 10000)
METHODS = ("leximin", "maximin", "nash", "legacy")
SEATS = 50


def instance(size: int, folder: Path) -> Path:
    """Generate (once) the shared instance of ``size`` candidates."""
    out = folder / f"synth_{size}"
    if not (out / "instance.json").exists():
        subprocess.run(
            [sys.executable, str(SHARED / "gen_pool.py"), "--size", str(size), "--out", str(out)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return out


def ours(path: Path, method: str, out: Path) -> dict[str, Any]:
    """Time one ``shopperkit select`` (library call, the same work as the command), then
    score its files with the shared ``score.py``.

    As on the peer's side, imports are done before the clock starts: the solver and the
    compiled move search are imported lazily by the draw, so they are imported here first.
    ``score.py`` checks every panel of the distribution and the drawn panel against the
    quotas; it writes its own ``result.json``, so it scores a copy of the three files.
    """
    import highspy  # noqa: F401

    import shopperkit.selection.moves  # noqa: F401
    from shopperkit.io.draws import write_draw
    from shopperkit.io.pool import read_pool
    from shopperkit.io.quotas import read_quotas
    from shopperkit.selection import draw
    from shopperkit.selection.lottery import LEGACY_DRAWS

    start = time.perf_counter()
    quotas = read_quotas(path / "quotas.csv", SEATS)
    pool = read_pool(path / "pool.csv")
    write_draw(out, draw(pool.pool, quotas, None, "benchmark", method, source=pool.text))
    seconds = time.perf_counter() - start
    if method == "legacy":
        # shopperkit's legacy lottery is LEGACY_DRAWS greedy draws: time one of them.
        seconds /= LEGACY_DRAWS
    scored = out.with_name(f"{out.name}_scored")
    scored.mkdir(exist_ok=True)
    # score.py reads the drawn cohort as panel.csv.
    shutil.copyfile(out / "cohort.csv", scored / "panel.csv")
    for name in ("probabilities.csv", "distribution.csv"):
        shutil.copyfile(out / name, scored / name)
    subprocess.run(
        [
            sys.executable,
            str(SHARED / "score.py"),
            *("--instance", str(path), "--run-dir", str(scored)),
            *("--engine", "shopperkit", "--algorithm", method, "--wall-s", f"{seconds:.3f}"),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    result: dict[str, Any] = json.loads((scored / "result.json").read_text(encoding="utf-8"))
    valid = result["distribution_invalid_panels"] == 0 and result["panel_check"]["ok"]
    audit = json.loads((out / "result.json").read_text(encoding="utf-8"))["audit"]
    with (out / "probabilities.csv").open(encoding="utf-8") as rows:
        probabilities = {row["id"]: float(row["probability"]) for row in csv.DictReader(rows)}
    return {
        "seconds": seconds,
        "stats": result["stats"],
        "valid": valid,
        "logs": log_sum(probabilities),
        "gap": audit.get("nash_gap"),
    }


def log_sum(probabilities: dict[str, float]) -> float:
    """nash's measure: the sum over people who can be drawn of log(probability)."""
    return sum(math.log(p) for p in probabilities.values() if p > 0)


def peer(path: Path, method: str, timeout: float, draws: int) -> dict[str, Any] | None:
    """The peer's run in a child process; None when it fails or runs out of time."""
    with tempfile.TemporaryDirectory() as folder:
        result = Path(folder) / "peer.json"
        command = [
            sys.executable,
            str(Path(__file__).with_name("sortition_peer.py")),
            "--instance",
            str(path),
            "--seats",
            str(SEATS),
            "--method",
            method,
            "--draws",
            str(draws),
            "--out",
            str(result),
        ]
        try:
            subprocess.run(
                command,
                check=True,
                timeout=timeout,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except (subprocess.TimeoutExpired, subprocess.CalledProcessError):
            return None
        data: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
        return data


def percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.4f}%"


def main(argv: list[str] | None = None) -> int:
    """Print the side-by-side table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--methods", nargs="*", default=list(METHODS), choices=METHODS)
    parser.add_argument("--peer-timeout", type=float, default=120.0)
    parser.add_argument("--draws", type=int, default=100, help="peer legacy draws")
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--instances", type=Path, help="where to keep generated instances")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(SHARED))
    import harness_common as hc

    header = (
        "pool",
        "method",
        "ours s",
        "peer s",
        "ratio",
        "ours min",
        "peer min",
        "ours median",
        "peer median",
        "ours valid",
    )
    print(" | ".join(header))
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.instances or Path(scratch)
        for size in args.sizes:
            path = instance(size, folder)
            for method in args.methods:
                mine = ours(path, method, Path(scratch) / f"run_{size}_{method}")
                theirs = None if args.no_peer else peer(path, method, args.peer_timeout, args.draws)
                a = mine["stats"]
                b = hc.fairness_stats(theirs["probabilities"], SEATS) if theirs else {}
                ratio = f"{theirs['seconds'] / mine['seconds']:.1f}x" if theirs else "-"
                peer_seconds = f"{theirs['seconds']:.2f}" if theirs else f"> {args.peer_timeout:g}"
                row = (
                    str(size),
                    method,
                    f"{mine['seconds']:.2f}",
                    "-" if args.no_peer else peer_seconds,
                    ratio,
                    percent(a["min"]),
                    percent(b.get("min")),
                    percent(a["p50"]),
                    percent(b.get("p50")),
                    str(mine["valid"]),
                )
                print(" | ".join(row), flush=True)
                if method == "nash":
                    theirs_logs = f"{log_sum(theirs['probabilities']):.10f}" if theirs else "-"
                    print(
                        f"    sum of log-probabilities: ours {mine['logs']:.10f} (proven gap "
                        f"{mine['gap']:.2g}), peer {theirs_logs}",
                        flush=True,
                    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
