"""Follow-ups: repeat visits that show whether a recommendation worked.

When an entity accepts a recommendation (or marks it done), the factor it named is measured
again over a follow-up window: from ``delay_days`` after the date of acceptance, for
``window_days``. The score before is the same factor, in the same group, over the visits
before the day of acceptance among the scores given (at least two of them; else the
finding's own sample, the evidence the recommendation was made on); the score after is the
factor over the window. The two are compared with the statistics findings use (Welch's
t-test, with the Benjamini-Hochberg procedure across every follow-up evaluated together), and
each recommendation gets a verdict: ``improved``, ``no_supported_change``, ``worse``, or
``not_enough_visits`` with how many more visits the window needs.

How many visits are needed: enough for the test to detect a true change of
``minimum_difference`` points with probability ``power`` at level ``alpha``, taking the
scores after to spread as the scores before did (their sample standard deviation ``s``, over
``n`` evaluations before). With Welch's test the standard error of the difference must come
down to ``minimum_difference / (t(1 - alpha/2) + t(power))`` (``t`` the quantiles of
Student's t at Welch's degrees of freedom), and ``s^2/n + s^2/m`` is that squared for
``m = s^2 / (se^2 - s^2/n)`` visits after, rounded up. When the sample before is itself too
small for any number of visits after to reach the power, ``needed`` is None.

A follow-up concludes only once its window holds the visits planned: stopping as soon as a
test happens to pass would make "improved" come far more often than ``alpha`` promises.

Pure functions on models; the scores after are tallied one evaluation (or score record) at
a time by :class:`AfterTallies`, so a report reading a scores file in one pass tallies them
as :func:`verdicts` does, without holding the evaluations.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from attrs import define, evolve, field, frozen

from shopperkit.assignment.model import Period, Target
from shopperkit.assignment.scheduler import Schedule
from shopperkit.errors import ProgrammeError
from shopperkit.insights.findings import handoff_services
from shopperkit.insights.recommendations import (
    ACCEPTED,
    DONE,
    Recommendation,
    StatusChange,
    current_status,
)
from shopperkit.insights.stats import Comparison, Sample, benjamini_hochberg, t_quantile, welch
from shopperkit.model.evaluations import ScoredEvaluation
from shopperkit.model.programme import Programme
from shopperkit.model.services import Directory, ServiceCentre
from shopperkit.scoring.tallies import Tally

IMPROVED = "improved"
NO_SUPPORTED_CHANGE = "no_supported_change"
WORSE = "worse"
NOT_ENOUGH_VISITS = "not_enough_visits"
VERDICTS = (IMPROVED, NO_SUPPORTED_CHANGE, WORSE, NOT_ENOUGH_VISITS)

DELAY_DAYS = "followup_delay_days"
WINDOW_DAYS = "followup_window_days"
POWER = "followup_power"
MINIMUM_DIFFERENCE = "followup_minimum_difference"
ALPHA = "followup_alpha"
EXCLUDE_FINDERS = "followup_exclude_finders"


def _where(programme: Programme, name: str) -> str:
    return f"programme {programme.id}: $.parameters.{name}.value"


@frozen
class FollowupPolicy:
    """The programme's follow-up parameters.

    ``delay_days`` after a recommendation is accepted the window opens, for ``window_days``
    days; ``power`` is the chance the test should have of detecting a true change of
    ``minimum_difference`` points at false discovery rate ``alpha``; ``exclude_finders``
    keeps the shoppers whose visits made the finding off its repeat visits.
    """

    delay_days: int = 30
    window_days: int = 90
    power: float = 0.8
    minimum_difference: float = 5.0
    alpha: float = 0.05
    exclude_finders: bool = True

    @classmethod
    def of(cls, programme: Programme) -> FollowupPolicy:
        """The policy a programme sets, validated; the defaults above where it sets none.

        A negative delay is ``parameter_negative``; a window under one day, a power or alpha
        outside (0, 1) or a difference not above 0 is ``parameter_out_of_range``.
        """
        default = cls()
        delay = programme.integer(DELAY_DAYS, default.delay_days)
        if delay < 0:
            raise ProgrammeError(
                "parameter_negative",
                {"name": DELAY_DAYS, "value": delay},
                where=_where(programme, DELAY_DAYS),
            )
        window = programme.integer(WINDOW_DAYS, default.window_days)
        power = programme.number(POWER, default.power)
        difference = programme.number(MINIMUM_DIFFERENCE, default.minimum_difference)
        alpha = programme.number(ALPHA, default.alpha)
        checks: tuple[tuple[str, float, bool, str], ...] = (
            (WINDOW_DAYS, window, window >= 1, "1 or more"),
            (POWER, power, 0.0 < power < 1.0, "between 0 and 1, both excluded"),
            (MINIMUM_DIFFERENCE, difference, 0.0 < difference <= 100.0, "above 0, at most 100"),
            (ALPHA, alpha, 0.0 < alpha < 1.0, "between 0 and 1, both excluded"),
        )
        for name, value, ok, rule in checks:
            if not ok or (isinstance(value, float) and not math.isfinite(value)):
                raise ProgrammeError(
                    "parameter_out_of_range",
                    {"name": name, "value": value, "range": rule},
                    where=_where(programme, name),
                )
        exclude = programme.boolean(EXCLUDE_FINDERS, default.exclude_finders)
        return cls(
            delay_days=delay,
            window_days=window,
            power=power,
            minimum_difference=difference,
            alpha=alpha,
            exclude_finders=exclude,
        )


@frozen
class Followup:
    """A recommendation to verify: the group and factor it named, when the entity took it
    up (``on``, the first change to ``accepted`` or ``done``), and the score before."""

    recommendation: str
    entity: str
    level: str
    key: str
    factor: str
    on: date
    before: Sample
    period: str = ""

    def window(self, policy: FollowupPolicy) -> tuple[date, date]:
        """The first and last day (both included) whose visits count as after."""
        start = self.on + timedelta(days=policy.delay_days)
        return (start, start + timedelta(days=policy.window_days - 1))


def followups(
    recommendations: Iterable[Recommendation], changes: Iterable[StatusChange]
) -> list[Followup]:
    """The recommendations taken up (accepted or done) in ``changes``, as follow-ups, in the
    order of ``recommendations``; the date is that of the first such change."""
    taken: dict[str, date] = {}
    for change in changes:
        if change.status in (ACCEPTED, DONE):
            earlier = taken.get(change.recommendation)
            taken[change.recommendation] = change.on if earlier is None else min(earlier, change.on)
    return [
        Followup(
            recommendation=r.id,
            entity=r.entity,
            level=r.finding.level,
            key=r.finding.key,
            factor=r.finding.factor,
            on=taken[r.id],
            before=r.finding.sample,
            period=r.finding.period,
        )
        for r in recommendations
        if r.id in taken
    ]


def factor_score(followup: Followup, evaluation: ScoredEvaluation) -> float | None:
    """The score ``evaluation`` gives the follow-up's factor in its group, or None when the
    evaluation is outside the group or did not score the factor."""
    if followup.level == "handoff":
        return evaluation.handoffs.get(followup.key)
    place = {
        "entity": evaluation.entity,
        "centre": evaluation.centre,
        "service": evaluation.service,
    }.get(followup.level)
    return evaluation.sections.get(followup.factor) if place == followup.key else None


PLACES = ("entity", "centre", "service")
"""The levels of a group a visit is at; a hand-off is the fourth."""
_Scored = tuple[str, str, str, tuple[str, ...], tuple[str, ...]]


def _named(scores: Mapping[str, float | None]) -> tuple[str, ...]:
    """The names of the scores given (not None), in order."""
    if None not in scores.values():
        return tuple(scores)
    return tuple([name for name, score in scores.items() if score is not None])


@define
class AfterTallies:
    """The scores of the follow-up windows opened by the days ``on`` taken up, tallied one
    visit at a time: by (day taken up, level, key, factor), each visit in the windows it
    falls in, and before every day taken up after it. :meth:`add_record` takes a score
    record, :meth:`add` a scored evaluation; :meth:`sample` is then a follow-up's scores
    after, :meth:`with_before` the follow-ups with their scores before, and
    :meth:`finders_of` the shoppers whose visits made its finding (as :func:`finders`)."""

    policy: FollowupPolicy
    on: list[date]
    """The days taken up, sorted, each once."""
    tallies: dict[tuple[date, str, str, str], Tally] = field(factory=dict)
    before: dict[tuple[date, str, str, str], Tally] = field(factory=dict)
    first_visits: dict[_Scored, dict[str, date]] = field(factory=dict)
    """What a visit scored (entity, centre, service, the factors, the hand-offs) -> shopper ->
    the day of their first such visit, for the visits up to the last day taken up: one
    update a visit, however many factors it scores."""

    @classmethod
    def of(cls, on: Iterable[date], policy: FollowupPolicy | None = None) -> AfterTallies:
        """Empty tallies for the windows opened by the days ``on``."""
        return cls(policy or FollowupPolicy(), sorted(set(on)))

    def opened(self, day: date) -> list[date]:
        """The days taken up whose window holds ``day``."""
        last = day - timedelta(days=self.policy.delay_days)
        first = last - timedelta(days=self.policy.window_days - 1)
        return self.on[bisect_left(self.on, first) : bisect_right(self.on, last)]

    def tally(
        self,
        day: date,
        places: Mapping[str, str],
        sections: Mapping[str, float | None],
        handoffs: Mapping[str, float | None],
        shopper: str | None = None,
        *,
        take_back: bool = False,
    ) -> None:
        """Tally (or, with ``take_back``, take back) one visit on ``day`` at ``places``
        (level -> key) with its ``sections`` and ``handoffs`` scores, made by ``shopper``.
        A visit taken back leaves its shopper among the finders: kept off the repeat visits
        all the same."""
        windows = [(on, self.tallies) for on in self.opened(day)]
        windows += [(on, self.before) for on in self.on[bisect_right(self.on, day) :]]
        finding = shopper is not None and not take_back and bool(self.on) and day <= self.on[-1]
        if not windows and not finding:
            return
        scores = [
            (level, places[level], factor, score)
            for level in PLACES
            for factor, score in sections.items()
            if score is not None
        ]
        scores += [
            ("handoff", key, "", score) for key, score in handoffs.items() if score is not None
        ]
        for on, tallies in windows:
            for level, key, factor, score in scores:
                name = (on, level, key, factor)
                tally = tallies.get(name)
                if take_back:
                    if tally is not None:
                        tally.remove(score)
                else:
                    if tally is None:
                        tally = tallies[name] = Tally()
                    tally.add(score)
        if shopper is not None and finding:
            scored = (
                places["entity"],
                places["centre"],
                places["service"],
                _named(sections),
                _named(handoffs) if handoffs else (),
            )
            seen = self.first_visits.get(scored)
            if seen is None:
                self.first_visits[scored] = {shopper: day}
            else:
                first = seen.get(shopper)
                if first is None or day < first:
                    seen[shopper] = day

    def add(self, evaluation: ScoredEvaluation) -> None:
        """Tally a scored evaluation."""
        places = {level: getattr(evaluation, level) for level in PLACES}
        day = evaluation.visited_at.date()
        self.tally(day, places, evaluation.sections, evaluation.handoffs, evaluation.shopper)

    def add_record(self, record: Mapping[str, Any], *, take_back: bool = False) -> None:
        """Tally (or take back) a score record (``score.schema.json``)."""
        day = datetime.fromisoformat(record["visited_at"]).date()
        places = {level: record[level] for level in PLACES}
        sections, handoffs = record["sections"], record["handoffs"]
        self.tally(day, places, sections, handoffs, record["shopper"], take_back=take_back)

    def finders_of(self, item: Followup) -> tuple[str, ...]:
        """The shoppers whose visits tallied scored the follow-up's factor, in its group, on
        or before the day it was taken up (sorted): :func:`finders` of those visits."""
        found: set[str] = set()
        for (entity, centre, service, factors, handoffs), seen in self.first_visits.items():
            if item.level == "handoff":
                scored = item.key in handoffs
            else:
                place = {"entity": entity, "centre": centre, "service": service}[item.level]
                scored = place == item.key and item.factor in factors
            if scored:
                found.update(shopper for shopper, day in seen.items() if day <= item.on)
        return tuple(sorted(found))

    def sample(self, item: Followup) -> Sample:
        """The follow-up's scores after: count, mean and standard deviation."""
        factor = "" if item.level == "handoff" else item.factor
        tally = self.tallies.get((item.on, item.level, item.key, factor))
        return tally.sample() if tally is not None else Tally().sample()

    def with_before(self, items: Iterable[Followup]) -> list[Followup]:
        """The follow-ups, each with its scores before the day taken up when at least two
        were tallied (else the finding's own sample stays)."""
        made = []
        for item in items:
            factor = "" if item.level == "handoff" else item.factor
            tally = self.before.get((item.on, item.level, item.key, factor))
            enough = tally is not None and tally.count >= 2
            made.append(evolve(item, before=tally.sample()) if enough else item)  # type: ignore[union-attr]
        return made


