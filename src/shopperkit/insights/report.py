"""From scored evaluations to the report the entities read.

The path: read the score records, flag unreliable evaluations (and leave them out when asked),
replace shopper ids by keyed pseudonyms, group scores by entity, centre, service and hand-off
for every factor, find what is supported against the programme's baseline and across months,
turn findings into recommendations, withhold every group smaller than ``k`` evaluations or
``k`` shoppers, and lay it all out per entity.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from attrs import evolve, field, frozen

from shopperkit.insights.findings import (
    BELOW,
    Finding,
    FindingPolicy,
    GroupScores,
    handoff_name,
    handoff_services,
)
from shopperkit.insights.integrity import Flag, IntegrityPolicy, check_integrity, reliability
from shopperkit.insights.privacy import Pseudonymiser, publishable, redact
from shopperkit.insights.recommendations import (
    Recommendation,
    StatusChange,
    current_status,
    recommend,
)
from shopperkit.insights.render import Bar, Chart, Report, Section, Table
from shopperkit.insights.stats import Sample
from shopperkit.io.files import read_jsonl
from shopperkit.model.forms import Form
from shopperkit.plugins import Plugins

LEVELS = ("entity", "centre", "service")


@frozen
class ScoredEvaluation:
    """What a report needs of one scored evaluation: its context, its factor scores (the form's
    sections), its hand-offs and its item scores (what repeated answers are recognised by)."""

    id: str
    shopper: str
    entity: str
    centre: str
    service: str
    channel: str
    visited_at: datetime
    submitted_at: datetime | None
    overall: float
    factors: Mapping[str, float]
    handoffs: Mapping[str, float] = field(factory=dict)
    answers: Mapping[str, Any] = field(factory=dict)
    comment: str = ""
    form: str = ""


def _scores(values: Mapping[str, float | None]) -> dict[str, float]:
    """Scores that count: a section or item left out (``null``) is not a zero."""
    return {key: float(value) for key, value in values.items() if value is not None}


def handoff_sections(forms: Iterable[Form]) -> dict[str, frozenset[str]]:
    """Form id -> the ids of its hand-off sections."""
    return {
        form.id: frozenset(section.id for section in form.sections if section.handoff)
        for form in forms
    }


def read_scored(
    path: Path, handoff_sections: Mapping[str, Collection[str]] | None = None
) -> list[ScoredEvaluation]:
    """Score records (JSONL, ``schemas/score.schema.json``) as written by ``shopperkit score``.

    Hand-off sections are not factors: those keyed by their section id in ``handoffs``, and
    those ``handoff_sections`` (form id -> section ids) names, whose scores ``handoffs``
    keys by the services they join. A line that is not JSON or breaks the schema is an error
    naming file, line and JSON path.
    """
    known = handoff_sections or {}
    records = []
    for _, _, data in read_jsonl(path, "score"):
        submitted = data["submitted_at"]
        handoffs = data["handoffs"]
        skipped = known.get(data["form"], ())
        sections = {
            key: v
            for key, v in data["sections"].items()
            if key not in handoffs and key not in skipped
        }
        records.append(
            ScoredEvaluation(
                id=data["id"],
                shopper=data["shopper"],
                entity=data["entity"],
                centre=data["centre"],
                service=data["service"],
                channel=data["channel"],
                visited_at=datetime.fromisoformat(data["visited_at"]),
                submitted_at=datetime.fromisoformat(submitted) if submitted else None,
                overall=float(data["overall"]),
                factors=_scores(sections),
                handoffs=_scores(handoffs),
                answers=_scores(data["items"]),
                comment=data["comment"] or "",
                form=data["form"],
            )
        )
    return records


def factor_names(forms: Iterable[Form], languages: Sequence[str]) -> dict[str, dict[str, str]]:
    """Each section's title and each question's text per report language, from the forms
    (a label missing in a language falls back as the form declares)."""
    names: dict[str, dict[str, str]] = {}
    for form in forms:
        for section in form.sections:
            labelled = [(section.id, section.title)]
            labelled += [(question.id, question.text) for question in section.questions]
            for key, text in labelled:
                names.setdefault(key, {lang: form.text(text, lang) for lang in languages})
    return names


class _Tally:
    """Count, mean and spread of scores, with the distinct shoppers behind them."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.shoppers: set[str] = set()

    def add(self, value: float, shopper: str) -> None:
        self.values.append(value)
        self.shoppers.add(shopper)

    def sample(self) -> Sample:
        n = len(self.values)
        mean = sum(self.values) / n
        spread = math.sqrt(sum((v - mean) ** 2 for v in self.values) / (n - 1)) if n > 1 else 0.0
        return Sample(n, mean, spread)


@frozen
class Insights:
    """Everything a report shows, before layout."""

    programme: str
    evaluations: int
    excluded: int
    flags: tuple[Flag, ...]
    reliability: Mapping[str, float]
    baseline: Mapping[str, Sample]
    groups: tuple[GroupScores, ...]
    withheld: int
    findings: tuple[Finding, ...]
    recommendations: tuple[Recommendation, ...]
    comments: Mapping[str, tuple[str, ...]]
    status_log: tuple[StatusChange, ...] = ()


