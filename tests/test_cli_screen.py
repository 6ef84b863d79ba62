"""``shopperkit screen`` end to end: formats, bad rows, unusable input, never a traceback."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from shopperkit.cli import main
from shopperkit.io.schemas import problems

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
APPLICANTS = EXAMPLES / "applicants.csv"


def screen_json(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, Any]]:
    assert main(["screen", "--programme", "qatar-cgb", *args]) == 0
    result: list[dict[str, Any]] = json.loads(capsys.readouterr().out)
    return result


def test_example_file_gets_the_documented_verdicts(capsys: pytest.CaptureFixture[str]) -> None:
    results = screen_json(capsys, str(APPLICANTS))
    statuses = [(row["id"], row["status"]) for row in results]
    assert statuses == [
        ("Q-001", "eligible"),
        ("Q-002", "eligible"),
        ("Q-003", "ineligible"),
        ("Q-004", "eligible"),
        ("Q-005", "ineligible"),
        ("Q-006", "needs_review"),
        ("Q-007", "ineligible"),
        ("Q-008", "ineligible"),
        ("Q-009", "ineligible"),
        ("Q-010", "ineligible"),
        ("Q-011", "error"),
        ("Q-012", "error"),
        ("Q-001", "error"),
        ("Q-013", "eligible"),
    ]
    by_row = {row.get("row"): row for row in results if row["status"] == "error"}
    assert [(e["code"], e["where"]) for e in by_row[12]["errors"]] == [
        ("date_unparseable", "birth_date")
    ]
    assert [(e["code"], e["where"]) for e in by_row[13]["errors"]] == [
        ("value_missing", "nationality")
    ]
    assert [(e["code"], e["where"]) for e in by_row[14]["errors"]] == [("duplicate_id", "id")]
    q010 = next(row for row in results if row["id"] == "Q-010")
    assert {r["code"] for r in q010["reasons"]} == {
        "age_below_minimum",
        "residency_too_short",
        "applied_outside_window",
        "declarations_missing",
    }
    assert problems("screening-result", results) == []


def test_csv_and_table_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "verdicts.csv"
    args = ["screen", "--programme", "qatar-cgb", str(APPLICANTS)]
    assert main([*args, "--format", "csv", "-o", str(output)]) == 0
    rows = list(csv.DictReader(io.StringIO(output.read_text())))
    assert len(rows) == 14
    assert rows[9]["codes"].split(";") == [
        "age_below_minimum",
        "residency_too_short",
        "applied_outside_window",
        "declarations_missing",
    ]
    assert rows[10]["status"] == "error"
    assert rows[10]["row"] == "12"
    assert "screened 14" in capsys.readouterr().err
    assert main([*args, "--format", "table"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["id", "status", "reasons"]
    assert len(table) == 15


def test_json_and_jsonl_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = {
        "id": "J1",
        "birth_date": "1990-01-01",
        "nationality": "Qatari",
        "residency": {"status": "citizen"},
        "applied_on": "2022-06-10",
        "declarations": [
            "attend_training",
            "report_changes",
            "use_bureau_forms",
            "impartiality_confidentiality",
            "propose_improvements",
        ],
    }
    bad = {**good, "id": "J2", "birth_date": "1990-13-45", "shoe_size": 42}
    listing = tmp_path / "applicants.json"
    listing.write_text(json.dumps([good, bad]))
    results = screen_json(capsys, str(listing))
    assert results[0]["status"] == "eligible"
    assert results[1]["status"] == "error"
    assert results[1]["row"] == 2
    wheres = {e["where"] for e in results[1]["errors"]}
    assert wheres == {"$", "$.birth_date"}  # the unknown key and the impossible date
    lines = tmp_path / "applicants.jsonl"
    lines.write_text(json.dumps(good) + "\n{not json\n")
    results = screen_json(capsys, str(lines))
    assert [row["status"] for row in results] == ["eligible", "error"]
    assert results[1]["row"] == 2


def test_unknown_columns_are_ignored_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = APPLICANTS.read_text().splitlines()
    extra = [text[0] + ",favourite_colour"] + [line + ",blue" for line in text[1:3]]
    path = tmp_path / "extra.csv"
    path.write_text("\n".join(extra) + "\n")
    assert main(["screen", "--programme", "qatar-cgb", str(path)]) == 0
    captured = capsys.readouterr()
    assert [row["status"] for row in json.loads(captured.out)] == ["eligible", "eligible"]
    assert "favourite_colour" in captured.err


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["screen", "--programme", "qatar-cgb", "missing.csv"], "missing.csv"),
        (["screen", "--programme", "no-such-programme", str(APPLICANTS)], "no-such-programme"),
        (["screen", "--programme", "qatar-cgb", str(EXAMPLES / "README.md")], "README.md"),
    ],
)
def test_unusable_input_is_one_line_and_nonzero(
    args: list[str], fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert fragment in err
    assert "Traceback" not in err


def test_malformed_programme_file_names_the_json_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = Path(__file__).resolve().parent.parent / "plugins" / "shopperkit-qatar-cgb"
    data = json.loads((source / "src" / "shopperkit_qatar_cgb" / "qatar-cgb.json").read_text())
    data["parameters"]["seats"]["value"] = "fifty"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data))
    assert main(["screen", "--programme", str(broken), str(APPLICANTS)]) == 2
    err = capsys.readouterr().err
    assert "broken.json" in err
    assert "$.parameters.seats.value" in err


def test_header_without_required_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "thin.csv"
    path.write_text("id,birth_date\nX,2000-01-01\n")
    assert main(["screen", "--programme", "qatar-cgb", str(path)]) == 2
    err = capsys.readouterr().err
    assert "nationality" in err
    assert "thin.csv" in err


def test_the_installed_command_never_prints_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "binary.csv"
    path.write_bytes(b"\xff\xfe\x00garbage")
    result = subprocess.run(
        [sys.executable, "-m", "shopperkit", "screen", "--programme", "qatar-cgb", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "binary.csv" in result.stderr
