"""The statistics behind findings: Welch's t-test and the Benjamini-Hochberg procedure.

Pure Python: Student's t distribution through the regularised incomplete beta function
(Lentz's continued fraction). ``tests/test_stats_reference.py`` holds p-values and quantiles
to SciPy's within 1e-9 relative, at whole and fractional degrees of freedom.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

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


def _beta(a: float, b: float, x: float, log_x: float, log_y: float) -> float:
    """I_x(a, b) given x and the logarithms of x and of y = 1 - x, each computed without
    cancellation or underflow."""
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * log_x + b * log_y
    return math.exp(log_front) * _incomplete_beta_fraction(a, b, x) / a


def regularised_beta(a: float, b: float, x: float) -> float:
    """I_x(a, b), the regularised incomplete beta function."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    if x < (a + 1.0) / (a + b + 2.0):
        return _beta(a, b, x, math.log(x), math.log1p(-x))
    return 1.0 - _beta(b, a, 1.0 - x, math.log1p(-x), math.log(x))


def _t_masses(t: float, df: float) -> tuple[float, float]:
    """The two-sided tail mass beyond ``|t|`` and the central mass within it, each computed
    directly where it is the smaller, so that each is accurate relative to its own size."""
    if t == 0.0:
        return (1.0, 0.0)
    if math.isinf(t):
        return (0.0, 1.0)
    root = math.sqrt(df)
    # x = df / (df + t^2) and 1 - x, with their logarithms, written to overflow nowhere.
    if abs(t) >= root:
        r = root / abs(t)
        x_tail, x_central = r * r / (1.0 + r * r), 1.0 / (1.0 + r * r)
        log_r = math.log(root) - math.log(abs(t))
        log_tail, log_central = 2.0 * log_r - math.log1p(r * r), -math.log1p(r * r)
    else:
        s = abs(t) / root
        x_tail, x_central = 1.0 / (1.0 + s * s), s * s / (1.0 + s * s)
        log_s = math.log(abs(t)) - math.log(root)
        log_tail, log_central = -math.log1p(s * s), 2.0 * log_s - math.log1p(s * s)
    a = df / 2.0
    if x_tail < (a + 1.0) / (a + 2.5):
        tail = _beta(a, 0.5, x_tail, log_tail, log_central)
        return (tail, 1.0 - tail)
    central = _beta(0.5, a, x_central, log_central, log_tail)
    return (1.0 - central, central)


def t_two_sided_p(t: float, df: float) -> float:
    """The two-sided p-value of ``t`` under Student's t with ``df`` degrees of freedom."""
    return _t_masses(t, df)[0]


@lru_cache(maxsize=4096)
def t_quantile(probability: float, df: float) -> float:
    """The ``probability`` quantile of Student's t with ``df`` degrees of freedom.

    By bisection on the exact distribution until the bracket cannot shrink: on the tail
    mass when that is the smaller, on the central mass otherwise, so the quantile keeps its
    relative precision near the median as in the far tails.
    """
    if not 0.0 < probability < 1.0:
        return math.copysign(math.inf, probability - 0.5) if probability != 0.5 else 0.0
    if probability == 0.5:
        return 0.0
    sign = 1.0 if probability > 0.5 else -1.0
    tail = 2.0 * (1.0 - probability) if probability > 0.5 else 2.0 * probability
    use_tail = tail < 0.5
    target = tail if use_tail else 1.0 - tail

    def beyond(t: float) -> bool:  # is the quantile below t?
        tail_mass, central_mass = _t_masses(t, df)
        return tail_mass <= target if use_tail else central_mass >= target

    low, high = 0.0, 1.0
    while not beyond(high):
        low, high = high, high * 2.0
        if math.isinf(high):
            return sign * math.inf
    while True:
        middle = low + (high - low) / 2.0
        if not low < middle < high:
            break
        if beyond(middle):
            high = middle
        else:
            low = middle
    return sign * (low + (high - low) / 2.0)


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
    # Standard errors, summed by hypot and weighed as shares so that no square underflows
    # or overflows, even for spreads of 1e-200 or 1e200.
    error_a = sample.stdev / math.sqrt(sample.count)
    error_b = baseline.stdev / math.sqrt(baseline.count)
    error = math.hypot(error_a, error_b)
    difference = sample.mean - baseline.mean
    if error == 0.0:
        t = 0.0 if difference == 0.0 else math.copysign(math.inf, difference)
        return Comparison(
            difference, t, float(sample.count + baseline.count - 2), 1.0 if t == 0 else 0.0
        )
    t = difference / error
    share_a, share_b = (error_a / error) ** 2, (error_b / error) ** 2
    df = 1.0 / (share_a**2 / (sample.count - 1) + share_b**2 / (baseline.count - 1))
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
