"""The screener: a programme's rules, built once, applied to each applicant.

Every rule runs for every applicant, so a verdict lists every failed rule, not only the first.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from attrs import frozen

from shopperkit.calendars import DAY29, FEB28, GREGORIAN
from shopperkit.eligibility.rules import Check, RuleContext, RuleDefinition
from shopperkit.errors import ProgrammeError, ShopperkitError, plugin_failure
from shopperkit.i18n.languages import Languages
from shopperkit.messages import format_message
from shopperkit.model.people import Applicant
from shopperkit.model.programme import RECRUITED, Parameter, Programme
from shopperkit.model.verdicts import Deferred, Reason, Status, Verdict

if TYPE_CHECKING:
    from shopperkit.plugins import Plugins
    from shopperkit.registry import Registry


# Read once: looking a member up on the enum class costs more than the rule it decides.
_ELIGIBLE, _INELIGIBLE, _NEEDS_REVIEW = Status.ELIGIBLE, Status.INELIGIBLE, Status.NEEDS_REVIEW


@frozen
class PlannedRule:
    """A rule as the programme will apply it: which definition, bound to which parameters.

    ``replaces`` names the rule this one stands in for when the programme overrides it.
    """

    use: str
    definition: RuleDefinition
    plugin: str
    params: Mapping[str, str]
    replaces: str | None = None

    @property
    def label(self) -> str:
        """How the rule appears in a verdict's trace."""
        if self.replaces is None:
            return self.definition.name
        return f"{self.definition.name} (replaces {self.replaces})"


def reference_date(programme: Programme, as_of: date | None = None) -> date:
    """The date ages and residency are computed at: ``as_of``, else the programme's own."""
    if as_of is not None:
        return as_of
    return programme.day("reference_date")


REFERENCE_DATE_RULE = "reference_date_rule"
REFERENCE_DATE_RULES = ("programme", "application")
"""``programme``: every applicant at the programme's ``reference_date``; ``application``: each
at their own application date (``applied_on``)."""


def reference_date_rule(programme: Programme) -> str:
    """Which date screening computes ages and residency at (``programme`` by default)."""
    rule = programme.text(REFERENCE_DATE_RULE, "programme")
    if rule not in REFERENCE_DATE_RULES:
        raise ProgrammeError(
            "value_not_allowed",
            {"value": rule, "allowed": list(REFERENCE_DATE_RULES)},
            where=f"programme {programme.id}: $.parameters.{REFERENCE_DATE_RULE}.value",
        )
    return rule


def feb29_policy(programme: Programme) -> str:
    """The programme's 29 February policy (``feb28`` unless it says otherwise)."""
    return programme.text("feb29_policy", FEB28)


def day30_policy(programme: Programme) -> str:
    """The programme's Hijri 30th-day policy (``day29`` unless it says otherwise)."""
    return programme.text("hijri_day30_policy", DAY29)


def plan_rules(programme: Programme, plugins: Plugins) -> list[PlannedRule]:
    """Resolve every rule the programme names, applying its overrides and binding parameters.

    Raises :class:`ProgrammeError` with the JSON path for an unknown rule, an unknown or
    missing parameter, or an override of a rule the programme does not use.
    """
    known = plugins.rules()
    providers = plugins.rule_plugins()
    used = {use.rule for use in programme.rules}
    replacements: dict[str, str] = {}
    for index, override in enumerate(programme.overrides):
        where = f"programme {programme.id}: $.overrides[{index}]"
        if override.rule not in used:
            raise ProgrammeError("override_unknown_rule", {"name": override.rule}, where=where)
        if override.replaced_by not in known:
            raise ProgrammeError(
                "rule_unknown", {"name": override.replaced_by, "known": sorted(known)}, where=where
            )
        replacements[override.rule] = override.replaced_by
    planned = []
    for index, use in enumerate(programme.rules):
        where = f"programme {programme.id}: $.rules[{index}]"
        name = replacements.get(use.rule, use.rule)
        if name not in known:
            raise ProgrammeError(
                "rule_unknown", {"name": name, "known": sorted(known)}, where=where
            )
        definition = known[name]
        accepted = definition.params + definition.optional_params
        for param in use.params:
            if param not in accepted:
                raise ProgrammeError(
                    "rule_parameter_unknown",
                    {"rule": name, "name": param, "known": list(accepted)},
                    where=where,
                )
        bound = {}
        for param in accepted:
            target = use.params.get(param, param)
            if target in programme.parameters:
                bound[param] = target
            elif param in definition.params:
                raise ProgrammeError(
                    "rule_parameter_missing", {"rule": name, "name": target}, where=where
                )
        planned.append(
            PlannedRule(
                use=use.rule,
                definition=definition,
                plugin=providers[name],
                params=bound,
                replaces=use.rule if name != use.rule else None,
            )
        )
    return planned


