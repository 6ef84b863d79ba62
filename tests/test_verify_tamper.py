"""``verify`` refutes any change to a published draw, naming the file; ids are data."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopperkit.cli import main
from shopperkit.errors import InputError
from shopperkit.io.draws import read_draw, write_draw
from shopperkit.io.files import csv_rows
from shopperkit.model.pool import Candidate, Pool
from shopperkit.selection.audit import (
    distribution_text,
    member_list,
    parse_distribution,
    parse_member_list,
)
from shopperkit.selection.drawing import Check, first_difference, replace, reveal, verify
from shopperkit.selection.drawing import draw as draw_cohort
from shopperkit.selection.quotas import Quota, QuotaSet

SEED = "2026-12-03 public draw 11 22 33"
QUOTAS = QuotaSet(
    5,
    (
        Quota("citizen", "citizen", 3, 5),
        Quota("citizen", "resident", 0, 2),
        Quota("gender", "female", 2, 3),
        Quota("gender", "male", 2, 3),
    ),
)


def pool_with_ids(ids: list[str]) -> Pool:
    """A pool of ``ids`` (at least 12), a third citizens, half women."""
    return Pool(
        ("citizen", "gender"),
        tuple(
            Candidate(
                person,
                {
                    "citizen": "citizen" if i % 3 == 0 else "resident",
                    "gender": "female" if i % 2 else "male",
                },
            )
            for i, person in enumerate(ids)
        ),
    )


@pytest.fixture(scope="module")
def published() -> Iterator[Path]:
    """A draw committed before its seed, revealed, one member replaced: its files."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        pool = pool_with_ids([f"P{i:02d}" for i in range(30)])
        lottery = draw_cohort(pool, QUOTAS, None, None)
        write_draw(out, lottery)
        revealed = reveal(lottery, SEED, commitment=lottery.commitment)
        after = replace(revealed, revealed.cohort[0], reason="moved abroad")
        write_draw(out, after)
        assert sorted(p.name for p in out.iterdir()) == [
            "cohort.csv",
            "commitment.json",
            "distribution.csv",
            "feasibility.json",
            "pool.csv",
            "probabilities.csv",
            "quotas.csv",
            "result.json",
        ]
        yield out


def refusals(out: Path, *, recompute: bool = False) -> list[tuple[str, str]]:
    """``(file, difference)`` of every failed check, or of the read error."""
    try:
        checks = verify(read_draw(out), recompute=recompute, seed=SEED)
    except InputError as error:
        return [(error.where or "", error.code)]
    return [(check.file, check.difference) for check in checks if not check.ok]


def test_the_untouched_draw_is_confirmed(published: Path) -> None:
    checks = verify(read_draw(published), seed=SEED)
    assert [check for check in checks if not check.ok] == []
    assert {check.file for check in checks} >= {
        "pool.csv",
        "quotas.csv",
        "distribution.csv",
        "probabilities.csv",
        "cohort.csv",
        "result.json",
        "commitment.json",
        "feasibility.json",
    }


