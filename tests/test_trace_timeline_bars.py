"""The timeline's bars: one lane's running stretches drawn as few bars as the picture allows
(stretches under a pixel apart merged), each stretch inside a bar, cut to the window."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from gomemlab.trace.plots import _pixel_bars


def test_gaps_under_half_a_min_width_merge_and_wider_ones_do_not():
    # ns; min_width 1 ms: gaps under 0.5 ms merge
    starts = np.array([0, 1_200_000, 5_000_000])
    ends = np.array([1_000_000, 2_000_000, 6_000_000])
    assert _pixel_bars(starts, ends, 0, 10_000_000, 1.0) == [(0.0, 2.0), (5.0, 1.0)]
    assert _pixel_bars(starts, ends, 0, 10_000_000, 0.2) == [(0.0, 1.0), (1.2, 0.8), (5.0, 1.0)]


def test_bars_are_cut_to_the_window_and_never_thinner_than_half_a_min_width():
    bars = _pixel_bars(
        np.array([0, 4_000_000]), np.array([3_000_000, 4_000_010]), 2_000_000, 9_000_000, 1.0
    )
    assert bars == [(2.0, 1.0), (4.0, 0.5)]
    assert _pixel_bars(np.array([], dtype=int), np.array([], dtype=int), 0, 1, 1.0) == []


intervals = st.lists(
    st.tuples(st.integers(0, 10**7), st.integers(0, 10**6)), min_size=1, max_size=60
)


@given(intervals, st.floats(0.001, 5.0))
def test_every_stretch_lies_in_one_bar_and_bars_do_not_touch(pairs, min_width):
    starts = np.array([s for s, _ in pairs])
    ends = starts + np.array([d for _, d in pairs])
    bars = _pixel_bars(starts, ends, 0, 2 * 10**7, min_width)
    for s, e in zip(starts / 1e6, ends / 1e6, strict=True):
        assert any(b <= s and e <= b + w + 1e-9 for b, w in bars)
    for (b1, w1), (b2, _) in itertools.pairwise(bars):
        assert b2 - (b1 + w1) > min_width / 2 - 1e-9
