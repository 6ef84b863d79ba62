"""The message catalogues: complete in every required language, merged without clashes, and
in step with the codes the library emits (found by reading the source, see message_scan)."""

from __future__ import annotations

import ast
import re
import textwrap
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopperkit.errors import PluginError, ProgrammeError
from shopperkit.i18n import Plural, Template, format_value, plural_forms
from shopperkit.insights.integrity import check_integrity
from shopperkit.messages import (
    REQUIRED_LANGUAGES,
    RTL_LANGUAGES,
    Catalogue,
    DuplicateMessageCode,
    builtin_catalogues,
    builtin_messages,
    catalogue_problems,
    merge_catalogues,
    render,
    template_fields,
)
from shopperkit.plugins import Plugins, make_plugin_manager, module_plugin
from tests import message_scan
from tests.message_scan import Emission
from tests.test_integrity import RATED, START, Record

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = sorted((ROOT / "src" / "shopperkit").rglob("*.py"))
PLUGIN_SOURCES = sorted(ROOT.glob("plugins/*/src/**/*.py"))


def installed_catalogues() -> list[tuple[str, Catalogue]]:
    """The built-in catalogues and every installed plugin's, by owner."""
    plugins = Plugins(make_plugin_manager())
    answers: list[tuple[str, Catalogue]] = []
    for impl in plugins.pm.hook.shopperkit_messages.get_hookimpls():
        answer = impl.function()
        assert isinstance(answer, Mapping), impl.plugin_name
        if impl.plugin_name != "shopperkit.builtin":
            answers.append((impl.plugin_name, answer))
    return [*builtin_catalogues(), *answers]


MESSAGES = [
    pytest.param(code, templates, id=f"{owner}:{code}")
    for owner, catalogue in installed_catalogues()
    for code, templates in catalogue.items()
]


# --- every message, every required language ------------------------------------------------


@pytest.mark.parametrize(("code", "templates"), MESSAGES)
def test_every_message_renders_its_fields_in_every_required_language(
    code: str, templates: Mapping[str, Template]
) -> None:
    english = templates.get("en", "")
    fields = template_fields(english)
    params: dict[str, object] = {name: f"<{name}:{code}>" for name in sorted(fields)}
    for language in REQUIRED_LANGUAGES:
        template = templates.get(language)
        assert template, f"{code} has no {language} text"
        assert template_fields(template) == fields, f"{code} in {language}: fields differ"
        counts: tuple[int | None, ...] = (None,)
        if isinstance(template, Plural):
            assert len(template.forms) == plural_forms(language)[0], f"{code} in {language}"
            counts = (0, 1, 2, 3, 11, 100, 1000)
        for count in counts:
            if isinstance(template, Plural):
                params[template.count] = count
                form = template.choose(count, language)
            else:
                form = template
            strict = form.format(**params)  # a field without a parameter raises KeyError
            shown = render(code, params, language, {code: templates})
            for value in params.values():
                if isinstance(value, str):
                    assert value in strict
                    isolated = f"\u2068{value}\u2069" if language in RTL_LANGUAGES else value
                    assert isolated in shown


def test_the_built_in_catalogues_have_no_problems() -> None:
    for owner, catalogue in builtin_catalogues():
        assert catalogue_problems(catalogue) == [], owner


def test_each_capability_owns_its_catalogue() -> None:
    owners = [owner for owner, _ in builtin_catalogues()]
    assert len(owners) == len(set(owners))
    for owner in owners:
        domain = owner.removeprefix("shopperkit:")
        for language in REQUIRED_LANGUAGES:
            po = ROOT / "src" / "shopperkit" / "locale" / language / "LC_MESSAGES" / f"{domain}.po"
            assert po.is_file(), owner


def test_the_catalogue_problems_are_found() -> None:
    broken = {
        "no_arabic": {"en": "x"},
        "other_fields": {"en": "{a}", "ar": "{b}"},
        "malformed": {"en": "{a", "ar": "{a"},
        "not_text": {"en": "x", "ar": 3},
    }
    problems = catalogue_problems(broken)  # type: ignore[arg-type]
    for code in broken:
        assert any(repr(code) in problem for problem in problems), code
    assert catalogue_problems({"fine": {"en": "{a} {b}", "ar": "{b} {a}", "fr": "{a}{b}"}}) == []


