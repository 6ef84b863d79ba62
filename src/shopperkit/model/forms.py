"""Evaluation forms: weighted sections of questions, a scoring policy and overall bands.

The file format is ``schemas/form.schema.json``; the semantics are in
``docs/how-scores-are-computed.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from attrs import field, frozen

LANGUAGES = ("ar", "en", "ur", "hi", "es", "zh", "fr", "ru")
"""Every language a form, a record or a label may be in (``common.schema.json``)."""

Localised = Mapping[str, str]
"""Text in several languages: language code -> text."""

Scalar = int | float | str
"""An option value: a number or a string (``"yes"``/``"no"`` for yes_no questions)."""

OPTION_TYPES = frozenset({"likert", "yes_no", "choice", "multi_choice"})
BAND_TYPES = frozenset({"number", "duration"})
CORE_TYPES = OPTION_TYPES | BAND_TYPES | {"text"}
"""The question types the core scores; plugins add others (``shopperkit_question_scorers``)."""


@frozen
class Option:
    """One answer a question offers and the points it earns."""

    value: Scalar
    points: float
    label: Localised = field(factory=dict)


@frozen
class PointsBand:
    """Numbers up to ``upto`` earn ``points``; ``upto`` None is open-ended.

    ``from`` (attribute ``start``) is an optional lower bound, only needed when a table does
    not start where the previous band ends.
    """

    points: float
    upto: float | None = None
    start: float | None = None


@frozen
class ShowIf:
    """A question is asked only when ``question``'s answer is among ``values`` (key ``in``)."""

    question: str
    values: tuple[Scalar, ...]

    def holds(self, answers: Mapping[str, Any]) -> bool:
        """Whether plain ``answers`` (a list for a multiple choice) ask the question."""
        given = answers.get(self.question)
        chosen = given if isinstance(given, list | tuple) else [given]
        return any(value in self.values for value in chosen)


@frozen
class Question:
    """A question of a form; ``weight`` counts within its section."""

    id: str
    type: str
    text: Localised
    weight: float = 1
    required: bool = True
    na_allowed: bool = False
    critical: bool = False
    fail_below: float | None = None
    bonus: bool = False
    options: tuple[Option, ...] = ()
    bands: tuple[PointsBand, ...] = ()
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    show_if: ShowIf | None = None

    @property
    def scored(self) -> bool:
        """Whether the question counts in the score (text questions never do)."""
        return self.type != "text"

    @property
    def max_points(self) -> float:
        """The points of a full answer: the best option or band (multi_choice: positive sum)."""
        if self.type == "multi_choice":
            return float(sum(option.points for option in self.options if option.points > 0))
        if self.type in OPTION_TYPES:
            return float(max((option.points for option in self.options), default=0))
        if self.type in BAND_TYPES or self.type == "text":
            return float(max((band.points for band in self.bands), default=0))
        return 100.0  # a plugin's scorer gives the item score itself


@frozen
class Section:
    """A weighted group of questions; a ``handoff`` section scores a hand-off between services."""

    id: str
    weight: float
    title: Localised
    questions: tuple[Question, ...]
    handoff: bool = False


NaPolicy = Literal["exclude", "zero", "full"]
Aggregation = Literal["weighted_mean", "points_ratio"]
CriticalPolicy = Literal["zero_section", "zero_overall", "flag_only"]
BandsOn = Literal["rounded", "raw"]
Bounds = Literal["upper_inclusive", "lower_inclusive"]


@frozen
class Policy:
    """How a form is scored; every choice is explained in ``how-scores-are-computed.md``."""

    na: NaPolicy = "exclude"
    aggregation: Aggregation = "weighted_mean"
    critical: CriticalPolicy = "zero_section"
    bonus_cap: bool = True
    precision: int = 1
    bands_on: BandsOn = "rounded"
    bounds: Bounds = "upper_inclusive"
    weights_sum: float | None = 100


@frozen
class GradeBand:
    """Overall scores up to ``upto`` get ``grade`` (and ``stars``); ``upto`` None is open."""

    grade: str
    upto: float | None = None
    start: float | None = None
    stars: int | None = None
    label: Localised = field(factory=dict)


@frozen
class Form:
    """An evaluation form, as read from its file."""

    id: str
    version: str
    title: Localised
    languages: tuple[str, ...]
    fallback_language: str
    sections: tuple[Section, ...]
    policy: Policy = Policy()
    bands: tuple[GradeBand, ...] = ()
    bands_note: str | None = None

    def questions(self) -> dict[str, tuple[Section, Question]]:
        """Every question by id, with its section, in form order."""
        return {q.id: (s, q) for s in self.sections for q in s.questions}

    def text(self, text: Localised, language: str) -> str:
        """``text`` in ``language``, else in the fallback language, else in any language."""
        found = text.get(language) or text.get(self.fallback_language)
        if found:
            return found
        return next(iter(text.values()), "")
