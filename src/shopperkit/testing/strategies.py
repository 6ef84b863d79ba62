"""Hypothesis strategies for every public model, built valid rather than filtered.

``applicants_for(programme, plugins)`` gives applicants eligible under a programme's rules,
plugin rules included (learnt through the ``shopperkit_rule_examples`` hook), or failing
the plugin rules named;
``boundary_applicants(programme)`` gives applicants on either side of each rule's boundary
with the expected reason code, for negative tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from attrs import evolve, frozen
from hypothesis import strategies as st

from shopperkit import calendars
from shopperkit.assignment.model import Shopper, Target
from shopperkit.eligibility.rules import BUILTIN_RULES, RuleContext, RuleExample
from shopperkit.eligibility.screening import (
    Screener,
    day30_policy,
    feb29_policy,
    plan_rules,
    reference_date,
)
from shopperkit.errors import PluginError, ProgrammeError
from shopperkit.lifecycle.events import Event
from shopperkit.model import (
    Applicant,
    Application,
    DatedValue,
    Declaration,
    Deferred,
    Directory,
    Entity,
    InterviewOutcome,
    InterviewScore,
    JudgedCriterion,
    Override,
    Parameter,
    Programme,
    Reason,
    Residency,
    RuleUse,
    Service,
    ServiceCentre,
    Status,
    Verdict,
)
from shopperkit.model.evaluations import (
    CHANNELS,
    Evaluation,
    Points,
    ScoredEvaluation,
    ScorePoints,
)
from shopperkit.model.forms import (
    BAND_TYPES,
    OPTION_TYPES,
    Form,
    GradeBand,
    Option,
    PointsBand,
    Policy,
    Question,
    Scalar,
    Section,
    ShowIf,
)
from shopperkit.model.people import CITIZEN, RESIDENT
from shopperkit.plugins import BUILTIN_NAME as BUILTIN
from shopperkit.plugins import Plugins

BUILTIN_RULE_NAMES = frozenset(rule.name for rule in BUILTIN_RULES)

LANGUAGES = ("ar", "en", "ur", "hi", "es", "zh", "fr", "ru")
_ident_chars = st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789")
identifiers = st.text(_ident_chars, min_size=1, max_size=12).map(lambda s: "x" + s)
"""Lower-case identifiers that are valid everywhere an id is expected."""
words = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=20
)
dates = st.dates(min_value=date(1930, 1, 1), max_value=date(2040, 12, 31))
localised = st.dictionaries(st.sampled_from(LANGUAGES), words, min_size=1, max_size=3)
messages = st.fixed_dictionaries({"en": st.text(max_size=30), "ar": st.text(max_size=30)})
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-1000, 1000), st.text(max_size=10))


@st.composite
def residencies(draw: st.DrawFn) -> Residency:
    """Citizens, or residents with or without a start date."""
    if draw(st.booleans()):
        return Residency(CITIZEN)
    return Residency(RESIDENT, draw(st.none() | dates))


applicants = st.builds(
    Applicant,
    id=identifiers,
    birth_date=st.none() | dates,
    nationality=words,
    residency=residencies(),
    gender=st.none() | st.sampled_from(("female", "male")),
    profession=st.none() | words,
    languages=st.lists(st.sampled_from(LANGUAGES), max_size=3, unique=True).map(tuple),
    employer=st.none() | words,
    declarations=st.frozensets(identifiers, max_size=4),
    applied_on=st.none() | dates,
)
"""Any applicant the applicant schema accepts, including incomplete ones."""


def _parameter(
    value: st.SearchStrategy[Any], unit: str | None = None
) -> st.SearchStrategy[Parameter]:
    return st.builds(
        Parameter,
        value=value,
        description=words,
        reference=words,
        effective_from=dates,
        unit=st.just(unit),
    )


@st.composite
def _years_parameter(draw: st.DrawFn, years: st.SearchStrategy[int], as_of: date) -> Parameter:
    """An age or a period in years: one value, or a history whose first value is in force at
    ``as_of`` (later ones may take effect after it), each in either calendar."""
    single = draw(_parameter(years, "years"))
    calendar = draw(st.sampled_from(calendars.CALENDARS))
    count = draw(st.integers(0, 2))
    if not count:
        return evolve(single, calendar=calendar)
    first = as_of - timedelta(days=draw(st.integers(0, 3000)))
    gaps = draw(st.lists(st.integers(1, 3000), min_size=count, max_size=count, unique=True))
    days = [first, *(first + timedelta(days=gap) for gap in sorted(gaps))]
    entries = [
        DatedValue(draw(years), draw(words), day, draw(st.sampled_from(calendars.CALENDARS)))
        for day in days
    ]
    *earlier, latest = entries
    return evolve(
        single,
        value=latest.value,
        reference=latest.reference,
        effective_from=latest.effective_from,
        calendar=latest.calendar,
        earlier=tuple(earlier),
    )


@st.composite
def programmes(draw: st.DrawFn) -> Programme:
    """Recruited programmes using every built-in rule, with consistent parameters; ages and
    residency may be dated histories in either calendar."""
    opens = draw(st.dates(min_value=date(2000, 1, 1), max_value=date(2035, 1, 1)))
    closes = opens + timedelta(days=draw(st.integers(0, 120)))
    declarations = draw(st.lists(identifiers, max_size=4, unique=True))
    criteria = draw(st.lists(identifiers, min_size=1, max_size=3, unique=True))
    parameters = {
        "seats": draw(_parameter(st.integers(1, 200), "seats")),
        "registration_opens": draw(_parameter(st.just(opens), "date")),
        "registration_closes": draw(_parameter(st.just(closes), "date")),
        "reference_date": draw(_parameter(st.just(closes), "date")),
        "minimum_age": draw(_years_parameter(st.integers(0, 70), closes)),
        "minimum_residency_years": draw(_years_parameter(st.integers(0, 10), closes)),
        "allowed_residency": draw(_parameter(st.just((CITIZEN, RESIDENT)))),
        "citizen_share": draw(_parameter(st.floats(0, 1), "share")),
        "diversity_dimensions": draw(
            _parameter(st.just(("residency", "nationality", "age_group", "profession")))
        ),
        "languages": draw(_parameter(st.just(("ar", "en")))),
        "feb29_policy": draw(_parameter(st.sampled_from(("feb28", "mar1")))),
        "hijri_day30_policy": draw(
            _parameter(st.sampled_from((calendars.DAY29, calendars.NEXT_MONTH_DAY1)))
        ),
        "dimension_max_share": draw(
            _parameter(st.fixed_dictionaries({}, optional={"age_group": st.floats(0, 1)}), "share")
        ),
        "dimension_min_seats": draw(
            _parameter(
                st.fixed_dictionaries({}, optional={"profession": st.integers(0, 9)}), "seats"
            )
        ),
    }
    return Programme(
        id=draw(identifiers),
        version=draw(st.sampled_from(("1", "2022.1"))),
        title=draw(localised),
        authority=draw(localised),
        participation="recruited",
        parameters=parameters,
        rules=tuple(
            RuleUse(name)
            for name in (
                "minimum_age",
                "residency_status",
                "minimum_residency",
                "registration_window",
                "declarations",
            )
        ),
        declarations=tuple(Declaration(d, {"en": d, "ar": d}) for d in declarations),
        judged_criteria=tuple(JudgedCriterion(c, {"en": c, "ar": c}) for c in criteria),
    )


def _latest_start(programme: Programme, name: str, as_of: date) -> date:
    """The latest start reaching the years of parameter ``name`` in force at ``as_of``,
    counted in that value's calendar."""
    entry = programme.parameter(name).at(as_of, name)
    calendar = entry.calendar
    gregorian = calendar == calendars.GREGORIAN
    policy = feb29_policy(programme) if gregorian else day30_policy(programme)
    years = programme.integer(name, on=as_of)
    return calendars.latest_start(as_of, years, calendar, policy)


