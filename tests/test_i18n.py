"""Gettext catalogues: compiled and in step, checked per language, plural forms by CLDR,
numbers and digits for the locale, and a programme's declared languages."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Literal

import pytest
from babel import Locale
from babel.dates import format_date
from hypothesis import given
from hypothesis import strategies as st

from shopperkit import screen
from shopperkit.cli import main
from shopperkit.errors import InputError
from shopperkit.i18n import (
    CORE_LOCALE,
    LANGUAGES,
    Languages,
    Plural,
    format_value,
    load_catalogue,
    plural_forms,
)
from shopperkit.i18n.check import Source, check, check_source
from shopperkit.i18n.tools import (
    compiled,
    convert,
    mo_messages,
    po_path,
    read_catalogue,
    update,
    write_catalogue,
)
from shopperkit.messages import render
from shopperkit.model import Programme
from shopperkit.registry import Registry

ROOT = Path(__file__).resolve().parents[1]
PO_FILES = sorted(ROOT.glob("src/shopperkit/locale/*/LC_MESSAGES/*.po")) + sorted(
    ROOT.glob("plugins/*/src/*/locale/*/LC_MESSAGES/*.po")
)

CLDR_ORDER = ("zero", "one", "two", "few", "many", "other")


@pytest.mark.parametrize("po", PO_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_compiled_catalogue_is_up_to_date(po: Path) -> None:
    mo = po.with_suffix(".mo")
    assert mo.is_file(), f"run python -m shopperkit.i18n compile for {po}"
    assert mo_messages(mo.read_bytes()) == mo_messages(compiled(po))


def test_messages_check_passes_for_every_language_in_the_core_and_both_programmes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(["messages", "check"])
    out, err = capsys.readouterr()
    assert "shopperkit-uae:shopperkit_uae" in err or "shopperkit_uae" in err
    assert [json.loads(line) for line in out.splitlines()] == []
    assert status == 0
    for language in LANGUAGES:
        assert main(["messages", "check", "--language", language]) == 0
    assert main(["messages", "check", "--language", "en", "--language", "ar"]) == 0


def _domain(tmp_path: Path) -> Path:
    convert(
        {
            "seats_left": {
                "en": "{seats} seats left in {centre}",
                "ar": "{seats} مقعد في {centre}",
            },
            "plain": {"en": "hello {name}", "ar": "مرحبا {name}"},
        },
        tmp_path,
        "demo",
    )
    return tmp_path


def test_the_check_reports_missing_fuzzy_plural_and_placeholder_problems(tmp_path: Path) -> None:
    directory = _domain(tmp_path)
    english = read_catalogue(directory, "demo", "en")
    assert english is not None
    del english["seats_left"]
    english.add(
        ("seats_left", "{seats}"),
        ("{seats} seat left in {centre}", "{seats} seats left in {centre}"),
    )
    english.add("new_code", "something new")
    write_catalogue(directory, "demo", "en", english)
    arabic = read_catalogue(directory, "demo", "ar")
    assert arabic is not None
    arabic["plain"].string = "مرحبا {someone}"
    arabic["plain"].flags.add("fuzzy")
    write_catalogue(directory, "demo", "ar", arabic)
    problems = {
        (p.language, p.problem, p.message)
        for p in check_source(Source("test", directory, "demo"), ["en", "ar", "ru"])
    }
    assert ("ar", "message_missing", "new_code") in problems
    assert ("ar", "plural_forms_missing", "seats_left") in problems
    assert ("ar", "placeholders_differ", "plain") in problems
    assert ("ar", "message_fuzzy", "plain") in problems
    assert ("ar", "catalogue_not_compiled", None) in problems
    assert ("ru", "catalogue_missing", None) in problems
    assert not any(
        language == "en" and p != "catalogue_not_compiled" for language, p, _ in problems
    )


def test_update_adds_new_codes_and_marks_changed_english_fuzzy(tmp_path: Path) -> None:
    directory = _domain(tmp_path)
    update(directory, "demo", ["ar", "ru"])
    english = read_catalogue(directory, "demo", "en")
    assert english is not None
    english["plain"].string = "good morning {name}"
    english.add("added", "added later")
    write_catalogue(directory, "demo", "en", english)
    update(directory, "demo", ["ar", "ru"])
    arabic = read_catalogue(directory, "demo", "ar")
    russian = read_catalogue(directory, "demo", "ru")
    assert arabic is not None
    assert russian is not None
    assert arabic["plain"].fuzzy
    assert arabic["plain"].auto_comments == ["good morning {name}"]
    assert not arabic["seats_left"].fuzzy
    assert arabic["added"].string == ""
    assert len(russian) == 3
    assert po_path(directory, "demo", "ru").is_file()
    problems = {(p.language, p.problem) for p in check([Source("t", directory, "demo")], ["ar"])}
    assert ("ar", "message_fuzzy") in problems


def test_compiling_leaves_fuzzy_texts_out_so_they_fall_back_to_english(tmp_path: Path) -> None:
    from shopperkit.i18n.tools import compile_domain

    directory = _domain(tmp_path)
    arabic = read_catalogue(directory, "demo", "ar")
    assert arabic is not None
    arabic["plain"].flags.add("fuzzy")
    write_catalogue(directory, "demo", "ar", arabic)
    compile_domain(directory, "demo")
    catalogue = load_catalogue(directory, "demo")
    assert set(catalogue["plain"]) == {"en"}
    assert render("plain", {"name": "x"}, "ar", catalogue).startswith("hello")


@pytest.mark.parametrize(("language", "forms"), [("ar", 6), ("ru", 3), ("en", 2), ("zh", 1)])
def test_each_language_has_its_cldr_number_of_plural_forms(language: str, forms: int) -> None:
    assert plural_forms(language)[0] == forms


@given(st.integers(min_value=0, max_value=10**6))
def test_the_arabic_form_is_the_one_cldr_names(count: int) -> None:
    forms = tuple(f"{name} {{n}}" for name in CLDR_ORDER)
    chosen = Plural("n", forms).choose(count, "ar")
    assert chosen.split()[0] == Locale("ar").plural_form(count)


def test_counting_messages_agree_with_their_count_in_english_and_arabic() -> None:
    params = {"minimum_years": 3, "as_of": "2026-01-01"}
    one = render("residency_too_short", {**params, "years": 1}, "en")
    two = render("residency_too_short", {**params, "years": 2}, "en")
    assert "1 full year " in one
    assert "2 full years " in two
    dual = render("residency_too_short", {**params, "years": 2}, "ar")
    assert "سنتان" in dual
    assert "\u20682\u2069" not in dual  # the dual says the number in its word


@given(st.integers(min_value=-(10**9), max_value=10**9))
def test_numbers_take_the_programme_s_digits_in_arabic_only(number: int) -> None:
    latin = format_value(number, "ar")
    arabic = format_value(number, "ar", "arabic")
    assert latin.lstrip("-\u200e\u061c") == str(abs(number))
    assert all(not c.isascii() or not c.isdigit() for c in arabic)
    assert format_value(number, "en", "arabic") == str(number)


def test_inserted_values_are_isolated_in_right_to_left_languages_only() -> None:
    assert "\u2068" in render("file_unreadable", {"reason": "x"}, "ar")
    assert "\u2068" not in render("file_unreadable", {"reason": "x"}, "en")


def test_a_programme_declares_its_languages_fallback_and_digits() -> None:
    uae = Languages.of(Registry().programme("uae"))
    assert set(uae.declared) == set(LANGUAGES)
    assert uae.fallback == "en"
    assert uae.digits == "latin"
    qatar = Languages.of(Registry().programme("qatar-cgb"))
    assert set(qatar.declared) == {"ar", "en"}
    with pytest.raises(InputError) as caught:
        qatar.render_message("file_not_found", {}, "fr")
    assert caught.value.code == "programme_language_undeclared"
    french = uae.render_message("file_not_found", {}, "fr")
    assert french == render("file_not_found", {}, "fr") != render("file_not_found", {}, "en")
    # A text missing in the reader's language shows the programme's fallback.
    lacking = Languages(("en", "ar", "de"), "en", "latin")
    assert lacking.render_message("file_not_found", {}, "de") == render("file_not_found", {}, "en")


def test_the_core_catalogue_directory_holds_english_and_arabic_for_every_domain() -> None:
    for language in ("en", "ar"):
        assert sorted((CORE_LOCALE / language / "LC_MESSAGES").glob("*.po"))


def test_an_arabic_score_card_has_no_english_word() -> None:
    from shopperkit.scoring import Scoring
    from shopperkit.scoring.engine import ScoreCard, render_card
    from tests.test_scoring import example, record

    form = example()
    card = Scoring([form]).card(record())
    assert isinstance(card, ScoreCard)
    text = render_card(card, "ar", form=form)
    for name in (card.evaluation, card.form, card.band or ""):
        text = text.replace(name, "")
    assert re.findall(r"[A-Za-z]{2,}", text) == []


@given(
    st.one_of(st.floats(), st.integers(min_value=-(10**400), max_value=10**400)),
    st.sampled_from(LANGUAGES),
    st.sampled_from(("latin", "arabic")),
)
def test_any_number_formats_without_raising(
    number: float, language: str, digits: Literal["latin", "arabic"]
) -> None:
    assert format_value(number, language, digits)


def test_updating_a_translated_language_keeps_every_translation(tmp_path: Path) -> None:
    import shutil
    import subprocess
    import sys

    copy = tmp_path / "locale"
    shutil.copytree(CORE_LOCALE, copy)
    before = {p: p.read_bytes() for p in copy.glob("*/LC_MESSAGES/*.po")}
    for _ in range(2):  # long English comments come back wrapped: still the same English
        update = [sys.executable, "-m", "shopperkit.i18n", "--directory", str(copy)]
        subprocess.run([*update, "update", "-l", "ur"], check=True, capture_output=True)
    after = {p: p.read_bytes() for p in copy.glob("*/LC_MESSAGES/*.po")}
    assert after == before
    assert not any(b"#, fuzzy" in text for text in after.values())


INDIC = str.maketrans("0123456789", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669")


def _eight_language_programme(registry: Registry, digits: str) -> Programme:
    """The Qatar programme declaring all eight languages and the given digits."""
    said = {"reference": "test", "effective_from": "2022-06-06"}
    return registry.programme_from_data(
        {
            "id": "cgb-eight",
            "version": "1",
            "extends": "qatar-cgb",
            "parameters": {
                "languages": {"value": list(LANGUAGES), "description": "all", **said},
                "digits": {"value": digits, "description": "digits", **said},
            },
        }
    )


@pytest.mark.parametrize("digits", ["latin", "arabic"])
def test_screening_reasons_speak_every_declared_language_with_its_dates_and_digits(
    digits: Literal["latin", "arabic"],
) -> None:
    registry = Registry()
    programme = _eight_language_programme(registry, digits)
    applicant = {
        "id": "a1",
        "birth_date": "2010-03-04",
        "nationality": "Qatari",
        "residency": {"status": "citizen"},
        "declarations": [],
        "applied_on": "2022-06-10",
    }
    verdict = screen([applicant], programme, registry)[0]
    (age,) = [reason for reason in verdict.reasons if reason.code == "age_below_minimum"]
    assert set(age.message) == set(LANGUAGES)
    as_of = verdict.as_of
    for language in LANGUAGES:
        text = age.message[language]
        # The date as the language writes it (CLDR), never the ISO form.
        written = format_date(as_of, format="medium", locale=language)
        assert as_of.isoformat() not in text
        expected = written.translate(INDIC) if digits == "arabic" and language == "ar" else written
        assert expected in text, (language, text)
        assert text == render(
            "age_below_minimum",
            {**age.params, "as_of": as_of},
            language,
            digits=digits,
        )
    arabic = age.message["ar"]
    assert bool(re.search("[0-9]", arabic)) is (digits == "latin")
    assert bool(re.search("[\u0660-\u0669]", arabic)) is (digits == "arabic")
    for deferred in verdict.deferred:
        assert set(deferred.message) == set(LANGUAGES)


def test_score_cards_write_numbers_as_the_language_does() -> None:
    from shopperkit.scoring import Scoring
    from shopperkit.scoring.engine import ScoreCard, render_card
    from tests.test_scoring import example, record

    form = example()
    card = Scoring([form]).card(record())
    assert isinstance(card, ScoreCard)
    shown = card.shown
    french = render_card(card, "fr", form=form)
    arabic = render_card(card, "ar", form=form, digits="arabic")
    if "." in shown:
        assert shown.replace(".", ",") in french
        assert shown not in french
    assert shown.translate(INDIC).replace(".", "\u066b") in arabic
    names = arabic.replace(card.evaluation, "").replace(f"{card.form} {form.version}", "")
    assert not re.search("[0-9]", names)
