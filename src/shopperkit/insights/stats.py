"""The statistics behind findings: Welch's t-test and the Benjamini-Hochberg procedure.

Pure Python, exact to about 1e-10: Student's t distribution through the regularised
incomplete beta function (Lentz's continued fraction).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from attrs import frozen


def _incomplete_beta_fraction(a: float, b: float, x: float) -> float:
    tiny, eps = 1e-300, 1e-15
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 500):
        m2 = 2 * m
        for numerator in (
            m * (b - m) * x / ((a + m2 - 1.0) * (a + m2)),
            -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= d * c
        if abs(d * c - 1.0) < eps:
            break
    return result


def regularised_beta(a: float, b: float, x: float) -> float:
    """I_x(a, b), the regularised incomplete beta function."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _incomplete_beta_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _incomplete_beta_fraction(b, a, 1.0 - x) / b


def t_two_sided_p(t: float, df: float) -> float:
    """The two-sided p-value of ``t`` under Student's t with ``df`` degrees of freedom."""
    if math.isinf(t):
        return 0.0
    return regularised_beta(df / 2.0, 0.5, df / (df + t * t))


def t_quantile(probability: float, df: float) -> float:
    """The ``probability`` quantile of Student's t (by bisection on the exact CDF)."""
    target = 2.0 * (1.0 - probability)  # two-sided tail mass at the quantile
    low, high = 0.0, 1e3
    for _ in range(200):
        middle = (low + high) / 2.0
        if t_two_sided_p(middle, df) > target:
            low = middle
        else:
            high = middle
    return (low + high) / 2.0


@frozen
class Sample:
    """What a test needs of a group of scores: how many, their mean and standard deviation."""

    count: int
    mean: float
    stdev: float

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        """The t-based confidence interval of the mean (the mean itself when count < 2)."""
        if self.count < 2:
            return (self.mean, self.mean)
        half = t_quantile(0.5 + level / 2.0, self.count - 1) * self.stdev / math.sqrt(self.count)
        return (self.mean - half, self.mean + half)


@frozen
class Comparison:
    """Welch's t-test of one sample against another."""

    difference: float
    t: float
    df: float
    p: float


def welch(sample: Sample, baseline: Sample) -> Comparison | None:
    """Compare two samples; None when either has fewer than two scores."""
    if sample.count < 2 or baseline.count < 2:
        return None
    va, vb = sample.stdev**2 / sample.count, baseline.stdev**2 / baseline.count
    difference = sample.mean - baseline.mean
    if va + vb == 0.0:
        t = 0.0 if difference == 0.0 else math.copysign(math.inf, difference)
        return Comparison(
            difference, t, float(sample.count + baseline.count - 2), 1.0 if t == 0 else 0.0
        )
    t = difference / math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va**2 / (sample.count - 1) + vb**2 / (baseline.count - 1))
    return Comparison(difference, t, df, t_two_sided_p(t, df))


def benjamini_hochberg(p_values: Sequence[float], rate: float = 0.05) -> list[bool]:
    """Which of ``p_values`` are discoveries at false discovery ``rate``."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    cutoff = -1
    for rank, index in enumerate(order, start=1):
        if p_values[index] <= rate * rank / len(p_values):
            cutoff = rank
    accepted = set(order[:cutoff]) if cutoff > 0 else set()
    return [i in accepted for i in range(len(p_values))]
