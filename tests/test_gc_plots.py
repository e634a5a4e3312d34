"""07's trade-off plot: labelled round ticks on its log axis, every GOGC label inside the axes."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gomemlab.errors import UsageError
from gomemlab.gc import plots

# the four runs of a sweep (GOGC 25, 100, 400, off) as one measured them under load
SWEEP = pd.DataFrame(
    {
        "GOGC": [25, 100, 400, "off"],
        "peak_heap_mib": [37.0, 54.0, 100.0, 146.2],
        "gc_cpu_pct": [42.0, 34.3, 3.3, 0.0],
        "gc_share_pct": [46.4, 36.9, 5.1, 0.0],
    }
)
MODEL = pd.DataFrame(
    {
        "GOGC": [25, 50, 100, 200, 400, "off"],
        "peak_mib": [24.2, 28.2, 36.2, 52.2, 84.2, 148.2],
        "gc_cpu_pct": [90.7, 82.5, 68.8, 48.5, 23.9, 0.0],
    }
)


@pytest.mark.parametrize("model", [None, MODEL])
def test_tradeoff_ticks_are_round_and_its_labels_stay_inside(model):
    fig = plots.tradeoff(SWEEP, y="gc_share_pct", model=model)
    ax = fig.axes[0]
    fig.canvas.draw()
    low, high = ax.get_xlim()
    ticks = [t for t in ax.get_xticks() if low <= t <= high]
    assert 3 <= len(ticks) <= 8, ticks  # issue 22: 40, 50, ... 90 each labelled, crowded
    assert [label.get_text() for label in ax.get_xticklabels()][: len(ticks)] == [
        f"{t:g}" for t in ticks
    ]
    assert all(label.get_text() == "" for label in ax.xaxis.get_minorticklabels())
    inside = ax.get_window_extent()
    for text in ax.texts:  # issue 22: "GOGC=off" was cut at the right edge
        box = text.get_window_extent()
        assert inside.x0 <= box.x0 and box.x1 <= inside.x1, (text.get_text(), box, inside)


def test_log_ticks():
    assert plots.log_ticks(33, 165) == [40, 50, 70, 100, 150]  # too few at 1, 2, 5: denser
    assert plots.log_ticks(20, 300) == [20, 50, 100, 200]
    assert plots.log_ticks(40, 45) == [40, 45]  # no round value between: the ends
    with pytest.raises(UsageError, match="0 < low <= high"):
        plots.log_ticks(0, 10)


@given(st.floats(0.01, 1e6), st.floats(1.0, 1e3))
def test_log_ticks_lie_in_the_span_in_order(low, ratio):
    ticks = plots.log_ticks(low, low * ratio)
    assert ticks == sorted(ticks) and len(ticks) >= 1
    assert all(low * 0.95 <= t <= low * ratio * 1.05 for t in ticks)
