"""Exact fairness: leximin's levels are exact fractions, the minimum comes with an exact bound,
and the published files carry the exact fractions that ``verify`` checks.

``tests/sortition_peer`` is the 150-person fixture of the ``sortition-algorithms`` package
(``tests/fixtures``; its four quota columns and its features, personal columns dropped),
whose leximin minimum is exactly 1/11 for 22 seats.
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from attrs import evolve
from hypothesis import given, settings
from hypothesis import strategies as st

from shopperkit.errors import InputError
from shopperkit.io.draws import read_draw, write_draw
from shopperkit.io.files import csv_rows, csv_text
from shopperkit.io.pool import read_pool
from shopperkit.io.quotas import read_quotas
from shopperkit.selection import exact, lottery
from shopperkit.selection.audit import PROBABILITIES_FILE, exact_column, sha256_text
from shopperkit.selection.drawing import Draw, verify
from shopperkit.selection.drawing import draw as draw_cohort
from shopperkit.selection.feasibility import Problem, check, uncovered
from shopperkit.selection.lottery import Start, compute
from shopperkit.testing.strategies import pools_with_quotas

PEER = Path(__file__).with_name("sortition_peer")


def peer_problem() -> Problem:
    """The peer's fixture as a selection problem, 22 seats."""
    pool = read_pool(PEER / "pool.csv").pool
    return Problem.of(read_quotas(PEER / "quotas.csv", 22), pool)


@pytest.fixture(scope="module")
def peer_draw() -> Draw:
    pool = read_pool(PEER / "pool.csv").pool
    return draw_cohort(pool, read_quotas(PEER / "quotas.csv", 22), None, "11 22 33", "leximin")


