"""Spacing and lockout by the SASSIE convention, checked on hand-computed boundary days, and
visits booked before or within a period held across the period's edges."""

from __future__ import annotations

import csv
import itertools
import json
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopperkit.assignment import (
    Book,
    Booked,
    Limits,
    Period,
    Schedule,
    Shopper,
    Target,
    Visit,
    assign,
)
from shopperkit.cli import main
from shopperkit.errors import InputError, ProgrammeError
from shopperkit.io.operations import read_visits
from shopperkit.io.schemas import problems
from shopperkit.model.programme import Programme
from shopperkit.model.services import Directory, Entity, Service, ServiceCentre
from tests.helpers import with_parameter
from tests.test_assignment import EXAMPLES, assign_command

DAY_10 = date(2026, 1, 10)


def _day(offset: int) -> int:
    return (DAY_10 + timedelta(days=offset)).toordinal()


def _book(lockout: int, spacing: int) -> Book:
    book = Book(Limits(lockout_days=lockout, spacing_days=spacing, load_cap=9), 1)
    book.add(0, 0, "c1", _day(0))
    return book


@pytest.mark.parametrize(
    ("offset", "blocked"),
    [(-4, None), (-3, "spacing"), (-1, "spacing"), (0, "spacing"), (3, "spacing"), (4, None)],
)
def test_spacing_of_three_blocks_three_days_either_side_inclusive(
    offset: int, blocked: str | None
) -> None:
    # A visit on day 10 with spacing 3 blocks days 7 to 13; days 6 and 14 are free.
    assert _book(lockout=0, spacing=3).day_blocker(0, "c2", _day(offset)) == blocked


@pytest.mark.parametrize(("offset", "blocked"), [(-1, None), (0, "spacing"), (1, None)])
def test_spacing_of_zero_blocks_only_the_day_of_the_visit(offset: int, blocked: str | None) -> None:
    assert _book(lockout=0, spacing=0).day_blocker(0, "c2", _day(offset)) == blocked


@pytest.mark.parametrize(
    ("centre", "offset", "blocked"),
    [
        ("c1", -6, None),
        ("c1", -5, "lockout"),
        ("c1", 5, "lockout"),
        ("c1", 6, None),
        ("c2", 1, None),  # the lockout holds at its own centre only
        ("c2", 0, "spacing"),
    ],
)
def test_lockout_of_five_blocks_five_days_either_side_at_that_centre(
    centre: str, offset: int, blocked: str | None
) -> None:
    assert _book(lockout=5, spacing=0).day_blocker(0, centre, _day(offset)) == blocked


@pytest.mark.parametrize("name", ["visit_spacing_days", "visit_lockout_days", "visit_load_cap"])
def test_negative_limits_are_refused_naming_the_parameter(qatar: Programme, name: str) -> None:
    with pytest.raises(ProgrammeError) as caught:
        Limits.of(with_parameter(qatar, name, -1))
    assert caught.value.code == "parameter_negative"
    assert caught.value.params == {"name": name, "value": -1}
    assert name in str(caught.value.where)


def _directory() -> Directory:
    service = Service("s", "e1", {"en": "s"}, channels=("visit", "app"), languages=("en",))
    return Directory(
        entities=(Entity("e1", {"en": "E1"}),),
        services=(service,),
        centres=(
            ServiceCentre("c1", "e1", {"en": "c1"}),
            ServiceCentre("c2", "e1", {"en": "c2"}),
        ),
    )


SHOPPER = [Shopper("S", ("en",))]


def test_a_visit_on_the_last_day_of_a_period_blocks_the_first_days_of_the_next() -> None:
    limits = Limits(lockout_days=5, spacing_days=3, load_cap=9)
    first = assign(SHOPPER, [Target("c1", "s", 1)], _directory(), Period(DAY_10, DAY_10), limits)
    assert [visit.day for visit in first.visits] == [DAY_10]
    second = Period(DAY_10 + timedelta(days=1), DAY_10 + timedelta(days=7))
    targets = [Target("c2", "s", 1)]
    alone = assign(SHOPPER, targets, _directory(), second, limits)
    assert [visit.day for visit in alone.visits] == [date(2026, 1, 11)]
    after = assign(SHOPPER, targets, _directory(), second, limits, booked=first.visits)
    assert [visit.day for visit in after.visits] == [date(2026, 1, 14)]  # 10 + 3 + 1
    again = assign(
        SHOPPER, [Target("c1", "s", 1)], _directory(), second, limits, booked=first.visits
    )
    assert [visit.day for visit in again.visits] == [date(2026, 1, 16)]  # 10 + 5 + 1
    assert after.summary["booked"] == {"given": 1, "in_period": 0}
    assert after.summary["inputs"] != alone.summary["inputs"]
    assert "booked" not in alone.summary