def _eligible(draw: st.DrawFn, programme: Programme) -> Applicant:
    """An applicant eligible under ``programme``'s built-in rules, built to be so."""
    as_of = programme.day("reference_date")
    born_by = _latest_start(programme, "minimum_age", as_of)
    born = draw(st.dates(min_value=born_by - timedelta(days=365 * 60), max_value=born_by))
    since_by = _latest_start(programme, "minimum_residency_years", as_of)
    if since_by < born or draw(st.booleans()):  # too young to have been resident that long
        residency = Residency(CITIZEN)
    else:
        residency = Residency(RESIDENT, draw(st.dates(min_value=born, max_value=since_by)))
    applied = draw(
        st.dates(
            min_value=programme.day("registration_opens"),
            max_value=programme.day("registration_closes"),
        )
    )
    return Applicant(
        id=draw(identifiers),
        birth_date=born,
        nationality=draw(words),
        residency=residency,
        gender=draw(st.none() | st.sampled_from(("female", "male"))),
        profession=draw(st.none() | words),
        declarations=frozenset(d.id for d in programme.declarations),
        applied_on=applied,
    )


@frozen
class _ExampleStep:
    """One plugin rule of the programme, its example and the side the applicant must be on."""

    example: RuleExample
    context: RuleContext
    plugin: str
    fail: bool


