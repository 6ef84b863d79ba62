"""Languages: gettext catalogues kept with Babel, CLDR plural rules, locale formatting.

Runtime lookup (:func:`load_catalogue`) reads compiled ``.mo`` files; keeping catalogues
(``python -m shopperkit.i18n convert|extract|update|compile``) and checking them
(``shopperkit messages check``) need Babel's tools. See ``docs/translate.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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
from shopperkit.i18n.formatting import DIGITS, Digits, format_value, isolate
from shopperkit.lazy import lazy_exports

if TYPE_CHECKING:
    from shopperkit.i18n.languages import Languages

__all__ = [
    "CORE_DOMAINS",
    "CORE_LOCALE",
    "DIGITS",
    "LANGUAGES",
    "SOURCE_LANGUAGE",
    "Digits",
    "Languages",
    "LoadedCatalogue",
    "Plural",
    "Template",
    "format_value",
    "isolate",
    "load_catalogue",
    "plural_forms",
]

# Imported on first use: it needs the errors, which render through the messages.
__getattr__ = lazy_exports(__name__, {"Languages": "languages"}, globals())
