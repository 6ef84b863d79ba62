"""Households apart: no panel of any method, no replacement and no feasibility answer seats two
people of one household; a pool without households draws exactly as before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from attrs import evolve
from hypothesis import given, settings
from hypothesis import strategies as st

from shopperkit.cli import main
from shopperkit.errors import InputError
from shopperkit.io.draws import read_draw, write_draw
from shopperkit.model.pool import Candidate, Pool
from shopperkit.selection.drawing import (
    QuotasInfeasible,
    draw,
    replace,
    verify,
)
from shopperkit.selection.feasibility import Feasibility, Problem
from shopperkit.selection.households import household_groups, parse_households
from shopperkit.selection.lottery import METHODS
from shopperkit.selection.quotas import Quota, QuotaSet
from shopperkit.testing.strategies import pools_with_quotas


def pool_from(problem: Problem, homes: list[str] | None = None) -> Pool:
    """The pool of ``problem``, with a ``home`` column when ``homes`` is given."""
    people = sorted(
        (person, dict(zip(problem.quotas.features, profile, strict=True)))
        for profile, group in zip(problem.profiles, problem.members, strict=True)
        for person in group
    )
    if homes is None:
        return Pool(problem.quotas.features, tuple(Candidate(p, v) for p, v in people))
    return Pool(
        (*problem.quotas.features, "home"),
        tuple(
            Candidate(p, {**v, "home": home}) for (p, v), home in zip(people, homes, strict=True)
        ),
    )


def apart(cohort: tuple[str, ...], homes: dict[str, str]) -> bool:
    """Whether no two of ``cohort`` share a non-blank home (the rule, told independently)."""
    seen = [homes[person] for person in cohort if homes[person]]
    return len(seen) == len(set(seen))


@settings(max_examples=12, deadline=None)
@given(problem=pools_with_quotas(max_people=9), data=st.data())
def test_every_panel_and_replacement_keeps_households_apart(
    problem: Problem, data: st.DataObject
) -> None:
    size = sum(problem.sizes)
    homes = data.draw(
        st.lists(st.sampled_from(["", "", "h1", "h2", "h3"]), min_size=size, max_size=size)
    )
    pool = pool_from(problem, homes)
    home_of = {c.id: c.values["home"] for c in pool.candidates}
    for method in METHODS:
        infeasible: Feasibility | None = None
        try:
            drawn = draw(pool, problem.quotas, None, "s", method, households=("home",))
        except QuotasInfeasible as error:
            infeasible = error.feasibility
        if infeasible is not None:
            # The quotas alone can be met (by construction): households must be named.
            assert "households" in [b.kind for b in infeasible.conflict]
            for move in infeasible.relaxation or ():
                assert move.kind in ("min", "max")
            return
        assert sum(p for p, _ in drawn.lottery) == 1
        for _, cohort in drawn.lottery:
            assert apart(cohort, home_of), (method, cohort)
        checks = verify(drawn, recompute=method == "leximin")
        assert all(c.ok for c in checks), [c for c in checks if not c.ok]
        for person in drawn.cohort:
            try:
                replaced = replace(drawn, person)
            except InputError as error:
                code = error.code
            else:
                code = ""
            if code:
                assert code == "replacement_impossible"
                continue
            assert apart(replaced.cohort, home_of)
            skipped = replaced.replacements[-1].household_skipped
            stay = set(drawn.cohort) - {person}
            assert all(any(home_of[s] == home_of[m] for m in stay) for s in skipped)
        # Households are checked whenever some exist.
        names = [c.code for c in checks]
        assert ("verify_households_apart" in names) == bool(drawn.households)


@settings(max_examples=10, deadline=None)
@given(problem=pools_with_quotas(max_people=10), data=st.data())
def test_a_pool_without_households_draws_as_before(problem: Problem, data: st.DataObject) -> None:
    size = sum(problem.sizes)
    # Blank homes, or homes nobody shares, are no households at all.
    homes = data.draw(
        st.lists(st.sampled_from(["", "solo"]), min_size=size, max_size=size).map(
            lambda values: [f"{v}{i}" if v else "" for i, v in enumerate(values)]
        )
    )
    method = data.draw(st.sampled_from(["leximin", "legacy"]))
    # The household column is not published, so both draws publish the same pool text
    # (which also seeds legacy's draws).
    before = draw(pool_from(problem), problem.quotas, None, "s", method)
    after = draw(pool_from(problem, homes), problem.quotas, None, "s", method, households=("home",))
    assert after.published.pool == before.published.pool
    assert after.households == {}
    assert after.lottery == before.lottery
    assert after.probabilities == before.probabilities
    assert after.published.distribution == before.published.distribution
    assert after.commitment.households_sha256 is None


def two_households() -> tuple[Pool, QuotaSet]:
    """Both ``a`` people live together; a panel of 3 needs 2 of them."""
    people = [
        ("A1", "a", "x"),
        ("A2", "a", "x"),
        ("B1", "b", ""),
        ("B2", "b", "y"),
        ("B3", "b", ""),
    ]
    pool = Pool(("g", "home"), tuple(Candidate(p, {"g": g, "home": h}) for p, g, h in people))
    quotas = QuotaSet(3, (Quota("g", "a", 2, 3), Quota("g", "b", 0, 3)))
    return pool, quotas


def test_infeasibility_caused_by_households_is_explained(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pool, quotas = two_households()
    assert draw(pool, quotas, None, "s").lottery  # the quotas alone can be met
    with pytest.raises(QuotasInfeasible) as caught:
        draw(pool, quotas, None, "s", households=("home",))
    feasibility = caught.value.feasibility
    assert sorted((b.feature, b.kind, b.seats) for b in feasibility.conflict) == [
        ("g", "min", 2),
        ("households", "households", 1),
    ]
    assert "households apart" in str(caught.value.params["conflict"])
    # Households cannot move: the fix lowers the minimum of a to the one seat it can have.
    assert feasibility.relaxation is not None
    assert [(m.value, m.kind, m.to) for m in feasibility.relaxation] == [("a", "min", 1)]
    (tmp_path / "pool.csv").write_text(
        "id,g,home\n"
        + "".join(f"{c.id},{c.values['g']},{c.values['home']}\n" for c in pool.candidates)
    )
    (tmp_path / "quotas.csv").write_text("feature,value,min,max\ng,a,2,3\ng,b,0,3\n")
    args = ["select", str(tmp_path / "pool.csv"), "--quotas", str(tmp_path / "quotas.csv")]
    args += ["--seats", "3", "--household-column", "home", "--out", str(tmp_path / "out")]
    assert main(args) == 1
    said = capsys.readouterr().err
    assert "households apart: at most one seat per household (1 households" in said
    assert "g=a: lower the minimum from 2 to 1" in said
    saved = json.loads((tmp_path / "out" / "feasibility.json").read_text())
    assert {
        "feature": "households",
        "value": "apart",
        "kind": "households",
        "seats": 1,
        "pool": 1,
    } in saved["conflict"]


def test_households_join_over_columns_and_ignore_blanks() -> None:
    rows = [
        ("a", "1", ""),
        ("b", "1", "f"),
        ("c", "2", "f"),
        ("d", " ", ""),
        ("e", "", " "),
        ("g", "3", ""),
    ]
    pool = Pool(
        ("addr", "family"), tuple(Candidate(p, {"addr": a, "family": f}) for p, a, f in rows)
    )
    assert household_groups(pool, ("addr", "family")) == {"a": 1, "b": 1, "c": 1}
    assert household_groups(pool, ("family",)) == {"b": 1, "c": 1}
    assert household_groups(pool, ()) == {}
    with pytest.raises(InputError) as caught:
        household_groups(pool, ("address",))
    assert caught.value.code == "household_column_unknown"


@pytest.mark.parametrize(
    "text", ["id,household\nA,0\n", "id,household\nA,x\n", "id,household\nA,1\nA,2\n", "id\nA\n"]
)
def test_a_malformed_households_file_is_refused(text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_households(text)
    assert caught.value.code in ("households_malformed", "csv_missing_columns")


def test_replacement_skips_a_housemate_and_verify_checks_households(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    people = [(f"P{i}", f"h{i % 3}") for i in range(6)]
    pool = Pool(("g", "home"), tuple(Candidate(p, {"g": "x", "home": h}) for p, h in people))
    quotas = QuotaSet(2, (Quota("g", "x", 0, 2),))
    drawn = draw(pool, quotas, None, "seed", households=("home",))
    home = dict(people)
    stay, gone = drawn.cohort
    assert home[stay] != home[gone]
    replaced = replace(drawn, gone)
    last = replaced.replacements[-1]
    assert home[last.replacement] not in (home[stay],)
    passed = [p for p in drawn.waitlist[: last.waitlist_position] if p != gone]
    assert list(last.household_skipped) == [p for p in passed if home[p] == home[stay]]
    out = tmp_path / "draw"
    write_draw(out, replaced)
    assert (out / "households.csv").read_text().startswith("id,household\n")
    assert "h0" not in (out / "households.csv").read_text()
    assert main(["verify", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "ok     no panel in the distribution, and not the cohort, seats two people" in printed
    # Merging two households in the published file is caught by its hash.
    text = (out / "households.csv").read_text()
    (out / "households.csv").write_text(text.replace(",3\n", ",1\n"))
    assert main(["verify", str(out), "--no-recompute"]) == 1
    assert "FAILED households.csv is the file the draw used" in capsys.readouterr().out
    # A cohort seating two of one household fails the rule itself.
    again = read_draw(out)
    together = evolve(again, households={stay: 1, last.replacement: 1})
    failed = [c for c in verify(together, recompute=False) if not c.ok]
    assert "verify_households_apart" in [c.code for c in failed]


def test_an_unknown_household_column_is_a_coded_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pool.csv").write_text("id,g\nA,x\nB,x\n")
    (tmp_path / "quotas.csv").write_text("feature,value,min,max\ng,x,0,1\n")
    args = ["select", str(tmp_path / "pool.csv"), "--quotas", str(tmp_path / "quotas.csv")]
    args += ["--seats", "1", "--household-column", "address", "--out", str(tmp_path / "out")]
    assert main(args) != 0
    assert "household_column_unknown" in capsys.readouterr().err


def test_household_values_are_not_published(tmp_path: Path) -> None:
    pool, _ = two_households()
    relaxed = QuotaSet(3, (Quota("g", "a", 1, 3), Quota("g", "b", 0, 3)))
    drawn = draw(pool, relaxed, None, "s", households=("home",))
    assert drawn.pool.dimensions == ("g",)
    out = tmp_path / "draw"
    write_draw(out, drawn)
    published = "".join(path.read_text() for path in sorted(out.iterdir()))
    assert ",x" not in published
    assert ",y" not in published
    assert (out / "households.csv").read_text() == "id,household\nA1,1\nA2,1\n"
    assert all(c.ok for c in verify(read_draw(out)))


def test_a_community_file_drawn_with_households_and_a_uniform_lottery(tmp_path: Path) -> None:
    """The settings work together: the peer's layout (``nationbuilder_id``, personal
    columns), an address as household, a uniform lottery picked in public, then verify."""
    data = Path(__file__).parent / "data" / "sortition"
    lines = (data / "candidates.csv").read_text(encoding="utf-8").splitlines()
    shared = {
        "p0": "1 Shared Road",
        "p1": "1 Shared Road",
        "p2": "2 Shared Road",
        "p3": "2 Shared Road",
    }
    rows = [lines[0]]
    for line in lines[1:]:
        cells = line.split(",")
        cells[5] = shared.get(cells[0], cells[5])
        rows.append(",".join(cells))
    pool = tmp_path / "people.csv"
    pool.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "draw"
    asked = [str(pool), "--quotas", str(data / "features.csv"), "--seats", "6"]
    asked += ["--id-column", "nationbuilder_id", "--household-column", "primary_address1"]
    assert main(["select", *asked, "--panels", "10", "--pick", "3", "--out", str(out)]) == 0
    assert main(["verify", str(out)]) == 0
    panels = (out / "uniform.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert len(panels) == 10
    for panel in panels:
        members = set(panel.split(",", 1)[1].strip('"').split())
        assert not {"p0", "p1"} <= members
        assert not {"p2", "p3"} <= members
    published = "".join(p.read_text(encoding="utf-8") for p in out.glob("*.csv"))
    assert "Shared Road" not in published
    assert "example.org" not in published
