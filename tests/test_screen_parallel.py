"""``shopperkit screen --jobs N``: the same bytes as the serial path, errors coded, and the
compact duplicate-id table exact even when fingerprints collide."""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import pickle
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopperkit.cli import main
from shopperkit.cli.screen import add_arguments, jobs_for
from shopperkit.eligibility.screening import Screener
from shopperkit.errors import InputError, PluginError, plugin_failure
from shopperkit.io import parallel
from shopperkit.io.applicants import FirstRows
from shopperkit.io.files import output_stream
from shopperkit.model.people import Applicant, Residency
from shopperkit.model.verdicts import Verdict
from shopperkit.registry import Registry

HEADER = [
    "id",
    "birth_date",
    "nationality",
    "residency",
    "resident_since",
    "gender",
    "profession",
    "employer",
    "applied_on",
    "declarations",
    "languages",
]
DECLARED = "attend_training;impartiality_confidentiality;propose_improvements;report_changes"

ids = st.sampled_from(["Q-1", "Q-2", "Q-3", "Q-4", "Q,5", 'Q"6', "Q\n7", "", " Q-8 "])
days = st.sampled_from(["1990-01-31", "2001-02-28", "2012-07-04", "1990-13-01", "", "soon"])
applicant_rows = st.lists(
    st.tuples(
        ids,
        days,
        st.sampled_from(["Qatari", "Indian", ""]),
        st.sampled_from(["citizen", "resident", "visitor", ""]),
        st.sampled_from(["", "2010-05-01", "2024-01-01"]),
        st.sampled_from(["", "female", "male"]),
        st.sampled_from(["", "teacher"]),
        st.sampled_from(["", "ministry-of-interior", "acme, ltd"]),
        st.sampled_from(["2022-06-17", "2024-09-01", ""]),
        st.sampled_from(["", DECLARED, DECLARED + ";use_bureau_forms"]),
        st.sampled_from(["", "ar", "ar;en"]),
    ),
    max_size=40,
)


