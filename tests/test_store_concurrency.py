"""Officers writing at once, as real processes started together at a barrier: a change that
conflicts with one committed a moment earlier is refused for the second writer, nothing is
lost; a writer killed mid-transaction leaves the store as it was. On SQLite and PostgreSQL,
and for the log files too."""

from __future__ import annotations

import contextlib
import io
import json
import multiprocessing
import os
import signal
from datetime import date
from multiprocessing.synchronize import Barrier
from multiprocessing.synchronize import Event as ProcessEvent
from pathlib import Path
from typing import Any

import pytest

from shopperkit.cli import main
from shopperkit.insights.recommendations import StatusChange
from shopperkit.lifecycle import Event, Lifecycle
from shopperkit.registry import Registry
from shopperkit.store import Store, Workspace

ROUNDS = 24
CONTEXT = multiprocessing.get_context("spawn")


def _officer(barrier: Barrier, commands: list[list[str]], results: Any) -> None:
    """Run each command when every officer is ready for it; report (round, exit code,
    error text)."""
    for number, command in enumerate(commands):
        barrier.wait()
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(command)
        results.put((number, code, err.getvalue()))


def race(commands_of: list[list[list[str]]]) -> list[list[tuple[int, str]]]:
    """Start one process per officer, each running its commands round by round, all of a
    round at once; each round's (exit code, error text) by officer."""
    barrier = CONTEXT.Barrier(len(commands_of))
    results = CONTEXT.Queue()
    officers = [
        CONTEXT.Process(target=_officer, args=(barrier, commands, results))
        for commands in commands_of
    ]
    for process in officers:
        process.start()
    rounds: dict[int, list[tuple[int, str]]] = {}
    for _ in range(sum(len(commands) for commands in commands_of)):
        number, code, err = results.get(timeout=300)
        rounds.setdefault(number, []).append((code, err))
    for process in officers:
        process.join(timeout=60)
        assert process.exitcode == 0
    return [rounds[number] for number in sorted(rounds)]


@pytest.fixture
def workspace(tmp_path: Path, db_url: str) -> Workspace:
    return Workspace.create(tmp_path / "ws", "qatar-cgb", db_url)


def _one_wins(outcomes: list[tuple[int, str]], code: str) -> None:
    assert sorted(exit for exit, _ in outcomes) == [0, 2], outcomes
    (refused,) = [err for exit, err in outcomes if exit == 2]
    assert f"[{code}]" in refused, refused
    assert "internal error" not in refused


def test_two_officers_marking_done_at_once_one_is_refused(workspace: Workspace) -> None:
    store = workspace.store()
    for n in range(ROUNDS):
        store.set_status(StatusChange(f"R{n}", "accepted", date(2026, 1, 5), "ministry"))
    place = ["--workspace", str(workspace.folder)]
    commands = [
        ["recommendations", "--set", f"R{n}", "done", "--by", "ministry", *place]
        for n in range(ROUNDS)
    ]
    for outcomes in race([commands, commands]):
        _one_wins(outcomes, "status_transition_refused")
    changes = store.status_changes()
    assert [c.status for c in changes].count("done") == ROUNDS
    assert len(changes) == 2 * ROUNDS


def test_two_officers_withdrawing_one_shopper_one_is_refused(
    workspace: Workspace, tmp_path: Path
) -> None:
    registry = Registry()
    lifecycle = Lifecycle(registry.programme("qatar-cgb"), registry.plugins)
    people = [f"P{n}" for n in range(ROUNDS)]
    steps = [("applied", 10), ("screened", 11), ("interviewed", 12), ("waitlisted", 13)]
    workspace.store().record_events(
        lifecycle,
        [
            Event(f"{person}-{kind}", person, kind, date(2022, 6, day))
            for person in people
            for kind, day in steps
        ],
    )
    place = ["--workspace", str(workspace.folder)]
    commands_of: list[list[list[str]]] = []
    for officer in ("a", "b"):
        commands = []
        for person in people:
            new = tmp_path / f"{officer}-{person}.jsonl"
            line = {"id": f"{person}-out-{officer}", "person": person, "kind": "withdrawn"}
            new.write_text(json.dumps({**line, "at": "2022-08-01"}) + "\n")
            commands.append(["record", str(new), *place])
        commands_of.append(commands)
    for outcomes in race(commands_of):
        _one_wins(outcomes, "transition_refused")
    store = workspace.store()
    for person in people:
        kinds = [event.kind for event in store.history(person)]
        assert kinds.count("withdrawn") == 1
    assert store.count_events() == ROUNDS * (len(steps) + 1)


def test_two_officers_on_one_status_log_file_one_is_refused(tmp_path: Path) -> None:
    log = tmp_path / "status.jsonl"
    rounds = 12
    for n in range(rounds):
        assert main(["recommendations", str(log), "--set", f"R{n}", "accepted", "--by", "m"]) == 0
    commands = [
        ["recommendations", str(log), "--set", f"R{n}", "done", "--by", "m"] for n in range(rounds)
    ]
    for outcomes in race([commands, commands]):
        _one_wins(outcomes, "status_transition_refused")
    lines = log.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["status"] for line in lines].count("done") == rounds


def _killed_writer(url: str, ready: ProcessEvent) -> None:
    """Begin a write transaction, add a thousand events, say so, and wait to be killed."""
    registry = Registry()
    lifecycle = Lifecycle(registry.programme("qatar-cgb"), registry.plugins)
    store = Store(url)

    def stall(person: str, on: date) -> str | None:
        ready.set()
        signal.pause()
        return None

    events = [Event(f"K{n}", f"K{n}", "applied", date(2022, 6, 1)) for n in range(1000)]
    trip = {"change": "travel_abroad", "departs": "2022-10-01", "returns": "2023-06-15"}
    selected = [
        Event("S-1", "S", "applied", date(2022, 6, 1)),
        Event("S-2", "S", "screened", date(2022, 6, 2)),
        Event("S-3", "S", "interviewed", date(2022, 6, 3)),
        Event("S-4", "S", "selected", date(2022, 6, 4)),
        Event("S-5", "S", "condition_reported", date(2022, 9, 1), trip),
        Event("S-6", "S", "review_decided", date(2022, 9, 2), {"decision": "withdraw"}),
    ]
    store.record_events(lifecycle, [*events, *selected], stall)


def test_a_writer_killed_mid_transaction_leaves_the_store_as_it_was(
    workspace: Workspace,
) -> None:
    store = workspace.store()
    registry = Registry()
    lifecycle = Lifecycle(registry.programme("qatar-cgb"), registry.plugins)
    store.record_events(lifecycle, [Event("A-1", "A", "applied", date(2022, 6, 1))])
    ready = CONTEXT.Event()
    writer = CONTEXT.Process(target=_killed_writer, args=(workspace.url, ready))
    writer.start()
    assert ready.wait(timeout=120)
    assert writer.pid is not None
    os.kill(writer.pid, signal.SIGKILL)
    writer.join(timeout=30)
    assert store.count_events() == 1
    # The lock died with the writer: the next writer goes straight on.
    added = store.record_events(lifecycle, [Event("A-2", "A", "screened", date(2022, 6, 2))])
    assert [event.id for event in added] == ["A-2"]
    assert [event.id for event in store.events()] == ["A-1", "A-2"]
    if workspace.url.startswith("sqlite"):
        with store.database.reading() as session:
            check = session.connection().exec_driver_sql("PRAGMA integrity_check").scalar()
        assert check == "ok"
