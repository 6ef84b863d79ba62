"""Streaming output: JSON Lines from ``screen`` and ``interview``, compact JSON, constant
memory, atomic files, and non-finite numbers in JSON input as coded errors."""

from __future__ import annotations

import json
import tracemalloc
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopperkit.cli import main
from shopperkit.eligibility.screening import Screener
from shopperkit.errors import InputError
from shopperkit.io.applicants import APPLICANT_CSV_COLUMNS, read_applicants, write_applicants_csv
from shopperkit.io.convert import to_data
from shopperkit.io.files import json_bytes, parse_json, read_jsonl
from shopperkit.io.schemas import problems
from shopperkit.io.verdicts import VerdictEncoder, read_verdicts
from shopperkit.model.programme import Programme
from shopperkit.model.verdicts import Verdict
from shopperkit.registry import Registry
from shopperkit.synthetic import applicants

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
APPLICANTS = EXAMPLES / "applicants.csv"


@pytest.fixture(scope="module")
def qatar() -> Programme:
    return Registry().programme("qatar-cgb")


def screen_args(*args: str) -> list[str]:
    return ["screen", "--programme", "qatar-cgb", *args]


def test_jsonl_lines_are_the_verdicts_of_the_json_list(tmp_path: Path) -> None:
    listing, lines = tmp_path / "verdicts.json", tmp_path / "verdicts.jsonl"
    assert main(screen_args(str(APPLICANTS), "-o", str(listing))) == 0
    assert main(screen_args(str(APPLICANTS), "--format", "jsonl", "-o", str(lines))) == 0
    records = [json.loads(line) for line in lines.read_text(encoding="utf-8").splitlines()]
    assert records == json.loads(listing.read_text(encoding="utf-8"))
    assert [record["status"] for record in records].count("error") == 3
    for record in records:
        assert problems("screening-line", record) == []
    # Verdicts read back from either file are the same models.
    assert read_verdicts(lines) == read_verdicts(listing)
    # Compact: no indentation, one verdict a line in the list too.
    text = listing.read_text(encoding="utf-8")
    assert "\n  " not in text
    assert len(text.splitlines()) == len(records) + 2


