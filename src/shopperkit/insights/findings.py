"""Findings: where a group scores differently from the programme's baseline, or is changing.

A finding is only made where the difference is statistically supported: Welch's t-test of the
group against the baseline, with the Benjamini-Hochberg procedure across every group tested
at once (so testing many centres does not manufacture findings), a minimum number of
evaluations, and a minimum difference that matters in practice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import pairwise

from attrs import frozen

from shopperkit.insights.stats import Comparison, Sample, benjamini_hochberg, welch
from shopperkit.model.programme import Programme

BELOW = "below_baseline"
ABOVE = "above_baseline"
DECLINING = "declining"
IMPROVING = "improving"


@frozen
class GroupScores:
    """One factor's scores in one group: an entity, centre, service or hand-off, in a period.

    ``entity`` is whom a finding about this group is addressed to; for a hand-off between two
    entities (``key`` such as ``moi>mophp``) it is the entity handing over.
    """

    level: str
    key: str
    entity: str
    factor: str
    sample: Sample
    period: str = ""


HANDOFF_ARROWS = {"ar": " ← "}
"""How a hand-off's two services are joined in a language (default ``" -> "``)."""


def handoff_services(key: str) -> tuple[str, str] | None:
    """The services a hand-off group's key joins (``"<from>><to>"``), or None for a key that
    names a form's section (an evaluation without a journey)."""
    source, sep, target = key.partition(">")
    return (source, target) if sep and source and target else None


def handoff_name(key: str, service_names: Mapping[str, Mapping[str, str]], language: str) -> str:
    """A hand-off group's name in ``language``: its services' names joined by an arrow
    ("Medical examination -> Biometrics"); a service without a name shows its id."""
    services = handoff_services(key)
    if services is None:
        return key
    names = [service_name(service, service_names, language) for service in services]
    return HANDOFF_ARROWS.get(language, " -> ").join(names)


def service_name(
    service: str, service_names: Mapping[str, Mapping[str, str]], language: str
) -> str:
    """A service's name in ``language`` (else in English, else its id)."""
    entry = service_names.get(service, {})
    return entry.get(language) or entry.get("en") or service


@frozen
class Finding:
    """A supported difference, with the evidence a reader needs to check it."""

    kind: str
    level: str
    key: str
    entity: str
    factor: str
    period: str
    sample: Sample
    reference: Sample
    comparison: Comparison
    interval: tuple[float, float]


@frozen
class FindingPolicy:
    """When a difference counts: false discovery rate, minimum evaluations and difference."""

    rate: float = 0.05
    minimum_count: int = 10
    minimum_difference: float = 5.0

    @classmethod
    def of(cls, programme: Programme) -> FindingPolicy:
        """The policy a programme sets; the defaults above where it sets none."""
        default = cls()
        return cls(
            rate=programme.number("finding_false_discovery_rate", default.rate),
            minimum_count=programme.integer("finding_minimum_count", default.minimum_count),
            minimum_difference=programme.number(
                "finding_minimum_difference", default.minimum_difference
            ),
        )


def _supported(
    candidates: Sequence[tuple[str, GroupScores, Sample, Comparison]], policy: FindingPolicy
) -> list[Finding]:
    accepted = benjamini_hochberg([c.p for _, _, _, c in candidates], policy.rate)
    findings = []
    for (kind, group, reference, comparison), ok in zip(candidates, accepted, strict=True):
        if ok and abs(comparison.difference) >= policy.minimum_difference:
            findings.append(
                Finding(
                    kind=kind,
                    level=group.level,
                    key=group.key,
                    entity=group.entity,
                    factor=group.factor,
                    period=group.period,
                    sample=group.sample,
                    reference=reference,
                    comparison=comparison,
                    interval=group.sample.interval(),
                )
            )
    return sorted(findings, key=lambda f: (f.comparison.difference, f.level, f.key, f.factor))


def against_baseline(
    groups: Iterable[GroupScores],
    baseline: Mapping[str, Sample],
    policy: FindingPolicy | None = None,
) -> list[Finding]:
    """Groups over the whole time span (no ``period``) whose factor differs from its baseline.

    Weakest first.
    """
    rules = policy or FindingPolicy()
    candidates = []
    for group in groups:
        reference = baseline.get(group.factor)
        if group.period or reference is None or group.sample.count < rules.minimum_count:
            continue
        comparison = welch(group.sample, reference)
        if comparison is not None:
            kind = BELOW if comparison.difference < 0 else ABOVE
            candidates.append((kind, group, reference, comparison))
    return _supported(candidates, rules)


def trends(groups: Iterable[GroupScores], policy: FindingPolicy | None = None) -> list[Finding]:
    """Groups whose factor score changed from one period to the next (periods sort as text)."""
    rules = policy or FindingPolicy()
    series: dict[tuple[str, str, str], list[GroupScores]] = defaultdict(list)
    for group in groups:
        if group.period:
            series[(group.level, group.key, group.factor)].append(group)
    candidates = []
    for points in series.values():
        points.sort(key=lambda group: group.period)
        for earlier, later in pairwise(points):
            if min(earlier.sample.count, later.sample.count) < rules.minimum_count:
                continue
            comparison = welch(later.sample, earlier.sample)
            if comparison is not None:
                kind = DECLINING if comparison.difference < 0 else IMPROVING
                candidates.append((kind, later, earlier.sample, comparison))
    return _supported(candidates, rules)


@frozen
class FindingRule:
    """A way of finding things in grouped scores, contributed through a hook."""

    name: str
    find: Callable[[Sequence[GroupScores], Mapping[str, Sample], FindingPolicy], list[Finding]]


BUILTIN_FINDING_RULES: tuple[FindingRule, ...] = (
    FindingRule("against_baseline", against_baseline),
    FindingRule("trends", lambda groups, _baseline, policy: trends(groups, policy)),
)