def applicants_for(
    programme: Programme, plugins: Plugins | None = None, *, failing: Iterable[str] = ()
) -> st.SearchStrategy[Applicant]:
    """Applicants eligible under every rule of ``programme``, built to be so.

    The built-in rules are known here; a rule a plugin adds (or puts in through an override)
    is learnt from that plugin's ``shopperkit_rule_examples`` hook, so ``plugins`` must be
    the plugins the programme is screened with (the installed ones when left out). A
    programme using a plugin rule without an example is a :class:`ProgrammeError`
    (``rule_example_missing``), never a silently wrong applicant.

    ``failing`` names plugin rules the applicants must fail instead: each applicant is then
    ineligible with a reason from each of those rules and from no other rule. Every example
    applied is checked; one that does not do what it says is a :class:`PluginError`.
    """
    wanted = frozenset(failing)
    steps, screener = _example_steps(programme, plugins, wanted)
    return _applicants_with_examples(_Plan(programme, tuple(steps), screener))


class _Plan:
    """What ``applicants_for`` builds from. A plain class: its short repr keeps hypothesis
    reports readable (hypothesis prints an attrs class field by field)."""

    __slots__ = ("programme", "screener", "steps")

    def __init__(
        self, programme: Programme, steps: tuple[_ExampleStep, ...], screener: Screener | None
    ) -> None:
        self.programme = programme
        self.steps = steps
        self.screener = screener

    def __repr__(self) -> str:
        return f"<applicants for {self.programme.id}>"


def _example_steps(
    programme: Programme, plugins: Plugins | None, failing: frozenset[str]
) -> tuple[list[_ExampleStep], Screener | None]:
    used = {use.rule for use in programme.rules} | {o.replaced_by for o in programme.overrides}
    if not failing and used <= BUILTIN_RULE_NAMES:
        return [], None
    plugins = plugins if plugins is not None else Plugins()
    plan = [planned for planned in plan_rules(programme, plugins) if planned.plugin != BUILTIN]
    by_name = {planned.definition.name: planned for planned in plan}
    for name in sorted(failing - set(by_name)):
        raise ProgrammeError(
            "rule_unknown",
            {"name": name, "known": sorted(by_name)},
            where=f"programme {programme.id}: failing",
        )
    examples = plugins.rule_examples()
    messages = plugins.messages()
    as_of, policy = reference_date(programme), feb29_policy(programme)
    steps = []
    for planned in plan:
        name = planned.definition.name
        example = examples.get(name)
        fail = name in failing
        if example is None or (fail and example.failing is None):
            side = "fail" if fail else "pass"
            raise ProgrammeError(
                "rule_example_missing",
                {"rule": name, "plugin": planned.plugin, "side": side},
                where=f"programme {programme.id}",
            )
        context = RuleContext(
            rule=name,
            programme=programme,
            params={
                param: programme.parameters[target] for param, target in planned.params.items()
            },
            as_of=as_of,
            messages=messages,
            feb29_policy=policy,
            day30_policy=day30_policy(programme),
        )
        steps.append(_ExampleStep(example, context, planned.plugin, fail))
    return steps, Screener(programme, plugins)


@st.composite
def _applicants_with_examples(draw: st.DrawFn, plan: _Plan) -> Applicant:
    programme, steps, screener = plan.programme, plan.steps, plan.screener
    applicant = _eligible(draw, programme)
    if screener is None:
        return applicant
    # Rules the built-in part already fails are left alone; an example may change only its own.
    allowed = {r.rule for r in screener.screen(applicant).reasons}
    allowed |= {step.context.rule for step in steps if step.fail}
    for step in steps:
        change = step.example.failing if step.fail else step.example.passing
        assert change is not None  # checked when the steps were made
        applicant = change(applicant, step.context, draw)
        _check_step(step, applicant, screener.screen(applicant), allowed)
    verdict = screener.screen(applicant)
    for step in steps:  # a later example must not undo an earlier one
        _check_step(step, applicant, verdict, allowed)
    return applicant


