"""Rendering a report as one self-contained HTML page (inline SVG charts) and as Markdown.

The report model is plain data: sections with summary lines, tables and bar charts. Arabic and
Urdu reports are laid out right to left, charts included.

Every text in the model is data, never markup: the HTML escapes it, and the Markdown escapes
HTML and Markdown syntax alike (:func:`markdown_text`), so a comment, an id or a name carrying
``<script>``, ``<img onerror=...>``, link syntax, table pipes or backticks stays inert text.
"""

from __future__ import annotations

import re
from html import escape

from attrs import frozen

from shopperkit.messages import RTL_LANGUAGES

BAR_COLOUR = "#1f6f8b"
BELOW_COLOUR = "#c0392b"
BASELINE_COLOUR = "#555555"


@frozen
class Bar:
    """One bar: a value on 0 to 100, its 95% interval, whether it is a finding, its reference."""

    label: str
    value: float
    low: float | None = None
    high: float | None = None
    highlighted: bool = False
    reference: float | None = None


@frozen
class Chart:
    """A horizontal bar chart; each bar may carry a reference mark (the programme's mean)."""

    title: str
    bars: tuple[Bar, ...]


@frozen
class Table:
    """A table with a header row."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@frozen
class Section:
    """One part of a report, such as one entity."""

    title: str
    lines: tuple[str, ...] = ()
    charts: tuple[Chart, ...] = ()
    tables: tuple[Table, ...] = ()


@frozen
class Report:
    """A whole report in one language."""

    title: str
    language: str
    sections: tuple[Section, ...]
    subtitle: str = ""
    notes: tuple[str, ...] = ()

    def html(self) -> str:
        """The report as one self-contained HTML page (see :func:`render_html`)."""
        return render_html(self)

    def markdown(self) -> str:
        """The report as Markdown (see :func:`render_markdown`)."""
        return render_markdown(self)


_ROW, _LABEL, _WIDTH, _TOP = 26, 220, 640, 10


def chart_svg(chart: Chart, rtl: bool = False) -> str:
    """The chart as inline SVG; mirrored when ``rtl``."""
    plot = _WIDTH - _LABEL - 60
    height = _TOP * 2 + _ROW * len(chart.bars)

    def x(value: float) -> float:
        offset = plot * max(0.0, min(value, 100.0)) / 100
        return _WIDTH - _LABEL - offset if rtl else _LABEL + offset

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" direction="ltr" '
        f'width="{_WIDTH}" height="{height}" viewBox="0 0 {_WIDTH} {height}">',
        f"<title>{escape(chart.title)}</title>",
    ]
    for index, bar in enumerate(chart.bars):
        top = _TOP + index * _ROW
        start, end = x(0), x(bar.value)
        colour = BELOW_COLOUR if bar.highlighted else BAR_COLOUR
        label_x, anchor = (_WIDTH - _LABEL + 8, "start") if rtl else (_LABEL - 8, "end")
        parts.append(
            f'<text x="{label_x}" y="{top + 17}" text-anchor="{anchor}" '
            f'font-size="13">{escape(bar.label)}</text>'
        )
        parts.append(
            f'<rect class="bar" x="{min(start, end):.1f}" y="{top + 4}" '
            f'width="{abs(end - start):.1f}" height="{_ROW - 8}" fill="{colour}"/>'
        )
        if bar.low is not None and bar.high is not None:
            low, high = x(bar.low), x(bar.high)
            middle = top + _ROW / 2
            parts.append(
                f'<line x1="{low:.1f}" x2="{high:.1f}" y1="{middle}" y2="{middle}" '
                f'stroke="#222" stroke-width="1.5"/>'
            )
        reach = x(max(bar.value, bar.high if bar.high is not None else bar.value))
        if bar.reference is not None:
            mark = x(bar.reference)
            parts.append(
                f'<line class="reference" x1="{mark:.1f}" x2="{mark:.1f}" y1="{top + 1}" '
                f'y2="{top + _ROW - 1}" stroke="{BASELINE_COLOUR}" stroke-width="2" '
                f'stroke-dasharray="3 2"/>'
            )
        value_x = reach - 6 if rtl else reach + 6
        value_anchor = "end" if rtl else "start"
        parts.append(
            f'<text x="{value_x:.1f}" y="{top + 17}" text-anchor="{value_anchor}" '
            f'font-size="12">{bar.value:.1f}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


_STYLE = """
body { font-family: "Noto Sans", "Noto Naskh Arabic", "DejaVu Sans", sans-serif;
       margin: 2rem auto; max-width: 60rem; color: #222; line-height: 1.5; padding: 0 1rem; }
h1 { margin-bottom: 0; } .subtitle { color: #555; margin-top: .2rem; }
section { border-top: 1px solid #ccc; margin-top: 2rem; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ddd; padding: .3rem .6rem; text-align: start; }
th { background: #f3f3f3; } figure { margin: 1rem 0; } figcaption { font-weight: bold; }
.notes { color: #555; font-size: .9rem; }
"""


def render_html(report: Report) -> str:
    """The report as one self-contained HTML page: no script, no external file."""
    rtl = report.language in RTL_LANGUAGES
    direction = "rtl" if rtl else "ltr"
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(report.language)}" dir="{direction}">',
        '<head><meta charset="utf-8">',
        f"<title>{escape(report.title)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{escape(report.title)}</h1>",
    ]
    if report.subtitle:
        out.append(f'<p class="subtitle">{escape(report.subtitle)}</p>')
    for section in report.sections:
        out.append(f"<section><h2>{escape(section.title)}</h2>")
        out += [f"<p>{escape(line)}</p>" for line in section.lines]
        for chart in section.charts:
            out.append(f"<figure><figcaption>{escape(chart.title)}</figcaption>")
            out.append(chart_svg(chart, rtl))
            out.append("</figure>")
        for table in section.tables:
            out.append("<table><thead><tr>")
            out += [f"<th>{escape(cell)}</th>" for cell in table.header]
            out.append("</tr></thead><tbody>")
            for row in table.rows:
                cells = "".join(f'<td dir="auto">{escape(c)}</td>' for c in row)
                out.append(f"<tr>{cells}</tr>")
            out.append("</tbody></table>")
        out.append("</section>")
    if report.notes:
        out.append('<div class="notes">')
        out += [f"<p>{escape(note)}</p>" for note in report.notes]
        out.append("</div>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


# Characters with a meaning inside a line of CommonMark or GitHub Markdown: emphasis, code,
# links and images, raw HTML, entities, table cells, strikethrough, closing heading marks
# and autolinks (``http:``, ``www.``). Each is
# escaped with a backslash (any ASCII punctuation may be); ``&`` and ``<`` become entities,
# so no HTML tag, autolink or entity of the input survives.
_INLINE = re.compile(r"([\\`*_\[\]()!|~:#])")
_WWW = re.compile(r"(?i)\b(www)\.")
_HTML = {"&": "&amp;", "<": "&lt;"}
# What starts a block when it opens a line: headings, lists, quotes, thematic breaks, setext
# underlines, fences. (Elsewhere ``>`` is plain text once no ``<`` opens a tag.)
_BLOCK_START = re.compile(r"^([#+=>-]|\d+(?=[.)]))")
_SPACE = re.compile(r"\s+")


def markdown_text(text: str) -> str:
    """``text`` as Markdown that shows exactly ``text`` on one line and is never markup."""
    text = _SPACE.sub(" ", text).strip()
    text = _WWW.sub(r"\1\\.", _INLINE.sub(r"\\\1", text))
    text = "".join(_HTML.get(char, char) for char in text)
    match = _BLOCK_START.match(text)
    if match is not None:
        end = match.end()
        text = f"{text[:end]}\\{text[end:]}" if match.group(0).isdigit() else "\\" + text
    return text


def render_markdown(report: Report) -> str:
    """The report as Markdown: the same sections, with charts as tables."""
    text = markdown_text
    out = [f"# {text(report.title)}", ""]
    if report.subtitle:
        out += [text(report.subtitle), ""]
    for section in report.sections:
        out += [f"## {text(section.title)}", ""]
        out += [*(text(line) for line in section.lines), ""] if section.lines else []
        for chart in section.charts:
            out += [f"**{text(chart.title)}**", "", "| | score | 95% interval |", "|---|---:|---|"]
            for bar in chart.bars:
                interval = (
                    f"{bar.low:.1f} to {bar.high:.1f}"
                    if bar.low is not None and bar.high is not None
                    else ""
                )
                mark = " ▼" if bar.highlighted else ""
                out.append(f"| {markdown_text(bar.label)}{mark} | {bar.value:.1f} | {interval} |")
            out.append("")
        for table in section.tables:
            out.append("| " + " | ".join(markdown_text(c) for c in table.header) + " |")
            out.append("|" + "---|" * len(table.header))
            out += ["| " + " | ".join(markdown_text(c) for c in row) + " |" for row in table.rows]
            out.append("")
    out += [f"_{text(note)}_" for note in report.notes]
    return "\n".join(out).rstrip() + "\n"
