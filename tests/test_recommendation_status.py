"""Recommendation statuses tracked over time: recorded, refused, and carried into reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shopperkit.cli import main
from shopperkit.io.schemas import problems
from tests.helpers import published_texts
from tests.test_report import records


def _report(tmp_path: Path, *extra: str) -> list[dict[str, object]]:
    scores = tmp_path / "scores"
    scores.mkdir(exist_ok=True)
    lines = [json.dumps(row) for row in records()]
    (scores / "scores.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "report"
    args = ["report", "--programme", "qatar-cgb", str(scores), "--out", str(out), *extra]
    assert main(args) == 0
    made: list[dict[str, object]] = json.loads((out / "recommendations.json").read_text())
    assert problems("recommendations", made) == []
    return made


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPPERKIT_PSEUDONYM_SECRET", "a-test-secret-of-enough-length")


def test_a_status_recorded_reaches_the_next_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _report(tmp_path)
    assert {r["status"] for r in first} == {"open"}
    chosen = str(first[0]["id"])
    log = tmp_path / "status.jsonl"
    base = ["recommendations", str(log), "--by", "moi-focal-point"]
    assert main([*base, "--set", chosen, "accepted", "--on", "2024-04-02"]) == 0
    assert json.loads(capsys.readouterr().out) == {chosen: "accepted"}
    assert main([*base, "--set", chosen, "done", "--on", "2024-06-30", "--note", "fixed"]) == 0
    assert json.loads(capsys.readouterr().out) == {chosen: "done"}

    again = {str(r["id"]): r for r in _report(tmp_path, "--status-log", str(log))}
    assert again[chosen]["status"] == "done"
    assert again[chosen]["history"] == [
        {"status": "accepted", "on": "2024-04-02", "by": "moi-focal-point", "note": ""},
        {"status": "done", "on": "2024-06-30", "by": "moi-focal-point", "note": "fixed"},
    ]
    others = [r for key, r in again.items() if key != chosen]
    assert all(r["status"] == "open" and r["history"] == [] for r in others)


def test_a_move_back_is_refused_and_the_log_is_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "status.jsonl"
    base = ["recommendations", str(log), "--by", "moi"]
    assert main([*base, "--set", "R1", "done", "--on", "2024-01-02"]) == 0
    before = log.read_bytes()
    assert main([*base, "--set", "R1", "accepted", "--on", "2024-01-03"]) == 2
    assert "cannot go from 'done' to 'accepted'" in capsys.readouterr().err
    assert log.read_bytes() == before


def test_an_unknown_status_names_the_line_and_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "status.jsonl"
    good = {"recommendation": "R1", "status": "accepted", "on": "2024-01-02", "by": "moi"}
    log.write_text(json.dumps(good) + "\n" + json.dumps({**good, "status": "ignored"}) + "\n")
    assert main(["recommendations", str(log)]) == 2
    err = capsys.readouterr().err
    assert f"{log}:2" in err
    assert "$.status" in err
    assert "Traceback" not in err


def test_set_needs_a_reporter(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "status.jsonl"
    assert main(["recommendations", str(log), "--set", "R1", "done"]) == 2
    assert "--by" in capsys.readouterr().err
    assert not log.exists()


def test_notes_are_published_redacted(tmp_path: Path) -> None:
    examples = Path(__file__).resolve().parent.parent / "examples/qatar"
    directory = json.loads((examples / "directory.json").read_text(encoding="utf-8"))
    directory["centres"][0]["staff"] = ["Khalid Nasser"]
    (tmp_path / "directory.json").write_text(json.dumps(directory), encoding="utf-8")
    scored = tmp_path / "scored"
    args = ["score", "--programme", "qatar-cgb", str(examples / "missions.jsonl")]
    assert main([*args, "--out", str(scored)]) == 0
    report = ["report", "--programme", "qatar-cgb", str(scored), "--out", str(tmp_path / "r")]
    report += ["--directory", str(tmp_path / "directory.json")]
    assert main(report) == 0
    published = json.loads((tmp_path / "r/recommendations.json").read_text(encoding="utf-8"))
    chosen = str(published[0]["id"])
    log = tmp_path / "status.jsonl"
    note = (
        "QS-07 complained; call +974 5512 3456 or write to focal@moph.gov.qa; "
        "khalid nasser will fix it"
    )
    change = ["recommendations", str(log), "--set", chosen, "accepted", "--by", "QS-07"]
    assert main([*change, "--on", "2026-01-05", f"--note={note}"]) == 0
    assert note in log.read_text(encoding="utf-8")  # the log itself keeps what was said
    assert main([*report, "--status-log", str(log)]) == 0
    out = tmp_path / "r"
    again = {r["id"]: r for r in json.loads((out / "recommendations.json").read_text("utf-8"))}
    assert again[chosen]["history"] == [
        {
            "status": "accepted",
            "on": "2026-01-05",
            "by": "[shopper]",
            "note": "[shopper] complained; call [phone] or write to [email]; [name] will fix it",
        }
    ]
    for name, text in published_texts(out).items():
        for secret in ("QS-07", "5512", "focal@", "Khalid", "khalid"):
            assert secret not in text, (name, secret)


def test_in_a_workspace_the_report_reads_the_statuses_from_the_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from shopperkit.store import Workspace

    workspace = Workspace.create(tmp_path / "ws", "qatar-cgb")
    place = ["--workspace", str(workspace.folder)]
    chosen = str(_report(tmp_path, *place)[0]["id"])
    base = ["recommendations", "--by", "moi-focal-point", *place]
    assert main([*base, "--set", chosen, "accepted", "--on", "2024-04-02"]) == 0
    again = {str(r["id"]): r for r in _report(tmp_path, *place)}
    assert again[chosen]["status"] == "accepted"
    assert again[chosen]["history"] == [
        {"status": "accepted", "on": "2024-04-02", "by": "moi-focal-point", "note": ""}
    ]
    # The report kept the follow-up's verdict in the store: no visit came after and none is
    # planned yet, so the follow-up is due (assign schedules its repeat visits).
    capsys.readouterr()
    assert main(["followups", *place, "--format", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["recommendation"], row["state"], row["planned"]) == (chosen, "due", 0)
    followup = again[chosen]["followup"]
    assert isinstance(followup, dict)
    assert row["verdict"] == followup["verdict"] == "not_enough_visits"
