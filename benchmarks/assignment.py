"""Mission assignment at scale: the constrained scheduler next to the plain greedy baseline.

Both schedule the same generated quarter (13 weeks) for 5,000 shoppers and 300 service
centres in the same run, under the Qatar-style programme's limits; the seconds and the
coverage of each are printed, and the ratios between them, beside an upper bound no schedule
can beat (a maximum flow that ignores days, lockout and spacing). Few shoppers speak Urdu or
Hindi, so the services given only in those languages compete for them. Run with::

    .venv/bin/python benchmarks/assignment.py [--shoppers 5000] [--centres 300] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta

from shopperkit.assignment import (
    Eligibility,
    Limits,
    Period,
    Shopper,
    Target,
    assign,
    check_targets,
)
from shopperkit.model.services import Directory, Entity, Service, ServiceCentre
from shopperkit.plugins import Plugins
from shopperkit.registry import Registry

SERVICE_LANGUAGES = [(("ar", "en"), 74), (("ar",), 8), (("ur",), 8), (("hi",), 7), (("en",), 3)]
SHOPPER_LANGUAGES = [
    (("ar", "en"), 45),
    (("en",), 27),
    (("ar",), 21),
    (("en", "ur"), 3),
    (("ur",), 1),
    (("en", "hi"), 2),
    (("hi",), 1),
]
"""Few shoppers speak Urdu or Hindi, so those services compete for them."""


def _weighted(rng: random.Random, table: list[tuple[tuple[str, ...], int]]) -> tuple[str, ...]:
    return rng.choices([value for value, _ in table], [weight for _, weight in table])[0]


def generate(
    shoppers: int, centres: int, weeks: int, seed: int
) -> tuple[list[Shopper], list[Target], Directory]:
    """A synthetic directory, shoppers and a quarter of targets, the same for the same seed."""
    rng = random.Random(seed)
    entities = [Entity(f"e{n:02}", {"en": f"Entity {n}"}) for n in range(30)]
    services: list[Service] = []
    for entity in entities:
        for n in range(4):
            services.append(
                Service(
                    f"{entity.id}-s{n}",
                    entity.id,
                    {"en": "service"},
                    languages=_weighted(rng, SERVICE_LANGUAGES),
                )
            )
    linked = []
    for index, service in enumerate(services):  # each service leads into two others
        nexts = (
            services[(index + 5) % len(services)].id,
            services[(index + 17) % len(services)].id,
        )
        linked.append(
            Service(
                service.id,
                service.entity,
                service.name,
                languages=service.languages,
                linked_services=nexts,
            )
        )
    places = []
    for n in range(centres):
        entity = entities[n % len(entities)]
        offered = [s.id for s in linked if s.entity == entity.id]
        places.append(
            ServiceCentre(
                f"c{n:03}",
                entity.id,
                {"en": "centre"},
                services=tuple(rng.sample(offered, rng.randint(2, 4))),
            )
        )
    directory = Directory(entities=tuple(entities), services=tuple(linked), centres=tuple(places))
    people = [
        Shopper(
            f"p{n:05}",
            _weighted(rng, SHOPPER_LANGUAGES),
            rng.choice(entities).id if rng.random() < 0.08 else "private",
        )
        for n in range(shoppers)
    ]
    by_id = {service.id: service for service in linked}
    targets = []
    for week in range(1, weeks + 1):
        for place in places:
            for service_id in place.services:
                targets.append(Target(place.id, service_id, week, rng.randint(3, 6)))
            if (week + int(place.id[1:])) % 4 == 0:
                first = place.services[0]
                second = by_id[first].linked_services[0]
                third = by_id[second].linked_services[1]
                targets.append(Target(place.id, first, week, 1, journey=(second, third)))
    return people, targets, directory


Graph = dict[int, dict[int, int]]


def _push(
    residual: Graph,
    level: dict[int, int],
    edges: dict[int, list[int]],
    node: int,
    sink: int,
    limit: int,
) -> int:
    """Send up to ``limit`` along one path of the level graph; how much went."""
    if node == sink:
        return limit
    pending = edges[node]
    while pending:
        nxt = pending[-1]
        room = residual[node][nxt]
        if room > 0 and level.get(nxt) == level[node] + 1:
            sent = _push(residual, level, edges, nxt, sink, min(limit, room))
            if sent:
                residual[node][nxt] -= sent
                residual[nxt][node] += sent
                return sent
        pending.pop()
    return 0


def _max_flow(capacity: Graph, source: int, sink: int) -> int:
    """Dinic's maximum flow on a small graph given as node -> {node: capacity}."""
    residual: Graph = {}
    for a, out in capacity.items():
        for b, room in out.items():
            residual.setdefault(a, {})[b] = residual.get(a, {}).get(b, 0) + room
            residual.setdefault(b, {}).setdefault(a, 0)
    total = 0
    while True:
        level = {source: 0}
        queue = [source]
        for node in queue:
            for nxt, room in residual[node].items():
                if room > 0 and nxt not in level:
                    level[nxt] = level[node] + 1
                    queue.append(nxt)
        if sink not in level:
            return total
        edges = {node: list(residual[node]) for node in level}
        while sent := _push(residual, level, edges, source, sink, 1 << 60):
            total += sent


