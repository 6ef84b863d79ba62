"""Laying insights out as a report a ministry reads.

In order: a header (authority, programme, period covered, date made); a summary (the
programme's overall score and band, the best and weakest entities and centres, the most
urgent recommendations); every entity and centre by score with its 95% interval; one section
per entity (its factors, hand-offs, monthly trend, recommendations rolled up so that one
place below the programme on several factors is one recommendation, comments, a chart for
every centre with a finding, and the follow-up of the recommendations it took up); the
recommendations closed and verified by repeat visits; how to read the report; data quality.
Every word comes from the message catalogues.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from attrs import frozen

from shopperkit.i18n.formatting import format_long_date, format_value, isolate
from shopperkit.insights.findings import BELOW, handoff_name, handoff_services, service_name
from shopperkit.insights.followup import (
    IMPROVED,
    NO_SUPPORTED_CHANGE,
    NOT_ENOUGH_VISITS,
    VERDICTS,
    WORSE,
    Followup,
    Verdict,
    verdict_counts,
)
from shopperkit.insights.recommendations import TRANSITIONS, Recommendation
from shopperkit.insights.render import (
    GOOD,
    POOR,
    Bar,
    Chart,
    Journey,
    Labels,
    Report,
    Section,
    Step,
    Table,
)
from shopperkit.insights.stats import Sample
from shopperkit.messages import builtin_messages, render

if TYPE_CHECKING:
    from shopperkit.insights.report import Insights

PRIORITIES = ("high", "medium", "low")
TOP = 3
"""How many recommendations and places the summary names."""


@frozen
class Action:
    """Recommendations rolled up: one place's problem, with the factors it covers."""

    entity: str
    level: str
    key: str
    priority: str
    recommendations: tuple[Recommendation, ...]

    @property
    def gap(self) -> float:
        """The largest gap to the programme among its recommendations."""
        return max(r.finding.reference.mean - r.finding.sample.mean for r in self.recommendations)


def roll_up(recommendations: Sequence[Recommendation]) -> list[Action]:
    """One action per place and kind of problem: a centre below the programme on four factors
    is one action listing the four; most urgent first (priority, then the largest gap).

    An entity's finding with the very evidence of one of its centres' (the entity's only
    centre with scores, say) is that centre's problem: it is not repeated for the entity.
    """

    def evidence(r: Recommendation) -> tuple[Any, ...]:
        f = r.finding
        return (r.entity, f.factor, f.kind, f.period, f.sample.count, f.sample.mean)

    at_centres = {evidence(r) for r in recommendations if r.finding.level == "centre"}
    grouped: dict[tuple[str, str, str, str, str], list[Recommendation]] = defaultdict(list)
    for r in recommendations:
        if r.finding.level == "entity" and evidence(r) in at_centres:
            continue
        f = r.finding
        period = f.period if f.kind != BELOW else ""
        grouped[(r.entity, f.level, f.key, f.kind, period)].append(r)
    actions = [
        Action(
            entity,
            level,
            key,
            min((r.priority for r in made), key=_rank),
            tuple(made),
        )
        for (entity, level, key, _kind, _period), made in grouped.items()
    ]
    return sorted(actions, key=lambda a: (_rank(a.priority), -a.gap, a.entity, a.key))


def _rank(priority: str) -> int:
    return PRIORITIES.index(priority) if priority in PRIORITIES else len(PRIORITIES)


def build_report(insights: Insights, language: str, made: date | None = None) -> Report:
    """The report of ``insights`` in ``language`` (one of the insights' languages, else
    ``report_language_undeclared``), made on ``made`` (today when left out)."""
    from shopperkit.insights.report import report_languages

    report_languages((language,), insights.languages)
    return _Layout(insights, language).report(made or date.today())


