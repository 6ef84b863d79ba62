"""Stage 2: the personal interview, and the candidate pool it produces.

Several committee members score each judged criterion. The programme's pass rule decides:

``each_criterion_mean``
    every criterion's mean score is at least the pass mark (the default);
``overall_mean``
    the mean of the criterion means is at least the pass mark;
``majority_of_members``
    more than half of the members give a mean score of at least the pass mark.

Applicants who pass and were eligible at screening form the pool the cohort is drawn from.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from statistics import fmean
from typing import TYPE_CHECKING, Any

from attrs import field, frozen

from shopperkit.dimensions import require_dimension
from shopperkit.eligibility.rules import make_reason
from shopperkit.eligibility.screening import applicant_of, feb29_policy, reference_date
from shopperkit.errors import ProgrammeError
from shopperkit.i18n.languages import Languages
from shopperkit.messages import Templates
from shopperkit.model.interview import InterviewOutcome, InterviewScore
from shopperkit.model.people import Applicant
from shopperkit.model.pool import Candidate, Pool
from shopperkit.model.programme import Programme
from shopperkit.model.verdicts import Reason, Status, Verdict
from shopperkit.plugins import Plugins

if TYPE_CHECKING:
    from shopperkit.registry import Registry

PASS_RULES = ("each_criterion_mean", "overall_mean", "majority_of_members")
RULE = "interview"


@frozen
class InterviewPolicy:
    """How a programme decides an interview: criteria, scale, pass rule and pass mark, and
    the languages its reasons are written in."""

    criteria: tuple[str, ...]
    pass_rule: str
    pass_mark: float
    scale_min: float
    scale_max: float
    languages: Languages = field(factory=Languages)

    @classmethod
    def of(cls, programme: Programme) -> InterviewPolicy:
        """The policy from the programme's parameters (defaults: 1 to 5, mean of 3 each)."""
        rule = programme.text("interview_pass_rule", PASS_RULES[0])
        if rule not in PASS_RULES:
            raise ProgrammeError("pass_rule_unknown", {"name": rule, "known": list(PASS_RULES)})
        return cls(
            criteria=tuple(c.id for c in programme.judged_criteria if c.stage == "interview"),
            pass_rule=rule,
            pass_mark=programme.number("interview_pass_mark", 3.0),
            scale_min=programme.number("interview_scale_min", 1.0),
            scale_max=programme.number("interview_scale_max", 5.0),
            languages=Languages.of(programme),
        )


def decide(
    policy: InterviewPolicy,
    applicant: str,
    scores: Sequence[InterviewScore],
    messages: Mapping[str, Templates],
) -> InterviewOutcome:
    """Apply the pass rule to one applicant's scores; the outcome keeps every score."""
    by_criterion: dict[str, list[float]] = defaultdict(list)
    by_member: dict[str, list[float]] = defaultdict(list)
    for score in scores:
        by_criterion[score.criterion].append(score.score)
        by_member[score.member].append(score.score)
    means = {criterion: fmean(values) for criterion, values in sorted(by_criterion.items())}
    reasons: list[Reason] = []

    def fail(code: str, **params: object) -> None:
        reasons.append(
            make_reason(messages, RULE, code, Status.INELIGIBLE, params, policy.languages)
        )

    for criterion in policy.criteria:
        if criterion not in means:
            fail("interview_criterion_not_scored", criterion=criterion)
    if not reasons:
        mark = policy.pass_mark
        if policy.pass_rule == "each_criterion_mean":
            for criterion in policy.criteria:
                if means[criterion] < mark:
                    fail(
                        "interview_below_pass_mark",
                        criterion=criterion,
                        score=round(means[criterion], 2),
                        pass_mark=mark,
                    )
        elif policy.pass_rule == "overall_mean":
            overall = fmean(means[criterion] for criterion in policy.criteria)
            if overall < mark:
                fail("interview_overall_below_pass_mark", score=round(overall, 2), pass_mark=mark)
        else:
            passing = sum(1 for values in by_member.values() if fmean(values) >= mark)
            if passing * 2 <= len(by_member):
                fail("interview_majority_failed", passing=passing, members=len(by_member))
    return InterviewOutcome(
        applicant=applicant,
        passed=not reasons,
        pass_rule=policy.pass_rule,
        pass_mark=policy.pass_mark,
        criterion_means=means,
        scores=tuple(scores),
        reasons=tuple(reasons),
    )


