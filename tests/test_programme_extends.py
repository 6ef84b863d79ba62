"""A programme file extends an installed programme by id, with explicit, recorded changes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from attrs import evolve
from hypothesis import given, settings
from hypothesis import strategies as st

from shopperkit.cli import main
from shopperkit.eligibility.screening import Screener
from shopperkit.errors import InputError, ProgrammeError
from shopperkit.io.convert import to_data
from shopperkit.model.programme import Parameter, Programme, RuleUse
from shopperkit.plugins import Plugins, make_plugin_manager, module_plugin
from shopperkit.programmes import extend, load_programme, programme_from_data
from shopperkit.registry import Registry
from shopperkit.testing import strategies

MAX_AGE = {
    "value": 70,
    "unit": "years",
    "description": "Maximum age in full years at the reference date.",
    "reference": "Bureau decision 3/2022 on field visits",
    "effective_from": "2022-06-06",
}
FORTY_SEATS = {
    "value": 40,
    "unit": "seats",
    "description": "Cohort size of the second round.",
    "reference": "Bureau decision 4/2022",
    "effective_from": "2023-01-01",
}


def write(folder: Path, data: dict[str, Any], name: str = "variant.json") -> Path:
    path = folder / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def variant(**changes: Any) -> dict[str, Any]:
    return {"id": "qatar-variant", "version": "2023.1", "extends": "qatar-cgb", **changes}


@pytest.fixture
def registry(plugins: Plugins) -> Registry:
    return Registry(plugins)


def test_a_parameter_changed_and_a_rule_removed_are_recorded(
    tmp_path: Path, registry: Registry, qatar: Programme
) -> None:
    path = write(
        tmp_path,
        variant(
            parameters={"seats": FORTY_SEATS, "maximum_age": MAX_AGE},
            removed_rules=["registration_window"],
            title={"en": "Second round", "ar": "الجولة الثانية"},
        ),
    )
    programme = registry.programme(str(path))
    assert programme.id == "qatar-variant"
    assert programme.version == "2023.1"
    assert programme.integer("seats") == 40
    assert programme.integer("maximum_age") == 70
    assert programme.parameter("seats").reference == "Bureau decision 4/2022"
    assert programme.title == {"en": "Second round", "ar": "الجولة الثانية"}
    assert programme.authority == qatar.authority
    assert programme.declarations == qatar.declarations
    assert [use.rule for use in programme.rules] == [
        use.rule for use in qatar.rules if use.rule != "registration_window"
    ]
    basis = programme.based_on
    assert basis is not None
    assert (basis.programme, basis.version) == ("qatar-cgb", qatar.version)
    assert basis.lineage == (f"qatar-cgb@{qatar.version}",)
    assert basis.changed_parameters == ("seats",)
    assert basis.added_parameters == ("maximum_age",)
    assert basis.removed_rules == ("registration_window",)
    assert basis.replaced_fields == ("version", "title")


def test_the_extended_programme_screens_with_its_changes(
    tmp_path: Path, registry: Registry, plugins: Plugins
) -> None:
    path = write(tmp_path, variant(removed_rules=["registration_window"]))
    programme = registry.programme(str(path))
    screener = Screener(programme, plugins)
    assert "registration_window" not in screener.rules
    assert "minimum_age" in screener.rules


def test_added_rules_come_after_the_base_rules(
    tmp_path: Path, registry: Registry, qatar: Programme
) -> None:
    data = variant(
        parameters={"evaluated_entities": {**MAX_AGE, "value": ["ent-1"], "unit": None}},
        rules=[{"rule": "conflict_of_interest"}],
    )
    del data["parameters"]["evaluated_entities"]["unit"]
    programme = registry.programme(str(write(tmp_path, data)))
    assert programme.rules == (*qatar.rules, RuleUse("conflict_of_interest"))
    assert programme.based_on is not None
    assert programme.based_on.added_rules == ("conflict_of_interest",)


def test_a_file_extending_a_file_based_programme_records_the_whole_lineage(
    tmp_path: Path, plugins: Plugins, qatar: Programme
) -> None:
    middle = write(tmp_path, variant(parameters={"seats": FORTY_SEATS}))
    top = write(
        tmp_path,
        {"id": "qatar-top", "version": "2024.1", "extends": "qatar-variant"},
        "top.json",
    )
    extra = module_plugin("variants", shopperkit_programmes=lambda: [middle])
    registry = Registry(Plugins(make_plugin_manager(plugins=[("variants", extra)])))
    programme = registry.programme(str(top))
    assert programme.integer("seats") == 40
    assert programme.based_on is not None
    assert programme.based_on.lineage == ("qatar-variant@2023.1", f"qatar-cgb@{qatar.version}")


def test_removing_a_rule_the_base_does_not_use_names_file_and_path(
    tmp_path: Path, registry: Registry
) -> None:
    path = write(tmp_path, variant(removed_rules=["minimum_age", "no_such_rule"]))
    with pytest.raises(ProgrammeError) as raised:
        registry.programme(str(path))
    assert raised.value.code == "removed_rule_unknown"
    assert raised.value.where == f"{path}: $.removed_rules[1]"
    assert raised.value.params["name"] == "no_such_rule"


def test_removing_a_parameter_the_base_lacks_names_file_and_path(
    tmp_path: Path, registry: Registry
) -> None:
    path = write(tmp_path, variant(removed_parameters=["no_such_parameter"]))
    with pytest.raises(ProgrammeError) as raised:
        registry.programme(str(path))
    assert raised.value.code == "removed_parameter_unknown"
    assert raised.value.where == f"{path}: $.removed_parameters[0]"


def test_adding_a_rule_the_base_already_uses_is_refused(tmp_path: Path, registry: Registry) -> None:
    path = write(tmp_path, variant(rules=[{"rule": "minimum_age"}]))
    with pytest.raises(ProgrammeError) as raised:
        registry.programme(str(path))
    assert raised.value.code == "rule_already_used"
    assert raised.value.where == f"{path}: $.rules[0]"


def test_an_unknown_base_names_file_and_path(tmp_path: Path, registry: Registry) -> None:
    path = write(tmp_path, variant(extends="qatar-cgbb"))
    with pytest.raises(ProgrammeError) as raised:
        registry.programme(str(path))
    assert raised.value.code == "programme_unknown"
    assert raised.value.where == f"{path}: $.extends"
    assert "qatar-cgb" in raised.value.params["known"]


def test_without_a_lookup_an_extending_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ProgrammeError) as raised:
        load_programme(write(tmp_path, variant()))
    assert raised.value.code == "programme_unknown"


def test_a_programme_extending_itself_is_a_cycle(tmp_path: Path, registry: Registry) -> None:
    path = write(tmp_path, variant(id="qatar-cgb"))
    with pytest.raises(ProgrammeError) as raised:
        registry.programme(str(path))
    assert raised.value.code == "programme_extends_cycle"
    assert raised.value.where == f"{path}: $.id"


def test_installed_programmes_extending_each_other_are_a_cycle(tmp_path: Path) -> None:
    first = write(tmp_path, variant(id="ring-a", extends="ring-b"), "a.json")
    second = write(tmp_path, variant(id="ring-b", extends="ring-a"), "b.json")
    extra = module_plugin("ring", shopperkit_programmes=lambda: [first, second])
    registry = Registry(Plugins(make_plugin_manager(plugins=[("ring", extra)])))
    with pytest.raises(ProgrammeError) as raised:
        registry.programme("qatar-cgb")
    assert raised.value.code == "programme_extends_cycle"
    assert raised.value.params["chain"] == "ring-a -> ring-b -> ring-a"
    assert raised.value.where == f"{first}: $.extends"


def test_changes_keys_need_extends(tmp_path: Path, registry: Registry) -> None:
    data = {k: v for k, v in variant(removed_rules=["minimum_age"]).items() if k != "extends"}
    with pytest.raises(InputError) as raised:
        registry.programme(str(write(tmp_path, data)))
    assert raised.value.code == "schema_violation"


def test_the_result_is_checked_as_a_whole(tmp_path: Path, registry: Registry) -> None:
    """Making the open UAE programme recruited without its recruitment parameters fails."""
    data = {"id": "uae-cohort", "version": "1", "extends": "uae", "participation": "recruited"}
    with pytest.raises(InputError) as raised:
        registry.programme(str(write(tmp_path, data)))
    assert raised.value.code == "schema_violation"
    assert "extending uae" in str(raised.value)
    assert "reference_date" in raised.value.params["reason"]


def test_a_base_override_of_a_removed_rule_goes_with_it(registry: Registry) -> None:
    data = to_data(registry.programme("qatar-cgb"))
    data["id"] = "qatar-reformed"
    data["overrides"] = [
        {"rule": "minimum_age", "replaced_by": "minimum_age", "reason": "r", "reference": "ref"},
        {"rule": "declarations", "replaced_by": "declarations", "reason": "r", "reference": "ref"},
    ]
    base = registry.programme_from_data(data)
    changed = extend(base, variant(removed_rules=["minimum_age"]))
    assert [override.rule for override in changed.overrides] == ["declarations"]
    assert changed.based_on is not None
    assert changed.based_on.removed_rules == ("minimum_age",)


def test_an_added_override_replaces_the_base_override_of_that_rule(registry: Registry) -> None:
    data = to_data(registry.programme("qatar-cgb"))
    data["id"] = "qatar-reformed"
    data["overrides"] = [
        {"rule": "minimum_age", "replaced_by": "minimum_age", "reason": "r", "reference": "ref"}
    ]
    base = registry.programme_from_data(data)
    newer = {"rule": "minimum_age", "replaced_by": "declarations", "reason": "s", "reference": "t"}
    changed = extend(base, variant(overrides=[newer]))
    assert [(o.rule, o.replaced_by) for o in changed.overrides] == [("minimum_age", "declarations")]
    assert changed.based_on is not None
    assert changed.based_on.added_overrides == ("minimum_age",)


def test_programme_from_data_is_in_memory(registry: Registry, qatar: Programme) -> None:
    programme = registry.programme_from_data(variant(parameters={"seats": FORTY_SEATS}))
    assert programme.integer("seats") == 40
    assert programme.parameters.keys() == qatar.parameters.keys()
    with pytest.raises(ProgrammeError) as raised:
        programme_from_data(variant())
    assert raised.value.code == "programme_unknown"


# --- properties -------------------------------------------------------------------------

new_parameters = st.builds(
    Parameter,
    value=st.integers(0, 500),
    description=strategies.words,
    reference=strategies.words,
    effective_from=strategies.dates,
)


@settings(max_examples=60)
@given(base=strategies.programmes(), new_id=strategies.identifiers)
def test_extending_with_no_changes_gives_the_base(base: Programme, new_id: str) -> None:
    changes = {"id": new_id, "version": base.version}
    if new_id == base.id:
        with pytest.raises(ProgrammeError):
            extend(base, changes)
        return
    extended = extend(base, changes)
    assert evolve(extended, based_on=None) == evolve(base, id=new_id)
    assert extended.based_on is not None
    assert extended.based_on.programme == base.id
    assert extended.based_on.changed_parameters == ()


@settings(max_examples=60)
@given(data=st.data(), base=strategies.programmes())
def test_overrides_win_and_the_rest_is_inherited(data: st.DataObject, base: Programme) -> None:
    names = sorted(base.parameters)
    changed = data.draw(st.lists(st.sampled_from(names), unique=True, max_size=3))
    added = data.draw(st.lists(st.sampled_from(["extra_a", "extra_b"]), unique=True))
    given_ = {name: data.draw(new_parameters) for name in [*changed, *added]}
    # Values must stay valid for standard parameters: keep their unit and kind of value.
    for name in changed:
        given_[name] = evolve(base.parameters[name], reference=given_[name].reference)
    removable = [name for name in names if name not in changed and name not in RULE_PARAMETERS]
    removed = data.draw(st.lists(st.sampled_from(removable), unique=True, max_size=2))
    removed = [name for name in removed if name not in STANDARD]
    dropped_rules = data.draw(
        st.lists(st.sampled_from([use.rule for use in base.rules]), unique=True, max_size=2)
    )
    changes = {
        "id": base.id + "-x",
        "version": "x",
        "parameters": {name: to_data(parameter) for name, parameter in given_.items()},
        "removed_parameters": removed,
        "removed_rules": dropped_rules,
    }
    result = extend(base, changes)
    assert result.version == "x"
    for name, parameter in given_.items():
        assert result.parameters[name] == parameter
    for name in set(names) - set(given_) - set(removed):
        assert result.parameters[name] == base.parameters[name]
    assert not set(removed) & set(result.parameters)
    assert [use.rule for use in result.rules] == [
        use.rule for use in base.rules if use.rule not in dropped_rules
    ]
    assert result.based_on is not None
    assert set(result.based_on.changed_parameters) == set(changed)
    assert set(result.based_on.added_parameters) == set(added)


RULE_PARAMETERS = frozenset(
    {
        "minimum_age",
        "minimum_residency_years",
        "allowed_residency",
        "registration_opens",
        "registration_closes",
    }
)
STANDARD = frozenset(
    {
        "seats",
        "reference_date",
        "citizen_share",
        "diversity_dimensions",
        "languages",
        *RULE_PARAMETERS,
    }
)


# --- the command ------------------------------------------------------------------------


def test_programme_command_validates_the_open_uae_programme(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["programme", "uae"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["participation"] == "open"
    assert plan["rules"] == []
    assert [form["form"] for form in plan["forms"]] == ["uae-quick", "uae-visit"]
    assert "ar" in plan["languages"]


def test_programme_command_still_plans_the_qatar_screening(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["programme", "qatar-cgb"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["programme"] == "qatar-cgb"
    assert "minimum_age" in [rule["rule"] for rule in plan["rules"]]
    assert "interview" in plan
    assert "based_on" not in plan


def test_programme_command_shows_what_an_extension_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, variant(parameters={"seats": FORTY_SEATS}))
    assert main(["programme", str(path)]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["based_on"]["programme"] == "qatar-cgb"
    assert plan["based_on"]["changed_parameters"] == ["seats"]


def test_an_open_programme_naming_a_missing_form_fails_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    forms = {
        "value": ["uae-visit", "uae-nope"],
        "description": "Forms.",
        "reference": "test",
        "effective_from": "2020-01-01",
    }
    path = write(
        tmp_path, {"id": "uae-x", "version": "1", "extends": "uae", "parameters": {"forms": forms}}
    )
    assert main(["programme", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    assert "$.parameters.forms.value[1]" in captured.err
    assert "uae-nope" in captured.err
