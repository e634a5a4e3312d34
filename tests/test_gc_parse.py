"""gctrace and runtime/metrics parsers, on recorded runs and hand-written old formats."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gomemlab as gm
from gomemlab.errors import ParseError


def test_recorded_run_parses_every_line(fixture_text):
    log = gm.gc.parse_gctrace(fixture_text("gc/gctrace_gogc100.txt"))
    f = log.frame
    n = len(fixture_text("gc/gctrace_gogc100.txt").splitlines())
    assert len(log) == n and log.other_count == 0
    assert f.cycle.tolist() == list(range(1, n + 1))
    assert f.t_s.is_monotonic_increasing
    assert set(f.format) == {"go1.18+"} and set(f.procs) == {2}
    # only the last cycle is the runtime.GC() call the run asked for (-forced 1)
    assert f.forced.tolist() == [False] * (n - 1) + [True]
    assert (f.stw_ms - f.clock_sweep_term_ms - f.clock_mark_term_ms).abs().max() < 1e-12
    assert (f.heap_live_mib <= f.heap_end_mib).all()


def test_first_line_field_by_field():
    line = (
        "gc 7 @0.203s 13%: 0.12+29+0.12 ms clock, 0.25+1.9/13/0.14+0.25 ms cpu, "
        "43->49->24 MB, 50 MB goal, 1 MB stacks, 2 MB globals, 2 P"
    )
    c = gm.gc.parse_gctrace(line).cycles[0]
    assert (c.cycle, c.t_s, c.cpu_pct) == (7, 0.203, 13)
    assert (c.clock_sweep_term_ms, c.clock_mark_ms, c.clock_mark_term_ms) == (0.12, 29, 0.12)
    assert (
        c.cpu_sweep_term_ms,
        c.cpu_assist_ms,
        c.cpu_background_ms,
        c.cpu_idle_ms,
        c.cpu_mark_term_ms,
    ) == (0.25, 1.9, 13, 0.14, 0.25)
    assert (c.heap_start_mib, c.heap_end_mib, c.heap_live_mib, c.goal_mib) == (43, 49, 24, 50)
    assert (c.stacks_mib, c.globals_mib, c.procs, c.forced) == (1, 2, 2, False)
    assert c.stw_ms == pytest.approx(0.24)


def test_old_formats_and_other_lines(fixture_text):
    log = gm.gc.parse_gctrace(fixture_text("gc/handwritten_old_formats.txt"))
    f = log.frame
    assert f.format.tolist() == [
        "go1.3-1.4",
        "go1.5-1.6",
        "go1.5-1.6",
        "go1.7-1.17",
        "go1.7-1.17",
        "go1.18+",
        "go1.18+",
        "go1.1-1.2",
    ]
    assert f.forced.tolist() == [False, False, True, False, True, False, False, False]
    go12 = log.cycles[-1]
    assert (go12.cycle, go12.procs, go12.stw_ms, go12.heap_start_mib) == (3, 2, 3.0, 4)
    assert [o.text for o in log.others] == [
        "scvg0: inuse: 21, idle: 19, sys: 40, released: 0, consumed: 40 (MB)",
        "GC forced",
        "listening on 127.0.0.1:8080",
    ]
    assert [o.line_no for o in log.others] == [6, 7, 10]
    go14 = log.cycles[0]
    assert (go14.cycle, go14.procs, go14.heap_start_mib, go14.heap_end_mib) == (7, 4, 12, 24)
    assert go14.stw_ms == pytest.approx(2.504) and math.isnan(go14.t_s)
    go15 = log.cycles[1]  # five clock phases: the middle three are concurrent
    assert go15.clock_mark_ms == pytest.approx(14 + 0.5 + 3.2)
    assert go15.stw_ms == pytest.approx(2.1 + 1.8)
    assert (
        go15.cpu_sweep_term_ms,
        go15.cpu_assist_ms,
        go15.cpu_idle_ms,
        go15.cpu_mark_term_ms,
    ) == (8.4, 6.0, 0.25, 7.2)
    assert go15.cpu_background_ms == pytest.approx(2.5 + 14 + 0)
    assert math.isnan(log.cycles[3].stacks_mib) and log.cycles[6].globals_mib == 1
    assert log.cycles[6].leak_check and not log.cycles[5].leak_check


@pytest.mark.parametrize(
    "bad",
    [
        "gc 3 @0.1s 2%: garbage",
        "gc 3 @0.1s 2%: 0.1+2 ms clock, 0.2+1/1/1+0.1 ms cpu, 4->4->2 MB, 4 MB goal, 2 P",
        "gc 3 @0.1s 2%: 0.1+2+0.1 ms clock, 0.2+0.1+1/1/1+0.1 ms cpu, 4->4->2 MB, 4 MB goal, 2 P",
        "gc12(8): 1+2 us",
        "gc12(8): 1+2 ns, 4 -> 2 MB",
    ],
)
def test_broken_trace_line_names_the_line(bad):
    with pytest.raises(ParseError) as err:
        gm.gc.parse_gctrace("hello\n" + bad + "\n")
    assert err.value.line_no == 2 and err.value.line == bad


def test_fast_and_line_by_line_paths_agree(fixture_text):
    text = fixture_text("gc/gctrace_gogc100.txt")  # trace lines only: the whole-text path
    fast = gm.gc.parse_gctrace(text).frame
    mixed = gm.gc.parse_gctrace("program says hi\n" + text)  # one other line: line by line
    slow = mixed.frame
    assert mixed.other_count == 1 and (slow.line_no == fast.line_no + 1).all()
    pd.testing.assert_frame_equal(fast.drop(columns="line_no"), slow.drop(columns="line_no"))
    assert mixed.cycles[3].heap_live_mib == fast.heap_live_mib[3]


def test_bad_number_in_a_pure_trace_names_the_line():
    good = "gc 1 @0.001s 1%: 0.1+1+0.1 ms clock, 0.2+0/1/0+0.2 ms cpu, 4->4->1 MB, 4 MB goal, 2 P"
    with pytest.raises(ParseError) as err:
        gm.gc.parse_gctrace(good + "\n" + good.replace("0.1+1", "0.1.1+1") + "\n")
    assert err.value.line_no == 2


def test_cut_off_last_line_is_kept_not_fatal(fixture_text):
    # seen live: the program exited while the runtime was printing a cycle's line
    text = fixture_text("gc/gctrace_gogc100.txt") + "gc 17 @1.2s 8%: 0.11+14+"
    log = gm.gc.parse_gctrace(text)
    assert len(log) == len(text.splitlines()) - 1
    assert [(o.kind, o.text) for o in log.others] == [("truncated", "gc 17 @1.2s 8%: 0.11+14+")]
    with pytest.raises(ParseError):  # the same line anywhere else is malformed
        gm.gc.parse_gctrace(text + "\n")
    assert gm.gc.parse_gctrace("gc ").others[0].kind == "truncated"  # cut after the first word


def test_empty_and_crlf():
    assert len(gm.gc.parse_gctrace("")) == 0
    assert gm.gc.parse_gctrace("").frame.empty
    text = (
        "gc 1 @0.001s 1%: 0.1+1+0.1 ms clock, 0.2+0/1/0+0.2 ms cpu, 4->4->1 MB, 4 MB goal, 2 P\r\n"
    )
    assert len(gm.gc.parse_gctrace(text)) == 1


def test_goal_formula_on_recorded_runs(fixture_text):
    for name, gogc in (("gctrace_gogc100.txt", 100), ("gctrace_gogc25_procs1.txt", 25)):
        table = (
            gm.gc.parse_gctrace(fixture_text(f"gc/{name}"))
            .expect_goal_formula(gogc)
            .goal_check(gogc)
        )
        assert len(table) >= 10


def test_goal_formula_counts_roots_and_the_minimum(fixture_text):
    # 32 MiB of pointer globals and almost nothing live: the roots set the goal
    roots = gm.gc.parse_gctrace(fixture_text("gc/gctrace_globals32.txt"))
    assert set(roots.frame.globals_mib) == {32} and (roots.frame.goal_mib >= 32).all()
    assert roots.expect_goal_formula(100).goal_check(100).ok.all()
    assert [o.text for o in roots.others] == ["16384 true"]  # the program's println
    # nothing live: every goal is the 4 MiB minimum, which the check must accept
    tiny = gm.gc.parse_gctrace(fixture_text("gc/gctrace_tiny_heap.txt"))
    table = tiny.expect_goal_formula(100).goal_check(100)
    assert (table[table.prev_live_mib == 0].goal_mib == 4).all()


def test_goal_check_by_hand():
    frame = pd.DataFrame(
        {
            "cycle": [1, 2, 3],
            "heap_live_mib": [10.0, 0.0, 2.0],
            "stacks_mib": [1.0, 0.0, 0.0],
            "globals_mib": [2.0, 0.0, 0.0],
            "goal_mib": [4.0, 23.0, 4.0],
        }
    )
    t = gm.gc.goal_check(frame, 100)
    # live 10 + (10 + 1 + 2) × 1 = 23, up to 11 + (11 + 2 + 3) = 27 with rounding
    assert (t.predicted_low_mib[0], t.predicted_high_mib[0], t.ok[0]) == (23, 26, True)
    # live 0: the 4 MiB minimum, up to 1 + (1 + 0 + 2) = 4 with rounding
    assert (t.predicted_low_mib[1], t.predicted_high_mib[1], t.ok[1]) == (4, 4, True)


def test_goal_formula_catches_a_wrong_gogc(fixture_text):
    log = gm.gc.parse_gctrace(fixture_text("gc/gctrace_gogc100.txt"))
    with pytest.raises(AssertionError, match="GOGC=50"):
        log.expect_goal_formula(50)


def test_metrics_fixture_joins_the_trace(fixture_text):
    m = gm.gc.parse_metrics(fixture_text("gc/metrics_gogc100.jsonl"))
    f = m.frame
    assert f.final.iloc[-1] and not f.final.iloc[:-1].any()
    n = len(fixture_text("gc/gctrace_gogc100.txt").splitlines())
    assert f.cycles.is_monotonic_increasing and f.cycles.iloc[-1] == n
    assert f.pauses.iloc[-1] >= 2 * n  # two stop-the-world pauses per cycle
    assert m.pauses["count"].sum() == f.pauses.iloc[-1]
    assert m.last["/gc/gogc:percent"] == 100
    assert 0 < m.gc_cpu_pct() < 100 and 0 < m.gc_share_pct() < 100
    log = gm.gc.parse_gctrace(fixture_text("gc/gctrace_gogc100.txt"))
    # the metrics' live heap after cycle n is gctrace's live MiB before rounding down
    first = f.groupby("cycles").first()
    checked = 0
    for c in log.cycles:
        if c.cycle in first.index:
            assert first.loc[c.cycle, "live_bytes"] // (1 << 20) == c.heap_live_mib
            checked += 1
    assert checked >= 5


def test_memory_limit_caps_the_goal(fixture_text):
    log = gm.gc.parse_gctrace(fixture_text("gc/gctrace_memlimit48.txt"))
    m = gm.gc.parse_metrics(fixture_text("gc/metrics_memlimit48.jsonl"))
    assert len(log) >= 5  # GOGC=off, yet the limit makes the GC run
    assert log.frame.goal_mib.max() < 48
    assert m.last["/gc/gomemlimit:bytes"] == 48 << 20
    # a soft limit: mapped minus released memory may overshoot while marking catches up
    assert (m.frame.limited_bytes <= m.frame.total_bytes).all()
    assert m.frame.limited_bytes.max() <= (48 << 20) * 1.5


@pytest.mark.parametrize(
    "bad", ['{"t_s": 1}', "not json", '{"t_s": 0, "values": {"a": "x"}, "pauses": []}']
)
def test_metrics_rejects_non_samples(bad):
    with pytest.raises(ParseError) as err:
        gm.gc.parse_metrics('{"t_s": 0, "values": {}, "pauses": []}\n' + bad)
    assert err.value.line_no == 2


TRACE_ALPHABET = st.sampled_from(list("gc @s%:+/->MBgoalPstackglobals()forced0123456789. \n#"))


@settings(max_examples=200, deadline=None)
@given(st.text(TRACE_ALPHABET, max_size=300) | st.text(max_size=200))
def test_garbage_parses_or_raises(text):
    try:
        log = gm.gc.parse_gctrace(text)
    except ParseError as err:
        assert err.line_no is not None
        return
    assert len(log) + log.other_count == len(text.splitlines())


@settings(max_examples=100, deadline=None)
@given(
    st.integers(1, 10**6),
    st.integers(0, 10**4),
    st.integers(0, 100),
    st.lists(st.integers(0, 10**5), min_size=6, max_size=6),
    st.booleans(),
    st.booleans(),
)
def test_generated_lines_round_trip(cycle, ms, pct, mib, roots, forced):
    a, b, c, goal, stacks, globals_ = mib
    line = (
        f"gc {cycle} @{ms / 1000:.3f}s {pct}%: 0.01+{ms}+0.02 ms clock, "
        f"0.02+1.5/{ms}/0+0.04 ms cpu, {a}->{b}->{c} MB, {goal} MB goal, "
        + (f"{stacks} MB stacks, {globals_} MB globals, " if roots else "")
        + "8 P"
        + (" (forced)" if forced else "")
    )
    cyc = gm.gc.parse_gctrace(line).cycles[0]
    assert (cyc.cycle, cyc.cpu_pct, cyc.clock_mark_ms, cyc.cpu_background_ms) == (
        cycle,
        pct,
        ms,
        ms,
    )
    assert (cyc.heap_start_mib, cyc.heap_end_mib, cyc.heap_live_mib, cyc.goal_mib) == (
        a,
        b,
        c,
        goal,
    )
    assert cyc.forced is forced and (
        cyc.stacks_mib == stacks if roots else math.isnan(cyc.stacks_mib)
    )


@settings(max_examples=100, deadline=None)
@given(st.text(st.sampled_from(list('{}[]":,0123456789.tnulfase_vpsi \n')), max_size=200))
def test_metrics_garbage_parses_or_raises(text):
    try:
        log = gm.gc.parse_metrics(text)
    except ParseError as err:
        assert err.line_no is not None
        return
    assert len(log.frame) == len([line for line in text.splitlines() if line.strip()])


def test_pause_plot_shows_every_pause_beside_a_long_one(fixture_text):
    """Issue 22: stacked on a log axis, a cycle's shorter pause was hidden under the other."""
    frame = gm.gc.parse_gctrace(fixture_text("gc/gctrace_gogc100.txt")).frame.copy()
    frame.loc[frame.index[0], "clock_mark_term_ms"] = 50.0  # one 50 ms pause, as seen under load
    fig = gm.gc.plots.pauses(frame)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and "log scale" in ax.get_ylabel()
    bars = [patch for container in ax.containers for patch in container]
    assert len(bars) == 2 * len(frame) and all(bar.get_y() == 0 for bar in bars)  # none stacked
    heights = sorted(bar.get_height() for bar in bars)
    wanted = sorted([*(frame.clock_sweep_term_ms * 1000), *(frame.clock_mark_term_ms * 1000)])
    assert heights == pytest.approx(wanted)
    quiet = gm.gc.plots.pauses(gm.gc.parse_gctrace(fixture_text("gc/gctrace_gogc100.txt")).frame)
    assert quiet.axes[0].get_yscale() == "linear" or "log scale" in quiet.axes[0].get_ylabel()
