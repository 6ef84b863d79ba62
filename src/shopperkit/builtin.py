"""The built-in plugin: generic rules, dimensions, finding and recommendation rules, messages.

Registered like any other plugin, so blocking or replacing it works the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from shopperkit import hookimpl
from shopperkit.dimensions import BUILTIN_DIMENSIONS, DimensionDefinition
from shopperkit.eligibility.rules import BUILTIN_RULES, RuleDefinition
from shopperkit.i18n.catalogues import Template
from shopperkit.insights.findings import BUILTIN_FINDING_RULES, FindingRule
from shopperkit.insights.recommendations import BUILTIN_RULES as BUILTIN_RECOMMENDATIONS
from shopperkit.insights.recommendations import RecommendationRule
from shopperkit.messages import builtin_messages


@hookimpl
def shopperkit_eligibility_rules() -> Sequence[RuleDefinition]:
    return BUILTIN_RULES


@hookimpl
def shopperkit_dimensions() -> Sequence[DimensionDefinition]:
    return BUILTIN_DIMENSIONS


@hookimpl
def shopperkit_messages() -> Mapping[str, Mapping[str, Template]]:
    return builtin_messages()


@hookimpl
def shopperkit_finding_rules() -> Sequence[FindingRule]:
    return BUILTIN_FINDING_RULES


@hookimpl
def shopperkit_recommendation_rules() -> Sequence[RecommendationRule]:
    return BUILTIN_RECOMMENDATIONS
