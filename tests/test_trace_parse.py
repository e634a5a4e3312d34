"""The `go tool trace -d=parsed` parser and the Trace tables, on recorded real traces."""

from __future__ import annotations

import gzip
from pathlib import Path

import matplotlib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gomemlab as gm
from gomemlab.trace import EventParser, parse, parse_events

matplotlib.use("Agg")
FIXTURES = Path(__file__).parent / "fixtures" / "trace"


def _text(name: str) -> str:
    with gzip.open(FIXTURES / f"{name}.parsed.txt.gz", "rt") as f:
        return f.read()


@pytest.fixture(scope="module")
def two() -> gm.trace.Trace:
    return parse(_text("gomaxprocs2"), label="GOMAXPROCS=2")


@pytest.fixture(scope="module")
def one() -> gm.trace.Trace:
    return parse(_text("gomaxprocs1"), label="GOMAXPROCS=1")


# ---------------------------------------------------------------- the parser
def test_every_event_line_becomes_one_row_and_every_line_is_read():
    text = _text("gomaxprocs2")
    parsed = parse_events(text)
    event_lines = [line for line in text.splitlines() if line.startswith("M=")]
    assert len(parsed.rows) == len(event_lines) == 8592
    assert parsed.lines == len(text.splitlines())
    kinds = {row[4] for row in parsed.rows}
    assert {"StateTransition", "Metric", "RangeBegin", "RangeEnd", "Label", "Sync",
            "TaskBegin", "TaskEnd", "RegionBegin", "RegionEnd", "Log"} == kinds


def test_text_lines_and_odd_chunks_parse_alike():
    text = _text("gomaxprocs1")
    whole = parse_events(text)
    lines = parse_events(line + "\n" for line in text.splitlines())
    parser = EventParser()
    all_lines = text.splitlines(keepends=True)
    for i in range(0, len(all_lines), 997):  # chunks that cut stack blocks apart
        parser.feed("".join(all_lines[i:i + 997]))
    for other in (lines, parser.close()):
        assert other.rows == whole.rows
        assert other.stack == whole.stack and other.transition_stack == whole.transition_stack


def test_stacks_are_interned_and_read_as_frames(two):
    events = two.events
    log = events[events.kind == "Log"].iloc[0]
    assert (log["name"], log["text"]) == ("settings", "items=600 workers=2 live=2MiB")
    frames = two.stack(int(log["stack"]))
    assert [f.func for f in frames] == ["main.main"]  # the trace elides runtime/trace.Logf
    assert frames[-1].file.endswith("gosamples/trace/main.go") and frames[-1].line > 0
    assert len(two.stacks) < 200 < int((events["stack"] >= 0).sum())  # shared, not repeated


def test_fields_of_each_kind_are_typed(two):
    ev = two.events
    transition = ev[(ev.kind == "StateTransition") & (ev.resource == "goroutine")].iloc[0]
    assert transition.from_state and transition.to_state and transition.resource_id >= 0
    goal = ev[ev["name"] == "/gc/heap/goal:bytes"]
    assert (goal.value >= 4 << 20).all()
    stw = ev[(ev.kind == "RangeBegin") & ev["name"].str.startswith("stop-the-world")]
    assert set(stw.resource) == {"goroutine"}
    task = ev[ev.kind == "TaskBegin"].iloc[0]
    assert task["name"] == "pipeline" and task.task == 1 and task.value == 2.0**64 - 1
    assert ev.time.is_monotonic_increasing and ev.time.iloc[0] == 0


def test_a_range_already_active_when_the_trace_starts_is_cut(one):
    # the GC was marking when tracing began: its mark phase is a RangeActive, not a RangeBegin
    assert (one.events.kind == "RangeActive").sum() == 1
    first = one.ranges[one.ranges.name == "GC concurrent mark phase"].iloc[0]
    assert first.cut and first.start < 100_000  # at the first events: its begin is unknown
    assert not one.gc.complete.iloc[0] and one.gc.complete.iloc[1:].all()


def test_unknown_kinds_are_kept_as_other():
    text = ("M=1 P=0 G=1 Shiny Time=10 Colour=\"blue\"\n"
            "Stack=\n\tmain.main @ 0x1\n\t\t/x/main.go:3\n\n"
            "M=1 P=0 G=1 Experimental Time=11 Name=AllocFree Args=[a=Value{Uint64(1)}]\n"
            "M=1 P=0 G=1 StackSample Time=12\n")
    rows = parse_events(text).rows
    assert [(r[4], r[7]) for r in rows] == [("other", "Shiny"), ("Experimental", "AllocFree"),
                                           ("StackSample", "")]
    assert rows[0][11] == 'Colour="blue"'


