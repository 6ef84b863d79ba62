"""How a programme's report looks: its authority, the text in place of a logo, its colours
and, optionally, its own templates.

A programme package returns a :class:`ReportTheme` from the ``shopperkit_report_themes``
hook. Colours are ``#rrggbb`` only (they go into the page's style sheet); every text is
escaped like any other text of the report.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from attrs import field, frozen

from shopperkit.hookspecs import ProgrammeSource

COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
DEFAULT_COLOURS: Mapping[str, str] = {
    "bar": "#1f6f8b",
    "below": "#c0392b",
    "reference": "#555555",
    "accent": "#1f4e79",
    "poor": "#c0392b",
    "fair": "#b9770e",
    "good": "#1e8449",
}
"""The colours a theme may set: bars, bars of a finding, the programme's mark, headings, and
a journey's hand-offs scored poor, fair and good."""


def _colours(value: Mapping[str, str]) -> Mapping[str, str]:
    colours = dict(DEFAULT_COLOURS)
    for name, colour in value.items():
        if name not in DEFAULT_COLOURS:
            raise ValueError(
                f"unknown report colour {name!r} (known: {', '.join(DEFAULT_COLOURS)})"
            )
        if not COLOUR.fullmatch(colour):
            raise ValueError(f"report colour {name!r} is {colour!r}, not #rrggbb")
        colours[name] = colour
    return colours


@frozen
class ReportTheme:
    """The look of one programme's reports (``programme`` is its id).

    ``authority`` (language -> name) replaces the programme file's authority in the report's
    header; ``logo_text`` (language -> text) is shown in a box where a logo would be;
    ``colours`` sets any of :data:`DEFAULT_COLOURS`; ``templates`` is a folder whose
    templates replace the built-in ones of the same name (``report.html.j2``,
    ``report.md.j2``, ``chart.svg.j2``); a template can extend the built-in one as
    ``"shopperkit/report.html.j2"`` and replace only its blocks.
    """

    programme: str
    authority: Mapping[str, str] = field(factory=dict)
    logo_text: Mapping[str, str] = field(factory=dict)
    colours: Mapping[str, str] = field(factory=dict, converter=_colours)
    templates: ProgrammeSource | None = None

    @property
    def name(self) -> str:
        """The programme it themes (themes are keyed by it)."""
        return self.programme


DEFAULT_THEME = ReportTheme("")
