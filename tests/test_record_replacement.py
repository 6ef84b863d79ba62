"""A condition change the team decides to withdraw for replaces the shopper from the cohort
draw's waitlist, end to end."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from shopperkit.cli import main
from tests.helpers import SMALL_POOL, lifecycle_lines, small_draw_inputs

POOL = SMALL_POOL


def _event(id: str, person: str, kind: str, at: str, **data: object) -> str:
    line: dict[str, object] = {"id": id, "person": person, "kind": kind, "at": at}
    if data:
        line["data"] = data
    return json.dumps(line)


@pytest.fixture
def draw(tmp_path: Path) -> Path:
    out = tmp_path / "draw"
    assert main([*small_draw_inputs(tmp_path), "--out", str(out)]) == 0
    return out


def test_a_long_trip_withdrawn_after_review_and_the_waitlist_fills_the_seat(
    draw: Path, tmp_path: Path
) -> None:
    result = json.loads((draw / "result.json").read_text())
    cohort, waitlist = result["cohort"], result["waitlist"]
    leaving = next(p for p in cohort if dict(POOL)[p] == "citizen")
    lines = []
    for person, _ in POOL:
        lines += [
            _event(f"{person}-1", person, "applied", "2022-06-10"),
            _event(f"{person}-2", person, "screened", "2022-07-10"),
            _event(f"{person}-3", person, "interviewed", "2022-07-20"),
        ]
        if person in cohort:
            lines += [
                _event(f"{person}-4", person, "selected", "2022-08-01"),
                _event(f"{person}-5", person, "onboarded", "2022-08-07"),
            ]
        else:
            lines.append(_event(f"{person}-4", person, "waitlisted", "2022-08-01"))
    log = tmp_path / "events.jsonl"
    log.write_text("\n".join(lines) + "\n")
    new = tmp_path / "new.jsonl"
    trip = {"change": "travel_abroad", "departs": "2022-10-01", "returns": "2023-01-15"}
    new.write_text(
        _event("R-1", leaving, "condition_reported", "2022-09-20", **trip)
        + "\n"
        + _event("D-1", leaving, "review_decided", "2022-09-22", decision="withdraw")
        + "\n"
    )

    args = ["record", str(new), "--events", str(log), "--programme", "qatar-cgb"]
    assert main([*args, "--selection", str(draw)]) == 0

    after = json.loads((draw / "result.json").read_text())
    (made,) = after["replacements"]
    joining = made["replacement"]
    assert made["withdrawn"] == leaving
    # The seat goes to the first citizen on the seeded waitlist: the citizen minimum of 2 holds.
    assert joining == next(p for p in waitlist if dict(POOL)[p] == "citizen")
    with (draw / "cohort.csv").open() as stream:
        now = [row["id"] for row in csv.DictReader(stream)]
    assert sorted(now) == sorted([p for p in cohort if p != leaving] + [joining])

    added = [json.loads(line) for line in log.read_text().splitlines()[len(lines) :]]
    assert [(e["person"], e["kind"]) for e in added] == [
        (leaving, "condition_reported"),
        (leaving, "review_opened"),
        (leaving, "review_decided"),
        (leaving, "replacement_requested"),
        (joining, "selected"),
    ]
    assert added[3]["data"]["replacement"] == joining


def test_someone_the_draw_cannot_replace_is_recorded_without_one(
    draw: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outsider = "X-1"
    log = tmp_path / "events.jsonl"
    log.write_text(
        "\n".join(
            _event(f"X-{n}", outsider, kind, at)
            for n, (kind, at) in enumerate(
                [
                    ("applied", "2022-06-10"),
                    ("screened", "2022-07-10"),
                    ("interviewed", "2022-07-20"),
                    ("selected", "2022-08-01"),
                    ("onboarded", "2022-08-07"),
                ]
            )
        )
        + "\n"
    )
    new = tmp_path / "new.jsonl"
    trip = {"change": "travel_abroad", "departs": "2022-10-01", "returns": "2023-01-15"}
    new.write_text(
        _event("R-1", outsider, "condition_reported", "2022-09-20", **trip)
        + "\n"
        + _event("D-1", outsider, "review_decided", "2022-09-22", decision="withdraw")
        + "\n"
    )
    before = (draw / "result.json").read_bytes()
    args = ["record", str(new), "--events", str(log), "--programme", "qatar-cgb"]
    assert main([*args, "--selection", str(draw)]) == 0
    requested = [json.loads(line) for line in log.read_text().splitlines()][-1]
    assert requested["kind"] == "replacement_requested"
    assert requested["data"]["replacement"] is None
    assert f"no replacement for {outsider}" in capsys.readouterr().err
    assert (draw / "result.json").read_bytes() == before


def test_two_seats_emptied_in_one_run_go_to_two_people(draw: Path, tmp_path: Path) -> None:
    result = json.loads((draw / "result.json").read_text())
    cohort = result["cohort"]
    leaving = cohort[:2]
    lines = lifecycle_lines(cohort, _event)
    log = tmp_path / "events.jsonl"
    log.write_text("\n".join(lines) + "\n")
    new = tmp_path / "new.jsonl"
    trip = {"change": "travel_abroad", "departs": "2022-10-01", "returns": "2023-01-15"}
    new.write_text(
        "".join(
            _event(f"R-{n}", person, "condition_reported", "2022-09-20", **trip)
            + "\n"
            + _event(f"D-{n}", person, "review_decided", "2022-09-22", decision="withdraw")
            + "\n"
            for n, person in enumerate(leaving)
        )
    )
    args = ["record", str(new), "--events", str(log), "--programme", "qatar-cgb"]
    assert main([*args, "--selection", str(draw)]) == 0

    after = json.loads((draw / "result.json").read_text())
    assert [made["withdrawn"] for made in after["replacements"]] == leaving
    joining = [made["replacement"] for made in after["replacements"]]
    assert len(set(joining)) == 2
    assert not set(joining) & set(cohort)
    with (draw / "cohort.csv").open() as stream:
        now = [row["id"] for row in csv.DictReader(stream)]
    assert sorted(now) == sorted([p for p in cohort if p not in leaving] + joining)
    citizens = [p for p in now if dict(POOL)[p] == "citizen"]
    assert len(citizens) == 2
    assert main(["verify", str(draw)]) == 0


def test_a_refused_batch_leaves_the_log_and_the_draw_as_they_were(
    draw: Path, tmp_path: Path
) -> None:
    result = json.loads((draw / "result.json").read_text())
    cohort = result["cohort"]
    lines = lifecycle_lines(cohort, _event)
    log = tmp_path / "events.jsonl"
    log.write_text("\n".join(lines) + "\n")
    trip = {"change": "travel_abroad", "departs": "2022-10-01", "returns": "2023-01-15"}
    new = tmp_path / "new.jsonl"
    new.write_text(
        _event("R-1", cohort[0], "condition_reported", "2022-09-20", **trip)
        + "\n"
        + _event("R-2", "nobody", "activated", "2022-09-21")
        + "\n"
    )
    files = {p.name: p.read_bytes() for p in draw.iterdir()}
    log_before = log.read_bytes()
    args = ["record", str(new), "--events", str(log), "--programme", "qatar-cgb"]
    assert main([*args, "--selection", str(draw)]) == 2
    assert log.read_bytes() == log_before
    assert {p.name: p.read_bytes() for p in draw.iterdir()} == files