def _check_step(
    step: _ExampleStep, applicant: Applicant, verdict: Verdict, allowed: set[str]
) -> None:
    """Raise ``rule_example_wrong`` unless the step's rule decides as asked and no rule
    outside ``allowed`` fails."""
    own = [reason for reason in verdict.reasons if reason.rule == step.context.rule]
    ineligible = any(reason.outcome is Status.INELIGIBLE for reason in own)
    right = ineligible if step.fail else not own
    others = sorted({reason.rule for reason in verdict.reasons} - allowed)
    if not right or others:
        raise PluginError(
            "rule_example_wrong",
            {
                "rule": step.context.rule,
                "plugin": step.plugin,
                "applicant": applicant.id,
                "side": "fail" if step.fail else "pass",
                "others": others or "none",
            },
        )


@st.composite
def boundary_applicants(draw: st.DrawFn, programme: Programme) -> tuple[Applicant, frozenset[str]]:
    """An applicant on one side or the other of every built-in rule's boundary.

    Returns the applicant and the set of reason codes the programme must give: for each rule
    the applicant sits either exactly on the boundary (passes) or one day past it (fails).
    """
    as_of = programme.day("reference_date")
    base = _eligible(draw, programme)
    expected: set[str] = set()

    def side(code: str) -> bool:
        """Draw whether to step outside this rule's boundary; record the code if so."""
        outside = draw(st.booleans())
        if outside:
            expected.add(code)
        return outside

    born = _latest_start(programme, "minimum_age", as_of)
    if born < as_of and side("age_below_minimum"):
        born += timedelta(days=1)
    residency = Residency(CITIZEN)
    since = _latest_start(programme, "minimum_residency_years", as_of)
    if since > born and draw(st.booleans()):
        if since < as_of and side("residency_too_short"):
            since += timedelta(days=1)
        residency = Residency(RESIDENT, since)
    opens, closes = programme.day("registration_opens"), programme.day("registration_closes")
    applied = draw(st.sampled_from((opens, closes)))
    if side("applied_outside_window"):
        applied = opens - timedelta(days=1) if applied == opens else closes + timedelta(days=1)
    declarations = frozenset(d.id for d in programme.declarations)
    if declarations and side("declarations_missing"):
        declarations -= {draw(st.sampled_from(sorted(declarations)))}
    applicant = Applicant(
        id=base.id,
        birth_date=born,
        nationality=base.nationality,
        residency=residency,
        gender=base.gender,
        profession=base.profession,
        declarations=declarations,
        applied_on=applied,
    )
    return applicant, frozenset(expected)


reasons = st.builds(
    Reason,
    rule=identifiers,
    code=identifiers,
    outcome=st.sampled_from((Status.INELIGIBLE, Status.NEEDS_REVIEW)),
    params=st.dictionaries(identifiers, json_scalars, max_size=3),
    message=messages,
)


@st.composite
def verdicts(draw: st.DrawFn) -> Verdict:
    """Verdicts whose status agrees with their reasons."""
    status = draw(st.sampled_from(list(Status)))
    if status is Status.ELIGIBLE:
        found: tuple[Reason, ...] = ()
    elif status is Status.NEEDS_REVIEW:
        found = tuple(draw(st.lists(reasons.map(_as_review), min_size=1, max_size=3)))
    else:
        found = (*draw(st.lists(reasons, max_size=3)), _as_ineligible(draw(reasons)))
    deferred = st.builds(Deferred, criterion=identifiers, stage=identifiers, message=messages)
    return Verdict(
        id=draw(identifiers),
        programme=draw(identifiers),
        as_of=draw(dates),
        status=status,
        reasons=found,
        deferred=tuple(draw(st.lists(deferred, max_size=2))),
        rules=tuple(draw(st.lists(identifiers, max_size=4))),
    )


def _as_review(reason: Reason) -> Reason:
    return Reason(reason.rule, reason.code, Status.NEEDS_REVIEW, reason.params, reason.message)


def _as_ineligible(reason: Reason) -> Reason:
    return Reason(reason.rule, reason.code, Status.INELIGIBLE, reason.params, reason.message)


