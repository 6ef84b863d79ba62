"""The statistics behind findings, checked against published values and identities."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopperkit.insights.stats import (
    Sample,
    benjamini_hochberg,
    regularised_beta,
    t_quantile,
    t_two_sided_p,
    welch,
)


@pytest.mark.parametrize(
    ("probability", "df", "quantile"),
    # Student's t table: upper quantiles.
    [(0.975, 1, 12.706), (0.975, 10, 2.228), (0.975, 30, 2.042), (0.995, 5, 4.032)],
)
def test_t_quantiles_match_the_table(probability: float, df: int, quantile: float) -> None:
    assert t_quantile(probability, df) == pytest.approx(quantile, abs=1e-3)


def test_t_with_one_degree_of_freedom_is_cauchy() -> None:
    for t in (0.5, 1.0, 3.0, 10.0):
        assert t_two_sided_p(t, 1) == pytest.approx(1 - 2 * math.atan(t) / math.pi, rel=1e-9)


# x stays away from 0 and 1 far enough for 1 - x to be exact to 1e-7 in floating point.
@given(a=st.floats(0.1, 50), b=st.floats(0.1, 50), x=st.floats(1e-9, 1 - 1e-9))
def test_beta_symmetry(a: float, b: float, x: float) -> None:
    assert regularised_beta(a, b, x) == pytest.approx(1 - regularised_beta(b, a, 1 - x), abs=1e-7)


def test_welch_against_a_worked_example() -> None:
    # Group A: mean 60, sd 10, n 30; group B: mean 70, sd 12, n 40.
    # t = -10 / sqrt(100/30 + 144/40) = -10 / sqrt(6.9333) = -3.7986;
    # df = 6.9333^2 / ((100/30)^2 / 29 + (144/40)^2 / 39) = 48.071 / 0.71545 = 67.19.
    result = welch(Sample(30, 60.0, 10.0), Sample(40, 70.0, 12.0))
    assert result is not None
    assert result.t == pytest.approx(-3.7986, abs=1e-3)
    assert result.df == pytest.approx(67.19, abs=0.01)
    assert 0.0002 < result.p < 0.0004  # t tables: |t| = 3.80 at df 60 to 120 gives 3e-4


def test_interval_of_a_mean() -> None:
    low, high = Sample(25, 50.0, 10.0).interval()
    half = 2.0639 * 10 / 5  # t(0.975, 24) * sd / sqrt(n)
    assert low == pytest.approx(50 - half, abs=1e-3)
    assert high == pytest.approx(50 + half, abs=1e-3)


def test_benjamini_hochberg() -> None:
    # Sorted p: 0.001 (<= .0125), 0.008 (<= .025), 0.039 (> .0375), 0.041 (<= .05): the
    # largest rank passing is 4, so all four are discoveries.
    assert benjamini_hochberg([0.041, 0.001, 0.039, 0.008]) == [True, True, True, True]
    assert benjamini_hochberg([0.06, 0.001, 0.039, 0.008]) == [False, True, False, True]
    assert benjamini_hochberg([0.2, 0.001, 0.5]) == [False, True, False]
    assert benjamini_hochberg([]) == []
