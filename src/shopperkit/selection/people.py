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
    their profile's size), so times are counted in ``1/N`` grains, ``N`` the least common
    multiple of the sizes. Within a panel, a seat changes hands only where a turn starts, so
    each start is one change: the seat and the person who takes it.
    """
    scale = math.lcm(*(p.denominator for p in lottery.probabilities))
    grains = [int(p * scale) for p in lottery.probabilities]
    panels = lottery.panels
    laid = [_segments(grains, panels, t, len(group)) for t, group in enumerate(groups)]
    sizes = [len(group) for group, segments in zip(groups, laid, strict=True) if segments]
    common = math.lcm(*sizes)
    # Each panel's shared profiles (people, first seated) and, by the moment a turn starts in
    # it (in 1/common grains), the changes: (shared profile, seat, person who takes it).
    shared: list[list[tuple[Sequence[str], list[str]]]] = [[] for _ in panels]
    starts: list[dict[int, list[tuple[int, int, int]]]] = [{} for _ in panels]
    for group, segments in zip(groups, laid, strict=True):
        n = len(group)
        per_grain = common // n
        for segment in segments:
            d, k = segment.length, segment.seats
            slots = []
            for j, offset in zip(segment.panels, segment.offsets, strict=True):
                slots.append(len(shared[j]))
                # seat m holds person floor((m * d + offset) * n / (d * k)) as the panel starts
                first = [group[((m * d + offset) * n) // (d * k)] for m in range(k)]
                shared[j].append((group, first))
            # person i's turn starts at i * d * k / n on the k seats laid end to end: on seat
            # i * k // n, at (i * d * k mod d * n) / n into it
            scaled = [offset * n for offset in segment.offsets]
            start = 0
            for i in range(n):
                position = bisect_right(scaled, start) - 1
                moment = (start - scaled[position]) * per_grain
                change = (slots[position], i * k // n, i)
                starts[segment.panels[position]].setdefault(moment, []).append(change)
                start += d * k
                if start >= d * n:
                    start -= d * n
    found_weights: dict[Cohort, int] = {}
    for j, panel in enumerate(panels):
        seated = [list(first) for _, first in shared[j]]
        # Everyone seated, kept sorted: a change moves one person out and one in.
        cohort = sorted(
            [
                person
                for t, seats in enumerate(panel)
                if seats and seats == len(groups[t])
                for person in groups[t]
            ]
            + [person for seats in seated for person in seats]
        )
        changes = starts[j]
        was = 0
        for moment in [*sorted(changes), grains[j] * common]:  # then the panel's end
            if moment > was:
                named = tuple(cohort)
                found_weights[named] = found_weights.get(named, 0) + moment - was
                was = moment
            for slot, seat, i in changes.get(moment, ()):
                person = shared[j][slot][0][i]
                if person != seated[slot][seat]:
                    cohort.remove(seated[slot][seat])
                    insort(cohort, person)
                    seated[slot][seat] = person
    order = sorted(found_weights.items(), key=lambda item: (-item[1], item[0]))
    denominator = common * scale
    return [(Fraction(weight, denominator), cohort) for cohort, weight in order]