def upper_bound(
    shoppers: list[Shopper], targets: list[Target], directory: Directory, limits: Limits
) -> int:
    """Most visits any schedule could make, ignoring days, lockout and spacing: a maximum flow
    from targets (grouped by who may serve them) to classes of equal shoppers, each class
    holding its size times the load cap."""
    eligibility = Eligibility(shoppers, directory)
    demand: dict[tuple[int, ...], int] = {}
    for target in targets:
        clear = tuple(eligibility.classes_for(target)[1])
        demand[clear] = demand.get(clear, 0) + target.visits
    source, sink, groups = -1, -2, len(eligibility.classes)
    capacity: Graph = {source: {}}
    for number, (clear, visits) in enumerate(demand.items()):
        node = groups + number
        capacity[source][node] = visits
        capacity[node] = dict.fromkeys(clear, visits)
    for number, members in enumerate(eligibility.classes):
        capacity[number] = {sink: len(members) * limits.load_cap}
    return _max_flow(capacity, source, sink)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shoppers", type=int, default=5000)
    parser.add_argument("--centres", type=int, default=300)
    parser.add_argument("--weeks", type=int, default=13)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    programme = Registry(Plugins()).programme("qatar-cgb")
    limits = Limits.of(programme)
    start = date(2026, 1, 4)
    period = Period(start, start + timedelta(days=7 * args.weeks - 1))
    shoppers, targets, directory = generate(args.shoppers, args.centres, args.weeks, args.seed)
    check_targets(targets, directory, period, "generated")
    required = sum(target.visits for target in targets)
    print(
        f"{len(shoppers)} shoppers, {len(directory.centres)} centres, {args.weeks} weeks: "
        f"{len(targets)} targets, {required} visits required; "
        f"cap {limits.load_cap}, lockout {limits.lockout_days} d, spacing {limits.spacing_days} d"
    )
    results = {}
    for method in ("greedy", "constrained"):
        began = time.perf_counter()
        schedule = assign(
            shoppers, targets, directory, period, limits, seed=args.seed, method=method
        )
        seconds = time.perf_counter() - began
        results[method] = (seconds, schedule.summary["coverage"])
        print(
            f"{method:>12}: {seconds:7.2f} s  coverage {schedule.summary['coverage']:.2%}  "
            f"({schedule.summary['assigned']} visits; unmet by reason {schedule.summary['unmet']})"
        )
    bound = upper_bound(shoppers, targets, directory, limits)
    print(f"{'bound':>12}: no schedule makes more than {bound} visits ({bound / required:.2%})")
    (greedy_s, greedy_c), (best_s, best_c) = results["greedy"], results["constrained"]
    print(
        f"constrained / greedy: time x{best_s / greedy_s:.2f}, "
        f"coverage {best_c - greedy_c:+.2%} points"
    )


if __name__ == "__main__":
    main()
