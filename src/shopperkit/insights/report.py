"""From scored evaluations to the report the entities read.

The path: flag unreliable evaluations (and leave them out when asked), replace shopper ids
by keyed pseudonyms, tally factor and hand-off scores in mergeable
:class:`~shopperkit.scoring.tallies.Aggregates` (by entity, centre, service and month), roll
them up into groups, find what is supported against the programme's baseline and across
months, turn findings into recommendations, withhold every group smaller than ``k``
evaluations or ``k`` shoppers, and lay it all out per entity.

One call does it all: :func:`insights`, from scored evaluations or from report aggregates
(:func:`report_aggregates`, which can be built in parts and merged).
"""

from __future__ import annotations

import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Protocol, cast

from attrs import define, evolve, field, frozen

from shopperkit.errors import InputError
from shopperkit.i18n.formatting import Digits
from shopperkit.i18n.languages import Languages
from shopperkit.insights.findings import (
    BUILTIN_FINDING_RULES,
    Finding,
    FindingPolicy,
    FindingRule,
    GroupScores,
    handoff_services,
)
from shopperkit.insights.followup import (
    AfterTallies,
    Followup,
    FollowupPolicy,
    Verdict,
    followups,
    judge,
)
from shopperkit.insights.integrity import Flag, IntegrityPolicy, IntegrityScan
from shopperkit.insights.privacy import Pseudonymiser, Redactor, publishable
from shopperkit.insights.recommendations import (
    ACCEPTED,
    BUILTIN_RULES,
    DONE,
    Recommendation,
    RecommendationRule,
    StatusChange,
    current_status,
    recommend,
)
from shopperkit.insights.render import Report
from shopperkit.insights.stats import Sample
from shopperkit.insights.theme import DEFAULT_THEME, ReportTheme
from shopperkit.model.evaluations import ScoredEvaluation
from shopperkit.model.forms import Form
from shopperkit.model.programme import Programme
from shopperkit.model.services import Directory
from shopperkit.plugins import Plugins
from shopperkit.scoring.batch import Scored, score_record
from shopperkit.scoring.engine import grade
from shopperkit.scoring.tallies import Aggregates, Tally

LEVELS = ("entity", "centre", "service")
REPORT_KEYS = ("entity", "centre", "service", "month")
"""What report aggregates are grouped by; coarser groups are merged from these."""
OVERALL = "overall"
"""Report aggregates tally the overall score by this name (it counts evaluations; it is
not a factor)."""
HANDOFF_PREFIX = "handoff:"
"""Report aggregates name a hand-off's tally by this prefix and the hand-off's key."""
NO_SECTIONS: frozenset[str] = frozenset()
COMMENTS_SHOWN = 5
"""Comments a report quotes per entity (the first ones of the evaluations kept)."""
COMMENTS_KEPT = 4 * COMMENTS_SHOWN
"""Comments kept per entity while reading, so a few exclusions need no reading back."""


LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
"""What a report language code looks like (``en``, ``ar``, ``zh-Hans``): it names the report
files, so nothing else is accepted."""


def report_languages(wanted: Iterable[str], declared: Sequence[str]) -> tuple[str, ...]:
    """``wanted`` if each is a well-formed language code among ``declared``, the languages
    the programme reports in; else an :class:`InputError` ``report_language_undeclared``."""
    declared = tuple(lang for lang in declared if LANGUAGE_CODE.fullmatch(lang))
    languages = tuple(wanted)
    for language in languages:
        if language not in declared:
            raise InputError(
                "report_language_undeclared",
                {"language": language, "declared": ", ".join(declared) or "none"},
            )
    return languages


def staff_names(directory: Directory | None) -> list[str]:
    """The names of every centre's staff in ``directory``."""
    return [name for centre in directory.centres for name in centre.staff] if directory else []


def handoff_sections(forms: Iterable[Form]) -> dict[str, frozenset[str]]:
    """Form id -> the ids of its hand-off sections."""
    return {
        form.id: frozenset(section.id for section in form.sections if section.handoff)
        for form in forms
    }


