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
    from flint import fmpq_mat

    if not rows or not columns or len(rows) < columns:
        return None
    if len(rows) == columns:
        try:
            found = _matrix(rows, columns).solve(_matrix([[(0, b)] for b in rhs], 1))
        except ZeroDivisionError:  # singular
            return None
        return tuple(_fraction(found[j, 0]) for j in range(columns))
    augmented = fmpq_mat(
        _matrix([[*row, (columns, b)] for row, b in zip(rows, rhs, strict=True)], columns + 1)
    )
    echelon, rank = augmented.rref()
    if rank != columns or any(echelon[j, j] != 1 for j in range(columns)):
        return None  # dependent columns, or inconsistent (the last column is a pivot)
    return tuple(_fraction(echelon[j, columns]) for j in range(columns))


def _matrix(rows: Sequence[Sequence[tuple[int, int]]], columns: int) -> Any:
    """A FLINT integer matrix (``fmpz_mat``) of sparse rows; only the non-zero entries are
    set, since converting every zero costs more than the solve itself."""
    from flint import fmpz_mat

    matrix = fmpz_mat(len(rows), columns)
    for i, row in enumerate(rows):
        entries: dict[int, int] = {}
        for j, v in row:
            entries[j] = entries.get(j, 0) + v
        for j, v in entries.items():
            if v:
                matrix[i, j] = v
    return matrix


def _fraction(value: Any) -> Fraction:
    """A FLINT rational (``fmpq``) as a :class:`~fractions.Fraction`."""
    return Fraction(int(value.p), int(value.q))
