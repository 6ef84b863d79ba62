"""Stage 2: the committee's interview scores and the outcome per applicant."""

from __future__ import annotations

from collections.abc import Mapping

from attrs import frozen

from shopperkit.model.verdicts import Reason


@frozen
class InterviewScore:
    """One committee member's score for one judged criterion of one applicant."""

    applicant: str
    member: str
    criterion: str
    score: float


@frozen
class InterviewOutcome:
    """Whether an applicant passed the interview, kept with every score that decided it."""

    applicant: str
    passed: bool
    pass_rule: str
    pass_mark: float
    criterion_means: Mapping[str, float]
    scores: tuple[InterviewScore, ...]
    reasons: tuple[Reason, ...] = ()
