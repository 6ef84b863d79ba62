"""Rendering a report from templates: one self-contained HTML page (inline SVG charts) and
Markdown.

The report model is plain data: a header, sections (which may hold sections of their own)
with lines, tables and bar charts. It is laid out by Jinja2 templates, ``report.html.j2``,
``report.md.j2`` and ``chart.svg.j2`` in ``shopperkit/insights/templates``; a programme's
:class:`~shopperkit.insights.theme.ReportTheme` may replace any of them, or extend one
(``{% extends "shopperkit/report.html.j2" %}``) and replace only its blocks. Jinja2 is
imported only when a report is rendered.

Every text in the model is data, never markup: the HTML templates escape every value
(autoescape), and the Markdown templates escape every value for HTML and Markdown syntax
alike (:func:`markdown_text`) unless it is marked as already safe, so a comment, an id or a
name carrying ``<script>``, ``<img onerror=...>``, link syntax, table pipes or backticks
stays inert text.

Charts are horizontal bars on a 0 to 100 axis with ticks. Each bar's value is written past
the furthest of its bar, its interval and its programme mark, so a value never covers the
mark, and one value per row never meets another. Arabic and Urdu reports are laid out right
to left, charts mirrored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from attrs import field, frozen

from shopperkit.i18n.formatting import Digits, _format_number
from shopperkit.insights.theme import DEFAULT_COLOURS, DEFAULT_THEME, ReportTheme
from shopperkit.messages import RTL_LANGUAGES

if TYPE_CHECKING:
    from jinja2 import Environment

BAR_COLOUR = DEFAULT_COLOURS["bar"]
BELOW_COLOUR = DEFAULT_COLOURS["below"]
BASELINE_COLOUR = DEFAULT_COLOURS["reference"]
TICKS = (0, 20, 40, 60, 80, 100)


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
class Step:
    """One hand-off of an exploratory mission: from one service to the next, and its score."""

    source: str
    target: str
    value: float
    highlighted: bool = False


@frozen
class Journey:
    """The hand-offs of an entity's exploratory missions, each arrow coloured by its score:
    under :data:`POOR` in the theme's ``poor`` colour, under :data:`GOOD` ``fair``, else
    ``good``."""

    title: str
    steps: tuple[Step, ...]


POOR, GOOD = 50.0, 75.0
"""Where a hand-off's colour changes from poor to fair, and from fair to good."""


@frozen
class Table:
    """A table with a header row; ``name`` names it among the report's tables (CSV, XLSX)."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    name: str = ""


@frozen
class Section:
    """One part of a report, such as one entity; ``sections`` are its own parts (its
    centres), ``id`` its anchor in the page."""

    title: str
    lines: tuple[str, ...] = ()
    charts: tuple[Chart, ...] = ()
    tables: tuple[Table, ...] = ()
    sections: tuple[Section, ...] = ()
    id: str = ""
    journeys: tuple[Journey, ...] = ()


@frozen
class Labels:
    """The words of the report's own furniture, in its language."""

    score: str = "score"
    interval: str = "95% interval"
    interval_range: str = "{low} to {high}"
    axis: str = "score (0 to 100)"
    finding: str = "below the programme"
    contents: str = "Contents"


@frozen
class Report:
    """A whole report in one language.

    ``authority`` and ``logo`` head the page; ``meta`` are the lines under the title (period
    covered, date made); ``notes`` close it. ``theme`` gives colours and templates,
    ``digits`` the digits numbers are written with.
    """

    title: str
    language: str
    sections: tuple[Section, ...]
    subtitle: str = ""
    notes: tuple[str, ...] = ()
    authority: str = ""
    logo: str = ""
    meta: tuple[str, ...] = ()
    labels: Labels = field(factory=Labels)
    theme: ReportTheme = DEFAULT_THEME
    digits: Digits = "latin"

    @property
    def rtl(self) -> bool:
        """Whether the report reads right to left."""
        return self.language in RTL_LANGUAGES

    def number(self, value: float) -> str:
        """``value`` with one decimal, in the report's language and digits."""
        return _format_number(round(value, 1), 1, self.language, self.digits)

    def html(self) -> str:
        """The report as one self-contained HTML page (see :func:`render_html`)."""
        return render_html(self)

    def markdown(self) -> str:
        """The report as Markdown (see :func:`render_markdown`)."""
        return render_markdown(self)

    def tables(self) -> list[Table]:
        """Every named table of the report, in order (what CSV and XLSX files hold)."""
        found: list[Table] = []

        def walk(sections: tuple[Section, ...]) -> None:
            for section in sections:
                found.extend(table for table in section.tables if table.name)
                walk(section.sections)

        walk(self.sections)
        return found