scores = st.builds(
    InterviewScore,
    applicant=identifiers,
    member=identifiers,
    criterion=identifiers,
    score=st.integers(1, 5).map(float),
)
interview_outcomes = st.builds(
    InterviewOutcome,
    applicant=identifiers,
    passed=st.booleans(),
    pass_rule=st.sampled_from(("each_criterion_mean", "overall_mean", "majority_of_members")),
    pass_mark=st.floats(1, 5),
    criterion_means=st.dictionaries(identifiers, st.floats(1, 5), max_size=3),
    scores=st.lists(scores, max_size=4).map(tuple),
    reasons=st.lists(reasons, max_size=2).map(tuple),
)
entities = st.builds(
    Entity, id=identifiers, name=localised, sector=st.sampled_from(("government", "private"))
)
channels = st.sampled_from(("visit", "app", "whatsapp", "phone", "web"))
services = st.builds(
    Service,
    id=identifiers,
    entity=identifiers,
    name=localised,
    channels=st.lists(channels, min_size=1, max_size=3, unique=True).map(tuple),
    languages=st.lists(st.sampled_from(LANGUAGES), min_size=1, max_size=3, unique=True).map(tuple),
    linked_services=st.lists(identifiers, max_size=2).map(tuple),
)
centres = st.builds(
    ServiceCentre,
    id=identifiers,
    entity=identifiers,
    name=localised,
    city=st.none() | words,
    services=st.lists(identifiers, max_size=3).map(tuple),
    languages=st.lists(st.sampled_from(LANGUAGES), min_size=1, max_size=3, unique=True).map(tuple),
)
directories = st.builds(
    Directory,
    entities=st.lists(entities, max_size=3).map(tuple),
    services=st.lists(services, max_size=3).map(tuple),
    centres=st.lists(centres, max_size=3).map(tuple),
)
applications = st.builds(
    Application,
    programme=identifiers,
    applicant=applicants,
    received_at=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)
    ),
    channel=st.sampled_from(("web", "app", "paper")),
)
overrides = st.builds(
    Override, rule=identifiers, replaced_by=identifiers, reason=words, reference=words
)


def registry() -> dict[type, st.SearchStrategy[Any]]:
    """Model class -> strategy, as registered for ``st.from_type``."""
    return {
        Applicant: applicants,
        Application: applications,
        Residency: residencies(),
        Programme: programmes(),
        Verdict: verdicts(),
        Reason: reasons,
        InterviewScore: scores,
        InterviewOutcome: interview_outcomes,
        Entity: entities,
        Service: services,
        ServiceCentre: centres,
        Directory: directories,
        Override: overrides,
        Form: forms(),
        Evaluation: forms().flatmap(evaluations_for),
        ScoredEvaluation: scored_evaluations(),
    } | _selection_registry()


# --- evaluation forms -------------------------------------------------------------------

_POLICIES = st.builds(
    Policy,
    na=st.sampled_from(("exclude", "zero", "full")),
    aggregation=st.sampled_from(("weighted_mean", "points_ratio")),
    critical=st.sampled_from(("zero_section", "zero_overall", "flag_only")),
    bonus_cap=st.booleans(),
    precision=st.integers(0, 3),
    bands_on=st.sampled_from(("rounded", "raw")),
    bounds=st.sampled_from(("upper_inclusive", "lower_inclusive")),
    weights_sum=st.none() | st.just(100.0),
)
_points = st.integers(0, 10).map(float)
_weights = st.integers(1, 50).map(float)


def _all_languages(draw: st.DrawFn, languages: tuple[str, ...]) -> dict[str, str]:
    return {language: draw(words) for language in languages}