class Screener:
    """Screen applicants against one programme at its reference date.

    With ``reference_date_rule`` = ``application`` each applicant is screened at their own
    ``applied_on`` (the programme's date when they have none), and the verdict's ``as_of``
    says which; rules are built once per date met. An explicit ``as_of`` is the one date for
    everyone, whatever the rule.

    >>> screener = Screener(programme, Plugins())          # doctest: +SKIP
    >>> screener.screen(applicant).status                  # doctest: +SKIP
    <Status.ELIGIBLE: 'eligible'>
    """

    def __init__(
        self, programme: Programme, plugins: Plugins, *, as_of: date | None = None
    ) -> None:
        if programme.participation != RECRUITED:
            raise ProgrammeError(
                "programme_not_recruited",
                {"programme": programme.id, "participation": programme.participation},
            )
        self.programme = programme
        self.as_of = reference_date(programme, as_of)
        self.reference_date_rule = (
            "programme" if as_of is not None else reference_date_rule(programme)
        )
        self.per_application = self.reference_date_rule == "application"
        self.feb29_policy = feb29_policy(programme)
        self.day30_policy = day30_policy(programme)
        self.plan = plan_rules(programme, plugins)
        self._messages = messages = plugins.messages()
        self.languages = languages = Languages.of(programme)
        self._in_force: dict[date, Mapping[str, Mapping[str, Any]]] = {}
        self._checks = self._build(self.as_of)
        self._only_checks = tuple(check for _, check in self._checks)
        self._dated: dict[date, tuple[Check, ...]] = {self.as_of: self._only_checks}
        self.rules = tuple(planned.label for planned in self.plan)
        self.deferred = tuple(
            Deferred(
                criterion=criterion.id,
                stage=criterion.stage,
                message={
                    lang: format_message(
                        messages.get(f"deferred_to_{criterion.stage}", {}),
                        {"criterion": criterion.text.get(lang, criterion.id)},
                        lang,
                        digits=languages.digits,
                        fallback=languages.fallback,
                    )
                    or f"{criterion.id}: {criterion.stage}"
                    for lang in languages.declared
                },
            )
            for criterion in programme.judged_criteria
        )

    def _build(self, as_of: date) -> list[tuple[PlannedRule, Check]]:
        built = []
        for planned in self.plan:
            params: dict[str, Parameter] = {
                param: self.programme.parameters[target] for param, target in planned.params.items()
            }
            context = RuleContext(
                rule=planned.definition.name,
                programme=self.programme,
                params=params,
                as_of=as_of,
                messages=self._messages,
                feb29_policy=self.feb29_policy,
                day30_policy=self.day30_policy,
                languages=self.languages,
            )
            try:
                check = planned.definition.build(context)
            except ShopperkitError:
                raise
            except Exception as error:
                hook = f"rule {planned.definition.name!r} build"
                raise plugin_failure(planned.plugin, hook, error) from None
            built.append((planned, check))
        return built

    def as_of_for(self, applicant: Applicant) -> date:
        """The date ``applicant`` is screened at (see the class docstring)."""
        if self.per_application and applicant.applied_on is not None:
            return applicant.applied_on
        return self.as_of

    def _checks_at(self, as_of: date) -> tuple[Check, ...]:
        checks = self._dated.get(as_of)
        if checks is None:
            checks = self._dated[as_of] = tuple(check for _, check in self._build(as_of))
        return checks

    def screen(self, applicant: Applicant) -> Verdict:
        """The verdict for one applicant, listing every rule that did not pass."""
        reasons: list[Reason] | None = None
        status = _ELIGIBLE
        as_of = self.as_of
        checks = self._only_checks
        if self.per_application and applicant.applied_on is not None:
            as_of = applicant.applied_on
            checks = self._checks_at(as_of)
        try:
            for check in checks:
                reason = check(applicant)
                if reason is not None:
                    if reasons is None:
                        reasons = [reason]
                    else:
                        reasons.append(reason)
                    if reason.outcome is _INELIGIBLE:
                        status = _INELIGIBLE
                    elif status is _ELIGIBLE:
                        status = _NEEDS_REVIEW
        except Exception:
            self._raise_for_failing_rule(applicant)
            raise
        return Verdict(
            applicant.id,
            self.programme.id,
            as_of,
            status,
            () if reasons is None else tuple(reasons),
            self.deferred,
            self.rules,
            self._in_force[as_of] if as_of in self._in_force else self._in_force_at(as_of),
        )

    def _in_force_at(self, as_of: date) -> Mapping[str, Mapping[str, Any]]:
        """The dated rule parameters in force at ``as_of``, as verdicts record them (one
        shared mapping per date)."""
        recorded: dict[str, Mapping[str, Any]] = {}
        for planned in self.plan:
            for target in planned.params.values():
                parameter = self.programme.parameters[target]
                if parameter.dated and target not in recorded:
                    entry = parameter.at(as_of, target)
                    recorded[target] = {
                        "value": _json_value(entry.value),
                        "effective_from": entry.effective_from.isoformat(),
                        "calendar": entry.calendar,
                        "reference": entry.reference,
                    }
        self._in_force[as_of] = recorded
        return recorded

    def status(self, applicant: Applicant) -> Status:
        """Only the status of :meth:`screen`, without building a verdict: the fast path."""
        outcome = Status.ELIGIBLE
        checks = self._only_checks
        if self.per_application and applicant.applied_on is not None:
            checks = self._checks_at(applicant.applied_on)
        for check in checks:
            reason = check(applicant)
            if reason is not None:
                if reason.outcome is Status.INELIGIBLE:
                    return Status.INELIGIBLE
                outcome = Status.NEEDS_REVIEW
        return outcome

    def screen_all(self, applicants: Iterable[Applicant]) -> Iterator[Verdict]:
        """Verdicts for many applicants, lazily, in order."""
        screen = self.screen
        for applicant in applicants:
            yield screen(applicant)

    def _raise_for_failing_rule(self, applicant: Applicant) -> None:
        as_of = self.as_of_for(applicant)
        for planned, check in self._checks if as_of == self.as_of else self._build(as_of):
            try:
                check(applicant)
            except Exception as error:
                hook = f"rule {planned.definition.name!r} on applicant {applicant.id!r}"
                raise plugin_failure(planned.plugin, hook, error) from None

    def explain(self) -> dict[str, Any]:
        """The screening plan: every rule, its parameters with provenance, and the overrides."""
        rules = []
        for planned in self.plan:
            params = {}
            for param, target in planned.params.items():
                parameter = self.programme.parameters[target]
                entry = parameter.at(self.as_of, target)
                params[param] = {
                    "parameter": target,
                    "value": _json_value(entry.value),
                    "unit": parameter.unit,
                    "reference": entry.reference,
                    "effective_from": entry.effective_from.isoformat(),
                }
                if parameter.dated or entry.calendar != GREGORIAN:
                    params[param]["calendar"] = entry.calendar
                if parameter.dated:
                    params[param]["history"] = [
                        {
                            "value": _json_value(past.value),
                            "reference": past.reference,
                            "effective_from": past.effective_from.isoformat(),
                            "calendar": past.calendar,
                        }
                        for past in parameter.history
                    ]
            rules.append(
                {
                    "rule": planned.definition.name,
                    "plugin": planned.plugin,
                    "replaces": planned.replaces,
                    "description": planned.definition.description,
                    "codes": list(planned.definition.codes),
                    "params": params,
                }
            )
        return {
            "programme": self.programme.id,
            "version": self.programme.version,
            "as_of": self.as_of.isoformat(),
            "reference_date_rule": self.reference_date_rule,
            "feb29_policy": self.feb29_policy,
            "hijri_day30_policy": self.day30_policy,
            "rules": rules,
            "overrides": [
                {
                    "rule": override.rule,
                    "replaced_by": override.replaced_by,
                    "reason": override.reason,
                    "reference": override.reference,
                }
                for override in self.programme.overrides
            ],
            "deferred": [criterion.id for criterion in self.programme.judged_criteria],
        }


