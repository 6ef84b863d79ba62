"""Report files, for every report language: ``report.<language>.html``, ``.md``, ``.pdf``
(when Chromium is installed) and ``.xlsx`` (with openpyxl), the tables as
``tables/<language>/<table>.csv``; then ``recommendations.json``, ``flags.json`` and
``reliability.json``."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from pathlib import Path

from shopperkit.errors import InputError
from shopperkit.insights.formats import Notice, html_pdfs, table_csv, tables_xlsx
from shopperkit.insights.report import Insights
from shopperkit.io.convert import to_data
from shopperkit.io.files import atomic_binary, atomic_write, dumps, output_set

FORMATS = ("html", "md", "csv", "xlsx", "pdf")
"""Every format a report is written in."""


def report_formats(text: str) -> tuple[str, ...]:
    """The formats named in ``text`` (comma-separated, as ``report --formats`` takes them),
    each among :data:`FORMATS`; else an :class:`InputError` ``report_format_unknown``."""
    wanted = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    for name in wanted or ("",):
        if name not in FORMATS:
            raise InputError(
                "report_format_unknown",
                {"format": name, "known": ", ".join(FORMATS)},
                where="--formats",
            )
    return wanted


def write_report(
    out: Path,
    found: Insights,
    formats: Collection[str] = FORMATS,
    made: date | None = None,
) -> list[Notice]:
    """Write what :func:`shopperkit.insights.insights` found as the ``report`` command does,
    every file replaced together, in ``formats`` (among :data:`FORMATS`); the notices say
    which format could not be made and why (``report_pdf_unavailable``, ...). The PDFs of
    every language are printed together (see :func:`~shopperkit.insights.formats.html_pdfs`)."""
    notices: list[Notice] = []
    pages: dict[Path, str] = {}
    with output_set():
        for language in found.languages:
            report = found.report(language, made)
            html = report.html()
            if "html" in formats:
                atomic_write(out / f"report.{language}.html", html)
            if "md" in formats:
                atomic_write(out / f"report.{language}.md", report.markdown())
            tables = report.tables()
            if "csv" in formats:
                for table in tables:
                    atomic_write(out / "tables" / language / f"{table.name}.csv", table_csv(table))
            if "xlsx" in formats:
                _write_made(
                    out / f"report.{language}.xlsx", tables_xlsx(tables, report.rtl), notices
                )
            if "pdf" in formats:
                pages[out / f"report.{language}.pdf"] = html
        for path, pdf in zip(pages, html_pdfs(list(pages.values())), strict=True):
            _write_made(path, pdf, notices)
        atomic_write(out / "recommendations.json", dumps(found.recommendations_data()))
        atomic_write(out / "flags.json", dumps(to_data(list(found.flags))))
        atomic_write(out / "reliability.json", dumps(dict(found.reliability)))
    return notices


def _write_made(path: Path, data: bytes | Notice, notices: list[Notice]) -> None:
    """Write ``data`` to ``path``, or keep its notice (once) when it could not be made."""
    if isinstance(data, bytes):
        with atomic_binary(path) as stream:
            stream.write(data)
    elif data not in notices:
        notices.append(data)
