"""Linear and integer programmes over profile counts, solved by HiGHS (``highspy``).

``highspy`` is imported here, lazily, the first time a programme is solved, so
``import shopperkit`` never needs it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Any, TypeVar

from attrs import frozen

from shopperkit.errors import InputError

INF = float("inf")
T = TypeVar("T")
U = TypeVar("U")


@frozen
class Row:
    """``lower <= sum(coefficient * x[column]) <= upper``."""

    columns: tuple[int, ...]
    coefficients: tuple[float, ...]
    lower: float
    upper: float


@frozen
class Solution:
    """An optimal solution: values of the columns, row duals (LPs only) and the objective."""

    values: tuple[float, ...]
    duals: tuple[float, ...]
    objective: float


_started = False


def _highspy() -> Any:
    global _started
    try:
        import highspy  # type: ignore[import-untyped, unused-ignore]
    except ImportError:  # pragma: no cover - highspy is a dependency
        raise InputError("solver_missing") from None
    if not _started:
        # HiGHS prints a banner on standard output the first time it starts; keep it quiet.
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
                highspy.Highs()  # type: ignore[no-untyped-call, unused-ignore]
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _started = True
    return highspy


class Program:
    """A linear (or integer) programme kept in HiGHS, to change and solve again cheaply."""

    def __init__(
        self,
        costs: Sequence[float],
        lower: Sequence[float],
        upper: Sequence[float],
        rows: Sequence[Row],
        *,
        maximize: bool,
        integer: bool,
    ) -> None:
        import numpy as np

        self._np = np
        self._hs = _highspy()
        self.integer = integer
        hs = self._hs
        h = hs.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("random_seed", 0)
        h.setOptionValue("threads", 1)
        h.setOptionValue("mip_rel_gap", 1e-9)
        if not integer:
            # Re-solved after small changes: warm-started simplex beats presolving each time.
            h.setOptionValue("presolve", "off")
        lp = hs.HighsLp()
        lp.num_col_ = len(costs)
        lp.num_row_ = len(rows)
        lp.col_cost_ = np.array(costs, dtype=float)
        lp.col_lower_ = self._vector(lower)
        lp.col_upper_ = self._vector(upper)
        lp.row_lower_ = self._vector([r.lower for r in rows])
        lp.row_upper_ = self._vector([r.upper for r in rows])
        starts = [0]
        index: list[int] = []
        value: list[float] = []
        for row in rows:
            index.extend(row.columns)
            value.extend(row.coefficients)
            starts.append(len(index))
        lp.a_matrix_.format_ = hs.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(value, dtype=float)
        lp.sense_ = hs.ObjSense.kMaximize if maximize else hs.ObjSense.kMinimize
        if integer:
            lp.integrality_ = [hs.HighsVarType.kInteger] * len(costs)
        h.passModel(lp)
        self._h = h
        self.columns = len(costs)

    def _vector(self, values: Sequence[float]) -> Any:
        inf = self._hs.kHighsInf
        return self._np.array(
            [inf if v == INF else -inf if v == -INF else v for v in values], dtype=float
        )

    def add_row(self, row: Row) -> None:
        """Add one row."""
        np = self._np
        self._h.addRow(
            *self._vector([row.lower, row.upper]),
            len(row.columns),
            np.array(row.columns, dtype=np.int32),
            np.array(row.coefficients, dtype=float),
        )

    def option(self, name: str, value: object) -> None:
        """Set a HiGHS option."""
        self._h.setOptionValue(name, value)

    def add_columns(
        self, cost: float, lower: float, upper: float, columns: Sequence[dict[int, float]]
    ) -> None:
        """Add columns of the same cost and bounds, each given by its entries by row, at
        once (HiGHS then updates the programme once)."""
        if not columns:
            return
        np = self._np
        starts: list[int] = []
        index: list[int] = []
        value: list[float] = []
        for entries in columns:
            starts.append(len(index))
            for row in sorted(entries):
                index.append(row)
                value.append(entries[row])
        n = len(columns)
        low, high = self._vector([lower, upper])
        self._h.addCols(
            n,
            np.full(n, float(cost)),
            np.full(n, low),
            np.full(n, high),
            len(index),
            np.array(starts, dtype=np.int32),
            np.array(index, dtype=np.int32),
            np.array(value, dtype=float),
        )
        self.columns += n

    def basis(self) -> tuple[list[int], list[int]]:
        """The last solution's basis: its basic columns and its non-basic (tight) rows."""
        basis = self._h.getBasis()
        basic = self._hs.HighsBasisStatus.kBasic
        columns = [j for j, status in enumerate(basis.col_status) if status == basic]
        rows = [i for i, status in enumerate(basis.row_status) if status != basic]
        return columns, rows

    def delete_idle_columns(self, first: int, below: float) -> list[int]:
        """Delete the columns from ``first`` on that are zero, non-basic and cost more than
        ``below`` to bring in (at the last solution); the rest keep their basis.

        Returns the deleted columns, in increasing order.
        """
        np = self._np
        h = self._h
        solution = h.getSolution()
        status = h.getBasis().col_status
        basic = self._hs.HighsBasisStatus.kBasic
        values = solution.col_value
        reduced = solution.col_dual
        idle = [
            j
            for j in range(first, self.columns)
            if status[j] != basic and values[j] == 0.0 and abs(reduced[j]) > below
        ]
        if idle:
            h.deleteCols(len(idle), np.array(idle, dtype=np.int32))
            self.columns -= len(idle)
        return idle

    def set_row_bounds(self, row: int, lower: float, upper: float) -> None:
        """Change one row's bounds."""
        self._h.changeRowBounds(row, *self._vector([lower, upper]))

    def set_coefficient(self, row: int, column: int, value: float) -> None:
        """Change one coefficient of the matrix."""
        self._h.changeCoeff(row, column, value)

    def set_costs(self, costs: Sequence[float]) -> None:
        """Replace every column's objective coefficient."""
        np = self._np
        n = len(costs)
        self._h.changeColsCost(n, np.arange(n, dtype=np.int32), np.array(costs, dtype=float))

    def bound(self) -> float:
        """The last integer solve's proven bound on the objective (HiGHS's MIP dual bound)."""
        return float(self._h.getInfo().mip_dual_bound)

    def run(self) -> Solution | None:
        """Solve; None when infeasible. Any other failure raises."""
        hs = self._hs
        h = self._h
        h.run()
        status = h.getModelStatus()
        if status == hs.HighsModelStatus.kUnknown and not self.integer:
            # A warm start can stall on a degenerate programme: start again from scratch.
            h.clearSolver()
            h.run()
            status = h.getModelStatus()
        if status == hs.HighsModelStatus.kUnknown and not self.integer:
            # Still stalled: fall back to HiGHS's default tolerances.
            h.setOptionValue("primal_feasibility_tolerance", 1e-7)
            h.setOptionValue("dual_feasibility_tolerance", 1e-7)
            h.clearSolver()
            h.run()
            status = h.getModelStatus()
        if status == hs.HighsModelStatus.kInfeasible:
            return None
        if status != hs.HighsModelStatus.kOptimal:
            raise InputError("solver_failed", {"status": h.modelStatusToString(status)})
        solution = h.getSolution()
        duals = tuple(float(d) for d in solution.row_dual) if not self.integer else ()
        return Solution(
            tuple(float(v) for v in solution.col_value),
            duals,
            float(h.getInfo().objective_function_value),
        )


def alongside(background: Callable[[], T], foreground: Callable[[Future[T]], U]) -> tuple[T, U]:
    """Run ``background`` in a second thread while ``foreground`` runs in this one (given the
    background's future, to look at it); both results once both are done.

    Worth it when one side spends its time where Python's lock is released: in HiGHS or in
    the compiled climbs (:mod:`.moves`). An error on either side is raised here.
    """
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1, thread_name_prefix="shopperkit") as other:
        running = other.submit(background)
        here = foreground(running)
        return running.result(), here


def solve(
    costs: Sequence[float],
    lower: Sequence[float],
    upper: Sequence[float],
    rows: Sequence[Row],
    *,
    maximize: bool,
    integer: bool,
) -> Solution | None:
    """Solve the programme once; None when it is infeasible. Any other failure raises."""
    return Program(costs, lower, upper, rows, maximize=maximize, integer=integer).run()