def fold(
    aggregates: Aggregates,
    record: Mapping[str, Any],
    handoff_sections: Mapping[str, frozenset[str]],
    shopper: str,
    month: str,
) -> tuple[str, str, str, str]:
    """Tally one score record's factors and hand-offs into report aggregates, in the group
    of its entity, centre, service and ``month`` (``YYYY-MM`` of the visit); that group."""
    scores, points = _factors(record, handoff_sections)
    group = report_group(record, month)
    aggregates.add_scores(group, scores, shopper, points)
    return group


def report_group(record: Mapping[str, Any], month: str) -> tuple[str, str, str, str]:
    """The report group of a score record: its entity, centre, service and ``month``."""
    return (record["entity"], record["centre"], record["service"], month)


def _factors(
    record: Mapping[str, Any], handoff_sections: Mapping[str, frozenset[str]]
) -> tuple[dict[str, float | None], dict[str, Any] | None]:
    """A score record's scores and points by the names a report tallies them under: the
    overall, each section that is not a hand-off, each hand-off."""
    skipped = handoff_sections.get(record["form"], NO_SECTIONS)
    sections, handoffs = record["sections"], record["handoffs"]
    scores: dict[str, float | None]  # None (a section that dropped out) is not tallied
    if handoffs or skipped:
        scores = {k: v for k, v in sections.items() if k not in handoffs and k not in skipped}
    else:
        scores = sections.copy()
    scores[OVERALL] = record["overall"]
    for key, value in handoffs.items():
        scores[HANDOFF_PREFIX + key] = value
    points: dict[str, Any] | None = record.get("points")
    if points is not None:
        points = {**points["sections"], OVERALL: points["overall"]}
        if handoffs:  # hand-off keys follow the hand-off sections in form order
            done = [s for s, v in sections.items() if v is not None and s in skipped]
            if len(done) != len(handoffs):
                done = [s for s in handoffs if s in sections]
            for key, section in zip(handoffs, done, strict=False):
                points[HANDOFF_PREFIX + key] = points.get(section)
    return scores, points


def month_of(visited: datetime) -> str:
    """The month of a visit, ``YYYY-MM``, in the visit's own offset."""
    return f"{visited.year:04d}-{visited.month:02d}"


def month_written(visited: str) -> str:
    """:func:`month_of` a visit's ISO 8601 date-time as written: its first seven characters
    when it is written ``YYYY-MM-DD...``, else read."""
    if visited[4:5] == "-" and visited[7:8] == "-":
        return visited[:7]
    return month_of(datetime.fromisoformat(visited))


def report_aggregates(
    evaluations: Iterable[ScoredEvaluation], forms: Iterable[Form], *, secret: bytes
) -> Aggregates:
    """Report aggregates of scored evaluations, shoppers kept only as keyed pseudonyms.

    Build them in parts (files, processes, partitions) and :meth:`~Aggregates.merge` them;
    :func:`insights` makes the same report from them as from the evaluations, without the
    integrity checks (which need each evaluation).
    """
    aggregates = Aggregates(REPORT_KEYS, shoppers=True)
    sections = handoff_sections(forms)
    pseudonym = Pseudonymiser(secret)
    for scored in evaluations:
        month = month_of(scored.visited_at)
        fold(aggregates, score_record(scored), sections, pseudonym(scored.shopper), month)
    return aggregates


class ScoreRecords(Protocol):
    """Score records (``score.schema.json``) that can be read more than once without being
    held: :class:`shopperkit.io.scores.ScoresFile` reads them from a ``scores.jsonl``."""

    def records(self) -> Iterator[tuple[int, Mapping[str, Any]]]:
        """``(position, record)`` for every record, in the same order each time."""
        ...

    def record_at(self, position: int) -> Mapping[str, Any]:
        """The record at ``position``."""
        ...


