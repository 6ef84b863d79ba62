"""Assigning shoppers to visits and exploratory missions, and saying why targets go unmet.

Two methods share the same constraints (:mod:`shopperkit.assignment.constraints`):

``constrained`` (the default)
    Fill the most constrained visit first (the one the fewest shoppers may serve), giving it
    to the least-loaded shopper who can take it (ties broken by a seeded random rank); then a
    bounded repair: for a visit still open, a shopper at the load cap who could take it hands
    one of their visits to a shopper with room, and takes the open one.
``greedy``
    The plain baseline: visits in file order, each to the first shopper in file order who
    can take it.

Both are deterministic for the same inputs and seed.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import random
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from attrs import frozen

from shopperkit import __version__
from shopperkit.assignment.constraints import CLOSED_REASON, Book, Eligibility, Limits, ordinals
from shopperkit.assignment.model import Booked, Period, Shopper, Target, Unmet, Visit
from shopperkit.io.convert import to_data
from shopperkit.model.services import Directory

METHODS = ("constrained", "greedy")
REPAIR_CANDIDATES = 8
EXCLUDED_REASON = "excluded"
"""Why a shopper may not serve a target they were kept off (a follow-up's original finders)."""
"""How many shoppers at the load cap the repair tries for one open visit."""


@frozen
class Schedule:
    """The visits given, the targets not fully met, and the run's summary."""

    visits: tuple[Visit, ...]
    unmet: tuple[Unmet, ...]
    summary: dict[str, Any]


class _Run:
    def __init__(
        self,
        shoppers: Sequence[Shopper],
        targets: Sequence[Target],
        directory: Directory,
        period: Period,
        limits: Limits,
        seed: int,
        booked: Sequence[Visit | Booked] = (),
        excluded: Mapping[Target, Collection[str]] | None = None,
    ) -> None:
        self.shoppers = shoppers
        self.targets = targets
        self.limits = limits
        self.eligibility = Eligibility(shoppers, directory)
        self.book = Book(limits, len(shoppers))
        numbers = {shopper.id: number for number, shopper in enumerate(shoppers)}
        kept_off = excluded or {}
        self.excluded = [
            frozenset(numbers[s] for s in kept_off.get(spec, ()) if s in numbers)
            for spec in targets
        ]
        """Per target: the shoppers (by number) kept off it."""
        self.counted = 0
        """Booked visits inside the period, of shoppers in this run: counted in their load."""
        for visit in booked:
            number = numbers.get(visit.shopper)
            if number is None:
                continue  # not serving in this run: nothing of theirs to hold
            counts = period.start <= visit.day <= period.end
            self.book.hold(number, visit.centre, visit.day.toordinal(), counts=counts)
            self.counted += counts
        self.days: dict[tuple[int, str], list[int]] = {}
        for spec in targets:
            key = (spec.week, spec.channel)
            if key not in self.days:
                self.days[key] = ordinals(limits.open_days(period.days(spec.week), spec.channel))
        order = list(range(len(shoppers)))
        random.Random(seed).shuffle(order)
        self.rank = [0] * len(shoppers)
        for position, index in enumerate(order):
            self.rank[index] = position
        self.clear = [self.eligibility.classes_for(target)[1] for target in targets]
        load = self.book.load
        self.heaps: list[list[tuple[int, int, int]]] = [
            sorted((load[i], self.rank[i], i) for i in members if load[i] < limits.load_cap)
            for members in self.eligibility.classes
        ]
        self.filled = [0] * len(targets)

    def _take(self, shopper: int, target: int, day: int) -> None:
        self.book.add(shopper, target, self.targets[target].centre, day)
        self.filled[target] += 1
        load = self.book.load[shopper]
        if load < self.limits.load_cap:
            heapq.heappush(
                self.heaps[self.eligibility.class_of[shopper]], (load, self.rank[shopper], shopper)
            )

    def _release(self, shopper: int, target: int) -> int:
        day = self.book.remove(shopper, target, self.targets[target].centre)
        self.filled[target] -= 1
        load = self.book.load[shopper]
        heapq.heappush(
            self.heaps[self.eligibility.class_of[shopper]], (load, self.rank[shopper], shopper)
        )
        return day

    def pick(self, target: int, exclude: int = -1) -> tuple[int, int] | None:
        """The least-loaded shopper (then lowest rank) who can take ``target``, with the day."""
        book, cap = self.book, self.limits.load_cap
        centre = self.targets[target].centre
        days = self.days[self.targets[target].week, self.targets[target].channel]
        best: tuple[int, int, int, int] | None = None
        for number in self.clear[target]:
            heap = self.heaps[number]
            held = []
            while heap:
                load, rank, shopper = heap[0]
                if load != book.load[shopper] or load >= cap:
                    heapq.heappop(heap)  # stale, or full: pushed again if released
                    continue
                if best is not None and (load, rank) >= best[:2]:
                    break
                taken = (
                    shopper == exclude
                    or target in book.visits[shopper]
                    or shopper in self.excluded[target]
                )
                day = None if taken else book.free_day(shopper, centre, days)
                if day is None:
                    held.append(heapq.heappop(heap))
                    continue
                best = (load, rank, shopper, day)
                break
            for item in held:
                heapq.heappush(heap, item)
        return None if best is None else (best[2], best[3])

    def constrained(self) -> None:
        slots = sorted(
            range(len(self.targets)),
            key=lambda t: (
                sum(len(self.eligibility.classes[c]) for c in self.clear[t]),
                self.targets[t].week,
                t,
            ),
        )
        for target in slots:
            for _ in range(self.targets[target].visits):
                found = self.pick(target)
                if found is None:
                    break
                self._take(found[0], target, found[1])
        self.repair()

    def repair(self) -> None:
        """Bounded augmenting step: a full shopper passes one visit on and takes an open one."""
        cap, book = self.limits.load_cap, self.book
        hopeless: set[int] = set()
        for target, spec in enumerate(self.targets):
            days = self.days[spec.week, spec.channel]
            while self.filled[target] < spec.visits:
                tried = 0
                moved = False
                for number in self.clear[target]:
                    for shopper in self.eligibility.classes[number]:
                        if book.load[shopper] < cap or target in book.visits[shopper]:
                            continue
                        if shopper in self.excluded[target]:
                            continue
                        day = book.free_day(shopper, spec.centre, days)
                        if day is None:
                            continue
                        tried += 1
                        if self._hand_over(shopper, target, day, hopeless):
                            moved = True
                            break
                        if tried >= REPAIR_CANDIDATES:
                            break
                    if moved or tried >= REPAIR_CANDIDATES:
                        break
                if not moved:
                    break
        for target, spec in enumerate(self.targets):  # hand-overs may have freed someone
            while self.filled[target] < spec.visits and (found := self.pick(target)):
                self._take(found[0], target, found[1])

    def _hand_over(self, shopper: int, target: int, day: int, hopeless: set[int]) -> bool:
        for other in sorted(self.book.visits[shopper]):
            if other in hopeless:
                continue
            kept = self._release(shopper, other)
            found = self.pick(other, exclude=shopper)
            if found is None:
                self._take(shopper, other, kept)
                hopeless.add(other)
                continue
            self._take(found[0], other, found[1])
            self._take(shopper, target, day)  # releasing only frees days: ``day`` still fits
            return True
        return False

    def greedy(self) -> None:
        """Each visit, in file order, to the first shopper in file order who can take it.

        Shoppers are looked up per class, week and channel (whose open days differ), in file
        order, dropping those who are full or have no day left that week (visits are only ever
        added): the same shopper as a scan of the whole file, found faster.
        """
        book, cap = self.book, self.limits.load_cap
        lists: dict[tuple[int, int, str], list[int]] = {}
        for target, spec in enumerate(self.targets):
            days = self.days[spec.week, spec.channel]
            for _ in range(spec.visits):
                best: tuple[int, int] | None = None
                for number in self.clear[target]:
                    members = lists.setdefault(
                        (number, spec.week, spec.channel), list(self.eligibility.classes[number])
                    )
                    gone = set()
                    for shopper in members:
                        if best is not None and shopper > best[0]:
                            break
                        if book.load[shopper] >= cap:
                            gone.add(shopper)
                            continue
                        if target in book.visits[shopper] or shopper in self.excluded[target]:
                            continue
                        day = book.free_day(shopper, spec.centre, days)
                        if day is not None:
                            best = (shopper, day)
                            break
                        if book.free_day(shopper, "", days) is None:  # no day left this week
                            gone.add(shopper)
                    if gone:
                        members[:] = [shopper for shopper in members if shopper not in gone]
                if best is None:
                    break
                self._take(best[0], target, best[1])

    def visits(self) -> tuple[Visit, ...]:
        out = []
        for shopper, booked in enumerate(self.book.visits):
            for target, day in booked.items():
                spec = self.targets[target]
                out.append(
                    Visit(
                        shopper=self.shoppers[shopper].id,
                        day=date.fromordinal(day),
                        week=spec.week,
                        centre=spec.centre,
                        service=spec.service,
                        channel=spec.channel,
                        journey=spec.journey,
                        target=target + 1,
                    )
                )
        out.sort(key=lambda v: (v.day, v.target, v.shopper))
        return tuple(out)

    def unmet(self) -> tuple[Unmet, ...]:
        out = []
        for target, spec in enumerate(self.targets):
            if self.filled[target] >= spec.visits:
                continue
            speaking, clear = self.eligibility.classes_for(spec)
            members = [i for c in clear for i in self.eligibility.classes[c]]
            blocked: Counter[str] = Counter()
            days = self.days[spec.week, spec.channel]
            for shopper in members:
                if shopper in self.excluded[target]:
                    blocked[EXCLUDED_REASON] += 1
                    continue
                reason = self.book.blocker(shopper, target, spec.centre, days)
                if reason is not None:
                    blocked[reason] += 1
            speakers = sum(len(self.eligibility.classes[c]) for c in speaking)
            if not days:
                reason = CLOSED_REASON
            elif not speakers:
                reason = "no_language"
            elif not members:
                reason = "conflict_of_interest"
            elif len(blocked) == 1:
                reason = next(iter(blocked))
            else:
                reason = "several"
            out.append(
                Unmet(
                    target=target + 1,
                    centre=spec.centre,
                    service=spec.service,
                    channel=spec.channel,
                    week=spec.week,
                    journey=spec.journey,
                    required=spec.visits,
                    assigned=self.filled[target],
                    reason=reason,
                    blocked={
                        "speakers": speakers,
                        "conflict_of_interest": speakers - len(members),
                        "eligible": len(members),
                        **dict(sorted(blocked.items())),
                    },
                )
            )
        return tuple(out)


def inputs_digest(
    shoppers: Sequence[Shopper],
    targets: Sequence[Target],
    directory: Directory,
    booked: Sequence[Visit | Booked] = (),
    excluded: Mapping[Target, Collection[str]] | None = None,
) -> str:
    """SHA-256 of the inputs as canonical JSON, so a schedule can be traced to what made it.

    Booked visits enter as shopper, centre and day, and shoppers kept off targets as the
    target's number and their ids, each only when there are some, so a run without them
    keeps the digest it always had.
    """
    data: dict[str, Any] = {
        "shoppers": to_data(list(shoppers)),
        "targets": to_data(list(targets)),
        "directory": to_data(directory),
    }
    if booked:
        data["booked"] = sorted(
            [visit.shopper, visit.centre, visit.day.isoformat()] for visit in booked
        )
    kept_off = [
        [number, sorted(excluded[spec])]
        for number, spec in enumerate(targets, start=1)
        if excluded and excluded.get(spec)
    ]
    if kept_off:
        data["excluded"] = kept_off
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def assign(
    shoppers: Sequence[Shopper],
    targets: Sequence[Target],
    directory: Directory,
    period: Period,
    limits: Limits,
    *,
    seed: int = 0,
    method: str = "constrained",
    programme: str = "",
    booked: Iterable[Visit | Booked] = (),
    excluded: Mapping[Target, Collection[str]] | None = None,
) -> Schedule:
    """Schedule visits and missions for ``targets`` over ``period``; see the module docstring.

    Targets must have been checked against the directory and period
    (:func:`shopperkit.assignment.inputs.check_targets`).

    ``booked`` are visits already made or planned, from earlier periods or this one (an
    earlier schedule's :class:`Visit` rows, or :class:`Booked`): each blocks days for its
    shopper by spacing and at its centre by lockout, across the period's edges, and those
    inside the period count against the load cap. They are not assigned again and do not
    count towards ``targets``; visits of people not in ``shoppers`` are ignored.

    ``excluded`` keeps shoppers (by id) off a target: a follow-up's repeat visits are not
    made by the shoppers whose visits made the finding
    (:func:`shopperkit.insights.followup.followup_targets`). A target they leave unmet
    counts them under ``excluded`` in ``blocked``.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; known: {', '.join(METHODS)}")
    booked = tuple(booked)
    run = _Run(shoppers, targets, directory, period, limits, seed, booked, excluded)
    run.constrained() if method == "constrained" else run.greedy()
    visits = run.visits()
    unmet = run.unmet()
    required = sum(target.visits for target in targets)
    missing: Counter[str] = Counter()
    for item in unmet:
        missing[item.reason] += item.required - item.assigned
    loads = run.book.load
    summary: dict[str, Any] = {
        "programme": programme,
        "method": method,
        "seed": seed,
        "version": __version__,
        "inputs": inputs_digest(shoppers, targets, directory, booked, excluded),
        "period": {
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
            "weeks": period.weeks,
        },
        "parameters": {
            "visit_lockout_days": limits.lockout_days,
            "visit_spacing_days": limits.spacing_days,
            "visit_load_cap": limits.load_cap,
            "visit_weekdays": list(limits.visit_weekdays),
        },
        "shoppers": len(shoppers),
        "targets": len(targets),
        "required": required,
        "assigned": len(visits),
        "coverage": round(len(visits) / required, 6) if required else 1.0,
        "missions": sum(1 for visit in visits if visit.journey),
        "unmet": dict(sorted(missing.items())),
        "load": {
            "max": max(loads, default=0),
            "mean": round(sum(loads) / len(loads), 6) if loads else 0.0,
        },
    }
    if booked:
        summary["booked"] = {"given": len(booked), "in_period": run.counted}
    return Schedule(visits=visits, unmet=unmet, summary=summary)