def test_an_empty_input_gives_an_empty_list_and_no_lines(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text(",".join(APPLICANT_CSV_COLUMNS[:6]) + "\n")
    assert main(screen_args(str(empty), "-o", str(tmp_path / "out.json"))) == 0
    assert json.loads((tmp_path / "out.json").read_text()) == []
    assert main(screen_args(str(empty), "--format", "jsonl", "-o", str(tmp_path / "o.jsonl"))) == 0
    assert (tmp_path / "o.jsonl").read_bytes() == b""


def test_jsonl_to_standard_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(screen_args(str(APPLICANTS), "--format", "jsonl")) == 0
    captured = capsys.readouterr()
    ids = [json.loads(line)["id"] for line in captured.out.splitlines()]
    assert ids[:3] == ["Q-001", "Q-002", "Q-003"]
    assert "screened 14: eligible 4, ineligible 6, needs_review 1, error 3" in captured.err


def test_the_encoder_writes_what_the_converter_gives(qatar: Programme) -> None:
    registry = Registry()
    screener = Screener(qatar, registry.plugins)
    other_day = Screener(qatar, registry.plugins, as_of=qatar.day("registration_closes"))
    encoder = VerdictEncoder()
    people = list(applicants(400, seed=3, programme=qatar))
    for person in people:
        for verdict in (screener.screen(person), other_day.screen(person)):
            assert encoder.json(verdict) == json_bytes(to_data(verdict))
    for record in read_applicants(APPLICANTS):
        if not isinstance(record, tuple):
            assert json.loads(encoder.json(record))["status"] == "error"


@settings(max_examples=60, deadline=None)
@given(verdict=st.from_type(Verdict))
def test_the_encoder_matches_the_converter_for_any_verdict(verdict: Verdict) -> None:
    assert VerdictEncoder().json(verdict) == json_bytes(to_data(verdict))


def test_a_failed_run_leaves_no_output_behind(tmp_path: Path) -> None:
    people = list(applicants(50, seed=1, programme=Registry().programme("qatar-cgb")))
    source = tmp_path / "applicants.csv"
    write_applicants_csv(source, people)
    with source.open("a", encoding="utf-8") as stream:
        stream.write('A9,"1990-01-01\n')  # quoting never closed: the file is unusable
    output = tmp_path / "verdicts.jsonl"
    output.write_text("the previous run\n")
    assert main(screen_args(str(source), "--format", "jsonl", "-o", str(output))) == 2
    assert output.read_text() == "the previous run\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["applicants.csv", "verdicts.jsonl"]


def _peak_screening_memory(source: Path, output: Path) -> int:
    tracemalloc.start()
    try:
        assert main(screen_args(str(source), "--format", "jsonl", "-o", str(output))) == 0
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_verdicts(tmp_path: Path, qatar: Programme) -> None:
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    write_applicants_csv(small, list(applicants(1_000, seed=5, programme=qatar)))
    write_applicants_csv(large, list(applicants(11_000, seed=5, programme=qatar)))
    _peak_screening_memory(small, tmp_path / "warm.jsonl")  # imports and caches, once
    base = _peak_screening_memory(small, tmp_path / "small.jsonl")
    grown = _peak_screening_memory(large, tmp_path / "large.jsonl")
    # Only the ids kept to find duplicates grow (about 130 bytes each); a verdict held in
    # memory costs several kilobytes.
    assert (grown - base) / 10_000 < 400
    assert len((tmp_path / "large.jsonl").read_bytes().splitlines()) == 11_000


def test_applicants_are_read_as_they_are_consumed(tmp_path: Path, qatar: Programme) -> None:
    source = tmp_path / "applicants.csv"
    people = list(applicants(20, seed=2, programme=qatar))
    write_applicants_csv(source, people)
    with source.open("a", encoding="utf-8") as stream:
        stream.write('A99,"1990-01-01\n')  # quoting never closed
    records = read_applicants(source)
    read = [next(records) for _ in people]
    assert [record[1] for record in read if isinstance(record, tuple)] == people
    with pytest.raises(InputError) as caught:
        next(records)  # the broken row is met only when reached
    assert caught.value.code == "csv_malformed"


def test_interview_outcomes_as_json_lines(tmp_path: Path) -> None:
    common = [
        "interview",
        "--programme",
        "qatar-cgb",
        str(APPLICANTS),
        str(EXAMPLES / "interview-scores.csv"),
        "--pool",
        str(tmp_path / "pool.csv"),
        "--outcomes",
    ]
    assert main([*common, str(tmp_path / "outcomes.jsonl")]) == 0
    assert main([*common, str(tmp_path / "outcomes.json")]) == 0
    lines = (tmp_path / "outcomes.jsonl").read_text(encoding="utf-8").splitlines()
    outcomes = [json.loads(line) for line in lines]
    assert outcomes == json.loads((tmp_path / "outcomes.json").read_text(encoding="utf-8"))
    assert {o["applicant"] for o in outcomes} == {"Q-001", "Q-002", "Q-003", "Q-004", "Q-013"}
    for outcome in outcomes:
        assert problems("interview-outcome", outcome) == []


@pytest.mark.parametrize(
    ("text", "path", "value"),
    [
        ('{"a": NaN}', "$.a", "NaN"),
        ('{"a": {"b": [1, 2, Infinity]}}', "$.a.b[2]", "Infinity"),
        ("[-Infinity]", "$[0]", "-Infinity"),
        ('{"x": 1e400}', "$.x", "1e400"),
    ],
)
def test_non_finite_numbers_name_their_json_path(text: str, path: str, value: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_json(text)
    assert caught.value.code == "number_not_finite"
    assert caught.value.params == {"path": path, "value": value}


@pytest.mark.parametrize("text", ['{"a": Nan}', '{"a": 1', "[1,]", b'"\xff"'])
def test_other_bad_json_is_malformed(text: str | bytes) -> None:
    with pytest.raises(InputError) as caught:
        parse_json(text)
    assert caught.value.code == "json_malformed"


json_data = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=100, deadline=None)
@given(data=json_data)
def test_compact_json_reads_back_as_written(data: Any) -> None:
    encoded = json_bytes(data)
    assert parse_json(encoded) == data
    assert json.loads(encoded) == data
    assert b"\n" not in encoded


def good_applicant() -> dict[str, Any]:
    return {
        "id": "J1",
        "birth_date": "1990-01-01",
        "nationality": "Qatari",
        "residency": {"status": "citizen"},
        "applied_on": "2022-06-10",
    }


def test_nan_in_applicants_jsonl_is_an_error_record(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "applicants.jsonl"
    lines = [json.dumps(good_applicant()), '{"id": "J2", "score": {"value": NaN}}']
    source.write_text("\n".join(lines) + "\n")
    assert main(screen_args(str(source), "--format", "jsonl")) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert records[1]["status"] == "error"
    assert records[1]["file"] == str(source)
    assert records[1]["row"] == 2
    assert [(e["code"], e["where"]) for e in records[1]["errors"]] == [
        ("number_not_finite", "$.score.value")
    ]


def test_infinity_in_a_json_file_names_file_and_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "applicants.json"
    source.write_text('[{"id": "J1", "birth_date": Infinity}]')
    assert main(screen_args(str(source))) == 2
    err = capsys.readouterr().err
    assert str(source) in err
    assert "$[0].birth_date" in err
    assert "Traceback" not in err


def test_nan_in_a_jsonl_file_names_file_line_and_path(tmp_path: Path) -> None:
    source = tmp_path / "verdicts.jsonl"
    source.write_text('{"id": "a"}\n\n{"id": "b", "as_of": [NaN]}\n')
    with pytest.raises(InputError) as caught:
        list(read_jsonl(source, "screening-line"))
    assert caught.value.code == "schema_violation"  # line 1 is read and checked first
    source.write_text('{"id": "b", "as_of": [0, NaN]}\n')
    with pytest.raises(InputError) as caught:
        list(read_jsonl(source, "screening-line"))
    assert caught.value.code == "number_not_finite"
    assert caught.value.where == f"{source}:1"
    assert caught.value.params["path"] == "$.as_of[1]"


def test_nan_in_evaluations_is_a_reject(tmp_path: Path) -> None:
    source = tmp_path / "evaluations.jsonl"
    source.write_text('{"id": "e1", "answers": {"q1": NaN}}\n')
    out = tmp_path / "out"
    assert main(["score", str(source), "--programme", "uae", "--out", str(out)]) == 0
    rejects = [json.loads(line) for line in (out / "rejects.jsonl").read_text().splitlines()]
    assert [(r["row"], [(e["code"], e["where"]) for e in r["errors"]]) for r in rejects] == [
        (1, [("number_not_finite", "$.answers.q1")])
    ]
    assert (out / "scores.jsonl").read_text() == ""


def test_csv_cells_are_stripped_short_rows_padded_blank_rows_skipped(tmp_path: Path) -> None:
    source = tmp_path / "applicants.csv"
    source.write_text(
        "id, birth_date ,nationality,residency,applied_on,declarations,languages\n"
        " A1 , 1990-01-01 ,Qatari, Citizen ,2022-06-10, b ; a ,ar\n"
        ",,,,,,\n"
        "A2,1991-02-03,Indian,resident,2022-06-11\n",
        encoding="utf-8",
    )
    records = list(read_applicants(source))
    people = [record[1] for record in records if isinstance(record, tuple)]
    assert [(p.id, p.birth_date, p.residency.status) for p in people] == [
        ("A1", date(1990, 1, 1), "citizen"),
        ("A2", date(1991, 2, 3), "resident"),
    ]
    assert people[0].declarations == frozenset({"a", "b"})
    assert (people[1].declarations, people[1].languages) == (frozenset(), ())
    assert [record[0] for record in records if isinstance(record, tuple)] == [2, 4]
