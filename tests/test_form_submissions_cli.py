"""``shopperkit form submissions``: an ODK Central or KoboToolbox export becomes evaluation
records that ``score`` scores as the same answers written directly; rejected rows are named
by row, column and code, and nothing is half written."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopperkit.cli import main
from shopperkit.cli.form import form_text
from shopperkit.forms import load_form
from shopperkit.io.convert import to_data
from shopperkit.io.files import json_line
from shopperkit.model import Evaluation, Form
from shopperkit.model.evaluations import NA
from shopperkit.testing.strategies import evaluations_for

openpyxl = pytest.importorskip("openpyxl")
pytest.importorskip("pyxform")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples/forms/example-visit.yaml"

HEADER = (
    "SubmissionDate,visit-shopper,visit-entity,visit-centre,visit-service,visit-visited_at,"
    "visit-comment,reception-greeted,reception-wait_minutes,service-staff_courtesy,"
    "service-requirements_clear,service-payment_channels,meta-instanceID,KEY,ReviewState"
)


def _rows(*rows: list[str]) -> str:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(HEADER.split(","))
    writer.writerows(rows)
    return text.getvalue()


def _row(ident: str, comment: str = "", greeted: str = "yes", shopper: str = "sh-1") -> list[str]:
    return [
        "2026-03-01T10:20:11.000Z",
        shopper,
        "ent-1",
        "c-1",
        "svc-1",
        "2026-03-01T09:05:00.000+04:00",
        comment,
        greeted,
        "12",
        "4",
        "clear",
        "card app",
        ident,
        ident,
        "approved",
    ]


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


HOSTILE_ID = 'uuid:"quoted",\nand on a new line'
RTL = "الموظف كان مهذباً \u202ejpg.exe"
FORMULA = "=cmd|' /C calc'!A0"


def test_hostile_values_are_kept_as_text_and_bad_rows_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "odk.csv"
    export.write_text(
        _rows(
            _row(HOSTILE_ID, comment=RTL),
            _row("uuid:2", comment=FORMULA, shopper="@SUM(A1)"),
            _row("uuid:3", greeted="=1+2"),
            _row("uuid:4", greeted="maybe\nnot"),
        ),
        encoding="utf-8",
    )
    out, rejects = tmp_path / "evaluations.jsonl", tmp_path / "rejects.jsonl"
    args = ["form", "submissions", str(export), "--form", str(EXAMPLE), "-o", str(out)]
    assert main([*args, "--rejects", str(rejects), "--language", "ar"]) == 0
    written = _records(out)
    assert [(r["id"], r["comment"], r["shopper"]) for r in written] == [
        (HOSTILE_ID, RTL, "sh-1"),
        ("uuid:2", FORMULA, "@SUM(A1)"),
    ]
    assert {r["language"] for r in written} == {"ar"}
    # A row is named by its first line: the first spans lines 2 to 4 (its id, twice, holds
    # a line break), the last lines 7 and 8.
    assert [(r["row"], r["id"], [e["code"] for e in r["errors"]]) for r in _records(rejects)] == [
        (6, "uuid:3", ["collected_value_not_option"]),
        (7, "uuid:4", ["collected_value_not_option"]),
    ]
    err = capsys.readouterr().err.splitlines()
    assert not any("reading submissions" in line for line in err)  # no bar off a terminal
    warnings = [line for line in err if "warning" in line]
    assert len(warnings) == 2
    assert f"{export}: row 6: reception-greeted:" in warnings[0]
    assert warnings[0].endswith("[collected_value_not_option]")
    assert "maybe\\nnot" in warnings[1]  # one line per problem, the newline escaped
    assert err[-1].endswith("2 rejected")
    # --strict: the same files, exit 1.
    out.unlink()
    assert main([*args, "--strict"]) == 1
    assert len(_records(out)) == 2


def test_a_broken_export_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "odk.csv"
    export.write_text(_rows(_row("uuid:1")) + '"unclosed,quote\n', encoding="utf-8")
    out = tmp_path / "evaluations.jsonl"
    out.write_text("kept\n", encoding="utf-8")
    args = ["form", "submissions", str(export), "--form", str(EXAMPLE), "-o", str(out)]
    assert main(args) == 2
    assert "[csv_malformed]" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "kept\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evaluations.jsonl", "odk.csv"]
    assert main([*args[:-2], "-o", str(tmp_path / "e.jsonl"), "--channel", "fax"]) == 2
    assert "[collected_setting_invalid]" in capsys.readouterr().err


# --- the round trip: XLSForm out, an ODK Central export back, scored ------------------------


def _form_with_na_number() -> Form:
    """The example form, its wait in minutes allowed to be not applicable."""
    form = load_form(EXAMPLE)
    sections = []
    for section in form.sections:
        questions = tuple(
            attrs.evolve(q, na_allowed=True) if q.id == "wait_minutes" else q
            for q in section.questions
        )
        sections.append(attrs.evolve(section, questions=questions))
    return attrs.evolve(form, sections=tuple(sections))


FORM = _form_with_na_number()


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[str, str]]]:
    """The form file, and the columns of an ODK Central CSV export of its XLSForm: each
    question's ``group-name``, with its type, as the workbook's survey sheet has them."""
    folder = tmp_path_factory.mktemp("form")
    form_file = folder / "form.json"
    form_file.write_text(form_text(FORM, form_file), encoding="utf-8")
    book_path = folder / "form.xlsx"
    assert main(["form", "export", str(form_file), "--to", "xlsform", "-o", str(book_path)]) == 0
    survey = openpyxl.load_workbook(book_path)["survey"]
    rows = list(survey.iter_rows(values_only=True))
    kind, name = rows[0].index("type"), rows[0].index("name")
    columns, group = [], ""
    for row in rows[1:]:
        if row[kind] == "begin group":
            group = row[name]
        elif row[kind] != "end group":
            columns.append((f"{group}-{row[name]}", row[kind]))
    return form_file, columns


def _cells(evaluation: Evaluation, columns: list[tuple[str, str]]) -> dict[str, str]:
    """What ODK Central exports for ``evaluation``: empty where a question was not asked,
    a companion ``<question>-na`` of ``yes`` (and the question empty) for N/A."""
    visit = {
        "shopper": evaluation.shopper,
        "entity": evaluation.entity,
        "centre": evaluation.centre,
        "service": evaluation.service,
        "visited_at": evaluation.visited_at.isoformat(),
        "comment": evaluation.comment,
    }
    cells = {"KEY": evaluation.id, "meta-instanceID": evaluation.id}
    for column, _ in columns:
        group, _, name = column.partition("-")
        if group == "visit":
            cells[column] = visit[name]
        elif name.endswith("-na"):
            answer = evaluation.answers.get(name[:-3])
            cells[column] = "" if answer is None else ("yes" if answer == NA else "no")
        else:
            answer = evaluation.answers.get(name)
            if answer is None or (answer == NA and f"{column}-na" in dict(columns)):
                cells[column] = ""
            elif isinstance(answer, tuple):
                cells[column] = " ".join(str(value) for value in answer)
            else:
                cells[column] = str(answer)
    return cells


def _exportable(evaluation: Evaluation) -> Evaluation:
    """What an export carries: no empty multiple choice or text (ODK leaves them empty, as
    unanswered), one channel, language and comment, no programme, journey or submission
    time."""
    texts = {qid for qid, (_, q) in FORM.questions().items() if q.type == "text"}
    answers = {
        qid: ("card",) if answer == () else ("t" if qid in texts and answer != NA else answer)
        for qid, answer in evaluation.answers.items()
    }
    return attrs.evolve(
        evaluation,
        answers=answers,
        comment="c",
        journey=None,
        programme=None,
        channel="visit",
        language=FORM.fallback_language,
        submitted_at=None,
    )


def _scores(folder: Path) -> list[dict[str, Any]]:
    return _records(folder / "scores.jsonl")


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(evaluations_for(FORM), min_size=1, max_size=4, unique_by=lambda e: e.id).map(
        lambda batch: [_exportable(e) for e in batch]
    )
)
def test_an_odk_export_of_the_xlsform_scores_like_the_answers_written_directly(
    tmp_path_factory: pytest.TempPathFactory,
    workbook: tuple[Path, list[tuple[str, str]]],
    evaluations: list[Evaluation],
) -> None:
    form_file, columns = workbook
    folder = tmp_path_factory.mktemp("round")
    header = ["SubmissionDate", *(column for column, _ in columns), "meta-instanceID", "KEY"]
    text = io.StringIO()
    writer = csv.DictWriter(text, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(_cells(evaluation, columns) for evaluation in evaluations)
    export = folder / "odk.csv"
    export.write_text(text.getvalue(), encoding="utf-8")
    read = folder / "read.jsonl"
    args = ["form", "submissions", str(export), "--form", str(form_file), "-o", str(read)]
    assert main([*args, "--strict"]) == 0
    direct = folder / "direct.jsonl"
    direct.write_bytes(b"".join(json_line(to_data(e)) for e in evaluations))
    for name in ("read", "direct"):
        scored = folder / f"{name}-scores"
        records = str(folder / f"{name}.jsonl")
        assert main(["score", records, "--form", str(form_file), "--out", str(scored)]) == 0
    assert _scores(folder / "read-scores") == _scores(folder / "direct-scores")
    assert len(_scores(folder / "read-scores")) == len(evaluations)
    assert _records(folder / "read-scores" / "rejects.jsonl") == []
    assert [r["answers"] for r in _records(read)] == [to_data(e)["answers"] for e in evaluations]
