"""``shopperkit report`` end to end on generated score records."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from shopperkit.cli import main
from shopperkit.insights.findings import FindingPolicy
from shopperkit.insights.integrity import IntegrityPolicy
from shopperkit.insights.render import BAR_COLOUR
from shopperkit.io.schemas import problems
from shopperkit.plugins import Plugins
from shopperkit.registry import Registry
from tests.browser import png_colours, screenshot
from tests.helpers import published_texts

FACTORS = ("location", "reception", "waiting_time", "staff_behaviour", "payment")
ENTITIES = {"moi": ("moi-c1", "moi-c2", "moi-c3"), "mophp": ("mophp-c1", "mophp-c2")}


def records(seed: int = 3) -> list[dict[str, Any]]:
    """Two entities, five centres; at moi-c2 waiting is poor; one shopper rushes a visit."""
    rng = random.Random(seed)
    rows = []
    start = datetime(2024, 1, 8, 9, 0)
    for number in range(900):
        entity = rng.choice(sorted(ENTITIES))
        centre = rng.choice(ENTITIES[entity])
        visited = start + timedelta(days=rng.randrange(90), minutes=rng.randrange(480))
        factors = {f: min(100.0, max(0.0, rng.gauss(75, 12))) for f in FACTORS}
        if centre == "moi-c2":
            factors["waiting_time"] = min(100.0, max(0.0, rng.gauss(45, 12)))
        row: dict[str, Any] = {
            "id": f"E{number:04d}",
            "form": "test-visit",
            "form_version": "1",
            "programme": "qatar-cgb",
            "language": "ar",
            "items": {},
            "handoffs": {},
            "failed_critical": [],
            "band": None,
            "shopper": f"shopper-{rng.randrange(60):02d}",
            "entity": entity,
            "centre": centre,
            "service": f"{entity}-renewal",
            "channel": "visit",
            "visited_at": visited.isoformat(),
            "submitted_at": (visited + timedelta(minutes=rng.randint(15, 90))).isoformat(),
            "overall": sum(factors.values()) / len(factors),
            "sections": factors,
            "comment": "Mr. Hassan Ali was helpful, call 5551 2345" if number % 50 == 0 else "",
        }
        # Points as a weighted_mean form with every section weighing 1 gives them.
        sections = {f: {"earned": v / 100.0, "possible": 1.0} for f, v in factors.items()}
        overall = {"earned": row["overall"] * len(factors) / 100.0, "possible": len(factors)}
        row["points"] = {"overall": overall, "sections": sections}
        if number % 7 == 0:
            row["handoffs"] = {"moi>mophp": rng.gauss(40 if entity == "moi" else 70, 10)}
        rows.append(row)
    rows[5]["submitted_at"] = (
        datetime.fromisoformat(rows[5]["visited_at"]) + timedelta(minutes=1)
    ).isoformat()
    return rows


@pytest.fixture
def report_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    scores = tmp_path / "scores"
    scores.mkdir()
    lines = [json.dumps(row) for row in records()]
    (scores / "scores.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("SHOPPERKIT_PSEUDONYM_SECRET", "a-test-secret-of-enough-length")
    out = tmp_path / "report"
    args = ["report", "--programme", "qatar-cgb", str(scores), "--out", str(out), "--k", "5"]
    assert main(args) == 0
    return out


def test_findings_and_recommendations(report_dir: Path) -> None:
    made = json.loads((report_dir / "recommendations.json").read_text())
    found = {(r["rule"], r["evidence"]["key"], r["evidence"]["factor"]) for r in made}
    assert ("improve_weak_factor", "moi-c2", "waiting_time") in found
    assert ("fix_handoff", "moi>mophp", "handoff") in found
    # Nothing invented elsewhere: every other centre and factor is within noise.
    assert all(r["evidence"]["key"] in {"moi-c2", "moi", "moi>mophp"} for r in made)


def test_flags_and_privacy(report_dir: Path) -> None:
    flags = json.loads((report_dir / "flags.json").read_text())
    assert problems("flags", flags) == []
    assert {"evaluation": "E0005", "code": "visit_too_short"} in [
        {"evaluation": f["evaluation"], "code": f["code"]} for f in flags
    ]
    everything = "".join(published_texts(report_dir).values())
    assert "shopper-" not in everything  # identities never leave the bureau
    assert "Hassan" not in everything
    assert "5551 2345" not in everything
    reliability = json.loads((report_dir / "reliability.json").read_text())
    assert problems("reliability", reliability) == []
    assert all(key.startswith("S-") for key in reliability)


def test_html_report_in_arabic_renders_in_chromium(report_dir: Path) -> None:
    page = report_dir / "report.ar.html"
    text = page.read_text(encoding="utf-8")
    assert 'dir="rtl"' in text
    # The summary, the league table, two entities with the centres that have a finding
    # (moi-c2 below the programme, moi-c1 and mophp-c1 a change between months), how to
    # read it, data quality.
    assert text.count('<section id="entity-') == 2
    assert text.count('<section id="centre-') == 3
    for part in ("summary", "league", "method", "quality"):
        assert f'<section id="{part}"' in text
    picture = report_dir / "report.png"
    screenshot(page, picture)
    assert png_colours(picture)[(0x1F, 0x6F, 0x8B)] > 2000
    assert BAR_COLOUR == "#1f6f8b"
    title = "# Mystery Shopper initiative\\: evaluation report"  # Markdown escapes the colon
    assert (report_dir / "report.en.md").read_text().startswith(title)


def test_a_missing_secret_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SHOPPERKIT_PSEUDONYM_SECRET", raising=False)
    (tmp_path / "scores.jsonl").write_text("")
    args = ["report", "--programme", "qatar-cgb", str(tmp_path), "--out", str(tmp_path / "o")]
    assert main(args) == 2
    assert "SHOPPERKIT_PSEUDONYM_SECRET" in capsys.readouterr().err


def test_a_shopper_evaluating_their_employer_is_flagged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = records()
    scores = tmp_path / "scores"
    scores.mkdir()
    (scores / "scores.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    shoppers = tmp_path / "shoppers.csv"
    shoppers.write_text("id,languages,employer,city\nshopper-07,ar,moi,Doha\nshopper-08,en,,\n")
    monkeypatch.setenv("SHOPPERKIT_PSEUDONYM_SECRET", "a-test-secret-of-enough-length")
    out = tmp_path / "report"
    args = ["report", "--programme", "qatar-cgb", str(scores), "--out", str(out)]
    assert main([*args, "--shoppers", str(shoppers)]) == 0
    flags = json.loads((out / "flags.json").read_text())
    flagged = {f["evaluation"] for f in flags if f["code"] == "conflict_of_interest"}
    own = {r["id"] for r in rows if r["shopper"] == "shopper-07" and r["entity"] == "moi"}
    assert own
    assert flagged == own


def test_thresholds_come_from_the_programme(plugins: Plugins) -> None:
    programme = Registry(plugins).programme("qatar-cgb")
    parameters = json.loads(
        next(p for p in Path(__file__).parents[1].glob("plugins/*/src/*/qatar-cgb.json")).read_text(
            encoding="utf-8"
        )
    )["parameters"]
    integrity = IntegrityPolicy.of(programme)
    assert integrity.minimum_minutes == parameters["integrity_minimum_minutes"]["value"]
    assert FindingPolicy.of(programme).rate == parameters["finding_false_discovery_rate"]["value"]
    assert FindingPolicy.of(programme).minimum_count == FindingPolicy().minimum_count  # unset