@define
class _Models:
    """Scored evaluations in memory, read as score records."""

    models: Sequence[ScoredEvaluation]

    def records(self) -> Iterator[tuple[int, Mapping[str, Any]]]:
        for index, scored in enumerate(self.models):
            yield index, score_record(scored)

    def record_at(self, position: int) -> Mapping[str, Any]:
        return score_record(self.models[position])


@define
class _Reading:
    """What reading the score records found, for :func:`insights`."""

    aggregates: Aggregates
    flags: tuple[Flag, ...]
    count: int
    kept: int
    reliability: dict[str, float]
    comments: dict[str, list[str]]
    period: tuple[date, date] | None
    redact: Redactor
    forms: set[str]
    """The ids of the forms the evaluations were made on."""


def _read(
    source: ScoreRecords,
    forms: Sequence[Form],
    secret: bytes,
    integrity: IntegrityPolicy | None,
    employers: Mapping[str, str],
    directory: Directory | None,
    exclude_flagged: bool,
    k: int,
    after: AfterTallies | None = None,
) -> _Reading:
    """Read the records once, checking their integrity and tallying every one (into the
    follow-ups' windows too, given ``after``), holding a few numbers per evaluation; then
    tally again, from records read back, the few groups that hold an evaluation the checks
    exclude (and take those back out of ``after``)."""
    by_id = {f.id: f for f in forms}
    rated: dict[str, frozenset[str]] = {}  # the forms seen, by id: their rating questions
    scan = IntegrityScan(integrity, (), employers)
    # Twice k shoppers per tally: most groups still tell k once exclusions take some back.
    aggregates = Aggregates(REPORT_KEYS, shoppers=True, enough_shoppers=2 * k)
    sections = handoff_sections(forms)
    pseudonymise = Pseudonymiser(secret)
    pseudonyms: dict[str, str] = {}
    totals = Counter[str]()
    said: dict[str, list[tuple[int, str]]] = defaultdict(list)  # entity: (index, comment)
    positions, grouped = array("q"), array("q")
    group_ids: dict[tuple[str, ...], int] = {}  # each group's number, in order seen
    first, last = date.max, date.min
    parse, add, keep, group_of = datetime.fromisoformat, scan.add, positions.append, grouped.append
    for index, (position, record) in enumerate(source.records()):
        visited = parse(record["visited_at"])
        submitted = record["submitted_at"]
        form = record["form"]
        questions = rated.get(form)
        if questions is None:
            known = by_id.get(form)
            questions = rated[form] = rating_questions(known) if known else frozenset()
        when = None if submitted is None else parse(submitted)
        add(record, visited, when, record["overall"], questions)
        shopper = record["shopper"]
        totals[shopper] += 1
        pseudonym = pseudonyms.get(shopper)
        if pseudonym is None:
            pseudonym = pseudonyms[shopper] = pseudonymise(shopper)
        group = fold(aggregates, record, sections, pseudonym, month_written(record["visited_at"]))
        keep(position)
        group_of(group_ids.setdefault(group, len(group_ids)))
        comment = record["comment"]
        if comment and len(shown := said[record["entity"]]) < COMMENTS_KEPT:
            shown.append((index, comment))
        day = visited.date()
        if after is not None:
            places = {"entity": record["entity"], "centre": record["centre"]}
            places["service"] = record["service"]
            after.tally(day, places, record["sections"], record["handoffs"], shopper)
        if day < first:
            first = day
        if day > last:
            last = day
    found = scan.flagged(lambda index: source.record_at(positions[index]))
    flagged = sorted({index for index, _ in found})
    excluded = flagged if exclude_flagged else []
    clean = totals.copy()
    for record in _records_at(source, [positions[index] for index in flagged]):
        clean[record["shopper"]] -= 1
    if excluded:
        records = _records_at(source, [positions[index] for index in excluded])
        if after is not None:
            records = _taken_back(after, records)
        unsure = _take_back(aggregates, records, sections, pseudonyms, k)
        if unsure:  # tallied again from their evaluations kept, in file order
            import numpy as np  # loaded only when a group is tallied again

            again = [group_ids[key] for key in unsure]
            for key in unsure:
                del aggregates.groups[key]
            wanted = np.isin(np.frombuffer(grouped, dtype=np.int64), again)
            wanted[excluded] = False
            at = [positions[index] for index in np.flatnonzero(wanted).tolist()]
            for record in _records_at(source, at):
                month = month_written(record["visited_at"])
                fold(aggregates, record, sections, pseudonyms[record["shopper"]], month)
    redact = Redactor(staff_names(directory), {*employers, *scan.shoppers})
    comments: dict[str, list[str]] = {}
    dropped = set(excluded)
    for entity, candidates in said.items():
        texts = [text for index, text in candidates if index not in dropped]
        if len(texts) < COMMENTS_SHOWN and len(candidates) == COMMENTS_KEPT:
            texts += _later_comments(
                source, positions, grouped, group_ids, entity, candidates, dropped
            )
        comments[entity] = [redact(text).text for text in texts[:COMMENTS_SHOWN]]
    reliability = {
        pseudonyms[s]: round((clean[s] + 1) / (totals[s] + 1), 4) for s in sorted(totals)
    }
    period = (first, last) if scan.count else None
    flags = tuple(flag for _, flag in found)
    return _Reading(
        aggregates,
        flags,
        scan.count,
        scan.count - len(excluded),
        reliability,
        {entity: texts for entity, texts in comments.items() if texts},
        period,
        redact,
        set(rated),
    )


