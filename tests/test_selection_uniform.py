"""Uniform lotteries: a fair lottery rounded to M panels of chance 1/M, picked in public."""

from __future__ import annotations

import csv
import io
import json
import math
import shutil
from collections import Counter
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopperkit.cli import main
from shopperkit.errors import InputError
from shopperkit.i18n.tools import read_catalogue
from shopperkit.io.draws import read_draw
from shopperkit.selection.audit import sha256_text
from shopperkit.selection.drawing import verify
from shopperkit.selection.uniform import (
    assign,
    bound,
    pick_panel,
    pick_rule,
    round_lottery,
)

LANGUAGES = ("en", "ar", "ur", "hi", "es", "zh", "fr", "ru")
CODES = (
    "uniform_panels_invalid",
    "uniform_pick_invalid",
    "uniform_rounding_failed",
    "uniform_missing",
    "uniform_mismatch",
    "uniform_malformed",
    "verify_uniform_hash",
    "verify_uniform_panels",
    "verify_uniform_probabilities",
    "verify_uniform_loss",
    "verify_uniform_rounding",
    "verify_pick_draws_panel",
)


@st.composite
def lotteries(draw: st.DrawFn) -> tuple[list[tuple[int, ...]], list[int], list[int], int]:
    """Profile sizes, distinct panels of ``seats`` seats over them, integer weights, M."""
    sizes = draw(st.lists(st.integers(1, 5), min_size=2, max_size=6))
    seats = draw(st.integers(1, sum(sizes)))
    count = draw(st.integers(1, 8))
    panels: set[tuple[int, ...]] = set()
    for _ in range(count):
        left = seats
        panel = []
        order = draw(st.permutations(range(len(sizes))))
        counts = dict.fromkeys(range(len(sizes)), 0)
        for t in order:
            low = max(0, left - sum(sizes[u] for u in order[order.index(t) + 1 :]))
            c = draw(st.integers(low, min(sizes[t], left)))
            counts[t] = c
            left -= c
        panel = [counts[t] for t in range(len(sizes))]
        panels.add(tuple(panel))
    ordered = sorted(panels)
    weights = draw(st.lists(st.integers(1, 10**6), min_size=len(ordered), max_size=len(ordered)))
    m = draw(st.integers(1, 60))
    return ordered, weights, sizes, m


@settings(max_examples=40, deadline=None)
@given(lotteries())
def test_the_rounding_gives_m_valid_panels_within_the_bound(
    case: tuple[list[tuple[int, ...]], list[int], list[int], int],
) -> None:
    panels, weights, sizes, m = case
    total = sum(weights)
    counts = round_lottery(panels, weights, sizes, m)
    assert sum(counts) == m
    for n, w in zip(counts, weights, strict=True):
        assert math.floor(Fraction(m * w, total)) <= n <= math.ceil(Fraction(m * w, total))
    groups = [[f"t{t}p{i}" for i in range(size)] for t, size in enumerate(sizes)]
    cohorts = assign(panels, counts, groups)
    assert len(cohorts) == m
    of = {person: t for t, group in enumerate(groups) for person in group}
    expected = Counter(panel for panel, n in zip(panels, counts, strict=True) for _ in range(n))
    found: Counter[tuple[int, ...]] = Counter()
    for cohort in cohorts:
        assert len(set(cohort)) == len(cohort)
        profile = [0] * len(sizes)
        for person in cohort:
            profile[of[person]] += 1
        found[tuple(profile)] += 1
    assert found == expected
    limit = bound(panels, sizes, m)
    seats = Counter(person for cohort in cohorts for person in cohort)
    for t, group in enumerate(groups):
        fair = sum(
            (Fraction(w, total) * panel[t] for panel, w in zip(panels, weights, strict=True)),
            Fraction(0),
        ) / len(group)
        for person in group:
            assert abs(Fraction(seats[person], m) - fair) < limit


