"""benchstat's statistics: median with an order-statistics confidence interval, and the
Mann–Whitney U test to tell whether two samples differ.

* The CI of a median needs no assumption about the distribution: the median lies between the
  k-th smallest and k-th largest of n runs with probability 1 − 2·P(Binomial(n, ½) < k). The
  widest choice, k = 1 (min to max), reaches 95% only from n = 6.
* Mann–Whitney U compares ranks, not means, so one slow outlier cannot swing the verdict. The
  p-value is exact, ties included: the U of these samples against every way of
  splitting the same values into two groups of these sizes (tied values share their mean rank).
  Each split is equally likely under "no difference", so with n runs per side the smallest
  two-sided p is 2 / C(2n, n), ties or not: n = 3 can never get below 0.05 (p ≥ 0.1), n = 4
  can (p ≥ 0.029). From EXACT_UP_TO + 1 runs on a side, the tie-corrected normal
  approximation is used (by then p can be tiny either way). benchstat (golang.org/x/perf
  internal/stats) is exact up to 50 per side without ties and up to 25 with them, so the two can
  differ only with ties and 26–50 runs on a side, where benchstat uses the normal approximation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as _scipy

from .. import validate
from ..errors import UsageError

CONFIDENCE = 0.95
ALPHA = 0.05
EXACT_UP_TO = 50
"""The largest sample (per side) whose Mann–Whitney p is computed exactly."""
HIGHER_IS_BETTER = ("MB/s",)
"""Units where a larger median is an improvement (for `better`/`worse` verdicts)."""


@dataclass(frozen=True)
class Summary:
    """The median of a sample with its confidence interval (None when n is too small)."""

    n: int
    median: float
    low: float | None
    high: float | None
    confidence: float = CONFIDENCE

    @property
    def has_ci(self) -> bool:
        """True when n is large enough for a confidence interval at `confidence`."""
        return self.low is not None

    @property
    def ci_pct(self) -> float | None:
        """Half the interval's largest distance from the median, in % of the median (`± x%`)."""
        if self.low is None or self.high is None:
            return None
        if self.low == self.high == self.median:
            return 0.0
        if self.median == 0:
            return None
        spread = max(self.median - self.low, self.high - self.median)
        return 100.0 * spread / abs(self.median)


@validate.typed
def _share(value: float, name: str) -> None:
    if not 0 < value < 1:
        raise UsageError(f"{name} is a probability between 0 and 1 (e.g. 0.95), not {value!r}")


def min_n_for_ci(confidence: float = CONFIDENCE) -> int:
    """The smallest sample with a finite CI for the median: 1 − 2·½ⁿ ≥ confidence."""
    _share(confidence, "confidence")
    return math.ceil(math.log2(2 / (1 - confidence)) - 1e-12)


def order_statistic_ci(n: int, confidence: float = CONFIDENCE) -> tuple[int, int] | None:
    """1-based ranks (k, n−k+1) of the narrowest order-statistic CI of a median that still has
    at least `confidence` coverage; None when even (1, n) falls short."""
    best = None
    for k in range(1, n // 2 + 1):
        coverage = 1 - 2 * _scipy.binom.cdf(k - 1, n, 0.5)
        if coverage < confidence - 1e-12:
            break
        best = (k, n - k + 1)
    return best


@validate.typed
def summarize(values: Sequence[float], confidence: float = CONFIDENCE) -> Summary:
    """Median and order-statistics CI of one benchmark's runs for one unit."""
    _share(confidence, "confidence")
    try:
        data = sorted(float(v) for v in values if not math.isnan(v))
    except (TypeError, ValueError):
        raise UsageError(f"values must be numbers, not {list(values)[:5]!r}") from None
    n = len(data)
    if n == 0:
        return Summary(0, math.nan, None, None, confidence)
    mid = n // 2
    median = data[mid] if n % 2 else (data[mid - 1] + data[mid]) / 2
    ranks = order_statistic_ci(n, confidence)
    if ranks is None:
        return Summary(n, median, None, None, confidence)
    return Summary(n, median, data[ranks[0] - 1], data[ranks[1] - 1], confidence)


@validate.typed
def min_n_for_difference(alpha: float = ALPHA) -> int:
    """The smallest equal sample size whose two-sided U test can reach p ≤ alpha: 2 / C(2n, n)
    is the least p of n runs per side (exact test, ties or not)."""
    _share(alpha, "alpha")
    n = 1
    while 2 / math.comb(2 * n, n) > alpha:
        n += 1
    return n


def mann_whitney_p(old: Sequence[float], new: Sequence[float]) -> float:
    """Two-sided p-value of the Mann–Whitney U test: exact, ties included, up to EXACT_UP_TO
    runs per side (see the module's note); the tie-corrected normal approximation beyond.

    Returns 1.0 when both samples hold one and the same value (no evidence of a difference)
    and NaN when a side is empty.
    """
    a = [float(v) for v in old if not math.isnan(v)]
    b = [float(v) for v in new if not math.isnan(v)]
    if not a or not b:
        return math.nan
    if len(set(a) | set(b)) == 1:
        return 1.0
    if max(len(a), len(b)) > EXACT_UP_TO:
        return float(_scipy.mannwhitneyu(a, b, alternative="two-sided").pvalue)
    return _exact_p(a, b)


def _exact_p(a: list[float], b: list[float]) -> float:
    """The exact two-sided p of the rank sum of `a` among all C(m + n, m) ways to choose which
    m of the pooled values are `a`'s: twice the smaller tail, at most 1. Ranks are doubled
    (tied values share a mean rank, a half at worst) so sums are integers; the number of
    choices per (size, sum) is counted one value at a time."""
    doubled = np.rint(2 * _scipy.rankdata(a + b)).astype(int)
    m, total = len(a), int(doubled.sum())
    observed = int(doubled[:m].sum())
    ways = np.zeros((m + 1, total + 1))  # ways[k, s]: k values chosen, doubled ranks sum to s
    ways[0, 0] = 1.0
    for rank in doubled:
        ways[1:, rank:] += ways[:-1, : total + 1 - rank].copy()
    counts = ways[m]
    below, above = counts[: observed + 1].sum(), counts[observed:].sum()
    return float(min(1.0, 2 * min(below, above) / counts.sum()))


def geomean(values: Sequence[float]) -> float | None:
    """Geometric mean; None unless every value is > 0 (benchstat leaves such rows out too)."""
    data = [float(v) for v in values]
    if not data or any(not v > 0 for v in data):
        return None
    return math.exp(sum(math.log(v) for v in data) / len(data))