def _taken_back(
    after: AfterTallies, records: Iterable[Mapping[str, Any]]
) -> Iterator[Mapping[str, Any]]:
    """``records``, each taken back out of the follow-ups' windows as it passes."""
    for record in records:
        after.add_record(record, take_back=True)
        yield record


def _take_back(
    aggregates: Aggregates,
    records: Iterable[Mapping[str, Any]],
    handoff_sections: Mapping[str, frozenset[str]],
    pseudonyms: Mapping[str, str],
    k: int,
) -> set[tuple[str, ...]]:
    """Take excluded evaluations back out of the tallies :func:`fold` put them in; the
    groups where that leaves fewer than ``k`` shoppers known to remain (some of those taken
    back may have other evaluations there), to be tallied again."""
    left: dict[tuple[tuple[str, ...], str], set[str]] = defaultdict(set)
    for record in records:
        scores, points = _factors(record, handoff_sections)
        group: tuple[str, ...] = report_group(record, month_written(record["visited_at"]))
        tallies, shopper = aggregates.groups[group], pseudonyms[record["shopper"]]
        for name, value in scores.items():
            if value is not None:
                tallies[name].remove(value, None if points is None else points.get(name))
                left[group, name].add(shopper)
    unsure: set[tuple[str, ...]] = set()
    for (group, name), shoppers in left.items():
        if group not in aggregates.groups or group in unsure:
            continue
        tallies = aggregates.groups[group]
        tally = tallies[name]
        if tally.count == 0:
            del tallies[name]
            if not tallies:
                del aggregates.groups[group]
            continue
        kept = (tally.shoppers or set()) - shoppers
        if len(kept) < k:
            unsure.add(group)
        else:
            tally.shoppers = kept
    return unsure


def _records_at(source: ScoreRecords, positions: Sequence[int]) -> Iterator[Mapping[str, Any]]:
    """The records at ``positions``, read together when the source can."""
    together = getattr(source, "records_at", None)
    return iter(together(positions)) if together is not None else map(source.record_at, positions)


def _later_comments(
    source: ScoreRecords,
    positions: array[int],
    grouped: array[int],
    group_ids: Mapping[tuple[str, ...], int],
    entity: str,
    candidates: Sequence[tuple[int, str]],
    dropped: set[int],
) -> list[str]:
    """An entity's comments after its first candidates, from evaluations kept, read back
    until enough are found (when exclusions took too many of the first)."""
    ours = {group_id for key, group_id in group_ids.items() if key[0] == entity}
    after = candidates[-1][0]
    wanted = [
        positions[index]
        for index in range(after + 1, len(grouped))
        if grouped[index] in ours and index not in dropped
    ]
    texts: list[str] = []
    for record in _records_at(source, wanted):
        if record["comment"]:
            texts.append(record["comment"])
            if len(texts) == COMMENTS_SHOWN:
                break
    return texts


