"""Properties: a schedule never breaks a constraint, each constraint checked on its own here;
the assignment models round-trip through the converter and agree with their schemas."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from shopperkit.assignment import Limits, Period, Schedule, Shopper, Target, Unmet, assign
from shopperkit.io.convert import from_data, to_data
from shopperkit.io.schemas import problems
from shopperkit.model.services import Directory, Entity, Service, ServiceCentre

LANGS = ("ar", "en", "ur")
ENTITIES = ("e1", "e2", "e3")
START = date(2026, 1, 4)
REASONS = ("load_cap", "lockout", "spacing", "too_few_shoppers")
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@st.composite
def instances(draw: st.DrawFn) -> tuple[list[Shopper], list[Target], Directory, Period, Limits]:
    """Small random directories, shoppers and targets, all valid by construction."""
    service_count = draw(st.integers(1, 4))
    services = []
    for number in range(service_count):
        languages = draw(st.lists(st.sampled_from(LANGS), min_size=1, max_size=2, unique=True))
        later = [f"s{n}" for n in range(number + 1, service_count)]
        linked = draw(st.lists(st.sampled_from(later), max_size=2, unique=True)) if later else []
        services.append(
            Service(
                f"s{number}",
                draw(st.sampled_from(ENTITIES)),
                {"en": "s"},
                channels=("visit", "app"),
                languages=tuple(languages),
                linked_services=tuple(linked),
            )
        )
    centres = [
        ServiceCentre(f"c{n}", draw(st.sampled_from(ENTITIES)), {"en": "c"}) for n in range(3)
    ]
    directory = Directory(
        entities=tuple(Entity(e, {"en": e.upper()}) for e in ENTITIES),
        services=tuple(services),
        centres=tuple(centres),
    )
    shoppers = [
        Shopper(
            f"p{n}",
            tuple(draw(st.lists(st.sampled_from(LANGS), min_size=1, max_size=3, unique=True))),
            draw(st.none() | st.sampled_from([*ENTITIES, "E2", "other"])),
        )
        for n in range(draw(st.integers(0, 8)))
    ]
    weeks = draw(st.integers(1, 4))
    period = Period(START, START + timedelta(days=7 * weeks - 1 - draw(st.integers(0, 3))))
    targets = []
    for _ in range(draw(st.integers(0, 10))):
        first = draw(st.sampled_from(services))
        journey: list[str] = []
        while (
            draw(st.booleans())
            and services[int(journey[-1][1:]) if journey else int(first.id[1:])].linked_services
        ):
            here = services[int(journey[-1][1:])] if journey else first
            journey.append(draw(st.sampled_from(here.linked_services)))
        targets.append(
            Target(
                draw(st.sampled_from(centres)).id,
                first.id,
                draw(st.integers(1, period.weeks)),
                draw(st.integers(1, 3)),
                draw(st.sampled_from(("visit", "app"))),
                tuple(journey),
            )
        )
    limits = Limits(
        draw(st.integers(0, 14)),
        draw(st.integers(0, 4)),
        draw(st.integers(0, 4)),
        tuple(draw(st.lists(st.sampled_from(DAY_NAMES), max_size=7, unique=True))),
    )
    return shoppers, targets, directory, period, limits


def broken(
    schedule: Schedule,
    shoppers: list[Shopper],
    targets: list[Target],
    directory: Directory,
    period: Period,
    limits: Limits,
) -> list[str]:
    """Every constraint the schedule breaks, each one checked independently."""
    who = {shopper.id: shopper for shopper in shoppers}
    services = {service.id: service for service in directory.services}
    centres = {centre.id: centre for centre in directory.centres}
    names = {e.id.casefold(): e.id for e in directory.entities} | {
        n.casefold(): e.id for e in directory.entities for n in e.name.values()
    }
    found = []
    per_target: Counter[int] = Counter()
    days: defaultdict[str, list[date]] = defaultdict(list)
    at_centre: defaultdict[tuple[str, str], list[date]] = defaultdict(list)
    pairs: Counter[tuple[str, int]] = Counter()
    for visit in schedule.visits:
        target = targets[visit.target - 1]
        shopper = who[visit.shopper]
        per_target[visit.target] += 1
        pairs[(visit.shopper, visit.target)] += 1
        days[visit.shopper].append(visit.day)
        at_centre[(visit.shopper, visit.centre)].append(visit.day)
        if (visit.centre, visit.service, visit.journey) != (
            target.centre,
            target.service,
            target.journey,
        ):
            found.append("visit differs from its target")
        first = period.start + timedelta(days=7 * (target.week - 1))
        if not (first <= visit.day < first + timedelta(days=7) and visit.day <= period.end):
            found.append("day outside the target's week")
        if visit.channel == "visit" and DAY_NAMES[visit.day.weekday()] not in limits.visit_weekdays:
            found.append("centre closed that day")
        for name in target.services:
            if not set(shopper.languages) & set(services[name].languages):
                found.append("language")
        employer = names.get((shopper.employer or "").casefold())
        involved = {centres[target.centre].entity} | {services[n].entity for n in target.services}
        if employer in involved:
            found.append("conflict of interest")
    for number, count in per_target.items():
        if count > targets[number - 1].visits:
            found.append("more visits than required")
    if any(count > 1 for count in pairs.values()):
        found.append("same shopper twice on one target")
    for booked in days.values():
        if len(booked) > limits.load_cap:
            found.append("load cap")
        booked.sort()
        if any((b - a).days <= limits.spacing_days for a, b in itertools.pairwise(booked)):
            found.append("spacing")
    for booked in at_centre.values():
        booked.sort()
        if any((b - a).days <= limits.lockout_days for a, b in itertools.pairwise(booked)):
            found.append("lockout")
    return found


@settings(max_examples=150, deadline=None)
@given(
    instance=instances(), seed=st.integers(0, 5), method=st.sampled_from(("constrained", "greedy"))
)
def test_a_schedule_never_breaks_a_constraint(
    instance: tuple[list[Shopper], list[Target], Directory, Period, Limits], seed: int, method: str
) -> None:
    shoppers, targets, directory, period, limits = instance
    schedule = assign(shoppers, targets, directory, period, limits, seed=seed, method=method)
    assert broken(schedule, shoppers, targets, directory, period, limits) == []
    # every target is either met or listed as unmet with what is missing
    made = Counter(visit.target for visit in schedule.visits)
    unmet = {item.target: item for item in schedule.unmet}
    for number, target in enumerate(targets, start=1):
        if made[number] < target.visits:
            item = unmet[number]
            assert item.assigned == made[number]
            assert item.required == target.visits
            first = period.start + timedelta(days=7 * (target.week - 1))
            week = [first + timedelta(days=n) for n in range(7)]
            open_days = [
                day
                for day in week
                if day <= period.end
                and (target.channel != "visit" or DAY_NAMES[day.weekday()] in limits.visit_weekdays)
            ]
            assert (item.reason == "closed") == (not open_days)
            if not open_days:
                continue
            # nobody eligible was left free: each is held back by some constraint
            held = sum(item.blocked.get(reason, 0) for reason in REASONS)
            assert held == item.blocked["eligible"]
            if item.reason in REASONS:
                assert item.blocked[item.reason] == held
        else:
            assert number not in unmet
    assert schedule.summary["assigned"] == len(schedule.visits)
    assert problems("schedule-summary", schedule.summary) == []
    assert problems("unmet", to_data(list(schedule.unmet))) == []


@given(st.lists(st.from_type(Shopper), max_size=4))
def test_shoppers_round_trip_and_agree_with_their_schema(shoppers: list[Shopper]) -> None:
    plain: Any = to_data(shoppers)
    assert problems("shoppers", plain) == []
    assert from_data(list[Shopper], plain) == shoppers


@given(st.lists(st.from_type(Target), max_size=4))
def test_targets_round_trip_and_agree_with_their_schema(targets: list[Target]) -> None:
    plain: Any = to_data(targets)
    assert problems("targets", plain) == []
    assert from_data(list[Target], plain) == targets


@given(
    st.lists(
        st.builds(
            Unmet,
            target=st.integers(1, 99),
            centre=st.just("c"),
            service=st.just("s"),
            channel=st.just("visit"),
            week=st.integers(1, 13),
            journey=st.lists(st.just("s2"), max_size=2).map(tuple),
            required=st.integers(1, 5),
            assigned=st.integers(0, 4),
            reason=st.sampled_from(("no_language", "load_cap", "several")),
            blocked=st.dictionaries(
                st.sampled_from(("load_cap", "lockout", "eligible")), st.integers(0, 9)
            ),
        ),
        max_size=3,
    )
)
def test_unmet_round_trips_and_agrees_with_its_schema(unmet: list[Unmet]) -> None:
    plain: Any = to_data(unmet)
    assert problems("unmet", plain) == []
    assert from_data(list[Unmet], plain) == unmet
