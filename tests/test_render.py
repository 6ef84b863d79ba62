"""Reports render as self-contained HTML with inline SVG charts, right to left in Arabic."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shopperkit.insights.render import (
    BAR_COLOUR,
    BELOW_COLOUR,
    Bar,
    Chart,
    Report,
    Section,
    Table,
    render_html,
    render_markdown,
)
from tests.browser import png_colours, screenshot


def sample(language: str) -> Report:
    chart = Chart(
        "Factors",
        (
            Bar("Waiting time", 41.0, 35.0, 47.0, highlighted=True, reference=70.0),
            Bar("Reception", 82.0, 78.0, 86.0, reference=79.0),
            Bar("Payment channels", 75.5),
        ),
    )
    table = Table(("factor", "score"), (("Waiting time", "41.0"), ("Reception <b>", "82.0")))
    return Report(
        "Ministry of Interior",
        language,
        (Section("Centre 1", ("3 findings",), (chart,), (table,)),),
    )


def rgb(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def test_html_is_self_contained_and_escaped() -> None:
    page = render_html(sample("en"))
    assert page.count("<svg") == 1
    assert page.count('class="bar"') == 3
    assert "Reception &lt;b&gt;" in page
    assert not re.search(r"""(src|href)=["']?(http|//)""", page)
    assert "<script" not in page


def test_arabic_is_right_to_left_and_the_chart_is_mirrored() -> None:
    ltr, rtl = render_html(sample("en")), render_html(sample("ar"))
    assert 'dir="rtl"' in rtl
    assert 'dir="ltr"' in ltr

    def bars(page: str) -> list[tuple[float, float]]:
        found = re.findall(r'class="bar" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', page)
        return [(float(x), float(x) + float(width)) for x, width in found]

    starts = {round(left) for left, _ in bars(ltr)}
    ends = {round(right) for _, right in bars(rtl)}
    assert len(starts) == 1  # left to right: every bar grows from the same left edge
    assert len(ends) == 1  # right to left: every bar grows from the same right edge
    assert ends.pop() > starts.pop()


def test_markdown_has_every_bar() -> None:
    text = render_markdown(sample("en"))
    assert "| Waiting time ▼ | 41.0 | 35.0 to 47.0 |" in text
    assert "| Payment channels | 75.5 |  |" in text


@pytest.mark.parametrize("language", ["en", "ar"])
def test_chromium_renders_the_charts(tmp_path: Path, language: str) -> None:
    page = tmp_path / "report.html"
    page.write_text(render_html(sample(language)), encoding="utf-8")
    picture = tmp_path / "report.png"
    screenshot(page, picture)
    colours = png_colours(picture)
    # Bars are drawn: a few thousand pixels of each bar colour, not just a blank page.
    assert colours[rgb(BAR_COLOUR)] > 2000
    assert colours[rgb(BELOW_COLOUR)] > 1000
