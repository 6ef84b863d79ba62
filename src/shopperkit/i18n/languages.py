"""The languages a programme declares, its fallback and its digits, and rendering in them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from attrs import frozen

from shopperkit.errors import InputError, ProgrammeError
from shopperkit.i18n.formatting import DIGITS, Digits

if TYPE_CHECKING:
    from shopperkit.messages import Catalogue
    from shopperkit.model.programme import Programme


@frozen
class Languages:
    """What a programme speaks: ``declared`` languages, the ``fallback`` shown when a text
    is missing in the reader's language, and the ``digits`` of numbers and dates."""

    declared: tuple[str, ...] = ("en", "ar")
    fallback: str = "en"
    digits: Digits = "latin"

    @classmethod
    def of(cls, programme: Programme) -> Languages:
        """From the programme's ``languages``, ``fallback_language`` and ``digits``
        parameters (English and Arabic, English, Latin digits when absent)."""
        declared = programme.strings("languages", ("en", "ar"))
        default = "en" if "en" in declared else declared[0]
        fallback = programme.text("fallback_language", default)
        if fallback not in declared:
            raise ProgrammeError(
                "programme_language_undeclared",
                {"language": fallback, "declared": ", ".join(declared)},
                where=f"programme {programme.id}: fallback_language",
            )
        digits = programme.text("digits", "latin")
        if digits not in DIGITS:
            raise ProgrammeError(
                "value_not_allowed",
                {"value": digits, "allowed": list(DIGITS)},
                where=f"programme {programme.id}: digits",
            )
        return cls(tuple(declared), fallback, digits)

    def check(self, language: str) -> str:
        """``language`` if the programme declares it, else ``programme_language_undeclared``."""
        if language not in self.declared:
            raise InputError(
                "programme_language_undeclared",
                {"language": language, "declared": ", ".join(self.declared)},
            )
        return language

    def render_message(
        self,
        code: str,
        params: Mapping[str, Any],
        language: str,
        catalogue: Catalogue | None = None,
    ) -> str:
        """The message for ``code`` in ``language`` (a declared one), in the fallback when
        the catalogue has no text in it, with the programme's digits."""
        from shopperkit.messages import render

        self.check(language)
        return render(code, params, language, catalogue, digits=self.digits, fallback=self.fallback)
