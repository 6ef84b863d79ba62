"""Uniform lotteries: a fair lottery rounded to ``M`` panels of chance ``1/M`` each, so that a
public draw (dice, numbered balls, a published lottery result) can pick one.

The rounding follows Flanigan, Kehne and Procaccia ("Fair Sortition Made Transparent",
NeurIPS 2021), on profiles. Panel ``j`` of the fair lottery (seat counts per profile, chance
``p_j``) gets ``n_j`` copies, ``n_j`` being ``floor(M*p_j)`` or ``ceil(M*p_j)`` and the copies
summing to ``M``. Which panels round up is chosen by iterated linear programming in the manner
of Beck and Fiala: the fractional parts are kept as variables in ``[0, 1]`` whose sum and
whose expected seats per person of each profile are held fixed; each vertex of that programme
makes some variables whole, and a profile's row is dropped once the fractional panels still
giving it seats weigh at most ``2*L``, where ``L`` is the largest number of seats per person
summed over the profiles of one panel (``sum_t c_jt/s_t``; at most the seats). Each profile's
expected seats per person then move by less than ``2*L``.

Within a profile the ``S_t`` seats of the ``M`` panels are handed out in turn (ids sorted), so
each person sits in ``floor(S_t/s_t)`` or ``ceil(S_t/s_t)`` panels. Hence the guarantee:
**every person's chance under the uniform lottery is within ``(2*L + 1)/M`` of the fair one**
(:func:`bound`). A local search then swaps a panel rounded up with one rounded down while that
raises the smallest chance (then lowers the number of people at it) and keeps the guarantee.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from fractions import Fraction

from attrs import frozen

from shopperkit.errors import InputError
from shopperkit.selection.feasibility import Counts
from shopperkit.selection.solver import Row, solve

Cohort = tuple[str, ...]
EPSILON = 1e-7
"""A variable this close to 0 or 1 in a vertex is taken as whole."""
SWAPS = 4000
"""At most this many improving swaps in the local search."""
CANDIDATES = 60
"""Panels tried on each side of a swap."""
MOST = 1_000_000
"""The most panels a uniform lottery may have."""


@frozen
class Uniform:
    """``M`` panels of chance ``1/M`` each (numbered from 1, in this order), everyone's chance
    under them and under the fair lottery (exact), and the guaranteed bound on the gap."""

    panels: tuple[Cohort, ...]
    fair: Mapping[str, Fraction]
    uniform: Mapping[str, Fraction]
    bound: Fraction

    @property
    def size(self) -> int:
        """``M``, the number of panels."""
        return len(self.panels)

    @property
    def fair_minimum(self) -> Fraction:
        """The smallest positive chance under the fair lottery."""
        return min((p for p in self.fair.values() if p > 0), default=Fraction(0))

    @property
    def uniform_minimum(self) -> Fraction:
        """The smallest chance under the uniform lottery of anyone the fair one can draw."""
        return min(
            (self.uniform[person] for person, p in self.fair.items() if p > 0),
            default=Fraction(0),
        )

    @property
    def loss(self) -> Fraction:
        """Fair minimum minus uniform minimum (negative when the rounding gains)."""
        return self.fair_minimum - self.uniform_minimum


def weight(panel: Counts, sizes: Sequence[int]) -> Fraction:
    """Seats per person summed over the profiles of ``panel``: ``sum_t c_t/s_t``."""
    return sum((Fraction(c, s) for c, s in zip(panel, sizes, strict=True) if c), Fraction(0))


def largest_weight(panels: Sequence[Counts], sizes: Sequence[int]) -> Fraction:
    """``L``: the largest :func:`weight` of any panel (exact; floats only pick candidates)."""
    if not panels:
        return Fraction(0)
    rough = [sum(c / s for c, s in zip(panel, sizes, strict=True) if c) for panel in panels]
    top = max(rough)
    return max(weight(panels[j], sizes) for j, w in enumerate(rough) if w >= top - 1e-6)


def bound(panels: Sequence[Counts], sizes: Sequence[int], m: int) -> Fraction:
    """The guaranteed gap between anyone's uniform and fair chance: ``(2*L + 1)/M``."""
    return (2 * largest_weight(panels, sizes) + 1) / m


