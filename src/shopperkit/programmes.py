"""Building, extending, reading and checking programmes.

A programme file may ``extends`` another programme by id and give only what it changes:

* a top-level field given (``version``, ``title``, ``authority``, ``participation``,
  ``declarations``, ``judged_criteria``) replaces the base's;
* a parameter given is added, or replaces the base's parameter of that name whole (value
  with its new description, reference and date); ``removed_parameters`` drops some;
* ``rules`` are added after the base's; ``removed_rules`` drops some by name (with the
  base's overrides of them); a rule the result would use twice is refused;
* ``overrides`` are added; one for a rule the base already overrides replaces that one.

The result is a complete :class:`Programme` whose ``based_on`` records the base and every
change. :func:`programme_from_data` does this in memory; :func:`load_programme` reads a file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from attrs import evolve

from shopperkit.errors import ProgrammeError, ShopperkitError
from shopperkit.hookspecs import ProgrammeSource
from shopperkit.io.convert import from_data, to_data
from shopperkit.io.documents import DOCUMENT_SUFFIXES, read_document
from shopperkit.io.schemas import check
from shopperkit.model.programme import Basis, Programme
from shopperkit.plugins import Plugins

if TYPE_CHECKING:
    from shopperkit.model.forms import Form
    from shopperkit.registry import Registry

ProgrammeLookup = Callable[[str], Programme]
"""Finds a programme by id (such as :meth:`Registry.programme`); raises when there is none."""

REPLACEABLE_FIELDS = (
    "version",
    "title",
    "authority",
    "participation",
    "declarations",
    "judged_criteria",
)
"""Top-level fields an extending programme replaces whole when it gives them."""


def _no_lookup(name: str) -> Programme:
    raise ProgrammeError("programme_unknown", {"name": name, "known": []})


def programme_from_data(
    data: Mapping[str, Any], *, where: str = "programme", lookup: ProgrammeLookup | None = None
) -> Programme:
    """Check ``data`` (a parsed programme document) and build the programme, in memory.

    A document with ``extends`` is built on the programme ``lookup`` finds by that id.
    Every error is coded and names ``where`` and the JSON path.
    """
    check("programme", data, where=where)
    check_parameter_dates(data, where=where)
    document = {key: value for key, value in data.items() if key != "$schema"}
    if "extends" not in document:
        return from_data(Programme, document, where=where)
    name = document["extends"]
    try:
        base = (lookup or _no_lookup)(name)
    except ProgrammeError as error:
        if error.where is not None:  # a problem further down the chain names its own file
            raise
        raise ProgrammeError(error.code, error.params, where=f"{where}: $.extends") from None
    return extend(base, document, where=where)


def check_parameter_dates(data: Mapping[str, Any], *, where: str = "programme") -> None:
    """Refuse a dated parameter whose values are not in strictly increasing date order.

    ``data`` is a programme document already checked against its schema. Two values from
    the same date raise ``parameter_date_duplicate``, a value dated before the one above it
    ``parameter_dates_unordered``; each names ``where`` and the JSON path of the date.
    """
    for name, parameter in data.get("parameters", {}).items():
        previous: date | None = None
        for index, entry in enumerate(parameter.get("values", ())):
            current = date.fromisoformat(entry["effective_from"])
            if previous is not None and current <= previous:
                code = (
                    "parameter_date_duplicate"
                    if current == previous
                    else "parameter_dates_unordered"
                )
                raise ProgrammeError(
                    code,
                    {"name": name, "date": current.isoformat(), "previous": previous.isoformat()},
                    where=f"{where}: $.parameters.{name}.values[{index}].effective_from",
                )
            previous = current


def extend(base: Programme, changes: Mapping[str, Any], *, where: str = "programme") -> Programme:
    """``base`` with the changes of an extending document (see the module docstring).

    ``changes`` is the document's data; its ``extends`` key, if any, is not checked against
    ``base``. Raises :class:`ProgrammeError` naming ``where`` and the JSON path.
    """
    new_id = changes["id"]
    lineage = (f"{base.id}@{base.version}", *(base.based_on.lineage if base.based_on else ()))
    ancestors = [entry.rsplit("@", 1)[0] for entry in lineage]
    if new_id in ancestors:
        chain = " -> ".join([new_id, *ancestors[: ancestors.index(new_id) + 1]])
        raise ProgrammeError(
            "programme_extends_cycle", {"programme": new_id, "chain": chain}, where=f"{where}: $.id"
        )
    merged: dict[str, Any] = to_data(base)
    merged["id"] = new_id
    replaced = tuple(key for key in REPLACEABLE_FIELDS if key in changes)
    for key in replaced:
        merged[key] = changes[key]

    parameters: dict[str, Any] = dict(merged["parameters"])
    for index, name in enumerate(changes.get("removed_parameters", ())):
        if name not in parameters:
            raise ProgrammeError(
                "removed_parameter_unknown",
                {"name": name, "programme": base.id, "known": sorted(parameters)},
                where=f"{where}: $.removed_parameters[{index}]",
            )
        del parameters[name]
    given: Mapping[str, Any] = changes.get("parameters", {})
    parameters.update(given)
    merged["parameters"] = parameters

    removed_rules: list[str] = list(changes.get("removed_rules", ()))
    used = [rule["rule"] for rule in merged["rules"]]
    for index, name in enumerate(removed_rules):
        if name not in used:
            raise ProgrammeError(
                "removed_rule_unknown",
                {"name": name, "programme": base.id, "known": used},
                where=f"{where}: $.removed_rules[{index}]",
            )
    rules = [rule for rule in merged["rules"] if rule["rule"] not in removed_rules]
    kept = {rule["rule"] for rule in rules}
    added_rules = list(changes.get("rules", ()))
    for index, rule in enumerate(added_rules):
        if rule["rule"] in kept:
            raise ProgrammeError(
                "rule_already_used",
                {"name": rule["rule"], "programme": base.id},
                where=f"{where}: $.rules[{index}]",
            )
        kept.add(rule["rule"])
    merged["rules"] = rules + added_rules

    added_overrides = list(changes.get("overrides", ()))
    replaced_overrides = {override["rule"] for override in added_overrides}
    merged["overrides"] = [
        override
        for override in merged["overrides"]
        if override["rule"] not in removed_rules and override["rule"] not in replaced_overrides
    ] + added_overrides

    check("programme", merged, where=f"{where} (extending {base.id})")
    check_parameter_dates(merged, where=where)
    programme = from_data(Programme, merged, where=where)
    basis = Basis(
        programme=base.id,
        version=base.version,
        lineage=lineage,
        replaced_fields=replaced,
        added_parameters=tuple(sorted(set(given) - set(base.parameters))),
        changed_parameters=tuple(sorted(set(given) & set(base.parameters))),
        removed_parameters=tuple(changes.get("removed_parameters", ())),
        added_rules=tuple(rule["rule"] for rule in added_rules),
        removed_rules=tuple(removed_rules),
        added_overrides=tuple(override["rule"] for override in added_overrides),
    )
    return evolve(programme, based_on=basis)


def load_programme(source: ProgrammeSource, lookup: ProgrammeLookup | None = None) -> Programme:
    """Read a programme file, check it against ``programme.schema.json`` and build it.

    ``lookup`` finds the programme a file ``extends`` (by id); without it such a file is
    refused with ``programme_unknown``.
    """
    return programme_from_data(read_document(source), where=str(source), lookup=lookup)


def available_programmes(plugins: Plugins) -> dict[str, tuple[str, Programme]]:
    """Every programme the installed plugins provide: id -> (plugin, programme).

    Installed programmes may extend each other; a cycle is refused naming every programme
    in it.
    """
    documents: dict[str, tuple[str, dict[str, Any], str]] = {}
    for plugin, sources in plugins.programme_sources().items():
        for source in sources:
            data = read_document(source)
            name = data.get("id") if isinstance(data, dict) else None
            if not isinstance(name, str):
                check("programme", data, where=str(source))
                continue
            if name in documents:
                raise ProgrammeError(
                    "programme_duplicate",
                    {"name": name, "first": documents[name][0], "second": plugin},
                )
            documents[name] = (plugin, data, str(source))
    found: dict[str, tuple[str, Programme]] = {}
    building: list[str] = []

    def build(name: str) -> Programme:
        if name in found:
            return found[name][1]
        if name not in documents:
            raise ProgrammeError("programme_unknown", {"name": name, "known": sorted(documents)})
        plugin, data, where = documents[name]
        if name in building:
            chain = " -> ".join([*building[building.index(name) :], name])
            raise ProgrammeError(
                "programme_extends_cycle",
                {"programme": name, "chain": chain},
                where=f"{where}: $.extends",
            )
        building.append(name)
        try:
            programme = programme_from_data(data, where=where, lookup=build)
        finally:
            building.pop()
        found[name] = (plugin, programme)
        return programme

    for name in documents:
        build(name)
    return {name: found[name] for name in documents}


def is_programme_path(name: str) -> bool:
    """Whether ``name`` names a programme file rather than a programme id."""
    return name.endswith(DOCUMENT_SUFFIXES) or Path(name).is_file()


def resolve_named_path(name: str, relative_to: Path) -> str:
    """``name`` as written inside the file ``relative_to``: a file path there is taken
    relative to that file's folder (not the working directory); an id is left as it is."""
    candidate = relative_to.parent / name
    if Path(name).is_absolute():
        return name
    if name.endswith(DOCUMENT_SUFFIXES) or "/" in name or "\\" in name or candidate.is_file():
        return str(candidate)
    return name


