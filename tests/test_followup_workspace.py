"""Follow-ups in a workspace, from the command line: ``report`` keeps the verdict with its
follow-up and finders, ``assign`` schedules the repeat visits still needed (never twice, never
by a finder, only in the window), ``followups`` says they are scheduled. On SQLite and on
PostgreSQL; and a store kept at 0003 still reads its verdicts after the upgrade."""

from __future__ import annotations

import csv
import json
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from shopperkit.cli import main
from shopperkit.insights.followup import NOT_ENOUGH_VISITS, FollowupPolicy
from shopperkit.model.evaluations import ScoredEvaluation, points_from_data
from shopperkit.scoring.batch import score_record
from shopperkit.store import Database, Store, Workspace

WEAK = ("ent-mol", "ctr-mol-hamad-bin-abdulla", "svc-work-permit")
"""The centre whose waiting scores 45 against 75 elsewhere: its recommendation is taken up."""
OTHERS = (
    ("ent-moci", "ctr-moci-lusail", "svc-commercial-registration"),
    ("ent-moph", "ctr-medical-commission", "svc-medical-exam"),
)
FINDERS = [f"F{n}" for n in range(5)]
"""The only shoppers who visited the weak centre."""
TAKEN_UP = date(2024, 4, 1)
"""The window of the qatar-cgb programme's defaults: 1 May to 29 July 2024."""
SECRET = "a-test-secret-of-enough-length"


def score_lines(seed: int = 3) -> str:
    """Two visits a day at each of the three centres from January to March 2024."""
    rng = random.Random(seed)
    lines: list[str] = []
    for offset in range(91):
        day = date(2024, 1, 1) + timedelta(days=offset)
        for entity, centre, service in (WEAK, *OTHERS):
            for visit in range(2):
                mean = 45.0 if centre == WEAK[1] else 75.0
                sections = {
                    "waiting": min(100.0, max(0.0, rng.gauss(mean, 8))),
                    "courtesy": min(100.0, max(0.0, rng.gauss(75.0, 8))),
                }
                shopper = rng.choice(FINDERS) if centre == WEAK[1] else f"O{rng.randrange(5)}"
                at = datetime(day.year, day.month, day.day, 9 + 3 * visit)
                points = points_from_data(
                    {
                        "overall": {"earned": sum(sections.values()) / 100, "possible": 2.0},
                        "sections": {
                            k: {"earned": v / 100, "possible": 1.0} for k, v in sections.items()
                        },
                    }
                )
                scored = ScoredEvaluation(
                    id=f"E{len(lines)}", form="visit", form_version="1", programme=None,
                    shopper=shopper, entity=entity, centre=centre, service=service,
                    channel="visit", language="en", visited_at=at,
                    submitted_at=at + timedelta(minutes=40), comment="",
                    overall=sum(sections.values()) / 2, sections=sections, items={},
                    handoffs={}, failed_critical=(), band=None, points=points,
                )  # fmt: skip
                lines.append(json.dumps(score_record(scored)) + "\n")
    return "".join(lines)


def shoppers_file(folder: Path) -> Path:
    """The finders, the other centres' shoppers, 30 newcomers and one who speaks no
    language the services are offered in."""
    path = folder / "shoppers.csv"
    rows = [(s, "ar;en") for s in FINDERS + [f"O{n}" for n in range(5)]]
    rows += [(f"N{n:02}", "en") for n in range(30)] + [("X-fr", "fr")]
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "languages", "employer", "city"])
        writer.writerows((ident, languages, "", "Doha") for ident, languages in rows)
    return path


def command(workspace: Workspace, *args: str) -> int:
    return main([*args, "--workspace", str(workspace.folder)])


def assign(workspace: Workspace, shoppers: Path, out: Path, start: str, end: str) -> int:
    args = ["assign", "--programme", "qatar-cgb", str(shoppers), "--out", str(out)]
    return command(workspace, *args, "--from", start, "--to", end)


