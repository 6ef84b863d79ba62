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
from pathlib import Path
from statistics import fmean

from attrs import frozen

from shopperkit.dimensions import require_dimension
from shopperkit.eligibility.rules import make_reason
from shopperkit.eligibility.screening import feb29_policy, reference_date
from shopperkit.errors import ProgrammeError
from shopperkit.io.files import csv_rows
from shopperkit.messages import Templates
from shopperkit.model.interview import InterviewOutcome, InterviewScore
from shopperkit.model.people import Applicant
from shopperkit.model.programme import Programme
from shopperkit.model.verdicts import Reason, Status, Verdict
from shopperkit.plugins import Plugins
from shopperkit.problems import FieldProblem, RecordError

PASS_RULES = ("each_criterion_mean", "overall_mean", "majority_of_members")
SCORE_COLUMNS = ("applicant", "member", "criterion", "score")
RULE = "interview"


@frozen
class InterviewPolicy:
    """How a programme decides an interview: criteria, scale, pass rule and pass mark."""

    criteria: tuple[str, ...]
    pass_rule: str
    pass_mark: float
    scale_min: float
    scale_max: float

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
        )


def read_scores(
    path: Path, policy: InterviewPolicy
) -> tuple[list[InterviewScore], list[RecordError]]:
    """Committee scores from a CSV with columns ``applicant,member,criterion,score``."""
    _, rows = csv_rows(path, SCORE_COLUMNS)
    scores: list[InterviewScore] = []
    errors: list[RecordError] = []
    for line, row in rows:
        found = [FieldProblem.of("value_missing", c) for c in SCORE_COLUMNS if not row.get(c)]
        value = 0.0
        if row.get("score"):
            try:
                value = float(row["score"])
            except ValueError:
                found.append(FieldProblem.of("number_unparseable", "score", value=row["score"]))
            else:
                if not policy.scale_min <= value <= policy.scale_max:
                    found.append(
                        FieldProblem.of(
                            "score_out_of_range",
                            "score",
                            value=value,
                            low=policy.scale_min,
                            high=policy.scale_max,
                        )
                    )
        if row.get("criterion") and row["criterion"] not in policy.criteria:
            found.append(
                FieldProblem.of(
                    "criterion_unknown",
                    "criterion",
                    value=row["criterion"],
                    allowed=list(policy.criteria),
                )
            )
        if found:
            errors.append(RecordError(str(path), line, row.get("applicant") or None, tuple(found)))
            continue
        scores.append(InterviewScore(row["applicant"], row["member"], row["criterion"], value))
    return scores, errors


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
        reasons.append(make_reason(messages, RULE, code, Status.INELIGIBLE, params))

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
                messages, RULE, "interview_not_eligible", Status.INELIGIBLE, {"status": status}
            )
            outcomes.append(
                InterviewOutcome(
                    applicant, False, policy.pass_rule, policy.pass_mark, {}, tuple(own), (reason,)
                )
            )
        elif not own:
            reason = make_reason(messages, RULE, "interview_missing", Status.INELIGIBLE, {})
            outcomes.append(
                InterviewOutcome(
                    applicant, False, policy.pass_rule, policy.pass_mark, {}, (), (reason,)
                )
            )
        else:
            outcomes.append(decide(policy, applicant, own, messages))
    return outcomes


def pool_rows(
    programme: Programme,
    plugins: Plugins,
    applicants: Iterable[Applicant],
    outcomes: Iterable[InterviewOutcome],
    *,
    as_of: date | None = None,
) -> tuple[list[str], list[dict[str, str]]]:
    """The candidate pool: passed applicants, column ``id`` plus one per diversity dimension.

    A dimension value that cannot be told (say, no profession given) is written ``unknown``.
    """
    day = reference_date(programme, as_of)
    policy = feb29_policy(programme)
    known = plugins.dimensions()
    names = programme.strings("diversity_dimensions")
    derive = [
        (name, require_dimension(known, name).build(programme, day, policy)) for name in names
    ]
    passed = {outcome.applicant for outcome in outcomes if outcome.passed}
    rows = []
    for applicant in sorted(applicants, key=lambda a: a.id):
        if applicant.id in passed:
            row = {"id": applicant.id}
            for name, function in derive:
                row[name] = function(applicant) or "unknown"
            rows.append(row)
    return ["id", *names], rows