def programme_plan(
    programme: Programme, registry: Registry, *, as_of: date | None = None
) -> dict[str, Any]:
    """Check ``programme`` against the installed plugins and say how it will run, as JSON data.

    A recruited programme gets its screening plan (every rule, its plugin, its parameters with
    their sources, the overrides) and its interview policy; an open programme (anyone may
    evaluate, no cohort, no registration window) gets its languages, the forms it names
    (each must exist) and its stages. ``followup``, when the programme sets any follow-up
    parameter, is its checked :class:`~shopperkit.insights.followup.FollowupPolicy`.
    ``based_on`` says what an extending programme changed.
    """
    from shopperkit.eligibility.screening import Screener, plan_rules
    from shopperkit.interview import InterviewPolicy

    plan: dict[str, Any]
    if programme.recruited:
        plan = Screener(programme, registry.plugins, as_of=as_of).explain()
        if programme.judged_criteria:
            policy = InterviewPolicy.of(programme)
            plan["interview"] = {
                "criteria": list(policy.criteria),
                "pass_rule": policy.pass_rule,
                "pass_mark": policy.pass_mark,
                "scale": [policy.scale_min, policy.scale_max],
            }
    else:
        planned = plan_rules(programme, registry.plugins)
        plan = {
            "programme": programme.id,
            "version": programme.version,
            "participation": programme.participation,
            "stages": list(OPEN_STAGES),
            "languages": list(programme.strings("languages")),
            "forms": [
                {"form": form.id, "version": form.version}
                for form in open_forms(programme, registry)
            ],
            "rules": [rule.label for rule in planned],
        }
    if any(name.startswith("followup_") for name in programme.parameters):
        from shopperkit.insights.followup import FollowupPolicy

        plan["followup"] = to_data(FollowupPolicy.of(programme))
    if programme.based_on is not None:
        plan["based_on"] = to_data(programme.based_on)
    return plan


OPEN_STAGES = ("evaluate", "score", "report")
"""What an open programme does: anyone evaluates, evaluations are scored and reported."""


def open_forms(programme: Programme, registry: Registry) -> tuple[Form, ...]:
    """The forms an open programme is evaluated with: those its ``forms`` parameter names
    (each must exist), else those shipped by the plugin that provides it."""
    if "forms" not in programme.parameters:
        plugin = registry.provider(programme)
        return tuple(
            form for _, (owner, form) in sorted(registry.all_forms().items()) if owner == plugin
        )
    forms = []
    for index, name in enumerate(programme.strings("forms")):
        try:
            forms.append(registry.form(name))
        except ShopperkitError as error:
            where = f"programme {programme.id}: $.parameters.forms.value[{index}]"
            raise ProgrammeError(error.code, error.params, where=where) from None
    return tuple(forms)


__all__ = [
    "OPEN_STAGES",
    "REPLACEABLE_FIELDS",
    "ProgrammeLookup",
    "available_programmes",
    "check_parameter_dates",
    "extend",
    "is_programme_path",
    "load_programme",
    "open_forms",
    "programme_from_data",
    "programme_plan",
    "resolve_named_path",
]
