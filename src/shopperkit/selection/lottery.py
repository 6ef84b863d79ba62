"""Fair lotteries: a probability distribution over valid cohorts, computed over profiles.

``leximin`` (the default) maximises the smallest selection probability any candidate has,
then the next smallest, and so on (Flanigan et al., "Fair algorithms for selecting citizens'
assemblies", Nature 2021), by column generation: a linear programme over the panels found so
far, an integer programme that finds the panel the current dual weights value most, and,
when no panel improves the bound, the profiles whose weight is positive are fixed at that
level. ``maximin`` stops after the first level. ``nash`` maximises the sum of the logarithms
of everyone's probability. ``legacy`` repeats a quick randomised greedy draw (like older
tools) and uses how often each panel came out.

All work is on profiles with integer seat counts; people sharing a profile get exactly the
same probability. Panel probabilities are rounded to multiples of ``1/10**9`` and kept as
exact fractions from then on.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence
from fractions import Fraction

from attrs import frozen

from shopperkit.selection.feasibility import Counts, Problem, find_panel
from shopperkit.selection.solver import INF, Program, Row, solve

METHODS = ("leximin", "maximin", "nash", "legacy")
GRAIN = 10**9
TOLERANCE = 1e-7
SLACK = 1e-6
LEGACY_DRAWS = 1000


@frozen
class Lottery:
    """Panels of seat counts per profile and the probability of each (summing to one)."""

    panels: tuple[Counts, ...]
    probabilities: tuple[Fraction, ...]

    def profile_probabilities(self, sizes: Sequence[int]) -> tuple[Fraction, ...]:
        """Each profile's per-person selection probability, exactly."""
        return tuple(
            sum(
                (p * panel[t] for panel, p in zip(self.panels, self.probabilities, strict=True)),
                Fraction(0),
            )
            / size
            for t, size in enumerate(sizes)
        )


def _exact(panels: Sequence[Counts], weights: Sequence[float]) -> Lottery:
    """Round panel weights to multiples of 1/GRAIN summing exactly to one; merge repeats."""
    merged: dict[Counts, int] = {}
    for panel, weight in zip(panels, weights, strict=True):
        grains = round(max(weight, 0.0) * GRAIN)
        if grains:
            merged[panel] = merged.get(panel, 0) + grains
    order = sorted(merged, key=lambda panel: (-merged[panel], panel))
    gap = GRAIN - sum(merged.values())
    merged[order[0]] += gap
    return Lottery(tuple(order), tuple(Fraction(merged[panel], GRAIN) for panel in order))


def _coverage(problem: Problem, panel: Counts) -> list[float]:
    return [c / n for c, n in zip(panel, problem.sizes, strict=True)]


def _primal(problem: Problem, panels: list[Counts], floors: dict[int, float]) -> list[float]:
    """Weights of ``panels`` giving each profile at least its floor (a basic solution)."""
    rows = [Row(tuple(range(len(panels))), (1.0,) * len(panels), 1.0, 1.0)]
    columns = [_coverage(problem, panel) for panel in panels]
    for t, floor in sorted(floors.items()):
        used = tuple(j for j, column in enumerate(columns) if column[t])
        rows.append(Row(used, tuple(columns[j][t] for j in used), max(floor - SLACK, 0.0), INF))
    solution = solve(
        [0.0] * len(panels),
        [0.0] * len(panels),
        [INF] * len(panels),
        rows,
        maximize=False,
        integer=False,
    )
    if solution is None:  # pragma: no cover - the dual just proved these floors reachable
        raise RuntimeError("leximin floors are not reachable")
    return list(solution.values)