def rating_questions(form: Form) -> frozenset[str]:
    """The ids of a form's rating-scale (``likert``) questions, which straight-lining reads."""
    return frozenset(
        q.id for section in form.sections for q in section.questions if q.type == "likert"
    )


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
    k: int = 5
    languages: tuple[str, ...] = ("en", "ar")
    digits: Digits = "latin"
    factor_names: Mapping[str, Mapping[str, str]] = field(factory=dict)
    entity_names: Mapping[str, Mapping[str, str]] = field(factory=dict)
    service_names: Mapping[str, Mapping[str, str]] = field(factory=dict)
    centre_names: Mapping[str, Mapping[str, str]] = field(factory=dict)
    title: Mapping[str, str] = field(factory=dict)
    authority: Mapping[str, str] = field(factory=dict)
    theme: ReportTheme = DEFAULT_THEME
    overall: Mapping[tuple[str, str], Sample] = field(factory=dict)
    """Overall scores of the groups large enough to publish: ``("programme", "")``,
    ``("entity", id)``, ``("centre", id)``, ``("month", "entity|YYYY-MM")`` and
    ``("centre-month", "centre|YYYY-MM")``."""
    centres: Mapping[str, str] = field(factory=dict)
    """Centre id -> the entity it belongs to."""
    months: tuple[str, ...] = ()
    """The months (``YYYY-MM``) the evaluations cover, in order."""
    withheld_for: Mapping[str, int] = field(factory=dict)
    """How many groups were withheld for too few ``evaluations`` and too few ``shoppers``."""
    band: Mapping[str, str] = field(factory=dict)
    """The programme's overall band by language (when the forms define bands)."""
    policy: FindingPolicy = field(factory=FindingPolicy)
    period: tuple[date, date] | None = None
    """The first and last day visited (each in the visit's own offset), when the report was
    made from evaluations; from aggregates only :attr:`months` are known."""
    followups: tuple[Followup, ...] = ()
    """The recommendations taken up (accepted or done) in :attr:`status_log`, in the order of
    :attr:`recommendations`, as :func:`~shopperkit.insights.followup.followups` makes them."""
    verdicts: tuple[Verdict, ...] = ()
    """What the repeat visits found for each of :attr:`followups` (in the same order), as
    :func:`~shopperkit.insights.followup.verdicts` finds it; empty when the report was made
    from aggregates, which do not say the day of each visit."""
    followup_policy: FollowupPolicy = field(factory=FollowupPolicy)
    finders: Mapping[str, tuple[str, ...]] = field(factory=dict)
    """For each of :attr:`followups` (by recommendation), the shoppers whose visits among
    those read scored its factor in its group on or before the day it was taken up (as
    :func:`~shopperkit.insights.followup.finders` finds them), tallied in the same reading;
    empty from aggregates. Shopper ids: kept for scheduling, never published."""

    def report(self, language: str, made: date | None = None) -> Report:
        """The report in ``language``, one of :attr:`languages`, made on ``made`` (today when
        left out): render it with ``.html()`` or ``.markdown()``."""
        from shopperkit.insights.layout import build_report

        return build_report(self, language, made)

    def recommendations_data(self) -> list[dict[str, Any]]:
        """The recommendations as JSON-ready data (``recommendations.schema.json``)."""
        return recommendations_data(self)