def after_sample(
    followup: Followup,
    evaluations: Iterable[ScoredEvaluation],
    policy: FollowupPolicy,
) -> Sample:
    """The factor's scores in the follow-up window: count, mean and standard deviation."""
    tallies = AfterTallies.of([followup.on], policy)
    for evaluation in evaluations:
        tallies.add(evaluation)
    return tallies.sample(followup)


def visits_needed(before: Sample, policy: FollowupPolicy) -> int | None:
    """Visits after needed for the policy's power (see the module's docstring); None when
    no number is enough, or the sample before has fewer than two scores."""
    if before.count < 2:
        return None
    variance = before.stdev**2
    if variance == 0.0:
        return 2
    share = variance / before.count  # the part of the squared standard error fixed before
    # Normal quantiles first (t with very many degrees of freedom), then refined at the
    # degrees of freedom of Welch's test for that many visits.
    df = 1e6
    needed = 2
    for _ in range(8):
        quantiles = t_quantile(1.0 - policy.alpha / 2.0, df) + t_quantile(policy.power, df)
        target = (policy.minimum_difference / quantiles) ** 2
        if target <= share:
            return None
        count = max(2, math.ceil(variance / (target - share) - 1e-9))
        if count == needed and df < 1e6:
            break
        needed = count
        after = variance / count
        df = float(
            round((share + after) ** 2 / (share**2 / (before.count - 1) + after**2 / (count - 1)))
        )
    return needed


