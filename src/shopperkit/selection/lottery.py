"""Fair lotteries: a probability distribution over valid cohorts, computed over profiles.

``leximin`` (the default) maximises the smallest selection probability any candidate has,
then the next smallest, and so on (Flanigan et al., "Fair algorithms for selecting citizens'
assemblies", Nature 2021), by column generation: a linear programme over the panels found so
far; new panels that the current dual weights value more than the bound, found first by
one-seat moves from known panels and, when those find none, by an integer programme (which
also proves the level optimal); then the profiles whose weight is positive are fixed at that
level. Starting panels come from multiplicative weights, so the first level is often solved
at once; after each level, more are aimed at the next (every fixed profile at its level, the
free ones above), so the master reaches it in a few rounds. ``maximin`` stops after the
first level. ``nash`` maximises the sum of the logarithms of everyone's probability.
``legacy`` repeats a quick randomised greedy draw (like older tools) and uses how often each
panel came out.

All work is on profiles with integer seat counts; people sharing a profile get exactly the
same probability. HiGHS and the compiled climbs do not hold Python's lock, so a computation
uses a second thread where its steps allow (:func:`.solver.alongside`; the results are
those of the plain order). Leximin's and maximin's panel probabilities are exact: the
floating-point solution is read back as the rational solution of its final basis and
checked exactly
(:mod:`.exact`), and the minimum comes with an exact bound from the first level's dual
weights that no lottery can beat. Where that reading fails they are rounded to multiples of
``1/10**9``, and nash's to multiples of ``1/10**15`` (its proven gap measured on those);
either way they are exact fractions from then on.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from fractions import Fraction
from functools import partial
from typing import Any

from attrs import evolve, frozen

from shopperkit.selection import exact
from shopperkit.selection.feasibility import Counts, Problem, find_panel
from shopperkit.selection.solver import INF, Program, Row, Solution, alongside

METHODS = ("leximin", "maximin", "nash", "legacy")
GRAIN = 10**9
TOLERANCE = 1e-7
SLACK = 1e-9
"""A fixed profile is held this far below its level (in probability), so that rounding in
the simplex cannot make the master infeasible."""
FINE_SLACK = 1e-12
"""The slack of a second solve when the first one's final basis is not the exact levels'
one (its rows, loose by up to ``1e-7`` seats at :data:`SLACK`, let the master settle on a
basis that, read exactly, has a negative weight: a generated 3,000 pool did). At this slack
the rows are loose by far less than the simplex's feasibility tolerance (``1e-9`` seats).
Not the first choice: it makes small pools slower (the 500 pool's leximin 1.0 s to 1.3 s)."""
LEGACY_DRAWS = 1000
GAP = 1e-9
"""A level is final when no lottery can raise it by more than this share of its value."""
IDLE = 1e-6
"""Between levels, unused panels whose reduced cost is below ``-IDLE`` leave the master."""
SPREAD_RATE = 4.0
"""How fast :meth:`Swaps.spread` lowers the weight of the profiles a panel serves."""
SPREAD_ROUNDS = 2
"""Panels spread after each level, per profile still free."""
AHEAD = 1.3
"""After a level, the profiles still free are aimed this much above it."""
REAIM = 1.02
"""Past the first level, panels are aimed again whenever the master's ``z`` has risen this
much above the level's first solution or the last aim within the level."""


@frozen
class Lottery:
    """Panels of seat counts per profile and the probability of each (summing to one)."""

    panels: tuple[Counts, ...]
    probabilities: tuple[Fraction, ...]
    levels: tuple[Fraction, ...] = ()
    """leximin and maximin: the exact probability of each level reached, lowest (the
    minimum) first."""
    bound: Fraction | None = None
    """leximin and maximin: no lottery gives everyone more than this (exact; equal to
    ``levels[0]`` when the minimum is proved optimal)."""
    recovered: bool = False
    """Whether the probabilities are the exact solution (not rounded to ``1/10**9``)."""
    gap: float | None = None
    """nash only: a proven upper bound on how much any lottery could raise the sum over
    people of log(probability) above this one's."""

    def profile_probabilities(self, sizes: Sequence[int]) -> tuple[Fraction, ...]:
        """Each profile's per-person selection probability, exactly.

        Summed in integers over the probabilities' common denominator, then reduced once.
        """
        denominator = math.lcm(*(p.denominator for p in self.probabilities))
        totals = [0] * len(sizes)
        for panel, p in zip(self.panels, self.probabilities, strict=True):
            weight = p.numerator * (denominator // p.denominator)
            for t, count in enumerate(panel):
                if count:
                    totals[t] += weight * count
        return tuple(
            Fraction(total, denominator * size) for total, size in zip(totals, sizes, strict=True)
        )


def _exact(panels: Sequence[Counts], weights: Sequence[float], grain: int = GRAIN) -> Lottery:
    """Round panel weights to multiples of ``1/grain`` summing exactly to one (the largest
    takes what rounding leaves); merge repeats."""
    merged: dict[Counts, int] = {}
    for panel, weight in zip(panels, weights, strict=True):
        grains = round(max(weight, 0.0) * grain)
        if grains:
            merged[panel] = merged.get(panel, 0) + grains
    order = sorted(merged, key=lambda panel: (-merged[panel], panel))
    merged[order[0]] += grain - sum(merged.values())
    return Lottery(tuple(order), tuple(Fraction(merged[panel], grain) for panel in order))


def pricing_programme(problem: Problem) -> Program:
    """The integer programme over valid panels (seats per profile meeting every bound) whose
    objective, set to the current weights, prices the next panel for a lottery's master."""
    n = len(problem.profiles)
    return Program(
        [0.0] * n,
        [0.0] * n,
        [float(size) for size in problem.sizes],
        problem.rows(problem.all_bounds()),
        maximize=True,
        integer=True,
    )


class Swaps:
    """Fast pricing: improve known panels by moving one seat at a time between profiles.

    A move from profile ``s`` to profile ``t`` keeps every quota when, on each feature where
    the two differ, ``s``'s value stays at or above its minimum and ``t``'s at or below its
    maximum, and ``t``'s household (if any) has nobody else seated. Climbing from the best
    known panels (compiled, in :mod:`.moves`) finds improving panels in microseconds; the
    integer programme is asked only when this finds none, so optimality is still proved.
    """

    def __init__(self, problem: Problem, starts: int = 12, steps: int = 300) -> None:
        import numpy as np

        from shopperkit.selection import moves

        self.np = np
        self.moves = moves
        quotas = problem.quotas.quotas
        index = {(q.feature, q.value): i for i, q in enumerate(quotas)}
        features = problem.quotas.features
        self.values = np.array(
            [
                [index[(f, profile[k])] for k, f in enumerate(features)]
                for profile in problem.profiles
            ],
            dtype=np.int64,
        ).reshape(len(problem.profiles), len(features))
        # Bit f set: the two profiles differ on feature f (features as bits of one integer).
        bits = (1 << np.arange(len(features), dtype=np.int64))[None, None, :]
        self.differ = ((self.values[:, None, :] != self.values[None, :, :]) * bits).sum(axis=2)
        self.low = np.array([q.min for q in quotas], dtype=np.int64)
        self.high = np.array([q.max for q in quotas], dtype=np.int64)
        self.sizes = np.array(problem.sizes, dtype=np.int64)
        self.household = np.full(len(problem.profiles), -1, dtype=np.int64)
        for h, group in enumerate(problem.households):
            self.household[list(group)] = h
        self.households = len(problem.households)
        self.starts = starts
        self.steps = steps
        self.matrix: Any = np.zeros((0, len(problem.profiles)), dtype=np.int64)
        self.seen: set[Counts] = set()
        self.unseen: list[Counts] = []

    def remember(self, panel: Counts) -> None:
        """Keep ``panel`` as a starting point for later climbs (even once the master drops it)."""
        if panel not in self.seen:
            self.seen.add(panel)
            self.unseen.append(panel)

    def climb(self, panel: Any, weights: Any) -> Any:
        """The panel after repeatedly taking the best improving one-seat move."""
        return self.moves.climb(
            panel,
            self.np.asarray(weights, dtype=float),
            self.values,
            self.low,
            self.high,
            self.sizes,
            self.differ,
            self.household,
            self.households,
            self.steps,
        )

    def _climbs(self, starts: Sequence[Any], weights: Any) -> list[Any]:
        """:meth:`climb` from each start, half of them in a second thread (the compiled
        climb does not hold Python's lock), in the order of ``starts``."""
        half = len(starts) // 2
        if not half:
            return [self.climb(panel, weights) for panel in starts]
        later, first = alongside(
            lambda: [self.climb(panel, weights) for panel in starts[half:]],
            lambda _: [self.climb(panel, weights) for panel in starts[:half]],
        )
        return first + later

    def spread(
        self,
        start: Counts,
        targets: Sequence[float],
        rounds: int,
        stop: Callable[[], bool] | None = None,
    ) -> list[Counts]:
        """Diverse panels that together come near every profile's target, by multiplicative
        weights (Arora, Hazan and Kale's method for covering programmes).

        Each round climbs to the panel worth most when a seat of profile ``t`` is worth its
        weight over ``size_t * targets[t]``, then lowers each profile's weight by
        ``exp(-SPREAD_RATE * share)``, its share being how far that panel goes towards its
        target relative to the profile it helps most; so later panels favour the profiles
        served least so far. A target of 0 leaves the profile out (its weight is 0).
        ``stop``, asked before each round, ends the rounds early when it says so.
        """
        np = self.np
        aim = np.asarray(targets, dtype=float) * self.sizes
        live = aim > 0
        weights = live.astype(float)
        per_target = np.divide(1.0, aim, out=np.zeros_like(aim), where=live)
        current = np.array(start, dtype=np.int64)
        found: list[Counts] = []
        seen = {start}
        for _ in range(rounds):
            if stop is not None and stop():
                break
            current = self.climb(current, weights * per_target)
            panel = tuple(current.tolist())
            if panel not in seen:
                seen.add(panel)
                found.append(panel)
            share = current * per_target
            weights = weights * np.exp(-SPREAD_RATE * share / max(float(share.max()), 1e-12))
            weights /= weights.sum()
        return found

    def improve(self, weights: Sequence[float], bound: float) -> list[Counts]:
        """Distinct panels worth more than ``bound``, climbed from the best remembered panels."""
        np = self.np
        w = np.array(weights)
        if self.unseen:
            extra = np.array(self.unseen, dtype=np.int64)
            self.matrix = np.vstack([self.matrix, extra])
            self.unseen = []
        known = self.matrix
        order = np.argsort(-(known @ w), kind="stable")[: self.starts]
        found: list[Counts] = []
        for panel in self._climbs([known[j] for j in order], w):
            if float(panel @ w) > bound:
                counts = tuple(int(c) for c in panel)
                if counts not in found:
                    found.append(counts)
        return found


class _Leximin:
    """The state of a leximin computation: the master programme and the pricing programme.

    The master maximises ``z`` over the panels found so far (one column each, plus ``z``):
    row 0 makes the panel weights sum to one; row ``1 + t`` asks profile ``t`` for a
    probability of at least ``z`` while it is free, and at least its level once fixed. The
    row counts seats (a panel's seats for the profile against ``z`` times its size), which
    keeps the matrix in small integers: the simplex then pivots far less often than on
    probabilities. Its dual is the profile's weight per seat. A fixed profile's row is held
    ``slack`` below its level (:data:`SLACK`, or :data:`FINE_SLACK` when solved again).
    """

    def __init__(
        self,
        problem: Problem,
        panels: list[Counts],
        excluded: Sequence[int],
        swaps: Swaps,
        slack: float,
    ) -> None:
        self.problem = problem
        self.slack = slack
        self.sizes = problem.sizes
        self.fixed: dict[int, float] = dict.fromkeys(excluded, 0.0)
        self.swaps = swaps
        self._build(panels)
        self.pricing = pricing_programme(problem)
        self.weights: list[float] = []
        self.groups: list[tuple[list[int], float]] = []
        """The profiles fixed together and their (floating-point) level, in order."""
        self.group_of: dict[int, int] = {}
        self.best: Counts = ()
        """The integer programme's best panel at the last level's dual weights."""
        self.aiming = False
        """Whether panels are aimed at the next level after each (leximin, not maximin)."""
        self.ahead: list[Counts] | None = None
        """The panels :meth:`aim` adds next, spread while the last level was proved."""

    def _build(self, panels: Sequence[Counts]) -> None:
        """A fresh master programme over ``panels``, with the levels fixed so far."""
        rows = [Row((), (), 1.0, 1.0)]
        for t in range(len(self.problem.profiles)):
            if t in self.fixed:
                rows.append(Row((), (), self._seats(t, self.fixed[t]), INF))
            else:
                rows.append(Row((0,), (-float(self.sizes[t]),), 0.0, INF))
        self.master = Program([1.0], [-INF], [INF], rows, maximize=True, integer=False)
        # Columns are added to a solved programme: the primal simplex starts from there.
        self.master.option("simplex_strategy", 4)
        self.master.option("dual_feasibility_tolerance", 1e-9)
        self.master.option("primal_feasibility_tolerance", 1e-9)
        self.panels: list[Counts] = []
        self.known: set[Counts] = set()
        self.add(panels)

    def add(self, panels: Iterable[Counts]) -> None:
        """Add the panels not known yet as columns of the master programme."""
        columns = []
        for panel in panels:
            if panel in self.known:
                continue
            self.known.add(panel)
            self.panels.append(panel)
            self.swaps.remember(panel)
            columns.append({0: 1.0} | {1 + t: float(c) for t, c in enumerate(panel) if c})
        self.master.add_columns(0.0, 0.0, INF, columns)

    def drop_idle(self) -> None:
        """Delete the panels the last solution leaves out and prices clearly below the bound.

        They only slow the simplex down; pricing finds any of them again if a later level
        needs it (so they are forgotten as known panels too).
        """
        gone = {j - 1 for j in self.master.delete_idle_columns(1, IDLE)}
        if gone:
            self.known.difference_update(self.panels[j] for j in gone)
            kept = [j for j in range(len(self.panels)) if j not in gone]
            self.panels = [self.panels[j] for j in kept]
            self.weights = [self.weights[j] for j in kept]

    def level(self, meanwhile: Callable[[], None] | None = None) -> tuple[float, list[float]]:
        """Raise the lowest free profile as far as possible: the level and the dual weights.

        Adds panels the dual weights value more than the bound (from one-seat moves, else
        from the integer programme) until there is none; past the first level, also panels
        aimed above ``z`` (:meth:`aim`) each time it has risen by :data:`REAIM`.
        ``meanwhile`` runs in this thread during the first solve (HiGHS, in a second thread,
        does not hold Python's lock, so the two share the processor's cores).
        """
        sizes = self.sizes
        aimed: float | None = None
        while True:
            solution = self._solve(meanwhile)
            meanwhile = None
            if solution is None:  # pragma: no cover - the levels are reachable by construction
                raise RuntimeError("leximin master infeasible")
            self.weights = list(solution.values[1:])
            if self.groups:  # past the first level: aim again whenever z has risen enough
                if aimed is None:
                    aimed = solution.objective
                elif solution.objective > aimed * REAIM:
                    aimed = solution.objective
                    self.add(self._spread(aimed, self.fixed))
                    continue
            bound = solution.duals[0] + TOLERANCE
            per_seat = [max(-d, 0.0) for d in solution.duals[1:]]
            dual = [w * s for w, s in zip(per_seat, sizes, strict=True)]
            found = [p for p in self.swaps.improve(per_seat, bound) if p not in self.known]
            if not found:
                # The integer programme proves a bound: no lottery beats z + (best - mu).
                self.pricing.set_costs(per_seat)
                priced, ahead = self._price(solution, dual)
                best = tuple(round(v) for v in priced.values)
                self.best = best
                if _final(priced, solution):
                    self.ahead = ahead
                    return solution.objective, dual
                if best not in self.known:
                    found.append(best)
            if not found:
                return solution.objective, dual
            self.add(found)

    def _price(
        self, solution: Solution, dual: Sequence[float]
    ) -> tuple[Solution, list[Counts] | None]:
        """The integer programme's solution at the master's dual weights and, when aiming,
        the panels :meth:`aim` would add once this level is fixed: they are spread in this
        thread while the programme runs in another (HiGHS does not hold Python's lock). They
        serve only when it proves the level final; when it does not, their rounds stop
        early."""
        if not self.aiming:
            priced = self.pricing.run()
            assert priced is not None
            return priced, None
        fixed = self.fixed | dict.fromkeys(self.tight(dual), solution.objective)

        def spread(pricing: Future[Solution | None]) -> list[Counts]:
            def disproved() -> bool:
                return pricing.done() and not _final(pricing.result(), solution)

            return self._spread(solution.objective, fixed, disproved)

        priced, ahead = alongside(self.pricing.run, spread)
        assert priced is not None
        return priced, ahead

    def tight(self, dual: Sequence[float]) -> list[int]:
        """The free profiles a level with these dual weights fixes: those of positive weight
        (in a numerical corner, the one of largest weight)."""
        free = [t for t in range(len(self.problem.profiles)) if t not in self.fixed]
        return [t for t in free if dual[t] > TOLERANCE] or [max(free, key=lambda t: dual[t])]

    def _solve(self, meanwhile: Callable[[], None] | None) -> Solution | None:
        """The master's solution, ``meanwhile`` run while it is solved."""
        if meanwhile is None:
            return self.master.run()
        return alongside(self.master.run, lambda _: meanwhile())[0]

    def vertex(self, level: float) -> _Vertex:
        """The basis of the last master solution (see :class:`_Vertex`)."""
        columns, rows = self.master.basis()
        groups = {t: -1 for t, fixed in self.fixed.items() if t not in self.group_of}
        groups.update(self.group_of)
        return _Vertex(
            [self.panels[j - 1] for j in columns if j],
            0 in columns,
            [i - 1 for i in rows if i],
            groups,
            level,
        )

    def fix(self, profiles: Sequence[int], level: float) -> None:
        """Fix ``profiles`` at ``level``: their rows no longer involve ``z``.

        Idle panels are deleted first, while the last solution still describes the programme.
        """
        self.drop_idle()
        self.groups.append((list(profiles), level))
        for t in profiles:
            self.group_of[t] = len(self.groups) - 1
            self.fixed[t] = level
            self.master.set_coefficient(1 + t, 0, 0.0)
            self.master.set_row_bounds(1 + t, self._seats(t, level), INF)

    def _seats(self, t: int, level: float) -> float:
        """The seats profile ``t`` must get at ``level`` (a hair below, for rounding)."""
        return max(level - self.slack, 0.0) * self.sizes[t]

    def aim(self, level: float) -> None:
        """Add panels spread towards the next level (:meth:`_spread`), or those already
        spread while the level was proved. With them the master usually reaches the next
        level in a few rounds instead of many."""
        ahead, self.ahead = self.ahead, None
        self.add(self._spread(level, self.fixed) if ahead is None else ahead)

    def _spread(
        self, level: float, fixed: dict[int, float], stop: Callable[[], bool] | None = None
    ) -> list[Counts]:
        """Panels spread with every profile in ``fixed`` kept at its level and every other
        aimed :data:`AHEAD` times ``level``, from the last solution's heaviest panel."""
        n = len(self.problem.profiles)
        free = n - len(fixed)
        if not free or not self.panels:
            return []
        targets = [fixed.get(t, level * AHEAD) for t in range(n)]
        heaviest = max(range(len(self.panels)), key=lambda j: self.weights[j])
        return self.swaps.spread(self.panels[heaviest], targets, SPREAD_ROUNDS * free, stop)


def _final(priced: Solution | None, solution: Solution) -> bool:
    """Whether the integer programme's best panel proves the master's level final: no
    lottery can raise it by more than :data:`GAP` of its value."""
    assert priced is not None
    return priced.objective - solution.duals[0] <= GAP * max(solution.objective, 1e-9)


class Start:
    """The first panels of leximin, maximin and nash: spread from the first covering panel
    towards every profile that can be drawn. They can be spread ahead, while the feasibility
    check finds the other covering panels (pass :meth:`spread` as its ``meanwhile``)."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.swaps: Swaps | None = None
        self.panel: Counts | None = None
        self.excluded: frozenset[int] = frozenset()
        self.found: list[Counts] = []

    def spread(self, panel: Counts, excluded: Iterable[int] = ()) -> None:
        """Spread from ``panel`` towards every profile but the ``excluded``."""
        n = len(self.problem.profiles)
        self.excluded = frozenset(excluded)
        self.swaps = Swaps(self.problem)
        aims = [0.0 if t in self.excluded else 1.0 for t in range(n)]
        self.found = self.swaps.spread(panel, aims, n)
        self.panel = panel

    def of(self, panels: Sequence[Counts], excluded: Sequence[int]) -> tuple[Swaps, list[Counts]]:
        """The climbs and first panels of a lottery over ``panels``: those spread ahead when
        they started from its first panel with the same profiles excluded, else spread now."""
        if self.swaps is None or (self.panel, self.excluded) != (panels[0], frozenset(excluded)):
            self.spread(panels[0], excluded)
        assert self.swaps is not None  # spread sets it
        return self.swaps, self.found


def leximin(
    problem: Problem,
    panels: list[Counts],
    excluded: Sequence[int],
    *,
    levels: int | None = None,
    start: Start | None = None,
    slack: float = SLACK,
) -> Lottery:
    """The leximin lottery (``levels=1`` gives maximin); ``start`` may hold its first panels,
    spread ahead (:class:`Start`). When the final basis cannot be read exactly, it is solved
    again at :data:`FINE_SLACK`; if that fails too, the probabilities are rounded to
    multiples of ``1/10**9`` (:attr:`Lottery.recovered` is then False)."""
    n = len(problem.profiles)
    start = start or Start(problem)
    swaps, first_panels = start.of(panels, excluded)
    state = _Leximin(problem, panels, excluded, swaps, slack)
    state.add(first_panels)
    done = 0
    first: _Dual | None = None
    recovery = _Recovery(problem.sizes)
    last: _Vertex | None = None
    state.aiming = levels is None
    while len(state.fixed) < n and (levels is None or done < levels):
        # The last level's basis is read exactly while the master solves the next one.
        level, weights = state.level(None if last is None else partial(recovery.read, last))
        tight = state.tight(weights)
        last = state.vertex(level)
        if first is None:
            first = _Dual(tight, [weights[t] for t in tight], last.panels, state.best)
        state.fix(tight, level)
        done += 1
        if levels is None:
            state.aim(level)
    if last is not None:
        recovery.read(last)
    lottery = recovery.lottery(excluded)
    if lottery is None and slack > FINE_SLACK:
        return leximin(problem, panels, excluded, levels=levels, start=start, slack=FINE_SLACK)
    if lottery is None:
        lottery = _exact(state.panels, state.weights)
        lottery = evolve(lottery, levels=_levels(lottery, problem, state.groups, excluded))
    if first is None:
        return lottery
    return evolve(lottery, bound=first.bound(problem, lottery.panels))


@frozen
class _Vertex:
    """The master programme's basis at the end of one level: its basic panels, whether ``z``
    is basic, its tight profiles, and the group of each profile fixed so far (-1 for the
    excluded, which are held at zero)."""

    panels: list[Counts]
    z: bool
    tight: list[int]
    groups: dict[int, int]
    level: float


@frozen
class _Dual:
    """The first level's dual side: its tight profiles with their (floating-point) weights,
    the panels of its basis and the integer programme's best panel at those weights."""

    profiles: list[int]
    weights: list[float]
    basis: list[Counts]
    best: Counts

    def bound(self, problem: Problem, panels: Sequence[Counts]) -> Fraction:
        """An exact bound on any lottery's minimum: the most a panel is worth under exact
        weights on the tight profiles (summing to one).

        The weights are the rational solution of the basis (every basic panel worth the
        same), else the floating-point ones normalised exactly. Panels are valued exactly;
        the most valuable is the integer programme's (or a known one, if worth more).
        """
        sizes = problem.sizes
        m = len(self.profiles)
        rows = [
            [(k, panel[t]) for k, t in enumerate(self.profiles) if panel[t]] + [(m, -1)]
            for panel in self.basis
        ]
        rows.append([(k, sizes[t]) for k, t in enumerate(self.profiles)])
        solved = exact.solve(m + 1, rows, [0] * len(self.basis) + [1])
        if solved is not None and all(u >= 0 for u in solved[:m]):
            per_seat = list(solved[:m])
        else:
            per_seat = [
                Fraction(max(w, 0.0)) / sizes[t]
                for t, w in zip(self.profiles, self.weights, strict=True)
            ]
            total = sum(
                (u * sizes[t] for u, t in zip(per_seat, self.profiles, strict=True)), Fraction(0)
            )
            per_seat = [u / total for u in per_seat]

        def worth(panel: Counts) -> Fraction:
            return sum(
                (u * panel[t] for u, t in zip(per_seat, self.profiles, strict=True) if panel[t]),
                Fraction(0),
            )

        candidates = [*self.basis, *panels] + ([self.best] if self.best else [])
        return max(worth(panel) for panel in candidates)


class _Recovery:
    """The exact lottery and levels of the final basis, read level by level.

    Each level's basis is a square system: its basic panels' weights and ``z`` as
    unknowns; the weights summing to one and each tight profile held at its group's level
    (exact, from the earlier levels) or at ``z``. Its rational solution (:func:`.exact.solve`)
    gives the level exactly; the last one gives the lottery, kept when its weights are
    non-negative and every profile, exactly, is at or above its level.
    """

    def __init__(self, sizes: Sequence[int]) -> None:
        self.sizes = sizes
        self.levels: list[Fraction] = []
        self.weights: tuple[Fraction, ...] = ()
        self.final: _Vertex | None = None
        self.failed = False

    def read(self, vertex: _Vertex) -> None:
        """Read the basis at the end of the next level."""
        if self.failed or not vertex.z:
            self.failed = True
            return
        sizes, levels = self.sizes, self.levels
        b = len(vertex.panels)
        scale = math.lcm(*(level.denominator for level in levels))
        rows = [[(j, 1) for j in range(b)]]
        rhs = [scale]
        for t in vertex.tight:
            row = [(j, panel[t]) for j, panel in enumerate(vertex.panels) if panel[t]]
            g = vertex.groups.get(t)
            if g is None:
                rows.append([*row, (b, -sizes[t])])
                rhs.append(0)
            else:
                level = levels[g] if g >= 0 else Fraction(0)
                rows.append(row)
                rhs.append(int(level * scale * sizes[t]))
        solved = exact.solve(b + 1, rows, rhs)
        if solved is None:
            self.failed = True
            return
        levels.append(solved[b] / scale)
        self.weights = tuple(w / scale for w in solved[:b])
        self.final = vertex

    def lottery(self, excluded: Sequence[int]) -> Lottery | None:
        """The exact lottery of the last basis read, or None when it cannot be read."""
        final = self.final
        if self.failed or final is None or any(w < 0 for w in self.weights):
            return None
        levels = self.levels
        kept = sorted(
            ((p, w) for p, w in zip(final.panels, self.weights, strict=True) if w > 0),
            key=lambda item: (-item[1], item[0]),
        )
        lottery = Lottery(tuple(p for p, _ in kept), tuple(w for _, w in kept), recovered=True)
        probabilities = lottery.profile_probabilities(self.sizes)
        skip = set(excluded)
        for t, p in enumerate(probabilities):
            if t in skip:
                continue
            g = final.groups.get(t, len(levels) - 1)
            if p < levels[g]:
                return None
        return evolve(lottery, levels=tuple(levels))


def _levels(
    lottery: Lottery,
    problem: Problem,
    groups: Sequence[tuple[list[int], float]],
    excluded: Sequence[int],
) -> tuple[Fraction, ...]:
    """Each group's exact level under ``lottery``: its lowest probability (for the first,
    the lowest of everyone who can be selected)."""
    probabilities = lottery.profile_probabilities(problem.sizes)
    skip = set(excluded)
    live = [p for t, p in enumerate(probabilities) if t not in skip]
    return tuple(
        min(probabilities[t] for t in profiles) if g else min(live)
        for g, (profiles, _) in enumerate(groups)
    )


NASH_GAP = 1e-9
"""nash stops when no lottery can raise the sum of log-probabilities by more than this."""
ENTERING = 3
"""At most this many unused panels enter each Newton step of nash's master."""
NASH_GRAIN = 10**15
"""nash's panel probabilities are multiples of ``1/NASH_GRAIN`` (as the distribution file
writes them)."""


def _master(counts: Any, sizes: Any, weights: Any, tolerance: float) -> Any:
    """The panel weights maximising ``sum(sizes * log(weights @ counts))`` over the simplex.

    ``counts`` holds one known panel per row (seats per live profile); ``weights`` is a start
    whose panels include every live profile. Projected Newton (Bertsekas): panels at (or
    near) zero whose gradient is below the average stay at zero; on the others the step
    solves the Newton system with the weights' sum kept, then is cut, clipped at zero and
    scaled back to the simplex until the objective rises. A step that gains nothing gives way
    to a Frank-Wolfe step (towards the best panel). Stops when no known
    panel's gradient beats the average by ``tolerance``.
    """
    import numpy as np

    total = float(sizes.sum())
    p = weights.copy()
    y = p @ counts
    for _ in range(300):
        gradient = counts @ (sizes / y)
        gap = float(gradient.max()) - total
        if gap <= tolerance:
            break
        near = min(1e-3, gap / total)
        # The panels in use, and the few unused ones the gradient values most: letting every
        # unused panel with a high gradient in spreads the weight over far more panels
        # than there are profiles, where the Newton steps stall.
        entering = np.argsort(-gradient, kind="stable")[:ENTERING]
        use = p > near
        use[entering[gradient[entering] >= total]] = True
        free = np.flatnonzero(use)
        sub = counts[free]
        k = len(free)
        kkt = np.zeros((k + 1, k + 1))
        kkt[:k, :k] = (sub * (sizes / y**2)) @ sub.T
        kkt[:k, k] = 1.0
        kkt[k, :k] = 1.0
        rhs = np.concatenate([gradient[free], [0.0]])
        direction = np.zeros_like(p)
        # More panels than profiles make the Hessian singular; a small ridge keeps the
        # system solvable and the step short along directions that leave every profile's
        # probability as it is.
        kkt[:k, :k] += np.eye(k) * (1e-10 * float(np.trace(kkt[:k, :k])) / k)
        try:
            direction[free] = np.linalg.solve(kkt, rhs)[:k]
        except np.linalg.LinAlgError:  # pragma: no cover - the ridge makes it regular
            direction[free] = np.linalg.lstsq(kkt, rhs, rcond=None)[0][:k]
        moved = _cut(p, direction, counts, sizes, y, gap)
        if moved is None:  # a Frank-Wolfe step towards the best panel always gains
            direction = -p
            direction[int(np.argmax(gradient))] += 1.0
            moved = _cut(p, direction, counts, sizes, y, gap)
            if moved is None:  # the gain is below what floating point can see
                break
        p, y = moved
    return p


ROUNDING = 1e-13
"""A change of the objective smaller than this share of the people is rounding noise."""


def _cut(p: Any, direction: Any, counts: Any, sizes: Any, y: Any, gap: float) -> Any:
    """``p`` moved along ``direction`` (clipped at zero, scaled to sum one), the step halved
    until the objective rises (its change summed from ``log1p`` of each profile's relative
    change) or the gradient's gap shrinks below ``gap`` (near the optimum the gains fall
    below floating point while Newton steps still sharpen the probabilities): the new
    weights and seats per profile; None when no step does."""
    import numpy as np

    alpha = 1.0
    for _ in range(50):
        moved = np.maximum(p + alpha * direction, 0.0)
        moved /= moved.sum()
        reached = moved @ counts
        if not (reached > 0).all():
            alpha /= 2
            continue
        gain = float(sizes @ np.log1p((reached - y) / y))
        # A step that loses more than rounding can explain is never taken, or steps that
        # only shrink the gap could cycle.
        if gain > 0 or (
            gain >= -ROUNDING * float(sizes.sum())
            and float((counts @ (sizes / reached)).max() - sizes.sum()) < gap
        ):
            return moved, reached
        alpha /= 2
    return None


class _Nash:
    """Column generation for :func:`nash`: the panels known so far, the pricing programme.

    The restricted master (the best lottery over the known panels) is solved by
    :func:`_master`; the pricing programme finds the valid panel the gradient (``1/pi_t`` per
    seat of profile ``t``) values most, with a proven upper bound on that value.
    """

    def __init__(self, problem: Problem, live: Sequence[int]) -> None:
        import numpy as np

        self.np = np
        self.problem = problem
        self.live = list(live)
        self.sizes = np.array([problem.sizes[t] for t in live], dtype=float)
        self.panels: list[Counts] = []
        self.known: set[Counts] = set()
        self.rows: list[list[float]] = []
        self.pricing = pricing_programme(problem)
        # The proven bound must be within a fraction of NASH_GAP of the best panel.
        self.pricing.option("mip_rel_gap", 0.0)
        self.pricing.option("mip_abs_gap", NASH_GAP / 100)

    def add(self, panel: Counts) -> bool:
        """Add a panel; whether it was new."""
        if panel in self.known:
            return False
        self.known.add(panel)
        self.panels.append(panel)
        self.rows.append([float(panel[t]) for t in self.live])
        return True

    def price(self, pi: Sequence[float]) -> tuple[Counts, float]:
        """The valid panel the gradient values most and a proven upper bound on any panel's
        value (``pi`` per live profile)."""
        n = len(self.problem.profiles)
        per_seat = [0.0] * n
        for k, t in enumerate(self.live):
            per_seat[t] = 1.0 / pi[k]
        self.pricing.set_costs(per_seat)
        priced = self.pricing.run()
        assert priced is not None
        best = tuple(round(v) for v in priced.values)
        value = sum(per_seat[t] * best[t] for t in range(n))
        return best, max(value, priced.objective, self.pricing.bound())


def nash(
    problem: Problem,
    panels: list[Counts],
    excluded: Sequence[int],
    *,
    rounds: int = 200,
    start: Start | None = None,
) -> Lottery:
    """Maximise the sum over people of log(probability), to within :data:`NASH_GAP`.

    Column generation: the best lottery over the known panels (:func:`_master`, to high
    precision), then panels the gradient values more than the current lottery (from one-seat
    moves, else from the integer programme). The integer programme's proven bound ``B``
    certifies the result: by concavity no lottery beats the current one by more than
    ``B - N`` (``N`` the number of people who can be drawn); that gap, measured on the final
    exact probabilities, is :attr:`Lottery.gap`. ``start`` may hold its first panels, spread
    ahead (:class:`Start`).
    """
    import numpy as np

    n = len(problem.profiles)
    skip = set(excluded)
    live = [t for t in range(n) if t not in skip]
    state = _Nash(problem, live)
    swaps, first_panels = (start or Start(problem)).of(panels, excluded)
    for panel in [*dict.fromkeys(panels), *first_panels]:
        if state.add(panel):
            swaps.remember(panel)
    total = float(state.sizes.sum())
    weights = np.full(len(state.panels), 1.0 / len(state.panels))
    for _ in range(rounds):
        counts = np.array(state.rows)
        weights = _master(counts, state.sizes, weights, NASH_GAP / 100)
        pi = (weights @ counts) / state.sizes
        gradient = [0.0] * n
        for k, t in enumerate(live):
            gradient[t] = 1.0 / pi[k]
        found = [p for p in swaps.improve(gradient, total + NASH_GAP / 10) if p not in state.known]
        if not found:
            best, bound = state.price(list(pi))
            if bound - total <= NASH_GAP / 2:
                break
            found = [best]
        added = False
        for panel in found:
            if state.add(panel):
                swaps.remember(panel)
                added = True
        if not added:
            break
        weights = np.concatenate([weights, np.zeros(len(state.panels) - len(weights))])
    lottery = _exact(state.panels, [float(w) for w in weights], NASH_GRAIN)
    exact = lottery.profile_probabilities(problem.sizes)
    _, bound = state.price([float(exact[t]) for t in live])
    return evolve(lottery, gap=max(bound - total, 0.0))


def greedy(problem: Problem, rng: random.Random, attempts: int = 100) -> Counts | None:
    """One randomised greedy panel: fill the most urgent unmet minimum first, person by person.

    Each step takes the quota whose unmet minimum is largest relative to the candidates left
    for it (any quota once every minimum is met), then a uniformly random remaining person
    of that quota who breaks no maximum (and whose household has nobody seated yet). A dead
    end starts again, up to ``attempts`` times.
    """
    quotas = problem.quotas.quotas
    of_profile: list[list[int]] = [[] for _ in problem.profiles]
    for q, columns in enumerate(problem.counted):
        for t in columns:
            of_profile[t].append(q)
    home = {t: group for group in problem.households for t in group}
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
            open_ = set(room)
            urgency: list[tuple[float, int]] = []
            for q, quota in enumerate(quotas):
                need = quota.min - filled[q]
                if need > 0:
                    supply = sum(left[t] for t in problem.counted[q] if t in open_)
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
            for s in home.get(t, ()):
                left[s] = 0  # the rest of the household can no longer be seated
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
    problem: Problem,
    method: str,
    panels: list[Counts],
    excluded: Sequence[int],
    seed: str,
    start: Start | None = None,
) -> Lottery:
    """The lottery of ``method`` (one of :data:`METHODS`); ``start`` (all but ``legacy``)
    may hold its first panels, spread ahead (:class:`Start`)."""
    if method == "leximin":
        return leximin(problem, panels, excluded, start=start)
    if method == "maximin":
        return leximin(problem, panels, excluded, levels=1, start=start)
    if method == "nash":
        return nash(problem, panels, excluded, start=start)
    return legacy(problem, seed)
