"""Realistic synthetic applicants and committee scores, for the demo, benchmarks and tests.

Everything is drawn from a seeded generator, so the same seed gives the same data.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

from shopperkit.model.forms import CORE_TYPES, OPTION_TYPES, Form, Question
from shopperkit.model.interview import InterviewScore
from shopperkit.model.people import CITIZEN, RESIDENT, Applicant, Residency
from shopperkit.model.programme import Programme

NATIONALITIES = (
    ("Qatari", 0.36),
    ("Indian", 0.16),
    ("Egyptian", 0.09),
    ("Filipino", 0.08),
    ("Pakistani", 0.07),
    ("Jordanian", 0.05),
    ("Sudanese", 0.04),
    ("Syrian", 0.04),
    ("Lebanese", 0.03),
    ("Nepali", 0.03),
    ("Sri Lankan", 0.03),
    ("British", 0.02),
)
PROFESSIONS = (
    "engineer",
    "teacher",
    "nurse",
    "accountant",
    "student",
    "sales",
    "driver",
    "lawyer",
    "doctor",
    "retired",
    "homemaker",
    "it_specialist",
    "civil_servant",
    "business_owner",
)
EMPLOYERS = ("ministry-of-interior", "hamad-medical", "qatar-post", "private-sector", None)
LANGUAGES = ("ar", "en", "ur", "hi", "fr")


def applicants(
    count: int, *, seed: int, programme: Programme, citizen: str = "Qatari"
) -> Iterator[Applicant]:
    """``count`` applicants to ``programme``: mostly eligible, some on or past each boundary.

    About 8% are too young, 10% of residents arrived too recently, 3% applied outside the
    window, 5% skipped a declaration and 1% lack a residency start date.
    """
    rng = random.Random(seed)
    as_of = programme.day("reference_date")
    opens = programme.day("registration_opens")
    closes = programme.day("registration_closes")
    window = (closes - opens).days
    declarations = [declaration.id for declaration in programme.declarations]
    names = [name for name, _ in NATIONALITIES]
    weights = [weight for _, weight in NATIONALITIES]
    for number in range(count):
        nationality = rng.choices(names, weights)[0]
        roll = rng.random()
        age_days = (
            rng.randint(16 * 365, 18 * 365 + 30) if roll < 0.08 else rng.randint(18 * 365, 68 * 365)
        )
        born = as_of - timedelta(days=age_days)
        if nationality == citizen:
            residency = Residency(CITIZEN)
        elif rng.random() < 0.01:
            residency = Residency(RESIDENT, None)
        else:
            years = rng.uniform(0.2, 2.2) if rng.random() < 0.10 else rng.uniform(2.0, 25.0)
            since = max(as_of - timedelta(days=int(years * 365.25)), born + timedelta(days=1))
            residency = Residency(RESIDENT, since)
        accepted = set(declarations)
        if declarations and rng.random() < 0.05:
            accepted.discard(rng.choice(declarations))
        if rng.random() < 0.03:
            applied = closes + timedelta(days=rng.randint(1, 20))
        else:
            applied = opens + timedelta(days=rng.randint(0, window))
        yield Applicant(
            id=f"A{number + 1:06d}",
            birth_date=born,
            nationality=nationality,
            residency=residency,
            gender=rng.choice(("female", "male")),
            profession=rng.choice(PROFESSIONS),
            languages=tuple(sorted(rng.sample(LANGUAGES, rng.randint(1, 3)))),
            employer=rng.choice(EMPLOYERS),
            declarations=frozenset(accepted),
            applied_on=applied,
        )


def committee_scores(
    applicant_ids: list[str],
    criteria: tuple[str, ...],
    *,
    seed: int,
    members: tuple[str, ...] = ("member-1", "member-2", "member-3"),
    low: float = 1.0,
    high: float = 5.0,
) -> list[InterviewScore]:
    """Whole-number scores from each member for each criterion, around a per-person quality."""
    rng = random.Random(seed)
    scores = []
    for applicant in applicant_ids:
        quality = rng.gauss(3.4, 0.8)
        for member in members:
            for criterion in criteria:
                value = min(high, max(low, round(quality + rng.gauss(0, 0.6))))
                scores.append(InterviewScore(applicant, member, criterion, float(value)))
    return scores


def evaluations(
    form: Form, count: int, *, seed: int = 0, weak: Collection[str] = ()
) -> Iterator[dict[str, Any]]:
    """Valid evaluation records of ``form`` (plain JSON data), answers skewed to good.

    Centres (``c-<entity>-<n>``) and services are spread over three entities; visits fall in
    the first half of 2026. Optional questions are sometimes skipped and N/A is sometimes used
    where allowed. At the ``weak`` centres, which serve badly, each rated answer drops to its
    lowest option half the time, so a report has something to find.
    """
    rng = random.Random(seed)
    questions = [
        question
        for section in form.sections
        for question in section.questions
        if question.type in CORE_TYPES  # a plugin's question types are left unanswered
    ]
    controlling = {q.show_if.question for q in questions if q.show_if is not None}
    lowest = {
        q.id: min(q.options, key=lambda option: option.points).value
        for q in questions
        if q.options and q.type != "multi_choice" and q.id not in controlling
    }
    start = datetime(2026, 1, 1, 8, 0, tzinfo=timezone(timedelta(hours=4)))
    for number in range(1, count + 1):
        answers: dict[str, Any] = {}
        for index, question in enumerate(questions):
            if question.show_if is not None and not question.show_if.holds(answers):
                continue
            if index and not question.required and rng.random() < 0.2:
                continue
            if index and question.na_allowed and rng.random() < 0.1:
                answers[question.id] = "na"
            else:
                answers[question.id] = _answer(rng, question)
        visited = start + timedelta(minutes=rng.randrange(0, 181 * 24 * 60))
        entity = rng.randrange(3)
        centre = f"c-{entity + 1}-{rng.randrange(1, 6)}"
        if centre in weak:
            for asked, value in lowest.items():
                if answers.get(asked, "na") != "na" and rng.random() < 0.5:
                    answers[asked] = value
        yield {
            "id": f"e-{number:07d}",
            "form": form.id,
            "form_version": form.version,
            "programme": None,
            "shopper": f"s-{rng.randrange(1, max(2, count // 10) + 1):06d}",
            "entity": f"ent-{entity + 1}",
            "centre": centre,
            "service": f"svc-{entity + 1}-{rng.randrange(1, 4)}",
            "channel": rng.choice(("visit", "visit", "app", "whatsapp", "web")),
            "visited_at": visited.isoformat(),
            "submitted_at": (visited + timedelta(minutes=rng.randrange(5, 600))).isoformat(),
            "language": rng.choice(form.languages),
            "answers": answers,
            "comment": "",
        }


def _answer(rng: random.Random, question: Question) -> Any:
    if question.type == "text":
        return rng.choice(("", "ok", "the queue was long", "staff were kind"))
    if question.type == "multi_choice":
        values = [option.value for option in question.options]
        return rng.sample(values, rng.randrange(0, len(values) + 1))
    if question.type in OPTION_TYPES:
        # Better answers are more likely: weigh options by their points.
        options = question.options
        best = question.max_points or 1.0
        weights = [1.0 + 3.0 * option.points / best for option in options]
        return rng.choices(options, weights=weights)[0].value
    low = question.min if question.min is not None else 0.0
    high = question.max if question.max is not None else 120.0
    return rng.randrange(int(low), int(min(high, low + 120)) + 1)