def _json_value(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


__all__ = [
    "REFERENCE_DATE_RULES",
    "PlannedRule",
    "Reason",
    "Screener",
    "plan_rules",
    "reference_date",
    "reference_date_rule",
]


def applicant_of(data: Applicant | Mapping[str, Any], where: str = "$") -> Applicant:
    """An applicant model from itself or from a plain mapping shaped as
    ``applicant.schema.json``; a mapping that breaks the schema raises :class:`InputError`
    naming ``where`` and the JSON path."""
    if isinstance(data, Applicant):
        return data
    from shopperkit.io.convert import from_data
    from shopperkit.io.schemas import check

    check("applicant", data, where=where)
    return from_data(Applicant, data, where=where)


def screen(
    applicants: Iterable[Applicant | Mapping[str, Any]],
    programme: Programme | str,
    registry: Registry,
    *,
    as_of: date | None = None,
) -> list[Verdict]:
    """Stage 1: the verdict of every applicant under ``programme``'s rules, in input order.

    ``applicants`` are :class:`Applicant` models or plain mappings shaped as
    ``applicant.schema.json`` (a bad mapping raises :class:`InputError` naming its position,
    ``$[i]``, and the JSON path). ``as_of`` overrides the programme's reference date.
    """
    chosen = registry.programme(programme)
    screener = Screener(chosen, registry.plugins, as_of=as_of)
    return [
        screener.screen(applicant_of(item, f"$[{index}]")) for index, item in enumerate(applicants)
    ]
