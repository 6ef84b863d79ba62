"""Report files: ``report.<language>.html`` and ``.md`` for every report language,
``recommendations.json``, ``flags.json`` and ``reliability.json``."""

from __future__ import annotations

from pathlib import Path

from shopperkit.insights.report import Insights
from shopperkit.io.convert import to_data
from shopperkit.io.files import atomic_write, dumps, output_set


def write_report(out: Path, found: Insights) -> None:
    """Write what :func:`shopperkit.insights.insights` found as the ``report`` command does,
    every file replaced together."""
    with output_set():
        for language in found.languages:
            report = found.report(language)
            atomic_write(out / f"report.{language}.html", report.html())
            atomic_write(out / f"report.{language}.md", report.markdown())
        atomic_write(out / "recommendations.json", dumps(found.recommendations_data()))
        atomic_write(out / "flags.json", dumps(to_data(list(found.flags))))
        atomic_write(out / "reliability.json", dumps(dict(found.reliability)))
