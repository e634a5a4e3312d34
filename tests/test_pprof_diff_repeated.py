"""Repeated profiles compared (`gm.pprof.compare`): five recorded heap profiles per side of the
pprof sample, wasteful (before) and frugal (after) (tests/fixtures/pprof/repeated/README.md);
the verdicts against the rule's own arithmetic; the corpus of bad inputs to the diff and the
comparison; hypothesis on garbage values."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gomemlab as gm
from gomemlab.bench import stats
from gomemlab.errors import GomemlabError, UsageError
from gomemlab.pprof import repeated

HERE = Path(__file__).parent / "fixtures" / "pprof"
FIELDS = "runtime.main;main.main;main.countWasteful;strings.Fields"


def side(name: str, n: int = 5) -> list[gm.pprof.Profile]:
    return [gm.pprof.load(HERE / "repeated" / f"{name}_{i}.pprof") for i in range(1, n + 1)]


@pytest.fixture(scope="module")
def before():
    return side("before")


@pytest.fixture(scope="module")
def after():
    return side("after")


def test_a_stack_gone_after_the_fix_disappeared(before, after):
    result = gm.pprof.compare(before, after, "alloc_space")
    row = result.frame.set_index("key").loc[FIELDS]
    # the rule, computed here from the profiles themselves
    old = [p.value("alloc_space", leaf="^strings.Fields$") for p in before]
    new = [p.value("alloc_space", leaf="^strings.Fields$") for p in after]
    assert min(old) > 0 and max(new) == 0
    assert row.base_median == np.median(old) and row.new_median == 0
    assert row.p == stats.mann_whitney_p(old, new) <= 0.05
    assert (row.n_base, row.n_new, row.verdict) == (5, 0, "disappeared")
    assert FIELDS in set(result.verdicts(None).key)


def test_swapped_sides_it_appeared(before, after):
    row = gm.pprof.compare(after, before, "alloc_space").frame.set_index("key").loc[FIELDS]
    assert row.verdict == "appeared"


def test_noise_is_no_change(before):
    """The same profiles on both sides: nothing changed, whatever the sampling did."""
    result = gm.pprof.compare(before, list(reversed(before)), "alloc_space")
    assert set(result.frame.verdict) == {"~"}
    assert result.counts()["~"] == len(result.frame)


def test_a_stack_sampled_in_some_runs_only_is_judged_by_the_test(before, after):
    frame = gm.pprof.compare(before, after, "alloc_space").frame
    flaky = frame[(frame.n_base > 0) & (frame.n_base < 5) & (frame.n_new == 0)]
    for row in flaky.itertuples():  # a rare sample missing from the new side is not "gone"
        assert (row.verdict == "disappeared") == (row.p <= 0.05)


def test_too_few_profiles_can_show_no_change(before, after):
    result = gm.pprof.compare(before[:3], after[:3], "alloc_space")
    assert not result.can_detect and set(result.frame.verdict) == {"~"}
    assert "Too few profiles" in result._repr_html_()
    assert gm.pprof.compare(before[:4], after[:4], "alloc_space").can_detect


def test_by_function_with_shares_of_each_total(before, after):
    result = gm.pprof.compare(before, after, "alloc_space", by="function", normalize=True)
    frame = result.frame.set_index("key")
    assert frame.loc["strings.Fields"].verdict == "disappeared"
    share = [p.cum("^main.corpus$", "alloc_space") / p.total("alloc_space") for p in after]
    assert frame.loc["main.corpus"].new_median == pytest.approx(np.median(share))
    assert frame.loc["main.corpus"].verdict == "grew", "a larger share of a smaller total"


def test_the_comparison_shows_a_short_verdict_table(before, after):
    result = gm.pprof.compare(before, after, "alloc_space")
    page = result._repr_html_()
    assert "disappeared" in page and "strings.Fields ← main.countWasteful ← main.main" in page
    assert "p ≤ 0.05" in page
    assert repr(result).startswith("RepeatedComparison(5 vs 5")


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0]


def _corpus(before, after):
    mem, cpu = before[0], gm.pprof.load(HERE / "diff" / "cpu_after.pprof")
    return [
        (lambda: mem.diff("mem.pprof"), "base must be a Profile"),
        (lambda: mem.diff(cpu), "measure different things"),
        (lambda: mem.diff(mem, normalize="yes"), "normalize"),
        (lambda: mem.diff(mem).plot("gregg"), "kind"),
        (lambda: mem.diff(mem).top("cpu"), "sample_index"),
        (lambda: mem.diff(mem).sides("nothing"), "sample_index"),
        (lambda: gm.pprof.compare(mem, after), "bases"),
        (lambda: gm.pprof.compare([], after), "bases"),
        (lambda: gm.pprof.compare(before, [mem, "x"]), "every item must be a Profile"),
        (lambda: gm.pprof.compare(before, [cpu]), "measure different things"),
        (lambda: gm.pprof.compare(before, after, by="line"), "by"),
        (lambda: gm.pprof.compare(before, after, alpha=5), "alpha"),
        (lambda: gm.pprof.compare(before, after, "cpu"), "sample_index"),
    ]


def test_every_bad_input_is_a_typed_readable_error(before, after):
    for call, fragment in _corpus(before, after):
        with pytest.raises(GomemlabError) as caught:
            call()
        assert isinstance(caught.value, UsageError)
        assert fragment in _first_line(caught.value), _first_line(caught.value)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(-(10**9), 10**12), min_size=1, max_size=8),
    st.lists(st.integers(-(10**9), 10**12), min_size=1, max_size=8),
)
def test_the_verdict_follows_the_rule_on_any_values(old, new):
    old_a, new_a = np.array(old, dtype=float), np.array(new, dtype=float)
    p = stats.mann_whitney_p(old_a, new_a)
    verdict = repeated._verdict(old_a, new_a, p, 0.05)
    assert verdict in repeated.VERDICTS
    if math.isnan(p) or p > 0.05:
        assert verdict == "~"
    elif verdict == "appeared":
        assert not old_a.any() and new_a.any()
    elif verdict == "disappeared":
        assert old_a.any() and not new_a.any()
    elif verdict == "grew":
        assert np.median(new_a) >= np.median(old_a)
