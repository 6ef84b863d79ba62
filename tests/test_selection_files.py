"""The sortition community's files read as published: the id column, case, quota headers and
personal columns (small copies of the public layouts in ``tests/data/sortition``)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopperkit.cli import main
from shopperkit.errors import InputError
from shopperkit.io.draws import read_draw
from shopperkit.io.files import csv_rows
from shopperkit.io.pool import pool_from_text, read_pool
from shopperkit.io.quotas import read_quotas
from shopperkit.selection.drawing import PoolInvalid, problem_of, verify
from shopperkit.selection.quotas import Quota, QuotaSet

DATA = Path(__file__).parent / "data" / "sortition"
PEOPLE = DATA / "candidates.csv"
PEOPLE_LOWER = DATA / "candidates_lower.csv"
QUOTA_FILES = ("features.csv", "categories_strat_app.csv", "categories_panelot.csv")
PERSONAL = (
    "first_name",
    "last_name",
    "email",
    "mobile_number",
    "primary_address1",
    "primary_address2",
    "primary_city",
    "primary_zip",
)
SEATS = 6


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def select(out: Path, people: Path, quotas: Path, *extra: str) -> int:
    """``shopperkit select`` of ``people`` under ``quotas`` for 6 seats, drawn with seed 7."""
    return main(
        [
            "select",
            str(people),
            "--quotas",
            str(quotas),
            "--seats",
            str(SEATS),
            "--seed",
            "7",
            "--out",
            str(out),
            *extra,
        ]
    )


def personal_values() -> set[str]:
    """Every value of the personal columns of the people file."""
    _, rows = csv_rows(PEOPLE, ())
    return {row[column] for _, row in rows for column in PERSONAL if row[column]}


# --- quota headers ---------------------------------------------------------------------


def test_the_three_quota_layouts_read_as_the_same_quotas() -> None:
    read = [read_quotas(DATA / name, SEATS).quotas for name in QUOTA_FILES]
    bounds = [[(q.feature, q.value, q.min, q.max) for q in quotas] for quotas in read]
    assert bounds[0] == bounds[1] == bounds[2]
    assert bounds[0][:3] == [
        ("Gender", "Female", 2, 3),
        ("Gender", "Male", 2, 3),
        ("Gender", "Non-binary or other", 0, 1),
    ]
    assert read[0][0].max_flex == 4
    assert read[1][0].max_flex is None


def test_quota_header_names_are_trimmed_and_compared_whatever_their_case(tmp_path: Path) -> None:
    path = write(tmp_path / "q.csv", " Category ,NAME, Min ,MAX,Max_Flex,notes\ng,a,1,2,3,x\n")
    assert read_quotas(path, 4).quotas == (Quota("g", "a", 1, 2, None, 3),)


@pytest.mark.parametrize(
    ("header", "code", "named"),
    [
        ("category,feature,value,min,max", "quota_header_ambiguous", ["feature", "value"]),
        ("feature,value,name,min,max", "quota_header_ambiguous", ["value", "name"]),
        ("feature,value,min,Min,max", "quota_header_ambiguous", ["min", "Min"]),
        ("kind,value,min,max", "quota_header_unknown", ["kind", "value", "min", "max"]),
        ("category,name,min", "quota_header_unknown", ["category", "name", "min"]),
        ("", "quota_header_unknown", []),
    ],
)
def test_a_quota_header_read_no_or_two_ways_is_refused(
    tmp_path: Path, header: str, code: str, named: list[str]
) -> None:
    path = write(tmp_path / "q.csv", f"{header}\n" if header else "")
    with pytest.raises(InputError) as caught:
        read_quotas(path, 4)
    assert caught.value.code == code
    assert caught.value.where == str(path)
    key = "columns" if code == "quota_header_ambiguous" else "found"
    assert caught.value.params[key] == named


def test_ignoring_case_merges_a_feature_and_refuses_values_equal_but_for_case(
    tmp_path: Path,
) -> None:
    path = write(tmp_path / "q.csv", "feature,value,min,max\nGender,Male,0,2\ngender,female,0,2\n")
    quotas = read_quotas(path, 4, ignore_case=True)
    assert [(q.feature, q.value) for q in quotas.quotas] == [
        ("Gender", "Male"),
        ("Gender", "female"),
    ]
    assert [q.feature for q in read_quotas(path, 4).quotas] == ["Gender", "gender"]
    write(path, "feature,value,min,max\nGender,Male,0,2\ngender,MALE,0,2\n")
    assert len(read_quotas(path, 4).quotas) == 2
    with pytest.raises(InputError) as caught:
        read_quotas(path, 4, ignore_case=True)
    assert caught.value.code == "schema_violation"
    assert f"{path}:3: value" in str(caught.value)


# --- the id column and personal columns ---------------------------------------------------


def test_the_peer_people_file_needs_its_id_column_named() -> None:
    with pytest.raises(InputError) as caught:
        read_pool(PEOPLE)
    assert caught.value.code == "pool_id_column_missing"
    assert caught.value.params["column"] == "id"
    assert caught.value.params["found"][:2] == ["nationbuilder_id", "first_name"]
    pool = read_pool(PEOPLE, id_column="nationbuilder_id").pool
    assert pool.ids == tuple(f"p{i}" for i in range(16))
    assert "nationbuilder_id" not in pool.dimensions
    with pytest.raises(InputError) as caught:
        read_pool(PEOPLE, id_column="NationBuilder_ID")
    assert caught.value.params["column"] == "NationBuilder_ID"
    assert read_pool(PEOPLE, id_column="NationBuilder_ID", ignore_case=True).pool == pool


def test_personal_columns_are_left_out_of_the_pool_drawn_from_unless_kept() -> None:
    quotas = read_quotas(DATA / "features.csv", SEATS)
    read = read_pool(PEOPLE, id_column="nationbuilder_id")
    used = read.for_quotas(quotas)
    assert used.pool.dimensions == ("Gender", "age_bracket")
    assert used.text.splitlines()[0] == "id,Gender,age_bracket"
    assert pool_from_text(used.text, used.path).pool == used.pool
    assert used.lines == read.lines
    assert not any(value in used.text for value in personal_values())
    kept = read.for_quotas(quotas, keep=["primary_zip"])
    assert kept.pool.dimensions == ("primary_zip", "Gender", "age_bracket")


def test_a_pool_already_as_published_is_kept_as_read(tmp_path: Path) -> None:
    text = 'id,g\nA,"a"\nB,b\n'
    path = write(tmp_path / "pool.csv", text)
    quotas = read_quotas(write(tmp_path / "q.csv", "feature,value,min,max\ng,a,0,1\ng,b,0,1\n"), 1)
    read = read_pool(path)
    assert read.for_quotas(quotas) is read
    assert read.for_quotas(quotas, ignore_case=True) is read


def test_two_columns_equal_but_for_case_are_refused_when_case_is_ignored(tmp_path: Path) -> None:
    path = write(tmp_path / "pool.csv", "id,Gender,gender\nA,Male,male\n")
    quotas = read_quotas(DATA / "features.csv", SEATS)
    assert read_pool(path).for_quotas(quotas).pool.dimensions == ("Gender",)
    with pytest.raises(InputError) as caught:
        read_pool(path).for_quotas(quotas, ignore_case=True)
    assert caught.value.code == "pool_column_ambiguous"
    assert caught.value.params == {"column": "Gender", "found": ["Gender", "gender"]}
    with pytest.raises(InputError) as caught:
        read_pool(write(path, "ID,id\nA,B\n"), id_column="Id", ignore_case=True)
    assert caught.value.code == "pool_column_ambiguous"


# --- case-insensitive matching ------------------------------------------------------------


def test_quotas_of_values_equal_but_for_case_are_refused_when_matching_them(
    tmp_path: Path,
) -> None:
    read = read_pool(write(tmp_path / "pool.csv", "id,g\nA,male\nB,Male\n"))
    quotas = QuotaSet(1, (Quota("g", "male", 0, 1), Quota("g", "Male", 0, 1)))
    assert read.for_quotas(quotas) is read
    with pytest.raises(InputError) as caught:
        read.for_quotas(quotas, ignore_case=True)
    assert caught.value.code == "quota_duplicate"
    assert caught.value.params["first"] == "g=male"


def test_the_lower_case_people_file_matches_only_when_case_is_ignored() -> None:
    quotas = read_quotas(DATA / "features.csv", SEATS)
    lower = read_pool(PEOPLE_LOWER, id_column="nationbuilder_id")
    with pytest.raises(PoolInvalid) as caught:
        problem_of(lower.for_quotas(quotas).pool, quotas)
    assert caught.value.code == "pool_dimensions_missing"
    matched = lower.for_quotas(quotas, ignore_case=True)
    original = read_pool(PEOPLE, id_column="nationbuilder_id").for_quotas(quotas)
    assert matched.pool == original.pool
    assert matched.text == original.text


@settings(max_examples=40, deadline=None)
@given(
    flips=st.lists(st.sampled_from([str.lower, str.upper, str.swapcase, str.title]), min_size=32)
)
def test_values_differing_only_in_case_become_the_quota_spelling(
    flips: list[Callable[[str], str]],
) -> None:
    quotas = read_quotas(DATA / "features.csv", SEATS)
    read = read_pool(PEOPLE, id_column="nationbuilder_id")
    original = read.for_quotas(quotas)
    lines = read.text.splitlines()
    changed = [lines[0]]
    for i, line in enumerate(lines[1:]):
        cells = line.split(",")
        cells[-2] = flips[2 * i](cells[-2])
        cells[-1] = flips[2 * i + 1](cells[-1])
        changed.append(",".join(cells))
    respelt = "\n".join(changed) + "\n"
    matched = pool_from_text(respelt, read.path, id_column="nationbuilder_id").for_quotas(
        quotas, ignore_case=True
    )
    assert matched.pool == original.pool
    assert matched.text == original.text


# --- draws made with these settings, verified and tampered -----------------------------------


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A draw of the lower-case people file under the paper's quota layout, case ignored."""
    out = tmp_path_factory.mktemp("files") / "draw"
    code = select(
        out,
        PEOPLE_LOWER,
        DATA / "categories_panelot.csv",
        "--id-column",
        "nationbuilder_id",
        "--ignore-case",
    )
    assert code == 0
    return out