def _groups(
    aggregates: Aggregates, owners: Mapping[str, str], k: int
) -> tuple[dict[tuple[str, str, str, str, str], Tally], dict[str, Tally]]:
    """Roll report aggregates up by merging: (level, key, entity, factor, period) -> tally,
    and the programme's baseline, factor -> tally (each keeping ``k`` shoppers at most:
    enough to tell whether it may be published)."""
    groups: dict[tuple[str, str, str, str, str], Tally] = defaultdict(lambda: Tally(shoppers=set()))
    overall: dict[str, Tally] = defaultdict(lambda: Tally(shoppers=set()))

    def into(table: dict[Any, Tally], key: Any, tally: Tally) -> None:
        table[key] = table[key].merge(tally, k)

    for (entity, centre, service, month), tallies in sorted(aggregates.groups.items()):
        keys = {"entity": entity, "centre": centre, "service": service}
        for name, tally in sorted(tallies.items()):
            if name == OVERALL:
                continue
            if name.startswith(HANDOFF_PREFIX):
                handoff = name[len(HANDOFF_PREFIX) :]
                joined = handoff_services(handoff)
                owner = owners.get(joined[0], entity) if joined else entity
                into(overall, "handoff", tally)
                into(groups, ("handoff", handoff, owner, "handoff", ""), tally)
                continue
            into(overall, name, tally)
            for level in LEVELS:
                into(groups, (level, keys[level], entity, name, ""), tally)
            into(groups, ("centre", centre, entity, name, month), tally)
    return groups, overall


def _publishable(tally: Tally, k: int) -> bool:
    return publishable(tally.count, tally.shoppers or set(), k)


