"""From seats per profile to people: the lottery over named cohorts.

A lottery over profiles says how many seats each profile gets; any of the profile's people
may take them. To publish a lottery over named cohorts with exactly the same probability for
everyone in a profile, each profile's people take turns: within the panels that give the
profile ``k`` seats (total probability ``D``), person ``i`` sits for a stretch of length
``D*k/n`` laid end to end over ``k`` parallel seats of length ``D`` (McNaughton's
wrap-around rule). A stretch is never longer than a seat, so nobody holds two seats at once,
and everyone in the profile is selected with probability exactly ``sum(D*k)/n``.
"""

from __future__ import annotations

import itertools
import math
from bisect import bisect_right, insort
from collections.abc import Sequence
from fractions import Fraction

from attrs import frozen

from shopperkit.selection.lottery import Lottery

Cohort = tuple[str, ...]


@frozen
class Segment:
    """The panels giving one profile ``seats`` seats: their starts on the line, total ``length``.

    Times are whole grains: probabilities times the lottery's common denominator.
    """

    seats: int
    panels: tuple[int, ...]
    offsets: tuple[int, ...]
    length: int


def _segments(
    grains: Sequence[int], panels: Sequence[Sequence[int]], t: int, size: int
) -> list[Segment]:
    by_seats: dict[int, list[int]] = {}
    for j, panel in enumerate(panels):
        if 0 < panel[t] < size:
            by_seats.setdefault(panel[t], []).append(j)
    segments = []
    for seats, chosen in sorted(by_seats.items()):
        offsets = []
        total = 0
        for j in chosen:
            offsets.append(total)
            total += grains[j]
        segments.append(Segment(seats, tuple(chosen), tuple(offsets), total))
    return segments


def cohorts(lottery: Lottery, groups: Sequence[Sequence[str]]) -> list[tuple[Fraction, Cohort]]:
    """The lottery over named cohorts (sorted ids), most probable first; equal cohorts merged.

    All arithmetic is in integers: a person's turn starts at a multiple of ``1/n`` grain (``n``
    their profile's size), so each panel's times are counted in ``1/N`` grains, ``N`` the
    least common multiple of the sizes whose turns start in it. Within a panel, a profile's
    people change only where one of their turns starts, so only they are seated again there.
    """
    scale = math.lcm(*(p.denominator for p in lottery.probabilities))
    grains = [int(p * scale) for p in lottery.probabilities]
    panels = lottery.panels
    # Each panel's shared profiles (profile, size, segment, offset) and, by the moment a turn
    # starts in it (numerator and denominator of grains), the shared profiles whose it is.
    shared: list[list[tuple[int, int, Segment, int]]] = [[] for _ in panels]
    starts: list[dict[tuple[int, int], list[int]]] = [{} for _ in panels]
    for t, group in enumerate(groups):
        n = len(group)
        for segment in _segments(grains, panels, t, n):
            slots = []
            for position, j in enumerate(segment.panels):
                slots.append(len(shared[j]))
                shared[j].append((t, n, segment, segment.offsets[position]))
            d, k = segment.length, segment.seats
            for i in range(n):
                # person i starts at (i * d * k / n) mod d, that is start / n
                start = (i * d * k) % (d * n)
                position = bisect_right(segment.offsets, start // n) - 1
                moment = (start - segment.offsets[position] * n, n)
                starts[segment.panels[position]].setdefault(moment, []).append(slots[position])
    units = [math.lcm(*(den for _, den in found)) for found in starts]
    common = math.lcm(*units)
    found_weights: dict[Cohort, int] = {}
    for j, panel in enumerate(panels):
        unit = units[j]
        whole = [
            person
            for t, seats in enumerate(panel)
            if seats and seats == len(groups[t])
            for person in groups[t]
        ]
        changes: dict[int, list[int]] = {0: list(range(len(shared[j])))}
        for (num, den), slots in starts[j].items():
            changes.setdefault(num * (unit // den), []).extend(slots)
        edges = [*sorted(changes), grains[j] * unit]
        # seat m of a segment holds person floor((m * d + offset + a / unit) * n / (d * k))
        seating = [
            (groups[t], n, offset * unit, segment.length * unit, segment.seats)
            for t, n, segment, offset in shared[j]
        ]
        seated: list[list[str]] = [[] for _ in seating]
        # Everyone seated, kept sorted: a change moves the people of the seats that change.
        cohort = sorted(whole)
        for a, b in itertools.pairwise(edges):
            for slot in changes[a]:
                group, n, start, seat, k = seating[slot]
                now = [group[((start + m * seat + a) * n) // (seat * k)] for m in range(k)]
                was = seated[slot]
                for m in range(k):
                    if not was or now[m] != was[m]:
                        if was:
                            cohort.remove(was[m])
                        insort(cohort, now[m])
                seated[slot] = now
            if a >= b:
                continue
            named = tuple(cohort)
            found_weights[named] = found_weights.get(named, 0) + (b - a) * (common // unit)
    order = sorted(found_weights.items(), key=lambda item: (-item[1], item[0]))
    return [(Fraction(weight, common * scale), cohort) for cohort, weight in order]