def test_a_public_pick_names_one_panel() -> None:
    assert pick_panel(1000, 0) == 1000
    assert pick_panel(1000, 417) == 417
    assert pick_panel(1000, 1000) == 1000
    assert pick_panel(7, 7) == 7
    for m, pick in ((1000, 1001), (1000, -1), (7, 0), (7, 8)):
        with pytest.raises(InputError) as error:
            pick_panel(m, pick)
        assert error.value.code == "uniform_pick_invalid"
    assert "3 ten-sided dice" in pick_rule(1000)
    assert "numbered balls" in pick_rule(7)
    with pytest.raises(InputError) as error:
        round_lottery([(1,)], [1], [1], 0)
    assert error.value.code == "uniform_panels_invalid"


def test_every_new_code_exists_in_every_language() -> None:
    directory = Path(__file__).parent.parent / "src/shopperkit/locale"
    for language in LANGUAGES:
        catalogue = read_catalogue(directory, "selection", language)
        assert catalogue is not None
        for code in CODES:
            message = catalogue.get(code)
            assert message is not None, (language, code)
            assert message.string, (language, code)


POOL = "id,citizen,gender\n" + "".join(
    f"P{i:02d},{'citizen' if i % 3 == 0 else 'resident'},{'female' if i % 2 else 'male'}\n"
    for i in range(24)
)
QUOTAS = (
    "feature,value,min,max\n"
    "citizen,citizen,3,5\ncitizen,resident,0,2\ngender,female,2,3\ngender,male,2,3\n"
)
PICK = "417"


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A uniform lottery of 1,000 panels published, then revealed by the pick 417."""
    folder = tmp_path_factory.mktemp("uniform")
    (folder / "pool.csv").write_text(POOL, encoding="utf-8")
    (folder / "quotas.csv").write_text(QUOTAS, encoding="utf-8")
    out = folder / "draw"
    common = [str(folder / "pool.csv"), "--quotas", str(folder / "quotas.csv"), "--seats", "5"]
    assert main(["select", *common, "--panels", "1000", "--out", str(out)]) == 0
    assert (out / "uniform.csv").exists()
    assert not (out / "result.json").exists()
    first = (out / "uniform.csv").read_bytes()
    assert main(["select", *common, "--panels", "1000", "--pick", PICK, "--out", str(out)]) == 0
    assert (out / "uniform.csv").read_bytes() == first
    return out


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_select_panels_publishes_m_panels_and_verify_confirms_the_pick(
    published: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    panels = _rows((published / "uniform.csv").read_text(encoding="utf-8"))
    assert [row["panel_number"] for row in panels] == [str(n) for n in range(1, 1001)]
    cohort = [row["id"] for row in _rows((published / "cohort.csv").read_text(encoding="utf-8"))]
    assert sorted(panels[416]["member_ids"].split(" ")) == cohort
    chances = _rows((published / "uniform_probabilities.csv").read_text(encoding="utf-8"))
    assert len(chances) == 24
    seats = Counter(person for row in panels for person in row["member_ids"].split(" "))
    for row in chances:
        numerator, denominator = row["uniform"].split("/")
        assert denominator == "1000"
        assert int(numerator) == seats[row["id"]]
    assert sum(Fraction(row["uniform"]) for row in chances) == 5
    assert sum(Fraction(row["fair"]) for row in chances) == 5
    summary = json.loads((published / "uniform.json").read_text(encoding="utf-8"))
    fair_min = min(Fraction(row["fair"]) for row in chances)
    uniform_min = min(Fraction(row["uniform"]) for row in chances)
    assert Fraction(summary["loss"]) == fair_min - uniform_min
    assert summary["uniform_sha256"] == sha256_text(
        (published / "uniform.csv").read_text(encoding="utf-8")
    )
    result = json.loads((published / "result.json").read_text(encoding="utf-8"))
    assert result["audit"]["draw_rule"] == "shopperkit-uniform/1"
    assert result["audit"]["seed"] == PICK
    assert result["audit"]["panel_index"] == 416
    capsys.readouterr()
    assert main(["verify", str(published), "--explain"]) == 0
    printed = capsys.readouterr().out
    assert "draw confirmed" in printed
    assert "names panel 417" in printed


def _write_panels(out: Path, change: Callable[[list[dict[str, str]]], None]) -> None:
    """Change ``uniform.csv``'s rows and record the new file's SHA-256 wherever it is kept,
    so only the checks of its content can refute it."""
    rows = _rows((out / "uniform.csv").read_text(encoding="utf-8"))
    change(rows)
    text = "panel_number,member_ids\n" + "".join(
        f"{row['panel_number']},{row['member_ids']}\n" for row in rows
    )
    (out / "uniform.csv").write_text(text, encoding="utf-8")
    digest = sha256_text((out / "uniform.csv").read_text(encoding="utf-8"))
    summary = json.loads((out / "uniform.json").read_text(encoding="utf-8"))
    summary["uniform_sha256"] = digest
    (out / "uniform.json").write_text(json.dumps(summary), encoding="utf-8")
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    result["audit"]["uniform_sha256"] = digest
    (out / "result.json").write_text(json.dumps(result), encoding="utf-8")


def _duplicate_a_rare_panel(rows: list[dict[str, str]]) -> None:
    """Give the least repeated panel the place of a copy of the most repeated one."""
    counts = Counter(row["member_ids"] for row in rows)
    rare = min(counts, key=lambda m: (counts[m], m))
    common = max(counts, key=lambda m: (counts[m], m))
    spot = next(row for row in rows if row["member_ids"] == common and row is not rows[416])
    spot["member_ids"] = rare
    for _ in range(12):
        spot = next(row for row in rows if row["member_ids"] == common and row is not rows[416])
        spot["member_ids"] = rare


def _edit_json(name: str, key: str, value: object) -> Callable[[Path], None]:
    def change(out: Path) -> None:
        data = json.loads((out / name).read_text(encoding="utf-8"))
        if name == "result.json":
            data["audit"][key] = value
        else:
            data[key] = value
        (out / name).write_text(json.dumps(data), encoding="utf-8")

    return change


def _edit_chance(out: Path) -> None:
    path = out / "uniform_probabilities.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    person, fair, uniform = lines[1].split(",")
    numerator = int(uniform.split("/")[0])
    lines[1] = f"{person},{fair},{numerator + 1}/1000"
    path.write_text("\n".join(lines), encoding="utf-8")


def _an_invalid_panel(rows: list[dict[str, str]]) -> None:
    # Five citizens of one gender break the gender quotas.
    rows[0]["member_ids"] = "P00 P06 P12 P18 P03"


def _change_a_member(out: Path) -> None:
    path = out / "uniform.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("P0", "P1", 1), encoding="utf-8")


def _drop_the_last(rows: list[dict[str, str]]) -> None:
    rows.pop()


TAMPERS: dict[str, tuple[Callable[[Path], None], str]] = {
    "a member changed": (_change_a_member, "verify_uniform_hash"),
    "a panel repeated in place of another": (
        lambda out: _write_panels(out, _duplicate_a_rare_panel),
        "verify_uniform_rounding",
    ),
    "a panel breaking the quotas": (
        lambda out: _write_panels(out, _an_invalid_panel),
        "verify_uniform_panels",
    ),
    "a panel dropped": (
        lambda out: _write_panels(out, _drop_the_last),
        "verify_uniform_panels",
    ),
    "a uniform chance raised": (_edit_chance, "verify_uniform_probabilities"),
    "the loss changed": (_edit_json("uniform.json", "loss", "1/3"), "verify_uniform_loss"),
    "the bound widened": (_edit_json("uniform.json", "bound", "1"), "verify_uniform_loss"),
    "the pick changed": (_edit_json("result.json", "seed", "418"), "verify_pick_draws_panel"),
    "the pick out of range": (
        _edit_json("result.json", "seed", "1001"),
        "verify_pick_draws_panel",
    ),
}


@pytest.mark.parametrize("tamper", sorted(TAMPERS))
def test_a_tampered_uniform_lottery_is_refuted_with_its_code(
    published: Path, tmp_path: Path, tamper: str
) -> None:
    out = tmp_path / "draw"
    shutil.copytree(published, out)
    change, code = TAMPERS[tamper]
    change(out)
    failed = {check.code for check in verify(read_draw(out), recompute=False) if not check.ok}
    assert code in failed, (tamper, failed)
