"""Small builders shared by tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from attrs import evolve

from shopperkit.model.people import Applicant, Residency
from shopperkit.model.programme import Parameter, Programme, RuleUse

QATAR_DECLARATIONS = frozenset(
    {
        "attend_training",
        "report_changes",
        "use_bureau_forms",
        "impartiality_confidentiality",
        "propose_improvements",
    }
)


def applicant(**changes: Any) -> Applicant:
    """A resident of five years, aged 30, who applied in the window: eligible for qatar-cgb."""
    base = Applicant(
        id="A1",
        birth_date=date(1992, 3, 14),
        nationality="Indian",
        residency=Residency("resident", date(2017, 1, 1)),
        gender="female",
        profession="teacher",
        employer="private-sector",
        declarations=QATAR_DECLARATIONS,
        applied_on=date(2022, 6, 20),
    )
    return evolve(base, **changes)


def with_parameter(
    programme: Programme, name: str, value: Any, unit: str | None = None
) -> Programme:
    """The programme with one parameter added or replaced."""
    parameter = Parameter(value, f"test value for {name}", "test", date(2022, 1, 1), unit)
    return evolve(programme, parameters={**programme.parameters, name: parameter})


def with_rule(programme: Programme, rule: str, **params: str) -> Programme:
    """The programme with one more rule."""
    return evolve(programme, rules=(*programme.rules, RuleUse(rule, params)))