CSV_FILES = ("pool.csv", "quotas.csv", "distribution.csv", "probabilities.csv", "cohort.csv")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=st.sampled_from(CSV_FILES), where=st.floats(0, 1, exclude_max=True), data=st.data())
def test_a_changed_byte_of_a_published_file_is_refuted_naming_it(
    published: Path, name: str, where: float, data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "draw"
        shutil.copytree(published, out)
        content = bytearray((out / name).read_bytes())
        position = int(where * len(content))
        content[position] = data.draw(
            st.integers(0, 255).filter(lambda b: b != content[position]), label="byte"
        )
        (out / name).write_bytes(bytes(content))
        found = refusals(out)
    assert found, f"a changed byte at {position} of {name} was confirmed"
    assert any(name in file for file, _ in found), found


def _swap_in_stranger(members: list[str], result: dict[str, Any]) -> list[str]:
    return sorted([result["waitlist"][-1], *members[1:]])


HASH_FIELDS = (
    "pool_sha256",
    "quotas_sha256",
    "distribution_sha256",
    "probabilities_sha256",
    "committed_sha256",
)


def _audit_hash(field: str) -> Callable[[dict[str, Any]], None]:
    def change(result: dict[str, Any]) -> None:
        result["audit"][field] = "0" * 64

    return change


MUTATIONS: dict[str, Callable[[dict[str, Any]], None]] = {
    "panel member": lambda r: r.update(panel=_swap_in_stranger(r["panel"], r)),
    "cohort member": lambda r: r.update(cohort=_swap_in_stranger(r["cohort"], r)),
    "waitlist swapped": lambda r: r.update(
        waitlist=[r["waitlist"][1], r["waitlist"][0], *r["waitlist"][2:]]
    ),
    "waitlist favourite first": lambda r: r.update(
        waitlist=[r["waitlist"][-1], *r["waitlist"][:-1]]
    ),
    "waitlist shortened": lambda r: r.update(waitlist=r["waitlist"][:-1]),
    "quota count": lambda r: r["quotas"][0].update(selected=r["quotas"][0]["selected"] - 1),
    "quota pool size": lambda r: r["quotas"][1].update(pool=r["quotas"][1]["pool"] + 1),
    "replacement person": lambda r: r["replacements"][0].update(replacement=r["waitlist"][-1]),
    "replacement position": lambda r: r["replacements"][0].update(
        waitlist_position=r["replacements"][0]["waitlist_position"] + 1
    ),
    "replacement dropped": lambda r: r.update(replacements=[]),
    "seed": lambda r: r["audit"].update(seed="another seed"),
    "panel index": lambda r: r["audit"].update(panel_index=r["audit"]["panel_index"] + 1),
    "seats": lambda r: r["audit"].update(seats=6),
    "method": lambda r: r["audit"].update(method="nash"),
    "draw rule": lambda r: r["audit"].update(draw_rule="shopperkit-draw/2"),
    **{f"audit {field}": _audit_hash(field) for field in HASH_FIELDS},
}


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_a_changed_field_of_result_json_is_refuted_naming_it(
    published: Path, tmp_path: Path, mutation: str
) -> None:
    out = tmp_path / "draw"
    shutil.copytree(published, out)
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    MUTATIONS[mutation](result)
    (out / "result.json").write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    found = refusals(out)
    assert found, f"{mutation} was confirmed"
    assert any("result.json" in file for file, _ in found), found


def test_a_changed_commitment_is_refuted_naming_it(published: Path, tmp_path: Path) -> None:
    out = tmp_path / "draw"
    shutil.copytree(published, out)
    commitment = json.loads((out / "commitment.json").read_text(encoding="utf-8"))
    commitment["probabilities_sha256"] = "f" * 64
    (out / "commitment.json").write_text(json.dumps(commitment), encoding="utf-8")
    assert [file for file, _ in refusals(out)] == ["commitment.json"]


def test_a_consistent_forgery_is_caught_by_recomputing(published: Path, tmp_path: Path) -> None:
    """A distribution rewritten with its hash updated everywhere still fails the recompute."""
    out = tmp_path / "draw"
    shutil.copytree(published, out)
    (out / "commitment.json").unlink()
    rows = parse_distribution((out / "distribution.csv").read_text(encoding="utf-8"))
    from fractions import Fraction

    from shopperkit.selection.audit import sha256_text

    forged = distribution_text([(Fraction(p), members) for p, members in reversed(rows)])
    (out / "distribution.csv").write_text(forged, encoding="utf-8")
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    result["audit"]["distribution_sha256"] = sha256_text(forged)
    result["audit"]["committed_sha256"] = None
    (out / "result.json").write_text(json.dumps(result), encoding="utf-8")
    assert (
        "distribution.csv",
        first_difference((published / "distribution.csv").read_text(encoding="utf-8"), forged),
    ) in refusals(out, recompute=True)


def test_the_cli_names_the_file_and_the_first_difference(
    published: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "draw"
    shutil.copytree(published, out)
    lines = (out / "cohort.csv").read_text(encoding="utf-8").split("\n")
    original = lines[2]
    lines[2] = "P99"
    (out / "cohort.csv").write_text("\n".join(lines), encoding="utf-8")
    assert main(["verify", str(out), "--no-recompute"]) == 1
    printed = capsys.readouterr().out
    assert (
        f"FAILED the published cohort file lists the cohort (cohort.csv: line 3: "
        f"expected '{original}', found 'P99')" in printed
    )
    assert printed.strip().endswith("draw REFUTED")
    assert main(["verify", str(published), "--no-recompute", "--seed", "not the seed"]) == 1
    assert "result.json: expected 'not the seed'" in capsys.readouterr().out


def test_explain_tells_what_was_checked_and_how(
    published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", str(published), "--explain"]) == 0
    printed = capsys.readouterr().out
    for name in ("pool.csv", "distribution.csv", "probabilities.csv", "cohort.csv", "result.json"):
        assert name in printed
    assert SEED in printed
    assert "sha256sum" in printed
    assert "computed again" in printed
    assert printed.strip().endswith("draw confirmed")


def test_first_difference_names_the_line() -> None:
    assert first_difference("id\nA\nB\n", "id\nA\nB\n") == ""
    assert first_difference("id\nA\nB\n", "id\nA\nC\n") == "line 3: expected 'B', found 'C'"
    assert first_difference("id\nA\n", "id\n") == "line 2: expected 'A', found the end of the file"
    assert first_difference("id\n", "id\nX\n") == "line 2: expected the end of the file, found 'X'"
    assert (
        first_difference("id\nA\n", "id\nA")
        == "line 2: the line break at the end of the file differs"
    )
    assert first_difference("id\nA\n", "id\r\nA\n") == "line 1: expected 'id', found 'id\\r'"


# --- ids are data ---------------------------------------------------------------------------


def test_plain_ids_keep_the_space_separated_member_list() -> None:
    assert member_list(["P01", "P02", "علي"]) == "P01 P02 علي"
    assert member_list(["a b", 'say "hi"', "c,d"]) == '"a b" "say ""hi""" c,d'
    assert parse_member_list('"a b" "say ""hi""" c,d') == ("a b", 'say "hi"', "c,d")
    # Any whitespace by Python's rule, at either end or alone, reads back as it was.
    for space in (" ", "\t", "\r", "\x1c", "\x85", "\u00a0", "\u2028", "\u3000"):
        for person in (f"{space}a", f"a{space}", space):
            assert parse_member_list(member_list([person, "b"])) == (person, "b")
    for person in ("a\nb", "a\r", "\n"):  # a line break is quoted, as documented
        assert member_list([person, "b"]) == f'"{person}" b'


@given(st.lists(st.text(min_size=1), max_size=6))
def test_any_member_list_reads_back(ids: list[str]) -> None:
    assert parse_member_list(member_list(ids)) == tuple(ids)


ID_TEXT = st.text(
    alphabet=st.sampled_from(list("Pab019 ,;'\"\n-_.") + list("عليمحمد") + ["\u00a0", "\t"]),
    min_size=1,
    max_size=8,
).filter(lambda person: person == person.strip())


@settings(max_examples=25, deadline=None)
@given(ids=st.lists(ID_TEXT, min_size=12, max_size=14, unique=True), seed=st.text(max_size=5))
def test_ids_survive_every_output_and_every_re_read(ids: list[str], seed: str) -> None:
    pool = pool_with_ids(ids)
    drawn = draw_cohort(pool, QUOTAS, None, seed or "0")
    try:
        drawn = replace(drawn, drawn.cohort[0])
    except InputError as error:
        if error.code != "replacement_impossible":
            raise
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        write_draw(out, drawn)
        back = read_draw(out)
        assert [check for check in verify(back, recompute=False) if not check.ok] == []
        assert back.result == drawn.result
        assert back.published == drawn.published
        assert [c.id for c in back.pool.candidates] == ids
        _, rows = csv_rows(out / "cohort.csv", ("id",))
        assert tuple(row["id"] for _, row in rows) == drawn.cohort
        _, rows = csv_rows(out / "probabilities.csv", ("id",))
        assert sorted(row["id"] for _, row in rows) == sorted(ids)
        listed = {
            person
            for _, members in parse_distribution(
                (out / "distribution.csv").read_text(encoding="utf-8")
            )
            for person in members
        }
        assert listed <= set(ids)
        assert set(drawn.panel.members if drawn.panel else ()) <= listed
        result = json.loads((out / "result.json").read_text(encoding="utf-8"))
        assert set(result["waitlist"]) | set(result["panel"]) <= set(ids)
        assert tuple(result["cohort"]) == drawn.cohort


def test_ids_with_spaces_draw_through_the_command_line(tmp_path: Path) -> None:
    ids = [f"shopper {i}" if i % 2 else f'"{i}", علي' for i in range(30)]
    pool = pool_with_ids(ids)
    from shopperkit.io.pool import write_pool

    write_pool(tmp_path / "pool.csv", pool)
    (tmp_path / "quotas.csv").write_text(QUOTAS.csv(), encoding="utf-8")
    out = tmp_path / "draw"
    code = main(
        [
            "select",
            str(tmp_path / "pool.csv"),
            "--quotas",
            str(tmp_path / "quotas.csv"),
            "--seats",
            "5",
            "--seed",
            "1",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    assert main(["verify", str(out)]) == 0
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert set(result["cohort"]) <= set(ids)


def test_checks_are_data() -> None:
    check = Check("x", False, "cohort.csv", "line 2: expected 'A', found 'B'")
    assert (check.file, check.difference) == ("cohort.csv", "line 2: expected 'A', found 'B'")


def test_every_check_has_a_code_with_english_and_arabic_text(published: Path) -> None:
    from shopperkit.messages import builtin_messages

    catalogue = builtin_messages()
    checks = verify(read_draw(published), seed=SEED)
    assert len({check.code for check in checks}) == len(checks)
    for check in checks:
        assert check.code.startswith("verify_")
        assert catalogue[check.code]["en"] == check.name
        assert catalogue[check.code]["ar"]


def test_replacing_from_a_waitlist_naming_a_stranger_is_a_coded_error(
    published: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "draw"
    shutil.copytree(published, out)
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    result["waitlist"][0] = "nobody"
    (out / "result.json").write_text(json.dumps(result), encoding="utf-8")
    assert main(["replace", str(out), "--withdraw", result["cohort"][0]]) == 2
    assert "'nobody' of the draw's cohort or waitlist is not in its pool" in capsys.readouterr().err
    assert ("result.json", "'nobody' is not in pool.csv") in refusals(out)
