"""Per-dimension diversity quotas a programme states: caps, floors and their fallbacks."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from attrs import evolve
from hypothesis import given
from hypothesis import strategies as st

from shopperkit.errors import InputError, ProgrammeError
from shopperkit.model.programme import Programme
from shopperkit.programmes import load_programme
from shopperkit.selection.quotas import Quota, quotas_from_programme
from tests.helpers import with_parameter

DIMENSIONS = ("residency", "nationality", "age_group", "profession")
NEW = ("dimension_max_share", "dimension_min_seats")


def plain(qatar: Programme, seats: int = 50, cap: float | None = 0.6) -> Programme:
    """Qatar's programme with neither per-dimension parameter (and ``value_max_share`` = cap)."""
    kept = {
        name: p for name, p in qatar.parameters.items() if name not in (*NEW, "value_max_share")
    }
    programme = evolve(qatar, parameters=kept)
    programme = with_parameter(programme, "seats", seats, "seats")
    programme = with_parameter(programme, "diversity_dimensions", DIMENSIONS)
    if cap is not None:
        programme = with_parameter(programme, "value_max_share", cap, "share")
    return programme


def diverse(qatar: Programme, caps: dict[str, Any], floors: dict[str, Any]) -> Programme:
    programme = with_parameter(plain(qatar), "dimension_max_share", caps, "share")
    return with_parameter(programme, "dimension_min_seats", floors, "seats")


POOL = {
    "residency": ["citizen"] * 30 + ["resident"] * 11,
    "nationality": ["Qatari"] * 30 + ["Indian"] * 10 + ["British"],
    "age_group": ["18-24"] * 3 + ["25-34"] * 38,
    "profession": ["nurse"] * 20 + ["teacher"] * 21,
}


def test_caps_and_floors_by_hand(qatar: Programme) -> None:
    programme = diverse(
        qatar, {"age_group": 0.3, "profession": 0.15}, {"age_group": 4, "nationality": 2}
    )
    quotas = quotas_from_programme(programme, POOL)
    assert quotas.seats == 50
    assert set(quotas.quotas) == {
        # citizen_share 0.5 of 50 = 25 citizens at least, as before
        Quota("residency", "citizen", 25, 50),
        Quota("residency", "resident", 0, 50),
        # nationality is not in dimension_max_share: value_max_share 0.6 of 50 = 30;
        # floor 2, but only 1 British candidate: the floor is the pool count, 1
        Quota("nationality", "British", 1, 30),
        Quota("nationality", "Indian", 2, 30),
        Quota("nationality", "Qatari", 2, 30),
        # 0.3 of 50 = 15; floor 4, but only 3 aged 18-24
        Quota("age_group", "18-24", 3, 15),
        Quota("age_group", "25-34", 4, 15),
        # 0.15 of 50 = 7.5, rounded down to 7; no floor
        Quota("profession", "nurse", 0, 7),
        Quota("profession", "teacher", 0, 7),
    }


def test_a_dimension_not_capped_anywhere_is_not_capped(qatar: Programme) -> None:
    programme = with_parameter(
        plain(qatar, cap=None), "dimension_max_share", {"profession": 0.5}, "share"
    )
    quotas = {q.key: q for q in quotas_from_programme(programme, POOL).quotas}
    assert quotas["profession=nurse"] == Quota("profession", "nurse", 0, 25)
    assert quotas["nationality=Qatari"] == Quota("nationality", "Qatari", 0, 50)


@given(
    counts=st.dictionaries(
        st.sampled_from(["a", "b", "c", "d"]), st.integers(1, 30), min_size=1, max_size=4
    ),
    floor=st.integers(0, 12),
    seats=st.integers(12, 80),
)
def test_floors_are_capped_at_the_pool_count(
    qatar: Programme, counts: dict[str, int], floor: int, seats: int
) -> None:
    programme = with_parameter(
        diverse(qatar, {"profession": 1.0}, {"profession": floor}), "seats", seats, "seats"
    )
    column = [value for value, count in counts.items() for _ in range(count)]
    quotas = quotas_from_programme(programme, {"profession": column}).quotas
    assert {q.value: q.min for q in quotas} == {
        value: min(floor, count) for value, count in counts.items()
    }


@given(
    seats=st.integers(1, 120),
    cap=st.none() | st.sampled_from([0.0, 0.25, 0.5, 0.6, 1.0]),
    columns=st.fixed_dictionaries(
        {
            d: st.lists(st.sampled_from(["x", "y", "citizen", "resident"]), max_size=8)
            for d in DIMENSIONS
        }
    ),
)
def test_without_the_new_parameters_quotas_are_as_before(
    qatar: Programme, seats: int, cap: float | None, columns: dict[str, list[str]]
) -> None:
    programme = plain(qatar, seats, cap)
    citizens = -(-seats // 2)  # citizen_share 0.5, rounded up
    most = seats if cap is None else int(Fraction(str(cap)) * seats)  # rounded down
    expected = [
        Quota(d, v, citizens if v == "citizen" else 0, seats)
        if d == "residency"
        else Quota(d, v, 0, most)
        for d in DIMENSIONS
        for v in sorted(set(columns[d]))
    ]
    assert list(quotas_from_programme(programme, columns).quotas) == expected


@pytest.mark.parametrize(
    ("caps", "floors", "code"),
    [
        ({"gender": 0.2}, {}, "quota_dimension_unknown"),
        ({}, {"residency": 1}, "quota_dimension_unknown"),
        ({"age_group": 0.1}, {"age_group": 6}, "dimension_floor_above_cap"),
    ],
)
def test_bad_diversity_parameters_are_one_clear_error(
    qatar: Programme, caps: dict[str, Any], floors: dict[str, Any], code: str
) -> None:
    with pytest.raises(ProgrammeError) as raised:
        quotas_from_programme(diverse(qatar, caps, floors), POOL)
    assert raised.value.code == code
    assert raised.value.where == f"programme {qatar.id}"
    assert raised.value.params.get("dimension") == next(iter(caps | floors))


def test_a_diversity_parameter_of_the_wrong_type_is_refused(qatar: Programme) -> None:
    programme = with_parameter(plain(qatar), "dimension_min_seats", 4, "seats")
    with pytest.raises(ProgrammeError) as raised:
        quotas_from_programme(programme, POOL)
    assert raised.value.code == "parameter_wrong_type"


SOURCE = (
    Path(__file__).parents[1]
    / "plugins/shopperkit-qatar-cgb/src/shopperkit_qatar_cgb/qatar-cgb.json"
)


@pytest.mark.parametrize(
    ("name", "value", "path"),
    [
        ("dimension_min_seats", {"age_group": 1.5}, "$.parameters.dimension_min_seats.value"),
        ("dimension_max_share", {"age_group": 1.2}, "$.parameters.dimension_max_share.value"),
        ("dimension_max_share", 0.3, "$.parameters.dimension_max_share.value"),
        ("seats", {"age_group": 4}, "$.parameters.seats.value"),
    ],
)
def test_the_schema_refuses_bad_per_dimension_values(
    tmp_path: Path, name: str, value: Any, path: str
) -> None:
    data = json.loads(SOURCE.read_text())
    data["parameters"][name]["value"] = value
    file = tmp_path / "programme.json"
    file.write_text(json.dumps(data))
    with pytest.raises(InputError) as raised:
        load_programme(file)
    assert raised.value.code == "schema_violation"
    assert path in str(raised.value)
