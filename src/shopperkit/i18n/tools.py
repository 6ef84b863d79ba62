"""Keeping catalogues: convert dict catalogues, extract templates, update translations,
compile ``.mo`` files. Used by ``python -m shopperkit.i18n`` (see ``docs/translate.md``).

English (``en/LC_MESSAGES/<domain>.po``) is the source of every domain. ``update`` brings
each other language in step with it: a new code arrives untranslated, a code English no longer
has is dropped, and a translated text whose English changed is marked ``#, fuzzy`` (each
entry keeps the English it was translated from as its ``#.`` comment).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from importlib import import_module
from pathlib import Path
from typing import Any

from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

from shopperkit.i18n.catalogues import SOURCE_LANGUAGE, plural_forms

PROJECT = "shopperkit"
WIDTH = 100


def po_path(directory: Path, domain: str, language: str) -> Path:
    """Where ``language``'s source catalogue of ``domain`` lives."""
    return directory / language / "LC_MESSAGES" / f"{domain}.po"


HEADER = """\
{language} messages of shopperkit ({domain}); message ids are stable codes.
See docs/translate.md. Distributed under the same license as shopperkit (MIT)."""


def new_catalogue(domain: str, language: str, like: Catalog | None = None) -> Catalog:
    """An empty catalogue with the language's CLDR plural forms in its header (and the dates
    of ``like``, the catalogue it replaces, so rewriting it changes no date)."""
    locale = Locale.parse(language)
    catalog = Catalog(
        locale=locale,
        domain=domain,
        project=PROJECT,
        copyright_holder="shopperkit developers",
        fuzzy=False,
        header_comment="# "
        + HEADER.format(language=locale.english_name, domain=domain).replace("\n", "\n# "),
        language_team=f"{locale.english_name} <translators of {PROJECT}>",
    )
    if like is not None:
        catalog.creation_date = like.creation_date
        catalog.revision_date = like.revision_date
        catalog.last_translator = like.last_translator
    return catalog


def read_catalogue(directory: Path, domain: str, language: str) -> Catalog | None:
    """The ``.po`` of ``domain`` in ``language``, or None when there is none yet."""
    path = po_path(directory, domain, language)
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=domain)


def write_catalogue(directory: Path, domain: str, language: str, catalog: Catalog) -> Path:
    """Write ``catalog`` as ``language``'s ``.po`` of ``domain``; its path."""
    path = po_path(directory, domain, language)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WIDTH, omit_header=False, include_lineno=False)
    path.write_bytes(buffer.getvalue())
    return path


def english_of(message: Message) -> str:
    """The English text a translator reads: the singular, or every form joined by ``|``."""
    if isinstance(message.string, tuple | list):
        return " | ".join(message.string)
    return str(message.string)


def convert(catalogue: Mapping[str, Mapping[str, str]], directory: Path, domain: str) -> list[Path]:
    """Add a dict catalogue's messages (``{code: {language: template}}``) to ``domain``'s
    ``.po`` files; a code already there is left as it is. The files written."""
    languages: dict[str, Catalog] = {}
    for code, templates in catalogue.items():
        for language, template in templates.items():
            if language not in languages:
                found = read_catalogue(directory, domain, language)
                languages[language] = found or new_catalogue(domain, language)
            catalog = languages[language]
            if code in catalog:
                continue
            english = templates.get(SOURCE_LANGUAGE, "")
            comments = [] if language == SOURCE_LANGUAGE else [english]
            catalog.add(code, template, auto_comments=comments, flags=("python-brace-format",))
    return [write_catalogue(directory, domain, lang, cat) for lang, cat in languages.items()]


def convert_module(target: str, directory: Path, domain: str) -> list[Path]:
    """:func:`convert` the dict named ``module:ATTRIBUTE``."""
    module, _, attribute = target.partition(":")
    catalogue: Any = getattr(import_module(module), attribute)
    return convert(catalogue, directory, domain)


def extract(directory: Path, domain: str) -> Path:
    """Write ``<domain>.pot``, the template a new language starts from, from English."""
    source = read_catalogue(directory, domain, SOURCE_LANGUAGE)
    if source is None:
        raise FileNotFoundError(po_path(directory, domain, SOURCE_LANGUAGE))
    template = Catalog(domain=domain, project=PROJECT, fuzzy=False)
    for message in source:
        if message.id:
            template.add(message.id, "", auto_comments=[english_of(message)], flags=message.flags)
    path = directory / f"{domain}.pot"
    buffer = io.BytesIO()
    write_po(buffer, template, width=WIDTH, include_lineno=False)
    path.write_bytes(buffer.getvalue())
    return path


def update(directory: Path, domain: str, languages: Iterable[str]) -> list[Path]:
    """Bring each language's ``.po`` of ``domain`` in step with English (creating it when
    missing); the files written."""
    source = read_catalogue(directory, domain, SOURCE_LANGUAGE)
    if source is None:
        raise FileNotFoundError(po_path(directory, domain, SOURCE_LANGUAGE))
    written = []
    for language in languages:
        if language == SOURCE_LANGUAGE:
            continue
        old = read_catalogue(directory, domain, language)
        catalog = new_catalogue(domain, language, old)
        count = plural_forms(language)[0]
        for message in source:
            if not message.id:
                continue
            english = english_of(message)
            before = old.get(message.id) if old is not None else None
            plural = isinstance(message.id, tuple | list)
            flags = set(message.flags)
            if before is not None and isinstance(before.id, tuple | list) == plural:
                string: Any = before.string
                if plural:
                    forms = list(string) + [""] * count
                    string = tuple(forms[:count])
                # A long comment comes back from the file wrapped over several lines.
                said = " ".join(" ".join(before.auto_comments).split())
                if (said and said != " ".join(english.split()) and any(string)) or before.fuzzy:
                    flags.add("fuzzy")
            else:
                string = ("",) * count if plural else ""
            catalog.add(message.id, string, auto_comments=[english], flags=flags)
        written.append(write_catalogue(directory, domain, language, catalog))
    return written


def compile_domain(directory: Path, domain: str) -> list[Path]:
    """Compile every language's ``.po`` of ``domain`` to ``.mo`` beside it (fuzzy entries
    left out); the files written."""
    written = []
    for po in sorted(directory.glob(f"*/LC_MESSAGES/{domain}.po")):
        mo = po.with_suffix(".mo")
        mo.write_bytes(compiled(po))
        written.append(mo)
    return written


def compiled(po: Path) -> bytes:
    """The ``.mo`` bytes of one ``.po`` file."""
    language = po.parent.parent.name
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def mo_messages(data: bytes) -> dict[Any, Any]:
    """The messages of ``.mo`` bytes (id -> text), to compare two compilations."""
    return {
        (tuple(m.id) if isinstance(m.id, list) else m.id): m.string
        for m in read_mo(io.BytesIO(data))
        if m.id
    }
