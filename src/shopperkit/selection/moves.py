"""The one-seat-move climb, compiled to machine code by numba.

Compiled when this module is first imported and cached beside it, so later imports only load
the machine code. Imported only when a fair lottery is computed, so ``import shopperkit``
never needs numba.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit  # type: ignore[import-untyped, unused-ignore]

SIGNATURE = (
    "i8[::1](i8[::1], f8[::1], i8[:, ::1], i8[::1], i8[::1], i8[::1], i8[:, ::1], i8[::1], i8, i8)"
)


@njit(SIGNATURE, cache=True, nogil=True)  # type: ignore[misc, untyped-decorator, unused-ignore]
def climb(
    panel: Any,
    weights: Any,
    values: Any,
    low: Any,
    high: Any,
    sizes: Any,
    differ: Any,
    household: Any,
    households: int,
    steps: int,
) -> Any:
    """The panel after repeatedly taking the best improving one-seat move.

    ``values[t, f]`` is the quota that profile ``t``'s value on feature ``f`` counts towards;
    ``differ[s, t]`` has bit ``f`` set when profiles ``s`` and ``t`` differ on feature ``f``.
    A move from ``s`` to ``t`` keeps every quota when, on each feature where they differ,
    ``s``'s quota stays at or above its minimum and ``t``'s at or below its maximum. Each step
    takes the move of largest gain ``weights[t] - weights[s]`` (above ``1e-12``). Targets are
    scanned from the heaviest, so each source's scan stops once no larger gain is possible.
    ``household[t]`` numbers the household of a profile of one person who shares one (-1 for
    none, out of ``households``): ``t`` may only enter a household nobody else of which is
    seated.
    """
    n, features = values.shape
    panel = panel.copy()
    seated = np.zeros(max(households, 1), dtype=np.int64)
    for t in range(n):
        if household[t] >= 0:
            seated[household[t]] += panel[t]
    order = np.argsort(-weights, kind="mergesort")
    counts = np.zeros(len(low), dtype=np.int64)
    for t in range(n):
        for f in range(features):
            counts[values[t, f]] += panel[t]
    can_leave = np.zeros(n, dtype=np.int64)
    can_enter = np.zeros(n, dtype=np.int64)
    heavy = weights[order]  # the targets' weights, read in scan order
    for _ in range(steps):
        for t in range(n):
            leave = 0
            enter = 0
            for f in range(features):
                q = values[t, f]
                if counts[q] > low[q]:
                    leave |= 1 << f
                if counts[q] < high[q]:
                    enter |= 1 << f
            can_leave[t] = leave
            can_enter[t] = enter if panel[t] < sizes[t] else -1  # -1: all of t seated
        best = 1e-12
        source = -1
        target = -1
        for s in range(n):
            if panel[s] == 0:
                continue
            ws = weights[s]
            ls = can_leave[s]
            row = differ[s]
            for k in range(n):
                if heavy[k] - ws <= best:
                    break
                t = order[k]
                e = can_enter[t]
                if e < 0 or row[t] & ~(ls & e) != 0:
                    continue
                h = household[t]
                if h >= 0 and seated[h] - (1 if household[s] == h else 0) > 0:
                    continue
                best = heavy[k] - ws
                source = s
                target = t
                break
        if source < 0:
            break
        panel[source] -= 1
        panel[target] += 1
        if household[source] >= 0:
            seated[household[source]] -= 1
        if household[target] >= 0:
            seated[household[target]] += 1
        for f in range(features):
            counts[values[source, f]] -= 1
            counts[values[target, f]] += 1
    return panel
