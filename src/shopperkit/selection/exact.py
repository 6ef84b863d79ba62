"""Exact rational solutions of integer linear systems, from a floating-point start.

A linear programme solved in floating point gives its answer to about nine digits. The
exact answer is a vertex: the solution of the square system of its basis, with rational
values. :func:`solve` recovers it by iterative refinement (the residual computed exactly
in integers, a correction solved in floating point, each round gaining some thirty bits),
reads each value as the simplest fraction within the precision reached, and keeps it only
when the system then holds exactly. Nothing is trusted that is not checked in integers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

TARGETS = (96, 192, 384, 768)
"""Precisions (bits) at which a rational reading is tried, the last one the limit."""


def _residual(
    rows: Sequence[Sequence[tuple[int, int]]], rhs: Sequence[int], x: list[int], e: int
) -> list[int]:
    """``rhs * 2**e - A @ x`` exactly, ``A`` given sparsely by rows of (column, value)."""
    return [(b << e) - sum(v * x[j] for j, v in row) for row, b in zip(rows, rhs, strict=True)]


def _correction(pinv: Any, residual: list[int], shift: int) -> list[int]:
    """``pinv @ residual`` in floating point, as integers scaled by ``2**shift``."""
    import numpy as np

    top = max(abs(r) for r in residual).bit_length()
    down = max(top - 60, 0)
    scaled = np.array([float(r >> down) if down else float(r) for r in residual])
    out = []
    for d in pinv @ scaled:
        numerator, denominator = float(d).as_integer_ratio()
        up = shift + down
        out.append(numerator * (1 << up) // denominator if up >= 0 else 0)
    return out


def solve(
    columns: int, rows: Sequence[Sequence[tuple[int, int]]], rhs: Sequence[int]
) -> tuple[Fraction, ...] | None:
    """The solution of ``A x = rhs`` in rationals, or None when none is found.

    ``A`` has ``columns`` columns and is given sparsely by rows of ``(column, value)``
    integers. A square ``A``'s solution has denominators dividing its determinant, so it is
    read once the precision passes twice the determinant's size. A system with more rows
    than columns (a consistent one) is read at growing precisions; when its columns are
    dependent the least-norm answer is refined, which seldom reads as simple fractions, and
    then None is the usual answer.
    """
    import numpy as np

    if not rows or not columns:
        return None
    dense = np.zeros((len(rows), columns))
    for i, row in enumerate(rows):
        for j, v in row:
            dense[i, j] += v
    if len(rows) == columns:
        sign, size = np.linalg.slogdet(dense)
        if sign == 0 or not np.isfinite(size):
            return None
        det_bits = int(size / math.log(2)) + 2
        # Denominators are often far smaller than the determinant: try a cheap reading first.
        targets = [bits for bits in (TARGETS[0],) if bits < 2 * det_bits] + [2 * det_bits + 64]
        pinv = np.linalg.inv(dense)
    else:
        targets = list(TARGETS)
        pinv = np.linalg.pinv(dense)
    # Each round gains the float's 53 bits less what the condition number costs.
    condition = float(np.abs(dense).sum(axis=1).max() * np.abs(pinv).sum(axis=1).max())
    gain = int(min(max(50 - math.log2(max(condition, 1.0)), 8), 40))
    x = [0] * columns
    e = 0
    last = None
    while targets:
        residual = _residual(rows, rhs, x, e)
        if not any(residual):
            return tuple(Fraction(v, 1 << e) for v in x)
        size_bits = max(abs(r) for r in residual).bit_length() - e
        if last is not None and size_bits > last - 4:
            return None  # refinement stalled: the system is inconsistent or ill-posed
        last = size_bits
        if -size_bits >= targets[0]:
            found = _read(x, e, -size_bits, rows, rhs)
            if found is not None:
                return found
            targets.pop(0)
            last = None
        x = [v << gain for v in x]
        e += gain
        for j, d in enumerate(_correction(pinv, residual, gain)):
            x[j] += d
    return None


def _read(
    x: list[int], e: int, bits: int, rows: Sequence[Sequence[tuple[int, int]]], rhs: Sequence[int]
) -> tuple[Fraction, ...] | None:
    """The simplest fractions near ``x / 2**e`` (known to about ``bits`` bits), if they solve
    the system exactly."""
    limit = 1 << max(bits // 2 - 8, 1)
    values = tuple(Fraction(v, 1 << e).limit_denominator(limit) for v in x)
    if holds(values, rows, rhs):
        return values
    return None


def holds(
    values: Sequence[Fraction], rows: Sequence[Sequence[tuple[int, int]]], rhs: Sequence[int]
) -> bool:
    """Whether ``A @ values == rhs`` exactly (in integers, over a common denominator)."""
    scale = math.lcm(*(v.denominator for v in values))
    whole = [v.numerator * (scale // v.denominator) for v in values]
    return all(
        sum(c * whole[j] for j, c in row) == b * scale for row, b in zip(rows, rhs, strict=True)
    )