class _Leximin:
    """The state of a leximin computation: the dual programme and the pricing programme."""

    def __init__(self, problem: Problem, panels: list[Counts], excluded: Sequence[int]) -> None:
        self.problem = problem
        self.panels = panels
        n = len(problem.profiles)
        self.fixed: dict[int, float] = dict.fromkeys(excluded, 0.0)
        free = [t for t in range(n) if t not in self.fixed]
        # Dual of "maximise z: each free profile has probability >= z, each fixed one >= its
        # level": columns y_0..y_{n-1} (a weight per profile) and yhat; minimise
        # yhat - sum(level_t * y_t) subject to, for every panel, sum(y_t * share_t) <= yhat,
        # and the free weights summing to one.
        upper = [0.0 if t in self.fixed else INF for t in range(n)] + [INF]
        normal = Row(tuple(free), (1.0,) * len(free), 1.0, 1.0)
        self.dual = Program(
            [0.0] * n + [1.0], [0.0] * n + [-INF], upper, [normal], maximize=False, integer=False
        )
        for panel in panels:
            self.dual.add_row(self._panel_row(panel))
        self.pricing = Program(
            [0.0] * n,
            [0.0] * n,
            [float(size) for size in problem.sizes],
            problem.rows(problem.all_bounds()),
            maximize=True,
            integer=True,
        )

    def _panel_row(self, panel: Counts) -> Row:
        n = len(panel)
        used = tuple(t for t in range(n) if panel[t])
        shares = tuple(panel[t] / self.problem.sizes[t] for t in used)
        return Row((*used, n), (*shares, -1.0), -INF, 0.0)

    def level(self) -> tuple[float, list[float]]:
        """Raise the lowest free profile as far as possible: the level and the dual weights.

        Adds the panel the dual weights value most until none beats the bound.
        """
        n = len(self.problem.profiles)
        sizes = self.problem.sizes
        known = set(self.panels)
        while True:
            solution = self.dual.run()
            if solution is None:  # pragma: no cover - the dual is always feasible
                raise RuntimeError("leximin dual infeasible")
            weights = list(solution.values[:n])
            bound = solution.values[n]
            self.pricing.set_costs([w / s for w, s in zip(weights, sizes, strict=True)])
            priced = self.pricing.run()
            assert priced is not None
            best = tuple(round(v) for v in priced.values)
            if priced.objective <= bound + TOLERANCE or best in known:
                return solution.objective, weights
            self.panels.append(best)
            known.add(best)
            self.dual.add_row(self._panel_row(best))

    def fix(self, profiles: Sequence[int], level: float) -> None:
        """Fix ``profiles`` at ``level``: they leave the normalisation and enter the objective."""
        for t in profiles:
            self.fixed[t] = level
            self.dual.set_coefficient(0, t, 0.0)
        n = len(self.problem.profiles)
        costs = [0.0] * n + [1.0]
        for t, value in self.fixed.items():
            costs[t] = -max(value - SLACK, 0.0)
        self.dual.set_costs(costs)


def leximin(
    problem: Problem, panels: list[Counts], excluded: Sequence[int], *, levels: int | None = None
) -> Lottery:
    """The leximin lottery (``levels=1`` gives maximin)."""
    n = len(problem.profiles)
    state = _Leximin(problem, panels, excluded)
    done = 0
    while len(state.fixed) < n and (levels is None or done < levels):
        free = [t for t in range(n) if t not in state.fixed]
        level, weights = state.level()
        tight = [t for t in free if weights[t] > TOLERANCE]
        if not tight:  # numerical corner: fix the free profile with the largest weight
            tight = [max(free, key=lambda t: weights[t])]
        state.fix(tight, level)
        done += 1
    fixed = dict(state.fixed)
    if len(fixed) < n:
        level = min(value for t, value in fixed.items() if t not in excluded)
        for t in range(n):
            fixed.setdefault(t, level)
    return _exact(panels, _primal(problem, panels, fixed))