@pytest.mark.parametrize(("text", "line_no", "why"), [
    ("M=1 P=0 G=1 Metric Time=5 Name=\"x\"\n", 1, "malformed Metric"),
    ("M=1 P=0 G=1 Sync Time=5 N=1\nhello\n", 2, "not a `go tool trace"),
    ("\tmain.main @ 0x1\n", 1, "outside a stack block"),
    ("M=1 P=0 G=1 Sync Time=5 N=1\nStack=\n\tmain.main @ 0x1\n\n", 3, "lacks its file:line"),
    ("M=1 P=0 G=1 Sync Time=5 N=1\nStack=\n\tno address\n\t\tf.go:1\n\n", 3, "malformed stack"),
    ("M=x P=0 G=1 Sync Time=5\n", 1, "malformed event line"),
    ("M=1 P=0 G=1 StateTransition Time=5 GoID=1 Running Reason=\"\"\n", 1, "StateTransition"),
])
def test_malformed_input_names_the_line(text, line_no, why):
    with pytest.raises(gm.ParseError, match=why) as caught:
        parse_events(text)
    assert caught.value.line_no == line_no


def test_frames_of_unknown_code_have_empty_names():
    # seen in real output: a goroutine woken from a system call with no symbolised PC
    text = "M=1 P=1 G=7 StateTransition Time=5 GoID=6 Waiting->Runnable Reason=\"\"\n" \
           "Stack=\n\t @ 0x0\n\t\t:0\n\n"
    parsed = parse_events(text)
    assert parsed.stacks == [(gm.trace.Frame("", "", 0),)] and parsed.stack == [0]


def test_empty_input_is_an_empty_trace():
    trace = parse("")
    assert trace.events.empty and trace.gc.empty and trace.duration_ns == 0
    assert "0 GC cycles" in repr(trace)


FRAGMENTS = ["M=1 P=0 G=1 ", "Metric Time=5 Name=\"a\" Value=Value{Uint64(3)}",
             "StateTransition Time=7 GoID=2 Running->Waiting Reason=\"x\"",
             "RangeBegin Time=1 Name=\"GC mark assist\" Scope=Goroutine(1)",
             "RangeEnd Time=2 Name=\"GC mark assist\" Scope=Goroutine(1) Attributes=[]",
             "Stack=", "TransitionStack=", "\tf @ 0x1", "\t\tf.go:1", "", "\n", "\"", "\\",
             "M=", "Time=", "=", "(", "Goroutine(", "\t", " "]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=30))
def test_garbage_parses_or_raises_parse_error(pieces):
    text = "".join(pieces)
    try:
        trace = parse(text)
    except gm.ParseError as error:
        assert error.line_no is not None
    else:
        trace.summary()  # derived tables never crash on what the parser accepted


# ---------------------------------------------------------------- the Trace tables
def test_gc_cycles_have_two_short_pauses_around_a_long_concurrent_mark(two, one):
    for trace in (two, one):
        gc = trace.gc[trace.gc.complete]
        assert len(gc) >= 3
        assert (gc.sweep_term_start < gc.mark_start).all()
        assert (gc.mark_start <= gc.mark_end).all() and (gc.mark_end <= gc.end).all()
        assert (trace.pauses.cycle.value_counts() <= 2).all()
        trace.expect_gc_cycles(3).expect_stw_shorter_than_mark().expect_user_ran_during_mark()
        assert gc.reclaimed_bytes.sum() > 0  # sweeping gave memory back


def test_goroutines_are_classified_by_their_entry_function(two):
    names = dict(zip(two.goroutines.g, two.goroutines.name, strict=True))
    kinds = two.goroutine_kinds
    workers = [g for g, name in names.items() if name == "main.pipeline.func1"]
    assert len(workers) == 2 and all(kinds[g] == "user" for g in workers)
    assert kinds[1] == "user" and names[1] == "main.main"
    marks = [g for g, name in names.items() if name == "runtime.gcBgMarkWorker"]
    assert marks and all(kinds[g] == "gc" for g in marks)
    assert kinds[next(g for g, n in names.items() if n == "runtime.bgsweep")] == "runtime"


