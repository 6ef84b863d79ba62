"""Diversity dimensions: the values a candidate is counted under when a cohort is drawn.

Built-ins read the applicant (nationality, profession, gender, residency) or derive a value
(age group from the birth date at the programme's reference date). Plugins add more through
the ``shopperkit_dimensions`` hook.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from attrs import frozen

from shopperkit.eligibility.dates import full_years
from shopperkit.errors import ProgrammeError
from shopperkit.model.people import Applicant
from shopperkit.model.programme import Programme

Derive = Callable[[Applicant], str | None]
"""A built dimension: the applicant's value, or None when it cannot be told."""

DEFAULT_AGE_GROUPS = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+")


@frozen
class DimensionDefinition:
    """A dimension a plugin contributes; ``build`` binds it to a programme and date."""

    name: str
    description: str
    build: Callable[[Programme, date, str], Derive]


def _field(name: str) -> Callable[[Programme, date, str], Derive]:
    def build(programme: Programme, as_of: date, feb29_policy: str) -> Derive:
        def derive(applicant: Applicant) -> str | None:
            value = getattr(applicant, name)
            return str(value) if value else None

        return derive

    return build


def _residency(programme: Programme, as_of: date, feb29_policy: str) -> Derive:
    return lambda applicant: applicant.residency.status


def parse_age_groups(groups: tuple[str, ...]) -> list[tuple[int, int | None, str]]:
    """``("18-24", "65+")`` as ``[(18, 24, "18-24"), (65, None, "65+")]``."""
    parsed: list[tuple[int, int | None, str]] = []
    for group in groups:
        if group.endswith("+"):
            parsed.append((int(group[:-1]), None, group))
        else:
            low, _, high = group.partition("-")
            parsed.append((int(low), int(high), group))
    return parsed


def _age_group(programme: Programme, as_of: date, feb29_policy: str) -> Derive:
    groups = parse_age_groups(programme.strings("age_groups", DEFAULT_AGE_GROUPS))

    def derive(applicant: Applicant) -> str | None:
        if applicant.birth_date is None:
            return None
        age = full_years(applicant.birth_date, as_of, feb29_policy)
        for low, high, label in groups:
            if age >= low and (high is None or age <= high):
                return label
        return None

    return derive


BUILTIN_DIMENSIONS: tuple[DimensionDefinition, ...] = (
    DimensionDefinition("nationality", "The applicant's nationality.", _field("nationality")),
    DimensionDefinition("profession", "The applicant's profession.", _field("profession")),
    DimensionDefinition("gender", "The applicant's gender.", _field("gender")),
    DimensionDefinition("residency", "citizen or resident.", _residency),
    DimensionDefinition(
        "age_group",
        "Age group at the reference date, from the programme's `age_groups` parameter.",
        _age_group,
    ),
)


def require_dimension(known: dict[str, DimensionDefinition], name: str) -> DimensionDefinition:
    """The dimension called ``name``, or a :class:`ProgrammeError` listing the known ones."""
    try:
        return known[name]
    except KeyError:
        raise ProgrammeError("dimension_unknown", {"name": name, "known": sorted(known)}) from None
