"""Cohort selection: shopperkit against ``sortition-algorithms`` on the same instances, one run.

Instances are the shared synthetic Mystery-Shopper pools (``../shared/benchmarks/gen_pool.py``:
500, 2,000 and 10,000 candidates, 50 seats, quotas on citizenship, nationality, age band,
profession and gender). For each method it prints seconds per selection (wall clock and CPU
time of the process, the fairer measure on a shared machine), the minimum and median
selection probability of each engine, and the ratios of the peer's seconds to ours.
shopperkit's files are scored by the shared ``score.py`` (every panel of the distribution and
the drawn panel checked against the quotas, fairness figures from the distribution); the
peer's probabilities go through the same ``harness_common.fairness_stats``.

The peer runs in a child process with a time limit (``--peer-timeout``); its ``legacy`` is
estimated from ``--draws`` repeated draws. For ``legacy`` both columns give the seconds of
one greedy draw (shopperkit's legacy lottery is made of 1,000 of them). Each lottery but
``legacy``'s is also rounded to ``--panels`` (1,000) uniform panels: the CPU seconds of the
lottery and of the rounding and the loss at the minimum are printed. Run by ``make bench``.

``--households SHARE`` puts that share of each pool into synthetic households of 2 to 4
people (a ``household`` column, seeded by the pool's size) and draws with them kept apart;
the peer is not run then, and ``ours valid`` also requires every panel of the distribution
to keep households apart.

``ours exact`` (leximin and maximin) says whether the lottery is the exact solution of the
final basis; ``False`` means its probabilities were rounded to multiples of ``1/10**9``.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
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


def with_households(pool: Any, share: float, seed: int) -> Any:
    """``pool`` with a ``household`` column: ``share`` of it in households of 2 to 4."""
    from shopperkit.model.pool import Candidate, Pool

    rng = random.Random(seed)
    ids = list(pool.ids)
    rng.shuffle(ids)
    wanted = round(share * len(ids))
    home: dict[str, str] = {}
    number = 0
    while len(home) + 2 <= wanted:
        number += 1
        size = min(rng.randint(2, 4), wanted - len(home))
        for person in ids[len(home) : len(home) + size]:
            home[person] = f"H{number}"
    return Pool(
        (*pool.dimensions, "household"),
        tuple(
            Candidate(c.id, {**c.values, "household": home.get(c.id, "")}) for c in pool.candidates
        ),
    )


def ours(
    path: Path, method: str, out: Path, panels: int = 0, households: float = 0.0
) -> dict[str, Any]:
    """Time one ``shopperkit select`` (library call, the same work as the command), then
    score its files with the shared ``score.py``.

    As on the peer's side, imports are done before the clock starts: the solver, the exact
    arithmetic (FLINT) and the compiled move search are imported lazily by the draw, so
    they are imported here first.
    ``score.py`` checks every panel of the distribution and the drawn panel against the
    quotas; it writes its own ``result.json``, so it scores a copy of the three files.

    With ``panels`` (M), the lottery is then rounded to M panels of chance 1/M
    (``select --panels M``); the CPU seconds of the lottery and of the rounding are kept, and
    the rounding's loss at the minimum.
    """
    import flint  # noqa: F401
    import highspy  # noqa: F401

    import shopperkit.selection.moves  # noqa: F401
    from shopperkit.io.draws import write_draw
    from shopperkit.io.pool import read_pool
    from shopperkit.io.quotas import read_quotas
    from shopperkit.selection import draw
    from shopperkit.selection.drawing import make_uniform
    from shopperkit.selection.households import together
    from shopperkit.selection.lottery import LEGACY_DRAWS

    if households:
        source = read_pool(path / "pool.csv").pool
        pool, text = with_households(source, households, len(source.candidates)), None
        columns: tuple[str, ...] = ("household",)
    start = time.perf_counter()
    cpu = time.process_time()
    quotas = read_quotas(path / "quotas.csv", SEATS)
    if not households:
        read = read_pool(path / "pool.csv")
        pool, text, columns = read.pool, read.text, ()
    drawn = draw(pool, quotas, None, "benchmark", method, source=text, households=columns)
    write_draw(out, drawn)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    apart = all(together(drawn.households, cohort) is None for _, cohort in drawn.lottery)
    if households:
        homes = max(drawn.households.values(), default=0)
        print(f"# {len(drawn.households)} of {len(pool.candidates)} in {homes} households")
    uniform: dict[str, Any] = {}
    if panels:
        rounding = time.process_time()
        rounded = make_uniform(drawn, panels)
        rounding = time.process_time() - rounding
        summary = json.loads(rounded.published.uniform_summary)
        uniform = {"cpu": cpu, "rounding": rounding, "loss": Fraction(summary["loss"])}
    if method == "legacy":
        # shopperkit's legacy lottery is LEGACY_DRAWS greedy draws: time one of them.
        seconds /= LEGACY_DRAWS
        cpu /= LEGACY_DRAWS
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
    valid = apart and result["distribution_invalid_panels"] == 0 and result["panel_check"]["ok"]
    audit = json.loads((out / "result.json").read_text(encoding="utf-8"))["audit"]
    with (out / "probabilities.csv").open(encoding="utf-8") as rows:
        probabilities = {row["id"]: float(row["probability"]) for row in csv.DictReader(rows)}
    return {
        "seconds": seconds,
        "cpu": cpu,
        "stats": result["stats"],
        "valid": valid,
        "exact": drawn.fairness.exact if drawn.fairness else None,
        "uniform": uniform,
        "logs": log_sum(probabilities),
        "gap": audit.get("nash_gap"),
    }


def log_sum(probabilities: dict[str, float]) -> float:
    """nash's measure: the sum over people who can be drawn of log(probability)."""
    return sum(math.log(p) for p in probabilities.values() if p > 0)