def test_a_missing_parameter_stays_visible_instead_of_emptying_the_message() -> None:
    catalogue = {"two": {"en": "{first} then {second}", "ar": "{first} ثم {second}"}}
    shown = render("two", {"first": "ONE"}, "en", catalogue)
    assert "ONE" in shown
    assert "{second}" in shown


def test_integrity_flags_explain_themselves_from_their_evidence() -> None:
    quick = Record("quick", "s1", submitted_at=START + timedelta(minutes=2))
    flat = Record("flat", "s2", items=dict.fromkeys(RATED, 50.0))
    flags = check_integrity([quick, flat], rated_questions=RATED)
    assert {flag.code for flag in flags} == {"visit_too_short", "straight_lining"}
    for flag in flags:
        for language in REQUIRED_LANGUAGES:
            shown = flag.text(language)
            assert "{" not in shown
            for value in flag.evidence.values():
                assert format_value(value, language) in shown


# --- one merge, refusing duplicates -----------------------------------------------------------

codes = st.from_regex(r"[a-z][a-z_]{0,12}", fullmatch=True)
catalogues = st.dictionaries(codes, st.just({"en": "x", "ar": "y"}), max_size=6)


@given(first=catalogues, second=catalogues)
def test_merging_keeps_every_code_or_refuses_a_shared_one(
    first: dict[str, dict[str, str]], second: dict[str, dict[str, str]]
) -> None:
    shared = sorted(first.keys() & second.keys())
    if shared:
        with pytest.raises(DuplicateMessageCode) as raised:
            merge_catalogues(("one", first), ("two", second))
        assert raised.value.code in shared
        assert (raised.value.first, raised.value.second) == ("one", "two")
        assert "one" in str(raised.value)
        assert "two" in str(raised.value)
    else:
        assert merge_catalogues(("one", first), ("two", second)) == first | second


def test_the_built_in_catalogues_merge_without_clashes() -> None:
    total = sum(len(catalogue) for _, catalogue in builtin_catalogues())
    assert len(builtin_messages()) == total


def test_dimension_unknown_is_defined_once_and_its_message_is_filled() -> None:
    owners = [owner for owner, c in builtin_catalogues() if "dimension_unknown" in c]
    assert owners == ["shopperkit:core"]
    error = ProgrammeError("dimension_unknown", {"name": "height", "known": ["age_group"]})
    for language in REQUIRED_LANGUAGES:
        assert "{" not in error.message(language)


def test_a_plugin_may_not_redefine_a_built_in_code_of_any_capability() -> None:
    for owner, catalogue in builtin_catalogues():
        code = next(iter(catalogue))
        echoed = {code: catalogue[code]}
        plugin = module_plugin("echo", shopperkit_messages=lambda echoed=echoed: echoed)
        with pytest.raises(PluginError) as raised:
            Plugins(make_plugin_manager(plugins=[("echo", plugin)])).messages()
        assert raised.value.code == "message_duplicate", owner
        assert raised.value.params == {
            "name": code,
            "first": "shopperkit.builtin",
            "second": "echo",
        }


@pytest.mark.parametrize(
    "templates",
    [{"en": "only English"}, {"en": "{count} left", "ar": "بقي"}, {"en": "{x", "ar": "{x"}],
)
def test_a_plugin_message_without_a_required_language_or_field_is_refused(
    templates: dict[str, str],
) -> None:
    plugin = module_plugin("thin", shopperkit_messages=lambda: {"thin_code": templates})
    with pytest.raises(PluginError) as raised:
        Plugins(make_plugin_manager(plugins=[("thin", plugin)])).messages()
    assert raised.value.code == "plugin_invalid"
    assert raised.value.params["plugin"] == "thin"


def test_a_plugin_adds_its_own_codes() -> None:
    own = {"thin_code": {"en": "{count} left", "ar": "بقي {count}"}}
    plugin = module_plugin("thin", shopperkit_messages=lambda: own)
    messages = Plugins(make_plugin_manager(plugins=[("thin", plugin)])).messages()
    assert messages["thin_code"] == own["thin_code"]
    assert builtin_messages().keys() <= messages.keys()


# --- the catalogues and the emitted codes in step ---------------------------------------------