def analyse(
    programme: str,
    records: Sequence[ScoredEvaluation],
    plugins: Plugins,
    *,
    secret: bytes,
    k: int = 5,
    exclude_flagged: bool = True,
    languages: Sequence[str] = ("en", "ar"),
    factor_names: Mapping[str, Mapping[str, str]] | None = None,
    policy: FindingPolicy | None = None,
    status_log: Sequence[StatusChange] = (),
    integrity: IntegrityPolicy | None = None,
    employers: Mapping[str, str] | None = None,
    service_entities: Mapping[str, str] | None = None,
    service_names: Mapping[str, Mapping[str, str]] | None = None,
) -> Insights:
    """Flag, pseudonymise, group, find and recommend; groups under ``k`` are withheld.

    ``status_log`` holds the entities' answers to earlier recommendations: a recommendation
    made again carries its current status from there. A hand-off between two services
    (``"<from>><to>"``) is addressed to the entity of the service handing over, when
    ``service_entities`` (service id -> entity id) knows it, else to the evaluated entity;
    ``service_names`` (service id -> name by language) names hand-offs in the texts.
    ``employers`` (shopper id -> entity id) lets evaluations of one's own employer be flagged.
    """
    owners = service_entities or {}
    flags = tuple(
        check_integrity(
            records,
            overall={r.id: r.overall for r in records},
            employers=employers,
            policy=integrity,
        )
    )
    flagged = {flag.evaluation for flag in flags}
    kept = [r for r in records if not (exclude_flagged and r.id in flagged)]
    pseudonym = Pseudonymiser(secret)
    tallies: dict[tuple[str, str, str, str, str], _Tally] = defaultdict(_Tally)
    overall: dict[str, _Tally] = defaultdict(_Tally)
    comments: dict[str, list[str]] = defaultdict(list)
    for record in kept:
        shopper = pseudonym(record.shopper)
        month = record.visited_at.strftime("%Y-%m")
        keys = {"entity": record.entity, "centre": record.centre, "service": record.service}
        for factor, value in record.factors.items():
            overall[factor].add(value, shopper)
            for level in LEVELS:
                tallies[(level, keys[level], record.entity, factor, "")].add(value, shopper)
            tallies[("centre", record.centre, record.entity, factor, month)].add(value, shopper)
        for handoff, value in record.handoffs.items():
            overall["handoff"].add(value, shopper)
            joined = handoff_services(handoff)
            owner = owners.get(joined[0], record.entity) if joined else record.entity
            tallies[("handoff", handoff, owner, "handoff", "")].add(value, shopper)
        if record.comment:
            comments[record.entity].append(redact(record.comment).text)
    groups, withheld = [], 0
    for (level, key, entity, factor, period), tally in sorted(tallies.items()):
        if publishable(len(tally.values), tally.shoppers, k):
            groups.append(GroupScores(level, key, entity, factor, tally.sample(), period))
        else:
            withheld += 1
    baseline = {
        factor: tally.sample()
        for factor, tally in sorted(overall.items())
        if publishable(len(tally.values), tally.shoppers, k)
    }
    rules = policy or FindingPolicy()
    findings: list[Finding] = []
    for rule in plugins.finding_rules().values():
        findings += rule.find(groups, baseline, rules)
    made = recommend(
        findings, plugins.recommendation_rules(), languages, factor_names, service_names
    )
    status = current_status(status_log)
    made = [evolve(r, status=status.get(r.id, r.status)) for r in made]
    return Insights(
        programme=programme,
        evaluations=len(records),
        excluded=len(records) - len(kept),
        flags=flags,
        reliability={pseudonym(s): v for s, v in reliability(records, flags).items()},
        baseline=baseline,
        groups=tuple(groups),
        withheld=withheld,
        findings=tuple(findings),
        recommendations=tuple(made),
        comments={entity: tuple(texts[:5]) for entity, texts in sorted(comments.items())},
        status_log=tuple(status_log),
    )


LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Mystery Shopper report",
        "summary": "{evaluations} evaluations; {excluded} left out as unreliable; "
        "{withheld} groups withheld (fewer than {k} evaluations or shoppers).",
        "factors": "Factors at {entity} (bars, with 95% intervals) against the programme "
        "(dashed marks)",
        "recommendations": "Recommendations",
        "priority": "priority",
        "recommendation": "recommendation",
        "evidence": "evidence",
        "none": "No supported difference from the programme's baseline.",
        "comments": "Comments (redacted)",
        "handoffs": "Hand-offs from {entity} to the next service (bars, with 95% intervals) "
        "against all hand-offs (dashed marks)",
    },
    "ar": {
        "title": "تقرير المتسوق السري",
        "summary": "{evaluations} تقييماً؛ استُبعد {excluded} لعدم موثوقيتها؛ وحُجبت {withheld} "
        "مجموعة (أقل من {k} تقييمات أو متسوقين).",
        "factors": "العوامل في {entity} (الأعمدة مع مجالات الثقة 95%) مقارنة بالبرنامج "
        "(العلامات المتقطعة)",
        "recommendations": "التوصيات",
        "priority": "الأولوية",
        "recommendation": "التوصية",
        "evidence": "الدليل",
        "none": "لا يوجد فرق مثبت عن خط الأساس للبرنامج.",
        "comments": "التعليقات (بعد حجب البيانات الشخصية)",
        "handoffs": "عمليات التحويل من {entity} إلى الخدمة التالية (الأعمدة مع مجالات الثقة 95%) "
        "مقارنة بجميع عمليات التحويل (العلامات المتقطعة)",
    },
}


