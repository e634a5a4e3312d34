"""The GC guide's cost model against values worked out by hand, and its widget."""

from __future__ import annotations

import math

import pytest

import gomemlab as gm
from gomemlab.gc import Phase, heap_goal, simulate

EXACT = {"scan_mib_s": 1000.0, "fixed_cost_s": 0.0}


def test_heap_goal_by_hand():
    assert heap_goal(10, 100) == 20
    assert heap_goal(10, 50) == 15
    assert heap_goal(1, 100) == 4  # floored at 4 MiB
    assert heap_goal(10, 100, memlimit_mib=15, other_mib=2) == 13  # capped at limit − other
    assert heap_goal(10, "off") == math.inf
    assert heap_goal(10, "off", memlimit_mib=30) == 30


def test_steady_phase_by_hand():
    # live 10 MiB, GOGC=100: goal 20, so a GC after every 10 MiB = 1 s at 10 MiB/s;
    # GCs at 1, 2, ..., 9 s of program time, each marking 10 MiB at 1000 MiB/s = 10 ms.
    r = simulate([Phase(9.5, 10)], initial_live_mib=10, **EXACT)
    assert r.cycles == 9
    assert r.gc_seconds == pytest.approx(0.09)
    assert r.wall_seconds == pytest.approx(9.59)
    assert r.gc_cpu_pct == pytest.approx(100 * 0.09 / 9.59)
    assert r.peak_mib == pytest.approx(20)
    assert not r.thrashing


def test_fixed_cost_is_paid_per_cycle():
    r = simulate([Phase(9.5, 10)], initial_live_mib=10, scan_mib_s=1000, fixed_cost_s=0.005)
    assert r.gc_seconds == pytest.approx(9 * 0.015)


def test_result_is_frozen():
    r = simulate([Phase(1, 10)], **EXACT)
    with pytest.raises(AttributeError):
        r.cycles = 0
    assert r.summary().cycles.iloc[0] == r.cycles
    assert r.plot().axes[0].get_title().startswith("Model, GOGC=100")


def test_memory_limit_by_hand():
    # goal = min(20, 15 − 2) = 13: a GC every 3 MiB = 0.3 s -> 31 GCs in 9.5 s; peak 13 + 2.
    r = simulate([Phase(9.5, 10)], initial_live_mib=10, memlimit_mib=15, other_mib=2, **EXACT)
    assert r.cycles == 31
    assert r.peak_mib == pytest.approx(15)
    assert r.frame.other_mib.eq(2).all()


def test_floor_of_four_mib():
    r = simulate([Phase(0.9, 8)], **EXACT)  # goal 4 MiB from an empty heap: one GC at 0.5 s
    assert r.cycles == 1 and r.peak_mib == pytest.approx(4)


def test_gogc_off_never_collects():
    r = simulate([Phase(2, 10)], gogc="off", initial_live_mib=5, **EXACT)
    assert r.cycles == 0 and r.gc_cpu_pct == 0 and r.peak_mib == pytest.approx(25)


def test_live_heap_carries_over_between_phases():
    # A: GC at 1 s marks 10 + 0.5 × 10 = 15 (goal 30); 0.5 s more adds 5 MiB (2.5 surviving).
    # B: room 30 − 15 − 5 = 10 -> GC after 1 s marks 15 + 2.5 = 17.5; then 10 MiB more, no GC.
    r = simulate([Phase(1.5, 10, survival=0.5), Phase(2, 10)], initial_live_mib=10, **EXACT)
    assert r.cycles == 2
    assert r.gc_seconds == pytest.approx((15 + 17.5) / 1000)
    last = r.frame.iloc[-1]
    assert last.live_mib == pytest.approx(17.5) and last.new_mib == pytest.approx(10)
    assert r.peak_mib == pytest.approx(30)


def test_old_heap_dies_evenly_over_the_phase():
    # half of the 10 MiB live at the phase's start dies over its 2 s: 2.5 MiB/s.
    # GC 1 at 1 s (goal 20): live 10 − 2.5 = 7.5, goal 15; GC 2 after 7.5 MiB more, at
    # 1.75 s: live 7.5 − 0.75 × 2.5 = 5.625; the last 0.25 s of deaths wait for a next GC.
    r = simulate([Phase(2, 10, old_death=0.5)], initial_live_mib=10, **EXACT)
    assert r.cycles == 2
    after = r.frame[~r.frame.in_gc].live_mib.unique().tolist()
    assert after == pytest.approx([10, 7.5, 5.625])