@st.composite
def _question(
    draw: st.DrawFn, qid: str, languages: tuple[str, ...], earlier: list[Question], first: bool
) -> Question:
    kinds = sorted(OPTION_TYPES) if first else [*sorted(OPTION_TYPES), "number", "duration", "text"]
    kind = draw(st.sampled_from(kinds))
    options: tuple[Option, ...] = ()
    bands: tuple[PointsBand, ...] = ()
    low = high = None
    if kind == "yes_no":
        values: list[Scalar] = ["yes", "no"]
    elif kind == "likert":
        values = list(range(1, draw(st.integers(2, 7)) + 1))
    elif kind in ("choice", "multi_choice"):
        values = [f"o{i}" for i in range(draw(st.integers(1, 5)))]
    if kind in OPTION_TYPES:
        points = [draw(_points) for _ in values]
        points[draw(st.integers(0, len(values) - 1))] = draw(st.integers(1, 10).map(float))
        options = tuple(
            Option(value, p, _all_languages(draw, languages))
            for value, p in zip(values, points, strict=True)
        )
    elif kind in ("number", "duration"):
        bounds = sorted(set(draw(st.lists(st.integers(0, 100), min_size=0, max_size=4))))
        points = [draw(_points) for _ in range(len(bounds) + 1)]
        points[draw(st.integers(0, len(points) - 1))] = draw(st.integers(1, 10).map(float))
        bands = (
            *(PointsBand(p, float(upto)) for upto, p in zip(bounds, points, strict=False)),
            PointsBand(points[-1]),
        )
        if draw(st.booleans()):
            low, high = 0.0, float(draw(st.integers(0, 200)))
    show_if = None
    choosers = [q for q in earlier if q.type in OPTION_TYPES]
    if not first and choosers and draw(st.booleans()):
        chooser = draw(st.sampled_from(choosers))
        shown = draw(
            st.lists(st.sampled_from([o.value for o in chooser.options]), min_size=1, unique=True)
        )
        show_if = ShowIf(chooser.id, tuple(shown))
    scored = kind != "text"
    critical = scored and draw(st.booleans())
    return Question(
        id=qid,
        type=kind,
        text=_all_languages(draw, languages),
        weight=draw(_weights),
        required=first or draw(st.booleans()),
        na_allowed=not first and draw(st.booleans()),
        critical=critical,
        fail_below=draw(st.none() | st.integers(1, 100).map(float)) if critical else None,
        bonus=scored and not first and draw(st.integers(0, 5)) == 0,
        options=options,
        bands=bands,
        unit="minutes" if kind == "duration" else None,
        min=low,
        max=high,
        show_if=show_if,
    )


@st.composite
def forms(draw: st.DrawFn) -> Form:
    """Valid forms: every label in every declared language, show_if on earlier questions.

    The first question is always asked and always scored, so every form has evaluations.
    """
    languages = tuple(
        draw(st.lists(st.sampled_from(LANGUAGES), min_size=1, max_size=3, unique=True))
    )
    questions: list[Question] = []
    sections = []
    for s in range(draw(st.integers(1, 3))):
        own = []
        for _ in range(draw(st.integers(1, 4))):
            question = draw(_question(f"q{len(questions)}", languages, questions, not questions))
            questions.append(question)
            own.append(question)
        sections.append(
            Section(
                f"s{s}",
                draw(_weights),
                _all_languages(draw, languages),
                tuple(own),
                handoff=draw(st.booleans()),
            )
        )
    cuts = sorted(set(draw(st.lists(st.integers(1, 99), max_size=4))))
    bands = tuple(
        GradeBand(f"g{i}", float(upto) if upto is not None else None, stars=i + 1)
        for i, upto in enumerate([*cuts, None])
    )
    return Form(
        id=draw(identifiers),
        version=draw(st.sampled_from(("1", "2026.1"))),
        title=_all_languages(draw, languages),
        languages=languages,
        fallback_language=languages[0],
        sections=tuple(sections),
        policy=draw(_POLICIES),
        bands=bands if draw(st.booleans()) else (),
    )


@st.composite
def _answer(draw: st.DrawFn, question: Question) -> Any:
    if question.type == "text":
        return draw(st.text(max_size=20).map(lambda text: text + "." if text == "na" else text))
    if question.type == "multi_choice":
        values = [option.value for option in question.options]
        return draw(st.lists(st.sampled_from(values), unique=True, max_size=len(values)))
    if question.type in OPTION_TYPES:
        return draw(st.sampled_from([option.value for option in question.options]))
    low = question.min if question.min is not None else 0.0
    high = question.max if question.max is not None else 1000.0
    return draw(st.integers(int(low), int(high)) | st.floats(low, high))


def _answers(draw: st.DrawFn, form: Form) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for index, (_, question) in enumerate(form.questions().values()):
        if question.show_if is not None and not question.show_if.holds(answers):
            continue
        if index > 0 and not question.required and draw(st.booleans()):
            continue
        if index > 0 and question.na_allowed and draw(st.integers(0, 3)) == 0:
            answers[question.id] = "na"
        else:
            answers[question.id] = draw(_answer(question))
    return answers