@frozen
class Verdict:
    """What the repeat visits found for one recommendation, with the evidence.

    ``comparison`` is after minus before (None until both have two scores); ``p_adjusted``
    the Benjamini-Hochberg adjusted p-value across the follow-ups concluded together;
    ``needed`` the visits after the power calls for and ``more`` how many are still missing
    (0 once concluded; None when no number of visits is enough).
    """

    recommendation: str
    verdict: str
    before: Sample
    after: Sample
    before_interval: tuple[float, float]
    after_interval: tuple[float, float]
    comparison: Comparison | None
    p_adjusted: float | None
    needed: int | None
    more: int | None
    window: tuple[date, date]


def adjusted_p_values(p_values: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values: ``p`` is a discovery at rate ``q`` in
    :func:`~shopperkit.insights.stats.benjamini_hochberg` exactly when its adjusted value is
    at most ``q``."""
    size = len(p_values)
    order = sorted(range(size), key=lambda i: p_values[i], reverse=True)
    adjusted = [1.0] * size
    running = 1.0
    for position, index in enumerate(order):
        rank = size - position
        running = min(running, p_values[index] * size / rank)
        adjusted[index] = max(running, p_values[index])  # never below p, even by rounding
    return adjusted


def verdicts(
    items: Iterable[Followup],
    evaluations: Iterable[ScoredEvaluation],
    policy: FollowupPolicy | None = None,
) -> list[Verdict]:
    """A verdict for each follow-up, in order, from the scored ``evaluations`` (read once,
    tallied by :class:`AfterTallies`): :func:`judge` of the scores after."""
    rules = policy or FollowupPolicy()
    items = list(items)
    tallies = AfterTallies.of((item.on for item in items), rules)
    for evaluation in evaluations:
        tallies.add(evaluation)
    items = tallies.with_before(items)
    return judge(items, [tallies.sample(item) for item in items], rules)


def judge(
    items: Sequence[Followup],
    afters: Sequence[Sample],
    policy: FollowupPolicy | None = None,
) -> list[Verdict]:
    """A verdict for each follow-up, in order, from its scores after (``afters``).

    Those whose window holds the visits needed are tested together: a change is supported
    when it is a discovery of the Benjamini-Hochberg procedure at rate ``alpha`` across them,
    and is then ``improved`` or ``worse`` by its sign, else ``no_supported_change``. The
    others are ``not_enough_visits``.
    """
    rules = policy or FollowupPolicy()
    needs = [visits_needed(item.before, rules) for item in items]
    comparisons = [welch(after, item.before) for item, after in zip(items, afters, strict=True)]
    ready = [
        index
        for index, (need, comparison) in enumerate(zip(needs, comparisons, strict=True))
        if need is not None and comparison is not None and afters[index].count >= need
    ]
    p_values = [c.p for i in ready if (c := comparisons[i]) is not None]
    supported = dict(zip(ready, benjamini_hochberg(p_values, rules.alpha), strict=True))
    adjusted = dict(zip(ready, adjusted_p_values(p_values), strict=True))
    made = []
    for index, item in enumerate(items):
        after, need, comparison = afters[index], needs[index], comparisons[index]
        if index in supported and comparison is not None:
            verdict = (
                (IMPROVED if comparison.difference > 0 else WORSE)
                if supported[index]
                else NO_SUPPORTED_CHANGE
            )
            more: int | None = 0
        else:
            verdict = NOT_ENOUGH_VISITS
            more = None if need is None else max(need - after.count, 0)
        made.append(
            Verdict(
                recommendation=item.recommendation,
                verdict=verdict,
                before=item.before,
                after=after,
                before_interval=item.before.interval(),
                after_interval=after.interval(),
                comparison=comparison,
                p_adjusted=adjusted.get(index),
                needed=need,
                more=more,
                window=item.window(rules),
            )
        )
    return made


def verdict_counts(made: Iterable[Verdict]) -> Mapping[str, int]:
    """How many follow-ups have each verdict (every verdict listed, 0 when none)."""
    counts = dict.fromkeys(VERDICTS, 0)
    for verdict in made:
        counts[verdict.verdict] += 1
    return counts


def finders(item: Followup, evaluations: Iterable[ScoredEvaluation]) -> tuple[str, ...]:
    """The shoppers whose evaluations of the follow-up's factor, in its group, were made on
    or before the day it was taken up: those the finding's evidence came from (sorted)."""
    return tuple(
        sorted(
            {
                evaluation.shopper
                for evaluation in evaluations
                if evaluation.visited_at.date() <= item.on
                and factor_score(item, evaluation) is not None
            }
        )
    )


@frozen
class FollowupTarget:
    """A coverage target for a follow-up's repeat visits, and the shoppers kept off it."""

    recommendation: str
    target: Target
    excluded: tuple[str, ...] = ()


def _places(item: Followup, directory: Directory) -> list[tuple[str, str, tuple[str, ...]]]:
    """(centre, service, journey) of each kind of visit that scores the follow-up's group."""
    services = {service.id: service for service in directory.services}

    def offered(centre: ServiceCentre) -> list[str]:
        if centre.services:
            return [name for name in centre.services if name in services]
        return sorted(name for name, s in services.items() if s.entity == centre.entity)

    found: list[tuple[str, str, tuple[str, ...]]] = []
    for centre in sorted(directory.centres, key=lambda c: c.id):
        if item.level == "handoff":
            joined = handoff_services(item.key)
            if joined is not None and joined[0] in offered(centre) and joined[1] in services:
                found.append((centre.id, joined[0], (joined[1],)))
            continue
        for name in offered(centre):
            place = {"entity": centre.entity, "centre": centre.id, "service": name}
            if place.get(item.level) == item.key:
                found.append((centre.id, name, ()))
    return found


def _spread(total: int, weeks: int, places: int) -> list[tuple[int, int, int]]:
    """(week, place, visits) when visit ``n`` of ``total`` goes to week ``n % weeks`` and
    place ``(n // weeks) % places``: counted, not enumerated, so any total is quick."""
    spread = []
    for week in range(weeks):
        rounds = max(0, -(-(total - week) // weeks))  # visits n < total with n % weeks == week
        for place in range(places):
            count = rounds // places + (1 if place < rounds % places else 0)
            if count:
                spread.append((week, place, count))
    return spread


def followup_targets(
    made: Sequence[Verdict],
    items: Sequence[Followup],
    directory: Directory,
    period: Period,
    evaluations: Iterable[ScoredEvaluation] = (),
    policy: FollowupPolicy | None = None,
    kept_off: Mapping[str, Sequence[str]] | None = None,
) -> list[FollowupTarget]:
    """Coverage targets for the repeat visits still missing, in the weeks of ``period``
    inside each follow-up's window, for :func:`~shopperkit.assignment.assign`.

    ``made`` are the verdicts of ``items`` (in the same order). Each ``not_enough_visits``
    follow-up asks for its ``more`` visits, spread in turn over the week of the period in
    its window and over the centres and services of its group (a hand-off: a mission from
    the service handing over to the one receiving), on the ``visit`` channel where the
    service has one. With ``exclude_finders``, the shoppers whose ``evaluations`` made the
    finding are kept off (pass ``{t.target: t.excluded for t in targets}`` to ``assign``),
    or those ``kept_off`` names for the recommendation (its finders as kept, say), when it
    names it. A follow-up whose window misses the period, or whose group the directory does
    not know, gets no target.
    """
    rules = policy or FollowupPolicy()
    scored = list(evaluations)
    services = {service.id: service for service in directory.services}
    made_targets = []
    for verdict, item in zip(made, items, strict=True):
        if verdict.verdict != NOT_ENOUGH_VISITS or not verdict.more:
            continue
        start, end = item.window(rules)
        weeks = [
            week
            for week in range(1, period.weeks + 1)
            if any(start <= day <= end for day in period.days(week))
        ]
        places = _places(item, directory)
        if not weeks or not places:
            continue
        excluded: tuple[str, ...] = ()
        if rules.exclude_finders:
            given = (kept_off or {}).get(item.recommendation)
            excluded = tuple(given) if given is not None else finders(item, scored)
        for week, place, count in _spread(verdict.more, len(weeks), len(places)):
            centre, service, journey = places[place]
            channels = services[service].channels
            channel = "visit" if "visit" in channels else channels[0]
            target = Target(centre, service, weeks[week], count, channel, journey)
            made_targets.append(FollowupTarget(item.recommendation, target, excluded))
    return made_targets


@frozen
class KeptVerdict:
    """A follow-up's verdict as a workspace keeps it: reached ``on``, from scores up to
    ``until`` (their last day; None when not known), with the follow-up ``item`` it judged
    and its ``finders`` (the shoppers whose visits made the finding). Verdicts kept before
    these were have no ``item`` and no finders."""

    on: date
    verdict: Verdict
    item: Followup | None = None
    finders: tuple[str, ...] = ()
    until: date | None = None


def latest_kept(kept: Iterable[KeptVerdict]) -> dict[str, KeptVerdict]:
    """The latest kept verdict of each recommendation (``kept`` in the order kept)."""
    return {found.verdict.recommendation: found for found in kept}


def planned_counts(
    kept: Iterable[KeptVerdict], planned: Iterable[tuple[str, date]]
) -> dict[str, int]:
    """How many repeat visits are planned for each recommendation and not yet counted by its
    latest kept verdict, from ``planned`` (the recommendation and day of each visit planned
    for it): those on a day after the last day of the scores that verdict saw (every one
    when that day is not known, or no verdict is kept). Recommendations with none are left
    out."""
    latest = latest_kept(kept)
    counts: dict[str, int] = {}
    for recommendation, day in planned:
        found = latest.get(recommendation)
        seen = found.until if found is not None else None
        if seen is None or day > seen:
            counts[recommendation] = counts.get(recommendation, 0) + 1
    return counts


def kept_targets(
    kept: Iterable[KeptVerdict],
    planned: Iterable[tuple[str, date]],
    directory: Directory,
    period: Period,
    policy: FollowupPolicy | None = None,
) -> list[FollowupTarget]:
    """:func:`followup_targets` for the follow-ups a workspace keeps: each one whose latest
    kept verdict is ``not_enough_visits`` (and was kept with its follow-up) asks for the
    visits it still misses less those already planned for it (:func:`planned_counts`), with
    its kept finders kept off under ``exclude_finders``. So scheduling the same period twice,
    or the next one, does not ask for the same visits again."""
    latest = list(latest_kept(kept).values())
    counts = planned_counts(latest, planned)
    made: list[Verdict] = []
    items: list[Followup] = []
    finding: dict[str, tuple[str, ...]] = {}
    for found in latest:
        verdict, item = found.verdict, found.item
        if item is None or verdict.verdict != NOT_ENOUGH_VISITS or verdict.more is None:
            continue
        more = max(verdict.more - counts.get(item.recommendation, 0), 0)
        made.append(evolve(verdict, more=more))
        items.append(item)
        finding[item.recommendation] = found.finders
    return followup_targets(made, items, directory, period, (), policy, finding)


def with_followups(
    targets: Sequence[Target], made: Sequence[FollowupTarget]
) -> tuple[list[Target], dict[Target, tuple[str, ...]], dict[int, str]]:
    """What :func:`~shopperkit.assignment.assign` takes to schedule ``targets`` and the
    follow-up targets ``made`` together: every target (``targets`` first), the shoppers kept
    off each (``excluded``; a target asked twice keeps off both sets), and the
    recommendation each follow-up target serves, by target number (from 1, as in
    ``Visit.target`` and ``Unmet.target``)."""
    every = [*targets, *(found.target for found in made)]
    excluded: dict[Target, tuple[str, ...]] = {}
    for found in made:
        if found.excluded:
            both = {*excluded.get(found.target, ()), *found.excluded}
            excluded[found.target] = tuple(sorted(both))
    serves = {len(targets) + n: found.recommendation for n, found in enumerate(made, 1)}
    return every, excluded, serves


def serving(schedule: Schedule, serves: Mapping[int, str]) -> Schedule:
    """``schedule`` saying which targets are follow-ups of which recommendation
    (``serves``, from :func:`with_followups`): ``followups`` in its summary (target number
    and recommendation) and ``recommendation`` on each unmet follow-up target."""
    if not serves:
        return schedule
    unmet = tuple(
        evolve(item, recommendation=serves[item.target]) if item.target in serves else item
        for item in schedule.unmet
    )
    listed = [{"target": n, "recommendation": r} for n, r in sorted(serves.items())]
    return evolve(schedule, unmet=unmet, summary={**schedule.summary, "followups": listed})


DUE, SCHEDULED, CONCLUDED = "due", "scheduled", "concluded"


@frozen
class FollowupState:
    """Where a recommendation taken up stands: ``due`` (repeat visits still needed, none
    planned: no verdict kept yet, or ``not_enough_visits``), ``scheduled`` (not concluded,
    and ``planned`` repeat visits planned that its latest verdict has not counted yet) or
    ``concluded`` (its latest verdict says what they found), with that verdict."""

    recommendation: str
    status: str
    taken_up: date
    state: str
    checked: date | None = None
    verdict: Verdict | None = None
    planned: int = 0


def followup_states(
    changes: Iterable[StatusChange],
    kept: Iterable[tuple[date, Verdict]],
    planned: Mapping[str, int] | None = None,
) -> list[FollowupState]:
    """Each recommendation accepted or done in the status log ``changes``, with its latest
    kept verdict (``kept``: the day reached and the verdict, in the order kept) and the
    repeat visits ``planned`` for it and not yet counted (by recommendation; see
    :func:`planned_counts`); in the order they were taken up."""
    changes = list(changes)
    status = current_status(changes)
    counts = planned or {}
    taken: dict[str, date] = {}
    for change in changes:
        if change.status in (ACCEPTED, DONE):
            taken.setdefault(change.recommendation, change.on)
    latest: dict[str, tuple[date, Verdict]] = {}
    for reached, made in kept:
        latest[made.recommendation] = (reached, made)
    states = []
    for recommendation, on in taken.items():
        checked: date | None = None
        verdict: Verdict | None = None
        if recommendation in latest:
            checked, verdict = latest[recommendation]
        ahead = counts.get(recommendation, 0)
        if verdict is not None and verdict.verdict != NOT_ENOUGH_VISITS:
            state = CONCLUDED
        else:
            state = SCHEDULED if ahead else DUE
        states.append(
            FollowupState(
                recommendation, status[recommendation], on, state, checked, verdict, ahead
            )
        )
    return states