def run_interviews(
    programme: Programme,
    verdicts: Mapping[str, Verdict],
    scores: Iterable[InterviewScore],
    messages: Mapping[str, Templates],
) -> list[InterviewOutcome]:
    """An outcome for every eligible applicant and for everyone who was scored, by id.

    Scores for someone not eligible at screening, and eligible applicants without scores,
    give a failed outcome that says so: nobody is dropped silently.
    """
    policy = InterviewPolicy.of(programme)
    grouped: dict[str, list[InterviewScore]] = defaultdict(list)
    for score in scores:
        grouped[score.applicant].append(score)
    ids = sorted(set(grouped) | {i for i, v in verdicts.items() if v.status is Status.ELIGIBLE})
    outcomes = []
    for applicant in ids:
        verdict = verdicts.get(applicant)
        own = grouped.get(applicant, [])
        if verdict is None or verdict.status is not Status.ELIGIBLE:
            status = verdict.status.value if verdict else "not screened"
            reason = make_reason(
                messages,
                RULE,
                "interview_not_eligible",
                Status.INELIGIBLE,
                {"status": status},
                policy.languages,
            )
            outcomes.append(
                InterviewOutcome(
                    applicant, False, policy.pass_rule, policy.pass_mark, {}, tuple(own), (reason,)
                )
            )
        elif not own:
            reason = make_reason(
                messages, RULE, "interview_missing", Status.INELIGIBLE, {}, policy.languages
            )
            outcomes.append(
                InterviewOutcome(
                    applicant, False, policy.pass_rule, policy.pass_mark, {}, (), (reason,)
                )
            )
        else:
            outcomes.append(decide(policy, applicant, own, messages))
    return outcomes


def build_pool(
    programme: Programme,
    plugins: Plugins,
    applicants: Iterable[Applicant],
    outcomes: Iterable[InterviewOutcome],
    *,
    as_of: date | None = None,
) -> Pool:
    """The candidate pool: the applicants who passed, in id order, with their value on every
    diversity dimension of the programme.

    A dimension value that cannot be told (say, no profession given) is ``unknown``.
    """
    day = reference_date(programme, as_of)
    policy = feb29_policy(programme)
    known = plugins.dimensions()
    names = programme.strings("diversity_dimensions")
    derive = [
        (name, require_dimension(known, name).build(programme, day, policy)) for name in names
    ]
    passed = {outcome.applicant for outcome in outcomes if outcome.passed}
    candidates = tuple(
        Candidate(
            applicant.id, {name: function(applicant) or "unknown" for name, function in derive}
        )
        for applicant in sorted(applicants, key=lambda a: a.id)
        if applicant.id in passed
    )
    return Pool(tuple(names), candidates)


@frozen
class Interviewed:
    """The outcome of stage 2: every applicant's interview outcome, and the candidate pool."""

    outcomes: tuple[InterviewOutcome, ...]
    pool: Pool


def interview(
    applicants: Iterable[Applicant | Mapping[str, Any]],
    verdicts: Iterable[Verdict],
    scores: Iterable[InterviewScore],
    programme: Programme | str,
    registry: Registry,
    *,
    as_of: date | None = None,
) -> Interviewed:
    """Stage 2: apply the programme's pass rule to the committee's scores and build the pool.

    ``verdicts`` are the screening verdicts (from :func:`shopperkit.screen`), by applicant id;
    ``applicants`` give the pool its diversity values (models, or mappings shaped as
    ``applicant.schema.json``). Nobody is dropped silently: scores for someone not eligible,
    and eligible applicants without scores, give failed outcomes that say so.
    """
    chosen = registry.programme(programme)
    people = [applicant_of(item, f"$[{index}]") for index, item in enumerate(applicants)]
    by_id = {verdict.id: verdict for verdict in verdicts}
    outcomes = run_interviews(chosen, by_id, scores, registry.plugins.messages())
    pool = build_pool(chosen, registry.plugins, people, outcomes, as_of=as_of)
    return Interviewed(tuple(outcomes), pool)


__all__ = [
    "PASS_RULES",
    "InterviewPolicy",
    "Interviewed",
    "build_pool",
    "decide",
    "interview",
    "run_interviews",
]
