"""Programmes are data plus rules: dated, sourced parameters and the rules that use them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TypeVar

from attrs import frozen

from shopperkit.errors import ProgrammeError

ParameterValue = bool | int | float | str | date | tuple[str, ...] | Mapping[str, int | float]
"""What a parameter may hold. Dates are dates (the parameter's unit is ``date``); a mapping
gives a number per name (``{"age_group": 0.3}``)."""

_T = TypeVar("_T")

RECRUITED = "recruited"
OPEN = "open"


@frozen
class Parameter:
    """One value of a programme with its provenance.

    ``reference`` names the source (a decree, an announcement); ``effective_from`` is the date
    the value takes effect; ``unit`` is given where one applies (``years``, ``seats``,
    ``share``, ``date``, ``points``).
    """

    value: ParameterValue
    description: str
    reference: str
    effective_from: date
    unit: str | None = None


@frozen
class RuleUse:
    """A rule the programme applies, with each rule parameter bound to a programme parameter."""

    rule: str
    params: Mapping[str, str] = {}


@frozen
class Override:
    """An explicit, recorded replacement of one rule by another (a reform, not an extension)."""

    rule: str
    replaced_by: str
    reason: str
    reference: str


@frozen
class Declaration:
    """A commitment an applicant must accept (the shopper's responsibilities)."""

    id: str
    text: Mapping[str, str]


@frozen
class JudgedCriterion:
    """A criterion people judge (credibility, public spirit) at a later stage, not screening."""

    id: str
    text: Mapping[str, str]
    stage: str = "interview"


@frozen
class Basis:
    """What a programme built with ``extends`` is based on, and every change it makes.

    ``lineage`` lists the base and each programme the base is itself built on, nearest
    first, as ``id@version``. The change lists name top-level fields, parameters and rules.
    """

    programme: str
    version: str
    lineage: tuple[str, ...]
    replaced_fields: tuple[str, ...] = ()
    added_parameters: tuple[str, ...] = ()
    changed_parameters: tuple[str, ...] = ()
    removed_parameters: tuple[str, ...] = ()
    added_rules: tuple[str, ...] = ()
    removed_rules: tuple[str, ...] = ()
    added_overrides: tuple[str, ...] = ()


@frozen
class Programme:
    """A Mystery Shopper programme: who may take part, how many, and by which rules.

    ``based_on`` is set on a programme built from another with ``extends``; the programme
    itself is always complete (every inherited field, parameter and rule is in it).
    """

    id: str
    version: str
    title: Mapping[str, str]
    authority: Mapping[str, str]
    participation: str
    parameters: Mapping[str, Parameter]
    rules: tuple[RuleUse, ...] = ()
    overrides: tuple[Override, ...] = ()
    declarations: tuple[Declaration, ...] = ()
    judged_criteria: tuple[JudgedCriterion, ...] = ()
    based_on: Basis | None = None

    @property
    def recruited(self) -> bool:
        """Whether a cohort is screened, interviewed and drawn (else anyone may evaluate)."""
        return self.participation == RECRUITED

    def parameter(self, name: str) -> Parameter:
        """The parameter called ``name``; a :class:`ProgrammeError` if there is none."""
        try:
            return self.parameters[name]
        except KeyError:
            raise ProgrammeError(
                "parameter_missing", {"programme": self.id, "name": name}
            ) from None

    def _typed(self, name: str, kind: type[_T], label: str, default: _T | None) -> _T:
        if default is not None and name not in self.parameters:
            return default
        value = self.parameter(name).value
        if isinstance(value, bool) is not (kind is bool) or not isinstance(value, kind):
            raise ProgrammeError(
                "parameter_wrong_type",
                {"name": name, "expected": label, "actual": type(value).__name__},
                where=f"programme {self.id}",
            )
        return value

    def integer(self, name: str, default: int | None = None) -> int:
        """An integer parameter (``default`` when the programme has none, if given)."""
        return self._typed(name, int, "an integer", default)

    def number(self, name: str, default: float | None = None) -> float:
        """A numeric parameter; an integer is accepted."""
        if default is not None and name not in self.parameters:
            return default
        value = self.parameter(name).value
        if isinstance(value, float):
            return value
        return float(self._typed(name, int, "a number", None))

    def day(self, name: str, default: date | None = None) -> date:
        """A date parameter."""
        return self._typed(name, date, "a date", default)

    def text(self, name: str, default: str | None = None) -> str:
        """A string parameter."""
        return self._typed(name, str, "a string", default)

    def strings(self, name: str, default: tuple[str, ...] | None = None) -> tuple[str, ...]:
        """A list-of-strings parameter."""
        return self._typed(name, tuple, "a list of strings", default)

    def numbers(self, name: str) -> Mapping[str, int | float]:
        """A parameter giving a number per name (``{"age_group": 0.3}``); empty when absent."""
        if name not in self.parameters:
            return {}
        value = self.parameter(name).value
        if not isinstance(value, Mapping) or not all(
            isinstance(n, int | float) and not isinstance(n, bool) for n in value.values()
        ):
            raise ProgrammeError(
                "parameter_wrong_type",
                {"name": name, "expected": "a number per name", "actual": type(value).__name__},
                where=f"programme {self.id}",
            )
        return value
