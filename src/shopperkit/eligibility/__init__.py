"""Stage 1: eligibility rules, evaluated at the programme's reference date."""

from shopperkit.eligibility.rules import Check, RuleContext, RuleDefinition, RuleExample
from shopperkit.eligibility.screening import Screener, applicant_of, screen

__all__ = [
    "Check",
    "RuleContext",
    "RuleDefinition",
    "RuleExample",
    "Screener",
    "applicant_of",
    "screen",
]
