"""The hand-written statistics checked against SciPy's, on generated samples.

SciPy is a test dependency only: shopperkit computes Student's t, Welch's test,
Benjamini-Hochberg and the intervals of aggregates itself, and these tests hold it to
SciPy's values.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats as reference

from shopperkit.insights.stats import (
    Sample,
    benjamini_hochberg,
    t_quantile,
    t_two_sided_p,
    welch,
)
from shopperkit.scoring.tallies import Tally, _interval

# SciPy warns of its own overflow and cancellation on the extreme samples.
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

# Degrees of freedom as tests meet them: whole ones of small groups, fractional Welch ones.
DF = st.one_of(
    st.integers(1, 1000).map(float),
    st.floats(1.0, 1e4, allow_nan=False),
    st.floats(1e-2, 1.0, allow_nan=False),
)


def _sample_values(draw: st.DrawFn) -> list[float]:
    """2 to 500 scores: a mean on 0 to 100 and a spread from none to wide, or tiny."""
    count = draw(st.integers(2, 500))
    mean = draw(st.floats(0.0, 100.0))
    spread = draw(st.sampled_from([0.0, 1e-9, 1e-4, 0.5, 5.0, 30.0, 1e3]))
    seed = draw(st.integers(0, 2**32 - 1))
    kind = draw(st.sampled_from(["normal", "uniform", "two-point"]))
    rng = np.random.default_rng(seed)
    if kind == "normal":
        values = rng.normal(mean, spread, count)
    elif kind == "uniform":
        values = rng.uniform(mean - spread, mean + spread, count)
    else:
        values = np.where(rng.random(count) < 0.5, mean, mean + spread)
    return [float(v) for v in values]


samples = st.composite(_sample_values)


def _stats(values: list[float]) -> Sample:
    data = np.asarray(values)
    return Sample(len(values), float(np.mean(data)), float(np.std(data, ddof=1)))


# SciPy's own quantiles lose relative precision within 1e-6 of the median (at p = 0.5 +
# 1.1e-16 and df = 1 it gives 5.05e-16 where tan(pi (p - 0.5)) is 3.49e-16), and for df = 4
# within 1e-3 of it (at p = 0.500001 it gives 2.66677e-6 where the closed form's 2.66667e-6
# is met): those ranges are checked against the closed forms below.
@settings(max_examples=400)
@given(probability=st.floats(0.5 + 1e-6, 1 - 1e-12), df=DF)
def test_t_quantiles(probability: float, df: float) -> None:
    assume(df != 4.0 or probability > 0.5 + 1e-3)
    expected = reference.t.ppf(probability, df)
    if expected > 1e100:  # SciPy stops near 1e153 (df well below 1): check the tail instead
        quantile = t_quantile(probability, df)
        if math.isinf(quantile):  # beyond the largest float
            assert t_two_sided_p(1.7e308, df) > 2 * (1 - probability)
            return
        assert t_two_sided_p(quantile, df) == pytest.approx(2 * (1 - probability), rel=1e-9)
        return
    assert t_quantile(probability, df) == pytest.approx(expected, rel=1e-9)
    assert t_quantile(1 - probability, df) == pytest.approx(-expected, rel=1e-9)


@given(offset=st.floats(1e-300, 0.5, exclude_max=True))
def test_t_quantiles_near_the_median(offset: float) -> None:
    probability = 0.5 + offset
    assume(probability < 1.0)
    offset = probability - 0.5  # exact (Sterbenz)
    # df = 1: tan(pi offset), written as 1 / tan(pi (1 - p)) near 1 to stay exact.
    cauchy = (
        math.tan(math.pi * offset) if offset < 0.25 else 1 / math.tan(math.pi * (1 - probability))
    )
    two = 2.0 * offset / math.sqrt(2.0 * probability * (1.0 - probability))  # df = 2
    assert t_quantile(probability, 1.0) == pytest.approx(cauchy, rel=1e-9)
    assert t_quantile(probability, 2.0) == pytest.approx(two, rel=1e-9)
    # df = 4: F(t) - 1/2 = 3/4 (u - u^3 / 3) with u = t / sqrt(4 + t^2), exact near the median.
    quantile = t_quantile(probability, 4.0)
    u = quantile / math.sqrt(4.0 + quantile * quantile)
    if offset < 0.49:  # nearer 1, the quantile's own rounding dominates 1 - F(t)
        assert 0.75 * (u - u**3 / 3.0) == pytest.approx(offset, rel=1e-9)


@pytest.mark.parametrize("df", [1, 2, 3, 4, 5, 9, 10, 19, 29, 30, 59, 99, 120, 499, 10**4])
@pytest.mark.parametrize("probability", [0.9, 0.95, 0.975, 0.99, 0.995, 0.9995])
def test_t_table_quantiles(probability: float, df: int) -> None:
    expected = reference.t.ppf(probability, df)
    assert t_quantile(probability, df) == pytest.approx(expected, rel=1e-10)


@settings(max_examples=400)
@given(t=st.floats(-1e6, 1e6), df=DF)
def test_two_sided_p_values(t: float, df: float) -> None:
    expected = 2.0 * reference.t.sf(abs(t), df)
    # Near the median SciPy's survival function is exact only to about 1e-8 (for df 1 at
    # t = 1.2e-8 it is off by 1.8e-9 from the closed form 1 - 2 atan(t) / pi, which ours
    # meets); there the two are compared to that precision.
    near_median = 1e-8 if abs(t) < 1e-4 else 1e-300
    assert t_two_sided_p(t, df) == pytest.approx(expected, rel=1e-9, abs=near_median)


@settings(max_examples=300, deadline=None)
@given(a=samples(), b=samples())
def test_welch_against_ttest_ind(a: list[float], b: list[float]) -> None:
    left, right = _stats(a), _stats(b)
    result = welch(left, right)
    assert result is not None
    if left.stdev == 0.0 and right.stdev == 0.0:
        # SciPy gives no statistic (nan) for two constant samples; findings need a
        # decision: no difference (p = 1) when the means agree, certain (p = 0) when not.
        assert result.p == (1.0 if left.mean == right.mean else 0.0)
        return
    expected = reference.ttest_ind(a, b, equal_var=False)
    from_stats = reference.ttest_ind_from_stats(
        left.mean, left.stdev, left.count, right.mean, right.stdev, right.count, equal_var=False
    )
    # Against the same means and spreads, the values agree to rounding.
    assert result.t == pytest.approx(from_stats.statistic, rel=1e-9, abs=1e-12)
    if abs(result.t) > 1e6:
        # SciPy's p-value stops following the tail this far out (for t = 2e16 and 12
        # degrees of freedom it gives 2e-17, where the tail, about t ** -12, is 1e-192):
        # here only the direction is checked against its own tail bound.
        assert result.p <= t_two_sided_p(1e6, result.df)
        return
    assert result.p == pytest.approx(from_stats.pvalue, rel=1e-8, abs=1e-300)
    # Against the raw samples, the means and spreads are SciPy's own, summed in its order:
    # where a spread is at the level of rounding (1e-9 around 50) the two differ by it.
    if min(left.stdev, right.stdev) < 1e-6 * (1.0 + abs(left.mean) + abs(right.mean)):
        return
    assert result.t == pytest.approx(expected.statistic, rel=1e-6, abs=1e-9)
    if abs(expected.statistic) < 30:
        assert result.p == pytest.approx(expected.pvalue, rel=1e-5, abs=1e-12)
    assert result.df == pytest.approx(expected.df, rel=1e-9)


@given(
    count=st.integers(2, 500),
    mean=st.floats(0, 100),
    stdev=st.sampled_from([1e-200, 1e-160, 1e-12, 1e-3, 1.0, 40.0, 1e150]),
    other=st.floats(1e-3, 60.0),
)
def test_welch_with_extreme_spreads(count: int, mean: float, stdev: float, other: float) -> None:
    left, right = Sample(count, mean, stdev), Sample(count + 3, 50.0, other)
    result = welch(left, right)
    assert result is not None
    expected = reference.ttest_ind_from_stats(
        mean, stdev, count, 50.0, other, count + 3, equal_var=False
    )
    assert result.t == pytest.approx(expected.statistic, rel=1e-9, abs=1e-12)
    assert result.p == pytest.approx(expected.pvalue, rel=1e-8, abs=1e-300)
    # Welch-Satterthwaite in exact rationals (SciPy's from-stats result carries no df).
    a, b = Fraction(stdev) ** 2 / count, Fraction(other) ** 2 / (count + 3)
    df = (a + b) ** 2 / (a**2 / (count - 1) + b**2 / (count + 2))  # exact
    assert result.df == pytest.approx(df, rel=1e-9)


P_VALUES = st.lists(
    st.one_of(
        st.floats(0.0, 1.0),
        st.floats(0.0, 1e-3),
        st.sampled_from([0.0, 0.001, 0.01, 0.0125, 0.025, 0.05, 0.5, 1.0]),
    ),
    min_size=1,
    max_size=200,
)


@settings(max_examples=400)
@given(p_values=P_VALUES, rate=st.sampled_from([0.01, 0.05, 0.1, 0.2]))
def test_benjamini_hochberg_decisions(p_values: list[float], rate: float) -> None:
    adjusted = reference.false_discovery_control(p_values, method="bh")
    m = len(p_values)
    for p, decision, q in zip(p_values, benjamini_hochberg(p_values, rate), adjusted, strict=True):
        # SciPy adjusts p (p * m / rank, then the running minimum) where the procedure
        # compares p with rate * rank / m: the two round differently only on the boundary.
        if abs(q - rate) > 1e-12 * m:
            assert decision == (q <= rate), (p, q)


@settings(max_examples=300, deadline=None)
@given(values=samples())
def test_intervals_of_aggregates(values: list[float]) -> None:
    tally = Tally()
    for value in values:
        tally.add(value)
    sample = _stats(values)
    scale = sample.stdev / math.sqrt(sample.count)
    for low, high in (
        _interval(sample.count, sample.mean, sample.stdev),
        sample.interval(),
    ):
        expected = reference.t.interval(0.95, sample.count - 1, loc=sample.mean, scale=scale)
        if scale == 0.0:
            assert (low, high) == (sample.mean, sample.mean)
            continue
        half = (high - low) / 2.0
        assert half == pytest.approx((expected[1] - expected[0]) / 2.0, rel=1e-9)
        assert low == pytest.approx(expected[0], rel=1e-12, abs=1e-12 * half + 1e-13)
        assert high == pytest.approx(expected[1], rel=1e-12, abs=1e-12 * half + 1e-13)
    low, high = tally.summary()["ci95"]
    scale = tally.std / math.sqrt(tally.count)
    expected = reference.t.interval(0.95, tally.count - 1, loc=tally.mean, scale=scale)
    if tally.std > 0.0:
        assert (high - low) / 2.0 == pytest.approx((expected[1] - expected[0]) / 2.0, rel=1e-9)


@pytest.mark.parametrize("level", [0.5, 0.8, 0.9, 0.95, 0.99, 0.999])
@pytest.mark.parametrize("count", [2, 3, 5, 30, 500])
def test_intervals_at_other_levels(level: float, count: int) -> None:
    low, high = Sample(count, 62.5, 11.0).interval(level)
    expected = reference.t.interval(level, count - 1, loc=62.5, scale=11.0 / math.sqrt(count))
    assert low == pytest.approx(expected[0], rel=1e-12)
    assert high == pytest.approx(expected[1], rel=1e-12)
