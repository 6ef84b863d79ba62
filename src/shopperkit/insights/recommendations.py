"""Recommendations: what each entity is asked to do, made from findings by rules.

Rules come from plugins (``shopperkit_recommendation_rules``); the built-in ones cover a weak
factor, a declining factor and a failing hand-off. A recommendation's status is tracked over
time in an append-only log: ``open`` -> ``accepted`` -> ``done`` (or ``open`` -> ``done``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date

from attrs import field, frozen

from shopperkit.errors import InputError
from shopperkit.insights.findings import (
    BELOW,
    DECLINING,
    Finding,
    handoff_name,
    handoff_services,
    service_name,
)
from shopperkit.messages import Templates, format_message, render

OPEN, ACCEPTED, DONE = "open", "accepted", "done"
TRANSITIONS = {OPEN: (ACCEPTED, DONE), ACCEPTED: (DONE,), DONE: ()}


@frozen
class RecommendationRule:
    """Turns a finding into a recommendation when ``applies``; its text is the catalogue
    message ``text_code`` or, without one, ``text`` by language."""

    name: str
    applies: Callable[[Finding], bool]
    priority: Callable[[Finding], str]
    text: Mapping[str, str] = field(factory=dict)
    text_code: str | None = None


@frozen
class Recommendation:
    """One thing an entity is asked to improve, with the evidence and its status."""

    id: str
    rule: str
    entity: str
    priority: str
    text: Mapping[str, str]
    finding: Finding
    status: str = OPEN


def _priority(finding: Finding) -> str:
    gap = abs(finding.comparison.difference)
    return "high" if gap >= 15 else "medium" if gap >= 8 else "low"


def _is_handoff(finding: Finding) -> bool:
    return finding.level == "handoff"


BUILTIN_RULES: tuple[RecommendationRule, ...] = (
    RecommendationRule(
        name="fix_handoff",
        applies=lambda f: f.kind == BELOW and _is_handoff(f),
        priority=_priority,
        text_code="recommendation_fix_handoff",
    ),
    RecommendationRule(
        name="improve_weak_factor",
        applies=lambda f: f.kind == BELOW and not _is_handoff(f),
        priority=_priority,
        text_code="recommendation_improve_weak_factor",
    ),
    RecommendationRule(
        name="reverse_decline",
        applies=lambda f: f.kind == DECLINING,
        priority=_priority,
        text_code="recommendation_reverse_decline",
    ),
)


def recommendation_id(rule: str, finding: Finding) -> str:
    """A stable id: the same rule and finding give the same id in every run."""
    key = "|".join((rule, finding.level, finding.key, finding.factor, finding.period))
    return "R-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def recommend(
    findings: Iterable[Finding],
    rules: Sequence[RecommendationRule],
    languages: Sequence[str] = ("en", "ar"),
    factor_names: Mapping[str, Templates] | None = None,
    service_names: Mapping[str, Mapping[str, str]] | None = None,
    place_names: Mapping[str, Mapping[str, Mapping[str, str]]] | None = None,
) -> list[Recommendation]:
    """Every recommendation the rules make from ``findings``; the first rule that applies wins.

    Most urgent first: by priority, then the largest gap below the reference, so among
    hand-offs the one that fails most comes first. A text's ``{key}`` is the place's name
    (``place_names``: level -> id -> language -> name, as a directory names entities,
    centres and services; else its id), a hand-off's name by its services
    (``service_names``, by language), and ``{source}`` and ``{target}`` the two services'
    names (for a hand-off without a journey: its section id, "the next service").
    """
    names = factor_names or {}
    services = service_names or {}
    places = place_names or {}
    made = []
    for finding in findings:
        rule = next((rule for rule in rules if rule.applies(finding)), None)
        if rule is None:
            continue
        low, high = finding.interval
        text = {}
        for language in languages:
            factor = names.get(finding.factor, {})
            joined = handoff_services(finding.key) if _is_handoff(finding) else None
            source, target = (
                (finding.key, render("report_next_service", {}, language))
                if joined is None
                else (
                    service_name(joined[0], services, language),
                    service_name(joined[1], services, language),
                )
            )
            params = {
                "factor": factor.get(language) or factor.get("en") or finding.factor,
                "key": handoff_name(finding.key, services, language)
                if _is_handoff(finding)
                else service_name(finding.key, places.get(finding.level, {}), language),
                "period": finding.period,
                "mean": f"{finding.sample.mean:.1f}",
                "low": f"{low:.1f}",
                "high": f"{high:.1f}",
                "count": finding.sample.count,
                "reference": f"{finding.reference.mean:.1f}",
                "source": source,
                "target": target,
            }
            text[language] = (
                render(rule.text_code, params, language)
                if rule.text_code is not None
                else format_message(rule.text, params, language)
            )
        made.append(
            Recommendation(
                id=recommendation_id(rule.name, finding),
                rule=rule.name,
                entity=finding.entity,
                priority=rule.priority(finding),
                text=text,
                finding=finding,
            )
        )
    order = {"high": 0, "medium": 1, "low": 2}
    return sorted(
        made,
        key=lambda r: (order.get(r.priority, 3), r.finding.comparison.difference, r.entity, r.id),
    )


@frozen
class StatusChange:
    """One recorded change of a recommendation's status."""

    recommendation: str
    status: str
    on: date
    by: str
    note: str = ""


def current_status(changes: Iterable[StatusChange]) -> dict[str, str]:
    """Each recommendation's status after its changes in order (``open`` when none)."""
    status: dict[str, str] = {}
    for change in changes:
        before = status.get(change.recommendation, OPEN)
        if change.status not in TRANSITIONS[before]:
            raise InputError(
                "status_transition_refused",
                {"id": change.recommendation, "before": before, "after": change.status},
            )
        status[change.recommendation] = change.status
    return status