def _mean(sample: Sample | None) -> float | None:
    return sample.mean if sample is not None else None


def _label(language: str, key: str, **params: object) -> str:
    table = LABELS.get(language, LABELS["en"])
    return table[key].format(**params)


def build_report(
    insights: Insights,
    language: str,
    *,
    k: int,
    entity_names: Mapping[str, Mapping[str, str]] | None = None,
    factor_names: Mapping[str, Mapping[str, str]] | None = None,
    service_names: Mapping[str, Mapping[str, str]] | None = None,
) -> Report:
    """Lay the insights out: a summary, then one section per entity (its factors, then the
    hand-offs it makes, each named by its services)."""
    names = entity_names or {}
    factors = factor_names or {}
    services = service_names or {}

    def name(table: Mapping[str, Mapping[str, str]], key: str) -> str:
        entry = table.get(key, {})
        return entry.get(language) or entry.get("en") or key

    below = {(f.level, f.key, f.factor) for f in insights.findings if f.kind == BELOW}
    sections = []
    # An entity that only hands customers over (a mission never starts there) still gets its
    # section, with its hand-offs and what it is asked to do.
    entities = sorted(
        {g.key for g in insights.groups if g.level == "entity"}
        | {g.entity for g in insights.groups if g.level == "handoff"}
        | {r.entity for r in insights.recommendations}
    )
    for entity in entities:
        bars = tuple(
            Bar(
                name(factors, group.factor),
                group.sample.mean,
                *group.sample.interval(),
                highlighted=("entity", entity, group.factor) in below,
                reference=_mean(insights.baseline.get(group.factor)),
            )
            for group in insights.groups
            if group.level == "entity" and group.key == entity and not group.period
        )
        charts: tuple[Chart, ...] = ()
        if bars:
            charts += (Chart(_label(language, "factors", entity=name(names, entity)), bars),)
        handoffs = tuple(
            Bar(
                handoff_name(group.key, services, language),
                group.sample.mean,
                *group.sample.interval(),
                highlighted=("handoff", group.key, group.factor) in below,
                reference=_mean(insights.baseline.get(group.factor)),
            )
            for group in insights.groups
            if group.level == "handoff" and group.entity == entity and not group.period
        )
        if handoffs:
            charts += (Chart(_label(language, "handoffs", entity=name(names, entity)), handoffs),)
        own = [r for r in insights.recommendations if r.entity == entity]
        rows = tuple(
            (
                r.priority,
                r.text.get(language) or r.text.get("en", ""),
                f"n={r.finding.sample.count}, {r.finding.sample.mean:.1f} "
                f"[{r.finding.interval[0]:.1f}, {r.finding.interval[1]:.1f}] "
                f"vs {r.finding.reference.mean:.1f}, p={r.finding.comparison.p:.2g}",
            )
            for r in own
        )
        header = tuple(_label(language, key) for key in ("priority", "recommendation", "evidence"))
        lines = () if own else (_label(language, "none"),)
        tables: tuple[Table, ...] = (Table(header, rows),) if rows else ()
        comments = insights.comments.get(entity, ())
        if comments:
            tables += (Table((_label(language, "comments"),), tuple((c,) for c in comments)),)
        sections.append(Section(name(names, entity), lines, charts, tables))
    summary = _label(
        language,
        "summary",
        evaluations=insights.evaluations,
        excluded=insights.excluded,
        withheld=insights.withheld,
        k=k,
    )
    return Report(
        title=f"{_label(language, 'title')}: {insights.programme}",
        language=language,
        sections=tuple(sections),
        subtitle=summary,
    )


def recommendations_data(insights: Insights) -> list[dict[str, Any]]:
    """The recommendations as JSON-ready data, for tracking."""
    rows = []
    for r in insights.recommendations:
        f = r.finding
        rows.append(
            {
                "id": r.id,
                "rule": r.rule,
                "entity": r.entity,
                "priority": r.priority,
                "status": r.status,
                "history": [
                    {"status": c.status, "on": c.on.isoformat(), "by": c.by, "note": c.note}
                    for c in insights.status_log
                    if c.recommendation == r.id
                ],
                "text": dict(r.text),
                "evidence": {
                    "kind": f.kind,
                    "level": f.level,
                    "key": f.key,
                    "factor": f.factor,
                    "period": f.period,
                    "count": f.sample.count,
                    "mean": round(f.sample.mean, 2),
                    "interval": [round(f.interval[0], 2), round(f.interval[1], 2)],
                    "reference": round(f.reference.mean, 2),
                    "p": f.comparison.p,
                },
            }
        )
    return rows