def test_visits_planned_in_the_period_count_against_the_load_cap() -> None:
    limits = Limits(lockout_days=0, spacing_days=0, load_cap=1)
    period = Period(DAY_10, DAY_10 + timedelta(days=6))
    planned = [Booked("S", "c1", DAY_10 + timedelta(days=2))]
    schedule = assign(SHOPPER, [Target("c2", "s", 1)], _directory(), period, limits, booked=planned)
    assert schedule.visits == ()
    assert [item.reason for item in schedule.unmet] == ["load_cap"]
    assert schedule.summary["booked"] == {"given": 1, "in_period": 1}
    earlier = [Booked("S", "c1", DAY_10 - timedelta(days=1))]  # before the period: no load
    schedule = assign(SHOPPER, [Target("c2", "s", 1)], _directory(), period, limits, booked=earlier)
    assert len(schedule.visits) == 1
    assert schedule.summary["booked"] == {"given": 1, "in_period": 0}


def test_visits_of_people_not_in_the_run_are_ignored() -> None:
    limits = Limits(lockout_days=0, spacing_days=3, load_cap=1)
    period = Period(DAY_10, DAY_10)
    others = [Booked("X", "c1", DAY_10)]
    schedule = assign(SHOPPER, [Target("c1", "s", 1)], _directory(), period, limits, booked=others)
    assert [visit.shopper for visit in schedule.visits] == ["S"]


def _all_visits(booked: list[Booked], schedule: Schedule) -> list[Visit | Booked]:
    return [*booked, *schedule.visits]


@settings(max_examples=150, deadline=None)
@given(
    shoppers=st.integers(1, 4),
    spacing=st.integers(0, 5),
    lockout=st.integers(0, 10),
    cap=st.integers(0, 6),
    booked=st.lists(
        st.tuples(st.integers(0, 3), st.sampled_from(("c1", "c2")), st.integers(-12, 20)),
        max_size=8,
    ),
    targets=st.lists(
        st.tuples(st.sampled_from(("c1", "c2")), st.integers(1, 2), st.integers(1, 3)),
        max_size=6,
    ),
    method=st.sampled_from(("constrained", "greedy")),
)
def test_no_two_visits_of_a_shopper_are_within_the_spacing_across_the_whole_schedule(
    shoppers: int,
    spacing: int,
    lockout: int,
    cap: int,
    booked: list[tuple[int, str, int]],
    targets: list[tuple[str, int, int]],
    method: str,
) -> None:
    people = [Shopper(f"S{n}", ("en",)) for n in range(shoppers)]
    period = Period(DAY_10, DAY_10 + timedelta(days=13))
    earlier: list[Booked] = []
    for who, centre, offset in booked:  # booked visits keep the rules among themselves
        day = DAY_10 + timedelta(days=offset)
        mine = [b for b in earlier if b.shopper == f"S{who}"]
        if all(abs((b.day - day).days) > spacing for b in mine) and all(
            abs((b.day - day).days) > lockout for b in mine if b.centre == centre
        ):
            earlier.append(Booked(f"S{who}", centre, day))
    limits = Limits(lockout_days=lockout, spacing_days=spacing, load_cap=cap)
    wanted = [Target(centre, "s", week, visits) for centre, week, visits in targets]
    schedule = assign(people, wanted, _directory(), period, limits, booked=earlier, method=method)
    days: defaultdict[str, list[date]] = defaultdict(list)
    at_centre: defaultdict[tuple[str, str], list[date]] = defaultdict(list)
    for visit in _all_visits(earlier, schedule):
        days[visit.shopper].append(visit.day)
        at_centre[(visit.shopper, visit.centre)].append(visit.day)
    for booked_days in days.values():
        booked_days.sort()
        assert all((b - a).days > spacing for a, b in itertools.pairwise(booked_days))
    for booked_days in at_centre.values():
        booked_days.sort()
        assert all((b - a).days > lockout for a, b in itertools.pairwise(booked_days))
    for person in people:
        inside = [
            visit
            for visit in _all_visits(earlier, schedule)
            if visit.shopper == person.id and period.start <= visit.day <= period.end
        ]
        made = [visit for visit in schedule.visits if visit.shopper == person.id]
        assert not made or len(inside) <= cap
    assert problems("schedule-summary", schedule.summary) == []


