"""The report's PDFs printed together, and ``report --formats``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shopperkit.cli import main
from shopperkit.errors import InputError
from shopperkit.insights import formats
from shopperkit.insights.formats import html_pdf, html_pdfs
from shopperkit.io.reports import FORMATS, report_formats
from shopperkit.messages import render
from tests.browser import pdf_pages
from tests.test_report import records


def test_pages_printed_together_come_back_in_their_order(tmp_path: Path) -> None:
    pages = [f"<html><body><h1>Page number {n}</h1></body></html>" for n in range(5)]
    printed = html_pdfs(pages, workers=3)
    assert len(printed) == 5
    for number, pdf in enumerate(printed):
        assert isinstance(pdf, bytes), pdf
        path = tmp_path / f"{number}.pdf"
        path.write_bytes(pdf)
        assert [f"Page number {number}"] == [p.text.strip() for p in pdf_pages(path, tmp_path)]
    assert html_pdfs([]) == []


def test_one_page_is_printed_as_before(tmp_path: Path) -> None:
    pdf = html_pdf("<p>One page</p>")
    assert isinstance(pdf, bytes)
    assert pdf[:5] == b"%PDF-"


def test_without_chromium_every_page_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formats, "chromium", lambda: None)
    notice = ("report_pdf_unavailable", {"browser": "chromium"})
    assert html_pdfs(["<p>a</p>", "<p>b</p>"]) == [notice, notice]
    assert html_pdf("<p>a</p>") == notice


def test_a_browser_that_cannot_print_fails_every_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formats, "chromium", lambda: "/bin/false")
    failed = ("report_pdf_failed", {"reason": "CalledProcessError"})
    assert html_pdfs(["<p>a</p>", "<p>b</p>", "<p>c</p>"]) == [failed] * 3


@pytest.fixture
def scores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "scores"
    folder.mkdir()
    lines = "".join(json.dumps(row) + "\n" for row in records())
    (folder / "scores.jsonl").write_text(lines, encoding="utf-8")
    monkeypatch.setenv("SHOPPERKIT_PSEUDONYM_SECRET", "a-test-secret-of-enough-length")
    return folder


def report(scores: Path, out: Path, *more: str) -> int:
    return main(["report", "--programme", "qatar-cgb", str(scores), "--out", str(out), *more])


def written(out: Path) -> list[str]:
    return sorted(str(path.relative_to(out)) for path in out.rglob("*") if path.is_file())


@pytest.mark.parametrize("value", ["html,docx", "PDF,", "", " , ", "md;csv"])
def test_an_unknown_format_is_refused_before_any_file_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    out = tmp_path / "out"
    assert report(tmp_path / "no-scores", out, "--formats", value) == 2
    err = capsys.readouterr().err
    assert "[report_format_unknown]" in err
    assert "is not a report format (the formats are: html, md, csv, xlsx, pdf)" in err
    assert not out.exists()
    with pytest.raises(InputError) as refused:
        report_formats(value)
    assert refused.value.params["known"] == ", ".join(FORMATS)
    assert refused.value.params["format"] in value


def test_formats_are_read_once_each_in_their_order() -> None:
    assert report_formats(" md ,csv,md,") == ("md", "csv")
    assert report_formats(",".join(FORMATS)) == FORMATS


def test_only_the_formats_asked_for_are_written(scores: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    assert report(scores, out, "--formats", "md,csv") == 0
    files = written(out)
    assert {"report.en.md", "report.ar.md"} <= set(files)
    assert "tables/ar/league.csv" in files
    assert not [name for name in files if name.endswith((".html", ".xlsx", ".pdf"))]
    assert {"recommendations.json", "flags.json", "reliability.json"} <= set(files)


def test_without_chromium_the_rest_is_written_and_said_once(
    scores: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(formats, "chromium", lambda: None)
    out = tmp_path / "report"
    assert report(scores, out, "--formats", "pdf,html") == 0
    assert [n for n in written(out) if n.startswith("report.")] == [
        "report.ar.html",
        "report.en.html",
    ]
    unavailable = render("report_pdf_unavailable", {"browser": "chromium"})
    assert capsys.readouterr().err.count(unavailable) == 1
