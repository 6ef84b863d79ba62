"""Exact rational solutions of integer linear systems.

A linear programme solved in floating point gives its answer to about nine digits. The
exact answer is a vertex: the solution of the square system of its basis, with rational
values. :func:`solve` finds it with FLINT (``python-flint``: Dixon's p-adic lifting for a
square system, a reduced row echelon form over the rationals otherwise), in exact integer
arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any


def solve(
    columns: int, rows: Sequence[Sequence[tuple[int, int]]], rhs: Sequence[int]
) -> tuple[Fraction, ...] | None:
    """The solution of ``A x = rhs`` in rationals, or None when there is not exactly one.

    ``A`` has ``columns`` columns and is given sparsely by rows of ``(column, value)``
    integers (repeated columns add up). A square ``A`` must be invertible; a system with
    more rows than columns must be consistent with independent columns.
    """
    from flint import fmpq_mat, fmpz_mat

    if not rows or not columns or len(rows) < columns:
        return None
    dense = [[0] * columns for _ in rows]
    for i, row in enumerate(rows):
        for j, v in row:
            dense[i][j] += v
    if len(rows) == columns:
        try:
            found = fmpz_mat(dense).solve(fmpz_mat([[b] for b in rhs]))
        except ZeroDivisionError:  # singular
            return None
        return tuple(_fraction(found[j, 0]) for j in range(columns))
    augmented = fmpq_mat(fmpz_mat([[*row, b] for row, b in zip(dense, rhs, strict=True)]))
    echelon, rank = augmented.rref()
    if rank != columns or any(echelon[j, j] != 1 for j in range(columns)):
        return None  # dependent columns, or inconsistent (the last column is a pivot)
    return tuple(_fraction(echelon[j, columns]) for j in range(columns))


def _fraction(value: Any) -> Fraction:
    """A FLINT rational (``fmpq``) as a :class:`~fractions.Fraction`."""
    return Fraction(int(value.p), int(value.q))