def _schedule(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_the_second_period_respects_spacing_and_lockout_against_the_first(
    tmp_path: Path,
) -> None:
    shoppers, targets = EXAMPLES / "shoppers.csv", EXAMPLES / "targets.csv"
    first = tmp_path / "january"
    assert main(assign_command(shoppers, targets, first)) == 0
    # the next period starts the day after: 1 February, the same targets again
    second = tmp_path / "february"
    command = assign_command(shoppers, targets, second, to="2026-02-28")
    command[command.index("2026-01-04")] = "2026-02-01"
    assert main([*command, "--visits", str(first / "schedule.csv")]) == 0
    summary = json.loads((second / "summary.json").read_text(encoding="utf-8"))
    assert summary["booked"]["given"] == len(_schedule(first / "schedule.csv"))
    rows = _schedule(first / "schedule.csv") + _schedule(second / "schedule.csv")
    assert any(row["day"] >= "2026-02-01" for row in rows)
    days: defaultdict[str, list[date]] = defaultdict(list)
    at_centre: defaultdict[tuple[str, str], list[date]] = defaultdict(list)
    for row in rows:
        day = date.fromisoformat(row["day"])
        days[row["shopper"]].append(day)
        at_centre[(row["shopper"], row["centre"])].append(day)
    for booked in days.values():
        booked.sort()
        assert all((b - a).days > 2 for a, b in itertools.pairwise(booked))  # spacing 2
    for booked in at_centre.values():
        booked.sort()
        assert all((b - a).days > 28 for a, b in itertools.pairwise(booked))  # lockout 28


def test_read_visits_gives_back_what_assign_wrote(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(assign_command(EXAMPLES / "shoppers.csv", EXAMPLES / "targets.csv", out)) == 0
    visits = read_visits(out / "schedule.csv")
    assert [visit.shopper for visit in visits] == [
        row["shopper"] for row in _schedule(out / "schedule.csv")
    ]
    assert any(visit.journey for visit in visits)


def test_a_bad_row_of_a_visits_file_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "schedule.csv"
    path.write_text(
        "shopper,day,week,centre,service,channel,journey,target\n"
        "S-01,2026-01-05,1,moi-doha,moi-id-renewal,visit,,1\n"
        "S-02,5 January,1,moi-doha,moi-id-renewal,visit,,1\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        read_visits(path)
    assert caught.value.code == "schema_violation"
    assert caught.value.where == f"{path}:3"


def test_in_a_workspace_the_second_period_sees_the_first_from_the_store(
    tmp_path: Path,
) -> None:
    from shopperkit.store import Workspace

    workspace = Workspace.create(tmp_path / "ws", "qatar-cgb")
    place = ["--workspace", str(workspace.folder)]
    shoppers, targets = EXAMPLES / "shoppers.csv", EXAMPLES / "targets.csv"
    first = tmp_path / "january"
    assert main([*assign_command(shoppers, targets, first), *place]) == 0
    second = tmp_path / "february"
    command = assign_command(shoppers, targets, second, to="2026-02-28")
    command[command.index("2026-01-04")] = "2026-02-01"
    assert main([*command, *place]) == 0  # no --visits: the store has January's
    summary = json.loads((second / "summary.json").read_text(encoding="utf-8"))
    january = _schedule(first / "schedule.csv")
    assert summary["booked"]["given"] == len(january)
    rows = january + _schedule(second / "schedule.csv")
    days: defaultdict[str, list[date]] = defaultdict(list)
    for row in rows:
        days[row["shopper"]].append(date.fromisoformat(row["day"]))
    for booked in days.values():
        booked.sort()
        assert all((b - a).days > 2 for a, b in itertools.pairwise(booked))  # spacing 2
    kept = workspace.store().visits(date(2026, 1, 1), date(2026, 12, 31))
    assert len(kept) == len(rows)
