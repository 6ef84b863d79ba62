"""Mission assignment on the example inputs and hand-made cases; the command and its errors."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from shopperkit.assignment import (
    Limits,
    Period,
    Schedule,
    Shopper,
    Target,
    active_shoppers,
    assign,
    check_targets,
)
from shopperkit.cli import main
from shopperkit.errors import InputError, ProgrammeError
from shopperkit.io.events import read_events
from shopperkit.io.operations import read_directory, read_shoppers, read_targets, schedule_files
from shopperkit.io.schemas import problems
from shopperkit.lifecycle import Lifecycle
from shopperkit.model.programme import Programme
from shopperkit.model.services import Directory, Entity, Service, ServiceCentre
from shopperkit.plugins import Plugins
from tests.helpers import with_parameter
from tests.test_docs import run_blocks

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "operations"


def assign_command(shoppers: Path, targets: Path, out: Path, to: str = "2026-01-31") -> list[str]:
    """``shopperkit assign`` for the Qatar programme and the example directory, from 4 January."""
    return [
        *("assign", "--programme", "qatar-cgb", str(shoppers), str(targets)),
        *("--directory", str(EXAMPLES / "directory.json")),
        *("--from", "2026-01-04", "--to", to, "--out", str(out)),
    ]


PERIOD = Period(date(2026, 1, 4), date(2026, 1, 31))


@pytest.fixture(scope="module")
def directory() -> Directory:
    return read_directory(EXAMPLES / "directory.json")


def run_example(
    directory: Directory, qatar: Programme, seed: int = 0, method: str = "constrained"
) -> Schedule:
    targets = read_targets(EXAMPLES / "targets.csv")
    check_targets(targets, directory, PERIOD, "targets.csv")
    return assign(
        read_shoppers(EXAMPLES / "shoppers.csv"),
        targets,
        directory,
        PERIOD,
        Limits.of(qatar),
        seed=seed,
        method=method,
        programme=qatar.id,
    )


def test_example_meets_what_it_can_and_says_why_not_the_rest(
    directory: Directory, qatar: Programme
) -> None:
    schedule = run_example(directory, qatar)
    # 10 visits required; target 5 (Kahramaa, week 3, Arabic only) cannot be met: of the three
    # Arabic speakers S-03 works for Kahramaa and S-01, S-05 visited the centre in week 2,
    # inside the 28-day lockout; target 6 needs Hindi, which nobody speaks.
    assert schedule.summary["required"] == 10
    assert schedule.summary["assigned"] == 8
    assert [(u.target, u.reason, u.assigned) for u in schedule.unmet] == [
        (5, "lockout", 0),
        (6, "no_language", 0),
    ]
    assert schedule.unmet[0].blocked == {
        "speakers": 3,
        "conflict_of_interest": 1,
        "eligible": 2,
        "lockout": 2,
    }
    by_target: dict[int, list[str]] = {}
    for visit in schedule.visits:
        by_target.setdefault(visit.target, []).append(visit.shopper)
    assert sorted(by_target[3]) == ["S-01", "S-05"]  # S-03 works for Kahramaa
    assert "S-02" not in by_target[2]  # S-02 works for the health ministry
    assert by_target[4] != ["S-02"]  # the mission ends at the health ministry too
    mission = next(visit for visit in schedule.visits if visit.target == 4)
    assert mission.journey == ("moi-residency-permit", "mophp-medical-exam")
    assert schedule.summary["missions"] == 1


def test_same_inputs_and_seed_give_the_same_bytes(directory: Directory, qatar: Programme) -> None:
    first = schedule_files(run_example(directory, qatar, seed=3))
    assert first == schedule_files(run_example(directory, qatar, seed=3))


def test_output_files_match_their_schemas(directory: Directory, qatar: Programme) -> None:
    import csv
    import io

    files = schedule_files(run_example(directory, qatar))
    for row in csv.DictReader(io.StringIO(files["schedule.csv"])):
        assert problems("schedule-row", row) == []
    assert problems("unmet", json.loads(files["unmet.json"])) == []
    assert problems("schedule-summary", json.loads(files["summary.json"])) == []


def _directory(*services: Service) -> Directory:
    entities = tuple(Entity(e, {"en": e}) for e in sorted({s.entity for s in services}))
    centres = tuple(
        ServiceCentre(f"c-{s.id}", s.entity, {"en": s.id}, services=(s.id,)) for s in services
    )
    return Directory(entities=entities, services=services, centres=centres)


def test_most_constrained_first_beats_the_plain_greedy() -> None:
    # S-A speaks Arabic and English, S-B only English, one visit each. Greedy gives the English
    # visit (first in the file) to S-A and leaves the Arabic one unmet; the constrained method
    # gives the Arabic visit, which only S-A can make, first.
    directory = _directory(
        Service("english", "e1", {"en": "x"}, languages=("en",)),
        Service("arabic", "e2", {"en": "y"}, languages=("ar",)),
    )
    shoppers = [Shopper("S-A", ("ar", "en")), Shopper("S-B", ("en",))]
    targets = [Target("c-english", "english", 1), Target("c-arabic", "arabic", 1)]
    limits = Limits(lockout_days=28, spacing_days=2, load_cap=1)
    period = Period(date(2026, 1, 4), date(2026, 1, 10))
    greedy = assign(shoppers, targets, directory, period, limits, method="greedy")
    best = assign(shoppers, targets, directory, period, limits)
    assert greedy.summary["assigned"] == 1
    assert [u.reason for u in greedy.unmet] == ["load_cap"]
    assert best.summary["assigned"] == 2


def test_repair_hands_a_visit_over_to_free_a_capped_shopper() -> None:
    # One visit each (cap 1). "french" (two visits) is open only to S-C and S-D, "english"
    # to S-A and S-B, "arabic" to S-A, S-C and S-D. After "french" and "english", "arabic" is
    # open only if "english" went to S-B; when it went to S-A, the repair must hand it to S-B.
    # Greedy, in file order, gives "english" to S-A and misses "arabic".
    directory = _directory(
        Service("french", "e1", {"en": "x"}, languages=("fr",)),
        Service("english", "e2", {"en": "y"}, languages=("en",)),
        Service("arabic", "e3", {"en": "z"}, languages=("ar",)),
    )
    shoppers = [
        Shopper("S-A", ("ar", "en")),
        Shopper("S-B", ("en",)),
        Shopper("S-C", ("ar", "fr")),
        Shopper("S-D", ("ar", "fr")),
    ]
    targets = [
        Target("c-french", "french", 1, visits=2),
        Target("c-english", "english", 1),
        Target("c-arabic", "arabic", 1),
    ]
    limits = Limits(lockout_days=28, spacing_days=2, load_cap=1)
    period = Period(date(2026, 1, 4), date(2026, 1, 10))
    greedy = assign(shoppers, targets, directory, period, limits, method="greedy")
    assert greedy.summary["assigned"] == 3
    for seed in range(20):
        schedule = assign(shoppers, targets, directory, period, limits, seed=seed)
        assert schedule.summary["assigned"] == 4
        assert {v.shopper for v in schedule.visits if v.target == 2} == {"S-B"}


@pytest.mark.parametrize(
    ("limits", "reason"),
    [
        (Limits(lockout_days=0, spacing_days=0, load_cap=1), "load_cap"),
        (Limits(lockout_days=0, spacing_days=7, load_cap=5), "spacing"),
    ],
)
def test_unmet_reasons_name_the_binding_constraint(limits: Limits, reason: str) -> None:
    directory = _directory(
        Service("one", "e1", {"en": "x"}, languages=("en",)),
        Service("two", "e2", {"en": "y"}, languages=("en",)),
    )
    targets = [Target("c-one", "one", 1), Target("c-two", "two", 1)]
    period = Period(date(2026, 1, 4), date(2026, 1, 10))
    schedule = assign([Shopper("S", ("en",))], targets, directory, period, limits)
    assert [u.reason for u in schedule.unmet] == [reason]


def test_no_second_visit_to_one_target_by_the_same_shopper() -> None:
    directory = _directory(Service("one", "e1", {"en": "x"}, languages=("en",)))
    period = Period(date(2026, 1, 4), date(2026, 1, 10))
    limits = Limits(lockout_days=0, spacing_days=1, load_cap=5)
    schedule = assign(
        [Shopper("S", ("en",))], [Target("c-one", "one", 1, visits=3)], directory, period, limits
    )
    assert schedule.summary["assigned"] == 1
    assert [u.reason for u in schedule.unmet] == ["too_few_shoppers"]


def test_a_new_employer_reported_in_the_log_becomes_a_conflict(
    directory: Directory, qatar: Programme, plugins: Plugins
) -> None:
    records = Lifecycle(qatar, plugins).fold(read_events(EXAMPLES / "events.jsonl"))
    shoppers = active_shoppers(records.values())
    assert shoppers == [Shopper("Q-001", ("ar", "en"), "kahramaa")]
    target = Target("km-lusail", "km-new-connection", 1)
    schedule = assign(shoppers, [target], directory, PERIOD, Limits.of(qatar))
    assert [u.reason for u in schedule.unmet] == ["conflict_of_interest"]


@pytest.mark.parametrize(
    ("row", "code", "where"),
    [
        ("nowhere,moi-id-renewal,visit,1,1,", "reference_unknown", "target 1"),
        ("moi-doha,mophp-health-card,visit,1,1,", "reference_unknown", "target 1"),
        ("moi-doha,moi-id-renewal,phone,1,1,", "reference_unknown", "target 1"),
        ("moi-doha,moi-id-renewal,visit,5,1,", "week_outside_period", "target 1"),
        ("moi-doha,moi-id-renewal,visit,1,1,mophp-medical-exam", "journey_not_linked", "target 1"),
        ("moi-doha,moi-id-renewal,visit,0,1,", "schema_violation", ":2: week"),
        ("moi-doha,moi-id-renewal,visit,1,two,", "schema_violation", ":2: visits"),
    ],
)
def test_bad_targets_are_refused_naming_the_target(
    tmp_path: Path, directory: Directory, row: str, code: str, where: str
) -> None:
    path = tmp_path / "targets.csv"
    path.write_text(f"centre,service,channel,week,visits,journey\n{row}\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        check_targets(read_targets(path), directory, PERIOD, str(path))
    assert caught.value.code == code
    assert where in str(caught.value.where)


def test_assign_command_writes_three_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shoppers, targets = EXAMPLES / "shoppers.csv", EXAMPLES / "targets.csv"
    assert main(assign_command(shoppers, targets, tmp_path / "a")) == 0
    assert main(assign_command(shoppers, targets, tmp_path / "b")) == 0
    for name in ("schedule.csv", "unmet.json", "summary.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert "8 of 10" in capsys.readouterr().err


def test_assign_command_reports_bad_input_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shoppers = tmp_path / "shoppers.csv"
    shoppers.write_text("id,employer\nS-1,x\n", encoding="utf-8")
    shutil.copy(EXAMPLES / "targets.csv", tmp_path / "targets.csv")
    code = main(assign_command(shoppers, tmp_path / "targets.csv", tmp_path / "out"))
    err = capsys.readouterr().err
    assert code == 2
    assert str(shoppers) in err
    assert "languages" in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_a_shopper_row_with_an_unknown_language_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "shoppers.csv"
    path.write_text("id,languages\nS-1,ar\nS-2,ar;klingon\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_shoppers(path)
    assert caught.value.code == "schema_violation"
    assert caught.value.where == f"{path}:3"
    assert "$[0].languages[1]" in str(caught.value)


def test_the_guide_runs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(EXAMPLES.parent.parent)
    run_blocks(EXAMPLES.parent.parent / "docs" / "how-assignment-decides.md", capsys)


def test_assign_command_takes_the_active_shoppers_of_an_event_log(tmp_path: Path) -> None:
    targets = tmp_path / "targets.csv"
    targets.write_text(
        "centre,service,week\nkm-lusail,km-new-connection,1\nmoi-doha,moi-id-renewal,1\n",
        encoding="utf-8",
    )
    code = main(
        assign_command(EXAMPLES / "events.jsonl", targets, tmp_path / "out", to="2026-01-10")
    )
    assert code == 0
    # only Q-001 is active, and she now works for Kahramaa
    schedule = (tmp_path / "out" / "schedule.csv").read_text(encoding="utf-8").splitlines()
    assert schedule[1:] == ["Q-001,2026-01-04,1,moi-doha,moi-id-renewal,visit,,2"]
    unmet = json.loads((tmp_path / "out" / "unmet.json").read_text(encoding="utf-8"))
    assert [(item["target"], item["reason"]) for item in unmet] == [(1, "conflict_of_interest")]


def test_weeks_of_a_period_count_from_its_first_day() -> None:
    period = Period(date(2026, 1, 4), date(2026, 1, 19))
    assert period.weeks == 3
    assert period.days(1)[0] == date(2026, 1, 4)
    assert period.days(1)[-1] == date(2026, 1, 10)
    assert period.days(3) == [date(2026, 1, 18), date(2026, 1, 19)]
    with pytest.raises(InputError) as caught:
        Period(date(2026, 1, 4), date(2026, 1, 3))
    assert caught.value.code == "period_invalid"


def test_visits_fall_on_the_programme_working_days(qatar: Programme) -> None:
    limits = Limits.of(qatar)
    assert limits.visit_weekdays == ("sunday", "monday", "tuesday", "wednesday", "thursday")
    # 8 January 2026 is a Thursday: in-person visits wait for Sunday 11th; an app visit may
    # be made on the Friday
    days = [date(2026, 1, 8) + timedelta(days=n) for n in range(4)]
    assert limits.open_days(days, "visit") == [date(2026, 1, 8), date(2026, 1, 11)]
    assert limits.open_days(days, "app") == days
    directory = _directory(Service("one", "e1", {"en": "x"}, languages=("en",)))
    friday_only = Period(date(2026, 1, 9), date(2026, 1, 10))
    schedule = assign(
        [Shopper("S", ("en",))], [Target("c-one", "one", 1)], directory, friday_only, limits
    )
    assert [u.reason for u in schedule.unmet] == ["closed"]


def test_an_unknown_weekday_in_the_programme_is_refused(qatar: Programme) -> None:
    programme = with_parameter(qatar, "visit_weekdays", ("sunday", "funday"))
    with pytest.raises(ProgrammeError) as caught:
        Limits.of(programme)
    assert caught.value.code == "value_not_allowed"
    assert "visit_weekdays" in str(caught.value.where)


@pytest.mark.parametrize("method", ["constrained", "greedy"])
def test_a_closed_week_for_visits_leaves_other_channels_open(method: str) -> None:
    directory = _directory(Service("one", "e1", {"en": "x"}, channels=("visit", "app")))
    limits = Limits(lockout_days=0, spacing_days=0, load_cap=1, visit_weekdays=())
    targets = [Target("c-one", "one", 1), Target("c-one", "one", 1, channel="app")]
    schedule = assign([Shopper("S", ("en",))], targets, directory, PERIOD, limits, method=method)
    assert [(v.target, v.channel) for v in schedule.visits] == [(2, "app")]
    assert [(u.target, u.reason) for u in schedule.unmet] == [(1, "closed")]
