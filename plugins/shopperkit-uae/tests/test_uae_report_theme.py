"""The UAE package themes the reports of its programme, and only of its programme."""

from __future__ import annotations

from datetime import date

import pytest
from markupsafe import escape

from shopperkit.insights import Insights, insights
from shopperkit.insights.theme import DEFAULT_COLOURS
from shopperkit.plugins import Plugins
from shopperkit.registry import Registry
from shopperkit.scoring import score
from shopperkit_uae import THEME, form_document, generate_evaluations

SECRET = b"a-test-secret-of-enough-length"
MADE = date(2026, 7, 1)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry(Plugins())


def report_of(registry: Registry, programme: str) -> Insights:
    """Insights on generated UAE visits, reported as ``programme``."""
    records = list(generate_evaluations(form_document("uae-visit"), 80, seed=7))
    scored = score(records, registry)
    forms = registry.forms_named(s.form for s in scored.evaluations)
    return insights(
        scored, forms, programme=programme, secret=SECRET, plugins=registry.plugins, k=2
    )


def test_the_programme_has_a_theme(registry: Registry) -> None:
    assert registry.plugins.report_theme("uae") == THEME
    assert (
        set(THEME.authority)
        == set(THEME.logo_text)
        == set(Registry().programme("uae").strings("languages"))
    )


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_uae_report_carries_the_programmes_branding(registry: Registry, language: str) -> None:
    found = report_of(registry, "uae")
    assert found.theme == THEME
    page = found.report(language, MADE).html()
    assert 'class="uae-mark"' in page
    assert 'class="uae-band"' in page
    assert escape(THEME.authority[language]) in page
    assert f'<div class="logo">{escape(THEME.logo_text[language])}</div>' in page
    assert f'fill="{THEME.colours["bar"]}"' in page
    assert THEME.colours["accent"] in page
    assert f"**{THEME.authority[language]}**" in found.report(language, MADE).markdown()


def test_another_programmes_report_is_not_branded(registry: Registry) -> None:
    found = report_of(registry, "qatar-cgb")
    assert found.theme != THEME
    page = found.report("en", MADE).html()
    assert "uae-mark" not in page
    assert escape(THEME.authority["en"]) not in page
    assert THEME.colours["bar"] not in page
    assert f'fill="{DEFAULT_COLOURS["bar"]}"' in page