@pytest.fixture
def workspace(tmp_path: Path, db_url: str) -> Workspace:
    return Workspace.create(tmp_path / "ws", "qatar-cgb", db_url)


def taken_up(workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Report on the scores, accept the weak centre's waiting recommendation on
    :data:`TAKEN_UP` and report again (keeping its verdict); its id."""
    monkeypatch.setenv("SHOPPERKIT_PSEUDONYM_SECRET", SECRET)
    scores = tmp_path / "scores"
    scores.mkdir()
    (scores / "scores.jsonl").write_text(score_lines())
    report = ["report", "--programme", "qatar-cgb", str(scores), "--formats", "md"]
    assert command(workspace, *report, "--out", str(tmp_path / "first")) == 0
    made = json.loads((tmp_path / "first" / "recommendations.json").read_text())
    (weak,) = [
        r["id"]
        for r in made
        if (r["evidence"]["level"], r["evidence"]["key"], r["evidence"]["factor"])
        == ("centre", WEAK[1], "waiting")
    ]
    taken = ["recommendations", "--set", weak, "accepted", "--by", "ent-mol"]
    assert command(workspace, *taken, "--on", TAKEN_UP.isoformat()) == 0
    assert command(workspace, *report, "--out", str(tmp_path / "second")) == 0
    return str(weak)


def test_report_then_assign_schedules_the_repeat_visits_once(
    workspace: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    weak = taken_up(workspace, tmp_path, monkeypatch)
    store = workspace.store()
    try:
        (kept,) = store.kept_verdicts()
    finally:
        store.close()
    assert kept.verdict.verdict == NOT_ENOUGH_VISITS
    assert kept.item is not None
    assert (kept.item.level, kept.item.key, kept.item.factor) == ("centre", WEAK[1], "waiting")
    assert kept.finders == tuple(FINDERS)
    assert kept.until == date(2024, 3, 31)
    more = kept.verdict.more
    assert more is not None
    assert 0 < more <= 30

    capsys.readouterr()
    assert command(workspace, "followups", "--format", "json") == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["state"], row["planned"]) == ("due", 0)

    # June, inside the window: the repeat visits at the weak centre, by newcomers only.
    shoppers = shoppers_file(tmp_path)
    june = tmp_path / "june"
    assert assign(workspace, shoppers, june, "2024-06-02", "2024-06-29") == 0
    summary = json.loads((june / "summary.json").read_text())
    with (june / "schedule.csv").open() as rows:
        visits = list(csv.DictReader(rows))
    numbers = {item["target"] for item in summary["followups"]}
    assert {item["recommendation"] for item in summary["followups"]} == {weak}
    assert summary["required"] == more
    repeat = [v for v in visits if int(v["target"]) in numbers]
    assert repeat == visits
    assert {(v["centre"], v["service"]) for v in repeat} == {WEAK[1:]}
    who = [v["shopper"] for v in repeat]
    assert not set(who) & {*FINDERS, "X-fr"}
    assert len(who) == len(set(who))  # a 28-day lockout: one visit a shopper in June
    assert len(repeat) == more
    assert json.loads((june / "unmet.json").read_text()) == []

    capsys.readouterr()
    assert command(workspace, "followups", "--format", "json") == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["recommendation"], row["state"]) == (weak, "scheduled")
    assert (row["planned"], row["visits"], row["more"]) == (more, 0, more)

    # The same month again, and August (after the window): nothing more to book.
    again = tmp_path / "again"
    assert assign(workspace, shoppers, again, "2024-06-02", "2024-06-29") == 0
    assert "followups" not in json.loads((again / "summary.json").read_text())
    assert (again / "schedule.csv").read_text().count("\n") == 1  # the header alone
    august = tmp_path / "august"
    assert assign(workspace, shoppers, august, "2024-08-04", "2024-08-31") == 0
    assert json.loads((august / "summary.json").read_text())["required"] == 0
    store = workspace.store()
    try:
        assert [r for r, _ in store.followup_visits()] == [weak] * more
    finally:
        store.close()


def test_unmet_follow_up_targets_name_their_recommendation(
    workspace: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    weak = taken_up(workspace, tmp_path, monkeypatch)
    # Only the finders and a shopper of no service language: every repeat visit is unmet.
    path = tmp_path / "few.csv"
    path.write_text("id,languages,employer,city\nF0,en,,\nX-fr,fr,,\n")
    out = tmp_path / "june"
    assert assign(workspace, path, out, "2024-06-02", "2024-06-29") == 0
    unmet = json.loads((out / "unmet.json").read_text())
    assert unmet
    assert {u["recommendation"] for u in unmet} == {weak}
    assert {u["reason"] for u in unmet} == {"excluded"}  # X-fr speaks no service language
    assert {u["blocked"]["excluded"] for u in unmet} == {1}


def test_outside_a_workspace_the_targets_file_is_required(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SHOPPERKIT_DB", raising=False)
    args = ["assign", "--programme", "qatar-cgb", str(shoppers_file(tmp_path))]
    code = main([*args, "--out", "out", "--from", "2024-06-02", "--to", "2024-06-29"])
    assert code == 2
    assert "targets_missing" in capsys.readouterr().err


def test_verdicts_kept_at_0003_still_read_after_the_upgrade(tmp_path: Path, db_url: str) -> None:
    from alembic import command as alembic
    from sqlalchemy import insert

    from shopperkit.store.database import _alembic
    from shopperkit.store.tables import FollowupRow, StatusRow

    database = Database(db_url)
    with database.engine.connect() as connection, connection.begin():
        alembic.upgrade(_alembic(connection), "0003")
        stamp = datetime(2024, 6, 1, 12, tzinfo=UTC)
        verdict: dict[str, Any] = {
            "recommendation": "R-old", "verdict": NOT_ENOUGH_VISITS,
            "before": {"count": 40, "mean": 60.0, "stdev": 10.0},
            "after": {"count": 0, "mean": 0.0, "stdev": 0.0},
            "before_interval": [56.8, 63.2], "after_interval": [0.0, 0.0],
            "comparison": None, "p_adjusted": None, "needed": 30, "more": 30,
            "window": ["2024-05-31", "2024-08-28"],
        }  # fmt: skip
        common = {"recorded_by": "test", "recorded_at": stamp}
        connection.execute(
            insert(StatusRow),
            [{"recommendation": "R-old", "status": "accepted", "on": date(2024, 5, 1),
              "by": "moi", "note": "", **common}],
        )  # fmt: skip
        connection.execute(
            insert(FollowupRow),
            [{"recommendation": "R-old", "verdict": NOT_ENOUGH_VISITS, "on": date(2024, 6, 1),
              "data": json.dumps(verdict), **common}],
        )  # fmt: skip
    database.upgrade()
    database.close()
    store = Store(db_url)
    try:
        (kept,) = store.kept_verdicts()
        assert (kept.on, kept.verdict.more, kept.item, kept.finders, kept.until) == (
            date(2024, 6, 1), 30, None, (), None,
        )  # fmt: skip
        assert store.followup_history() == [(kept.on, kept.verdict)]
        (state,) = store.followup_states()
        assert (state.recommendation, state.state, state.planned) == ("R-old", "due", 0)
        # Without its follow-up kept, it gives no targets (and no error).
        from shopperkit.assignment import Period
        from shopperkit.registry import Registry

        registry = Registry()
        directory = registry.directory(registry.programme("qatar-cgb"))
        assert directory is not None
        june = Period(date(2024, 6, 2), date(2024, 6, 29))
        assert store.followup_targets(directory, june, FollowupPolicy()) == []
    finally:
        store.close()