def test_goal_floor_and_runway_by_hand():
    assert heap_goal(0, "off", memlimit_mib=3) == 3  # GOGC off: no 4 MiB floor
    assert heap_goal(1, 100, memlimit_mib=3) == 4  # the floor wins over the limit
    assert heap_goal(10, 100, memlimit_mib=8) == 10 + 1 / 16  # at least 64 KiB of room
    assert heap_goal(10, 100, roots_mib=4) == 24  # the runtime's formula, on request
    assert heap_goal(0, 50, roots_mib=0) == 2  # whose floor is 4 MiB × GOGC/100


def test_limit_below_live_thrashes_but_ends():
    r = simulate([Phase(1, 10)], initial_live_mib=10, memlimit_mib=8, **EXACT)
    assert r.thrashing and r.cycles > 100 and r.gc_cpu_pct > 50


def test_bad_phases_are_rejected():
    with pytest.raises(ValueError):
        Phase(1, 10, survival=2)
    with pytest.raises(ValueError):
        Phase(-1, 10)
    with pytest.raises(ValueError):
        Phase(1, 10, old_death=1.5)


def test_calibrate_on_recorded_cycles(fixture_text):
    frame = gm.gc.parse_gctrace(fixture_text("gc/gctrace_gogc100.txt")).frame
    fit = gm.gc.calibrate(frame)
    auto = frame[~frame.forced]
    mark_s = (auto.cpu_assist_ms + auto.cpu_background_ms).sum() / 1000
    assert fit["scan_mib_s"] == pytest.approx(auto.heap_live_mib.sum() / mark_s)
    assert fit["fixed_cost_s"] > 0


def test_explorer_sliders_rerun_the_model():
    wl = gm.gc.Workload(
        (Phase(1, 100),), initial_live_mib=16, other_mib=4, scan_mib_s=1000, fixed_cost_s=0.001
    )
    e = gm.gc.explorer(wl)
    assert e.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    at100 = e.result
    assert "GOGC=100" in e.text.value
    assert int(e.gogc.layout.width.removesuffix("px")) >= 400  # wide enough to aim with
    e.gogc.value = 400
    assert e.result.cycles < at100.cycles and e.result.peak_mib > at100.peak_mib
    e.limit_on.value = True
    e.limit.value = 30
    assert e.result.peak_mib <= 30 + 1e-9 and "limit 30 MiB" in e.text.value
    e.limit.value = 10  # below live + other: the model thrashes and says so
    assert e.result.thrashing and "thrashing" in e.text.value and "the limit" in e.text.value


def test_thrashing_without_a_limit_blames_gogc_not_a_limit():
    e = gm.gc.guide_explorer(1, gogc=1)
    assert e.result.thrashing and "GOGC=1 puts the goal" in e.text.value
    assert "limit" not in e.text.value


def test_guide_explorer_keeps_its_axes():
    e = gm.gc.guide_explorer(5)
    assert e.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    steps = gm.gc.costmodel.guide_gogc_steps()
    assert len(e.gogc.options) == len(steps) == 2001
    assert tuple(dict.fromkeys(value for _, value in e.gogc.options)) == (
        gm.gc.costmodel.guide_gogc_values()
    )
    # a log slider as the guide's (issue 22: 1-100 took its first seventh, in 124 px)
    assert steps.index(100) / len(steps) > 0.6 and steps.index(10) / len(steps) > 0.3
    assert int(e.gogc.layout.width.removesuffix("px")) >= 400
    first = e.axes_limits
    at100 = e.result
    for gogc in (50, 200, 400):  # within the range the axes were made for
        e.gogc.value = gogc
        assert e.axes_limits == first
        assert e.result.peak_mib <= first[1] and e.result.wall_seconds <= first[0]
    e.gogc.value = 100
    e.limit.value = 45.0  # below GOGC's peak: the limit holds the peak at the limit
    assert at100.peak_mib > 45 and e.result.peak_mib == pytest.approx(45)
    assert e.axes_limits[1] == first[1]
    with pytest.raises(gm.UsageError):
        gm.gc.guide_explorer(6)
