"""Filled-in forms and their scores (``evaluation.schema.json``, ``score.schema.json``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from attrs import frozen

from shopperkit.model.forms import Scalar

Answer = Scalar | tuple[Scalar, ...]
"""An answer: an option value, a number, values of a multi_choice, a text, or ``"na"``."""

NA = "na"
"""The answer meaning "not applicable"."""

Channel = Literal["visit", "app", "whatsapp", "phone", "web"]
CHANNELS: tuple[str, ...] = ("visit", "app", "whatsapp", "phone", "web")


@frozen
class Evaluation:
    """One shopper's answers to one form about one visit (or app or WhatsApp use)."""

    id: str
    form: str
    shopper: str
    entity: str
    centre: str
    service: str
    channel: Channel
    visited_at: datetime
    language: str
    answers: Mapping[str, Answer]
    form_version: str | None = None
    programme: str | None = None
    submitted_at: datetime | None = None
    comment: str = ""
    journey: tuple[str, ...] | None = None
    """The services an exploratory mission followed, in order, the first being ``service``."""


@frozen
class Points:
    """What a score divides by (``possible``) and its share of that (``earned`` = score *
    possible / 100): summed over evaluations, they give the pooled score."""

    earned: float
    possible: float


@frozen
class ScorePoints:
    """The points of an evaluation, overall and per section (None: the section dropped out).

    For a form scored by ``points_ratio`` they are weighted points (weight * points); by
    ``weighted_mean`` they are weights: item weights in a section, section weights overall.
    """

    overall: Points
    sections: Mapping[str, Points | None]


def points_from_data(data: Mapping[str, Any]) -> ScorePoints:
    """The :class:`ScorePoints` of a score record's ``points``."""
    sections = data["sections"]
    return ScorePoints(
        Points(**data["overall"]),
        {k: None if v is None else Points(**v) for k, v in sections.items()},
    )


def points_data(points: ScorePoints) -> dict[str, Any]:
    """A score record's ``points`` (the inverse of :func:`points_from_data`)."""
    return {
        "overall": {"earned": points.overall.earned, "possible": points.overall.possible},
        "sections": {
            k: None if v is None else {"earned": v.earned, "possible": v.possible}
            for k, v in points.sections.items()
        },
    }


@frozen
class ScoredEvaluation:
    """A scored evaluation (a line of ``scores.jsonl``, ``score.schema.json``): its context
    plus unrounded scores on 0 to 100.

    ``sections`` holds every section by id (None: the section dropped out), hand-off sections
    included; ``handoffs`` holds the hand-off sections' scores again, keyed ``"<from>><to>"``
    by the services they join when the evaluation carries a journey, else by section id.
    ``items`` holds each question's score (None: not scored).
    """

    id: str
    form: str
    form_version: str
    programme: str | None
    shopper: str
    entity: str
    centre: str
    service: str
    channel: Channel
    language: str
    visited_at: datetime
    submitted_at: datetime | None
    comment: str
    overall: float
    sections: Mapping[str, float | None]
    items: Mapping[str, float | None]
    handoffs: Mapping[str, float]
    failed_critical: tuple[str, ...]
    band: str | None
    points: ScorePoints | None = None
    """Earned and possible points, as every score record carries them (None only for a model
    built without them, which cannot be pooled)."""
