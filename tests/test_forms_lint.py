"""The form linter: each problem it knows, on a small change to the example form."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from shopperkit.forms.lint import lint_files
from shopperkit.io.documents import read_document
from shopperkit.io.schemas import problems

EXAMPLE = Path(__file__).resolve().parent.parent / "examples/forms/example-visit.yaml"

Change = Callable[[dict[str, Any]], object]


def _questions(form: dict[str, Any]) -> list[dict[str, Any]]:
    return [q for section in form["sections"] for q in section["questions"]]


def _q(form: dict[str, Any], qid: str) -> dict[str, Any]:
    return next(q for q in _questions(form) if q["id"] == qid)


def lint(tmp_path: Path, change: Change, name: str = "form.json") -> list[tuple[str, str, str]]:
    data = read_document(EXAMPLE)
    change(data)
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    found = lint_files([path])
    return [(p.severity, p.code, p.where) for p in found]


WAIT = "$.sections[0].questions[1]"
COURTESY = "$.sections[1].questions[0]"

CASES: list[tuple[str, Change, tuple[str, str, str]]] = [
    (
        "duplicate question id",
        lambda f: _q(f, "greeted").update(id="staff_courtesy"),
        ("error", "duplicate_form_id", f"{COURTESY}.id"),
    ),
    (
        "duplicate option value",
        lambda f: _q(f, "staff_courtesy")["options"][1].update(value=1),
        ("error", "duplicate_form_id", f"{COURTESY}.options[1].value"),
    ),
    (
        "option without points",
        lambda f: _q(f, "staff_courtesy")["options"][2].pop("points"),
        ("error", "option_points_missing", f"{COURTESY}.options[2]"),
    ),
    (
        "band overlap",
        lambda f: _q(f, "wait_minutes")["bands"][1].update(upto=5),
        ("error", "band_overlap", f"{WAIT}.bands[1]"),
    ),
    (
        "band gap",
        lambda f: _q(f, "wait_minutes")["bands"][1].update({"from": 12}),
        ("error", "band_gap", f"{WAIT}.bands[1]"),
    ),
    (
        "band table ends below max",
        lambda f: _q(f, "wait_minutes")["bands"][3].update(upto=100),
        ("error", "band_gap", f"{WAIT}.bands[3].upto"),
    ),
    (
        "open band not last",
        lambda f: _q(f, "wait_minutes")["bands"][1].pop("upto"),
        ("error", "band_open_not_last", f"{WAIT}.bands[1]"),
    ),
    (
        "overall bands do not reach 100",
        lambda f: f["bands"][2].update(upto=90),
        ("error", "band_gap", "$.bands[2].upto"),
    ),
    (
        "missing translation",
        lambda f: _q(f, "greeted")["text"].pop("ar"),
        ("warning", "translation_missing", "$.sections[0].questions[0].text"),
    ),
    (
        "missing fallback text",
        lambda f: _q(f, "greeted")["text"].pop("en"),
        ("error", "translation_missing", "$.sections[0].questions[0].text"),
    ),
    (
        "undeclared language",
        lambda f: _q(f, "greeted")["text"].update(fr="Bonjour ?"),
        ("warning", "language_undeclared", "$.sections[0].questions[0].text.fr"),
    ),
    (
        "show_if on an unknown question",
        lambda f: _q(f, "unclear_why")["show_if"].update(question="nope"),
        ("error", "show_if_unknown_question", "$.sections[1].questions[3].show_if.question"),
    ),
    (
        "show_if on a later question",
        lambda f: _q(f, "unclear_why")["show_if"].update(question="extra_help", **{"in": ["yes"]}),
        ("error", "show_if_not_earlier", "$.sections[1].questions[3].show_if.question"),
    ),
    (
        "show_if on a value that is no option",
        lambda f: _q(f, "unclear_why")["show_if"].update(**{"in": ["partly", "murky"]}),
        ("error", "show_if_value_unknown", "$.sections[1].questions[3].show_if.in[1]"),
    ),
    (
        "section weights off",
        lambda f: f["sections"][0].update(weight=30),
        ("warning", "weights_sum_mismatch", "$.sections"),
    ),
    (
        "question weights off",
        lambda f: _q(f, "greeted").update(weight=30),
        ("warning", "weights_sum_mismatch", "$.sections[0].questions"),
    ),
    (
        "nothing earns points",
        lambda f: [o.update(points=0) for o in _q(f, "greeted")["options"]],
        ("error", "question_max_points_zero", "$.sections[0].questions[0]"),
    ),
    (
        "min above max",
        lambda f: _q(f, "wait_minutes").update(min=700),
        ("error", "range_inverted", WAIT),
    ),
]


@pytest.mark.parametrize(("change", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_linter_finds(tmp_path: Path, change: Change, expected: tuple[str, str, str]) -> None:
    assert expected in lint(tmp_path, change)


def test_example_is_clean(tmp_path: Path) -> None:
    assert lint(tmp_path, lambda f: None) == []


def test_points_that_differ_between_language_versions(tmp_path: Path) -> None:
    english = tmp_path / "en.json"
    arabic = tmp_path / "ar.json"
    data = read_document(EXAMPLE)
    english.write_text(json.dumps(data), encoding="utf-8")
    _q(data, "staff_courtesy")["options"][4]["points"] = 90
    arabic.write_text(json.dumps(data), encoding="utf-8")
    found = lint_files([english, arabic])
    assert [(p.code, p.where, p.file) for p in found] == [("points_differ", COURTESY, str(arabic))]


def test_three_language_versions_are_each_compared(tmp_path: Path) -> None:
    data = read_document(EXAMPLE)
    english = _write(tmp_path / "en.json", data)
    arabic = _write(tmp_path / "ar.json", data)
    _q(data, "staff_courtesy")["options"][4]["points"] = 90
    french = _write(tmp_path / "fr.json", data)
    found = lint_files([english, arabic, french])
    assert [(p.code, p.where, p.file) for p in found] == [("points_differ", COURTESY, str(french))]
    assert str(english) in found[0].message
    assert str(french) in found[0].message
    # The 2nd and 3rd differ, each in its own way from the 1st: every difference once.
    data = read_document(EXAMPLE)
    _q(data, "staff_courtesy")["options"][4]["points"] = 90
    arabic = _write(tmp_path / "ar.json", data)
    _q(data, "staff_courtesy")["options"][4]["points"] = 80
    french = _write(tmp_path / "fr.json", data)
    found = lint_files([english, arabic, french])
    pairs = [(p.code, p.where, p.file, p.message) for p in found]
    assert [pair[:3] for pair in pairs] == [
        ("points_differ", COURTESY, str(arabic)),
        ("points_differ", COURTESY, str(french)),
        ("points_differ", COURTESY, str(french)),
    ]
    assert str(english) in pairs[1][3]
    assert str(arabic) in pairs[2][3]
    # A 3rd that agrees with the 2nd (which differs from the 1st) is not reported again.
    found = lint_files([english, arabic, arabic])
    assert [(p.code, p.file) for p in found] == [("points_differ", str(arabic))]


def test_report_matches_its_schema(tmp_path: Path) -> None:
    from shopperkit.io.convert import to_data

    data = read_document(EXAMPLE)
    _q(data, "greeted")["text"].pop("ar")
    path = tmp_path / "f.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    report = to_data(lint_files([path]))
    assert report
    assert problems("form-lint", report) == []


def test_a_question_type_no_plugin_scores(tmp_path: Path) -> None:
    def stars(form: dict[str, Any]) -> None:
        question = _q(form, "greeted")
        question["type"] = "stars"
        del question["options"]

    assert ("error", "question_type_unknown", "$.sections[0].questions[0].type") in lint(
        tmp_path, stars
    )
    data = read_document(EXAMPLE)
    stars(data)
    path = tmp_path / "stars.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert lint_files([path], question_types=["stars"]) == []


def _write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_broken_file_is_checked_in_full_and_compared_with_its_other_language(
    tmp_path: Path,
) -> None:
    english = read_document(EXAMPLE)
    arabic = read_document(EXAMPLE)
    for version in (english, arabic):
        _q(version, "extra_help")["id"] = "staff_courtesy"
    del _q(english, "greeted")["options"]
    _q(arabic, "staff_courtesy")["options"][4]["points"] = 90
    _q(arabic, "payment_channels")["options"].pop()
    _q(arabic, "wait_minutes")["na_allowed"] = True
    _q(arabic, "wait_minutes")["bands"][1]["upto"] = 25
    arabic["bands"][1]["upto"] = 75
    _q(arabic, "unclear_why")["show_if"]["in"] = ["unclear"]
    _q(arabic, "requirements_clear")["critical"] = True
    en, ar = _write(tmp_path / "en.json", english), _write(tmp_path / "ar.json", arabic)
    found = {(p.file, p.severity, p.code, p.where) for p in lint_files([en, ar])}
    s1 = "$.sections[1].questions"
    expected = {
        (str(en), "error", "schema_violation", "$.sections[0].questions[0]"),
        (str(en), "error", "duplicate_form_id", f"{s1}[4].id"),
        (str(ar), "error", "duplicate_form_id", f"{s1}[4].id"),
        (str(ar), "error", "points_differ", COURTESY),
        (str(ar), "error", "option_count_differs", f"{s1}[2].options"),
        (str(ar), "error", "na_allowed_differs", f"{WAIT}.na_allowed"),
        (str(ar), "error", "bands_differ", f"{WAIT}.bands"),
        (str(ar), "error", "grade_bands_differ", "$.bands"),
        (str(ar), "error", "show_if_differs", f"{s1}[3].show_if"),
        (str(ar), "error", "critical_differs", f"{s1}[1].critical"),
    }
    assert found == expected


def test_language_versions_agree_on_ids_order_and_weights(tmp_path: Path) -> None:
    english = read_document(EXAMPLE)
    arabic = read_document(EXAMPLE)
    questions = arabic["sections"][1]["questions"]
    questions[0], questions[1] = questions[1], questions[0]
    questions[2]["id"] = "payment_ways"
    arabic["sections"][0]["weight"] = 50
    questions[0]["weight"] = 60
    arabic["policy"]["na"] = "zero"
    en, ar = _write(tmp_path / "en.json", english), _write(tmp_path / "ar.json", arabic)
    found = {(p.code, p.where) for p in lint_files([en, ar]) if p.severity == "error"}
    assert found == {
        ("order_differs", "$.sections[1].questions[0]"),
        ("order_differs", "$.sections[1].questions[1]"),
        ("id_not_in_version", "$.sections[1].questions[2]"),
        ("id_not_in_version", "$.sections"),
        ("weight_differs", "$.sections[0].weight"),
        ("weight_differs", "$.sections[1].questions[0].weight"),
        ("policy_differs", "$.policy"),
    }


def test_every_schema_violation_is_reported_with_its_path(tmp_path: Path) -> None:
    def break_twice(form: dict[str, Any]) -> None:
        _q(form, "greeted")["weight"] = -1
        _q(form, "staff_courtesy")["options"][0]["points"] = "many"
        _q(form, "wait_minutes")["bands"][1]["upto"] = 5

    found = lint(tmp_path, break_twice)
    assert ("error", "schema_violation", "$.sections[0].questions[0].weight") in found
    assert ("error", "schema_violation", f"{COURTESY}.options[0].points") in found
    assert ("error", "band_overlap", f"{WAIT}.bands[1]") in found


def test_a_section_and_a_question_may_not_share_an_id(tmp_path: Path) -> None:
    found = lint(tmp_path, lambda f: _q(f, "greeted").update(id="service"))
    assert ("error", "section_question_id_clash", "$.sections[0].questions[0].id") in found
    (problem,) = [p for p in lint_files([tmp_path / "form.json"]) if p.severity == "error"]
    assert "share one namespace" in problem.message


def test_closed_one_decimal_overall_bands_leave_no_gap(tmp_path: Path) -> None:
    def closed(form: dict[str, Any]) -> None:
        form["bands"] = [
            {"from": 0.0, "upto": 59.9, "grade": "D"},
            {"from": 60.0, "upto": 69.9, "grade": "C"},
            {"from": 70.0, "upto": 79.9, "grade": "B"},
            {"from": 80.0, "upto": 100.0, "grade": "A"},
        ]

    assert lint(tmp_path, closed) == []

    def raw(form: dict[str, Any]) -> None:
        closed(form)
        form["policy"]["bands_on"] = "raw"

    assert ("error", "band_gap", "$.bands[1]") in lint(tmp_path, raw)


def test_a_question_moved_to_another_section_and_a_repeated_section_id(tmp_path: Path) -> None:
    english = read_document(EXAMPLE)
    arabic = read_document(EXAMPLE)
    moved = arabic["sections"][1]["questions"].pop(3)
    arabic["sections"][0]["questions"].append(moved)
    for version in (english, arabic):
        version["sections"][1]["id"] = "reception"
    en, ar = _write(tmp_path / "en.json", english), _write(tmp_path / "ar.json", arabic)
    found = [(p.file, p.code, p.where) for p in lint_files([en, ar]) if p.severity == "error"]
    assert (str(ar), "order_differs", "$.sections[0].questions[2]") in found
    assert (str(ar), "duplicate_form_id", "$.sections[1].id") in found
    assert not any(code == "id_not_in_version" for _, code, _ in found)
