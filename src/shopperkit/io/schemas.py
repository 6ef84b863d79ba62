"""The JSON Schemas (Draft 2020-12) of every file format, one cached validator each.

Schemas refer to each other by relative ``$ref``; they are resolved from a
``referencing.Registry`` built from the packaged files, never fetched.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib.resources import files
from typing import Any

from attrs import frozen
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from shopperkit.errors import InputError

SCHEMA_BASE = "https://shopperkit.dev/schemas/"


@frozen
class SchemaProblem:
    """One way an instance breaks its schema: the JSON path and what is wrong."""

    path: str
    message: str


def schema_names() -> list[str]:
    """Every packaged schema, by short name (``programme`` for ``programme.schema.json``)."""
    folder = files("shopperkit") / "schemas"
    return sorted(
        entry.name.removesuffix(".schema.json")
        for entry in folder.iterdir()
        if entry.name.endswith(".schema.json")
    )


@cache
def load_schema(name: str) -> dict[str, Any]:
    """The parsed schema called ``name``."""
    text = (files("shopperkit") / "schemas" / f"{name}.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _registry() -> Registry[Any]:
    resources = [
        (SCHEMA_BASE + f"{name}.schema.json", Resource.from_contents(load_schema(name)))
        for name in schema_names()
    ]
    return Registry().with_resources(resources)


@cache
def validator(name: str) -> Draft202012Validator:
    """The cached validator for schema ``name``, with format checking on."""
    return Draft202012Validator(
        load_schema(name),
        registry=_registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def json_path(error: ValidationError) -> str:
    """The error's location as a JSON path such as ``$.parameters.seats.value``."""
    path = "$"
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _leaves(error: ValidationError) -> Iterator[ValidationError]:
    """The most specific errors under ``error`` (the branches of ``allOf`` and ``if``)."""
    if error.context and error.validator not in ("oneOf", "anyOf"):
        for child in error.context:
            yield from _leaves(child)
    else:
        yield error


def problems(name: str, instance: Any) -> list[SchemaProblem]:
    """Every way ``instance`` breaks schema ``name``, ordered by JSON path."""
    found = {
        SchemaProblem(json_path(leaf), leaf.message)
        for error in validator(name).iter_errors(instance)
        for leaf in _leaves(error)
    }
    return sorted(found, key=lambda problem: (problem.path, problem.message))


def check(name: str, instance: Any, *, where: str) -> None:
    """Raise an :class:`InputError` naming ``where`` and the JSON path if ``instance`` is bad."""
    found = problems(name, instance)
    if found:
        detail = "; ".join(f"{problem.path}: {problem.message}" for problem in found[:5])
        if len(found) > 5:
            detail += f" (and {len(found) - 5} more)"
        raise InputError("schema_violation", {"reason": detail}, where=where)
