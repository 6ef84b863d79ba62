"""The one cattrs converter that turns models to and from JSON-ready data.

It forbids unknown keys, writes dates as ISO strings and sets as sorted lists, and is private:
use :func:`to_data` and :func:`from_data`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from fractions import Fraction
from typing import Any, TypeVar

import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from cattrs.preconf.json import make_converter

from shopperkit.calendars import GREGORIAN
from shopperkit.errors import InputError
from shopperkit.model.evaluations import Answer
from shopperkit.model.forms import GradeBand, Option, PointsBand, Scalar, ShowIf
from shopperkit.model.programme import DatedValue, Parameter, ParameterValue, Programme
from shopperkit.model.verdicts import Verdict
from shopperkit.problems import FieldProblem
from shopperkit.selection.audit import Audit, Commitment, Replacement

T = TypeVar("T")

_converter = make_converter(forbid_extra_keys=True)
_converter.register_unstructure_hook_func(
    lambda cls: getattr(cls, "__origin__", cls) is frozenset, lambda value: sorted(value)
)


def _structure_parameter_value(value: Any, unit: str | None) -> ParameterValue:
    if unit == "date" and isinstance(value, str):
        return date.fromisoformat(value)
    if isinstance(value, list):
        return tuple(str(item) for item in value)
    if isinstance(value, Mapping):
        return {str(name): number for name, number in value.items()}
    if isinstance(value, bool | int | float | str | date):
        return value
    raise ValueError(f"unsupported parameter value {value!r}")


_SINGLE_KEYS = {"value", "description", "reference", "effective_from", "unit", "calendar"}
_DATED_KEYS = {"description", "unit", "values"}
_ENTRY_KEYS = {"value", "reference", "effective_from", "calendar"}


def _structure_entry(data: Mapping[str, Any], unit: str | None) -> DatedValue:
    unknown = set(data) - _ENTRY_KEYS
    if unknown:
        raise cattrs.ForbiddenExtraKeysError("", DatedValue, unknown)
    return DatedValue(
        value=_structure_parameter_value(data["value"], unit),
        reference=data["reference"],
        effective_from=date.fromisoformat(data["effective_from"]),
        calendar=data.get("calendar", GREGORIAN),
    )


def _structure_parameter(data: Mapping[str, Any], _: type) -> Parameter:
    unit = data.get("unit")
    unknown = set(data) - (_DATED_KEYS if "values" in data else _SINGLE_KEYS)
    if unknown:
        raise cattrs.ForbiddenExtraKeysError("", Parameter, unknown)
    if "values" in data:
        *earlier, latest = (_structure_entry(entry, unit) for entry in data["values"])
    else:
        earlier, latest = (
            [],
            _structure_entry({key: data[key] for key in _ENTRY_KEYS if key in data}, unit),
        )
    return Parameter(
        value=latest.value,
        description=data["description"],
        reference=latest.reference,
        effective_from=latest.effective_from,
        unit=unit,
        calendar=latest.calendar,
        earlier=tuple(earlier),
    )


def _unstructure_entry(entry: DatedValue) -> dict[str, Any]:
    data: dict[str, Any] = {
        "value": _converter.unstructure(entry.value),
        "reference": entry.reference,
        "effective_from": entry.effective_from.isoformat(),
    }
    if entry.calendar != GREGORIAN:
        data["calendar"] = entry.calendar
    return data


def _unstructure_parameter(parameter: Parameter) -> dict[str, Any]:
    if parameter.earlier:
        data: dict[str, Any] = {
            "description": parameter.description,
            "values": [_unstructure_entry(entry) for entry in parameter.history],
        }
    else:
        entry = _unstructure_entry(parameter.latest)
        data = {"value": entry.pop("value"), "description": parameter.description, **entry}
    if parameter.unit is not None:
        data["unit"] = parameter.unit
    return data


_converter.register_structure_hook(Parameter, _structure_parameter)
_converter.register_unstructure_hook(Parameter, _unstructure_parameter)


def _structure_scalar(value: Any, _: Any) -> Scalar:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"{value!r} is not a number or a string")
    return value


def _structure_answer(value: Any, _: Any) -> Answer:
    if isinstance(value, list | tuple):
        return tuple(_structure_scalar(item, None) for item in value)
    return _structure_scalar(value, None)


_converter.register_structure_hook_func(lambda t: t == Scalar, _structure_scalar)
_converter.register_structure_hook_func(lambda t: t == Answer, _structure_answer)


def _register_renamed(cls: type, overrides: dict[str, Any]) -> None:
    _converter.register_structure_hook(
        cls, make_dict_structure_fn(cls, _converter, _cattrs_forbid_extra_keys=True, **overrides)
    )
    _converter.register_unstructure_hook(
        cls, make_dict_unstructure_fn(cls, _converter, **overrides)
    )


# Form files say ``in`` and ``from``, which are Python keywords; empty labels are left out.
_register_renamed(ShowIf, {"values": override(rename="in")})
_register_renamed(PointsBand, {"start": override(rename="from", omit_if_default=True)})
_register_renamed(
    GradeBand,
    {
        "start": override(rename="from", omit_if_default=True),
        "label": override(omit_if_default=True),
    },
)
_register_renamed(Option, {"label": override(omit_if_default=True)})
# A programme is written out complete; what it is based on is not part of the file format.
_register_renamed(Programme, {"based_on": override(omit=True)})
# A problem's parameters stay in memory; files carry its code, where and English message.
_register_renamed(FieldProblem, {"params": override(omit=True)})
# Households are recorded only in draws that keep some apart, and only a nash lottery has a
# gap to its optimum (other files stay as they were).
_ONLY_WHEN_SET = {
    "households_sha256": override(omit_if_default=True),
    "nash_gap": override(omit_if_default=True),
}
_register_renamed(Audit, _ONLY_WHEN_SET)
_register_renamed(Commitment, _ONLY_WHEN_SET)
_register_renamed(Replacement, {"household_skipped": override(omit_if_default=True)})
# A verdict names the dated parameters it used only when the programme has any.
_register_renamed(Verdict, {"parameters": override(omit_if_default=True)})
# Exact measures (a relaxation's weight) are written as fractions, "7/3".
_converter.register_unstructure_hook(Fraction, str)
_converter.register_structure_hook(Fraction, lambda value, _: _fraction(value))


def _fraction(value: Any) -> Fraction:
    if not isinstance(value, str):
        raise ValueError("a fraction is written as text, such as '7/3'")
    return Fraction(value)


def to_data(obj: object) -> Any:
    """A model (or a collection of models) as plain JSON-ready data."""
    return _converter.unstructure(obj)


def from_data(cls: type[T], data: Any, *, where: str = "") -> T:
    """Build ``cls`` from plain data; an :class:`InputError` names the JSON path on failure.

    Data should have been checked against the schema first (:mod:`shopperkit.io.schemas`);
    this is the second line of defence.
    """
    try:
        return _converter.structure(data, cls)
    except (cattrs.BaseValidationError, ValueError, TypeError, KeyError, AttributeError) as error:
        if isinstance(error, cattrs.BaseValidationError):
            detail = "; ".join(cattrs.transform_error(error, path="$"))
        else:
            detail = str(error)
        raise InputError("structure_failed", {"reason": detail}, where=where or None) from None


# Assignment's models use the converter, so they are imported once it is made. An unmet target
# names a recommendation only when it is one of its follow-up's.
from shopperkit.assignment.model import Unmet  # noqa: E402

_register_renamed(Unmet, {"recommendation": override(omit_if_default=True)})
