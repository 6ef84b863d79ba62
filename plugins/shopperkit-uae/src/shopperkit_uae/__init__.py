"""The UAE-style open Mystery Shopper programme, as a shopperkit plugin.

Anyone may evaluate a service, in the smart app, over WhatsApp or after a visit, in eight
languages. Parameters are data (``uae.json``), forms are data (``forms/*.yaml``); there is no
recruitment stage, so nothing is screened, interviewed or drawn.

The overall star table of ``uae-visit`` (2 to 7 stars) is a placeholder: the official
thresholds are not published. :func:`star_threshold` answers for one star level and refuses a
level outside the programme's range.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from attrs import frozen

from shopperkit import hookimpl
from shopperkit.errors import ProgrammeError
from shopperkit.hookspecs import ProgrammeSource
from shopperkit.i18n import Template, load_catalogue
from shopperkit.insights.theme import ReportTheme
from shopperkit.io.documents import read_document
from shopperkit.model.programme import Programme
from shopperkit.programmes import load_programme
from shopperkit_uae.synthetic import generate_evaluations

PROGRAMME_ID = "uae"
PROGRAMME_FILE = files(__name__) / "uae.json"
DIRECTORY_FILE = files(__name__) / "directory.json"
FORM_FILES = {
    "uae-quick": files(__name__) / "forms" / "uae-quick.yaml",
    "uae-visit": files(__name__) / "forms" / "uae-visit.yaml",
}
LOCALE = Path(__file__).resolve().parent / "locale"
"""The programme's message catalogues (domain ``shopperkit_uae``)."""
STAR_FORM = "uae-visit"
"""The form whose overall bands are the programme's star table."""
TEMPLATES = files(__name__) / "templates"
"""The report template of the programme: the built-in one with the programme's mark."""
THEME = ReportTheme(
    PROGRAMME_ID,
    authority={
        "ar": "رئاسة مجلس الوزراء، دولة الإمارات العربية المتحدة",
        "en": "Prime Minister's Office, United Arab Emirates",
        "ur": "وزیر اعظم کا دفتر، متحدہ عرب امارات",
        "hi": "प्रधानमंत्री कार्यालय, संयुक्त अरब अमीरात",
        "es": "Oficina del Primer Ministro, Emiratos Árabes Unidos",
        "zh": "阿拉伯联合酋长国总理办公室",
        "fr": "Cabinet du Premier ministre, Émirats arabes unis",
        "ru": "Канцелярия премьер-министра, Объединённые Арабские Эмираты",
    },
    logo_text={
        "ar": "الإمارات",
        "en": "UAE",
        "ur": "یو اے ای",
        "hi": "यूएई",
        "es": "EAU",
        "zh": "阿联酋",
        "fr": "EAU",
        "ru": "ОАЭ",
    },
    colours={"accent": "#00732f", "bar": "#00573f", "below": "#c8102e", "reference": "#000000"},
    templates=TEMPLATES,
)
"""How the programme's reports look: its authority, the country's short name where a logo
would be, the colours of the national flag and its mark drawn in the page."""


@hookimpl
def shopperkit_programmes() -> Sequence[ProgrammeSource]:
    return [PROGRAMME_FILE]


@hookimpl
def shopperkit_messages() -> Mapping[str, Mapping[str, Template]]:
    return load_catalogue(LOCALE, "shopperkit_uae")


@hookimpl
def shopperkit_forms() -> Sequence[ProgrammeSource]:
    return list(FORM_FILES.values())


@hookimpl
def shopperkit_directories() -> Sequence[ProgrammeSource]:
    return [DIRECTORY_FILE]


@hookimpl
def shopperkit_report_themes() -> Sequence[ReportTheme]:
    return [THEME]


@cache
def programme() -> Programme:
    """The UAE programme as shipped."""
    return load_programme(PROGRAMME_FILE)


def form_document(form_id: str) -> dict[str, Any]:
    """A UAE form as plain data, read from the package (``uae-quick`` or ``uae-visit``)."""
    if form_id not in FORM_FILES:
        raise ProgrammeError("value_not_allowed", {"value": form_id, "allowed": sorted(FORM_FILES)})
    data: dict[str, Any] = read_document(FORM_FILES[form_id])
    return data


def star_range() -> range:
    """The star levels the programme rates with (``star_min`` to ``star_max``, 2 to 7)."""
    shipped = programme()
    return range(shipped.integer("star_min"), shipped.integer("star_max") + 1)


@frozen
class StarBand:
    """One star level of the overall table: scores above ``above`` and up to ``upto``.

    ``above`` is ``None`` for the lowest level (every score from 0). ``placeholder`` is true
    while the official thresholds are not published.
    """

    stars: int
    above: Decimal | None
    upto: Decimal
    placeholder: bool

    def contains(self, score: Decimal) -> bool:
        """Whether an overall ``score`` earns this star level."""
        return (self.above is None or score > self.above) and score <= self.upto


def check_star_bands(form: Mapping[str, Any]) -> list[StarBand]:
    """The form's overall band table as star bands, checked against the programme's range.

    Every band must carry ``stars`` within :func:`star_range`, its ``grade`` must be that
    number, and the bands must be in increasing order of stars and bounds. Raises
    :class:`ProgrammeError` with the JSON path of the first band that breaks this.
    """
    allowed = star_range()
    bands: list[StarBand] = []
    previous: Decimal | None = None
    for index, band in enumerate(form.get("bands") or []):
        where = f"form {form.get('id')}: $.bands[{index}]"
        stars = band.get("stars")
        if not isinstance(stars, int) or isinstance(stars, bool) or stars not in allowed:
            raise ProgrammeError(
                "value_not_allowed",
                {"value": stars, "allowed": list(allowed)},
                where=f"{where}.stars",
            )
        if band.get("grade") != str(stars):
            raise ProgrammeError(
                "value_not_allowed",
                {"value": band.get("grade"), "allowed": [str(stars)]},
                where=f"{where}.grade",
            )
        if bands and stars <= bands[-1].stars:
            raise ProgrammeError(
                "star_band_out_of_order",
                {"field": "stars", "value": stars, "previous": bands[-1].stars},
                where=f"{where}.stars",
            )
        upto = Decimal(str(band.get("upto", 100)))
        if previous is not None and upto <= previous:
            raise ProgrammeError(
                "star_band_out_of_order",
                {"field": "upto", "value": upto, "previous": previous},
                where=f"{where}.upto",
            )
        bands.append(StarBand(stars, previous, upto, placeholder=bool(form.get("bands_note"))))
        previous = upto
    return bands


def star_bands() -> list[StarBand]:
    """The programme's star table, from the overall bands of ``uae-visit``."""
    return check_star_bands(form_document(STAR_FORM))


def star_threshold(stars: int) -> StarBand:
    """The score band of one star level; a level outside the programme's range is an error.

    >>> star_threshold(7).upto
    Decimal('100')
    """
    allowed = star_range()
    if isinstance(stars, bool) or not isinstance(stars, int) or stars not in allowed:
        raise ProgrammeError(
            "value_not_allowed",
            {"value": stars, "allowed": list(allowed)},
            where=f"programme {PROGRAMME_ID}: star level",
        )
    for band in star_bands():
        if band.stars == stars:
            return band
    raise ProgrammeError(
        "value_not_allowed",
        {"value": stars, "allowed": [band.stars for band in star_bands()]},
        where=f"form {STAR_FORM}: $.bands",
    )


__all__ = [
    "THEME",
    "StarBand",
    "check_star_bands",
    "form_document",
    "generate_evaluations",
    "programme",
    "star_bands",
    "star_range",
    "star_threshold",
]
