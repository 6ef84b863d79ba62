"""Form files: schema, models, loading, lookup through the form hook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopperkit.errors import InputError
from shopperkit.forms import load_form
from shopperkit.io.convert import from_data, to_data
from shopperkit.io.schemas import problems
from shopperkit.model import Evaluation, Form
from shopperkit.plugins import Plugins, make_plugin_manager, module_plugin
from shopperkit.registry import Registry

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples/forms/example-visit.yaml"


@pytest.mark.parametrize(("model", "schema"), [(Form, "form"), (Evaluation, "evaluation")])
@settings(max_examples=60)
@given(data=st.data())
def test_round_trip_and_schema(model: type, schema: str, data: st.DataObject) -> None:
    instance: Any = data.draw(st.from_type(model))
    plain = to_data(instance)
    assert problems(schema, plain) == []
    assert from_data(model, plain) == instance


def test_example_form_loads_with_keywords_renamed() -> None:
    form = load_form(EXAMPLE)
    assert form.id == "example-visit"
    assert form.policy.na == "exclude"
    questions = form.questions()
    assert list(questions)[:3] == ["greeted", "wait_minutes", "staff_courtesy"]
    show_if = questions["unclear_why"][1].show_if
    assert show_if is not None
    assert show_if.question == "requirements_clear"
    assert show_if.values == ("partly", "unclear")
    assert questions["wait_minutes"][1].bands[-1].upto is None
    assert questions["payment_channels"][1].max_points == 100
    assert questions["requirements_clear"][1].max_points == 2


def test_localised_text_falls_back() -> None:
    form = load_form(EXAMPLE)
    title = form.sections[0].title
    assert form.text(title, "ar") == "الاستقبال"
    assert form.text(title, "fr") == "Reception"  # fallback language en
    assert form.text({"ar": "فقط"}, "fr") == "فقط"


def test_a_bad_form_names_file_and_path(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    text = EXAMPLE.read_text(encoding="utf-8").replace("type: likert", "type: Likert")
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_form(bad)
    assert caught.value.code == "schema_violation"
    assert "bad.yaml" in str(caught.value)
    assert "$.sections[1].questions[0].type" in str(caught.value)


def test_forms_are_found_by_id_through_the_hook() -> None:
    plugin = module_plugin("example_forms", shopperkit_forms=lambda: [EXAMPLE])
    plugins = Plugins(make_plugin_manager(plugins=[("example", plugin)], autoload=False))
    assert Registry(plugins).form("example-visit").version == "1"
    assert Registry(plugins).form(str(EXAMPLE)).id == "example-visit"
    with pytest.raises(InputError) as caught:
        Registry(plugins).form("nope")
    assert caught.value.code == "form_unknown"


def test_two_plugins_with_one_form_id_clash() -> None:
    one = module_plugin("one", shopperkit_forms=lambda: [EXAMPLE])
    two = module_plugin("two", shopperkit_forms=lambda: [EXAMPLE])
    plugins = Plugins(make_plugin_manager(plugins=[("one", one), ("two", two)], autoload=False))
    with pytest.raises(InputError) as caught:
        Registry(plugins).form("example-visit")
    assert caught.value.code == "form_duplicate"