def library_emissions() -> tuple[list[Emission], list[Emission]]:
    """What the library emits, and what the plugin packages emit."""
    trees = message_scan.parse([*LIBRARY, *PLUGIN_SOURCES], ROOT)
    library = message_scan.emissions(trees, [str(p.relative_to(ROOT)) for p in LIBRARY])
    plugins = message_scan.emissions(trees, [str(p.relative_to(ROOT)) for p in PLUGIN_SOURCES])
    return library, plugins


def matching(pattern: str, catalogue: Catalogue) -> list[str]:
    return [code for code in catalogue if re.fullmatch(pattern, code)]


def test_every_emitted_code_has_a_message_with_the_fields_given() -> None:
    library, plugins = library_emissions()
    catalogue = Plugins(make_plugin_manager()).messages()
    assert len({e.code for e in library if e.code}) > 100  # the scan sees the library
    wrong = []
    for emission in (*library, *plugins):
        if emission.unresolved is not None:
            wrong.append(f"{emission.where}: cannot tell which code {emission.unresolved!r} is")
        elif emission.pattern is not None and not matching(emission.pattern, catalogue):
            wrong.append(f"{emission.where}: no message matches {emission.pattern!r}")
        elif emission.code is not None and emission.code not in catalogue:
            wrong.append(f"{emission.where}: code {emission.code!r} has no message")
        elif emission.code is not None and emission.params is not None:
            for language, template in catalogue[emission.code].items():
                missing = template_fields(template) - emission.params
                if missing:
                    wrong.append(
                        f"{emission.where}: {emission.code!r} in {language} needs "
                        f"{sorted(missing)}, given {sorted(emission.params)}"
                    )
    assert wrong == []


def test_every_built_in_code_is_emitted_somewhere() -> None:
    library, _ = library_emissions()
    emitted = {e.code for e in library if e.code}
    patterns = [e.pattern for e in library if e.pattern]
    patterns += message_scan.fstring_patterns(message_scan.parse(LIBRARY).values())
    unused = [
        f"{owner}: {code}"
        for owner, catalogue in builtin_catalogues()
        for code in catalogue
        if code not in emitted and not any(re.fullmatch(p, code) for p in patterns)
    ]
    assert unused == []


SAMPLE = """
class Problem(Exception):
    def __init__(self, code, params=None, *, where=None): ...

class Refused(Problem):
    pass

@frozen
class Flag:
    item: str
    code: str
    evidence: dict

def report(first_code, **params): ...

TABLE = (("from_module_table", {"n": 1}),)

def emit(flag, stage, value):
    raise Refused("plain_literal", {"value": value})
    report("either_one" if flag else "or_other", size=1)
    Flag("item", "flagged_field", {})
    code = "from_local"
    Refused(code)
    for name, data in TABLE:
        Refused(name, data)
    Refused(f"computed_{stage}")
    Refused(flag.code)
    Refused(stage)
    result = {"code": "in_a_dict", "days": 3}
    Refused(CODES[stage])
"""


def test_the_scan_finds_codes_written_every_supported_way(tmp_path: Path) -> None:
    source = tmp_path / "sample.py"
    source.write_text(textwrap.dedent(SAMPLE), encoding="utf-8")
    found = message_scan.emissions(message_scan.parse([source]))
    by_code = {e.code: e for e in found if e.code}
    assert set(by_code) == {
        "plain_literal",
        "either_one",
        "or_other",
        "flagged_field",
        "from_local",
        "from_module_table",
        "in_a_dict",
    }
    assert by_code["plain_literal"].params == frozenset({"value"})
    assert by_code["either_one"].params == frozenset({"size"})
    assert by_code["in_a_dict"].params == frozenset({"days"})
    assert by_code["from_local"].params is None
    assert [e.pattern for e in found if e.pattern] == ["computed_.+"]
    assert [e.unresolved for e in found if e.unresolved] == ["CODES[stage]"]


def test_the_f_string_pattern_matches_what_the_f_string_makes() -> None:
    node = ast.parse('f"deferred_to_{stage}"', mode="eval").body
    assert isinstance(node, ast.JoinedStr)
    pattern = message_scan.fstring_pattern(node)
    assert re.fullmatch(pattern, "deferred_to_interview")
    assert not re.fullmatch(pattern, "deferred_to_")
