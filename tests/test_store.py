"""The store and the workspace: import and export round trips, all-or-nothing commands,
versions, backup and restore. Every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from shopperkit.cli import main
from shopperkit.errors import InputError
from shopperkit.insights.recommendations import StatusChange
from shopperkit.io.events import read_events
from shopperkit.lifecycle import Event, Lifecycle
from shopperkit.registry import Registry
from shopperkit.store import Database, Store, Workspace, head_version
from tests.helpers import SMALL_POOL, small_draw_inputs

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EVENTS = EXAMPLES / "operations" / "events.jsonl"
POOL = SMALL_POOL


@pytest.fixture
def workspace(tmp_path: Path, db_url: str) -> Workspace:
    return Workspace.create(tmp_path / "ws", "qatar-cgb", db_url)


@pytest.fixture
def lifecycle() -> Lifecycle:
    registry = Registry()
    return Lifecycle(registry.programme("qatar-cgb"), registry.plugins)


def run(workspace: Workspace, *args: str) -> int:
    return main([*args, "--workspace", str(workspace.folder)])


def draw_folder(tmp_path: Path) -> Path:
    """A revealed draw of 3 seats from 8 people, made by ``select``."""
    out = tmp_path / "draw"
    assert main([*small_draw_inputs(tmp_path), "--out", str(out)]) == 0
    return out


def test_init_makes_a_workspace_at_the_current_schema(workspace: Workspace) -> None:
    store = workspace.store()
    assert store.database.version() == head_version()
    ((programme, digest),) = store.programme_versions()
    assert programme == "qatar-cgb"
    assert len(digest) == 64
    with pytest.raises(InputError) as again:
        Workspace.create(workspace.folder, "qatar-cgb")
    assert again.value.code == "workspace_exists"


def test_events_import_and_export_round_trip_exactly(workspace: Workspace, tmp_path: Path) -> None:
    assert run(workspace, "import", "events", str(EVENTS)) == 0
    out = tmp_path / "events.jsonl"
    assert run(workspace, "export", "events", "-o", str(out)) == 0
    assert out.read_bytes() == EVENTS.read_bytes()
    # Importing the same log again would repeat every id: refused, nothing added.
    assert run(workspace, "import", "events", str(EVENTS)) == 2
    assert workspace.store().count_events() == len(read_events(EVENTS))


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        ("applicants", EXAMPLES / "applicants.csv"),
        ("interview-scores", EXAMPLES / "interview-scores.csv"),
        ("evaluations", EXAMPLES / "forms" / "example-evaluations.jsonl"),
        ("shoppers", EXAMPLES / "operations" / "shoppers.csv"),
        ("directory", EXAMPLES / "operations" / "directory.json"),
    ],
)
def test_files_import_and_export_byte_for_byte(
    workspace: Workspace, tmp_path: Path, kind: str, path: Path
) -> None:
    assert run(workspace, "import", kind, str(path)) == 0
    out = tmp_path / path.name
    assert run(workspace, "export", "file", path.name, "-o", str(out)) == 0
    assert out.read_bytes() == path.read_bytes()
    assert workspace.store().records(kind)  # the records are kept too, for queries


def test_a_draw_round_trips_and_still_verifies(workspace: Workspace, tmp_path: Path) -> None:
    folder = draw_folder(tmp_path)
    assert run(workspace, "import", "draw", str(folder), "--name", "cohort-2022") == 0
    out = tmp_path / "exported"
    assert run(workspace, "export", "draw", "cohort-2022", "-o", str(out)) == 0
    assert {p.name: p.read_bytes() for p in out.iterdir()} == {
        p.name: p.read_bytes() for p in folder.iterdir()
    }
    assert main(["verify", str(out)]) == 0


def test_a_refused_batch_changes_nothing_not_even_the_draw(
    workspace: Workspace, tmp_path: Path, lifecycle: Lifecycle
) -> None:
    folder = draw_folder(tmp_path)
    store = workspace.store()
    store.import_draw("cohort", folder)
    cohort = json.loads((folder / "result.json").read_text())["cohort"]
    leaving = cohort[0]
    setup = [
        Event(f"{person}-{step}", person, kind, _day(at))
        for person, _ in POOL
        for step, (kind, at) in enumerate(
            [
                ("applied", "2022-06-10"),
                ("screened", "2022-07-10"),
                ("interviewed", "2022-07-20"),
                ("selected" if person in cohort else "waitlisted", "2022-08-01"),
            ]
        )
    ]
    store.record_events(lifecycle, setup)
    files_before = store.draw_files("cohort")
    count = store.count_events()
    trip = {"change": "travel_abroad", "departs": "2022-10-01", "returns": "2023-01-15"}
    report = Event("R-1", leaving, "condition_reported", _day("2022-09-20"), trip)
    withdraw = Event("D-1", leaving, "review_decided", _day("2022-09-22"), {"decision": "withdraw"})
    illegal = Event("R-2", "P-nobody", "activated", _day("2022-09-23"))
    with pytest.raises(InputError) as refused:
        store.record_events(lifecycle, [report, withdraw, illegal], draw="cohort")
    assert refused.value.code == "transition_refused"
    assert store.count_events() == count
    assert store.draw_files("cohort") == files_before

    added = store.record_events(lifecycle, [report, withdraw], draw="cohort")
    kinds = [e.kind for e in added]
    assert kinds[:2] == ["condition_reported", "review_opened"]
    assert "replacement_requested" in kinds
    after = json.loads(store.draw_files("cohort")["result.json"])
    assert [r["withdrawn"] for r in after["replacements"]] == [leaving]
    out = tmp_path / "after"
    assert run(workspace, "export", "draw", "cohort", "-o", str(out)) == 0
    assert main(["verify", str(out)]) == 0


def _day(text: str) -> date:
    return date.fromisoformat(text)


def test_a_second_done_is_refused_naming_the_state(workspace: Workspace) -> None:
    store = workspace.store()
    on = _day("2026-01-05")
    store.set_status(StatusChange("R1", "accepted", on, "ministry"))
    store.set_status(StatusChange("R1", "done", on, "ministry"))
    with pytest.raises(InputError) as refused:
        store.set_status(StatusChange("R1", "done", on, "ministry"))
    assert refused.value.code == "status_transition_refused"
    assert refused.value.params["before"] == "done"
    assert [c.status for c in store.status_changes()] == ["accepted", "done"]


def test_history_reads_one_person_from_the_store(
    workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(workspace, "import", "events", str(EVENTS)) == 0
    capsys.readouterr()
    assert run(workspace, "history", "Q-004") == 0
    document = json.loads(capsys.readouterr().out)
    expected = [e.id for e in read_events(EVENTS) if e.person == "Q-004"]
    assert [e["id"] for e in document["events"]] == expected


def test_an_old_store_asks_for_an_upgrade(tmp_path: Path, db_url: str) -> None:
    with pytest.raises(InputError) as old:
        Store(db_url)
    assert old.value.code == "store_outdated"
    assert main(["upgrade", "--db", db_url]) == 0
    assert Store(db_url).database.version() == head_version()


def test_a_backup_restores_every_draw(workspace: Workspace, tmp_path: Path) -> None:
    if not workspace.url.startswith("sqlite"):
        pytest.skip("PostgreSQL stores are backed up with pg_dump")
    folder = draw_folder(tmp_path)
    assert run(workspace, "import", "draw", str(folder), "--name", "first") == 0
    assert run(workspace, "import", "events", str(EVENTS)) == 0
    backup = tmp_path / "backup.db"
    assert run(workspace, "backup", str(backup)) == 0
    store = workspace.store()
    store.import_draw("second", folder)
    assert store.draws() == ["first", "second"]
    assert run(workspace, "restore", str(backup)) == 0
    restored = workspace.store()
    assert restored.draws() == ["first"]
    assert restored.count_events() == len(read_events(EVENTS))
    for name in restored.draws():
        out = tmp_path / f"verify-{name}"
        assert run(workspace, "export", "draw", name, "-o", str(out)) == 0
        assert main(["verify", str(out)]) == 0


def test_a_file_that_is_not_a_backup_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    if not workspace.url.startswith("sqlite"):
        pytest.skip("PostgreSQL stores are backed up with pg_dump")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    assert run(workspace, "restore", str(junk)) == 2


def test_no_workspace_is_a_coded_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SHOPPERKIT_DB", raising=False)
    assert main(["export", "events"]) == 2
    assert "[workspace_missing]" in capsys.readouterr().err


def test_a_copied_workspace_finds_its_own_store(workspace: Workspace, tmp_path: Path) -> None:
    if not workspace.url.startswith("sqlite"):
        pytest.skip("a PostgreSQL store is not in the folder")
    assert run(workspace, "import", "events", str(EVENTS)) == 0
    moved = tmp_path / "moved"
    shutil.copytree(workspace.folder, moved)
    assert Workspace.load(moved).store().count_events() == len(read_events(EVENTS))


def test_database_refuses_other_addresses() -> None:
    for url in ("mysql://x/y", "not a url", "sqlite+nope:///x"):
        with pytest.raises(InputError) as refused:
            Database(url)
        assert refused.value.code == "store_url_invalid"


def test_select_and_replace_in_a_workspace_keep_the_draw_in_the_store(
    workspace: Workspace, tmp_path: Path
) -> None:
    out = tmp_path / "cohort-2026"
    select = small_draw_inputs(tmp_path)
    assert run(workspace, *select, "--out", str(out)) == 0
    store = workspace.store()
    assert store.draws() == ["cohort-2026"]
    # The same name again is refused, and no file is replaced either.
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert run(workspace, *select[:-1], "8", "--out", str(out)) == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before

    leaving = json.loads((out / "result.json").read_text())["cohort"][0]
    assert run(workspace, "replace", str(out), "--withdraw", leaving) == 0
    kept = store.draw_files("cohort-2026")
    assert kept == {p.name: p.read_bytes() for p in out.iterdir()}
    assert [r["withdrawn"] for r in json.loads(kept["result.json"])["replacements"]] == [leaving]
    assert main(["verify", str(out)]) == 0


def test_score_in_a_workspace_keeps_what_came_in_and_what_it_made(
    workspace: Workspace, tmp_path: Path
) -> None:
    evaluations = EXAMPLES / "forms" / "example-evaluations.jsonl"
    form = EXAMPLES / "forms" / "example-visit.yaml"
    out = tmp_path / "scored"
    assert run(workspace, "score", str(evaluations), "--form", str(form), "--out", str(out)) == 0
    store = workspace.store()
    kept = {kind: name for name, kind, _ in store.documents()}
    assert set(kept) == {"evaluations", "scores", "rejects"}
    assert store.document(kept["evaluations"])[1] == evaluations.read_bytes()
    assert store.document(kept["scores"])[1] == (out / "scores.jsonl").read_bytes()
    rejected = store.records("rejects")
    assert len(rejected) == 3
    assert all(record["errors"] for record in rejected)
    accepted = store.records("scores", "e-0000001")
    assert [record["id"] for record in accepted] == ["e-0000001"]
    made = store.visits(date(2000, 1, 1), date(2100, 1, 1), "made")
    scored = [json.loads(line) for line in (out / "scores.jsonl").read_text().splitlines()]
    assert [v.day for v in made] == sorted(v.day for v in made)  # by day
    assert sorted((v.shopper, v.centre, v.day.isoformat()) for v in made) == sorted(
        (s["shopper"], s["centre"], s["visited_at"][:10]) for s in scored
    )


def test_screen_and_interview_in_a_workspace_keep_their_files(
    workspace: Workspace, tmp_path: Path
) -> None:
    applicants = EXAMPLES / "applicants.csv"
    verdicts = tmp_path / "verdicts.jsonl"
    screen = ["screen", "--programme", "qatar-cgb", str(applicants), "--format", "jsonl"]
    assert run(workspace, *screen, "-o", str(verdicts)) == 0
    pool, outcomes = tmp_path / "pool.csv", tmp_path / "outcomes.jsonl"
    interview = ["interview", "--programme", "qatar-cgb", str(applicants)]
    scores = EXAMPLES / "interview-scores.csv"
    args = [str(scores), "--pool", str(pool), "--outcomes", str(outcomes)]
    assert run(workspace, *interview, *args) == 0
    store = workspace.store()
    kinds = sorted(kind for _, kind, _ in store.documents())
    assert kinds == ["applicants", "interview-scores", "outcomes", "pool", "verdicts"]
    by_kind = {kind: name for name, kind, _ in store.documents()}
    for kind, path in [("verdicts", verdicts), ("pool", pool), ("outcomes", outcomes)]:
        assert store.document(by_kind[kind])[1] == path.read_bytes()
    # Q-001 is eligible; its second row is an error record (the id repeated), kept too.
    assert [v["status"] for v in store.records("verdicts", "Q-001")] == ["eligible", "error"]


def test_visits_are_kept_and_read_back_by_period(workspace: Workspace) -> None:
    from shopperkit.assignment.model import Booked, Visit

    def visit(shopper: str, day: str) -> Visit:
        return Visit(shopper, _day(day), 1, "c-1", "svc-1", "in_person", ("svc-1",), 0)

    store = workspace.store()
    planned = [visit("S1", "2026-03-30"), visit("S2", "2026-03-31"), visit("S1", "2026-04-02")]
    assert store.add_visits(planned) == 3
    booked = [Booked(v.shopper, v.centre, v.day) for v in planned]
    assert store.visits(_day("2026-03-31"), _day("2026-04-30")) == booked[1:]
    went = Booked("S3", "c-2", _day("2026-04-01"))
    assert store.add_visits([went], "made") == 1
    assert store.visits(_day("2026-01-01"), _day("2026-12-31")) == [*booked[:2], went, booked[2]]
    assert store.visits(_day("2026-01-01"), _day("2026-12-31"), "made") == [went]


def test_the_migrations_make_exactly_the_tables_the_code_declares(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from shopperkit.store.tables import Base

    database = Database(db_url)
    database.upgrade()
    try:
        with database.engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    finally:
        database.close()
