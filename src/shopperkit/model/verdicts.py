"""Screening verdicts and the reasons behind them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Any

from attrs import field, frozen


class Status(StrEnum):
    """The outcome of screening one applicant."""

    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    NEEDS_REVIEW = "needs_review"


@frozen
class Reason:
    """One rule that did not pass: its name, stable code, parameters and message.

    ``outcome`` is ``ineligible`` when the rule failed and ``needs_review`` when the data
    needed to decide was missing or could not be verified.
    """

    rule: str
    code: str
    outcome: Status
    params: Mapping[str, Any]
    message: Mapping[str, str]


@frozen
class Deferred:
    """A judged criterion that screening does not decide: it is settled at a later stage."""

    criterion: str
    stage: str
    message: Mapping[str, str]


@frozen
class Verdict:
    """The screening result for one applicant; ``reasons`` lists every rule that did not pass.

    ``parameters`` records, for each rule parameter whose value changes over time, the value
    in force at ``as_of`` that decided the verdict: its ``value``, ``effective_from``,
    ``calendar`` and ``reference`` (empty when the programme has no dated parameter).
    """

    id: str
    programme: str
    as_of: date
    status: Status
    reasons: tuple[Reason, ...] = ()
    deferred: tuple[Deferred, ...] = ()
    rules: tuple[str, ...] = ()
    parameters: Mapping[str, Mapping[str, Any]] = field(factory=dict)
