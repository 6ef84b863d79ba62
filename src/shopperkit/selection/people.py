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
from bisect import bisect_right
from collections.abc import Sequence
from fractions import Fraction

from attrs import frozen

from shopperkit.selection.lottery import Lottery

Cohort = tuple[str, ...]


@frozen
class Segment:
    """The panels giving one profile ``seats`` seats: their starts on the line, total ``length``."""

    seats: int
    panels: tuple[int, ...]
    offsets: tuple[Fraction, ...]
    length: Fraction


def _segments(lottery: Lottery, t: int, size: int) -> list[Segment]:
    by_seats: dict[int, list[int]] = {}
    for j, panel in enumerate(lottery.panels):
        if 0 < panel[t] < size:
            by_seats.setdefault(panel[t], []).append(j)
    segments = []
    for seats, panels in sorted(by_seats.items()):
        offsets = []
        total = Fraction(0)
        for j in panels:
            offsets.append(total)
            total += lottery.probabilities[j]
        segments.append(Segment(seats, tuple(panels), tuple(offsets), total))
    return segments


def cohorts(lottery: Lottery, groups: Sequence[Sequence[str]]) -> list[tuple[Fraction, Cohort]]:
    """The lottery over named cohorts (sorted ids), most probable first; equal cohorts merged."""
    starts = []
    total = Fraction(0)
    for p in lottery.probabilities:
        starts.append(total)
        total += p
    cuts: list[set[Fraction]] = [{Fraction(0)} for _ in lottery.panels]
    where: list[dict[int, tuple[Segment, Fraction]]] = [{} for _ in lottery.panels]
    for t, group in enumerate(groups):
        n = len(group)
        for segment in _segments(lottery, t, n):
            stretch = segment.length * segment.seats / n
            for position, j in enumerate(segment.panels):
                where[j][t] = (segment, segment.offsets[position])
            for i in range(n):
                moment = (stretch * i) % segment.length
                k = bisect_right(segment.offsets, moment) - 1
                cuts[segment.panels[k]].add(moment - segment.offsets[k])
    found: dict[Cohort, Fraction] = {}
    for j, panel in enumerate(lottery.panels):
        edges = [*sorted(cuts[j]), lottery.probabilities[j]]
        for a, b in itertools.pairwise(edges):
            if a >= b:
                continue
            members: list[str] = []
            for t, seats in enumerate(panel):
                if not seats:
                    continue
                group = groups[t]
                n = len(group)
                if seats == n:
                    members.extend(group)
                    continue
                segment, offset = where[j][t]
                moment = offset + a
                stretch = segment.length * seats / n
                for seat in range(seats):
                    members.append(group[int((segment.length * seat + moment) // stretch)])
            cohort = tuple(sorted(members))
            found[cohort] = found.get(cohort, Fraction(0)) + (b - a)
    return sorted(((p, c) for c, p in found.items()), key=lambda item: (-item[0], item[1]))
