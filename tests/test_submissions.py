"""Submissions exported from ODK Central and KoboToolbox become evaluation records that score
as the same evaluations written directly; every row that cannot be mapped is rejected with
its row, column and a coded reason."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopperkit.errors import InputError
from shopperkit.forms.submissions import read_submissions
from shopperkit.model.evaluations import NA, Evaluation
from shopperkit.model.forms import Form, Option, PointsBand, Question, Section, ShowIf
from shopperkit.problems import RecordError
from shopperkit.scoring import score
from shopperkit.testing.strategies import evaluations_for, forms


def _question(qid: str, kind: str, values: tuple[Any, ...] = (), **more: Any) -> Question:
    options = tuple(Option(v, float(i), {"en": f"label {v}"}) for i, v in enumerate(values))
    return Question(qid, kind, {"en": qid}, options=options, **more)


FORM = Form(
    id="visit_form",
    version="1",
    title={"en": "Visit"},
    languages=("en", "ar"),
    fallback_language="en",
    sections=(
        Section(
            "arrival",
            50,
            {"en": "Arrival"},
            (
                _question("greeted", "yes_no", ("no", "yes")),
                _question("seen", "multi_choice", ("queue", "desk"), na_allowed=True),
            ),
        ),
        Section(
            "service",
            50,
            {"en": "Service"},
            (
                _question("rating", "likert", (1, 2, 3, 4, 5)),
                _question(
                    "wait",
                    "duration",
                    show_if=ShowIf("greeted", ("yes",)),
                    na_allowed=True,
                    bands=(PointsBand(10, 5), PointsBand(5, 15), PointsBand(0)),
                    max=600,
                ),
                _question("notes", "text", required=False),
            ),
        ),
    ),
)

# ODK Central's CSV export (groups joined by "-", metadata around the answers).
ODK_HEADER = (
    "SubmissionDate,start,end,visit-shopper,visit-entity,visit-centre,visit-service,"
    "visit-visited_at,visit-comment,arrival-greeted,arrival-seen,service-rating,service-wait,"
    "service-notes,meta-instanceID,KEY,SubmitterID,SubmitterName,AttachmentsPresent,"
    "AttachmentsExpected,Status,ReviewState,DeviceID,Edits,FormVersion"
)
ODK_ROW = (
    "2026-03-01T10:20:11.000Z,2026-03-01T09:00:00.000+04:00,2026-03-01T09:30:00.000+04:00,"
    "sh-1,ent-1,c-1,svc-1,2026-03-01T09:05:00.000+04:00,Polite staff,yes,queue desk,4,12,"
    '"Long, but fine",uuid:0001,uuid:0001,5,Amal,0,0,,approved,collect:abc,0,1'
)

# KoboToolbox's CSV export (";" between values, groups joined by "/", 0/1 columns for each
# option of a select_multiple, metadata starting with "_").
KOBO_HEADER = (
    "start;end;visit/shopper;visit/entity;visit/centre;visit/service;visit/visited_at;"
    "visit/comment;arrival/greeted;arrival/seen;arrival/seen/queue;arrival/seen/desk;"
    "service/rating;service/wait;service/notes;_id;_uuid;_submission_time;"
    "_validation_status;_notes;_status;_submitted_by;__version__;_tags;_index"
)
KOBO_ROW = (
    "2026-03-01T09:00:00.000+04:00;2026-03-01T09:30:00.000+04:00;sh-1;ent-1;c-1;svc-1;"
    "2026-03-01T09:05:00.000+04:00;Polite staff;yes;queue desk;1;1;4;12;Long, but fine;"
    "101;0001;2026-03-01T06:20:11;;;submitted_via_web;amal;vABC;;1"
)

ODATA: dict[str, Any] = {
    "@odata.context": "https://central.example/v1/projects/1/forms/visit.svc/$metadata#Submissions",
    "value": [
        {
            "__id": "uuid:0001",
            "start": "2026-03-01T09:00:00.000+04:00",
            "visit": {
                "shopper": "sh-1",
                "entity": "ent-1",
                "centre": "c-1",
                "service": "svc-1",
                "visited_at": "2026-03-01T09:05:00.000+04:00",
                "comment": "Polite staff",
            },
            "arrival": {"greeted": "yes", "seen": "queue desk"},
            "service": {"rating": 4, "wait": 12, "notes": "Long, but fine"},
            "meta": {"instanceID": "uuid:0001"},
            "__system": {
                "submissionDate": "2026-03-01T10:20:11.000Z",
                "submitterId": "5",
                "reviewState": None,
            },
        }
    ],
}

KOBO_JSON: dict[str, Any] = {
    "count": 1,
    "next": None,
    "previous": None,
    "results": [
        {
            "_id": 101,
            "formhub/uuid": "abc",
            "start": "2026-03-01T09:00:00.000+04:00",
            "visit/shopper": "sh-1",
            "visit/entity": "ent-1",
            "visit/centre": "c-1",
            "visit/service": "svc-1",
            "visit/visited_at": "2026-03-01T09:05:00.000+04:00",
            "visit/comment": "Polite staff",
            "arrival/greeted": "yes",
            "arrival/seen": "queue desk",
            "service/rating": "4",
            "service/wait": "12",
            "service/notes": "Long, but fine",
            "__version__": "vABC",
            "meta/instanceID": "uuid:0001",
            "_uuid": "0001",
            "_submission_time": "2026-03-01T06:20:11",
            "_attachments": [],
            "_geolocation": [None, None],
            "_tags": [],
            "_notes": [],
            "_validation_status": {},
            "_submitted_by": None,
        }
    ],
}

EXPECTED_ANSWERS = {
    "greeted": "yes",
    "seen": ("queue", "desk"),
    "rating": 4,
    "wait": 12,
    "notes": "Long, but fine",
}


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "content", "ident"),
    [
        ("odk.csv", f"{ODK_HEADER}\n{ODK_ROW}\n", "uuid:0001"),
        ("kobo.csv", f"{KOBO_HEADER}\n{KOBO_ROW}\n", "0001"),
        ("odata.json", json.dumps(ODATA), "uuid:0001"),
        ("kobo.json", json.dumps(KOBO_JSON), "uuid:0001"),
        ("kobo.jsonl", json.dumps(KOBO_JSON["results"][0]) + "\n", "uuid:0001"),
    ],
)
def test_each_export_layout_reads_as_the_same_evaluation(
    tmp_path: Path, name: str, content: str, ident: str
) -> None:
    evaluations, rejected = read_submissions(_write(tmp_path, name, content), FORM)
    assert rejected == []
    [evaluation] = evaluations
    assert evaluation.id == ident
    assert dict(evaluation.answers) == EXPECTED_ANSWERS
    assert (evaluation.shopper, evaluation.entity, evaluation.centre, evaluation.service) == (
        "sh-1",
        "ent-1",
        "c-1",
        "svc-1",
    )
    assert evaluation.visited_at == datetime(2026, 3, 1, 5, 5, tzinfo=UTC)
    assert evaluation.submitted_at == datetime(2026, 3, 1, 10, 20, 11, tzinfo=UTC) or (
        evaluation.submitted_at == datetime(2026, 3, 1, 6, 20, 11, tzinfo=UTC)
    )
    assert evaluation.comment == "Polite staff"
    assert (evaluation.channel, evaluation.language) == ("visit", "en")
    assert evaluation.form == FORM.id
    scored = score(evaluations, [FORM])
    assert scored.rejected == ()


def test_columns_without_groups_and_a_context_fill_what_the_export_lacks(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "plain.csv",
        "KEY,visited_at,greeted,seen,rating,wait\n"
        "k1,2026-03-01T09:05:00+04:00,no,na,2,\n"
        "k2,2026-03-01T09:05:00+04:00,yes,desk,5,na\n",
    )
    context = {"shopper": "sh-9", "entity": "e", "centre": "c", "service": "s"}
    evaluations, rejected = read_submissions(
        path, FORM, context={**context, "channel": "phone", "language": "ar"}
    )
    assert rejected == []
    assert [dict(e.answers) for e in evaluations] == [
        {"greeted": "no", "seen": NA, "rating": 2},
        {"greeted": "yes", "seen": ("desk",), "rating": 5, "wait": NA},
    ]
    assert {(e.shopper, e.channel, e.language) for e in evaluations} == {("sh-9", "phone", "ar")}


def _codes(rejected: list[RecordError]) -> list[list[tuple[str, str]]]:
    return [[(p.code, p.where) for p in error.errors] for error in rejected]


def test_every_row_that_cannot_be_mapped_is_rejected_with_row_column_and_code(
    tmp_path: Path,
) -> None:
    header = "KEY,visit/shopper,visit/entity,visit/centre,visit/service,visit/visited_at,"
    header += "arrival/greeted,arrival/seen,service/rating,service/wait,extra/thing\n"
    rows = [
        "k1,sh,e,c,s,2026-03-01T09:05:00+04:00,maybe,queue,4,3,",  # not an option
        "k2,sh,e,c,s,2026-03-01T09:05:00+04:00,yes,queue fax,4,3,",  # not an option
        "k3,sh,e,c,s,2026-03-01T09:05:00+04:00,yes,queue,4,1;5,",  # bad number
        "k4,sh,e,c,s,01/03/2026,yes,queue,4,3,",  # bad date
        "k5,sh,e,c,s,2026-03-01T09:05:00,yes,queue,4,3,",  # no offset
        "k6,,e,c,s,2026-03-01T09:05:00+04:00,yes,queue,4,3,",  # no shopper
        "k7,sh,e,c,s,2026-03-01T09:05:00+04:00,yes,queue,4,3,surprise",  # unknown column
        ",sh,e,c,s,2026-03-01T09:05:00+04:00,yes,queue,4,3,",  # no id
        "k7,sh,e,c,s,2026-03-01T09:05:00+04:00,yes,queue,4,3,",  # id again
        "k8,sh,e,c,s,2026-03-01T09:05:00+04:00,na,queue,4,1e999,",  # no N/A; infinite
        "k9,sh,e,c,s,2026-03-01T09:05:00+04:00,yes,queue,4,3,",  # fine
    ]
    path = _write(tmp_path, "bad.csv", header + "\n".join(rows) + "\n")
    evaluations, rejected = read_submissions(path, FORM)
    assert [e.id for e in evaluations] == ["k9"]
    assert [(r.row, r.id) for r in rejected] == [
        (2, "k1"),
        (3, "k2"),
        (4, "k3"),
        (5, "k4"),
        (6, "k5"),
        (7, "k6"),
        (8, "k7"),
        (9, None),
        (10, "k7"),
        (11, "k8"),
    ]
    assert _codes(rejected) == [
        [("collected_value_not_option", "arrival/greeted")],
        [("collected_value_not_option", "arrival/seen")],
        [("collected_number_invalid", "service/wait")],
        [("collected_date_invalid", "visit/visited_at")],
        [("collected_date_invalid", "visit/visited_at")],
        [("collected_context_missing", "shopper")],
        [("collected_column_unknown", "extra/thing")],
        [("collected_id_missing", "id")],
        [("collected_id_duplicate", "id")],
        [
            ("collected_value_not_option", "arrival/greeted"),
            ("collected_number_invalid", "service/wait"),
        ],
    ]
    assert rejected[0].errors[0].message == (
        "'maybe' in 'arrival/greeted' is not an option; options: no yes"
    )
    assert "row 8" in rejected[8].errors[0].message


def test_repeat_groups_are_refused_with_a_code(tmp_path: Path) -> None:
    odk = _write(tmp_path, "odk.csv", "KEY,visit-shopper,SET-OF-people\nk1,sh,x\n")
    with pytest.raises(InputError) as raised:
        read_submissions(odk, FORM)
    assert raised.value.code == "collected_repeat_unsupported"
    record = {**KOBO_JSON["results"][0], "people": [{"people/name": "A"}]}
    evaluations, rejected = read_submissions(
        _write(tmp_path, "kobo.json", json.dumps([record])), FORM
    )
    assert evaluations == []
    assert _codes(rejected) == [[("collected_repeat_unsupported", "people")]]
    odata = {"value": [{**ODATA["value"][0], "people@odata.navigationLink": "x"}]}
    _, rejected = read_submissions(_write(tmp_path, "odata.json", json.dumps(odata)), FORM)
    assert _codes(rejected) == [[("collected_repeat_unsupported", "people@odata.navigationLink")]]


def test_hostile_files_are_refused_or_rejected_never_a_traceback(tmp_path: Path) -> None:
    bom = _write(tmp_path, "bom.csv", ("\ufeff" + ODK_HEADER + "\n" + ODK_ROW + "\n").encode())
    assert len(read_submissions(bom, FORM)[0]) == 1
    utf16 = _write(tmp_path, "u16.csv", (ODK_HEADER + "\n" + ODK_ROW + "\n").encode("utf-16"))
    assert len(read_submissions(utf16, FORM)[0]) == 1
    latin = _write(tmp_path, "latin.csv", (ODK_HEADER + "\n" + ODK_ROW + "é\n").encode("latin-1"))
    with pytest.raises(InputError) as raised:
        read_submissions(latin, FORM)
    assert raised.value.code == "file_unreadable"
    twice = _write(tmp_path, "twice.csv", "KEY,arrival-greeted,arrival-greeted\nk,yes,no\n")
    with pytest.raises(InputError) as raised:
        read_submissions(twice, FORM)
    assert raised.value.code == "collected_column_duplicate"
    same_field = _write(
        tmp_path,
        "same.csv",
        "KEY,visit-shopper,visit-entity,visit-centre,visit-service,visit-visited_at,"
        "arrival-greeted,greeted,service-rating\n"
        "k,sh,e,c,s,2026-03-01T09:05:00+04:00,yes,no,3\n",
    )
    _, rejected = read_submissions(same_field, FORM)
    assert _codes(rejected) == [[("collected_column_duplicate", "greeted")]]
    huge = "9" * 5000
    formula = _write(
        tmp_path,
        "formula.csv",
        "KEY,visit-shopper,visit-entity,visit-centre,visit-service,visit-visited_at,"
        "arrival-greeted,service-rating,service-wait,service-notes\n"
        f'k,"=HYPERLINK(""x"")",e,c,s,2026-03-01T09:05:00+04:00,yes,=1+3,{huge},"@SUM(A1)"\n',
    )
    evaluations, rejected = read_submissions(formula, FORM)
    assert evaluations == []
    assert _codes(rejected) == [
        [
            ("collected_value_not_option", "service-rating"),
            ("collected_number_invalid", "service-wait"),
        ]
    ]
    assert len(rejected[0].errors[1].message) < 200
    too_long = _write(tmp_path, "long.csv", "KEY,service-notes\nk," + "x" * 200_000 + "\n")
    with pytest.raises(InputError) as raised:
        read_submissions(too_long, FORM)
    assert raised.value.code == "csv_malformed"
    for name, content, code in [
        ("broken.json", "{", "json_malformed"),
        ("scalar.json", "3", "collected_json_unrecognised"),
        ("data.xlsx", "x", "collected_file_unsupported"),
    ]:
        with pytest.raises(InputError) as raised:
            read_submissions(_write(tmp_path, name, content), FORM)
        assert raised.value.code == code
    _, rejected = read_submissions(_write(tmp_path, "items.json", '[3, "x", null]'), FORM)
    assert _codes(rejected) == [[("collected_not_object", "$")]] * 3
    nested = {"value": [{**ODATA["value"][0], "service": {"rating": [1, 2], "wait": True}}]}
    _, rejected = read_submissions(_write(tmp_path, "nested.json", json.dumps(nested)), FORM)
    assert _codes(rejected) == [
        [
            ("collected_value_not_option", "service/rating"),
            ("collected_number_invalid", "service/wait"),
        ]
    ]


def test_a_setting_that_is_not_known_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "odk.csv", f"{ODK_HEADER}\n{ODK_ROW}\n")
    for context in ({"channel": "fax"}, {"language": "xx"}, {"colour": "red"}):
        with pytest.raises(InputError) as raised:
            read_submissions(path, FORM, context=context)
        assert raised.value.code == "collected_setting_invalid"


# --- the same evaluations, written directly or exported and read back ---------------------


def _cell(answer: Any) -> Any:
    if isinstance(answer, tuple):
        return " ".join(str(value) for value in answer)
    return answer if isinstance(answer, str) else repr(answer)


def _exported(form: Form, evaluation: Evaluation, separator: str) -> dict[str, Any]:
    row: dict[str, Any] = {"meta" + separator + "instanceID": evaluation.id, "_id": 7}
    visit = {
        "shopper": evaluation.shopper,
        "entity": evaluation.entity,
        "centre": evaluation.centre,
        "service": evaluation.service,
        "visited_at": evaluation.visited_at.isoformat(),
        "comment": evaluation.comment,
    }
    row |= {f"visit{separator}{name}": value for name, value in visit.items()}
    sections = {
        question.id: section.id for section in form.sections for question in section.questions
    }
    for qid, answer in evaluation.answers.items():
        row[f"{sections[qid]}{separator}{qid}"] = _cell(answer)
    return row


def _nested(row: Mapping[str, Any]) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for key, value in row.items():
        group, _, name = key.rpartition("/")
        (nested.setdefault(group, {}) if group else nested)[name] = value
    return nested


def _outcome(scored: Any) -> list[Any]:
    kept = [
        (e.id, e.overall, dict(e.sections), dict(e.items), e.band, e.failed_critical)
        for e in scored.evaluations
    ]
    return [kept, [[p.code for p in r.errors] for r in scored.rejected]]


def _exportable(question: Question, answer: Any) -> Any:
    """An answer an export can carry: ODK and KoboToolbox leave a select_multiple with nothing
    chosen empty, as if unanswered; texts are read stripped."""
    if answer == ():
        return (question.options[0].value,)
    if question.type == "text" and answer != NA:
        return "t"
    return answer


@st.composite
def _batches(draw: st.DrawFn) -> tuple[Form, list[Evaluation]]:
    form = draw(forms())
    batch = draw(st.lists(evaluations_for(form), min_size=1, max_size=4, unique_by=lambda e: e.id))
    kept = []
    for evaluation in batch:
        answers = {
            qid: _exportable(form.questions()[qid][1], a) for qid, a in evaluation.answers.items()
        }
        kept.append(
            attrs.evolve(
                evaluation,
                answers=answers,
                comment="c",
                journey=None,
                programme=None,
                channel="visit",
                language=form.fallback_language,
                submitted_at=None,
            )
        )
    return form, kept


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_batches(), st.sampled_from(["kobo.csv", "odk.csv", "odata.json", "kobo.json"]))
def test_exported_submissions_score_like_the_evaluations_written_directly(
    tmp_path_factory: pytest.TempPathFactory,
    batch: tuple[Form, list[Evaluation]],
    layout: str,
) -> None:
    form, evaluations = batch
    separator = {"kobo.csv": "/", "odk.csv": "-"}.get(layout, "/")
    rows = [_exported(form, evaluation, separator) for evaluation in evaluations]
    path = tmp_path_factory.mktemp("export") / layout
    if layout.endswith(".csv"):
        header = sorted({key for row in rows for key in row})
        text = io.StringIO()
        writer = csv.DictWriter(text, header, delimiter=";" if layout == "kobo.csv" else ",")
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(text.getvalue(), encoding="utf-8")
    elif layout == "odata.json":
        path.write_text(json.dumps({"value": [_nested(row) for row in rows]}), encoding="utf-8")
    else:
        path.write_text(json.dumps({"results": rows}), encoding="utf-8")
    read, rejected = read_submissions(path, form)
    assert rejected == []
    assert [e.id for e in read] == [e.id for e in evaluations]
    for got, written in zip(read, evaluations, strict=True):
        assert got.visited_at == written.visited_at
        assert dict(got.answers) == dict(written.answers)
    assert _outcome(score(read, [form])) == _outcome(score(evaluations, [form]))


def test_the_xlsform_companion_says_a_number_is_not_applicable(tmp_path: Path) -> None:
    header = "KEY,visit-shopper,visit-entity,visit-centre,visit-service,visit-visited_at,"
    header += "arrival-greeted,service-rating,service-wait-na,service-wait\n"
    start = "sh,e,c,s,2026-03-01T09:05:00+04:00,yes,4"
    path = _write(
        tmp_path,
        "odk.csv",
        header
        + f"k1,{start},yes,\nk2,{start},no,7\nk3,{start},,8\nk4,{start},yes,9\nk5,{start},maybe,\n",
    )
    evaluations, rejected = read_submissions(path, FORM)
    assert [(e.id, e.answers.get("wait")) for e in evaluations] == [
        ("k1", NA),
        ("k2", 7),
        ("k3", 8),
    ]
    assert _codes(rejected) == [
        [("collected_na_answered", "service-wait-na")],
        [("collected_value_not_option", "service-wait-na")],
    ]
    # A question that may not be N/A has no companion: its column is unknown.
    strict = attrs.evolve(
        FORM,
        sections=(
            FORM.sections[0],
            attrs.evolve(
                FORM.sections[1],
                questions=tuple(
                    attrs.evolve(q, na_allowed=False) for q in FORM.sections[1].questions
                ),
            ),
        ),
    )
    _, rejected = read_submissions(path, strict)
    assert ("collected_column_unknown", "service-wait-na") in _codes(rejected)[0]