def test_a_draw_publishes_no_personal_column_and_verifies(drawn: Path) -> None:
    published = {path.name: path.read_text(encoding="utf-8") for path in drawn.iterdir()}
    assert "pool.csv" in published
    assert "result.json" in published
    for name, text in published.items():
        leaked = [value for value in personal_values() if value in text]
        assert leaked == [], name
    header, rows = csv_rows(drawn / "pool.csv", ())
    assert header == ["id", "Gender", "age_bracket"]
    assert {row["Gender"] for _, row in rows} <= {"Female", "Male", "Non-binary or other"}
    assert all(check.ok for check in verify(read_draw(drawn), seed="7"))
    assert main(["verify", str(drawn), "--seed", "7"]) == 0


def test_the_same_people_in_any_layout_and_case_give_the_same_draw(
    drawn: Path, tmp_path: Path
) -> None:
    out = tmp_path / "draw"
    assert select(out, PEOPLE, DATA / "features.csv", "--id-column", "nationbuilder_id") == 0
    for name in ("pool.csv", "distribution.csv", "probabilities.csv", "cohort.csv"):
        assert (out / name).read_bytes() == (drawn / name).read_bytes(), name
    mine = json.loads((out / "result.json").read_text(encoding="utf-8"))
    theirs = json.loads((drawn / "result.json").read_text(encoding="utf-8"))
    assert mine["panel"] == theirs["panel"]


def test_a_tampered_draw_made_with_these_settings_is_refuted(
    drawn: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "draw"
    shutil.copytree(drawn, out)
    text = (out / "pool.csv").read_text(encoding="utf-8")
    first = text.splitlines()[1]
    swapped = (
        first.replace("Female", "Male") if "Female" in first else first.replace("Male", "Female")
    )
    (out / "pool.csv").write_text(text.replace(first, swapped, 1), encoding="utf-8")
    capsys.readouterr()
    assert main(["verify", str(out), "--no-recompute"]) == 1
    printed = capsys.readouterr().out
    assert "FAILED" in printed
    assert "pool.csv" in printed


def test_the_command_line_names_the_missing_id_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert select(tmp_path / "draw", PEOPLE, DATA / "features.csv") == 2
    error = capsys.readouterr().err
    assert "[pool_id_column_missing]" in error
    assert "nationbuilder_id" in error
    assert not (tmp_path / "draw").exists()
