"""Checking assignment inputs against the directory and the period, and the shoppers the
lifecycle says are active.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from shopperkit.assignment.model import Period, Shopper, Target
from shopperkit.errors import InputError
from shopperkit.lifecycle.folding import PersonRecord
from shopperkit.lifecycle.states import State
from shopperkit.model.services import Directory


def check_targets(
    targets: Sequence[Target], directory: Directory, period: Period, where: str
) -> None:
    """Every target names a known centre offering its service on its channel, a week of the
    period, and a journey of linked services; the first problem raises with the target's
    number (1-based)."""
    services = {service.id: service for service in directory.services}
    centres = {centre.id: centre for centre in directory.centres}
    for number, target in enumerate(targets, start=1):
        here = f"{where}: target {number}"
        centre = centres.get(target.centre)
        if centre is None:
            raise InputError(
                "reference_unknown", {"kind": "centre", "value": target.centre}, where=here
            )
        for name in target.services:
            if name not in services:
                raise InputError(
                    "reference_unknown", {"kind": "service", "value": name}, where=here
                )
        if centre.services and target.service not in centre.services:
            raise InputError(
                "reference_unknown",
                {"kind": f"service at centre {centre.id}", "value": target.service},
                where=here,
            )
        if target.channel not in services[target.service].channels:
            raise InputError(
                "reference_unknown",
                {"kind": f"channel of service {target.service}", "value": target.channel},
                where=here,
            )
        for previous, following in zip(target.services, target.journey, strict=False):
            if following not in services[previous].linked_services:
                raise InputError(
                    "journey_not_linked", {"previous": previous, "next": following}, where=here
                )
        if target.week > period.weeks:
            raise InputError(
                "week_outside_period", {"week": target.week, "weeks": period.weeks}, where=here
            )


def active_shoppers(records: Iterable[PersonRecord]) -> list[Shopper]:
    """The shoppers an event log makes active, with their latest languages and employer.

    A new employer reported as a condition change is the employer here, so a conflict of
    interest it creates is respected by assignment.
    """
    return [
        Shopper(
            id=record.person,
            languages=record.applicant.languages,
            employer=record.applicant.employer,
        )
        for record in records
        if record.state is State.ACTIVE and record.applicant is not None
    ]
