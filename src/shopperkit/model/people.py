"""Applicants and their applications."""

from __future__ import annotations

from datetime import date, datetime

from attrs import frozen

CITIZEN = "citizen"
RESIDENT = "resident"


@frozen
class Residency:
    """Citizen, or resident since a date (``since`` is None for citizens or when unknown)."""

    status: str
    since: date | None = None


@frozen
class Applicant:
    """A person who applies to be a mystery shopper.

    ``birth_date`` and ``applied_on`` may be None when the application lacks them; screening
    then answers ``needs_review`` instead of guessing.
    """

    id: str
    birth_date: date | None
    nationality: str
    residency: Residency
    gender: str | None = None
    profession: str | None = None
    languages: tuple[str, ...] = ()
    employer: str | None = None
    declarations: frozenset[str] = frozenset()
    applied_on: date | None = None


@frozen
class Application:
    """An applicant's submission to one programme, as received by the bureau."""

    programme: str
    applicant: Applicant
    received_at: datetime
    channel: str = "web"