def insights(
    source: Scored | Iterable[ScoredEvaluation] | ScoreRecords | Aggregates,
    forms: Iterable[Form] = (),
    *,
    programme: Programme | str = "",
    secret: bytes | None = None,
    plugins: Plugins | None = None,
    k: int | None = None,
    languages: Sequence[str] | None = None,
    exclude_flagged: bool = True,
    policy: FindingPolicy | None = None,
    integrity: IntegrityPolicy | None = None,
    employers: Mapping[str, str] | None = None,
    status_log: Iterable[StatusChange] = (),
    directory: Directory | None = None,
    followup: FollowupPolicy | None = None,
) -> Insights:
    """Findings, recommendations and what a report shows, from scored evaluations.

    ``source``: the result of :func:`~shopperkit.scoring.score`, scored evaluations, or
    report aggregates from :func:`report_aggregates` (then no integrity checks run).
    ``forms`` name the factors (sections) and questions in the report languages and say
    which sections are hand-offs. A ``programme`` model gives the defaults: ``k``
    (``minimum_group_size``, else 5), ``languages``, the finding and integrity policies.
    Report languages outside the programme's are refused (``report_language_undeclared``).
    ``secret`` keys the shoppers' pseudonyms (needed with evaluations). ``plugins`` add
    finding and recommendation rules to the built-in ones. ``employers`` (shopper id ->
    entity id) lets evaluations of one's own employer be flagged. ``status_log`` holds the
    entities' answers to earlier recommendations. ``directory`` names entities and services,
    and addresses a hand-off to the entity of the service handing over. The recommendations
    the status log shows taken up get a follow-up and, from evaluations, its verdict, under
    the ``followup`` policy (the programme's, else the defaults): the scores in each window
    are tallied in the same single reading of the evaluations. Comments are
    published redacted: contacts, names after a title, the names of the directory's staff,
    every shopper's id and pseudonyms are removed; so are the notes (and who made them) of
    the status log. Groups under ``k``
    evaluations or shoppers are withheld.
    """
    forms = tuple(forms)
    known = programme if isinstance(programme, Programme) else None
    name = known.id if known is not None else str(programme)
    if k is None:
        k = known.integer("minimum_group_size", 5) if known is not None else 5
    if known is not None:
        declared = known.strings("languages", ("en", "ar"))
    else:
        declared = ("en", "ar") if languages is None else tuple(languages)
    languages = report_languages(declared if languages is None else languages, declared)
    if policy is None:
        policy = FindingPolicy.of(known) if known is not None else FindingPolicy()
    if integrity is None and known is not None:
        integrity = IntegrityPolicy.of(known)
    if followup is None:
        followup = FollowupPolicy.of(known) if known is not None else FollowupPolicy()
    status_log = tuple(status_log)
    after: AfterTallies | None = None
    owners = {s.id: s.entity for s in directory.services} if directory is not None else {}
    flags: tuple[Flag, ...] = ()
    comments: dict[str, list[str]] = {}
    covered: tuple[date, date] | None = None
    if isinstance(source, Aggregates):
        if source.keys != REPORT_KEYS or not source.shoppers:
            raise InputError(
                "aggregates_not_for_report",
                {"by": ", ".join(source.keys) or "nothing", "needed": ", ".join(REPORT_KEYS)},
            )
        redact = Redactor(staff_names(directory), set(employers or {}))
        aggregates, count, kept_count, shopper_reliability = source, None, None, {}
    else:
        if secret is None:
            raise InputError("pseudonym_secret_missing", {"env": "SHOPPERKIT_PSEUDONYM_SECRET"})
        if isinstance(source, Scored):
            source = _Models(source.evaluations)
        elif not (hasattr(source, "records") and hasattr(source, "record_at")):
            source = _Models(list(source))
        taken = (c.on for c in status_log if c.status in (ACCEPTED, DONE))
        after = AfterTallies.of(taken, followup)
        reading = _read(
            cast(ScoreRecords, source),
            forms,
            secret,
            integrity,
            employers or {},
            directory,
            exclude_flagged,
            k,
            after if after.on else None,
        )
        aggregates, flags, comments = reading.aggregates, reading.flags, reading.comments
        count, kept_count, covered = reading.count, reading.kept, reading.period
        shopper_reliability, redact = reading.reliability, reading.redact
        forms = tuple(form for form in forms if form.id in reading.forms)
    rolled, overall = _groups(aggregates, owners, k)
    groups, withheld, withheld_for = [], 0, Counter[str]()
    # Group scores: the mean of scores or pooled points, as the programme says.
    aggregation = known.text("aggregation", "mean") if known is not None else "mean"
    for (level, key, entity, factor, period), tally in sorted(rolled.items()):
        if _publishable(tally, k):
            sample = tally.sample(aggregation)
            groups.append(GroupScores(level, key, entity, factor, sample, period))
        else:
            withheld += 1
            withheld_for["evaluations" if tally.count < k else "shoppers"] += 1
    overall_scores, centres, months = _overall(aggregates, k)
    baseline = {
        factor: tally.sample(aggregation)
        for factor, tally in sorted(overall.items())
        if _publishable(tally, k)
    }
    finding_rules: Iterable[FindingRule] = (
        plugins.finding_rules().values() if plugins is not None else BUILTIN_FINDING_RULES
    )
    findings: list[Finding] = []
    for rule in finding_rules:
        findings += rule.find(groups, baseline, policy)
    rules: Sequence[RecommendationRule] = (
        plugins.recommendation_rules() if plugins is not None else BUILTIN_RULES
    )
    factors = factor_names(forms, languages)
    services = {s.id: dict(s.name) for s in directory.services} if directory is not None else {}
    entity_names = {e.id: dict(e.name) for e in directory.entities} if directory else {}
    centre_names = {c.id: dict(c.name) for c in directory.centres} if directory else {}
    places = {"entity": entity_names, "centre": centre_names, "service": services}
    made = recommend(findings, rules, languages, factors, services, places)
    # The entities' notes are free text too: published redacted as comments are.
    log = tuple(
        evolve(change, by=redact(change.by).text, note=redact(change.note).text)
        for change in status_log
    )
    status = current_status(log)
    made = [evolve(r, status=status.get(r.id, r.status)) for r in made]
    items = followups(made, log)
    if after is not None:
        items = after.with_before(items)
    found = judge(items, [after.sample(item) for item in items], followup) if after else []
    finding = {item.recommendation: after.finders_of(item) for item in items} if after else {}
    if count is None or kept_count is None:
        count = kept_count = sum(
            tallies[OVERALL].count for tallies in aggregates.groups.values() if OVERALL in tallies
        )
    return Insights(
        programme=name,
        evaluations=count,
        excluded=count - kept_count,
        flags=flags,
        reliability=shopper_reliability,
        baseline=baseline,
        groups=tuple(groups),
        withheld=withheld,
        findings=tuple(findings),
        recommendations=tuple(made),
        comments={entity: tuple(texts) for entity, texts in sorted(comments.items())},
        status_log=log,
        k=k,
        languages=tuple(languages),
        digits=Languages.of(known).digits if known is not None else "latin",
        factor_names=factors,
        entity_names=entity_names,
        service_names=services,
        centre_names=centre_names,
        title=dict(known.title) if known is not None else {},
        authority=dict(known.authority) if known is not None else {},
        theme=(plugins.report_theme(name) if plugins is not None else None) or DEFAULT_THEME,
        overall=overall_scores,
        centres=centres,
        months=months,
        withheld_for=dict(withheld_for),
        band=_band(forms, overall_scores.get(("programme", ""))),
        policy=policy,
        period=covered,
        followups=tuple(items),
        verdicts=tuple(found),
        followup_policy=followup,
        finders=finding,
    )


