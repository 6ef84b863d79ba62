"""Languages: gettext catalogues kept with Babel, CLDR plural rules, locale formatting.

Runtime lookup (:func:`load_catalogue`) reads compiled ``.mo`` files; keeping catalogues
(``python -m shopperkit.i18n convert|extract|update|compile``) and checking them
(``shopperkit messages check``) need Babel's tools. See ``docs/translate.md``.
"""

from __future__ import annotations

from shopperkit.i18n.catalogues import (
    CORE_DOMAINS,
    CORE_LOCALE,
    LANGUAGES,
    SOURCE_LANGUAGE,
    LoadedCatalogue,
    Plural,
    Template,
    load_catalogue,
    plural_forms,
)
from shopperkit.i18n.formatting import DIGITS, format_value, isolate

__all__ = [
    "CORE_DOMAINS",
    "CORE_LOCALE",
    "DIGITS",
    "LANGUAGES",
    "SOURCE_LANGUAGE",
    "LoadedCatalogue",
    "Plural",
    "Template",
    "format_value",
    "isolate",
    "load_catalogue",
    "plural_forms",
]
