"""Values inserted into messages, formatted for the locale by Babel (CLDR): numbers and
dates in the language's style, with Latin or (in Arabic) Arabic-Indic digits as the programme
says, and
wrapped in bidi isolation marks in right-to-left languages."""

from __future__ import annotations

from collections.abc import Set
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any, Literal

Digits = Literal["latin", "arabic"]
DIGITS: tuple[Digits, ...] = ("latin", "arabic")
"""The digit styles a programme may choose (``latin`` by default)."""

RTL_LANGUAGES = frozenset({"ar", "ur"})
"""Languages written right to left; inserted values are isolated in them."""

_FSI, _PDI = "\u2068", "\u2069"
_NUMBERING = {"latin": "latn", "arabic": "arab"}
_COLLECTIONS = (list, tuple, frozenset, set)


def isolate(text: str, language: str) -> str:
    """``text`` between first-strong and pop isolates in a right-to-left language."""
    return _FSI + text + _PDI if language in RTL_LANGUAGES else text


@cache
def _locale(language: str) -> Any:
    from babel import Locale

    try:
        return Locale.parse(language)
    except (ValueError, LookupError):
        return Locale.parse("en")


def _number(value: int | float | Decimal, language: str, digits: Digits) -> str:
    """``value`` by the language's decimal symbols; a decimal keeps its places (a score
    shown at two places as ``82.40`` stays ``82.40``). Scores repeat, so each is formatted
    once (per places, language and digits)."""
    places = 0
    if isinstance(value, Decimal) and value.is_finite():
        places = max(0, -int(value.as_tuple().exponent))
    try:
        return _formatted(type(value).__name__, value, places, language, digits)
    except TypeError:  # unhashable: a signalling NaN
        return _format_number(value, places, language, digits)


@lru_cache(maxsize=1 << 16)
def _formatted(
    kind: str, value: int | float | Decimal, places: int, language: str, digits: Digits
) -> str:
    return _format_number(value, places, language, digits)


def _format_number(value: int | float | Decimal, places: int, language: str, digits: Digits) -> str:
    from babel.numbers import format_decimal

    try:
        text = format_decimal(
            value,
            format="0." + "0" * places if places else None,
            locale=_locale(language),
            decimal_quantization=bool(places),
            group_separator=False,
            numbering_system=_NUMBERING.get(digits, "latn"),
        )
    except (ArithmeticError, ValueError):  # beyond what a decimal context holds
        text = str(value)
    return _digits(text, digits, language)


def _date(value: date, language: str, digits: Digits) -> str:
    from babel.dates import format_date

    text = format_date(value, format="medium", locale=_locale(language))
    return _digits(text, digits, language)


def format_long_date(value: date, language: str, digits: Digits = "latin") -> str:
    """``value`` as a long date in ``language``'s style (``January 3, 2026``, ``3 يناير 2026``)
    by CLDR, with ``digits``."""
    from babel.dates import format_date

    return _digits(format_date(value, format="long", locale=_locale(language)), digits, language)


_ARABIC_INDIC = str.maketrans(
    "0123456789", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669"
)
_LATIN = str.maketrans("\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669", "0123456789")


ARABIC_DIGIT_LANGUAGES = frozenset({"ar"})
"""Languages a programme's ``digits: arabic`` applies to; others keep their own digits."""


def _digits(text: str, digits: Digits, language: str) -> str:
    """``text`` with Arabic-Indic digits (``arabic``, in Arabic) or Latin ones."""
    arabic = digits == "arabic" and language in ARABIC_DIGIT_LANGUAGES
    return text.translate(_ARABIC_INDIC if arabic else _LATIN)


def format_value(value: Any, language: str, digits: Digits = "latin") -> str:
    """``value`` as a reader of ``language`` expects it: numbers and dates by CLDR, a
    collection as its items joined by commas, anything else as ``str``."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int | float | Decimal):
        if isinstance(value, float) and (value != value or value in (float("inf"), -float("inf"))):
            return str(value)
        return _number(value, language, digits)
    if isinstance(value, date) and not isinstance(value, datetime):
        return _date(value, language, digits)
    if isinstance(value, (*_COLLECTIONS, Set)):
        return ", ".join(format_value(item, language, digits) for item in value)
    return str(value)
