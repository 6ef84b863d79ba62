"""The demo runs the whole flow end to end on the built-in programme."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from shopperkit.cli import main
from tests.helpers import published_texts


def test_demo_recruits_draws_scores_and_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["demo", "--size", "600", "--evaluations", "400", "--out", str(tmp_path)]
    assert main(args) == 0
    with (tmp_path / "pool.csv").open(encoding="utf-8") as stream:
        pool = {row["id"]: row for row in csv.DictReader(stream)}
    assert list(next(iter(pool.values()))) == [
        "id",
        "residency",
        "nationality",
        "age_group",
        "profession",
    ]

    cohort = (tmp_path / "draw" / "cohort.csv").read_text().split()[1:]
    assert len(cohort) == len(set(cohort)) == 50
    assert set(cohort) <= set(pool)
    assert sum(pool[person]["residency"] == "citizen" for person in cohort) >= 25

    scores = (tmp_path / "scores" / "scores.jsonl").read_text().splitlines()
    rejects = (tmp_path / "scores" / "rejects.jsonl").read_text().splitlines()
    assert len(scores) + len(rejects) == 400
    assert {json.loads(line)["shopper"] for line in scores} <= set(cohort)

    made = json.loads((tmp_path / "report" / "recommendations.json").read_text())
    assert any(r["evidence"]["key"] == "c-2-3" for r in made)  # the centre made to serve badly
    everything = "".join(published_texts(tmp_path / "report").values())
    assert not any(person in everything for person in cohort)

    out = capsys.readouterr().out
    assert all(f"Stage {n}" in out for n in range(1, 6))


def test_demo_runs_the_open_uae_programme_from_the_crowd_to_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["demo", "--programme", "uae", "--evaluations", "900", "--out", str(tmp_path)]
    assert main(args) == 0
    assert not (tmp_path / "pool.csv").exists()  # nobody is recruited or drawn
    scored = [json.loads(line) for line in (tmp_path / "scores" / "scores.jsonl").open()]
    assert len(scored) == 900
    assert {record["form"] for record in scored} == {"uae-quick", "uae-visit"}
    made = json.loads((tmp_path / "report" / "recommendations.json").read_text())
    assert any(r["evidence"]["key"] == "c-2-3" for r in made)
    languages = {path.name.split(".")[1] for path in (tmp_path / "report").glob("report.*.html")}
    assert languages == {"ar", "en", "ur", "hi", "es", "zh", "fr", "ru"}
    out = capsys.readouterr().out
    assert "Stage 1, 900 evaluations" in out
    assert "Stage 3" not in out