class _Layout:
    def __init__(self, insights: Insights, language: str) -> None:
        self.insights = insights
        self.language = language
        self.below = {(f.level, f.key, f.factor) for f in insights.findings if f.kind == BELOW}

    # --- words and names ---------------------------------------------------------------

    def say(self, code: str, params: Mapping[str, Any] | None = None) -> str:
        """The message ``code`` in the report's language and digits."""
        return render(code, params or {}, self.language, digits=self.insights.digits)

    def local(self, table: Mapping[str, str]) -> str:
        return table.get(self.language) or table.get("en") or ""

    def name(self, table: Mapping[str, Mapping[str, str]], key: str) -> str:
        return self.local(table.get(key, {})) or key

    def entity(self, key: str) -> str:
        return self.name(self.insights.entity_names, key)

    def centre(self, key: str) -> str:
        return self.name(self.insights.centre_names, key)

    def place(self, level: str, key: str) -> str:
        if level == "entity":
            return self.entity(key)
        if level == "centre":
            return self.centre(key)
        if level == "service":
            return self.name(self.insights.service_names, key)
        if level == "handoff":
            return handoff_name(key, self.insights.service_names, self.language)
        return key

    def number(self, value: float) -> str:
        return self.report_shell().number(value)

    def report_shell(self) -> Report:
        return Report("", self.language, (), digits=self.insights.digits)

    def status(self, status: str) -> str:
        if status in TRANSITIONS:
            return self.say(f"report_status_{status}")
        return status

    def check_name(self, code: str) -> str:
        """An integrity check's name (``report_check_CODE``) with its code, or the code alone
        for a check the catalogues do not name, such as a plugin's."""
        named = f"report_check_{code}"
        if named not in builtin_messages():
            return code
        return f"{self.say(named)} ({isolate(code, self.language)})"

    def period_line(self) -> str | None:
        """The period covered: the first and last day visited as a long date in the report's
        language, else the first and last month; ``None`` when neither is known."""
        period = self.insights.period
        if isinstance(period, tuple) and len(period) == 2:
            first, last = (
                format_long_date(day, self.language, self.insights.digits) for day in period
            )
            return self.say("report_period", {"first": first, "last": last})
        months = self.insights.months
        if months:
            return self.say("report_period", {"first": months[0], "last": months[-1]})
        return None

    def interval(self, sample: Sample) -> str:
        low, high = sample.interval()
        return self.say(
            "report_interval_range", {"low": self.number(low), "high": self.number(high)}
        )

    # --- the report ----------------------------------------------------------------------

    def report(self, made: date) -> Report:
        insights = self.insights
        theme = insights.theme
        meta = []
        period = self.period_line()
        if period is not None:
            meta.append(period)
        meta.append(self.say("report_made", {"date": made}))
        title = self.local(insights.title) or insights.programme
        sections = [self.summary()]
        if not insights.groups:
            sections[0] = Section(
                sections[0].title,
                (*sections[0].lines, self.say("report_no_groups", {"k": insights.k})),
                id="summary",
            )
        league = self.league()
        if league is not None:
            sections.append(league)
        sections += [self.entity_section(entity) for entity in self.entities()]
        closed = self.closed()
        if closed is not None:
            sections.append(closed)
        sections += [self.method(), self.quality()]
        labels = Labels(
            score=self.say("report_column_score"),
            interval=self.say("report_column_interval"),
            interval_range=self.say("report_interval_range", {"low": "{low}", "high": "{high}"}),
            axis=self.say("report_axis"),
        )
        return Report(
            title=self.say("report_title", {"programme": title}),
            language=self.language,
            sections=tuple(sections),
            subtitle=self.say(
                "report_summary",
                {
                    "evaluations": insights.evaluations,
                    "excluded": insights.excluded,
                    "withheld": insights.withheld,
                    "k": insights.k,
                },
            ),
            authority=self.local(theme.authority) or self.local(insights.authority),
            logo=self.local(theme.logo_text),
            meta=tuple(meta),
            labels=labels,
            theme=theme,
            digits=insights.digits,
        )

    def entities(self) -> list[str]:
        # An entity that only hands customers over (a mission never starts there) still gets
        # its section, with its hand-offs and what it is asked to do.
        insights = self.insights
        return sorted(
            {g.key for g in insights.groups if g.level == "entity"}
            | {g.entity for g in insights.groups if g.level == "handoff"}
            | {r.entity for r in insights.recommendations}
            | {item.entity for item in insights.followups}
        )

    def ranked(self, level: str) -> list[tuple[str, Sample]]:
        found = [(key, s) for (lvl, key), s in self.insights.overall.items() if lvl == level]
        return sorted(found, key=lambda item: (-item[1].mean, item[0]))

    def summary(self) -> Section:
        insights = self.insights
        lines = []
        programme = insights.overall.get(("programme", ""))
        if programme is not None:
            low, high = programme.interval()
            lines.append(
                self.say(
                    "report_overall",
                    {
                        "mean": self.number(programme.mean),
                        "low": self.number(low),
                        "high": self.number(high),
                        "count": programme.count,
                    },
                )
            )
            if insights.band:
                lines.append(self.say("report_band", {"band": self.local(insights.band)}))
        for level in ("entity", "centre"):
            ranked = self.ranked(level)
            if len(ranked) >= 2:
                (best, top), (weakest, bottom) = ranked[0], ranked[-1]
                best_name, weakest_name = self.place(level, best), self.place(level, weakest)
                kind = self.say(f"report_level_{level}")
                lines.append(
                    self.say(
                        "report_best",
                        {"level": kind, "name": best_name, "mean": self.number(top.mean)},
                    )
                )
                lines.append(
                    self.say(
                        "report_weakest",
                        {"level": kind, "name": weakest_name, "mean": self.number(bottom.mean)},
                    )
                )
        for action in roll_up(insights.recommendations)[:TOP]:
            lines.append(
                self.say(
                    "report_top_recommendation",
                    {
                        "priority": self.say(f"priority_{action.priority}"),
                        "place": self.place(action.level, action.key),
                        "text": self.action_text(action),
                    },
                )
            )
        return Section(self.say("report_heading_summary"), tuple(lines), id="summary")

    def league(self) -> Section | None:
        insights = self.insights
        rows = []
        for level in ("entity", "centre"):
            for key, sample in self.ranked(level):
                rows.append(
                    (
                        self.say(f"report_level_{level}"),
                        self.place(level, key),
                        format_value(sample.count, self.language, insights.digits),
                        self.number(sample.mean),
                        self.interval(sample),
                        self.change(level, key),
                    )
                )
        if not rows:
            return None
        before = insights.months[-2] if len(insights.months) >= 2 else "-"
        header = (
            self.say("report_column_level"),
            self.say("report_column_name"),
            self.say("report_column_evaluations"),
            self.say("report_column_score"),
            self.say("report_column_interval"),
            self.say("report_column_change", {"month": before}),
        )
        table = Table(header, tuple(rows), name="league")
        return Section(self.say("report_heading_league"), tables=(table,), id="league")

    def change(self, level: str, key: str) -> str:
        """The change of a place's overall score from the month before the last to the last
        month covered (signed), or a dash when either month is too small to publish."""
        months = self.insights.months
        if len(months) < 2:
            return "\u2013"
        kind = "month" if level == "entity" else "centre-month"
        last = self.insights.overall.get((kind, f"{key}|{months[-1]}"))
        before = self.insights.overall.get((kind, f"{key}|{months[-2]}"))
        if last is None or before is None:
            return "\u2013"
        difference = round(last.mean - before.mean, 1) or 0.0  # never "-0.0"
        return ("+" if difference > 0 else "") + self.number(difference)

    def factor_bars(self, level: str, key: str) -> tuple[Bar, ...]:
        insights = self.insights
        return tuple(
            Bar(
                self.name(insights.factor_names, group.factor),
                group.sample.mean,
                *group.sample.interval(),
                highlighted=(level, key, group.factor) in self.below,
                reference=_mean(insights.baseline.get(group.factor)),
            )
            for group in insights.groups
            if group.level == level and group.key == key and not group.period
        )

    def entity_section(self, entity: str) -> Section:
        insights = self.insights
        name = self.entity(entity)
        lines = []
        overall = insights.overall.get(("entity", entity))
        if overall is not None:
            lines.append(self.overall_line(overall))
        charts: list[Chart] = []
        bars = self.factor_bars("entity", entity)
        if bars:
            charts.append(Chart(self.say("report_factors", {"entity": name}), bars))
        handoffs = tuple(
            Bar(
                handoff_name(group.key, insights.service_names, self.language),
                group.sample.mean,
                *group.sample.interval(),
                highlighted=("handoff", group.key, group.factor) in self.below,
                reference=_mean(insights.baseline.get(group.factor)),
            )
            for group in insights.groups
            if group.level == "handoff" and group.entity == entity and not group.period
        )
        journeys: tuple[Journey, ...] = ()
        if handoffs:
            charts.append(Chart(self.say("report_handoffs", {"entity": name}), handoffs))
            journeys = (self.journey(entity, name),)
            lines.append(self.say("report_journey_legend", {"poor": POOR, "good": GOOD}))
        trend = tuple(
            Bar(month, sample.mean, *sample.interval())
            for month in insights.months
            if (sample := insights.overall.get(("month", f"{entity}|{month}"))) is not None
        )
        if len(trend) >= 2:
            charts.append(Chart(self.say("report_trend", {"entity": name}), trend))
        actions = [a for a in roll_up(insights.recommendations) if a.entity == entity]
        tables: list[Table] = []
        if actions:
            tables.append(self.actions_table(actions, entity))
        else:
            lines.append(self.say("report_none"))
        comments = insights.comments.get(entity, ())
        if comments:
            heading = self.say("report_comments")
            tables.append(Table((heading,), tuple((c,) for c in comments)))
        return Section(
            name,
            tuple(lines),
            tuple(charts),
            tuple(tables),
            (*self.centre_sections(entity), *self.followup_section(entity, name)),
            id=f"entity-{_anchor(entity)}",
            journeys=journeys,
        )

    def journey(self, entity: str, name: str) -> Journey:
        """The entity's hand-offs as a journey: from service to service, coloured by score."""
        insights, steps = self.insights, []
        for group in insights.groups:
            if group.level != "handoff" or group.entity != entity or group.period:
                continue
            joined = handoff_services(group.key)
            source, target = (
                (group.key, self.say("report_next_service"))
                if joined is None
                else (
                    service_name(joined[0], insights.service_names, self.language),
                    service_name(joined[1], insights.service_names, self.language),
                )
            )
            finding = ("handoff", group.key, group.factor) in self.below
            steps.append(Step(source, target, group.sample.mean, highlighted=finding))
        return Journey(self.say("report_journey", {"entity": name}), tuple(steps))

    def overall_line(self, sample: Sample) -> str:
        low, high = sample.interval()
        return self.say(
            "report_centre_overall",
            {
                "mean": self.number(sample.mean),
                "low": self.number(low),
                "high": self.number(high),
                "count": sample.count,
            },
        )

    def centre_sections(self, entity: str) -> list[Section]:
        """A section with a chart for every centre of ``entity`` that has a finding."""
        insights = self.insights
        with_finding = sorted(
            {
                f.key
                for f in insights.findings
                if f.level == "centre" and insights.centres.get(f.key, f.entity) == entity
            }
        )
        sections = []
        for centre in with_finding:
            name = self.centre(centre)
            bars = self.factor_bars("centre", centre)
            lines = []
            overall = insights.overall.get(("centre", centre))
            if overall is not None:
                lines.append(self.overall_line(overall))
            charts = (Chart(self.say("report_centre_factors", {"centre": name}), bars),)
            sections.append(
                Section(name, tuple(lines), charts if bars else (), id=f"centre-{_anchor(centre)}")
            )
        return sections

    def action_text(self, action: Action) -> str:
        made = action.recommendations
        if len(made) == 1:
            return self.local(made[0].text)
        factors = ", ".join(self.name(self.insights.factor_names, r.finding.factor) for r in made)
        return self.say(
            "report_rollup", {"place": self.place(action.level, action.key), "factors": factors}
        )

    def actions_table(self, actions: Sequence[Action], entity: str) -> Table:
        rows = []
        for action in actions:
            evidence = "; ".join(self.evidence(r) for r in action.recommendations)
            statuses = {r.status for r in action.recommendations}
            if len(statuses) == 1:
                status = self.status(statuses.pop())
            else:
                status = "; ".join(
                    f"{self.name(self.insights.factor_names, r.finding.factor)}: "
                    f"{self.status(r.status)}"
                    for r in action.recommendations
                )
            rows.append(
                (
                    self.say(f"priority_{action.priority}"),
                    self.place(action.level, action.key),
                    self.action_text(action),
                    evidence,
                    status,
                )
            )
        header = (
            self.say("report_priority"),
            self.say("report_column_place"),
            self.say("report_recommendation"),
            self.say("report_evidence"),
            self.say("report_column_status"),
        )
        return Table(header, tuple(rows), name=f"recommendations-{_anchor(entity)}")

    def evidence(self, r: Recommendation) -> str:
        f = r.finding
        line = self.say(
            "report_evidence_line",
            {
                "count": f.sample.count,
                "mean": round(f.sample.mean, 1),
                "low": round(f.interval[0], 1),
                "high": round(f.interval[1], 1),
                "reference": round(f.reference.mean, 1),
                # Written as a scientific number, since p-values of strong findings are tiny.
                "p": f"{f.comparison.p:.2g}",
            },
        )
        if f.level != "handoff":
            return f"{self.name(self.insights.factor_names, f.factor)}: {line}"
        return line

    # --- follow-ups --------------------------------------------------------------------

    def followed(self) -> list[tuple[Followup, Verdict | None]]:
        """Each follow-up with its verdict (None when the report was made from aggregates)."""
        insights = self.insights
        found = {verdict.recommendation: verdict for verdict in insights.verdicts}
        return [(item, found.get(item.recommendation)) for item in insights.followups]

    def followup_section(self, entity: str, name: str) -> list[Section]:
        """The entity's follow-up: what was recommended, when it was taken up, what the entity
        did, what the repeat visits found; none when it took nothing up."""
        followed = [(item, verdict) for item, verdict in self.followed() if item.entity == entity]
        if not followed:
            return []
        texts = {r.id: r for r in self.insights.recommendations}
        rows = []
        for item, verdict in followed:
            made = texts.get(item.recommendation)
            text = self.local(made.text) if made is not None else item.recommendation
            rows.append(
                (
                    text,
                    self.day(item.on),
                    self.actions_of(item.recommendation),
                    self.sample_line(item.before, item.before.interval()),
                    self.sample_line(verdict.after, verdict.after_interval) if verdict else "",
                    self.difference(verdict),
                    self.verdict_text(verdict),
                )
            )
        header = (
            self.say("report_recommendation"),
            self.say("report_column_taken_up"),
            self.say("report_column_action"),
            self.say("report_column_before"),
            self.say("report_column_after"),
            self.say("report_column_difference"),
            self.say("report_column_verdict"),
        )
        policy = self.insights.followup_policy
        intro = self.say(
            "report_followup_intro",
            {"delay": policy.delay_days, "window": policy.window_days},
        )
        table = Table(header, tuple(rows), name=f"followup-{_anchor(entity)}")
        title = self.say("report_heading_followup", {"entity": name})
        return [Section(title, (intro,), tables=(table,), id=f"followup-{_anchor(entity)}")]

    def actions_of(self, recommendation: str) -> str:
        """What the entity did: each change of the recommendation's status, with its note."""
        said = []
        for change in self.insights.status_log:
            if change.recommendation != recommendation:
                continue
            params = {"status": self.status(change.status), "date": self.day(change.on)}
            if change.note:
                said.append(
                    self.say("report_followup_change_note", {**params, "note": change.note})
                )
            else:
                said.append(self.say("report_followup_change", params))
        return "; ".join(said)

    def day(self, day: date) -> str:
        return format_long_date(day, self.language, self.insights.digits)

    def sample_line(self, sample: Sample, interval: tuple[float, float]) -> str:
        if not sample.count:
            return self.say("report_followup_no_visits")
        low, high = interval
        return self.say(
            "report_followup_sample",
            {
                "mean": self.number(sample.mean),
                "low": self.number(low),
                "high": self.number(high),
                "count": sample.count,
            },
        )

    def difference(self, verdict: Verdict | None) -> str:
        if verdict is None or verdict.comparison is None:
            return "\u2013"
        difference = round(verdict.comparison.difference, 1) or 0.0  # never "-0.0"
        return ("+" if difference > 0 else "") + self.number(difference)

    def verdict_text(self, verdict: Verdict | None) -> str:
        if verdict is None:
            return self.say("report_followup_not_checked")
        if verdict.verdict != NOT_ENOUGH_VISITS:
            return self.say(f"report_verdict_{verdict.verdict}")
        if verdict.more is None:
            return self.say("report_verdict_unreachable")
        return self.say("report_verdict_not_enough_visits", {"more": verdict.more})

    def closed(self) -> Section | None:
        """The programme's recommendations closed and verified: counts per verdict, for all
        entities and for each; none when nothing was taken up or none was checked."""
        insights = self.insights
        if not insights.followups or not insights.verdicts:
            return None
        by_entity: dict[str, list[Verdict]] = defaultdict(list)
        for item, verdict in self.followed():
            if verdict is not None:
                by_entity[item.entity].append(verdict)
        digits = insights.digits

        def row(name: str, made: Sequence[Verdict]) -> tuple[str, ...]:
            counts = verdict_counts(made)
            cells = [len(made), *(counts[verdict] for verdict in VERDICTS)]
            return (name, *(format_value(n, self.language, digits) for n in cells))

        rows = [row(self.say("report_followups_all"), insights.verdicts)]
        rows += [row(self.entity(entity), made) for entity, made in sorted(by_entity.items())]
        header = (
            self.say("report_level_entity"),
            self.say("report_column_taken_up"),
            self.say("report_verdict_improved"),
            self.say("report_verdict_no_supported_change"),
            self.say("report_verdict_worse"),
            self.say("report_column_needing_visits"),
        )
        counts = verdict_counts(insights.verdicts)
        line = self.say(
            "report_followups_summary",
            {
                "taken": len(insights.verdicts),
                "concluded": len(insights.verdicts) - counts[NOT_ENOUGH_VISITS],
                "improved": counts[IMPROVED],
                "unchanged": counts[NO_SUPPORTED_CHANGE],
                "worse": counts[WORSE],
                "waiting": counts[NOT_ENOUGH_VISITS],
                "alpha": insights.followup_policy.alpha,
            },
        )
        table = Table(header, tuple(rows), name="followups")
        return Section(
            self.say("report_heading_followups"), (line,), tables=(table,), id="followups"
        )

    def method(self) -> Section:
        policy = self.insights.policy
        lines = (
            self.say("report_method_score"),
            self.say("report_method_interval"),
            self.say(
                "report_method_finding",
                {
                    "difference": policy.minimum_difference,
                    "count": policy.minimum_count,
                    "rate": policy.rate,
                },
            ),
            self.say("report_method_suppression", {"k": self.insights.k}),
        )
        return Section(self.say("report_heading_method"), lines, id="method")

    def quality(self) -> Section:
        insights = self.insights
        flagged = len({flag.evaluation for flag in insights.flags})
        lines = (
            self.say(
                "report_quality_flagged",
                {
                    "evaluations": insights.evaluations,
                    "flagged": flagged,
                    "excluded": insights.excluded,
                },
            ),
            self.say(
                "report_quality_withheld",
                {
                    "withheld": insights.withheld,
                    "k": insights.k,
                    "evaluations": insights.withheld_for.get("evaluations", 0),
                    "shoppers": insights.withheld_for.get("shoppers", 0),
                },
            ),
        )
        counts: dict[str, int] = defaultdict(int)
        for flag in insights.flags:
            counts[flag.code] += 1
        tables: tuple[Table, ...] = ()
        if counts:
            header = (self.say("report_column_check"), self.say("report_column_evaluations"))
            rows = tuple(
                (self.check_name(code), format_value(count, self.language, insights.digits))
                for code, count in sorted(counts.items())
            )
            tables = (Table(header, rows, name="flags"),)
        return Section(self.say("report_heading_quality"), lines, tables=tables, id="quality")


def _mean(sample: Sample | None) -> float | None:
    return sample.mean if sample is not None else None


def _anchor(key: str) -> str:
    """An id usable as an HTML anchor and a file name, distinct for distinct keys: letters,
    digits, ``-`` and ``_``, with a digest of the key when anything else was in it."""
    cleaned = "".join(char if char.isalnum() or char in "-_" else "-" for char in key)[:60]
    if cleaned == key and cleaned.isascii():
        return cleaned
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{cleaned}-{digest}"
