"""Feasibility first: does a cohort meeting every quota exist, and if not, why not.

Everything works on profiles (distinct combinations of quota values) with a count of seats
per profile, never on individual people: people with the same profile are interchangeable.
People who share a household with someone else are not: each has a profile of their own, and
the bound "households apart" (never relaxed) allows at most one seat per household.

When no cohort exists, :func:`check` names an irreducible set of conflicting bounds (drop any
one of them and the rest can be met: a deletion filter) and the smallest relaxation, within
``min_flex``/``max_flex``, by one of :data:`RELAX_OBJECTIVES`: ``seats`` (fewest seats moved
over all minimums lowered and maximums raised), ``relative`` (the least sum over the bounds
moved of ``|new/old - 1|``, each bound's relative change; a maximum of 0 counts as 1) or
``weighted`` (the Sortition Foundation's code: lowering a minimum of ``m`` costs ``1 + 2/m``
a seat, so low minimums are the last to go, and raising a maximum costs 1 a seat). Every
proposal lists all three measures.
It also names the profiles no valid cohort can ever include, with the bounds that rule each
one out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction

from attrs import frozen

from shopperkit.model.pool import Pool
from shopperkit.selection.quotas import Profile, Quota, QuotaSet
from shopperkit.selection.solver import INF, Row, alongside, solve

Counts = tuple[int, ...]
"""Seats per profile, in the order of :attr:`Problem.profiles`."""
RELAX_OBJECTIVES = ("seats", "relative", "weighted")
"""What the smallest relaxation minimises (see the module's docstring)."""


HOUSEHOLDS = "households"
"""The kind of the bound keeping households apart (``quota`` is -1): at most one seat per
household."""


@frozen
class Bound:
    """One side of one quota: ``kind`` is ``min`` or ``max``; or households apart (``kind``
    :data:`HOUSEHOLDS`, ``quota`` -1)."""

    quota: int
    kind: str


@frozen
class Problem:
    """The selection problem over profiles: sizes, seats and which profiles each quota counts.

    ``households`` lists, for each household of two or more candidates, its members'
    profiles (each of size one): at most one of them may be seated.
    """

    quotas: QuotaSet
    profiles: tuple[Profile, ...]
    members: tuple[tuple[str, ...], ...]
    counted: tuple[tuple[int, ...], ...]
    households: tuple[tuple[int, ...], ...] = ()

    @property
    def sizes(self) -> tuple[int, ...]:
        """How many people share each profile."""
        return tuple(len(group) for group in self.members)

    @classmethod
    def of(
        cls, quotas: QuotaSet, pool: Pool, households: Mapping[str, int] | None = None
    ) -> Problem:
        """The problem for ``pool`` under ``quotas`` (a pool that passes
        :func:`shopperkit.selection.check_pool`): candidates grouped by profile, profiles and
        ids sorted. ``households`` numbers the household of each candidate who shares one
        (see :func:`shopperkit.selection.households.household_groups`); each such candidate
        is a profile of their own."""
        features = quotas.features
        living = households or {}
        found: dict[Profile, list[str]] = defaultdict(list)
        alone: list[tuple[Profile, list[str]]] = []
        for candidate in pool.candidates:
            profile = tuple(candidate.values[feature] for feature in features)
            if candidate.id in living:
                alone.append((profile, [candidate.id]))
            else:
                found[profile].append(candidate.id)
        entries = sorted([(profile, sorted(ids)) for profile, ids in found.items()] + alone)
        profiles = tuple(profile for profile, _ in entries)
        members = tuple(tuple(ids) for _, ids in entries)
        together: dict[int, list[int]] = defaultdict(list)
        for t, ids in enumerate(members):
            if ids[0] in living:
                together[living[ids[0]]].append(t)
        groups = tuple(tuple(together[h]) for h in sorted(together) if len(together[h]) > 1)
        position = {feature: i for i, feature in enumerate(features)}
        counted = tuple(
            tuple(
                t
                for t, profile in enumerate(profiles)
                if profile[position[quota.feature]] == quota.value
            )
            for quota in quotas.quotas
        )
        return cls(quotas, profiles, members, counted, groups)

    def rows(self, bounds: Iterable[Bound]) -> list[Row]:
        """The seat-count row and one row per kept bound (one per household for households
        apart)."""
        sizes = self.sizes
        rows = [
            Row(tuple(range(len(sizes))), (1.0,) * len(sizes), self.quotas.seats, self.quotas.seats)
        ]
        for bound in bounds:
            if bound.kind == HOUSEHOLDS:
                rows.extend(self.household_rows())
                continue
            quota = self.quotas.quotas[bound.quota]
            columns = self.counted[bound.quota]
            if bound.kind == "min":
                rows.append(Row(columns, (1.0,) * len(columns), quota.min, INF))
            else:
                rows.append(Row(columns, (1.0,) * len(columns), -INF, quota.max))
        return rows

    def household_rows(self) -> list[Row]:
        """At most one seat per household."""
        return [Row(group, (1.0,) * len(group), -INF, 1.0) for group in self.households]

    def all_bounds(self) -> list[Bound]:
        """Both sides of every quota, in file order, then households apart (if any)."""
        bounds = [Bound(i, kind) for i in range(len(self.quotas.quotas)) for kind in ("min", "max")]
        if self.households:
            bounds.append(Bound(-1, HOUSEHOLDS))
        return bounds

    def meets(self, counts: Sequence[int]) -> bool:
        """Whether seat counts per profile fill the seats, meet every quota and keep
        households apart."""
        if sum(counts) != self.quotas.seats:
            return False
        if any(c < 0 or c > n for c, n in zip(counts, self.sizes, strict=True)):
            return False
        if any(sum(counts[t] for t in group) > 1 for group in self.households):
            return False
        for quota, columns in zip(self.quotas.quotas, self.counted, strict=True):
            seats = sum(counts[t] for t in columns)
            if not quota.min <= seats <= quota.max:
                return False
        return True


def find_panel(
    problem: Problem,
    weights: Sequence[float] | None = None,
    *,
    bounds: Iterable[Bound] | None = None,
    force: int | None = None,
    upper: Sequence[int] | None = None,
) -> Counts | None:
    """Seat counts meeting the bounds (all by default) that maximise ``weights``; or None.

    ``force`` makes the panel include at least one person of that profile; ``upper`` caps
    each profile's seats (the pool sizes by default).
    """
    sizes = problem.sizes
    lower = [0.0] * len(sizes)
    if force is not None:
        lower[force] = 1.0
    caps = [float(u) for u in (upper if upper is not None else sizes)]
    if any(low > cap for low, cap in zip(lower, caps, strict=True)):
        return None
    solution = solve(
        list(weights) if weights is not None else [0.0] * len(sizes),
        lower,
        caps,
        problem.rows(problem.all_bounds() if bounds is None else bounds),
        maximize=True,
        integer=True,
    )
    if solution is None:
        return None
    return tuple(round(v) for v in solution.values)


def conflict(problem: Problem, *, force: int | None = None) -> list[Bound]:
    """An irreducible set of bounds that cannot all be met (deletion filter)."""
    kept = problem.all_bounds()
    for bound in list(kept):
        trial = [b for b in kept if b != bound]
        if find_panel(problem, bounds=trial, force=force) is None:
            kept = trial
    return kept


def seat_weight(kind: str, current: int) -> Fraction:
    """What moving one bound by one seat costs under ``weighted``: ``1 + 2/current`` to lower
    a minimum (a minimum of 0 cannot be lowered), 1 to raise a maximum."""
    return 1 + Fraction(2, current) if kind == "min" else Fraction(1)


def relative_change(current: int, seats: int) -> Fraction:
    """A bound's relative change when it moves by ``seats``: ``|new/old - 1|``, that is
    ``seats / current`` (a bound of 0 counts as 1)."""
    return Fraction(seats, current or 1)


@frozen
class Move:
    """Move one bound: lower a minimum or raise a maximum, by ``seats``, to ``to``;
    ``weight`` is the move's measure under ``weighted`` (``seats`` times
    :func:`seat_weight`) and ``relative`` its relative change (:func:`relative_change`), both
    exact."""

    feature: str
    value: str
    kind: str
    current: int
    to: int
    seats: int
    weight: Fraction = Fraction(0)
    relative: Fraction = Fraction(0)


def relaxation(problem: Problem, objective: str = "seats") -> list[Move] | None:
    """The smallest relaxation under ``objective`` (one of :data:`RELAX_OBJECTIVES`); None
    if none fits the flex. Households stay apart: only quotas move."""
    quotas = problem.quotas.quotas
    seats = problem.quotas.seats
    n = len(problem.profiles)
    costs = [0.0] * n
    for quota in quotas:
        if objective == "weighted":
            costs += [float(seat_weight("min", quota.min)) if quota.min else 0.0, 1.0]
        elif objective == "relative":
            costs += [float(relative_change(quota.min, 1)), float(relative_change(quota.max, 1))]
        else:
            costs += [1.0, 1.0]
    lower = [0.0] * (n + 2 * len(quotas))
    upper: list[float] = [float(size) for size in problem.sizes]
    rows = [Row(tuple(range(n)), (1.0,) * n, seats, seats)]
    for i, quota in enumerate(quotas):
        floor = quota.min_flex if quota.min_flex is not None else 0
        ceiling = quota.max_flex if quota.max_flex is not None else seats
        upper.append(float(max(0, quota.min - floor)))
        upper.append(float(max(0, ceiling - quota.max)))
        columns = problem.counted[i]
        ones = (1.0,) * len(columns)
        rows.append(Row((*columns, n + 2 * i), (*ones, 1.0), quota.min, INF))
        rows.append(Row((*columns, n + 2 * i + 1), (*ones, -1.0), -INF, quota.max))
    rows.extend(problem.household_rows())
    solution = solve(costs, lower, upper, rows, maximize=False, integer=True)
    if solution is None:
        return None
    moves: list[Move] = []
    for i, quota in enumerate(quotas):
        down = round(solution.values[n + 2 * i])
        up = round(solution.values[n + 2 * i + 1])
        for kind, moved, to in (("min", down, quota.min - down), ("max", up, quota.max + up)):
            current = quota.min if kind == "min" else quota.max
            if moved:
                weight = moved * seat_weight(kind, current)
                relative = relative_change(current, moved)
                moves.append(
                    Move(quota.feature, quota.value, kind, current, to, moved, weight, relative)
                )
    return moves


@frozen
class BoundReport:
    """A bound in a report: which quota, which side, its seats and the pool's count.

    Households apart is reported as feature ``households``, value ``apart``, kind
    ``households``, ``seats`` 1 (per household) and ``pool`` the number of households of two
    or more."""

    feature: str
    value: str
    kind: str
    seats: int
    pool: int


@frozen
class Excluded:
    """A profile no valid cohort can include, and the bounds that rule it out."""

    profile: dict[str, str]
    candidates: int
    ruled_out_by: tuple[BoundReport, ...]


@frozen
class Feasibility:
    """The answer of :func:`check`: feasible or not, the conflict and the smallest fix."""

    feasible: bool
    seats: int
    conflict: tuple[BoundReport, ...] = ()
    relaxation: tuple[Move, ...] | None = None
    excluded: tuple[Excluded, ...] = ()
    objective: str = "seats"
    """What :attr:`relaxation` minimises (one of :data:`RELAX_OBJECTIVES`)."""

    @property
    def seats_moved(self) -> int | None:
        """The relaxation's seats moved in total (None without one)."""
        return None if self.relaxation is None else sum(m.seats for m in self.relaxation)

    @property
    def weight_moved(self) -> Fraction | None:
        """The relaxation's measure under ``weighted``, exact (None without one)."""
        if self.relaxation is None:
            return None
        return sum((m.weight for m in self.relaxation), Fraction(0))

    @property
    def relative_moved(self) -> Fraction | None:
        """The relaxation's sum of relative changes, exact (None without one)."""
        if self.relaxation is None:
            return None
        return sum((m.relative for m in self.relaxation), Fraction(0))


def describe(problem: Problem, bounds: Iterable[Bound]) -> tuple[BoundReport, ...]:
    """Bounds as reports, with the seats each asks for and how many the pool has."""
    sizes = problem.sizes
    found = []
    for bound in bounds:
        if bound.kind == HOUSEHOLDS:
            found.append(BoundReport(HOUSEHOLDS, "apart", HOUSEHOLDS, 1, len(problem.households)))
            continue
        quota: Quota = problem.quotas.quotas[bound.quota]
        seats = quota.min if bound.kind == "min" else quota.max
        pool = sum(sizes[t] for t in problem.counted[bound.quota])
        found.append(BoundReport(quota.feature, quota.value, bound.kind, seats, pool))
    return tuple(found)


def cover(
    problem: Problem, meanwhile: Callable[[Counts], object] | None = None
) -> tuple[list[Counts], list[int]] | None:
    """Panels that together include every profile that can be included, and those that
    cannot; None when no panel meets the quotas.

    Each step asks for a valid panel with the most not-yet-included profiles; a profile still
    left out is then tested on its own. ``meanwhile`` is called with the first panel, in this
    thread, while the others are found in another (HiGHS does not hold Python's lock).
    """
    covered = [False] * len(problem.profiles)
    first = _widest(problem, covered)
    if first is None:
        return None
    if meanwhile is None:
        return _cover_from(problem, first, covered)
    return alongside(lambda: _cover_from(problem, first, covered), lambda _: meanwhile(first))[0]


def _widest(problem: Problem, covered: Sequence[bool]) -> Counts | None:
    """A valid panel with the most profiles not covered yet (None when there is none)."""
    weights = [0.0 if done else 1.0 for done in covered]
    # One seat of an uncovered profile is worth 1; more seats are worth nothing extra.
    upper = [1 if not done else size for done, size in zip(covered, problem.sizes, strict=True)]
    panel = find_panel(problem, weights, upper=upper)
    return find_panel(problem, weights) if panel is None else panel


def _cover_from(
    problem: Problem, panel: Counts | None, covered: list[bool]
) -> tuple[list[Counts], list[int]]:
    n = len(problem.profiles)
    panels: list[Counts] = []
    excluded: list[int] = []
    while panel is not None:
        gained = [t for t in range(n) if panel[t] and not covered[t]]
        if not gained:
            break
        panels.append(panel)
        for t in gained:
            covered[t] = True
        panel = _widest(problem, covered)
    else:
        return panels, list(range(n))
    for t in range(n):
        if covered[t]:
            continue
        found = find_panel(problem, force=t)
        if found is None:
            excluded.append(t)
            continue
        panels.append(found)
        for s in range(n):
            if found[s]:
                covered[s] = True
    return panels, excluded


def check(
    problem: Problem,
    objective: str = "seats",
    meanwhile: Callable[[Counts], object] | None = None,
) -> tuple[Feasibility, list[Counts]]:
    """Decide feasibility; explain a conflict (with the smallest relaxation under
    ``objective``), or list the profiles that can never be drawn.

    Also returns valid panels covering every profile that can be drawn (a start for the
    lotteries; ``meanwhile`` is called with the first while the others are found, see
    :func:`cover`).
    """
    seats = problem.quotas.seats
    # The first covering panel, if there is one, proves the quotas can be met.
    covering = cover(problem, meanwhile)
    if covering is None:
        bounds = conflict(problem)
        moves = relaxation(problem, objective)
        return Feasibility(
            False,
            seats,
            describe(problem, bounds),
            None if moves is None else tuple(moves),
            objective=objective,
        ), []
    panels, never = covering
    excluded = tuple(
        Excluded(
            dict(zip(problem.quotas.features, problem.profiles[t], strict=True)),
            problem.sizes[t],
            describe(problem, conflict(problem, force=t)),
        )
        for t in never
    )
    return Feasibility(True, seats, excluded=excluded, objective=objective), panels


def uncovered(problem: Problem, panels: Sequence[Counts]) -> list[int]:
    """The profiles none of ``panels`` seats: given :func:`check`'s covering panels, those
    that can never be drawn (the lotteries leave them out)."""
    return [t for t in range(len(problem.profiles)) if not any(p[t] for p in panels)]