def _overall(
    aggregates: Aggregates, k: int
) -> tuple[dict[tuple[str, str], Sample], dict[str, str], tuple[str, ...]]:
    """The overall scores of the programme, each entity, centre and entity's month (those
    large enough to publish), each centre's entity, and the months covered."""
    tallies: dict[tuple[str, str], Tally] = defaultdict(lambda: Tally(shoppers=set()))
    centres: dict[str, str] = {}
    months: set[str] = set()
    for (entity, centre, _service, month), by_name in aggregates.groups.items():
        months.add(month)
        centres.setdefault(centre, entity)
        tally = by_name.get(OVERALL)
        if tally is None:
            continue
        keys = (("programme", ""), ("entity", entity), ("centre", centre))
        months_of = (("month", f"{entity}|{month}"), ("centre-month", f"{centre}|{month}"))
        for key in (*keys, *months_of):
            tallies[key] = tallies[key].merge(tally, k)
    scores = {key: t.sample() for key, t in sorted(tallies.items()) if _publishable(t, k)}
    return scores, centres, tuple(sorted(months))


def _band(forms: Sequence[Form], sample: Sample | None) -> dict[str, str]:
    """The band of the programme's overall score, by language, on the first form with bands."""
    banded = next((form for form in forms if form.bands), None)
    if banded is None or sample is None:
        return {}
    found = grade(banded, sample.mean)
    if found is None:
        return {}
    return dict(found.label) or {"en": found.grade}


def recommendations_data(insights: Insights) -> list[dict[str, Any]]:
    """The recommendations as JSON-ready data, for tracking."""
    verdicts = {verdict.recommendation: verdict for verdict in insights.verdicts}
    taken = {item.recommendation: item.on for item in insights.followups}
    rows: list[dict[str, Any]] = []
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
        verdict = verdicts.get(r.id)
        if verdict is not None:
            rows[-1]["followup"] = _followup_data(taken[r.id], verdict)
    return rows


def _sample_data(sample: Sample, interval: tuple[float, float]) -> dict[str, Any]:
    mean = round(sample.mean, 2) if sample.count else 0.0
    low, high = (round(interval[0], 2), round(interval[1], 2)) if sample.count else (0.0, 0.0)
    return {"count": sample.count, "mean": mean, "interval": [low, high]}


def _followup_data(on: date, verdict: Verdict) -> dict[str, Any]:
    """A follow-up's verdict as JSON-ready data."""
    comparison = verdict.comparison
    return {
        "taken_up": on.isoformat(),
        "window": [day.isoformat() for day in verdict.window],
        "verdict": verdict.verdict,
        "before": _sample_data(verdict.before, verdict.before_interval),
        "after": _sample_data(verdict.after, verdict.after_interval),
        "difference": None if comparison is None else round(comparison.difference, 2),
        "p_adjusted": verdict.p_adjusted,
        "needed": verdict.needed,
        "more": verdict.more,
    }