def nash(
    problem: Problem, panels: list[Counts], excluded: Sequence[int], *, rounds: int = 60
) -> Lottery:
    """Maximise the sum over people of log(probability) by outer approximation.

    Each round solves a linear programme in which every profile's log is bounded by its
    tangents at the probabilities seen so far, then adds the panel the gradient values most.
    """
    n = len(problem.profiles)
    sizes = problem.sizes
    live = [t for t in range(n) if t not in set(excluded)]
    points: dict[int, list[float]] = {t: [problem.quotas.seats / sum(sizes)] for t in live}
    weights: list[float] = [1.0 / len(panels)] * len(panels)
    for _ in range(rounds):
        m = len(panels)
        # columns: lambda_0..lambda_{m-1}, then s_t for each live profile
        costs = [0.0] * m + [float(sizes[t]) for t in live]
        lower = [0.0] * m + [-INF] * len(live)
        upper = [INF] * (m + len(live))
        rows = [Row(tuple(range(m)), (1.0,) * m, 1.0, 1.0)]
        for k, t in enumerate(live):
            used = tuple(j for j in range(m) if panels[j][t])
            for point in points[t]:
                # s_t <= log(point) + (pi_t - point) / point
                rows.append(
                    Row(
                        (*used, m + k),
                        (*(-panels[j][t] / sizes[t] / point for j in used), 1.0),
                        -INF,
                        math.log(point) - 1.0,
                    )
                )
        solution = solve(costs, lower, upper, rows, maximize=True, integer=False)
        assert solution is not None
        weights = list(solution.values[:m])
        pi = {
            t: max(sum(weights[j] * panels[j][t] for j in range(m)) / sizes[t], 1e-9) for t in live
        }
        gradient = [1.0 / pi[t] if t in pi else 0.0 for t in range(n)]
        best = find_panel(problem, gradient)
        assert best is not None
        current = sum(gradient[t] * pi[t] * sizes[t] for t in live)
        gain = sum(gradient[t] * best[t] for t in live)
        added = False
        for t in live:
            if all(abs(pi[t] - p) > 1e-6 * p for p in points[t]):
                points[t].append(pi[t])
                added = True
        if best not in panels and gain > current * (1 + 1e-6):
            panels.append(best)
            weights.append(0.0)
            added = True
        if not added:
            break
    return _exact(panels, weights)


def greedy(problem: Problem, rng: random.Random, attempts: int = 100) -> Counts | None:
    """One randomised greedy panel: fill the most urgent unmet minimum first, person by person.

    Each step takes the quota whose unmet minimum is largest relative to the candidates left
    for it (any quota once every minimum is met), then a uniformly random remaining person
    of that quota who breaks no maximum. A dead end starts again, up to ``attempts`` times.
    """
    quotas = problem.quotas.quotas
    of_profile: list[list[int]] = [[] for _ in problem.profiles]
    for q, columns in enumerate(problem.counted):
        for t in columns:
            of_profile[t].append(q)
    for _ in range(attempts):
        left = list(problem.sizes)
        counts = [0] * len(left)
        filled = [0] * len(quotas)
        for _seat in range(problem.quotas.seats):
            room = [
                t
                for t in range(len(left))
                if left[t] and all(filled[q] < quotas[q].max for q in of_profile[t])
            ]
            urgency: list[tuple[float, int]] = []
            for q, quota in enumerate(quotas):
                need = quota.min - filled[q]
                if need > 0:
                    supply = sum(left[t] for t in problem.counted[q] if t in room)
                    urgency.append((need / supply if supply else INF, q))
            if urgency:
                top = max(u for u, _ in urgency)
                choices = [q for u, q in urgency if u == top]
                wanted = set(problem.counted[rng.choice(choices)])
                room = [t for t in room if t in wanted]
            total = sum(left[t] for t in room)
            if not total:
                break
            pick = rng.randrange(total)
            for t in room:
                pick -= left[t]
                if pick < 0:
                    break
            left[t] -= 1
            counts[t] += 1
            for q in of_profile[t]:
                filled[q] += 1
        if problem.meets(counts):
            return tuple(counts)
    return None


def legacy(problem: Problem, seed: str, draws: int = LEGACY_DRAWS) -> Lottery:
    """The empirical lottery of ``draws`` greedy panels (each draw weighs 1/draws)."""
    rng = random.Random(f"shopperkit-legacy|{seed}")
    found: Counter[Counts] = Counter()
    for _ in range(draws):
        panel = greedy(problem, rng)
        if panel is None:
            panel = find_panel(problem)
            assert panel is not None
        found[panel] += 1
    order = sorted(found, key=lambda panel: (-found[panel], panel))
    return Lottery(tuple(order), tuple(Fraction(found[p], draws) for p in order))


def compute(
    problem: Problem, method: str, panels: list[Counts], excluded: Sequence[int], seed: str
) -> Lottery:
    """The lottery of ``method`` (one of :data:`METHODS`)."""
    if method == "leximin":
        return leximin(problem, panels, excluded)
    if method == "maximin":
        return leximin(problem, panels, excluded, levels=1)
    if method == "nash":
        return nash(problem, panels, excluded)
    return legacy(problem, seed)
