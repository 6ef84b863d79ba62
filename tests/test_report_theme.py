"""A programme package themes its reports: authority, logo text, colours and templates that
extend the built-in ones; what it gets wrong fails loudly, naming the plugin."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from shopperkit.errors import PluginError
from shopperkit.insights import insights
from shopperkit.insights.render import Bar, Chart, Report, Section, chart_svg
from shopperkit.insights.theme import ReportTheme
from shopperkit.plugins import Plugins, make_plugin_manager, module_plugin
from tests.test_insights_api import SECRET, scored

MASTHEAD = """{% extends "shopperkit/report.html.j2" %}
{% block masthead %}<div class="ribbon">{{ report.logo }}</div>{{ super() }}{% endblock %}
"""


def themed(theme: ReportTheme, *more: ReportTheme) -> Plugins:
    plugin = module_plugin("theme", shopperkit_report_themes=lambda: [theme, *more])
    return Plugins(make_plugin_manager(plugins=[("theme", plugin)]))


def test_a_theme_brands_the_report_and_extends_the_template(tmp_path: Path) -> None:
    (tmp_path / "report.html.j2").write_text(MASTHEAD, encoding="utf-8")
    theme = ReportTheme(
        "qatar-cgb",
        authority={"en": "Bureau <b>of</b> Excellence"},
        logo_text={"en": "BoE"},
        colours={"accent": "#0b5d3b", "bar": "#123456"},
        templates=tmp_path,
    )
    found = insights(scored(), secret=SECRET, k=5, programme="qatar-cgb", plugins=themed(theme))
    page = found.report("en", date(2026, 1, 31)).html()
    assert '<div class="ribbon">BoE</div>' in page
    assert "Bureau &lt;b&gt;of&lt;/b&gt; Excellence" in page
    assert 'fill="#123456"' in page
    assert "#0b5d3b" in page
    markdown = found.report("en").markdown()
    assert "Bureau &lt;b>of&lt;/b> Excellence" in markdown


def test_themes_are_checked() -> None:
    with pytest.raises(ValueError, match="not #rrggbb"):
        ReportTheme("x", colours={"bar": "red;}body{display:none"})
    with pytest.raises(ValueError, match="unknown report colour"):
        ReportTheme("x", colours={"background": "#ffffff"})
    twice = themed(ReportTheme("qatar-cgb"), ReportTheme("qatar-cgb"))
    with pytest.raises(PluginError) as error:
        twice.report_theme("qatar-cgb")
    assert error.value.code == "theme_duplicate"


@pytest.mark.parametrize("rtl", [False, True])
def test_values_are_written_past_the_mark_and_the_interval(rtl: bool) -> None:
    bars = (Bar("a", 40.0, 35.0, 45.0, reference=70.0), Bar("b", 99.0, 97.0, 100.0, reference=60.0))
    report = Report("t", "ar" if rtl else "en", (Section("s", charts=(Chart("c", bars),)),))
    svg = chart_svg(report.sections[0].charts[0], rtl, report=report)
    assert svg.count('class="tick"') == 6
    values = [float(x) for x in re.findall(r'class="value" x="([\d.]+)"', svg)]
    marks = [float(x) for x in re.findall(r'class="reference" x1="([\d.]+)"', svg)]
    for value, mark in zip(values, marks, strict=True):
        assert (value < mark) if rtl else (value > mark)
