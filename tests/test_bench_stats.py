"""benchstat's statistics, checked against values computed by hand on fixed data."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from gomemlab.bench import compare, parse
from gomemlab.bench.stats import (
    geomean,
    mann_whitney_p,
    min_n_for_ci,
    min_n_for_difference,
    order_statistic_ci,
    summarize,
)

FIXTURES = Path(__file__).parent / "fixtures" / "bench"


def runs(name: str, values: list[float], unit: str = "ns/op", procs: int = 8) -> str:
    return "".join(f"Benchmark{name}-{procs} 1000 {v} {unit}\n" for v in values)


def test_thresholds_by_hand():
    # A CI from min to max covers the median with probability 1 - 2 * 2^-n: 0.9375 for n=5,
    # 0.96875 for n=6, so n=6 is the first with a 95% interval.
    assert min_n_for_ci() == 6
    # The exact U test's smallest two-sided p is 2 / C(2n, n): 2/20 = 0.1 for n=3,
    # 2/70 = 0.0286 for n=4.
    assert min_n_for_difference() == 4


@pytest.mark.parametrize(
    ("n", "ranks"), [(5, None), (6, (1, 6)), (8, (1, 8)), (9, (2, 8)), (10, (2, 9)), (20, (6, 15))]
)
def test_order_statistic_ranks_by_hand(n, ranks):
    # n=9: P(Bin(9,1/2) <= 1) = 10/512, coverage 1 - 20/512 = 0.961 -> (2, 8); k=3 gives 0.820.
    # n=10: P(X <= 1) = 11/1024, coverage 0.9785 -> (2, 9); k=3 would give 0.8906.
    # n=20: P(X <= 5) = 21700/1048576, coverage 0.9586 -> (6, 15); k=7 gives 0.8847.
    assert order_statistic_ci(n) == ranks


def test_summaries_by_hand():
    five = summarize([5, 1, 4, 2, 3])
    assert (five.n, five.median, five.low, five.high, five.ci_pct) == (5, 3, None, None, None)
    six = summarize([6, 1, 5, 2, 4, 3])
    assert (six.median, six.low, six.high) == (3.5, 1, 6)
    assert six.ci_pct == pytest.approx(100 * 2.5 / 3.5)  # max(3.5-1, 6-3.5) / 3.5
    ten = summarize([10, 9, 8, 7, 6, 5, 4, 3, 2, 1])
    assert (ten.median, ten.low, ten.high) == (5.5, 2, 9)
    same = summarize([0, 0, 0, 0, 0, 0])
    assert (same.median, same.low, same.high, same.ci_pct) == (0, 0, 0, 0.0)
    assert summarize([math.nan, 1.0]).n == 1
    assert math.isnan(summarize([]).median)


def test_mann_whitney_by_hand():
    assert mann_whitney_p([1, 2, 3], [4, 5, 6]) == pytest.approx(2 / 20)
    assert mann_whitney_p([1, 2, 3, 4], [5, 6, 7, 8]) == pytest.approx(2 / 70)
    assert mann_whitney_p(range(10, 16), range(20, 26)) == pytest.approx(2 / 924)
    # Interleaved samples: U = 6 pairs with old > new; for m = n = 4 the counts of U = 0..6
    # among the C(8,4) = 70 orderings are 1,1,2,3,5,5,7 -> P(U <= 6) = 24/70, p = 48/70.
    assert mann_whitney_p([1, 3, 5, 7], [2, 4, 6, 8]) == pytest.approx(48 / 70)
    assert mann_whitney_p([3, 3, 3], [3, 3, 3]) == 1.0
    assert math.isnan(mann_whitney_p([], [1.0]))


def test_ties_never_take_p_below_the_floor_of_the_exact_test():
    # Three identical runs per side against three zeros (a stack every profile of one side
    # lacks): the two groups can be split 20 ways, only 2 as extreme. The tie-corrected normal
    # approximation scipy's default falls back to gave 0.047 here, under 0.05 with 3 per side.
    assert mann_whitney_p([5, 5, 5], [0, 0, 0]) == pytest.approx(2 / 20)
    assert mann_whitney_p([1, 2, 3, 4, 5], [0] * 5) == pytest.approx(2 / 252)  # not 0.0075
    # One run of five lacks the stack too: 6 of the 252 splits put the 4 nonzero values and a
    # zero on one side, so p = 12/252.
    assert mann_whitney_p([1, 2, 3, 4, 0], [0] * 5) == pytest.approx(12 / 252)
    assert min_n_for_difference() == 4 and min_n_for_difference(0.1) == 3  # p <= alpha counts


samples = st.lists(st.integers(0, 3), min_size=2, max_size=6)  # scipy needs 2


@settings(max_examples=150, deadline=None)
@given(samples, samples)
def test_exact_p_with_ties_is_the_permutation_tests(old, new):
    """Small samples full of ties: p is scipy's permutation test over every split (exact
    enumeration), a multiple of 1 / C(m + n, m), and never below the floor 2 / C(m + n, m)."""
    p = mann_whitney_p(old, new)
    splits = math.comb(len(old) + len(new), len(old))
    if len(set(old) | set(new)) == 1:
        assert p == 1.0
        return
    every = scipy_stats.PermutationMethod(n_resamples=math.inf)
    expected = scipy_stats.mannwhitneyu(old, new, method=every).pvalue
    assert p == pytest.approx(expected)
    assert p >= 2 / splits - 1e-12
    assert p * splits == pytest.approx(round(p * splits))


def test_large_samples_use_the_normal_approximation():
    old, new = list(range(60)), [v + 0.5 for v in range(60)]
    assert mann_whitney_p(old, new) == pytest.approx(
        scipy_stats.mannwhitneyu(old, new, alternative="two-sided").pvalue
    )


def test_geomean_by_hand():
    assert geomean([2, 8]) == pytest.approx(4)
    assert geomean([12.5, 2]) == pytest.approx(5)
    assert geomean([0, 4]) is None and geomean([]) is None


def test_compare_by_hand():
    old = parse(runs("A", [10, 11, 12, 13, 14, 15]) + runs("B", [1, 2, 2, 2, 2, 3]))
    new = parse(runs("A", [20, 21, 22, 23, 24, 25]) + runs("B", [8, 8, 8, 8, 8, 8]))
    c = compare(old, new)
    a = c.row("A")
    assert (a["old"], a["new"], a["n_old"], a["n_new"]) == (12.5, 22.5, 6, 6)
    assert a["delta_pct"] == pytest.approx(80.0)  # 22.5 / 12.5 - 1
    assert a["p"] == pytest.approx(2 / 924)
    assert a["verdict"] == "+80.00%" and c.verdict("A") == "worse"
    assert a["old_ci_pct"] == pytest.approx(100 * 2.5 / 12.5)
    geo = c.row("geomean")
    # old medians 12.5 and 2 -> geomean 5; new 22.5 and 8 -> sqrt(180) = 13.416...
    assert geo["old"] == pytest.approx(5) and geo["new"] == pytest.approx(math.sqrt(180))
    assert geo["delta_pct"] == pytest.approx((math.sqrt(180) / 5 - 1) * 100)
    assert c.expect("B", verdict="worse").row("B")["verdict"] == "+300.00%"
    with pytest.raises(AssertionError, match="expected 'better' but got 'worse'"):
        c.expect("A", verdict="better")
    assert "Mann–Whitney" in c._repr_html_()


def test_compare_warns_and_says_tilde_when_n_is_small():
    old = parse(runs("A", [1, 2, 3]))
    new = parse(runs("A", [100, 200, 300]))
    row = compare(old, new).row("A")
    assert row["p"] == pytest.approx(0.1) and row["verdict"] == "~"  # 100x, yet no verdict
    assert "need ≥ 4 runs per side" in row["note"]
    five = compare(parse(runs("A", [1, 2, 3, 4, 5])), parse(runs("A", [6, 7, 8, 9, 10])))
    assert five.verdict("A") == "worse" and "need ≥ 6 runs for a 95% CI" in five.warnings()[0]


def test_compare_equal_runs_zero_medians_and_throughput():
    old = parse(runs("A", [0] * 6, "allocs/op") + runs("A", [100] * 6, "MB/s"))
    new = parse(runs("A", [0] * 6, "allocs/op") + runs("A", [200, 210, 190, 205, 195, 200], "MB/s"))
    c = compare(old, new)
    zero = c.row("A", "allocs/op")
    assert zero["verdict"] == "~" and "all runs are equal" in zero["note"]
    assert c.row("geomean", "allocs/op")["note"] == "geomean needs finite medians > 0"
    assert c.verdict("A", "MB/s") == "better"  # more throughput is an improvement


def test_compare_two_implementations_from_a_real_run():
    result = parse((FIXTURES / "sample_count6.txt").read_text())
    c = compare(result.where(impl="plus"), result.where(impl="builder"))
    assert list(dict.fromkeys(c.frame["name"])) == ["Join/parts=8", "Join/parts=64", "geomean"]
    for name in ("Join/parts=8", "Join/parts=64"):
        c.expect(name, "allocs/op", "better")
        c.expect(name, "B/op", "better")
        c.expect(name, "ns/op", "better")  # far apart: every builder run beats every plus run
    assert c.row("Join/parts=64", "allocs/op")["delta_pct"] == pytest.approx((1 / 63 - 1) * 100)


def test_compare_keys_by_procs_when_it_varies():
    result = parse((FIXTURES / "sample_cpu12.txt").read_text())
    c = compare(result, result)
    assert "JoinParallel-1" in set(c.frame["name"]) and "JoinParallel-2" in set(c.frame["name"])
    assert (c.frame[c.frame["name"] != "geomean"]["verdict"] == "~").all()