def _beck_fiala(
    columns: Sequence[Sequence[tuple[int, float]]], parts: list[float], threshold: float
) -> list[int]:
    """Round fractional parts to 0 or 1 keeping their (integer) sum and, for each profile
    while its remaining weight exceeds ``threshold``, its expected seats per person.
    ``columns[t]`` lists the panels giving profile ``t`` seats, with seats per person."""
    values = [float(round(v)) if not EPSILON < v < 1 - EPSILON else v for v in parts]
    free = [j for j, v in enumerate(values) if EPSILON < v < 1 - EPSILON]
    active = list(range(len(columns)))
    while free:
        index = {j: i for i, j in enumerate(free)}
        total = sum(values[j] for j in free)
        rows = [Row(tuple(range(len(free))), (1.0,) * len(free), total, total)]
        kept = []
        for t in active:
            entries = [(index[j], a) for j, a in columns[t] if j in index]
            if sum(a for _, a in entries) <= threshold:
                continue
            kept.append(t)
            target = sum(a * values[free[i]] for i, a in entries)
            rows.append(
                Row(tuple(i for i, _ in entries), tuple(a for _, a in entries), target, target)
            )
        active = kept
        if len(rows) == 1:
            ones = round(total)
            found = [1.0 if i < ones else 0.0 for i in range(len(free))]
        else:
            solution = solve(
                [0.0] * len(free),
                [0.0] * len(free),
                [1.0] * len(free),
                rows,
                maximize=False,
                integer=False,
            )
            if solution is None:  # pragma: no cover - the current point is feasible
                raise InputError("uniform_rounding_failed")
            found = list(solution.values)
        still = []
        for i, j in enumerate(free):
            v = found[i]
            if v <= EPSILON or v >= 1 - EPSILON:
                values[j] = float(round(v))
            else:
                values[j] = v
                still.append(j)
        if len(still) == len(free):  # pragma: no cover - only on numerical trouble
            nearest = min(still, key=lambda j: min(values[j], 1 - values[j]))
            values[nearest] = float(round(values[nearest]))
            still.remove(nearest)
        free = still
    return [round(v) for v in values]


