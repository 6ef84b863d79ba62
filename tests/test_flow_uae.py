"""The UAE-style path end to end: score the example evaluations, then report on the scores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shopperkit.cli import main
from shopperkit.plugins import Plugins
from shopperkit.registry import Registry

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "uae"


def test_scores_feed_the_report_with_form_labels_and_entity_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plugins: Plugins
) -> None:
    scores, out = tmp_path / "scores", tmp_path / "report"
    evaluations = EXAMPLES / "evaluations.jsonl"
    assert main(["score", "--programme", "uae", str(evaluations), "--out", str(scores)]) == 0
    read = sum(1 for line in evaluations.read_text(encoding="utf-8").splitlines() if line)
    accepted = (scores / "scores.jsonl").read_text(encoding="utf-8").splitlines()
    rejected = (scores / "rejects.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(accepted) + len(rejected) == read

    monkeypatch.setenv("SHOPPERKIT_PSEUDONYM_SECRET", "a-test-secret-of-enough-length")
    directory = EXAMPLES / "directory.json"
    args = ["report", "--programme", "uae", str(scores), "--out", str(out), "--k", "2"]
    assert main([*args, "--directory", str(directory), "--language", "ar,en"]) == 0

    form = Registry(plugins).form("uae-visit")
    entities = json.loads(directory.read_text(encoding="utf-8"))["entities"]
    scored = {json.loads(line)["entity"] for line in accepted}
    arabic = (out / "report.ar.html").read_text(encoding="utf-8")
    assert 'dir="rtl"' in arabic
    assert all(section.title["ar"] in arabic for section in form.sections)
    assert all(e["name"]["ar"] in arabic for e in entities if e["id"] in scored)
    shoppers = {json.loads(line)["shopper"] for line in accepted}
    assert not any(shopper in arabic for shopper in shoppers)


def test_an_open_programme_reports_from_python_without_files(plugins: Plugins) -> None:
    """No cohort: score -> report aggregates (merged from parts) -> report, all in memory."""
    from shopperkit.insights import insights, report_aggregates
    from shopperkit.scoring import score

    registry = Registry(plugins)
    programme = registry.programme("uae")
    directory = registry.directory(programme)
    lines = (EXAMPLES / "evaluations.jsonl").read_text(encoding="utf-8").splitlines()
    scored = score([json.loads(line) for line in lines if line], registry, by=["entity"])
    assert (
        len(scored.evaluations) + len(scored.rejected)
        == scored.read
        == len([line for line in lines if line])
    )
    used = {s.form for s in scored.evaluations}
    forms = [form for form in registry.forms(programme) if form.id in used]
    secret = b"a-test-secret-of-enough-length"
    half = len(scored.evaluations) // 2
    parts = [
        report_aggregates(part, forms, secret=secret)
        for part in (scored.evaluations[:half], scored.evaluations[half:])
    ]
    found = insights(parts[0].merge(parts[1]), forms, programme=programme, directory=directory, k=2)
    assert found.evaluations == len(scored.evaluations)
    page = found.report("ar").html()
    assert 'dir="rtl"' in page
    assert directory is not None
    named = {e.id: e.name["ar"] for e in directory.entities}
    assert all(named[s.entity] in page for s in scored.evaluations if s.entity in named)
    assert all(section.title["ar"] in page for form in forms for section in form.sections)
