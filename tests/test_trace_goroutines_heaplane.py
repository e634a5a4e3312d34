"""The heap lane under the timeline (`Trace.plot(heap=True)`): the heap and its goal from the
trace's metrics, on the same time axis as the goroutine lanes; on a recorded trace."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

import gomemlab as gm

FIXTURES = Path(__file__).parent / "fixtures" / "trace"


@pytest.fixture(scope="module")
def trace() -> gm.trace.Trace:
    with gzip.open(FIXTURES / "gomaxprocs2.parsed.txt.gz", "rt") as f:
        return gm.trace.parse(f)


def test_the_lane_shares_the_lanes_time_axis_and_draws_the_heap_and_goal(trace):
    window = trace.cycle_window()
    fig = trace.plot(window=window, heap=True)
    lanes, heap = fig.axes
    assert lanes.get_xlim() == heap.get_xlim() == pytest.approx(window)
    assert heap.get_shared_x_axes().joined(lanes, heap)
    lines = {line.get_label(): line for line in heap.get_lines()}
    assert set(lines) == {"heap in use", "heap goal"}
    shown = trace.heap[(trace.heap.time > window[0] * 1e6) & (trace.heap.time <= window[1] * 1e6)]
    drawn = lines["heap goal"].get_ydata()[1:]  # the first point: the value at the window start
    assert np.array_equal(drawn, shown.heap_goal / 2**20)
    assert lines["heap in use"].get_ydata()[1:].max() == shown.heap_objects.max() / 2**20


def test_the_text_alternative_names_both_panels(trace):
    text = gm.figures.describe(trace.plot(heap=True))
    assert "Heap in use and its goal" in text and "line heap goal" in text
    assert "processor (P)" in text


def test_without_the_option_the_timeline_is_one_panel(trace):
    assert len(trace.plot().axes) == 1
