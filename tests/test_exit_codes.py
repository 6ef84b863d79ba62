"""Exit codes users can script on: 0 done, 1 done with findings, 2 unusable input or
arguments (one coded line), and the ``--strict`` switch of the batch commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from shopperkit.cli import COMMANDS, main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
APPLICANTS = EXAMPLES / "applicants.csv"  # holds three rows in error
SCORES = EXAMPLES / "interview-scores.csv"  # holds one row in error
FORM = EXAMPLES / "forms/example-visit.yaml"
EVALUATIONS = EXAMPLES / "forms/example-evaluations.jsonl"  # holds three rejected records


def error_lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines() if "error:" in line]


@pytest.mark.parametrize("strict", [False, True])
def test_screen_exits_1_for_rows_in_error_only_when_strict(
    strict: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "verdicts.jsonl"
    args = ["screen", "--programme", "qatar-cgb", str(APPLICANTS), "--format", "jsonl"]
    code = main([*args, "-o", str(out), *(["--strict"] if strict else [])])
    assert code == (1 if strict else 0)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sum("errors" in record for record in records) == 3  # written either way


def test_strict_screen_of_a_clean_file_exits_0(tmp_path: Path) -> None:
    clean = tmp_path / "clean.csv"
    lines = APPLICANTS.read_text(encoding="utf-8").splitlines()
    clean.write_text("\n".join(lines[:5]) + "\n", encoding="utf-8")
    args = ["screen", "--programme", "qatar-cgb", str(clean), "--strict"]
    assert main([*args, "-o", str(tmp_path / "v.json")]) == 0


@pytest.mark.parametrize("strict", [False, True])
def test_score_exits_1_for_rejected_records_only_when_strict(strict: bool, tmp_path: Path) -> None:
    args = ["score", str(EVALUATIONS), "--form", str(FORM), "--out", str(tmp_path)]
    assert main([*args, *(["--strict"] if strict else [])]) == (1 if strict else 0)
    assert len((tmp_path / "rejects.jsonl").read_text(encoding="utf-8").splitlines()) == 3


@pytest.mark.parametrize("strict", [False, True])
def test_interview_exits_1_for_rows_in_error_only_when_strict(strict: bool, tmp_path: Path) -> None:
    pool = tmp_path / "pool.csv"
    args = ["interview", "--programme", "qatar-cgb", str(APPLICANTS), str(SCORES)]
    assert main([*args, "--pool", str(pool), *(["--strict"] if strict else [])]) == (
        1 if strict else 0
    )
    assert pool.exists()


@pytest.mark.parametrize("command", [command.NAME for command in COMMANDS])
def test_a_bad_argument_is_one_coded_line(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--no-such-option"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("shopperkit")
    assert ": error: " in err
    # what is wrong: a missing argument, or else the unknown option
    assert "arguments are required" in err or "--no-such-option" in err
    assert "[argument_invalid]; see 'shopperkit" in err


def test_a_bad_jobs_value_is_one_coded_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["screen", "--programme", "qatar-cgb", str(APPLICANTS), "--jobs", "0"])
    assert exited.value.code == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert "argument --jobs: '0' is not a number of processes (1 to 256)" in line
    assert "[argument_invalid]" in line


def test_a_status_change_without_its_author_is_a_coded_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "status.jsonl"
    assert main(["recommendations", str(log), "--set", "R1", "accepted"]) == 2
    assert error_lines(capsys) == [
        "shopperkit: error: --by is needed with --set [argument_missing]"
    ]
    assert not log.exists()
