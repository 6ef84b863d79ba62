"""Realistic synthetic evaluations of a form, for benchmarks, demos and tests.

:func:`generate_evaluations` works on any form document (plain data as read from its file) and
draws from one seeded generator, so the same form, count and seed give the same records.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from importlib.resources import files
from typing import Any

from shopperkit.io.convert import to_data
from shopperkit.io.documents import read_document
from shopperkit.model.forms import Form

Answer = Any
Draw = Callable[[random.Random], Answer]

CHANNELS = (("visit", 0.45), ("app", 0.35), ("whatsapp", 0.20))
LANGUAGES = (
    ("ar", 0.30),
    ("en", 0.30),
    ("ur", 0.10),
    ("hi", 0.12),
    ("es", 0.02),
    ("zh", 0.04),
    ("fr", 0.04),
    ("ru", 0.08),
)
NA_SHARE = 0.12
"""How often a question that allows N/A is answered ``"na"``."""
SKIP_SHARE = 0.3
"""How often an optional question is left out."""
GST = timezone(timedelta(hours=4))
START = datetime(2026, 1, 1, 7, 30, tzinfo=GST)
COMMENTS = {
    "ar": ("شكراً على حسن التعامل", "انتظار طويل", "المتطلبات غير واضحة على الموقع"),
    "en": ("Quick and friendly service.", "The requirements were not on the website."),
    "ur": ("عملہ بہت مددگار تھا", "پارکنگ نہیں ملی"),
    "hi": ("सेवा अच्छी थी", "बहुत लंबा इंतज़ार करना पड़ा"),
    "es": ("Personal muy amable.", "Tuve que volver con otro documento."),
    "zh": ("服务很好", "等了很久"),
    "fr": ("Accueil chaleureux.", "Les exigences n'étaient pas claires."),
    "ru": ("Очень долго ждал.", "Сотрудник всё подробно объяснил."),
}
"""Comments shoppers write, by language; a record's comment is in its language or empty."""


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, float]]) -> str:
    return rng.choices([value for value, _ in pairs], [weight for _, weight in pairs])[0]


def _option_draw(options: Sequence[Mapping[str, Any]], critical: bool) -> Draw:
    """Better options are likelier, so most answers are good; a critical item rarely fails."""
    values = [option["value"] for option in options]
    scale = 5 if critical else 25
    weights = [1.0 + float(option.get("points", 0)) / scale for option in options]

    def draw(rng: random.Random) -> Answer:
        return rng.choices(values, weights)[0]

    return draw


def _multi_draw(options: Sequence[Mapping[str, Any]]) -> Draw:
    values = [option["value"] for option in options]

    def draw(rng: random.Random) -> Answer:
        chosen = [value for value in values if rng.random() < 0.45]
        return chosen or [rng.choice(values)]

    return draw


def _minutes_draw(question: Mapping[str, Any]) -> Draw:
    """Minutes with a long right tail (log-normal around a quarter of an hour)."""
    low = question.get("min", 0)
    high = question.get("max", 600)

    def draw(rng: random.Random) -> Answer:
        return max(low, min(high, round(rng.lognormvariate(2.6, 0.7))))

    return draw


def _drawer(question: Mapping[str, Any]) -> Draw | None:
    """How to draw an answer; ``None`` for text, written in the record's language."""
    kind = question["type"]
    if kind == "multi_choice":
        return _multi_draw(question["options"])
    if kind in ("number", "duration"):
        return _minutes_draw(question)
    if kind == "text":
        return None
    return _option_draw(question["options"], bool(question.get("critical")))


def _plan(form: Mapping[str, Any]) -> list[tuple[Mapping[str, Any], Draw | None]]:
    return [
        (question, _drawer(question))
        for section in form["sections"]
        for question in section["questions"]
    ]


def _places() -> list[tuple[str, str, tuple[str, ...]]]:
    """(entity, centre, services) of every centre of the programme's directory."""
    directory = read_document(files("shopperkit_uae") / "directory.json")
    return [
        (centre["entity"], centre["id"], tuple(centre["services"]))
        for centre in directory["centres"]
    ]


def generate_evaluations(
    form: Form | Mapping[str, Any], n: int, seed: int, *, programme: str = "uae"
) -> Iterator[dict[str, Any]]:
    """``n`` evaluation records of ``form`` (a :class:`Form` or its document), valid against it.

    Records follow the evaluation contract: ids ``e-0000001``..., centres and services from the
    programme's directory, channels and languages in realistic shares, about 12% N/A where a
    question allows it, optional questions sometimes left out, and conditional questions
    answered only when their condition holds. Times are in Gulf Standard Time in 2026.
    """
    document: Mapping[str, Any] = to_data(form) if isinstance(form, Form) else form
    rng = random.Random(seed)
    plan = _plan(document)
    places = _places()
    shoppers = max(1, n // 4)
    for index in range(1, n + 1):
        entity, centre, services = rng.choice(places)
        language = _weighted(rng, LANGUAGES)
        visited = START + timedelta(days=rng.randrange(365), minutes=rng.randrange(600))
        answers: dict[str, Answer] = {}
        for question, draw in plan:
            condition = question.get("show_if")
            if condition is not None and answers.get(condition["question"]) not in condition["in"]:
                continue
            if not question.get("required", True) and rng.random() < SKIP_SHARE:
                continue
            if question.get("na_allowed") and rng.random() < NA_SHARE:
                answers[question["id"]] = "na"
            elif draw is None:
                answers[question["id"]] = rng.choice(COMMENTS[language])
            else:
                answers[question["id"]] = draw(rng)
        yield {
            "id": f"e-{index:07d}",
            "form": document["id"],
            "form_version": document["version"],
            "programme": programme,
            "shopper": f"s-{rng.randrange(shoppers):06d}",
            "entity": entity,
            "centre": centre,
            "service": rng.choice(services),
            "channel": _weighted(rng, CHANNELS),
            "visited_at": visited.isoformat(),
            "submitted_at": (visited + timedelta(minutes=rng.randrange(5, 2880))).isoformat(),
            "language": language,
            "answers": answers,
            "comment": rng.choice(("", "", *COMMENTS[language])),
        }
