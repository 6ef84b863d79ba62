"""Programme files: validated with JSON paths, dated and sourced parameters, JSON or TOML."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from shopperkit.eligibility.screening import Screener
from shopperkit.errors import InputError, ProgrammeError
from shopperkit.model.programme import Programme
from shopperkit.plugins import Plugins
from shopperkit.programmes import load_programme
from shopperkit.registry import Registry

SOURCE = (
    Path(__file__).resolve().parent.parent
    / "plugins/shopperkit-qatar-cgb/src/shopperkit_qatar_cgb/qatar-cgb.json"
)


def qatar_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SOURCE.read_text())
    return data


def write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "programme.json"
    path.write_text(json.dumps(data))
    return path


def test_qatar_conditions_are_parameters(qatar: Programme) -> None:
    assert qatar.integer("seats") == 50
    assert qatar.integer("minimum_age") == 18
    assert qatar.integer("minimum_residency_years") == 2
    assert qatar.number("citizen_share") == 0.5
    assert qatar.day("registration_opens") == date(2022, 6, 6)
    assert qatar.day("registration_closes") == date(2022, 7, 6)
    assert set(qatar.strings("diversity_dimensions")) >= {"nationality", "age_group", "profession"}
    assert {d.id for d in qatar.declarations} == {
        "attend_training",
        "report_changes",
        "use_bureau_forms",
        "impartiality_confidentiality",
        "propose_improvements",
    }
    assert {c.id for c in qatar.judged_criteria} >= {"credibility", "public_spirit"}


def test_every_parameter_is_described_sourced_and_dated(qatar: Programme) -> None:
    for name, parameter in qatar.parameters.items():
        assert parameter.description, name
        assert parameter.reference, name
        assert isinstance(parameter.effective_from, date), name
        if parameter.unit == "date":
            assert isinstance(parameter.value, date), name


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["parameters"]["seats"].update(value="fifty"), "$.parameters.seats.value"),
        (lambda d: d["parameters"]["minimum_age"].pop("reference"), "$.parameters.minimum_age"),
        (lambda d: d["parameters"].pop("reference_date"), "$.parameters"),
        (lambda d: d["rules"][0].update(limit=3), "$.rules[0]"),
        (
            lambda d: d["parameters"]["registration_opens"].update(value="6 June"),
            "$.parameters.registration_opens.value",
        ),
    ],
)
def test_schema_errors_name_the_json_path(tmp_path: Path, change: Any, path: str) -> None:
    data = qatar_data()
    change(data)
    with pytest.raises(InputError) as raised:
        load_programme(write(tmp_path, data))
    assert raised.value.code == "schema_violation"
    assert f"{path}:" in str(raised.value)
    assert "programme.json" in str(raised.value)


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    text = SOURCE.read_text().replace('"version": "2022.1",', '"version": "1", "version": "2",')
    path = tmp_path / "dup.json"
    path.write_text(text)
    with pytest.raises(InputError) as raised:
        load_programme(path)
    assert raised.value.code == "duplicate_key"


def test_unknown_rule_and_bad_binding_name_the_rule(tmp_path: Path, plugins: Plugins) -> None:
    data = qatar_data()
    data["rules"].append({"rule": "must_like_cats"})
    with pytest.raises(ProgrammeError) as raised:
        Screener(load_programme(write(tmp_path, data)), plugins)
    assert raised.value.code == "rule_unknown"
    assert "$.rules[5]" in str(raised.value)
    data = qatar_data()
    data["rules"][0]["params"] = {"minimum_age": "no_such_parameter"}
    with pytest.raises(ProgrammeError) as raised:
        Screener(load_programme(write(tmp_path, data)), plugins)
    assert raised.value.code == "rule_parameter_missing"


def test_toml_programme_equals_json(tmp_path: Path, qatar: Programme) -> None:
    toml = tmp_path / "qatar.toml"
    toml.write_text(_to_toml(qatar_data()))
    assert load_programme(toml) == qatar


def test_find_programme_lists_known_ones(plugins: Plugins) -> None:
    with pytest.raises(ProgrammeError) as raised:
        Registry(plugins).programme("atlantis")
    assert "qatar-cgb" in raised.value.params["known"]


def _to_toml(data: dict[str, Any]) -> str:
    """A tiny TOML writer, enough for a programme file (dates become TOML dates)."""

    def value(item: Any, key: str = "") -> str:
        if isinstance(item, bool):
            return "true" if item else "false"
        if isinstance(item, int | float):
            return repr(item)
        if isinstance(item, list):
            return "[" + ", ".join(value(x) for x in item) + "]"
        if isinstance(item, dict):
            return "{" + ", ".join(f'"{k}" = {value(v, k)}' for k, v in item.items()) + "}"
        if key in ("value", "effective_from") and len(item) == 10 and item[4] == "-":
            return str(item)  # a TOML local date
        return json.dumps(item, ensure_ascii=False)

    lines = [
        f'"{key}" = {value(item)}'
        for key, item in data.items()
        if not isinstance(item, dict | list)
    ]
    for key, item in data.items():
        if isinstance(item, dict | list):
            lines.append(f'"{key}" = {value(item)}')
    return "\n".join(lines) + "\n"


def test_an_open_programme_needs_no_recruitment_parameters(
    tmp_path: Path, plugins: Plugins
) -> None:
    data = qatar_data()
    recruitment = ("seats", "registration_opens", "registration_closes", "reference_date")
    for name in recruitment:
        del data["parameters"][name]
    with pytest.raises(InputError):
        load_programme(write(tmp_path, data))
    data["participation"] = "open"
    data["rules"] = []
    programme = load_programme(write(tmp_path, data))
    assert programme.participation == "open"
    with pytest.raises(ProgrammeError) as raised:
        Screener(programme, plugins)
    assert raised.value.code == "programme_not_recruited"
