"""The report's header gives the period covered as days in the reader's language, and its
data-quality table names each integrity check in that language."""

from __future__ import annotations

from datetime import date

import pytest
from attrs import evolve
from babel.dates import format_date

from shopperkit.i18n.formatting import isolate
from shopperkit.insights import Insights, insights
from shopperkit.insights.integrity import Flag
from shopperkit.insights.render import Table
from shopperkit.messages import builtin_messages, render
from tests.test_insights_api import SECRET, scored

FIRST, LAST = date(2024, 1, 3), date(2024, 4, 28)
MADE = date(2024, 5, 2)
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
CHECKS = (
    "visit_too_short",
    "duplicate_submission",
    "straight_lining",
    "conflict_of_interest",
    "score_outlier",
)
"""The built-in integrity checks."""


@pytest.fixture(scope="module")
def found() -> Insights:
    return insights(scored(), secret=SECRET, k=5, programme="qatar-cgb", exclude_flagged=False)


def flags_table(found: Insights, language: str) -> Table:
    return next(t for t in found.report(language, MADE).tables() if t.name == "flags")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_period_is_the_first_and_last_day_as_babel_writes_them(
    found: Insights, language: str
) -> None:
    dated = evolve(found, period=(FIRST, LAST))
    header = dated.report(language, MADE).meta[0]
    first, last = (format_date(day, format="long", locale=language) for day in (FIRST, LAST))
    assert header == render("report_period", {"first": first, "last": last}, language)
    assert isolate(first, language) in header
    assert isolate(last, language) in header


def test_the_period_follows_the_programmes_digits(found: Insights) -> None:
    dated = evolve(found, period=(FIRST, LAST), digits="arabic")
    header = dated.report("ar", MADE).meta[0]
    first = format_date(FIRST, format="long", locale="ar").translate(ARABIC_INDIC)
    assert isolate(first, "ar") in header
    assert not any(digit in header for digit in "0123456789")
    assert "January 3, 2024" in dated.report("en", MADE).meta[0]  # Latin digits in English


def test_without_days_the_period_is_the_first_and_last_month(found: Insights) -> None:
    from_aggregates = evolve(found, period=None)
    header = from_aggregates.report("en", MADE).meta[0]
    assert header == f"Period covered: {found.months[0]} to {found.months[-1]}"
    nothing = evolve(found, period=None, months=())
    assert not any("Period" in line for line in nothing.report("en", MADE).meta)


@pytest.mark.parametrize("language", ["ar", "en", "ur", "hi", "es", "zh", "fr", "ru"])
def test_every_check_has_a_name_in_every_language(language: str) -> None:
    messages = builtin_messages()
    for code in CHECKS:
        message = f"report_check_{code}"
        name = render(message, {}, language)
        assert name
        assert name != message
        if language != "en":
            assert name != render(message, {}, "en"), (code, language)
        assert code in messages  # the flag's own message exists too


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_quality_table_names_each_check_and_keeps_its_code(
    found: Insights, language: str
) -> None:
    codes = {flag.code for flag in found.flags}
    assert codes, "the test data is meant to raise flags"
    names = [row[0] for row in flags_table(found, language).rows]
    for code in codes:
        name = render(f"report_check_{code}", {}, language)
        assert f"{name} ({isolate(code, language)})" in names


def test_a_check_the_catalogues_do_not_name_is_shown_by_its_code(found: Insights) -> None:
    extra = (*found.flags, Flag("e-1", "plugin_check", {}), Flag("e-2", "plugin_check", {}))
    rows = flags_table(evolve(found, flags=extra), "en").rows
    assert ("plugin_check", "2") in rows
