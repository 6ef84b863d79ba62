"""The report's PDFs printed together, and ``report --formats``."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopperkit.insights import formats
from shopperkit.insights.formats import html_pdf, html_pdfs
from tests.browser import pdf_pages


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
    assert isinstance(pdf, bytes) and pdf[:5] == b"%PDF-"


def test_without_chromium_every_page_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formats, "chromium", lambda: None)
    notice = ("report_pdf_unavailable", {"browser": "chromium"})
    assert html_pdfs(["<p>a</p>", "<p>b</p>"]) == [notice, notice]
    assert html_pdf("<p>a</p>") == notice


def test_a_browser_that_cannot_print_fails_every_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formats, "chromium", lambda: "/bin/false")
    failed = ("report_pdf_failed", {"reason": "CalledProcessError"})
    assert html_pdfs(["<p>a</p>", "<p>b</p>", "<p>c</p>"]) == [failed] * 3
