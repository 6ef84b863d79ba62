"""Programmes are data plus rules: dated, sourced parameters and the rules that use them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TypeVar

from attrs import frozen

from shopperkit.calendars import GREGORIAN
from shopperkit.errors import ProgrammeError

ParameterValue = bool | int | float | str | date | tuple[str, ...] | Mapping[str, int | float]
"""What a parameter may hold. Dates are dates (the parameter's unit is ``date``); a mapping
gives a number per name (``{"age_group": 0.3}``)."""

_T = TypeVar("_T")

RECRUITED = "recruited"
OPEN = "open"


@frozen
class DatedValue:
    """One value of a parameter with the date it takes effect, its source and its calendar.

    ``calendar`` (``gregorian`` or ``hijri_umm_al_qura``) says how an age or a period in
    years is counted; it means nothing for other units.
    """

    value: ParameterValue
    reference: str
    effective_from: date
    calendar: str = GREGORIAN


@frozen
class Parameter:
    """A value of a programme with its provenance, or a history of dated values.

    ``reference`` names the source (a decree, an announcement); ``effective_from`` is the date
    the value takes effect; ``unit`` is given where one applies (``years``, ``seats``,
    ``share``, ``date``, ``points``); ``calendar`` counts an age or a period (``years``).

    A dated parameter has ``earlier`` values too, oldest first, each in force from its own
    ``effective_from`` until the next one's: ``value``, ``reference``, ``effective_from`` and
    ``calendar`` are then the latest entry. :meth:`at` gives the entry in force on a date.
    A parameter with one value is in force on every date.
    """

    value: ParameterValue
    description: str
    reference: str
    effective_from: date
    unit: str | None = None
    calendar: str = GREGORIAN
    earlier: tuple[DatedValue, ...] = ()

    @property
    def dated(self) -> bool:
        """Whether the parameter is a history of values rather than one value."""
        return bool(self.earlier)

    @property
    def latest(self) -> DatedValue:
        """The latest value, with its date, source and calendar."""
        return DatedValue(self.value, self.reference, self.effective_from, self.calendar)

    @property
    def history(self) -> tuple[DatedValue, ...]:
        """Every value, oldest first (one entry for a parameter that is not dated)."""
        return (*self.earlier, self.latest)

    def at(self, on: date, name: str = "parameter") -> DatedValue:
        """The value in force on ``on``: the last whose ``effective_from`` is on or before it.

        A parameter that is not dated is in force on every date. A date before a history's
        first value raises :class:`ProgrammeError` (``parameter_not_in_force``) naming ``name``.
        """
        if not self.earlier or on >= self.effective_from:
            return self.latest
        for entry in reversed(self.earlier):
            if on >= entry.effective_from:
                return entry
        raise ProgrammeError(
            "parameter_not_in_force",
            {
                "name": name,
                "date": on.isoformat(),
                "first": self.earlier[0].effective_from.isoformat(),
            },
        )


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

    def value(self, name: str, on: date | None = None) -> ParameterValue:
        """The value of parameter ``name``: the one in force on ``on`` when given, else the
        latest (see :meth:`Parameter.at`)."""
        parameter = self.parameter(name)
        if on is None:
            return parameter.value
        return parameter.at(on, name).value

    def _typed(
        self, name: str, kind: type[_T], label: str, default: _T | None, on: date | None = None
    ) -> _T:
        if default is not None and name not in self.parameters:
            return default
        value = self.value(name, on)
        if isinstance(value, bool) is not (kind is bool) or not isinstance(value, kind):
            raise ProgrammeError(
                "parameter_wrong_type",
                {"name": name, "expected": label, "actual": type(value).__name__},
                where=f"programme {self.id}",
            )
        return value

    def integer(self, name: str, default: int | None = None, *, on: date | None = None) -> int:
        """An integer parameter (``default`` when the programme has none, if given).

        ``on`` picks the value in force on that date; without it, the latest. So do the
        other typed accessors.
        """
        return self._typed(name, int, "an integer", default, on)

    def number(self, name: str, default: float | None = None, *, on: date | None = None) -> float:
        """A numeric parameter; an integer is accepted."""
        if default is not None and name not in self.parameters:
            return default
        value = self.value(name, on)
        if isinstance(value, float):
            return value
        return float(self._typed(name, int, "a number", None, on))

    def boolean(self, name: str, default: bool | None = None, *, on: date | None = None) -> bool:
        """A true-or-false parameter."""
        return self._typed(name, bool, "true or false", default, on)

    def day(self, name: str, default: date | None = None, *, on: date | None = None) -> date:
        """A date parameter."""
        return self._typed(name, date, "a date", default, on)

    def text(self, name: str, default: str | None = None, *, on: date | None = None) -> str:
        """A string parameter."""
        return self._typed(name, str, "a string", default, on)

    def strings(
        self, name: str, default: tuple[str, ...] | None = None, *, on: date | None = None
    ) -> tuple[str, ...]:
        """A list-of-strings parameter."""
        return self._typed(name, tuple, "a list of strings", default, on)

    def numbers(self, name: str, *, on: date | None = None) -> Mapping[str, int | float]:
        """A parameter giving a number per name (``{"age_group": 0.3}``); empty when absent."""
        if name not in self.parameters:
            return {}
        value = self.value(name, on)
        if not isinstance(value, Mapping) or not all(
            isinstance(n, int | float) and not isinstance(n, bool) for n in value.values()
        ):
            raise ProgrammeError(
                "parameter_wrong_type",
                {"name": name, "expected": "a number per name", "actual": type(value).__name__},
                where=f"programme {self.id}",
            )
        return value
