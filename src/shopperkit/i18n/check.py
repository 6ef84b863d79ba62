"""Checking catalogues: what each language still lacks, per catalogue (gettext domain).

Every problem is an error (``shopperkit messages check`` exits 1 on any):

- ``catalogue_missing``: a language has no ``.po`` for the domain yet;
- ``message_missing``: a code English has is absent or untranslated;
- ``plural_forms_missing``: a counting message lacks forms of the language's CLDR rule
  (or is written without plural forms at all);
- ``placeholders_differ``: a translation names other ``{fields}`` than English (a plural
  form may leave out the count, as Arabic "two years" does);
- ``message_fuzzy``: a text marked ``#, fuzzy`` awaits review;
- ``catalogue_not_compiled``: the ``.mo`` beside a ``.po`` is missing or out of date.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from attrs import frozen

from shopperkit.i18n.catalogues import (
    CORE_DOMAINS,
    CORE_LOCALE,
    LANGUAGES,
    SOURCE_LANGUAGE,
    plural_forms,
)

PROBLEMS = (
    "catalogue_missing",
    "message_missing",
    "plural_forms_missing",
    "placeholders_differ",
    "message_fuzzy",
    "catalogue_not_compiled",
)
"""Every problem the check reports."""


@frozen
class Source:
    """One catalogue to check: who ships it, its directory and its domain."""

    owner: str
    directory: Path
    domain: str


@frozen
class CatalogueProblem:
    """One thing a language's catalogue lacks; ``message`` is the code concerned, if any."""

    language: str
    catalogue: str
    problem: str
    message: str | None = None
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "language": self.language,
            "catalogue": self.catalogue,
            "problem": self.problem,
            "message": self.message,
            "detail": self.detail,
        }


def core_sources() -> list[Source]:
    """The built-in catalogues."""
    return [Source("shopperkit", CORE_LOCALE, domain) for domain in CORE_DOMAINS]


def plugin_sources(answers: Iterable[tuple[str, Any]]) -> list[Source]:
    """The catalogues behind plugins' ``shopperkit_messages`` answers (those loaded with
    :func:`~shopperkit.i18n.load_catalogue`; a plain dict has no ``.po`` to check)."""
    found = []
    for owner, answer in answers:
        for directory, domain in getattr(answer, "sources", ()):
            found.append(Source(owner, Path(directory), domain))
    return found


def _fields(texts: Sequence[str]) -> frozenset[str]:
    from shopperkit.messages import template_fields

    names: set[str] = set()
    for text in texts:
        try:
            names |= template_fields(text)
        except ValueError:
            names.add("<malformed>")
    return frozenset(names)


def _texts(string: Any) -> tuple[str, ...]:
    return tuple(string) if isinstance(string, tuple | list) else (str(string or ""),)


def check_source(source: Source, languages: Iterable[str]) -> list[CatalogueProblem]:
    """Every problem of ``source`` in each of ``languages`` (English included)."""
    from shopperkit.i18n.tools import compiled, mo_messages, po_path, read_catalogue

    name = f"{source.owner}:{source.domain}"
    english = read_catalogue(source.directory, source.domain, SOURCE_LANGUAGE)
    problems: list[CatalogueProblem] = []
    if english is None:
        return [CatalogueProblem(SOURCE_LANGUAGE, name, "catalogue_missing")]
    for language in languages:
        catalog = (
            english
            if language == SOURCE_LANGUAGE
            else read_catalogue(source.directory, source.domain, language)
        )
        if catalog is None:
            problems.append(CatalogueProblem(language, name, "catalogue_missing"))
            continue

        def note(problem: str, msgid: str | None, detail: str = "", lang: str = language) -> None:
            problems.append(CatalogueProblem(lang, name, problem, msgid, detail))

        count = plural_forms(language)[0]
        for source_message in english:
            if not source_message.id:
                continue
            plural = isinstance(source_message.id, tuple | list)
            code = str(source_message.id[0] if plural else source_message.id)
            message = catalog.get(source_message.id)
            texts = _texts(message.string) if message is not None else ()
            if message is None or not any(texts):
                note("message_missing", code)
                continue
            if message.fuzzy:
                note("message_fuzzy", code)
            if plural:
                is_plural = isinstance(message.id, tuple | list)
                given = sum(1 for text in texts if text)
                if not is_plural or len(texts) != count or given != count:
                    note("plural_forms_missing", code, f"{given} of {count} forms")
            wanted = _fields(_texts(source_message.string))
            counter = {str(source_message.id[1]).strip("{}")} if plural else set()
            for text in texts:
                if text and (
                    _fields((text,)) - counter != wanted - counter or not _fields((text,)) <= wanted
                ):
                    note(
                        "placeholders_differ",
                        code,
                        f"{sorted(_fields((text,)))}, English has {sorted(wanted)}",
                    )
                    break
        po = po_path(source.directory, source.domain, language)
        mo = po.with_suffix(".mo")
        if not mo.is_file() or mo_messages(mo.read_bytes()) != mo_messages(compiled(po)):
            note("catalogue_not_compiled", None, str(mo))
    return problems


def check(
    sources: Iterable[Source], languages: Iterable[str] = LANGUAGES
) -> list[CatalogueProblem]:
    """Every problem of every source in ``languages``."""
    wanted = list(languages)
    return [problem for source in sources for problem in check_source(source, wanted)]
