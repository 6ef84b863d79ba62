"""Eligibility rules: what a rule is, and the generic rules every programme can use.

A rule is built once per screener from its parameters (:class:`RuleContext`) into a
:data:`Check`, a fast function that returns ``None`` when the applicant passes and a
:class:`~shopperkit.model.Reason` when they do not. Thresholds are turned into dates at build
time, so a check is a handful of comparisons.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from attrs import field, frozen

from shopperkit.calendars import DAY29, FEB28, GREGORIAN, CalendarRangeError, age_on, latest_start
from shopperkit.errors import ProgrammeError
from shopperkit.i18n.languages import Languages
from shopperkit.messages import Templates, format_message
from shopperkit.model.people import CITIZEN, Applicant
from shopperkit.model.programme import DatedValue, Parameter, Programme
from shopperkit.model.verdicts import Reason, Status

Check = Callable[[Applicant], Reason | None]
"""A built rule: ``None`` when the applicant passes, otherwise the reason they do not."""


@frozen
class RuleContext:
    """What a rule is built from: the programme, its bound parameters and the reference date.

    ``feb29_policy`` and ``day30_policy`` say where an anniversary falls when its day is
    missing, in the Gregorian and the Hijri calendar (see :mod:`shopperkit.calendars`).
    Reasons carry their message in every language of ``languages``.
    """

    rule: str
    programme: Programme
    params: Mapping[str, Parameter]
    as_of: date
    messages: Mapping[str, Templates]
    feb29_policy: str = FEB28
    day30_policy: str = DAY29
    languages: Languages = field(factory=Languages)
    _made: dict[tuple[Any, ...], Reason] = field(factory=dict, eq=False, repr=False)

    def value(self, name: str) -> Any:
        """The value of the rule parameter ``name`` in force at the reference date."""
        return self.in_force(name).value

    def in_force(self, name: str) -> DatedValue:
        """The rule parameter ``name`` in force at the reference date, with its date, source
        and calendar."""
        return self.params[name].at(self.as_of, name)

    def policy(self, calendar: str) -> str:
        """Where a missing anniversary day falls in ``calendar``."""
        return self.feb29_policy if calendar == GREGORIAN else self.day30_policy

    def reason(self, code: str, outcome: Status, **params: Any) -> Reason:
        """A reason from this rule, with its message in the programme's languages.

        Reasons are immutable, so equal ones are made once and shared.
        """
        key = (code, outcome, *params.items())
        try:
            return self._made[key]
        except KeyError:
            made = self._made[key] = make_reason(
                self.messages, self.rule, code, outcome, params, self.languages
            )
            return made
        except TypeError:  # an unhashable parameter: made each time
            return make_reason(self.messages, self.rule, code, outcome, params, self.languages)


def make_reason(
    messages: Mapping[str, Templates],
    rule: str,
    code: str,
    outcome: Status,
    params: Mapping[str, Any],
    languages: Languages | None = None,
) -> Reason:
    """A :class:`Reason` with JSON-ready parameters and its message in each of ``languages``
    (English and Arabic by default), with their digits; dates read as the language writes
    them."""
    languages = languages or Languages()
    data = {key: _plain(value) for key, value in params.items()}
    templates = messages.get(code, {})
    message = {
        lang: format_message(
            templates, params, lang, digits=languages.digits, fallback=languages.fallback
        )
        for lang in languages.declared
    }
    return Reason(rule=rule, code=code, outcome=outcome, params=data, message=message)


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, _SETS):
        return sorted(value)
    return value


_SETS = (frozenset, set)


@frozen
class RuleDefinition:
    """An eligibility rule a plugin contributes.

    ``params`` are the rule parameters it needs; a programme binds each to one of its own
    parameters (by default the one with the same name). ``codes`` are every reason code the
    rule can emit, so documentation and policy tests can list them.
    """

    name: str
    description: str
    params: tuple[str, ...]
    codes: tuple[str, ...]
    build: Callable[[RuleContext], Check]
    optional_params: tuple[str, ...] = ()


Draw = Callable[[Any], Any]
"""Draws one value from a hypothesis strategy (the ``draw`` of ``st.composite``)."""

ExampleChange = Callable[[Applicant, RuleContext, Draw], Applicant]
"""Changes an applicant so one rule decides as wanted; see :class:`RuleExample`."""


@frozen
class RuleExample:
    """How to build applicants that pass, or fail, one rule: for generated test data.

    ``passing(applicant, ctx, draw)`` returns ``applicant`` changed so the rule passes;
    ``failing`` (optional) so that the rule makes it ineligible. ``ctx`` is the rule's context
    in the programme under test (its bound parameters, reference date); ``draw`` draws from a
    hypothesis strategy for variety and may be ignored. Change only what the rule reads, so
    the other rules decide as before. ``shopperkit.testing.strategies.applicants_for`` checks
    every example it applies and names the plugin when one does not do what it says.
    """

    rule: str
    passing: ExampleChange
    failing: ExampleChange | None = None

    @property
    def name(self) -> str:
        """The rule this example is for."""
        return self.rule


INELIGIBLE = Status.INELIGIBLE
REVIEW = Status.NEEDS_REVIEW


def _in_force(ctx: RuleContext, name: str) -> tuple[DatedValue, int, str, date]:
    """The years parameter in force, its number, the policy of its calendar, and the latest
    start reaching it in that calendar."""
    entry = ctx.in_force(name)
    years = int(ctx.value(name))
    policy = ctx.policy(entry.calendar)
    try:
        latest = latest_start(ctx.as_of, years, entry.calendar, policy)
    except CalendarRangeError as error:
        # Only the reference date, or a threshold before the tables begin, can be outside
        # them: an applicant's date is counted only between the threshold and the reference
        # date, so it never is.
        where = f"programme {ctx.programme.id}: reference date for {name}"
        raise ProgrammeError(error.code, error.params, where=where) from None
    return entry, years, policy, latest


def _provenance(entry: DatedValue) -> dict[str, Any]:
    """What a reason records of the parameter value it was decided by."""
    return {
        "calendar": entry.calendar,
        "effective_from": entry.effective_from,
        "reference": entry.reference,
    }


def _minimum_age(ctx: RuleContext) -> Check:
    entry, minimum, policy, born_by = _in_force(ctx, "minimum_age")
    calendar, as_of = entry.calendar, ctx.as_of
    provenance = _provenance(entry)

    def check(applicant: Applicant) -> Reason | None:
        born = applicant.birth_date
        if born is not None and born <= born_by:
            return None
        if born is None:
            return ctx.reason("birth_date_missing", REVIEW)
        if born > as_of:
            return ctx.reason("birth_date_unverifiable", REVIEW, birth_date=born, as_of=as_of)
        age = age_on(born, as_of, calendar, policy)  # in the tables: born_by < born <= as_of
        return ctx.reason(
            "age_below_minimum",
            INELIGIBLE,
            age=age,
            minimum_age=minimum,
            as_of=as_of,
            **provenance,
        )

    return check


def _minimum_residency(ctx: RuleContext) -> Check:
    entry, minimum, policy, since_by = _in_force(ctx, "minimum_residency_years")
    calendar, as_of = entry.calendar, ctx.as_of
    provenance = _provenance(entry)

    def check(applicant: Applicant) -> Reason | None:
        residency = applicant.residency
        if residency.status == CITIZEN:
            return None
        since = residency.since
        if since is None:
            return ctx.reason("residency_start_missing", REVIEW)
        born = applicant.birth_date
        if since > as_of or (born is not None and since < born):
            return ctx.reason(
                "residency_start_unverifiable", REVIEW, resident_since=since, as_of=as_of
            )
        if since <= since_by:
            return None
        years = age_on(since, as_of, calendar, policy)  # in the tables: since_by < since <= as_of
        return ctx.reason(
            "residency_too_short",
            INELIGIBLE,
            years=years,
            minimum_years=minimum,
            as_of=as_of,
            **provenance,
        )

    return check


def _residency_status(ctx: RuleContext) -> Check:
    allowed = frozenset(ctx.value("allowed_residency"))
    listed = tuple(sorted(allowed))

    def check(applicant: Applicant) -> Reason | None:
        status = applicant.residency.status
        if status in allowed:
            return None
        return ctx.reason("residency_status_not_allowed", INELIGIBLE, status=status, allowed=listed)

    return check


def _declarations(ctx: RuleContext) -> Check:
    if "required_declarations" in ctx.params:
        required = frozenset(ctx.value("required_declarations"))
    else:
        required = frozenset(declaration.id for declaration in ctx.programme.declarations)

    def check(applicant: Applicant) -> Reason | None:
        if required <= applicant.declarations:
            return None
        missing = tuple(sorted(required - applicant.declarations))
        return ctx.reason("declarations_missing", INELIGIBLE, missing=missing)

    return check


def _registration_window(ctx: RuleContext) -> Check:
    opens: date = ctx.value("registration_opens")
    closes: date = ctx.value("registration_closes")

    def check(applicant: Applicant) -> Reason | None:
        applied = applicant.applied_on
        if applied is not None and opens <= applied <= closes:
            return None
        if applied is None:
            return ctx.reason("application_date_missing", REVIEW)
        return ctx.reason(
            "applied_outside_window", INELIGIBLE, applied_on=applied, opens=opens, closes=closes
        )

    return check


def _conflict_of_interest(ctx: RuleContext) -> Check:
    evaluated = frozenset(entity.casefold() for entity in ctx.value("evaluated_entities"))

    def check(applicant: Applicant) -> Reason | None:
        employer = applicant.employer
        if employer is None or employer.casefold() not in evaluated:
            return None
        return ctx.reason("employed_by_evaluated_entity", INELIGIBLE, employer=employer)

    return check


BUILTIN_RULES: tuple[RuleDefinition, ...] = (
    RuleDefinition(
        name="minimum_age",
        description="At least `minimum_age` full years old on the reference date, counted "
        "in the calendar of the value in force then.",
        params=("minimum_age",),
        codes=(
            "age_below_minimum",
            "birth_date_missing",
            "birth_date_unverifiable",
        ),
        build=_minimum_age,
    ),
    RuleDefinition(
        name="minimum_residency",
        description="Citizens are exempt; others resident for at least "
        "`minimum_residency_years` full years on the reference date.",
        params=("minimum_residency_years",),
        codes=(
            "residency_too_short",
            "residency_start_missing",
            "residency_start_unverifiable",
        ),
        build=_minimum_residency,
    ),
    RuleDefinition(
        name="residency_status",
        description="Residency status is one of `allowed_residency`.",
        params=("allowed_residency",),
        codes=("residency_status_not_allowed",),
        build=_residency_status,
    ),
    RuleDefinition(
        name="declarations",
        description="Every required declaration accepted: `required_declarations`, or by "
        "default every declaration the programme lists.",
        params=(),
        optional_params=("required_declarations",),
        codes=("declarations_missing",),
        build=_declarations,
    ),
    RuleDefinition(
        name="registration_window",
        description="Applied between `registration_opens` and `registration_closes`, inclusive.",
        params=("registration_opens", "registration_closes"),
        codes=("applied_outside_window", "application_date_missing"),
        build=_registration_window,
    ),
    RuleDefinition(
        name="conflict_of_interest",
        description="Not employed by an entity in `evaluated_entities` (case-insensitive).",
        params=("evaluated_entities",),
        codes=("employed_by_evaluated_entity",),
        build=_conflict_of_interest,
    ),
)
