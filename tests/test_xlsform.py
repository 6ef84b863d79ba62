"""Forms to and from XLSForm workbooks: round trips, pyxform's conversion, hostile cells."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from shopperkit.cli import main
from shopperkit.errors import InputError
from shopperkit.forms import load_form
from shopperkit.forms.xlsform import (
    VISIT_QUESTIONS,
    Untranslatable,
    import_xlsform,
    read_xlsform,
    relevant_of,
    show_if_of,
    to_xform,
    workbook_rows,
    write_xlsform,
    xlsform_bytes,
)
from shopperkit.io.files import output_set
from shopperkit.model import Evaluation, Form
from shopperkit.scoring import score
from shopperkit.testing.strategies import evaluations_for, forms

openpyxl = pytest.importorskip("openpyxl")
pytest.importorskip("pyxform")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples/forms/example-visit.yaml"
EXAMPLE_WORKBOOK = ROOT / "examples/forms/example-visit.xlsx"


def _write(form: Form, path: Path) -> None:
    with output_set():
        write_xlsform(form, path)


def _save(sheets: dict[str, list[list[Any]]], path: Path) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def _codes(path: Path) -> list[str]:
    return [problem.code for problem in import_xlsform(path).problems]


def test_the_example_form_comes_back_as_it_was(tmp_path: Path) -> None:
    form = load_form(EXAMPLE)
    path = tmp_path / "visit.xlsx"
    _write(form, path)
    assert read_xlsform(path) == form


def test_the_export_converts_to_an_xform_with_the_visit_context(tmp_path: Path) -> None:
    path = tmp_path / "visit.xlsx"
    _write(load_form(EXAMPLE), path)
    xform = to_xform(path)
    assert '<data id="example-visit" version="1">' in xform
    for name in VISIT_QUESTIONS:
        assert f"<{name}/>" in xform
    assert 'nodeset="/data/visit/visited_at" type="dateTime" required="true()"' in xform
    assert 'nodeset="/data/visit/comment" type="string"/>' in xform
    assert "selected( /data/service/payment_channels" not in xform
    assert "/data/service/requirements_clear  = 'partly'" in xform


def test_the_example_workbook_is_the_example_form() -> None:
    assert read_xlsform(EXAMPLE_WORKBOOK) == load_form(EXAMPLE)


def test_the_example_workbook_is_what_the_script_writes() -> None:
    book = openpyxl.load_workbook(EXAMPLE_WORKBOOK)
    expected = workbook_rows(load_form(EXAMPLE))
    for name, rows in expected.items():
        found = [list(row) for row in book[name].iter_rows(values_only=True)]
        width = len(rows[0])
        assert [row[:width] for row in found] == rows


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_a_form_through_xlsform_scores_every_evaluation_the_same(data: st.DataObject) -> None:
    form = data.draw(forms())
    # ODK needs a label on every question and choice: a blank one is the linter's to report.
    texts = [q.text for s in form.sections for q in s.questions]
    texts += [o.label for s in form.sections for q in s.questions for o in q.options]
    assume(all(value.strip() for text in texts for value in text.values()))
    evaluations: list[Evaluation] = data.draw(st.lists(evaluations_for(form), max_size=5))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "form.xlsx"
        _write(form, path)
        back = read_xlsform(path)
    assert back == form
    before = score(evaluations, [form])
    after = score(evaluations, [back])
    assert after.evaluations == before.evaluations
    assert after.rejected == before.rejected


def _with_na(form: Form, qid: str, **changes: Any) -> Form:
    from attrs import evolve

    sections = tuple(
        evolve(
            section,
            questions=tuple(
                evolve(q, na_allowed=True, **changes) if q.id == qid else q
                for q in section.questions
            ),
        )
        for section in form.sections
    )
    return evolve(form, sections=sections)


def test_a_number_that_may_be_not_applicable_gets_a_companion_question(tmp_path: Path) -> None:
    from shopperkit.model.forms import ShowIf

    plain = _with_na(load_form(EXAMPLE), "wait_minutes")
    shown = _with_na(load_form(EXAMPLE), "wait_minutes", show_if=ShowIf("greeted", ("yes",)))
    for form, relevant in [
        (plain, "${wait_minutes-na} != 'yes'"),
        (shown, "(${greeted} = 'yes') and ${wait_minutes-na} != 'yes'"),
    ]:
        path = tmp_path / "na.xlsx"
        _write(form, path)
        survey = list(openpyxl.load_workbook(path)["survey"].iter_rows(values_only=True))
        header = survey[0]
        rows = {row[header.index("name")]: row for row in survey[1:]}
        companion, question = rows["wait_minutes-na"], rows["wait_minutes"]
        assert companion[header.index("type")] == "select_one sk_not_applicable"
        assert companion[header.index("sk_na_for")] == "wait_minutes"
        assert question[header.index("relevant")] == relevant
        xform = to_xform(path)
        assert "<wait_minutes-na/>" in xform
        assert "/data/reception/wait_minutes-na  != 'yes'" in xform
        assert read_xlsform(path) == form
    sheets = workbook_rows(plain)
    _set(sheets, "wait_minutes-na", "sk_na_for", "nowhere")
    codes = _codes(_save(sheets, tmp_path / "orphan.xlsx"))
    assert "xlsform_question_unknown" in codes


def _sheets() -> dict[str, list[list[Any]]]:
    return workbook_rows(load_form(EXAMPLE))


def _survey_row(sheets: dict[str, list[list[Any]]], name: str) -> tuple[int, list[Any]]:
    header = sheets["survey"][0]
    for number, row in enumerate(sheets["survey"], start=1):
        if row[header.index("name")] == name:
            return number, row
    raise AssertionError(name)


def _set(sheets: dict[str, list[list[Any]]], name: str, column: str, value: Any) -> int:
    number, row = _survey_row(sheets, name)
    row[sheets["survey"][0].index(column)] = value
    return number


def test_a_formula_is_refused_with_its_place(tmp_path: Path) -> None:
    sheets = _sheets()
    number = _set(sheets, "greeted", "sk_weight", "=20*2")
    problems = import_xlsform(_save(sheets, tmp_path / "f.xlsx")).problems
    assert [p.code for p in problems] == ["xlsform_formula"]
    where = str(problems[0])
    assert "f.xlsx" in where
    assert f"sheet 'survey', row {number}, column " in where
    assert "(sk_weight)" in where


def test_a_huge_string_is_refused(tmp_path: Path) -> None:
    sheets = _sheets()
    _set(sheets, "greeted", "label::English (en)", "x" * 20000)
    assert "xlsform_cell_too_long" in _codes(_save(sheets, tmp_path / "f.xlsx"))


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("sk_weight", "heavy", "number"),
        ("sk_critical", "perhaps", "yes or no"),
        ("required", 7, "yes or no"),
        ("sk_max", True, "number"),
    ],
)
def test_a_wrong_type_is_refused(tmp_path: Path, column: str, value: Any, expected: str) -> None:
    sheets = _sheets()
    number = _set(sheets, "wait_minutes", column, value)
    problems = import_xlsform(_save(sheets, tmp_path / "f.xlsx")).problems
    assert [p.code for p in problems] == ["xlsform_cell_invalid"]
    assert problems[0].params["expected"] == expected
    assert f"row {number}" in str(problems[0])
    assert f"({column})" in str(problems[0])


@pytest.mark.parametrize("sheet", ["survey", "settings"])
def test_a_missing_sheet_is_named(tmp_path: Path, sheet: str) -> None:
    sheets = _sheets()
    del sheets[sheet]
    problems = import_xlsform(_save(sheets, tmp_path / "f.xlsx")).problems
    assert [(p.code, p.params) for p in problems] == [("xlsform_sheet_missing", {"sheet": sheet})]


def test_a_missing_choices_sheet_leaves_the_lists_unknown(tmp_path: Path) -> None:
    sheets = _sheets()
    del sheets["choices"]
    assert "xlsform_list_unknown" in _codes(_save(sheets, tmp_path / "f.xlsx"))


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    path.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(InputError) as raised:
        import_xlsform(path)
    assert raised.value.code == "xlsform_unreadable"


def test_an_untranslatable_relevant_is_reported_with_its_row(tmp_path: Path) -> None:
    sheets = _sheets()
    number = _set(sheets, "unclear_why", "relevant", "${wait_minutes} > 20")
    problems = import_xlsform(_save(sheets, tmp_path / "f.xlsx")).problems
    assert [p.code for p in problems] == ["xlsform_relevant_untranslatable"]
    assert f"sheet 'survey', row {number}" in str(problems[0])
    assert "${wait_minutes} > 20" in str(problems[0])


def test_every_problem_is_reported_not_only_the_first(tmp_path: Path) -> None:
    sheets = _sheets()
    _set(sheets, "unclear_why", "relevant", "${greeted} = 'yes' and ${staff_courtesy} = '5'")
    _set(sheets, "greeted", "sk_weight", "heavy")
    _set(sheets, "staff_courtesy", "type", "geopoint")
    codes = _codes(_save(sheets, tmp_path / "f.xlsx"))
    assert sorted(codes) == [
        "xlsform_cell_invalid",
        "xlsform_relevant_untranslatable",
        "xlsform_type_unsupported",
    ]


def test_structure_problems_are_coded(tmp_path: Path) -> None:
    sheets = _sheets()
    survey = sheets["survey"]
    end = next(i for i, row in enumerate(survey) if row[0] == "end group" and i > 9)
    del survey[end]  # the reception group now holds the service group
    survey.append(["text", "loose"])
    survey.append(["end group"])
    assert set(_codes(_save(sheets, tmp_path / "f.xlsx"))) >= {
        "xlsform_group_nested",
        "xlsform_group_unmatched",
        "xlsform_outside_group",
    }


def test_unknown_language_and_mismatched_type_are_coded(tmp_path: Path) -> None:
    sheets = _sheets()
    sheets["survey"][0].append("label::Klingon (tlh)")
    _set(sheets, "greeted", "sk_type", "number")
    codes = set(_codes(_save(sheets, tmp_path / "f.xlsx")))
    assert codes == {"xlsform_language_unknown", "xlsform_type_mismatch"}


def test_pyxform_objections_are_reported(tmp_path: Path) -> None:
    sheets = _sheets()
    _set(sheets, "greeted", "constraint", ". >= ${nowhere}")
    problems = import_xlsform(_save(sheets, tmp_path / "f.xlsx")).problems
    assert [p.code for p in problems] == ["xlsform_pyxform"]
    assert "row" in str(problems[0]).lower()


def test_text_a_spreadsheet_would_run_stays_text(tmp_path: Path) -> None:
    form = load_form(EXAMPLE)
    section = form.sections[0]
    question = section.questions[0]
    from attrs import evolve

    odd = evolve(question, text={"en": "=HYPERLINK(1)", "ar": "+1"})
    form = evolve(
        form,
        sections=(evolve(section, questions=(odd, *section.questions[1:])), *form.sections[1:]),
    )
    path = tmp_path / "f.xlsx"
    path.write_bytes(xlsform_bytes(form))
    assert read_xlsform(path, pyxform=False) == form


_QUESTIONS: dict[str, dict[str, Any]] = {
    "single": {
        "id": "single",
        "type": "likert",
        "options": [{"value": v, "points": v} for v in (1, 2, 3, 4, 5)],
    },
    "many": {
        "id": "many",
        "type": "multi_choice",
        "options": [{"value": v, "points": 1} for v in ("a", "b", "c")],
    },
    "count": {"id": "count", "type": "number"},
    "optional": {
        "id": "optional",
        "type": "choice",
        "required": False,
        "options": [{"value": v, "points": 1} for v in ("a", "b")],
    },
    "maybe_na": {
        "id": "maybe_na",
        "type": "choice",
        "na_allowed": True,
        "options": [{"value": v, "points": 1} for v in ("a", "b")],
    },
    "shown": {
        "id": "shown",
        "type": "choice",
        "show_if": {"question": "single", "in": [1]},
        "options": [{"value": v, "points": 1} for v in ("a", "b")],
    },
}


@pytest.mark.parametrize(
    ("expression", "question", "values"),
    [
        ("${single} = '2'", "single", [2]),
        ("${single} = 2 or ${single} = '3'", "single", [2, 3]),
        ("${single} != '1'", "single", [2, 3, 4, 5]),
        ("${single} >= 4", "single", [4, 5]),
        ("3 > ${single}", "single", [1, 2]),
        ("(${single} > 1) and (${single} < 4)", "single", [2, 3]),
        ("not(${single} = '5')", "single", [1, 2, 3, 4]),
        ("selected(${single}, '5')", "single", [5]),
        ("selected(${many}, 'a') or selected(${many}, \"c\")", "many", ["a", "c"]),
        # Unanswered or N/A, ODK asks none of these, as show_if does.
        ("${optional} = 'a'", "optional", ["a"]),
        ("not(${maybe_na} != 'b')", "maybe_na", ["b"]),
        ("${shown} != 'a' and ${shown} = 'b'", "shown", ["b"]),
    ],
)
def test_relevant_expressions_show_if_can_say(
    expression: str, question: str, values: list[Any]
) -> None:
    assert show_if_of(expression, _QUESTIONS) == {"question": question, "in": values}


@pytest.mark.parametrize(
    "expression",
    [
        "${count} > 3",
        "${single} = '2' or selected(${many}, 'a')",
        "selected(${many}, 'a') and selected(${many}, 'b')",
        "${many} = 'a'",
        "${single} = '9'",
        "${later} = 'x'",
        "${single} > 7",
        "string-length(${single}) > 0",
        "${single} = ",
        # ODK asks these when the answer is empty (it may be) or N/A; show_if cannot.
        "${optional} != 'a'",
        "not(${optional} = 'a')",
        "${maybe_na} != 'a'",
        "${shown} != 'a' or ${shown} = 'a'",
    ],
)
def test_relevant_expressions_show_if_cannot_say(expression: str) -> None:
    with pytest.raises(Untranslatable):
        show_if_of(expression, _QUESTIONS)


def test_show_if_becomes_relevant_and_back() -> None:
    form = load_form(EXAMPLE)
    questions = form.questions()
    condition = questions["unclear_why"][1].show_if
    assert condition is not None
    expression = relevant_of(form, condition)
    assert expression == "${requirements_clear} = 'partly' or ${requirements_clear} = 'unclear'"
    data = {
        "requirements_clear": {
            "id": "requirements_clear",
            "type": "choice",
            "options": [{"value": o.value} for o in questions["requirements_clear"][1].options],
        }
    }
    assert show_if_of(expression, data) == {
        "question": "requirements_clear",
        "in": ["partly", "unclear"],
    }


def test_the_command_exports_and_imports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook = tmp_path / "visit.xlsx"
    back = tmp_path / "visit.yaml"
    assert main(["form", "export", str(EXAMPLE), "--to", "xlsform", "-o", str(workbook)]) == 0
    assert main(["form", "import", str(workbook), "-o", str(back)]) == 0
    assert load_form(back) == load_form(EXAMPLE)
    capsys.readouterr()
    assert main(["form", "import", str(workbook)]) == 0
    assert '"id": "example-visit"' in capsys.readouterr().out


def test_the_command_prints_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheets = _sheets()
    _set(sheets, "greeted", "sk_weight", "heavy")
    _set(sheets, "unclear_why", "relevant", "${wait_minutes} > 20")
    path = _save(sheets, tmp_path / "f.xlsx")
    assert main(["form", "import", str(path), "-o", str(tmp_path / "f.json")]) == 1
    out = capsys.readouterr().out
    assert "[xlsform_cell_invalid]" in out
    assert "[xlsform_relevant_untranslatable]" in out
    assert not (tmp_path / "f.json").exists()


def test_an_unknown_form_id_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    assert main(["form", "export", "no-such-form", "--to", "xlsform", "-o", str(out)]) == 2