@st.composite
def evaluations_for(draw: st.DrawFn, form: Form) -> Evaluation:
    """Valid evaluations of ``form``: answers respect types, ranges, required and show_if."""
    visited = draw(
        st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31))
    ).replace(tzinfo=UTC)
    service = draw(st.sampled_from(("svc-1", "svc-2")))
    return Evaluation(
        id=draw(identifiers),
        form=form.id,
        form_version=form.version,
        programme=draw(st.none() | identifiers),
        shopper=draw(identifiers),
        entity=draw(st.sampled_from(("ent-1", "ent-2"))),
        centre=draw(st.sampled_from(("c-1", "c-2", "c-3"))),
        service=service,
        channel=draw(st.sampled_from(CHANNELS)),
        visited_at=visited,
        submitted_at=draw(st.none() | st.just(visited + timedelta(hours=1))),
        language=draw(st.sampled_from(form.languages)),
        answers={
            key: tuple(v) if isinstance(v, list) else v for key, v in _answers(draw, form).items()
        },
        comment=draw(st.text(max_size=20)),
        journey=draw(st.none() | _journeys(form, service)),
    )


_scores = st.floats(0.0, 100.0, allow_nan=False)


@st.composite
def scored_evaluations(draw: st.DrawFn) -> ScoredEvaluation:
    """Scored evaluations as ``score.schema.json`` describes them (scores on 0 to 100)."""
    visited = draw(
        st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31))
    ).replace(tzinfo=UTC)
    sections = draw(st.dictionaries(identifiers, st.none() | _scores, min_size=1, max_size=4))
    overall = draw(_scores)
    possible = st.floats(0.5, 1000.0)

    def points(score: float) -> Points:
        share = draw(possible)
        return Points(score * share / 100.0, share)

    return ScoredEvaluation(
        id=draw(identifiers),
        form=draw(identifiers),
        form_version=draw(st.sampled_from(("1", "2024.1"))),
        programme=draw(st.none() | identifiers),
        shopper=draw(identifiers),
        entity=draw(st.sampled_from(("ent-1", "ent-2"))),
        centre=draw(st.sampled_from(("c-1", "c-2", "c-3"))),
        service=draw(st.sampled_from(("svc-1", "svc-2"))),
        channel=draw(st.sampled_from(CHANNELS)),
        language=draw(st.sampled_from(("en", "ar"))),
        visited_at=visited,
        submitted_at=draw(st.none() | st.just(visited + timedelta(hours=1))),
        comment=draw(st.text(max_size=20)),
        overall=overall,
        sections=sections,
        items=draw(st.dictionaries(identifiers, st.none() | _scores, max_size=6)),
        handoffs=draw(st.dictionaries(identifiers, _scores, max_size=2)),
        failed_critical=tuple(draw(st.lists(identifiers, max_size=2))),
        band=draw(st.none() | st.sampled_from(("A", "B", "C"))),
        points=ScorePoints(
            points(overall),
            {name: None if value is None else points(value) for name, value in sections.items()},
        ),
    )


def _journeys(form: Form, service: str) -> st.SearchStrategy[tuple[str, ...]]:
    """Journeys from ``service`` through distinct services, long enough for every hand-off."""
    needed = sum(1 for section in form.sections if section.handoff)
    stops = st.lists(
        identifiers.filter(lambda name: name != service),
        min_size=needed,
        max_size=needed + 1,
        unique=True,
    )
    return stops.map(lambda rest: (service, *rest))


@st.composite
def broken_evaluations_for(draw: st.DrawFn, form: Form) -> tuple[dict[str, Any], str, str]:
    """A record of ``form`` with one known problem: ``(record, code, JSON path)``."""
    from shopperkit.io.convert import to_data

    record: dict[str, Any] = to_data(draw(evaluations_for(form)))
    answers: dict[str, Any] = record["answers"]
    questions = [question for _, question in form.questions().values()]
    first = questions[0]
    kinds = ["unknown_question", "missing", "wrong_type", "option_unknown"]
    handoffs = [section for section in form.sections if section.handoff]
    counts_na = form.policy.na != "exclude"
    answered = [
        n
        for n, section in enumerate(handoffs)
        if any(
            question.id in answers and (counts_na or answers[question.id] != "na")
            for question in section.questions
        )
    ]
    if answered:
        kinds.append("journey_short")
    if any(q.type in BAND_TYPES and q.max is not None for q in questions):
        kinds.append("out_of_range")
    if any(not q.na_allowed for q in questions):
        kinds.append("na")
    kind = draw(st.sampled_from(kinds))
    if kind == "journey_short":
        last = answered[-1]
        record["journey"] = [record["service"], *(f"svc-stop-{i}" for i in range(last))]
        return record, "journey_too_short", "$.journey"
    if kind == "unknown_question":
        qid = "zz_not_a_question"
        answers[qid] = 1
        return record, "answer_question_unknown", f"$.answers.{qid}"
    if kind == "missing":
        del answers[first.id]
        return record, "answer_missing", f"$.answers.{first.id}"
    if kind == "wrong_type":
        answers[first.id] = {"a": 1}
        return record, "answer_wrong_type", f"$.answers.{first.id}"
    if kind == "option_unknown":
        answers[first.id] = ["zz-no-such-option"] if first.type == "multi_choice" else "zz-none"
        return record, "answer_option_unknown", f"$.answers.{first.id}"
    if kind == "out_of_range":
        ranged = draw(
            st.sampled_from([q for q in questions if q.type in BAND_TYPES and q.max is not None])
        )
        # Asked only when its show_if holds: answer the controlling question so it does.
        _reveal(form, ranged, answers)
        answers[ranged.id] = (ranged.max or 0) + draw(st.integers(1, 100))
        return record, "answer_out_of_range", f"$.answers.{ranged.id}"
    target = draw(st.sampled_from([q for q in questions if not q.na_allowed]))
    _reveal(form, target, answers)
    answers[target.id] = "na"
    return record, "answer_na_not_allowed", f"$.answers.{target.id}"