# --- chart geometry ------------------------------------------------------------------------

WIDTH, LABEL, VALUE_ROOM, GAP, ROW, TOP, AXIS = 720, 210, 60, 10, 26, 10, 40
PLOT = WIDTH - LABEL - GAP - VALUE_ROOM
LABEL_CHARACTERS = 30


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LABEL_CHARACTERS else text[: LABEL_CHARACTERS - 1] + "…"


def chart_layout(chart: Chart, rtl: bool, number: Callable[[float], str]) -> dict[str, Any]:
    """Where everything of ``chart`` goes, for ``chart.svg.j2``: bars, whiskers, marks,
    labels and values per row, then the axis and its ticks; mirrored when ``rtl``."""

    def x(value: float) -> float:
        offset = LABEL + GAP + PLOT * max(0.0, min(value, 100.0)) / 100
        return round(WIDTH - offset if rtl else offset, 1)

    rows = []
    for index, bar in enumerate(chart.bars):
        top = TOP + index * ROW
        start, end = x(0), x(bar.value)
        furthest = max(
            bar.value,
            bar.high if bar.high is not None else bar.value,
            bar.reference if bar.reference is not None else bar.value,
        )
        reach = x(furthest)
        rows.append(
            {
                "bar": bar,
                "top": top,
                "middle": top + ROW / 2,
                "text_y": top + 17,
                "label": _shorten(bar.label),
                "label_x": WIDTH - LABEL if rtl else LABEL,
                "label_anchor": "start" if rtl else "end",
                "x": min(start, end),
                "width": round(abs(end - start), 1),
                "whisker": (
                    (x(bar.low), x(bar.high))
                    if bar.low is not None and bar.high is not None
                    else None
                ),
                "mark": x(bar.reference) if bar.reference is not None else None,
                "value": number(bar.value),
                "value_x": round(reach - 6 if rtl else reach + 6, 1),
                "value_anchor": "end" if rtl else "start",
            }
        )
    axis_y = TOP + len(chart.bars) * ROW + 4
    return {
        "width": WIDTH,
        "height": axis_y + AXIS,
        "rows": rows,
        "axis_y": axis_y,
        "axis_from": x(0),
        "axis_to": x(100),
        "ticks": [{"x": x(tick), "text": number(tick).split(".")[0]} for tick in TICKS],
        "grid_top": TOP,
        "caption_x": (x(0) + x(100)) / 2,
        "caption_y": axis_y + 34,
    }


# --- templates -----------------------------------------------------------------------------


def _markdown_value(value: object) -> object:
    """Every value a Markdown template writes is escaped, unless marked safe."""
    from markupsafe import Markup

    if isinstance(value, Markup):
        return value
    return markdown_text("" if value is None else str(value))


_ENVIRONMENTS: dict[tuple[str, str], Environment] = {}


def _environment(kind: str, theme: ReportTheme) -> Environment:
    """The Jinja2 environment for ``html`` or ``markdown`` with ``theme``'s templates first
    (made once per kind and templates folder)."""
    key = (kind, str(theme.templates) if theme.templates is not None else "")
    if key not in _ENVIRONMENTS:
        _ENVIRONMENTS[key] = _new_environment(kind, theme)
    return _ENVIRONMENTS[key]


def _new_environment(kind: str, theme: ReportTheme) -> Environment:
    from importlib.resources import files

    import jinja2
    from markupsafe import Markup

    builtin = files("shopperkit.insights") / "templates"

    def loader_of(folder: Any) -> jinja2.BaseLoader:
        def load(name: str) -> tuple[str, None, Callable[[], bool]] | None:
            if ".." in name.split("/") or name.startswith("/"):
                return None
            entry = folder / name
            if not entry.is_file():
                return None
            return entry.read_text(encoding="utf-8"), None, lambda: True

        return jinja2.FunctionLoader(load)

    loaders: list[jinja2.BaseLoader] = []
    if theme.templates is not None:
        loaders.append(loader_of(theme.templates))
    loaders += [
        loader_of(builtin),
        jinja2.PrefixLoader({"shopperkit": loader_of(builtin)}),
    ]
    environment = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=kind == "html",
        finalize=_markdown_value if kind == "markdown" else None,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["safe_markdown"] = Markup
    environment.filters["md"] = markdown_text
    return environment


