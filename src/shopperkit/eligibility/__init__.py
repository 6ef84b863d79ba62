"""Stage 1: eligibility rules, evaluated at the programme's reference date or, when the
programme says so, at each applicant's application date."""

from shopperkit.eligibility.rules import Check, RuleContext, RuleDefinition, RuleExample
from shopperkit.eligibility.screening import (
    REFERENCE_DATE_RULES,
    Screener,
    applicant_of,
    reference_date_rule,
    screen,
)

__all__ = [
    "REFERENCE_DATE_RULES",
    "Check",
    "RuleContext",
    "RuleDefinition",
    "RuleExample",
    "Screener",
    "applicant_of",
    "reference_date_rule",
    "screen",
]
