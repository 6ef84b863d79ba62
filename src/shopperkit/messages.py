"""Messages: how catalogues are merged and how a message is rendered in any language.

Messages live in gettext catalogues (``src/shopperkit/locale/<language>/LC_MESSAGES/
<domain>.po``, compiled to ``.mo`` beside it), one domain per part of the library that emits
codes (``core`` for input files, records, programmes and plugins; ``eligibility``, ``forms``,
...); the message id is the code. :func:`merge_catalogues` is the one way catalogues are
combined: a code defined twice is refused, naming both owners. It builds
:func:`builtin_messages` from the built-in catalogues, and
:meth:`shopperkit.plugins.Plugins.messages` adds every plugin's (the ``shopperkit_messages``
hook) the same way.

A template's parameters are its ``{fields}``; every language of a message has the same fields
as English, and every code has every language in :data:`REQUIRED_LANGUAGES`. A message that
counts is a :class:`~shopperkit.i18n.Plural` whose form is chosen by the language's CLDR
plural rule. Inserted numbers and dates are formatted for the language (Latin or
Arabic-Indic digits), and wrapped in Unicode bidi isolation marks in right-to-left languages
so numbers and names read correctly.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import Any

from shopperkit.i18n.catalogues import CORE_DOMAINS, CORE_LOCALE, Plural, Template, load_catalogue
from shopperkit.i18n.formatting import RTL_LANGUAGES as RTL_LANGUAGES
from shopperkit.i18n.formatting import Digits, format_value, isolate

REQUIRED_LANGUAGES = ("en", "ar")
"""Languages every message must have (built-in and plugin-provided)."""

Templates = Mapping[str, Template]
"""One message in several languages: language code -> template with ``{name}`` fields (a
:class:`~shopperkit.i18n.Plural` for a message that counts)."""

Catalogue = Mapping[str, Templates]
"""Messages by code."""


class DuplicateMessageCode(ValueError):
    """Two catalogues define the same message code."""

    def __init__(self, code: str, first: str, second: str) -> None:
        self.code, self.first, self.second = code, first, second
        super().__init__(f"message code {code!r} is defined by both {first} and {second}")


def merge_catalogues(*catalogues: tuple[str, Catalogue]) -> dict[str, Templates]:
    """One catalogue from ``(owner, catalogue)`` pairs; a code two owners define is refused.

    Raises :class:`DuplicateMessageCode` naming the code and both owners.
    """
    merged: dict[str, Templates] = {}
    owners: dict[str, str] = {}
    for owner, catalogue in catalogues:
        for code, templates in catalogue.items():
            if code in owners:
                raise DuplicateMessageCode(code, owners[code], owner)
            owners[code] = owner
            merged[code] = templates
    return merged


@cache
def builtin_catalogues() -> tuple[tuple[str, Catalogue], ...]:
    """Every built-in catalogue (a gettext domain) with its owner, ``shopperkit:<domain>``."""
    return tuple(
        (f"shopperkit:{domain}", load_catalogue(CORE_LOCALE, domain)) for domain in CORE_DOMAINS
    )


@cache
def builtin_messages() -> Mapping[str, Templates]:
    """Every built-in message by code (read-only), merged by :func:`merge_catalogues`."""
    return MappingProxyType(merge_catalogues(*builtin_catalogues()))


def template_fields(template: Template) -> frozenset[str]:
    """The parameters a template names: ``"{age} on {as_of}"`` -> ``{"age", "as_of"}``; for a
    :class:`~shopperkit.i18n.Plural`, those of every form and the count."""
    if isinstance(template, Plural):
        names = {template.count}
        for form in template.forms:
            names |= template_fields(form)
        return frozenset(names)
    names = set()
    for _, field_name, _, _ in string.Formatter().parse(template):
        if field_name is not None:
            names.add(field_name.split(".", 1)[0].split("[", 1)[0])
    return frozenset(names)


def catalogue_problems(catalogue: Catalogue) -> list[str]:
    """What is wrong with ``catalogue``, one sentence each (empty when nothing is).

    Each code needs a non-empty template in every language of :data:`REQUIRED_LANGUAGES`, and
    each language's template must be well formed and name the same fields as English (a
    plural form may leave out the count: Arabic says "two years" in one word).
    """
    problems: list[str] = []
    if not isinstance(catalogue, Mapping):
        return [f"the catalogue is a {type(catalogue).__name__}, not a mapping"]
    for code, templates in catalogue.items():
        if not isinstance(code, str) or not isinstance(templates, Mapping):
            problems.append(f"message {code!r} is not a mapping of language to template")
            continue
        missing = [lang for lang in REQUIRED_LANGUAGES if not templates.get(lang)]
        if missing:
            problems.append(f"message {code!r} has no text in {', '.join(missing)}")
        fields: dict[str, frozenset[str]] = {}
        for language, template in templates.items():
            if not isinstance(template, str | Plural):
                problems.append(f"message {code!r} in {language!r} is not a text")
                continue
            try:
                fields[language] = template_fields(template)
            except ValueError as error:
                problems.append(f"message {code!r} in {language!r} is malformed: {error}")
        english = fields.get("en")
        for language, names in fields.items():
            if english is not None and names != english:
                problems.append(
                    f"message {code!r} in {language!r} has fields {sorted(names)}, "
                    f"English has {sorted(english)}"
                )
    return problems


def _shown_value(key: str, value: Any, language: str, digits: Digits) -> str:
    """``value`` for a reader of ``language``; a ``calendar`` parameter is shown by the
    calendar's name (``hijri_umm_al_qura`` reads "Hijri calendar (Umm al-Qura)")."""
    if key == "calendar" and isinstance(value, str) and f"calendar_{value}" in builtin_messages():
        return render(f"calendar_{value}", {}, language)
    return format_value(value, language, digits)


class _KeepMissing(dict[str, str]):
    """Values for a template; a field without a value stays visible as ``{field}``."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def format_message(
    templates: Templates,
    params: Mapping[str, Any],
    language: str,
    *,
    digits: Digits = "latin",
    fallback: str = "en",
) -> str:
    """Fill one message's template for ``language`` (``fallback``, then English, when it
    has none).

    A message that counts takes the plural form of its count parameter. Numbers and dates
    are formatted for ``language`` with ``digits``; in right-to-left languages every inserted
    value is wrapped in bidi isolation marks. A field without a parameter is left as
    ``{field}``.
    """
    shown = next((lang for lang in (language, fallback) if templates.get(lang)), "en")
    template = templates.get(shown) or ""
    if isinstance(template, Plural):
        template = template.choose(params.get(template.count), shown)
    values = {
        key: isolate(_shown_value(key, value, shown, digits), shown)
        for key, value in params.items()
    }
    try:
        return template.format_map(_KeepMissing(values))
    except (KeyError, IndexError, ValueError, AttributeError):
        return template


def render(
    code: str,
    params: Mapping[str, Any],
    language: str = "en",
    catalogue: Catalogue | None = None,
    *,
    digits: Digits = "latin",
    fallback: str = "en",
) -> str:
    """Render the message for ``code`` from ``catalogue`` (the built-in messages when left
    out) in ``language`` (else ``fallback``, else English) with ``digits`` (``latin`` or
    ``arabic``); an unknown code renders as the code and its params."""
    templates = (builtin_messages() if catalogue is None else catalogue).get(code)
    if templates is None:
        detail = ", ".join(f"{key}={value}" for key, value in params.items())
        return f"{code}({detail})" if detail else code
    return format_message(templates, params, language, digits=digits, fallback=fallback)