def _context(report: Report) -> dict[str, Any]:
    colours = dict(DEFAULT_COLOURS) | dict(report.theme.colours)
    return {
        "report": report,
        "rtl": report.rtl,
        "direction": "rtl" if report.rtl else "ltr",
        "colours": colours,
        "labels": report.labels,
        "number": report.number,
    }


def chart_svg(
    chart: Chart,
    rtl: bool = False,
    *,
    report: Report | None = None,
) -> str:
    """The chart as inline SVG with its 0 to 100 axis; mirrored when ``rtl``."""
    report = report if report is not None else Report(chart.title, "ar" if rtl else "en", ())
    context = _context(report)
    context["chart"] = chart
    context["layout"] = chart_layout(chart, rtl, report.number)
    template = _environment("html", report.theme).get_template("chart.svg.j2")
    return template.render(context).strip()


JOURNEY_WIDTH, BOX, ROW = 640, 230, 46
"""A journey's width, each service box's width and each hand-off's row height, in pixels."""
BOX_CHARACTERS = 30
"""Characters of a service's name shown in its box (the whole name is its tooltip)."""


def journey_svg(journey: Journey, rtl: bool = False, *, report: Report | None = None) -> str:
    """The journey as inline SVG: a row per hand-off, the source's box, an arrow coloured by
    the hand-off's score and labelled with it, the target's box; mirrored when ``rtl``."""
    report = report if report is not None else Report(journey.title, "ar" if rtl else "en", ())
    colours = theme_colours(report.theme)
    rows = []
    for index, step in enumerate(journey.steps):
        top = index * ROW
        left, right = (JOURNEY_WIDTH - BOX, 0) if rtl else (0, JOURNEY_WIDTH - BOX)
        start, end = (left - 8, BOX + 8) if rtl else (BOX + 8, right - 8)
        colour = (
            colours["poor"]
            if step.value < POOR
            else colours["fair"]
            if step.value < GOOD
            else colours["good"]
        )
        rows.append(
            {
                "step": step,
                "top": top,
                "boxes": (
                    (left, _shortened(step.source), step.source),
                    (right, _shortened(step.target), step.target),
                ),
                "start": start,
                "end": end,
                "head": end + (8 if rtl else -8),
                "middle": top + ROW / 2,
                "colour": colour,
                "value": report.number(step.value),
            }
        )
    context = _context(report)
    context.update(journey=journey, rows=rows, width=JOURNEY_WIDTH, box=BOX, row=ROW)
    template = _environment("html", report.theme).get_template("journey.svg.j2")
    return template.render(context).strip()


def _shortened(name: str) -> str:
    return name if len(name) <= BOX_CHARACTERS else name[: BOX_CHARACTERS - 1] + "…"


def render_html(report: Report) -> str:
    """The report as one self-contained HTML page: no script, no external file."""
    from markupsafe import Markup

    context = _context(report)

    def svg(chart: Chart) -> Markup:
        return Markup(chart_svg(chart, report.rtl, report=report))

    def journey(figure: Journey) -> Markup:
        return Markup(journey_svg(figure, report.rtl, report=report))

    context["svg"] = svg
    context["journey_svg"] = journey
    template = _environment("html", report.theme).get_template("report.html.j2")
    return template.render(context).rstrip() + "\n"


_BLANK_LINES = re.compile(r"\n{3,}")


def render_markdown(report: Report) -> str:
    """The report as Markdown: the same sections, with charts as tables."""
    from markupsafe import Markup

    context = _context(report)

    def interval(bar: Bar) -> str:
        if bar.low is None or bar.high is None:
            return ""
        return report.labels.interval_range.format(
            low=report.number(bar.low), high=report.number(bar.high)
        )

    context["interval"] = interval
    context["heading"] = lambda depth: Markup("#" * depth)
    template = _environment("markdown", report.theme).get_template("report.md.j2")
    text = template.render(context)
    return _BLANK_LINES.sub("\n\n", text).strip() + "\n"


def theme_colours(theme: ReportTheme) -> Mapping[str, str]:
    """The colours a report in ``theme`` is drawn with."""
    return dict(DEFAULT_COLOURS) | dict(theme.colours)


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