def _reveal(form: Form, question: Question, answers: dict[str, Any]) -> None:
    """Change earlier answers so ``question`` is asked (show_if chains included)."""
    questions = form.questions()
    condition = question.show_if
    if condition is None:
        return
    chooser = questions[condition.question][1]
    _reveal(form, chooser, answers)
    value = condition.values[0]
    answers[chooser.id] = [value] if chooser.type == "multi_choice" else value


# Operations: lifecycle events, shoppers and coverage targets.
events = st.builds(
    Event,
    id=identifiers,
    person=identifiers,
    kind=st.sampled_from(["screened", "interviewed", "activated", "completed", "suspended"]),
    at=dates,
    data=st.dictionaries(st.sampled_from(["reasons", "by", "report"]), words, max_size=2),
)
shoppers = st.builds(
    Shopper,
    id=identifiers,
    languages=st.lists(st.sampled_from(LANGUAGES), max_size=3, unique=True).map(tuple),
    employer=st.none() | words,
    city=st.none() | words,
)
targets = st.builds(
    Target,
    centre=identifiers,
    service=identifiers,
    week=st.integers(1, 53),
    visits=st.integers(1, 9),
    channel=channels,
    journey=st.lists(identifiers, max_size=3).map(tuple),
)
OPERATIONS: dict[type, st.SearchStrategy[Any]] = {Event: events, Shopper: shoppers, Target: targets}
"""Operations models -> strategy, registered for ``st.from_type`` beside :func:`registry`."""


def _selection_registry() -> dict[type, st.SearchStrategy[Any]]:
    from shopperkit.selection.feasibility import Problem

    return {Problem: pools_with_quotas()}


@st.composite
def pools_with_quotas(draw: st.DrawFn, max_people: int = 12) -> Any:
    """A selection problem (pool and quotas) that is feasible by construction.

    A panel is drawn first, then every quota is set around that panel's own counts, so at
    least that panel meets them all.
    """
    from shopperkit.model.pool import Candidate, Pool
    from shopperkit.selection.feasibility import Problem
    from shopperkit.selection.quotas import Quota, QuotaSet

    features = [f"f{i}" for i in range(draw(st.integers(1, 3)))]
    values = {f: [f"v{j}" for j in range(draw(st.integers(1, 3)))] for f in features}
    size = draw(st.integers(1, max_people))
    profiles = [tuple(draw(st.sampled_from(values[f])) for f in features) for _ in range(size)]
    ids = [f"P{i:03d}" for i in range(size)]
    seats = draw(st.integers(1, size))
    chosen = draw(st.permutations(range(size)))[:seats]
    quotas = []
    for k, feature in enumerate(features):
        for value in values[feature]:
            taken = sum(1 for i in chosen if profiles[i][k] == value)
            low = max(0, taken - draw(st.integers(0, 2)))
            high = min(seats, taken + draw(st.integers(0, 2)))
            quotas.append(Quota(feature, value, low, high))
    pool = Pool(
        tuple(features),
        tuple(
            Candidate(person, dict(zip(features, profile, strict=True)))
            for person, profile in zip(ids, profiles, strict=True)
        ),
    )
    return Problem.of(QuotaSet(seats, tuple(quotas)), pool)