class _Search:
    """Swaps of one copy between a panel rounded up and one rounded down, in integers: a
    profile's seats ``S`` stay within the guarantee while ``|S*D - N| * b < 2*a*D*s`` (``N/D``
    the expected seats, ``a/b`` the largest weight ``L``)."""

    def __init__(
        self,
        panels: Sequence[dict[int, int]],
        columns: Sequence[Sequence[tuple[int, float]]],
        sizes: Sequence[int],
        low: Sequence[int],
        counts: list[int],
        expected: Sequence[int],
        denominator: int,
        largest: Fraction,
    ) -> None:
        self.panels = panels
        self.columns = columns
        self.sizes = sizes
        self.low = low
        self.counts = counts
        self.expected = expected
        self.denominator = denominator
        self.largest = largest
        self.drawable = [n > 0 for n in expected]
        self.seats = [0] * len(sizes)
        for j, n in enumerate(counts):
            for t, c in panels[j].items():
                self.seats[t] += n * c

    def score(self, seats: Sequence[int]) -> tuple[int, int]:
        """(fewest panels anyone drawable sits in, minus how many people sit in that few)."""
        level = min(
            (s // n for s, n, d in zip(seats, self.sizes, self.drawable, strict=True) if d),
            default=0,
        )
        return level, -self._at(seats, level)

    def _at(self, seats: Sequence[int], level: int, profiles: Sequence[int] | None = None) -> int:
        """How many people of ``profiles`` (all by default) sit in ``level`` panels."""
        found = 0
        for s, t in zip(seats, range(len(seats)) if profiles is None else profiles, strict=True):
            n = self.sizes[t]
            if self.drawable[t] and s // n == level:
                found += n - s % n
        return found

    def within(self, t: int, seats: int) -> bool:
        """Whether the profile's seats per person stay strictly within the guarantee."""
        a, b = self.largest.numerator, self.largest.denominator
        gap = abs(seats * self.denominator - self.expected[t])
        return gap * b < 2 * a * self.denominator * self.sizes[t]

    def improve(self) -> None:
        """Swap while a swap improves :meth:`score`."""
        for _ in range(SWAPS):
            if not self._step():
                return

    def _step(self) -> bool:
        seats = self.seats
        sizes = self.sizes
        level, minus_at = self.score(seats)
        worst = [
            t
            for t, (s, n) in enumerate(zip(seats, sizes, strict=True))
            if self.drawable[t] and s // n == level
        ]
        gain: dict[int, float] = {}
        for t in worst:
            for j, a in self.columns[t]:
                gain[j] = gain.get(j, 0.0) + a
        ups = sorted(
            (j for j in gain if self.counts[j] == self.low[j]), key=lambda j: (-gain[j], j)
        )
        downs = [
            j
            for j, (n, lo) in enumerate(zip(self.counts, self.low, strict=True))
            if n > lo and j not in gain
        ]
        worst_set = set(worst)
        for up in ups[:CANDIDATES]:
            for down in downs[:CANDIDATES]:
                changed = dict.fromkeys(self.panels[up].keys() | self.panels[down].keys(), 0)
                for t in changed:
                    changed[t] = seats[t] + self.panels[up].get(t, 0) - self.panels[down].get(t, 0)
                if not all(self.within(t, s) for t, s in changed.items()):
                    continue
                if any(self.drawable[t] and s // sizes[t] < level for t, s in changed.items()):
                    continue
                if worst_set <= changed.keys():
                    trial = list(seats)
                    for t, s in changed.items():
                        trial[t] = s
                    better = self.score(trial) > (level, minus_at)
                else:
                    before = self._at([seats[t] for t in changed], level, list(changed))
                    after = self._at(list(changed.values()), level, list(changed))
                    better = after < before
                if better:
                    for t, s in changed.items():
                        seats[t] = s
                    self.counts[up] += 1
                    self.counts[down] -= 1
                    return True
        return False


def round_lottery(
    panels: Sequence[Counts], weights: Sequence[int], sizes: Sequence[int], m: int
) -> list[int]:
    """Copies of each panel of chance ``weights[j]/sum(weights)``: ``floor(m*p)`` or
    ``ceil(m*p)``, summing to ``m`` (see the module's docstring for the guarantee)."""
    if not 1 <= m <= MOST:
        raise InputError("uniform_panels_invalid", {"panels": m})
    denominator = sum(weights)
    low = [m * w // denominator for w in weights]
    parts = [(m * w - lo * denominator) / denominator for w, lo in zip(weights, low, strict=True)]
    sparse = [{t: c for t, c in enumerate(panel) if c} for panel in panels]
    columns: list[list[tuple[int, float]]] = [[] for _ in sizes]
    expected = [0] * len(sizes)
    for j, panel in enumerate(sparse):
        for t, c in panel.items():
            columns[t].append((j, c / sizes[t]))
            expected[t] += m * weights[j] * c
    largest = largest_weight(panels, sizes)
    rounded = _beck_fiala(columns, parts, float(2 * largest))
    counts = [lo + r for lo, r in zip(low, rounded, strict=True)]
    search = _Search(sparse, columns, sizes, low, counts, expected, denominator, largest)
    search.improve()
    return search.counts


def assign(
    panels: Sequence[Counts], counts: Sequence[int], groups: Sequence[Sequence[str]]
) -> list[Cohort]:
    """The named cohorts of ``counts[j]`` copies of each profile panel, in panel order; each
    profile's people take its seats in turn, so nobody sits twice in a panel and everyone of
    a profile sits in the same number of panels, give or take one."""
    turn = [0] * len(groups)
    cohorts: list[Cohort] = []
    for panel, copies in zip(panels, counts, strict=True):
        for _ in range(copies):
            members: list[str] = []
            for t, seats in enumerate(panel):
                group = groups[t]
                for _ in range(seats):
                    members.append(group[turn[t] % len(group)])
                    turn[t] += 1
            cohorts.append(tuple(sorted(members)))
    return cohorts


def chances(cohorts: Sequence[Cohort], everyone: Sequence[str]) -> dict[str, Fraction]:
    """Everyone's chance when each cohort has chance ``1/len(cohorts)``."""
    seats = dict.fromkeys(everyone, 0)
    for cohort in cohorts:
        for person in cohort:
            seats[person] += 1
    return {person: Fraction(n, len(cohorts)) for person, n in seats.items()}


def profile_lottery(
    rows: Sequence[tuple[Fraction, Cohort]], of: Mapping[str, int], profiles: int
) -> tuple[list[Counts], list[Fraction]]:
    """The lottery over profile panels behind named cohorts (equal panels merged), most
    probable first."""
    merged: dict[tuple[int, ...], Fraction] = {}
    for p, cohort in rows:
        key = tuple(sorted(of[person] for person in cohort))
        merged[key] = merged.get(key, Fraction(0)) + p
    counted: dict[Counts, Fraction] = {}
    for key, p in merged.items():
        counts = [0] * profiles
        for t in key:
            counts[t] += 1
        counted[tuple(counts)] = p
    order = sorted(counted, key=lambda panel: (-counted[panel], panel))
    return order, [counted[panel] for panel in order]


def fair_chances(
    rows: Sequence[tuple[Fraction, Cohort]], everyone: Sequence[str]
) -> dict[str, Fraction]:
    """Everyone's chance under the lottery ``rows``, exactly (summed in integers)."""
    denominator = math.lcm(*(p.denominator for p, _ in rows)) if rows else 1
    totals = dict.fromkeys(everyone, 0)
    for p, cohort in rows:
        w = p.numerator * (denominator // p.denominator)
        for person in cohort:
            totals[person] += w
    return {person: Fraction(n, denominator) for person, n in totals.items()}


def uniform_lottery(
    rows: Sequence[tuple[Fraction, Cohort]],
    groups: Sequence[Sequence[str]],
    m: int,
) -> Uniform:
    """The fair lottery ``rows`` (named cohorts and exact chances summing to one) rounded to
    ``m`` panels; ``groups`` are the people of each profile (ids sorted)."""
    if not 1 <= m <= MOST:
        raise InputError("uniform_panels_invalid", {"panels": m})
    of = {person: t for t, group in enumerate(groups) for person in group}
    panels, probabilities = profile_lottery(rows, of, len(groups))
    denominator = math.lcm(*(p.denominator for p in probabilities)) if probabilities else 1
    weights = [p.numerator * (denominator // p.denominator) for p in probabilities]
    sizes = [len(group) for group in groups]
    counts = round_lottery(panels, weights, sizes, m)
    cohorts = assign(panels, counts, groups)
    everyone = sorted(of)
    return Uniform(
        tuple(cohorts),
        fair_chances(rows, everyone),
        chances(cohorts, everyone),
        bound(panels, sizes, m),
    )


def pick_rule(m: int) -> str:
    """How to pick one of ``m`` panels in public, in English."""
    digits = len(str(m)) - 1
    if m == 10**digits and digits > 0:
        return (
            f"roll {digits} ten-sided {'die' if digits == 1 else 'dice'} in turn and read the "
            f"faces as the digits of one number, first roll first; {'0' * digits} means "
            f"panel {m}"
        )
    return (
        f"draw one of {m} numbered balls; or take a published lottery number N agreed "
        f"beforehand and pick panel (N mod {m}) + 1"
    )


def pick_panel(m: int, pick: int) -> int:
    """The panel number (1..m) that a public pick names: ``pick`` itself, or ``m`` for 0
    (dice reading all zeros); anything else is refused."""
    if pick == 0 and m > 1 and m == 10 ** (len(str(m)) - 1):
        return m
    if not 1 <= pick <= m:
        raise InputError("uniform_pick_invalid", {"pick": pick, "panels": m})
    return pick


UNIFORM_FILE = "uniform.csv"
UNIFORM_PROBABILITIES_FILE = "uniform_probabilities.csv"
UNIFORM_SUMMARY_FILE = "uniform.json"
UNIFORM_FORMAT = "shopperkit-uniform/1"
UNIFORM_RULE = "shopperkit-uniform/1"
"""The draw rule of a revealed uniform lottery: the public pick names the panel."""
_FRACTION = re.compile(r"-?[0-9]{1,60}(?:/[0-9]{1,60})?", re.ASCII)
_SUMMARY_KEYS = (
    "format",
    "panels",
    "distribution_sha256",
    "uniform_sha256",
    "bound",
    "fair_minimum",
    "uniform_minimum",
    "loss",
    "pick_rule",
)


def fraction_text(value: Fraction) -> str:
    """An exact fraction as ``numerator/denominator`` (``0`` and whole numbers as they are)."""
    return str(value)


def parse_fraction(text: str, where: str) -> Fraction:
    """A fraction written by :func:`fraction_text`; anything else is ``uniform_malformed``."""
    if not _FRACTION.fullmatch(text) or text.endswith("/0"):
        raise InputError("uniform_malformed", where=where)
    return Fraction(text)


def panels_text(cohorts: Sequence[Cohort]) -> str:
    """``uniform.csv``: ``panel_number,member_ids``, numbered from 1."""
    from shopperkit.io.files import csv_text
    from shopperkit.selection.audit import member_list

    return csv_text(
        ("panel_number", "member_ids"),
        (
            {"panel_number": n, "member_ids": member_list(cohort)}
            for n, cohort in enumerate(cohorts, start=1)
        ),
    )


def parse_panels(text: str) -> list[Cohort]:
    """The panels of a ``uniform.csv`` text, in order; numbers must run 1, 2, ... M."""
    from pathlib import Path

    from shopperkit.io.files import csv_rows
    from shopperkit.selection.audit import parse_member_list

    _, rows = csv_rows(Path(UNIFORM_FILE), ("panel_number", "member_ids"), text=text)
    found = []
    for n, (line, row) in enumerate(rows, start=1):
        if row["panel_number"] != str(n):
            raise InputError("uniform_malformed", where=f"{UNIFORM_FILE}:{line}")
        found.append(parse_member_list(row["member_ids"]))
    return found


def probabilities_text(uniform: Uniform) -> str:
    """``uniform_probabilities.csv``: ``id,fair,uniform``, exact; the uniform one written
    over ``M`` (``67/1000``)."""
    from shopperkit.io.files import csv_text

    m = uniform.size
    return csv_text(
        ("id", "fair", "uniform"),
        (
            {
                "id": person,
                "fair": fraction_text(fair),
                "uniform": f"{uniform.uniform[person] * m}/{m}",
            }
            for person, fair in sorted(uniform.fair.items())
        ),
    )


def parse_probabilities(text: str) -> list[tuple[str, Fraction, Fraction]]:
    """The rows of a ``uniform_probabilities.csv`` text: id, fair and uniform chance."""
    from pathlib import Path

    from shopperkit.io.files import csv_rows

    _, rows = csv_rows(Path(UNIFORM_PROBABILITIES_FILE), ("id", "fair", "uniform"), text=text)
    return [
        (
            row["id"],
            parse_fraction(row["fair"], f"{UNIFORM_PROBABILITIES_FILE}:{line}"),
            parse_fraction(row["uniform"], f"{UNIFORM_PROBABILITIES_FILE}:{line}"),
        )
        for line, row in rows
    ]


def summary(uniform: Uniform, distribution_sha256: str, panels_sha256: str) -> dict[str, object]:
    """``uniform.json``'s content: M, the hashes, the bound, both minimums, the loss and how
    to pick a panel in public."""
    return {
        "format": UNIFORM_FORMAT,
        "panels": uniform.size,
        "distribution_sha256": distribution_sha256,
        "uniform_sha256": panels_sha256,
        "bound": fraction_text(uniform.bound),
        "fair_minimum": fraction_text(uniform.fair_minimum),
        "uniform_minimum": fraction_text(uniform.uniform_minimum),
        "loss": fraction_text(uniform.loss),
        "pick_rule": pick_rule(uniform.size),
    }


def summary_text(data: Mapping[str, object]) -> str:
    """``uniform.json`` as published."""
    return json.dumps(dict(data), indent=2, ensure_ascii=False) + "\n"


def parse_summary(text: str) -> dict[str, object]:
    """A ``uniform.json`` text, its keys and types checked (``uniform_malformed``)."""
    try:
        data = json.loads(text)
    except ValueError:
        raise InputError("uniform_malformed", where=UNIFORM_SUMMARY_FILE) from None
    if not isinstance(data, dict) or sorted(data) != sorted(_SUMMARY_KEYS):
        raise InputError("uniform_malformed", where=UNIFORM_SUMMARY_FILE)
    panels = data["panels"]
    if isinstance(panels, bool) or not isinstance(panels, int) or not 1 <= panels <= MOST:
        raise InputError("uniform_malformed", where=UNIFORM_SUMMARY_FILE)
    if not all(isinstance(data[key], str) for key in _SUMMARY_KEYS if key != "panels"):
        raise InputError("uniform_malformed", where=UNIFORM_SUMMARY_FILE)
    for key in ("bound", "fair_minimum", "uniform_minimum", "loss"):
        parse_fraction(data[key], f"{UNIFORM_SUMMARY_FILE}: {key}")
    return data
