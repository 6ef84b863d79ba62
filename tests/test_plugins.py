"""The plugin manager: built-ins, entry points, blocking, and errors that name the plugin."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from importlib.metadata import EntryPoint
from types import ModuleType

import pytest
from attrs import evolve

from shopperkit import hookimpl
from shopperkit.cli import main
from shopperkit.eligibility.rules import Check, RuleContext, RuleDefinition
from shopperkit.eligibility.screening import Screener
from shopperkit.errors import PluginError
from shopperkit.model.people import Applicant
from shopperkit.model.programme import Override, Programme, RuleUse
from shopperkit.model.verdicts import Reason, Status
from shopperkit.plugins import BLOCK_ENV, Plugins, make_plugin_manager, module_plugin
from tests.helpers import applicant


def _strict_age(ctx: RuleContext) -> Check:
    def check(person: Applicant) -> Reason | None:
        born = person.birth_date
        if born is not None and born <= date(2001, 7, 6):
            return None
        return ctx.reason("age_below_minimum", Status.INELIGIBLE, age="under 21")

    return check


STRICT_AGE = RuleDefinition(
    name="strict_age",
    description="At least 21 on 6 July 2022.",
    params=(),
    codes=("age_below_minimum",),
    build=_strict_age,
)


def test_builtins_and_installed_programme_are_loaded() -> None:
    names = {name for name, _ in make_plugin_manager().list_name_plugin()}
    assert {"shopperkit.builtin", "qatar-cgb"} <= names


def test_a_plugin_can_be_blocked_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(BLOCK_ENV, "qatar-cgb")
    names = {name for name, _ in make_plugin_manager().list_name_plugin()}
    assert "qatar-cgb" not in names
    assert "shopperkit.builtin" in names


def test_a_plugin_that_fails_to_import_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = EntryPoint(name="broken-programme", value="no_such_module_x", group="shopperkit")

    def fake_entry_points(group: str) -> Sequence[EntryPoint]:
        return [broken]

    monkeypatch.setattr("shopperkit.plugins.entry_points", fake_entry_points)
    with pytest.raises(PluginError) as raised:
        make_plugin_manager()
    assert raised.value.code == "plugin_import_failed"
    assert raised.value.params["plugin"] == "broken-programme"


def test_a_hook_that_does_not_exist_is_named() -> None:
    def shopperkit_no_such_hook() -> None:
        return None

    plugin = module_plugin("misspelt", shopperkit_no_such_hook=shopperkit_no_such_hook)
    with pytest.raises(PluginError) as raised:
        make_plugin_manager(plugins=[("misspelt", plugin)])
    assert raised.value.code == "plugin_invalid"
    assert raised.value.params["plugin"] == "misspelt"


def test_a_hook_that_raises_is_named() -> None:
    def shopperkit_eligibility_rules() -> Sequence[RuleDefinition]:
        raise RuntimeError("boom")

    plugin = module_plugin("raises", shopperkit_eligibility_rules=shopperkit_eligibility_rules)
    with pytest.raises(PluginError) as raised:
        Plugins(make_plugin_manager(plugins=[("raises", plugin)])).rules()
    assert raised.value.params["plugin"] == "raises"


def test_a_hook_returning_the_wrong_kind_is_named() -> None:
    plugin = module_plugin("wrong", shopperkit_eligibility_rules=lambda: ["minimum_age"])
    with pytest.raises(PluginError) as raised:
        Plugins(make_plugin_manager(plugins=[("wrong", plugin)])).rules()
    assert raised.value.params["plugin"] == "wrong"


def test_a_rule_may_not_silently_replace_a_builtin() -> None:
    clash = evolve(STRICT_AGE, name="minimum_age")
    plugin = module_plugin("clash", shopperkit_eligibility_rules=lambda: [clash])
    with pytest.raises(PluginError) as raised:
        Plugins(make_plugin_manager(plugins=[("clash", plugin)])).rules()
    assert raised.value.code == "rule_duplicate"
    assert {raised.value.params["first"], raised.value.params["second"]} == {
        "shopperkit.builtin",
        "clash",
    }


def test_an_explicit_override_replaces_a_rule_and_is_recorded(qatar: Programme) -> None:
    plugin = module_plugin("strict", shopperkit_eligibility_rules=lambda: [STRICT_AGE])
    plugins = Plugins(make_plugin_manager(plugins=[("strict", plugin)]))
    reform = evolve(
        qatar,
        overrides=(Override("minimum_age", "strict_age", "pilot with older shoppers", "memo 7"),),
    )
    screener = Screener(reform, plugins)
    verdict = screener.screen(applicant(birth_date=date(2002, 1, 1)))
    assert verdict.status is Status.INELIGIBLE
    assert [reason.rule for reason in verdict.reasons] == ["strict_age"]
    assert "strict_age (replaces minimum_age)" in verdict.rules
    plan = screener.explain()
    assert plan["overrides"][0]["replaced_by"] == "strict_age"
    assert plan["rules"][0]["replaces"] == "minimum_age"
    assert plan["rules"][0]["plugin"] == "strict"


def test_plugins_command_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plugins"]) == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["qatar-cgb"]["programmes"] == ["qatar-cgb"]
    assert rows["qatar-cgb"]["distribution"] == "shopperkit-qatar-cgb"
    assert "shopperkit_eligibility_rules" in rows["shopperkit.builtin"]["hooks"]
    assert all(row["version"] for row in rows.values())


def test_hookimpl_marks_a_function() -> None:
    module = ModuleType("marked")

    @hookimpl
    def shopperkit_eligibility_rules() -> Sequence[RuleDefinition]:
        return [STRICT_AGE]

    module.shopperkit_eligibility_rules = shopperkit_eligibility_rules  # type: ignore[attr-defined]
    plugins = Plugins(make_plugin_manager(plugins=[("marked", module)]))
    assert plugins.rule_plugins()["strict_age"] == "marked"


def test_a_message_code_may_not_be_redefined() -> None:
    plugin = module_plugin(
        "loud", shopperkit_messages=lambda: {"age_below_minimum": {"en": "TOO YOUNG", "ar": "!"}}
    )
    with pytest.raises(PluginError) as raised:
        Plugins(make_plugin_manager(plugins=[("loud", plugin)])).messages()
    assert raised.value.code == "message_duplicate"
    assert raised.value.params["second"] == "loud"


def test_a_rule_that_raises_while_screening_is_named(qatar: Programme) -> None:
    def build(ctx: RuleContext) -> Check:
        def check(person: Applicant) -> Reason | None:
            raise ZeroDivisionError("oops")

        return check

    fragile = RuleDefinition("fragile", "always raises", (), ("x",), build)
    plugin = module_plugin("fragile-plugin", shopperkit_eligibility_rules=lambda: [fragile])
    plugins = Plugins(make_plugin_manager(plugins=[("fragile-plugin", plugin)]))
    with_fragile = evolve(qatar, rules=(*qatar.rules, RuleUse("fragile")))
    with pytest.raises(PluginError) as raised:
        Screener(with_fragile, plugins).screen(applicant())
    assert raised.value.params["plugin"] == "fragile-plugin"
    assert "fragile" in raised.value.params["hook"]
