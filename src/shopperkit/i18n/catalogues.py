"""Compiled gettext catalogues read at run time, and CLDR plural rules through Babel.

A catalogue directory holds ``<language>/LC_MESSAGES/<domain>.po`` (the source translators
edit) and, beside it, ``<domain>.mo`` (compiled from it by ``python -m shopperkit.i18n
compile``). A message id is the stable message code. A message that counts is a plural
entry: its ``msgid_plural`` names the counting parameter in braces (``"{years}"``) and it
has one text per plural form of the language (Arabic six, Russian three, English two).

:func:`load_catalogue` reads the ``.mo`` files of one domain into the shape every catalogue
has, ``{code: {language: template}}``; a template is a ``str`` or a :class:`Plural`. Fuzzy
entries are left out when compiling, so a text awaiting review falls back to English.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path

from attrs import frozen

LANGUAGES = ("ar", "en", "ur", "hi", "es", "zh", "fr", "ru")
"""Languages shopperkit speaks or is being translated into."""

SOURCE_LANGUAGE = "en"
"""The language a catalogue's messages are written in first; others translate it."""

CORE_LOCALE = Path(__file__).resolve().parent.parent / "locale"
"""The built-in catalogues' directory."""

CORE_DOMAINS = (
    "core",
    "eligibility",
    "interview",
    "selection",
    "lifecycle",
    "assignment",
    "forms",
    "scoring",
    "insights",
    "store",
    "service",
    "intake",
)
"""The built-in domains: one per part of the library that emits codes."""


@frozen
class Plural:
    """A message that counts: ``count`` names the parameter, ``forms`` are in gettext order."""

    count: str
    forms: tuple[str, ...]

    def choose(self, number: object, language: str) -> str:
        """The form for ``number`` by the language's CLDR plural rule (the last for a
        fraction or a value that is not a number)."""
        if not self.forms:
            return ""
        index = len(self.forms) - 1
        if isinstance(number, int) and not isinstance(number, bool):
            index = min(plural_index(language)(abs(number)), index)
        elif isinstance(number, float) and number.is_integer():
            index = min(plural_index(language)(abs(int(number))), index)
        return self.forms[index]


Template = str | Plural
"""One language's text of a message."""


@cache
def plural_forms(language: str) -> tuple[int, str]:
    """The number of plural forms and the gettext expression choosing one, from CLDR."""
    from babel.messages.plurals import get_plural

    rule = get_plural(language)
    return rule.num_plurals, rule.plural_expr


@cache
def plural_index(language: str) -> Callable[[int], int]:
    """The function from a count to its plural form's index in ``language``."""
    return gettext.c2py(plural_forms(language)[1])


class LoadedCatalogue(dict[str, dict[str, Template]]):
    """Messages by code read from compiled catalogues; ``sources`` are the ``(directory,
    domain)`` pairs they came from, so ``shopperkit messages check`` finds their ``.po``."""

    sources: tuple[tuple[Path, str], ...] = ()


def _read_mo(path: Path) -> dict[str, Template]:
    from babel.messages.mofile import read_mo

    with path.open("rb") as handle:
        catalog = read_mo(handle)
    texts: dict[str, Template] = {}
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            code, plural = message.id[0], message.id[1]
            forms = tuple(message.string) if isinstance(message.string, tuple | list) else ()
            if any(forms):
                texts[code] = Plural(plural.strip("{}"), forms)
        elif message.string:
            texts[message.id] = str(message.string)
    return texts


@cache
def _load(directory: Path, domain: str) -> Mapping[str, Mapping[str, Template]]:
    by_code: dict[str, dict[str, Template]] = {}
    for mo in sorted(directory.glob(f"*/LC_MESSAGES/{domain}.mo")):
        language = mo.parent.parent.name
        for code, text in _read_mo(mo).items():
            by_code.setdefault(code, {})[language] = text
    return by_code


def load_catalogue(directory: Path | str, domain: str) -> LoadedCatalogue:
    """Every message of ``domain`` in ``directory`` by code and language (read once)."""
    path = Path(directory).resolve()
    loaded = LoadedCatalogue({code: dict(t) for code, t in _load(path, domain).items()})
    loaded.sources = ((path, domain),)
    return loaded
