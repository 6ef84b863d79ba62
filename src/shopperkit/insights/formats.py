"""A report's other formats: its tables as CSV and XLSX, the page as PDF.

CSV and XLSX hold the report's named tables (the league table, each entity's
recommendations, the integrity flags) as text: a cell that a spreadsheet would take for a
formula (``=``, ``+``, ``-``, ``@``, tab or carriage return first) starts with an apostrophe,
so no text of the inputs runs in a spreadsheet. XLSX needs openpyxl (the ``report`` extra);
the PDF is the HTML page printed by headless Chromium (Debian's ``chromium``), when it is
installed. What cannot be made is said with a message code, never a traceback.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

from shopperkit.insights.render import Table

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CHROMIUM_NAMES = ("chromium", "chromium-browser")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
)
PDF_TIMEOUT = 120
"""Seconds Chromium may take to print one report."""

Notice = tuple[str, dict[str, str]]
"""A message code and its parameters: something the report could not make."""


def spreadsheet_text(text: str) -> str:
    """``text`` as a spreadsheet shows it, never as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def table_csv(table: Table) -> str:
    """``table`` as CSV (RFC 4180, a header row, every cell text)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([spreadsheet_text(cell) for cell in table.header])
    writer.writerows([spreadsheet_text(cell) for cell in row] for row in table.rows)
    return out.getvalue()


def tables_xlsx(tables: Sequence[Table], rtl: bool = False) -> bytes | Notice:
    """``tables`` as one workbook, a sheet per table (right to left when ``rtl``); a notice
    ``report_xlsx_unavailable`` when openpyxl is not installed."""
    try:
        from openpyxl import Workbook
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    except ImportError:
        return ("report_xlsx_unavailable", {"extra": "shopperkit[report]"})
    book = Workbook()
    if tables:  # a workbook keeps one sheet, empty when the report has no table
        book.remove(book.active)
    used: set[str] = set()
    for table in tables:
        title = _sheet_title(table.name, used)
        sheet = book.create_sheet(title)
        sheet.sheet_view.rightToLeft = rtl
        for row in (table.header, *table.rows):
            cells = [ILLEGAL_CHARACTERS_RE.sub("", spreadsheet_text(c)) for c in row]
            sheet.append(cells)
        for line in sheet.iter_rows():
            for cell in line:
                cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(name: str, used: set[str]) -> str:
    """A sheet title from a table name: at most 31 characters, none of ``[]:*?/\\``,
    unique in the workbook."""
    base = "".join("-" if char in "[]:*?/\\'" else char for char in name)[:28] or "table"
    title, number = base, 1
    while title.lower() in used:
        number += 1
        title = f"{base[:27]}-{number}"
    used.add(title.lower())
    return title


def chromium() -> str | None:
    """Chromium's executable, if it is installed."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def html_pdf(html: str) -> bytes | Notice:
    """The page ``html`` printed to PDF by headless Chromium; a notice
    ``report_pdf_unavailable`` when Chromium is not installed, ``report_pdf_failed`` when it
    cannot print."""
    return html_pdfs([html])[0]


def html_pdfs(pages: Sequence[str], workers: int | None = None) -> list[bytes | Notice]:
    """Every page of ``pages`` printed to PDF as :func:`html_pdf` does, in order: one
    Chromium process per page, at most ``workers`` (default: the number of CPUs) printing at
    once, so the pages of several languages print together rather than one after another."""
    if not pages:
        return []
    browser = chromium()
    if browser is None:
        return [("report_pdf_unavailable", {"browser": "chromium"})] * len(pages)
    at_once = max(1, min(len(pages), workers or os.cpu_count() or 1))
    with tempfile.TemporaryDirectory() as folder:
        jobs = [Path(folder) / str(number) for number in range(len(pages))]
        with ThreadPoolExecutor(max_workers=at_once) as pool:
            # Each thread only waits for its Chromium process: the printing runs in parallel.
            return list(pool.map(partial(_print_pdf, browser), pages, jobs))


def _print_pdf(browser: str, html: str, folder: Path) -> bytes | Notice:
    """``html`` printed by Chromium in its own ``folder`` (page, profile and PDF)."""
    folder.mkdir()
    page, pdf = folder / "report.html", folder / "report.pdf"
    page.write_text(html, encoding="utf-8")
    try:
        subprocess.run(
            [
                browser,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={folder / 'profile'}",
                f"--print-to-pdf={pdf}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=PDF_TIMEOUT,
        )
        return pdf.read_bytes()
    except (OSError, subprocess.SubprocessError) as error:
        return ("report_pdf_failed", {"reason": type(error).__name__})
