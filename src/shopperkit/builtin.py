"""The built-in plugin: generic eligibility rules, dimensions and the core messages.

Registered like any other plugin, so blocking or replacing it works the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from shopperkit import hookimpl
from shopperkit.dimensions import BUILTIN_DIMENSIONS, DimensionDefinition
from shopperkit.eligibility.rules import BUILTIN_RULES, RuleDefinition
from shopperkit.messages import CORE_MESSAGES


@hookimpl
def shopperkit_eligibility_rules() -> Sequence[RuleDefinition]:
    return BUILTIN_RULES


@hookimpl
def shopperkit_dimensions() -> Sequence[DimensionDefinition]:
    return BUILTIN_DIMENSIONS


@hookimpl
def shopperkit_messages() -> Mapping[str, Mapping[str, str]]:
    return CORE_MESSAGES
