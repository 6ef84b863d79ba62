"""UAE-realistic synthetic evaluations, for benchmarks, demos and tests.

The answers come from :func:`shopperkit.synthetic.evaluations` (valid against the form, skewed
to good); this module gives each record the UAE programme's context: centres and services
from its directory, its channels, its eight languages in realistic shares, and comments in
the record's language. The same form, count and seed give the same records.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping, Sequence
from importlib.resources import files
from typing import Any

from shopperkit.forms.load import form_from_data
from shopperkit.io.documents import read_document
from shopperkit.model.forms import Form
from shopperkit.synthetic import evaluations

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

    Records follow the evaluation contract, with the UAE programme's centres and services,
    channels (visit 45%, app 35%, WhatsApp 20%) and languages (those the form declares, in the
    shares of :data:`LANGUAGES`); text answers and comments are in the record's language.
    """
    model = form if isinstance(form, Form) else form_from_data(dict(form), where="form")
    languages = [(code, share) for code, share in LANGUAGES if code in model.languages]
    texts = [q.id for s in model.sections for q in s.questions if q.type == "text"]
    places = _places()
    rng = random.Random(f"uae-context-{seed}")
    for record in evaluations(model, n, seed=seed):
        entity, centre, services = rng.choice(places)
        language = _weighted(rng, languages)
        answers = record["answers"]
        for question in texts:
            if question in answers and answers[question] != "na":
                answers[question] = rng.choice(COMMENTS[language])
        record.update(
            programme=programme,
            entity=entity,
            centre=centre,
            service=rng.choice(services),
            channel=_weighted(rng, CHANNELS),
            language=language,
            comment=rng.choice(("", "", *COMMENTS[language])),
        )
        yield record