def write_csv(path: Path, rows: Sequence[Sequence[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)


def screened(source: Path, target: Path, format: str, jobs: int) -> bytes:
    args = ["screen", "--programme", "qatar-cgb", str(source), "--format", format]
    assert main([*args, "-o", str(target), "--jobs", str(jobs)]) == 0
    return target.read_bytes()


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of three records, so that a small file spans many workers' chunks."""
    monkeypatch.setattr(parallel, "CHUNK", 3)


@pytest.mark.usefixtures("small_chunks")
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=applicant_rows, format=st.sampled_from(["json", "jsonl"]))
def test_parallel_output_is_the_serial_output_byte_for_byte(
    tmp_path: Path, rows: list[tuple[str, ...]], format: str
) -> None:
    source = tmp_path / "applicants.csv"
    write_csv(source, rows)
    serial = screened(source, tmp_path / f"serial.{format}", format, jobs=1)
    assert screened(source, tmp_path / f"parallel.{format}", format, jobs=2) == serial


@pytest.mark.usefixtures("small_chunks")
def test_repeats_and_bad_rows_keep_their_rows_in_parallel(tmp_path: Path) -> None:
    good = ["", "Qatari", "citizen", "", "female", "", "", "2022-06-17", DECLARED, "ar"]
    rows = [
        ("A-1", "1990-01-31", *good[1:]),
        ("A-2", "1990-13-01", *good[1:]),  # row 3: bad date
        ("A-3", "1991-01-31", *good[1:]),
        ("A-1", "1992-01-31", *good[1:]),  # row 5: repeats row 2
        ("A-2", "1993-01-31", *good[1:]),  # row 6: first good A-2, not a repeat
        ("A-2", "1993-01-31", *good[1:]),  # row 7: repeats row 6
    ]
    write_csv(tmp_path / "applicants.csv", rows)
    out = screened(tmp_path / "applicants.csv", tmp_path / "v.jsonl", "jsonl", jobs=2)
    records = [json.loads(line) for line in out.splitlines()]
    assert [(r["id"], r["status"] == "error", r.get("row")) for r in records] == [
        ("A-1", False, None),
        ("A-2", True, 3),
        ("A-3", False, None),
        ("A-1", True, 5),
        ("A-2", False, None),
        ("A-2", True, 7),
    ]
    assert records[3]["errors"][0]["code"] == "duplicate_id"
    assert records[3]["errors"][0]["message"].endswith("at row 2")
    assert records[5]["errors"][0]["message"].endswith("at row 6")
    serial = screened(tmp_path / "applicants.csv", tmp_path / "s.jsonl", "jsonl", jobs=1)
    assert out == serial


@pytest.mark.usefixtures("small_chunks")
def test_jsonl_input_with_broken_lines_screens_the_same_in_parallel(tmp_path: Path) -> None:
    person = {
        "birth_date": "1990-01-31",
        "nationality": "Qatari",
        "residency": {"status": "citizen"},
        "applied_on": "2022-06-17",
        "declarations": DECLARED.split(";"),
    }
    lines = [
        json.dumps({"id": "J-1", **person}),
        "{not json",
        "",
        json.dumps({"id": "J-2", **person, "birth_date": 7}),
        json.dumps({"id": "J-1", **person}),
        json.dumps([1, 2]),
        json.dumps({"id": "J-3", **person}),
    ]
    source = tmp_path / "applicants.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for format in ("json", "jsonl"):
        serial = screened(source, tmp_path / f"s.{format}", format, jobs=1)
        assert screened(source, tmp_path / f"p.{format}", format, jobs=2) == serial
    out = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    assert [(r["id"], r["status"] == "error", r.get("row")) for r in out] == [
        ("J-1", False, None),
        (None, True, 2),
        ("J-2", True, 4),
        ("J-1", True, 5),
        (None, True, 6),
        ("J-3", False, None),
    ]


def test_an_empty_file_is_an_empty_list_in_parallel(tmp_path: Path) -> None:
    write_csv(tmp_path / "applicants.csv", [])
    for format in ("json", "jsonl"):
        serial = screened(tmp_path / "applicants.csv", tmp_path / f"s.{format}", format, 1)
        parallel_out = screened(tmp_path / "applicants.csv", tmp_path / f"p.{format}", format, 2)
        assert parallel_out == serial
    assert (tmp_path / "p.json").read_bytes() == b"[]\n"


def test_an_error_raised_in_a_worker_is_the_same_coded_error_and_writes_nothing(
    tmp_path: Path, small_chunks: None
) -> None:
    rows = [
        (f"W-{n}", "1990-01-31", "Qatari", "citizen", "", "", "", "", "2022-06-17", "", "")
        for n in range(10)
    ]
    write_csv(tmp_path / "applicants.csv", rows)
    registry = Registry()
    screener = Screener(registry.programme("qatar-cgb"), registry.plugins)

    def failing(applicant: Applicant) -> Verdict:
        if applicant.id == "W-7":
            raise plugin_failure("example", "screen", ValueError("boom"))
        return screener.screen(applicant)

    target = tmp_path / "verdicts.jsonl"
    counts = dict.fromkeys(parallel.STATUSES, 0)
    with pytest.raises(PluginError) as caught, output_stream(target) as stream:
        parallel.screen_to_stream(
            tmp_path / "applicants.csv", failing, stream, jobs=2, json_list=False, counts=counts
        )
    assert caught.value.code == "plugin_hook_failed"
    assert caught.value.params == {
        "plugin": "example",
        "hook": "screen",
        "reason": "ValueError: boom",
    }
    assert not target.exists()
    assert list(tmp_path.iterdir()) == [tmp_path / "applicants.csv"]


def test_a_malformed_csv_fails_with_the_serial_code(tmp_path: Path, small_chunks: None) -> None:
    source = tmp_path / "applicants.csv"
    good = "A-{},1990-01-31,Qatari,citizen,,,,,2022-06-17,,\n"
    text = ",".join(HEADER) + "\n" + "".join(good.format(n) for n in range(10))
    source.write_text(text + 'A-99,"1990-01-31\n', encoding="utf-8")
    for jobs in ("1", "2"):
        target = tmp_path / f"out-{jobs}.jsonl"
        args = ["screen", "--programme", "qatar-cgb", str(source), "--format", "jsonl"]
        assert main([*args, "-o", str(target), "--jobs", jobs]) != 0
        assert not target.exists()


def test_errors_survive_crossing_between_processes() -> None:
    error = InputError("csv_malformed", {"reason": "unexpected end"}, where="a.csv:4")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is InputError
    assert (copy.code, copy.params, copy.where, str(copy)) == (
        "csv_malformed",
        {"reason": "unexpected end"},
        "a.csv:4",
        str(error),
    )


@pytest.mark.parametrize("value", ["0", "-2", "two"])
def test_jobs_must_be_a_positive_number(value: str, tmp_path: Path) -> None:
    write_csv(tmp_path / "a.csv", [])
    with pytest.raises(SystemExit) as exited:
        main(
            [
                "screen",
                "--programme",
                "qatar-cgb",
                str(tmp_path / "applicants.csv"),
                "--jobs",
                value,
            ]
        )
    assert exited.value.code == 2


def test_small_inputs_and_other_formats_stay_serial(tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    write_csv(tmp_path / "a.csv", [])
    base = ["--programme", "qatar-cgb", str(tmp_path / "a.csv")]
    assert jobs_for(parser.parse_args(base)) == 1  # small
    assert jobs_for(parser.parse_args([*base, "--jobs", "3"])) == 3
    assert jobs_for(parser.parse_args([*base, "--jobs", "3", "--format", "csv"])) == 1
    assert jobs_for(parser.parse_args([*base, "--jobs", "1"])) == 1


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from([f"id-{n}" for n in range(40)]) | st.text(max_size=6), max_size=300),
    st.integers(min_value=0, max_value=3),
)
def test_first_rows_is_exact_even_when_every_fingerprint_collides(
    idents: list[str], buckets: int
) -> None:
    # A fingerprint with at most four values: nearly every lookup meets another id's slot.
    table = FirstRows(fingerprint=lambda ident: (len(ident) % (buckets + 1)) << 40)
    batch = FirstRows(fingerprint=lambda ident: (len(ident) % (buckets + 1)) << 40)
    expected: dict[str, int] = {}
    answers = []
    for row, ident in enumerate(idents, start=2):
        first = expected.setdefault(ident, row)
        assert table.first_row(ident, row) == first
        answers.append(first)
    rows = list(range(2, len(idents) + 2))
    repeats: dict[int, int] = {}
    for start in range(0, len(idents), 7):
        found = batch.repeats(list(idents[start : start + 7]), rows[start : start + 7])
        repeats.update({start + index: first for index, first in found.items()})
    assert repeats == {i: first for i, first in enumerate(answers) if first != rows[i]}
    assert len(table) == len(batch) == len(expected)


def test_first_rows_spills_ids_to_disk_and_reads_them_back() -> None:
    table = FirstRows()
    count = FirstRows._SPILL * 2 + 5
    for row in range(count):
        assert table.first_row(f"P-{row}", row) == row
    # Every id again: each a repeat naming its first row, read back from the file.
    assert all(table.first_row(f"P-{row}", row + count) == row for row in range(0, count, 997))
    assert table.repeats(["P-3", "new", None, "new"], [1, 2, 3, 4]) == {0: 3, 3: 2}
    table.close()


def test_the_library_call_stays_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    from shopperkit.eligibility.screening import screen

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a pool was started")

    monkeypatch.setattr(multiprocessing, "get_context", refuse)
    person = Applicant("L-1", date(1990, 1, 31), "Qatari", Residency("citizen", None))
    assert [v.id for v in screen([person], "qatar-cgb", Registry())] == ["L-1"]
