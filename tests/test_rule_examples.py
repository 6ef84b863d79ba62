"""Generated applicants learn plugin rules through the shopperkit_rule_examples hook."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from attrs import evolve
from hypothesis import given, settings
from hypothesis import strategies as st

from shopperkit.eligibility import Check, RuleContext, RuleDefinition, RuleExample, Screener
from shopperkit.errors import PluginError, ProgrammeError
from shopperkit.model import Applicant, Override, Parameter, Programme, Reason, RuleUse, Status
from shopperkit.plugins import Plugins, make_plugin_manager, module_plugin
from shopperkit.testing.strategies import applicants_for

EMPLOYERS = ("ministry", "bureau")


def build_no_listed_employer(ctx: RuleContext) -> Check:
    barred = frozenset(ctx.value("barred_employers"))

    def check(applicant: Applicant) -> Reason | None:
        if applicant.employer in barred:
            return ctx.reason("employer_barred", Status.INELIGIBLE, employer=applicant.employer)
        return None

    return check


NO_LISTED_EMPLOYER = RuleDefinition(
    name="no_listed_employer",
    description="Not employed by a barred employer.",
    params=("barred_employers",),
    codes=("employer_barred",),
    build=build_no_listed_employer,
)


def free_of_barred(applicant: Applicant, ctx: RuleContext, draw: Any) -> Applicant:
    return evolve(applicant, employer=draw(st.none() | st.sampled_from(("shop", "clinic"))))


def employed_by_barred(applicant: Applicant, ctx: RuleContext, draw: Any) -> Applicant:
    return evolve(applicant, employer=draw(st.sampled_from(sorted(ctx.value("barred_employers")))))


def unchanged(applicant: Applicant, ctx: RuleContext, draw: Any) -> Applicant:
    return applicant


def plugins_with(*examples: RuleExample, name: str = "employers") -> Plugins:
    hooks: dict[str, Any] = {"shopperkit_eligibility_rules": lambda: [NO_LISTED_EMPLOYER]}
    if examples:
        hooks["shopperkit_rule_examples"] = lambda: list(examples)
    return Plugins(make_plugin_manager(plugins=[(name, module_plugin(name, **hooks))]))


GOOD = RuleExample("no_listed_employer", passing=free_of_barred, failing=employed_by_barred)
PLUGINS = plugins_with(GOOD)


def with_rule(qatar: Programme) -> Programme:
    barred = Parameter(EMPLOYERS, "Employers barred.", "test", date(2022, 6, 6))
    return evolve(
        qatar,
        parameters={**qatar.parameters, "barred_employers": barred},
        rules=(*qatar.rules, RuleUse("no_listed_employer")),
    )


@pytest.fixture(scope="module")
def programme(shopperkit_load_programme: Any) -> Programme:
    return with_rule(shopperkit_load_programme("qatar-cgb"))


def test_the_accessor_gives_each_rule_its_example() -> None:
    assert PLUGINS.rule_examples() == {"no_listed_employer": GOOD}


@settings(max_examples=50)
@given(data=st.data())
def test_generated_applicants_pass_the_plugin_rule(
    data: st.DataObject, programme: Programme
) -> None:
    applicant = data.draw(applicants_for(programme, PLUGINS))
    assert applicant.employer not in EMPLOYERS
    assert Screener(programme, PLUGINS).screen(applicant).status is Status.ELIGIBLE


@settings(max_examples=50)
@given(data=st.data())
def test_applicants_asked_to_fail_fail_only_that_rule(
    data: st.DataObject, programme: Programme
) -> None:
    applicant = data.draw(applicants_for(programme, PLUGINS, failing=["no_listed_employer"]))
    verdict = Screener(programme, PLUGINS).screen(applicant)
    assert [reason.code for reason in verdict.reasons] == ["employer_barred"]


@settings(max_examples=20)
@given(data=st.data())
def test_a_rule_put_in_by_an_override_is_learnt_too(
    data: st.DataObject, programme: Programme
) -> None:
    """The plugin rule stands in for the built-in conflict rule through an override."""
    entities = Parameter(("ent-1",), "Entities evaluated.", "test", date(2022, 6, 6))
    reformed = evolve(
        programme,
        parameters={**programme.parameters, "evaluated_entities": entities},
        rules=(*programme.rules[:-1], RuleUse("conflict_of_interest")),
        overrides=(Override("conflict_of_interest", "no_listed_employer", "pilot", "test"),),
    )
    applicant = data.draw(applicants_for(reformed, PLUGINS, failing=["no_listed_employer"]))
    verdict = Screener(reformed, PLUGINS).screen(applicant)
    assert [reason.code for reason in verdict.reasons] == ["employer_barred"]


def test_a_plugin_rule_without_an_example_is_refused(programme: Programme) -> None:
    with pytest.raises(ProgrammeError) as raised:
        applicants_for(programme, plugins_with())
    assert raised.value.code == "rule_example_missing"
    assert raised.value.params == {
        "rule": "no_listed_employer",
        "plugin": "employers",
        "side": "pass",
    }


def test_failing_a_rule_whose_example_cannot_fail_is_refused(programme: Programme) -> None:
    plugins = plugins_with(RuleExample("no_listed_employer", passing=free_of_barred))
    assert applicants_for(programme, plugins) is not None
    with pytest.raises(ProgrammeError) as raised:
        applicants_for(programme, plugins, failing=["no_listed_employer"])
    assert raised.value.code == "rule_example_missing"
    assert raised.value.params["side"] == "fail"


def test_failing_a_rule_the_programme_does_not_use_is_refused(programme: Programme) -> None:
    with pytest.raises(ProgrammeError) as raised:
        applicants_for(programme, PLUGINS, failing=["no_such_rule"])
    assert raised.value.code == "rule_unknown"
    assert raised.value.params["known"] == ["no_listed_employer"]


@settings(max_examples=5)
@given(data=st.data())
def test_an_example_that_does_not_do_what_it_says_is_named(
    data: st.DataObject, programme: Programme
) -> None:
    plugins = plugins_with(RuleExample("no_listed_employer", passing=unchanged, failing=unchanged))
    with pytest.raises(PluginError) as raised:
        data.draw(applicants_for(programme, plugins, failing=["no_listed_employer"]))
    assert raised.value.code == "rule_example_wrong"
    assert (raised.value.params["plugin"], raised.value.params["side"]) == ("employers", "fail")


def test_two_plugins_giving_an_example_for_one_rule_are_named() -> None:
    other = module_plugin("other", shopperkit_rule_examples=lambda: [GOOD])
    first = module_plugin(
        "employers",
        shopperkit_eligibility_rules=lambda: [NO_LISTED_EMPLOYER],
        shopperkit_rule_examples=lambda: [GOOD],
    )
    plugins = Plugins(make_plugin_manager(plugins=[("employers", first), ("other", other)]))
    with pytest.raises(PluginError) as raised:
        plugins.rule_examples()
    assert raised.value.code == "rule_example_duplicate"
    assert (raised.value.params["first"], raised.value.params["second"]) == ("employers", "other")


def test_an_example_hook_returning_something_else_is_named() -> None:
    plugin = module_plugin("odd", shopperkit_rule_examples=lambda: ["not an example"])
    with pytest.raises(PluginError) as raised:
        Plugins(make_plugin_manager(plugins=[("odd", plugin)])).rule_examples()
    assert raised.value.code == "plugin_invalid"
    assert raised.value.params["plugin"] == "odd"


def undated(applicant: Applicant, ctx: RuleContext, draw: Any) -> Applicant:
    return evolve(applicant, employer=None, applied_on=None)


@settings(max_examples=5)
@given(data=st.data())
def test_an_example_that_changes_another_rule_is_named(
    data: st.DataObject, programme: Programme
) -> None:
    plugins = plugins_with(RuleExample("no_listed_employer", passing=undated))
    with pytest.raises(PluginError) as raised:
        data.draw(applicants_for(programme, plugins))
    assert raised.value.code == "rule_example_wrong"
    assert raised.value.params["others"] == ["registration_window"]
