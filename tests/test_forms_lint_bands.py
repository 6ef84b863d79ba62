"""Band tables are judged at the precision scores are banded at."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from shopperkit.forms.lint import check_bands
from shopperkit.model.forms import Bounds, GradeBand

precisions = st.integers(min_value=0, max_value=4)
bounds_kinds = st.sampled_from(["upper_inclusive", "lower_inclusive"])
steps = st.lists(st.integers(min_value=1, max_value=500), min_size=2, max_size=6)


def _at(units: int, precision: int) -> float:
    return float(Decimal(units).scaleb(-precision))


def _table(
    starts: list[int], precision: int, bounds: Bounds, shift: dict[int, int] | None = None
) -> list[GradeBand]:
    """Bands from consecutive grid points; ``shift`` moves a band's start by grid units."""
    shift = shift or {}
    bands = []
    for index in range(len(starts) - 1):
        upto = starts[index + 1] - (1 if bounds == "upper_inclusive" else 0)
        start = starts[index] + shift.get(index, 0)
        bands.append(
            GradeBand(grade=str(index), start=_at(start, precision), upto=_at(upto, precision))
        )
    return bands


def _starts(gaps: list[int]) -> list[int]:
    starts = [0]
    for gap in gaps:
        starts.append(starts[-1] + gap + 1)
    return starts


def _codes(bands: list[GradeBand], bounds: Bounds, precision: int) -> list[str]:
    found = check_bands(bands, bounds, "$.bands", None, None, precision)
    return [problem.code for problem in found if not problem.where.endswith(".upto")]


@given(steps, precisions, bounds_kinds)
def test_contiguous_bands_leave_no_gap(gaps: list[int], precision: int, bounds: Bounds) -> None:
    assert _codes(_table(_starts(gaps), precision, bounds), bounds, precision) == []


@given(steps, precisions, bounds_kinds, st.integers(min_value=1, max_value=50), st.data())
def test_a_gap_wider_than_one_unit_is_reported(
    gaps: list[int], precision: int, bounds: Bounds, extra: int, data: st.DataObject
) -> None:
    starts = _starts(gaps)
    index = data.draw(st.integers(min_value=1, max_value=len(starts) - 2))
    bands = _table(starts, precision, bounds, {index: extra})
    assert "band_gap" in _codes(bands, bounds, precision)


@given(steps, precisions, bounds_kinds, st.integers(min_value=1, max_value=50), st.data())
def test_an_overlap_of_one_unit_or_more_is_reported(
    gaps: list[int], precision: int, bounds: Bounds, back: int, data: st.DataObject
) -> None:
    starts = _starts(gaps)
    index = data.draw(st.integers(min_value=1, max_value=len(starts) - 2))
    bands = _table(starts, precision, bounds, {index: -back})
    assert "band_overlap" in _codes(bands, bounds, precision)


@given(precisions, st.floats(min_value=1.01, max_value=9.0))
def test_a_gap_off_the_grid_wider_than_one_unit_is_reported(precision: int, width: float) -> None:
    unit = 10.0**-precision
    bands = [
        GradeBand(grade="low", start=0.0, upto=10.0),
        GradeBand(grade="high", start=10.0 + width * unit, upto=20.0),
    ]
    assert "band_gap" in _codes(bands, "upper_inclusive", precision)