def peer(path: Path, method: str, timeout: float, draws: int) -> dict[str, Any] | None:
    """The peer's run in a child process; None when it runs out of time (a run that fails,
    for instance without the ``bench`` extra, stops the benchmark with its last error line)."""
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
                stderr=subprocess.PIPE,
            )
        except subprocess.TimeoutExpired:
            return None
        except subprocess.CalledProcessError as error:  # not installed, or it crashed
            last = (error.stderr or b"").decode("utf-8", "replace").strip().splitlines()[-1:]
            sys.exit(f"the peer failed: {' '.join(last) or error}")
        data: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
        return data


def uniform_columns(uniform: dict[str, Any]) -> tuple[str, str, str]:
    """The lottery's and the rounding's CPU seconds and the loss at the minimum (in
    percentage points), or dashes."""
    if not uniform:
        return ("-", "-", "-")
    return (
        f"{uniform['cpu']:.2f}",
        f"{uniform['rounding']:.2f}",
        percent(float(uniform["loss"])),
    )


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
    parser.add_argument(
        "--panels",
        type=int,
        default=1000,
        help="round each lottery to this many uniform panels (0: do not)",
    )
    parser.add_argument(
        "--households", type=float, default=0.0, help="share of the pool in households (0-1)"
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(SHARED))
    import harness_common as hc

    header = (
        "pool",
        "method",
        "ours s",
        "peer s",
        "ratio",
        "ours cpu s",
        "peer cpu s",
        "cpu ratio",
        "ours min",
        "peer min",
        "ours median",
        "peer median",
        "ours valid",
        "ours exact",
        "lottery cpu s",
        "uniform cpu s",
        "uniform loss",
    )
    print(" | ".join(header))
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.instances or Path(scratch)
        for size in args.sizes:
            path = instance(size, folder)
            for method in args.methods:
                panels = 0 if method == "legacy" else args.panels
                run = Path(scratch) / f"run_{size}_{method}"
                mine = ours(path, method, run, panels, args.households)
                skip = args.no_peer or args.households > 0
                theirs = None if skip else peer(path, method, args.peer_timeout, args.draws)
                a = mine["stats"]
                b = hc.fairness_stats(theirs["probabilities"], SEATS) if theirs else {}
                ratio = f"{theirs['seconds'] / mine['seconds']:.1f}x" if theirs else "-"
                peer_seconds = f"{theirs['seconds']:.2f}" if theirs else f"> {args.peer_timeout:g}"
                row = (
                    str(size),
                    method,
                    f"{mine['seconds']:.2f}",
                    "-" if skip else peer_seconds,
                    ratio,
                    f"{mine['cpu']:.2f}",
                    f"{theirs['cpu']:.2f}" if theirs else "-",
                    f"{theirs['cpu'] / mine['cpu']:.1f}x" if theirs else "-",
                    percent(a["min"]),
                    percent(b.get("min")),
                    percent(a["p50"]),
                    percent(b.get("p50")),
                    str(mine["valid"]),
                    "-" if mine["exact"] is None else str(mine["exact"]),
                    *uniform_columns(mine["uniform"]),
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
