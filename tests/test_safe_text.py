"""Spreadsheet-safe CSV cells, JSON lines that stay one line, and readers that never crash."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from fractions import Fraction
from pathlib import Path

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopperkit.errors import InputError
from shopperkit.forms import load_form
from shopperkit.io.applicants import read_applicants
from shopperkit.io.files import (
    CsvWriter,
    csv_rows,
    csv_text,
    json_bytes,
    json_line,
    parse_json,
    spreadsheet_safe,
    spreadsheet_text,
    write_json_lines,
    write_records,
)
from shopperkit.io.pool import pool_from_text, pool_text
from shopperkit.io.verdicts import write_csv
from shopperkit.model.verdicts import Status, Verdict
from shopperkit.problems import FieldProblem, RecordError
from shopperkit.scoring import Scoring
from shopperkit.selection.audit import ids_text, probabilities_text

ROOT = Path(__file__).resolve().parent.parent
FORM = ROOT / "examples/forms/example-visit.yaml"
EVALUATIONS = ROOT / "examples/forms/example-evaluations.jsonl"

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LINE_BREAKS = ("\u2028", "\u2029", "\u0085")

# Cells as readers return them: no surrogate (not encodable), no surrounding blanks (readers
# strip them) other than the tab or carriage return a formula may start with.
core = st.text(st.characters(codec="utf-8"), max_size=12).map(str.strip)
cells = st.builds(
    lambda start, rest: start + rest, st.sampled_from(("", "'", "''", *FORMULA_STARTS)), core
).filter(lambda cell: cell == cell.rstrip())


def opens_formula(cell: str) -> bool:
    """Whether a spreadsheet would run ``cell``: it starts with a formula character and is
    not a plain number."""
    return (
        cell[:1] in FORMULA_STARTS
        and re.fullmatch(r"[+-][0-9]*\.?[0-9]*(e[+-]?[0-9]+)?", cell, re.I) is None
    )


@given(cells)
def test_a_written_cell_never_opens_a_formula_and_reads_back_exactly(cell: str) -> None:
    written = spreadsheet_safe(cell)
    assert not opens_formula(written)
    assert spreadsheet_text(written) == cell


def test_formula_cells_get_one_quote_and_numbers_stay_numbers() -> None:
    assert spreadsheet_safe('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert spreadsheet_safe("@SUM(A1)") == "'@SUM(A1)"
    assert spreadsheet_safe("-cmd|' /C calc'!A0") == "'-cmd|' /C calc'!A0"
    assert spreadsheet_safe("\tx") == "'\tx"
    assert spreadsheet_safe("'quoted") == "''quoted"
    for number in ("-0.5", "+3", "-1e-9", "-.25", "-7"):
        assert spreadsheet_safe(number) == number
    assert spreadsheet_safe("plain") == "plain"
    assert spreadsheet_text("'plain") == "'plain"  # a quote a writer did not add stays


def read_table(text: str, columns: tuple[str, ...]) -> list[dict[str, str]]:
    _, rows = csv_rows(Path("table.csv"), columns, text=text)
    return [row for _, row in rows]


@given(st.lists(st.tuples(cells, cells), min_size=1, max_size=8))
def test_csv_round_trip_is_exact_and_spreadsheet_safe(rows: list[tuple[str, str]]) -> None:
    rows = [(first, second) for first, second in rows if first]  # a row without id is skipped
    text = csv_text(("id", "=name"), ({"id": a, "=name": b} for a, b in rows))
    assert read_table(text, ("id",)) == [{"id": a, "=name": b} for a, b in rows]
    for values in csv.reader(io.StringIO(text, newline="")):
        for value in values:
            assert not opens_formula(value)


@given(
    st.lists(
        st.lists(
            st.one_of(
                st.text(st.sampled_from(["a", "1", ",", '"', "\n", " ", "'", "="]), max_size=4),
                st.integers(),
                st.floats(allow_nan=False),
                st.none(),
            ),
            max_size=4,
        ),
        max_size=4,
    )
)
def test_the_writer_writes_what_the_standard_writer_writes(rows: list[list[object]]) -> None:
    # Rows of plain cells skip the standard writer; the text must not change for it. A cell
    # holding a carriage return is the one place the two differ on purpose (quoted here).
    ours, theirs = io.StringIO(), io.StringIO()
    writer = CsvWriter(ours)
    for row in rows:
        writer.writerow(row)
    csv.writer(theirs, lineterminator="\n").writerows(rows)
    assert ours.getvalue() == theirs.getvalue()


def test_numeric_columns_keep_negative_numbers() -> None:
    text = csv_text(("id", "delta", "share"), [{"id": "-a", "delta": -0.5, "share": "-0.25"}])
    assert text == "id,delta,share\n'-a,-0.5,-0.25\n"


def test_pool_panel_and_probabilities_files_neutralise_ids_and_read_back() -> None:
    ids = ["=1+1", "+44 5", "-x", "@me", "'q", "plain"]
    pool_csv = "id,region\n" + "".join(f'"{spreadsheet_safe(i)}",=north\n' for i in ids)
    pool = pool_from_text(pool_csv, Path("pool.csv")).pool
    assert [candidate.id for candidate in pool.candidates] == ids
    written = pool_text(pool)
    assert all(not opens_formula(line) for line in written.splitlines())
    reread = pool_from_text(written, Path("pool.csv")).pool
    assert [c.id for c in reread.candidates] == ids
    assert {c.values["region"] for c in reread.candidates} == {"=north"}
    assert [row["id"] for row in read_table(ids_text(ids), ("id",))] == ids
    probabilities = read_table(probabilities_text({i: Fraction(1, 3) for i in ids}), ("id",))
    assert sorted(row["id"] for row in probabilities) == sorted(ids)
    assert all(row["probability"].startswith("0.3333") for row in probabilities)


def test_screening_csv_neutralises_ids_and_errors() -> None:
    verdict = Verdict(id="=evil()", programme="p", as_of=date(2026, 1, 1), status=Status.ELIGIBLE)
    error = RecordError("a.csv", 3, "@x", (FieldProblem.of("field_missing", "-row"),))
    stream = io.BytesIO()
    write_csv([verdict, error], stream)
    lines = stream.getvalue().decode("utf-8").splitlines()
    assert lines[1].startswith("'=evil()")
    assert lines[2].startswith("'@x,error,,3,'-row:")
    rows = read_table(stream.getvalue().decode("utf-8"), ("id",))
    assert [row["id"] for row in rows] == ["=evil()", "@x"]


@given(st.text(st.characters(codec="utf-8")))
def test_a_json_line_is_one_line_for_every_reader(text: str) -> None:
    line = json_line({"comment": text})
    assert line.endswith(b"\n")
    assert line.count(b"\n") == 1
    decoded = line.decode("utf-8")
    assert len(decoded.splitlines()) == 1
    assert not any(mark in decoded for mark in LINE_BREAKS)
    assert orjson.loads(line) == {"comment": text}


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["a", "\u2028", "\u2029", "\u0085", "\r", "é"]), max_size=6))
def test_json_lines_and_lists_escape_unicode_line_breaks(tmp_path: Path, parts: list[str]) -> None:
    values = ["".join(parts), "x" + "".join(reversed(parts))]
    stream = io.BytesIO()
    write_json_lines(stream, map(json_bytes, values))
    lines = stream.getvalue().decode("utf-8").splitlines()
    assert [json.loads(line) for line in lines] == values
    listed = tmp_path / "values.json"
    write_records(listed, values)
    assert len(listed.read_text(encoding="utf-8").splitlines()) == len(values) + 2
    assert json.loads(listed.read_text(encoding="utf-8")) == values


def example_lines() -> list[bytes]:
    return [line for line in EVALUATIONS.read_bytes().split(b"\n") if line.strip()]


def test_comment_with_line_breaks_and_surrogate_is_per_record(tmp_path: Path) -> None:
    first, second, *_ = example_lines()
    record = json.loads(first)
    record["comment"] = "one\u2028two\u0085three\u2029 \u0007"
    broken = json.loads(second)
    broken["comment"] = "@@SURROGATE@@"
    surrogate = json.dumps(broken).replace("@@SURROGATE@@", "\\udc00").encode()
    lines = [json.dumps(record, ensure_ascii=False).encode(), surrogate, b"[" * 100_000]
    results = list(Scoring([load_form(FORM)]).lines(lines, "evaluations.jsonl"))
    assert isinstance(results[0], dict)
    assert results[0]["comment"] == record["comment"]
    assert [r.errors[0].code for r in results[1:] if isinstance(r, RecordError)] == [
        "json_malformed",
        "json_too_deep",
    ]
    written = json_line(results[0])
    assert len(written.decode("utf-8").splitlines()) == 1
    assert b"\\u2028" in written
    assert b"\\u0007" in written


def mutated(line: bytes, data: st.DataObject) -> bytes:
    """``line`` with a few bytes replaced, inserted or removed."""
    buffer = bytearray(line)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, max(len(buffer) - 1, 0)))
        kind = data.draw(st.sampled_from(("replace", "insert", "delete")))
        byte = data.draw(st.integers(0, 255))
        if kind == "insert" or not buffer:
            buffer.insert(at, byte)
        elif kind == "replace":
            buffer[at] = byte
        else:
            del buffer[at]
    return bytes(buffer).replace(b"\n", b" ")


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_scoring_fuzzed_lines_each_end_accepted_or_rejected(data: st.DataObject) -> None:
    valid = example_lines()
    lines = [
        data.draw(st.one_of(st.binary(max_size=60), st.sampled_from(valid).map(lambda v: v)))
        for _ in range(data.draw(st.integers(1, 6)))
    ]
    lines = [mutated(line, data) if data.draw(st.booleans()) else line for line in lines]
    lines = [line.replace(b"\n", b" ") for line in lines]
    results = list(Scoring([load_form(FORM)]).lines(lines, "evaluations.jsonl"))
    accepted = sum(isinstance(result, dict) for result in results)
    rejected = sum(isinstance(result, RecordError) for result in results)
    assert accepted + rejected == len(results) == sum(bool(line.strip()) for line in lines)


@given(st.binary(max_size=200))
def test_parse_json_of_any_bytes_is_data_or_a_coded_error(raw: bytes) -> None:
    codes = set()
    try:
        parse_json(raw)
    except InputError as error:
        codes.add(error.code)
    assert codes <= {"json_malformed", "number_not_finite"}


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.binary(max_size=300), valid=st.booleans())
def test_csv_reader_of_any_bytes_reads_rows_or_raises_a_coded_error(
    tmp_path: Path, raw: bytes, valid: bool
) -> None:
    path = tmp_path / "any.csv"
    path.write_bytes((b"id,name\n" if valid else b"") + raw)
    codes = set()
    try:
        _, rows = csv_rows(path, ("id",))
        for _, row in rows:
            assert set(row) >= {"id"}
    except InputError as error:
        codes.add(error.code)
    assert codes <= {"csv_malformed", "csv_missing_columns", "file_unreadable"}


def write_lines(folder: Path, lines: list[bytes]) -> Path:
    path = folder / "applicants.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_applicants_jsonl_fuzzed_accepted_plus_rejected_is_read(
    tmp_path: Path, data: st.DataObject
) -> None:
    applicant = {
        "id": "=Q\u2028-001",
        "birth_date": "1990-04-12",
        "nationality": "Qatari",
        "residency": {"status": "citizen"},
        "applied_on": "2022-06-07",
        "profession": "@engineer\u0085",
    }
    valid = [json.dumps(applicant, ensure_ascii=False).encode(), json.dumps(applicant).encode()]
    assert isinstance(next(read_applicants(write_lines(tmp_path, valid[:1]))), tuple)
    lines = [
        mutated(line, data) if data.draw(st.booleans()) else line
        for line in data.draw(
            st.lists(
                st.one_of(st.sampled_from(valid), st.binary(max_size=40)), min_size=1, max_size=6
            )
        )
    ]
    lines = [line.replace(b"\n", b" ") for line in lines]
    records = list(read_applicants(write_lines(tmp_path, lines)))
    lines[0] = lines[0].removeprefix(b"\xef\xbb\xbf")  # a leading byte order mark is dropped
    rejected = sum(isinstance(record, RecordError) for record in records)
    accepted = sum(isinstance(record, tuple) for record in records)
    assert accepted + rejected == len(records) == sum(bool(line.strip()) for line in lines)
    for record in records:
        if isinstance(record, RecordError):
            assert all(problem.code for problem in record.errors)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_applicants_csv_fuzzed_rows_are_accepted_rejected_or_a_coded_error(
    tmp_path: Path, data: st.DataObject
) -> None:
    header, *rows = (ROOT / "examples/applicants.csv").read_bytes().split(b"\n")[:4]
    rows = [mutated(row, data) if data.draw(st.booleans()) else row for row in rows]
    rows.append(data.draw(st.binary(max_size=60)).replace(b"\n", b" "))
    path = tmp_path / "applicants.csv"
    path.write_bytes(b"\n".join([header, *rows]) + b"\n")
    codes: set[str] = set()
    try:
        records = list(read_applicants(path))
    except InputError as error:
        codes.add(error.code)
        records = []
    assert codes <= {"csv_malformed", "file_unreadable"}
    for record in records:
        assert isinstance(record, tuple | RecordError)
        if isinstance(record, RecordError):
            assert all(problem.code for problem in record.errors)