def test_processors_threads_and_parallelism(two, one):
    assert (two.gomaxprocs, one.gomaxprocs) == (2, 1)
    assert set(two.running.p) == {0, 1} and set(one.running.p) == {0}
    assert two.max_parallel("user") == 2 and two.parallel_ns("user") > 0
    assert one.max_parallel(None) == 1 and one.parallel_ns(None) == 0
    one.expect_at_most_parallel(1)
    with pytest.raises(AssertionError, match="at most 1 user goroutine"):
        one.expect_parallel(2)
    assert two.threads >= 2 and one.threads >= 1


def test_states_are_consistent_intervals(two):
    states = two.states
    assert set(states.state) <= {"Running", "Runnable", "Waiting", "Syscall"}
    assert (states.duration_ns >= 0).all()
    running = states[states.state == "Running"]
    assert (running.p >= 0).all()
    for _, group in running.groupby("p"):  # a P runs one goroutine at a time
        group = group.sort_values("start")
        assert (group.start.iloc[1:].to_numpy() >= group.end.iloc[:-1].to_numpy()).all()
    counts = two.counts
    assert (counts[["Running", "Runnable", "Waiting"]] >= 0).all().all()
    assert counts.Running.max() <= 2


def test_mark_assists_and_heap_metrics(two):
    assists = two.assists
    assert len(assists) > 0 and set(assists.kind) <= {"user", "runtime", "gc"}
    two.expect_mark_assists()
    heap = two.heap.dropna()
    assert heap.time.is_monotonic_increasing
    assert (heap.heap_goal >= 4 << 20).all() and heap.heap_objects.max() > 2 << 20


def test_summary_and_html(two):
    html = two._repr_html_()
    for word in ("duration", "goroutines", "GOMAXPROCS", "threads", "GC cycles",
                 "stop-the-world", "mark assists"):
        assert word in html
    summary = two.summary()
    assert summary["gc_cycles"] == 5 and summary["stw_total_ms"] > 0
    assert 0 < summary["stw_max_ms"] < summary["duration_ms"]


def test_claim_checks_fail_readably(one):
    with pytest.raises(AssertionError, match="complete GC cycle"):
        one.expect_gc_cycles(100)
    with pytest.raises(AssertionError, match="mark assist"):
        one.expect_mark_assists(10_000)


def test_plots_have_titles_labels_and_zoom(two):
    start, end = two.cycle_window()
    assert 0 <= start < end <= two.duration_ns / 1e6
    for what in ("timeline", "states", "heap"):
        fig = two.plot(what, window=(start, end))
        ax = fig.axes[0]
        assert ax.get_title().endswith("?") and "ms" in ax.get_xlabel()
        assert ax.get_xlim() == pytest.approx((start, end))
    labels = [t.get_text() for t in two.plot().axes[0].get_yticklabels()]
    assert labels == ["GC", "P0", "P1"]
    with pytest.raises(ValueError, match="plot what"):
        two.plot("pie")


def test_exercise_checks_on_a_recorded_trace(two):
    from gomemlab.trace import exercises

    busiest = int(two.assists.groupby("g").duration_ns.sum().idxmax())
    assert exercises.check_busiest_assister(two, busiest).passed
    wrong = exercises.check_busiest_assister(two, 1)
    assert not wrong.passed and "assisted" in wrong.message and "not yet" in wrong._repr_html_()
    longest = two.pauses.loc[two.pauses.duration_ns.idxmax()]
    assert exercises.check_longest_pause(two, longest.reason, longest.duration_ns / 1e6).passed
    assert not exercises.check_longest_pause(two, "start trace", 0.0).passed or (
        longest.reason == "start trace")
    with pytest.raises(ValueError, match="func work"):
        exercises.program_with_work("func other() {}")
    program = exercises.program_with_work("func work(item int) int { return item }")
    assert "func work(item int) int { return item }" in program.source("main.go")


def test_fast_paths_agree_with_the_general_parser():
    from gomemlab.trace import reader

    text = _text("gomaxprocs2")
    fast = parse_events(text).rows
    general = EventParser()
    slow = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if line.startswith("M="):
            found = reader._EVENT.match(line + "\n")
            slow.append(general._event(found.groups(), line_no, line + "\n", 0))
    assert fast == slow