@pytest.mark.parametrize("method", ["leximin", "maximin"])
def test_the_head_start_gives_the_lottery_of_the_plain_order(method: str) -> None:
    # On a pool large enough for the first panels to matter, the panels spread while the
    # check finds its cover (see the property test in test_selection.py) are exactly those
    # the lottery would spread: the lottery is the same, panel for panel.
    problem = peer_problem()
    start = Start(problem)
    _, panels = check(problem, meanwhile=start.spread)
    assert start.panel == panels[0]
    assert start.found
    excluded = uncovered(problem, panels)
    plain = compute(problem, method, panels, excluded, "s")
    assert compute(problem, method, panels, excluded, "s", start) == plain
    # Another first spread gives another lottery over panels (so the comparison can fail).
    start.found = start.found[: len(start.found) // 2]
    assert compute(problem, method, panels, excluded, "s", start).panels != plain.panels


def test_panels_aimed_while_a_level_is_proved_are_those_aimed_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # leximin spreads the next level's panels while the integer programme proves a level;
    # the lottery is the one computed when they are spread only after the proof.
    problem = peer_problem()
    _, panels = check(problem)
    ahead = compute(problem, "leximin", panels, [], "s")

    def price_only(state: Any, solution: Any, dual: Any) -> tuple[Any, None]:
        return state.pricing.run(), None

    monkeypatch.setattr(lottery._Leximin, "_price", price_only)
    assert compute(problem, "leximin", panels, [], "s") == ahead


def test_the_peers_fixture_has_a_minimum_of_exactly_one_eleventh(peer_draw: Draw) -> None:
    assert min(peer_draw.probabilities.values()) == Fraction(1, 11)
    fairness = peer_draw.fairness
    assert fairness is not None
    assert fairness.exact
    assert fairness.levels[0] == Fraction(1, 11)
    assert fairness.bound == Fraction(1, 11)
    assert fairness.optimal
    assert list(fairness.levels) == sorted(fairness.levels)
    assert sum((p for p, _ in peer_draw.lottery), Fraction(0)) == 1


def test_the_published_files_carry_the_exact_fractions(peer_draw: Draw, tmp_path: Path) -> None:
    write_draw(tmp_path, peer_draw)
    _, rows = csv_rows(tmp_path / PROBABILITIES_FILE, ("id", "probability", "exact"))
    written = {row["id"]: row["exact"] for _, row in rows}
    lowest = min(peer_draw.probabilities, key=lambda person: peer_draw.probabilities[person])
    assert written[lowest] == "1/11"
    assert {p: Fraction(text) for p, text in written.items()} == peer_draw.probabilities
    back = read_draw(tmp_path)
    assert back.probabilities == peer_draw.probabilities
    assert back.lottery == peer_draw.lottery


def with_probabilities(drawn: Draw, text: str) -> Draw:
    """``drawn`` with another ``probabilities.csv`` text, every hash of it updated."""
    assert drawn.result is not None
    digest = sha256_text(text)
    audit = evolve(drawn.result.audit, probabilities_sha256=digest)
    return evolve(
        drawn,
        published=evolve(drawn.published, probabilities=text),
        commitment=evolve(drawn.commitment, probabilities_sha256=digest),
        result=evolve(drawn.result, audit=audit),
    )


def test_verify_passes_and_catches_a_changed_fraction(peer_draw: Draw) -> None:
    from shopperkit.selection.drawing import reveal

    drawn = reveal(peer_draw, "11 22 33")
    assert all(c.ok for c in verify(drawn, recompute=False))
    lines = drawn.published.probabilities
    _, parsed = csv_rows(Path(PROBABILITIES_FILE), ("id", "probability", "exact"), text=lines)
    table = [row for _, row in parsed]
    # Off by 10**-30: the decimals are unchanged, only the exact check can see it.
    table[0]["exact"] = str(Fraction(table[0]["exact"]) + Fraction(1, 10**30))
    tampered = with_probabilities(drawn, csv_text(("id", "probability", "exact"), table))
    failed = [c.code for c in verify(tampered, recompute=False) if not c.ok]
    assert failed == ["verify_exact_fractions"]


@settings(max_examples=25, deadline=None)
@given(problem=pools_with_quotas(), method=st.sampled_from(["leximin", "maximin"]))
def test_leximin_levels_are_exact_and_proved(problem: Problem, method: str) -> None:
    feasibility, panels = check(problem)
    assert feasibility.feasible
    chosen = {tuple(e.profile.values()) for e in feasibility.excluded}
    excluded = [t for t, p in enumerate(problem.profiles) if p in chosen]
    lottery = compute(problem, method, panels, excluded, "seed")
    assert lottery.recovered
    assert sum(lottery.probabilities, Fraction(0)) == 1
    assert all(p > 0 for p in lottery.probabilities)
    assert all(problem.meets(panel) for panel in lottery.panels)
    chances = lottery.profile_probabilities(problem.sizes)
    live = [p for t, p in enumerate(chances) if t not in excluded]
    assert lottery.levels[0] == min(live)
    assert list(lottery.levels) == sorted(lottery.levels)
    if method == "maximin":
        assert len(lottery.levels) == 1
    else:
        # Everyone is at one of the levels, exactly.
        assert set(live) <= set(lottery.levels)
    assert lottery.bound == lottery.levels[0]


@settings(max_examples=60, deadline=None)
@given(
    solution=st.lists(st.fractions(max_denominator=10**6), min_size=1, max_size=6),
    extra=st.integers(0, 3),
    data=st.data(),
)
def test_exact_solve_recovers_the_rational_solution(
    solution: list[Fraction], extra: int, data: st.DataObject
) -> None:
    """A square system, or one with ``extra`` rows more (sums of its rows: consistent, the
    columns still independent), gives back the solution it was made from."""
    n = len(solution)
    entries = st.lists(st.integers(-5, 5), min_size=n * n, max_size=n * n)
    matrix = data.draw(entries.filter(lambda m: _determinant(m, n) != 0))
    square = [[matrix[i * n + j] for j in range(n)] for i in range(n)]
    picks = data.draw(st.lists(st.integers(0, n - 1), min_size=extra, max_size=extra))
    dense = square + [[a + b for a, b in zip(square[k], square[0], strict=True)] for k in picks]
    rows = [[(j, v) for j, v in enumerate(row) if v] for row in dense]
    scale = math.lcm(*(x.denominator for x in solution))
    rhs = [int(sum(v * x * scale for v, x in zip(row, solution, strict=True))) for row in dense]
    found = exact.solve(n, rows, rhs)
    assert found is not None
    assert [x / scale for x in found] == solution
    # A column repeated: not exactly one solution.
    twice = [[*row, (n, v)] for row, v in zip(rows, (r[0] for r in dense), strict=True)]
    assert exact.solve(n + 1, twice, rhs) is None
    if extra:  # one right-hand side changed: no solution at all
        assert exact.solve(n, rows, [*rhs[:-1], rhs[-1] + 1]) is None


def _determinant(entries: list[int], n: int) -> Fraction:
    """The determinant of the ``n`` by ``n`` matrix of ``entries`` (by rows), exactly."""
    rows = [[Fraction(v) for v in entries[i * n : (i + 1) * n]] for i in range(n)]
    det = Fraction(1)
    for c in range(n):
        pivot = next((r for r in range(c, n) if rows[r][c]), None)
        if pivot is None:
            return Fraction(0)
        if pivot != c:
            rows[c], rows[pivot] = rows[pivot], rows[c]
            det = -det
        det *= rows[c][c]
        for r in range(c + 1, n):
            factor = rows[r][c] / rows[c][c]
            rows[r] = [a - factor * b for a, b in zip(rows[r], rows[c], strict=True)]
    return det


@pytest.mark.parametrize("cell", ["1/0", "-1/3", "1.5", "1/3/4", "", "1e3", "9" * 1001])
def test_a_malformed_exact_cell_is_refused_with_its_row(cell: str) -> None:
    text = csv_text(
        ("id", "probability", "exact"), [{"id": "P1", "probability": "0.5", "exact": cell}]
    )
    with pytest.raises(InputError) as raised:
        exact_column(text, PROBABILITIES_FILE)
    assert raised.value.code == "distribution_malformed"
    assert raised.value.where == f"{PROBABILITIES_FILE}:2"


def test_a_final_basis_not_read_exactly_is_solved_again_with_closer_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Fixed rows held 1e-4 below their levels lead the master, on the peer's fixture, to a
    # final basis that read exactly is no lottery; solved again at FINE_SLACK, it is.
    problem = peer_problem()
    _, panels = check(problem)
    excluded = uncovered(problem, panels)
    again = lottery.leximin(problem, panels, excluded, slack=1e-4)
    assert again.recovered
    assert again.levels[0] == again.bound == Fraction(1, 11)
    # Without the second solve the probabilities are rounded, below the exact minimum.
    monkeypatch.setattr(lottery, "FINE_SLACK", 1e-4)
    once = lottery.leximin(problem, panels, excluded, slack=1e-4)
    assert not once.recovered
    assert once.levels[0] < Fraction(1, 11)
    assert all(p.denominator <= lottery.GRAIN for p in once.probabilities)
