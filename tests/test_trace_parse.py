"""The `go tool trace -d=parsed` parser and the Trace tables, on recorded real traces."""

from __future__ import annotations

import dataclasses
import gzip
import importlib
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

import gomemlab as gm
from gomemlab.trace import EventParser, parse, parse_events

trace_parse = importlib.import_module("gomemlab.trace.parse")  # the module, not the function
HEAP_OBJECTS = "/memory/classes/heap/objects:bytes"
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
    assert {
        "StateTransition",
        "Metric",
        "RangeBegin",
        "RangeEnd",
        "Label",
        "Sync",
        "TaskBegin",
        "TaskEnd",
        "RegionBegin",
        "RegionEnd",
        "Log",
    } == kinds


def test_text_lines_and_odd_chunks_parse_alike():
    text = _text("gomaxprocs1")
    whole = parse_events(text)
    lines = parse_events(line + "\n" for line in text.splitlines())
    parser = EventParser()
    all_lines = text.splitlines(keepends=True)
    for i in range(0, len(all_lines), 997):  # chunks that cut stack blocks apart
        parser.feed("".join(all_lines[i : i + 997]))
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
    text = (
        'M=1 P=0 G=1 Shiny Time=10 Colour="blue"\n'
        "Stack=\n\tmain.main @ 0x1\n\t\t/x/main.go:3\n\n"
        "M=1 P=0 G=1 Experimental Time=11 Name=AllocFree Args=[a=Value{Uint64(1)}]\n"
        "M=1 P=0 G=1 StackSample Time=12\n"
    )
    rows = parse_events(text).rows
    assert [(r[4], r[7]) for r in rows] == [
        ("other", "Shiny"),
        ("Experimental", "AllocFree"),
        ("StackSample", ""),
    ]
    assert rows[0][11] == 'Colour="blue"'


@pytest.mark.parametrize(
    ("text", "line_no", "why"),
    [
        ('M=1 P=0 G=1 Metric Time=5 Name="x"\n', 1, "malformed Metric"),
        ("M=1 P=0 G=1 Sync Time=5 N=1\nhello\n", 2, "not a `go tool trace"),
        ("\tmain.main @ 0x1\n", 1, "outside a stack block"),
        ("M=1 P=0 G=1 Sync Time=5 N=1\nStack=\n\tmain.main @ 0x1\n\n", 3, "lacks its file:line"),
        ("M=1 P=0 G=1 Sync Time=5 N=1\nStack=\n\tno address\n\t\tf.go:1\n\n", 3, "malformed stack"),
        ("M=x P=0 G=1 Sync Time=5\n", 1, "malformed event line"),
        ('M=1 P=0 G=1 StateTransition Time=5 GoID=1 Running Reason=""\n', 1, "StateTransition"),
    ],
)
def test_malformed_input_names_the_line(text, line_no, why):
    with pytest.raises(gm.ParseError, match=why) as caught:
        parse_events(text)
    assert caught.value.line_no == line_no


def test_frames_of_unknown_code_have_empty_names():
    # seen in real output: a goroutine woken from a system call with no symbolised PC
    text = (
        'M=1 P=1 G=7 StateTransition Time=5 GoID=6 Waiting->Runnable Reason=""\n'
        "Stack=\n\t @ 0x0\n\t\t:0\n\n"
    )
    parsed = parse_events(text)
    assert parsed.stacks == ((gm.trace.StackFrame("", "", 0),),) and parsed.stack == (0,)


def test_empty_input_is_an_empty_trace():
    trace = parse("")
    assert trace.events.empty and trace.gc.empty and trace.duration_ns == 0
    assert "0 GC cycles" in repr(trace)


FRAGMENTS = [
    "M=1 P=0 G=1 ",
    'Metric Time=5 Name="a" Value=Value{Uint64(3)}',
    'StateTransition Time=7 GoID=2 Running->Waiting Reason="x"',
    'RangeBegin Time=1 Name="GC mark assist" Scope=Goroutine(1)',
    'RangeEnd Time=2 Name="GC mark assist" Scope=Goroutine(1) Attributes=[]',
    "Stack=",
    "TransitionStack=",
    "\tf @ 0x1",
    "\t\tf.go:1",
    "",
    "\n",
    '"',
    "\\",
    "M=",
    "Time=",
    "=",
    "(",
    "Goroutine(",
    "\t",
    " ",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=30))
@example(["M=1 P=0 G=1 Sync Time=99999999999999999999999 N=1"])
@example(
    [
        "M=1 P=0 G=1 ",
        'Metric Time=5 Name="a" Value=Value{Uint64(3)}',
        "\n",
        "M=1 P=0 G=1 Sync Time=9223372036854775807 N=1",
    ]
)
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


def test_each_threads_heap_records_fall_only_across_a_recount_or_a_cache_flush(two):
    """A thread writes its heapLive records in the order it changed the count; the count falls
    only in resetLive (mark termination) and releaseAll (ReadMemStats flushes every cache), both
    with the world stopped (the arena experiment aside). So a fall between one thread's records
    spans one of those pauses; each recount is the first record of the thread that stopped the
    world, in the pause."""
    events = two.events
    records = events[(events.kind == "Metric") & (events.name == HEAP_OBJECTS)]
    flushes = two.pauses[two.pauses.reason.isin(["GC mark termination", "read mem stats"])]
    falls_seen = 0
    for _, own in records.groupby("m"):
        falls = own[own.value.diff() < 0]
        falls_seen += len(falls)
        for begin, end in zip(own.time.shift()[falls.index], falls.time, strict=True):
            assert ((flushes.start < end) & (flushes.end > begin)).any(), (begin, end)
    terminations = two.ranges[two.ranges.name == "stop-the-world (GC mark termination)"]
    assert falls_seen >= len(terminations) >= 3
    for pause in terminations.itertuples():
        inside = records[records.time.between(pause.start, pause.end)]
        own = inside[inside.m == pause.m]
        assert len(own) and own.value.iloc[0] == own.value.min() >= 2 << 20, inside  # -live 2
        before = records[records.time < pause.start].value.max()
        assert own.value.iloc[0] < before


def test_summary_and_html(two):
    html = two._repr_html_()
    for word in (
        "duration",
        "goroutines",
        "GOMAXPROCS",
        "threads",
        "GC cycles",
        "stop-the-world",
        "mark assists",
    ):
        assert word in html
    summary = two.summary().value
    assert summary["gc_cycles"] == 5 and summary["stw_total_ms"] > 0
    assert 0 < summary["stw_max_ms"] < summary["duration_ms"]
    assert set(two.summary().index) == set(gm.trace.SUMMARY_DOC)
    assert two.summary().meaning.notna().all()


def test_claim_checks_fail_readably(one):
    with pytest.raises(AssertionError, match="complete GC cycle"):
        one.expect_gc_cycles(100)
    with pytest.raises(AssertionError, match="mark assist"):
        one.expect_mark_assists(10_000)


def test_plots_have_titles_labels_and_zoom(two):
    start, end = two.cycle_window()
    assert 0 <= start < end <= two.duration_ns / 1e6
    for kind in gm.trace.PLOT_KINDS:
        fig = two.plot(kind, window=(start, end))
        assert isinstance(fig, Figure) and fig.canvas.manager is None  # not held by pyplot
        ax = fig.axes[0]
        assert ax.get_title().endswith("?") and "ms" in ax.get_xlabel()
        assert ax.get_xlim() == pytest.approx((start, end))
    labels = [t.get_text() for t in two.plot().axes[0].get_yticklabels()]
    assert labels == ["GC", "P0", "P1"]
    with pytest.raises(gm.UsageError, match="kind must be one of"):
        two.plot("pie")
    for window in ((5, 1), (0, float("nan")), "soon", (1,)):
        with pytest.raises(gm.UsageError, match="window"):
            two.plot(window=window)


@pytest.mark.live
def test_exercise_checks_on_a_recorded_trace(two):
    from gomemlab.trace import exercises

    busiest = int(two.assists.groupby("g").duration_ns.sum().idxmax())
    assert exercises.check_busiest_assister(two, busiest).passed
    wrong = exercises.check_busiest_assister(two, 1)
    assert isinstance(wrong, gm.checks.Verdict)
    assert not wrong.passed and "assisted" in wrong.message and "not yet" in wrong._repr_html_()
    longest = two.pauses.loc[two.pauses.duration_ns.idxmax()]
    assert exercises.check_longest_pause(two, longest.reason, longest.duration_ns / 1e6).passed
    assert not exercises.check_longest_pause(two, "start trace", 0.0).passed or (
        longest.reason == "start trace"
    )
    with pytest.raises(gm.UsageError, match="func work"):
        exercises.program_with_work("func other() {}")
    not_work = exercises.check_stack_buffers("func other() {}")  # no Go run: a "not yet"
    assert not not_work.passed and "func work" in not_work.message
    program = exercises.program_with_work("func work(item int) int { return item }")
    assert "func work(item int) int { return item }" in program.source("main.go")


def test_fast_paths_agree_with_the_general_parser():
    text = _text("gomaxprocs2")
    fast = parse_events(text).rows
    general = EventParser()
    slow = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if line.startswith("M="):
            found = trace_parse._EVENT.match(line + "\n")
            slow.append(general._event(found.groups(), line_no, line + "\n", 0))
    assert fast == tuple(slow)


# ---------------------------------------------------------------- issue 9: bad numbers, bytes
@pytest.mark.parametrize(
    "line",
    [
        "M=1 P=0 G=1 Sync Time=99999999999999999999999 N=1",
        'M=1 P=0 G=1 StateTransition Time=9223372036854775808 GoID=1 Running->Waiting Reason=""',
        'M=1 P=0 G=1 Metric Time=-99999999999999999999 Name="x" Value=Value{Uint64(1)}',
        "M=99999999999999999999 P=0 G=1 Sync Time=5 N=1",
        'M=1 P=0 G=1 StateTransition Time=5 GoID=99999999999999999999 Running->Waiting Reason=""',
        'M=1 P=0 G=1 RangeBegin Time=5 Name="x" Scope=Goroutine(99999999999999999999)',
        'M=1 P=0 G=1 TaskBegin Time=5 ID=99999999999999999999 Parent=0 Type="t"',
    ],
)
def test_a_number_beyond_int64_is_a_parse_error_naming_the_line(line):
    text = "M=1 P=0 G=1 Sync Time=1 N=0\n" + line + "\n"
    with pytest.raises(gm.ParseError, match="out of range") as caught:
        parse(text).summary()
    assert caught.value.line_no == 2 and caught.value.line == line


def test_a_negative_time_parses_as_go_tool_trace_prints_old_traces():
    # `go tool trace -d=parsed` on a Go 1.21 trace (converted from the old format) begins so
    trace = parse("M=-1 P=-1 G=-1 Sync Time=-1 N=1\nM=1 P=0 G=1 Sync Time=40 N=2\n")
    assert trace.t0 == -1 and trace.duration_ns == 41
    trace.summary()


def test_the_largest_int64_time_parses_and_tables_build():
    trace = parse("M=1 P=0 G=1 Sync Time=0 N=0\nM=1 P=0 G=1 Sync Time=9223372036854775807 N=1\n")
    assert trace.duration_ns == 2**63 - 1 and trace.events.time.iloc[-1] == 2**63 - 1
    trace.summary()


def test_bytes_are_decoded_like_the_tool_pipe():
    text = _text("gomaxprocs1")
    from_bytes = parse_events(text.encode())
    from_lines = parse_events(line.encode() for line in text.splitlines(keepends=True))
    assert from_bytes == parse_events(text) == from_lines
    odd = parse_events(b'M=1 P=0 G=1 Log Time=5 Task=0 Category="c" Message="\xff"\n')
    assert odd.rows[0][11] == "\ufffd"  # an invalid byte becomes U+FFFD, as `load` reads it


@pytest.mark.parametrize("source", [42, None, [1, 2], 3.5])
def test_a_source_that_is_not_text_is_a_usage_error(source):
    with pytest.raises(gm.UsageError, match="parse takes"):
        parse(source)


# ---------------------------------------------------------------- issue 8: one shape
def test_results_are_frozen_with_one_provenance(two):
    assert dataclasses.is_dataclass(two) and two.__dataclass_params__.frozen
    assert isinstance(two.provenance, gm.Provenance)
    with pytest.raises(dataclasses.FrozenInstanceError):
        two.label = "other"
    assert dataclasses.fields(two.parsed)  # the parser's output is frozen too
    with pytest.raises(dataclasses.FrozenInstanceError):
        two.parsed.lines = 0
    assert two.gc is not two.gc and two.gc.equals(two.gc)  # derived once, handed out as copies


def test_importing_the_topic_does_not_import_pyplot():
    code = "import sys, gomemlab.trace; print('matplotlib.pyplot' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


def test_run_arguments_are_validated_before_any_go_runs():
    for call, match in [
        (lambda: gm.trace.sample_args(items=0), "items"),
        (lambda: gm.trace.sample_args(items="many"), "items"),
        (lambda: gm.trace.sample_args(workers=-1), "workers"),
        (lambda: gm.trace.record(gomaxprocs=0), "gomaxprocs"),
        (lambda: gm.trace.record(gogc="abc"), "gogc"),
        (lambda: gm.trace.record(timeout=0), "timeout"),
        (lambda: gm.trace.record(args="-items 5"), "args"),
        (lambda: gm.trace.read("/nonexistent/t.trace"), "no trace file"),
        (lambda: gm.trace.read(FIXTURES / "gomaxprocs1.trace", timeout=-1), "timeout"),
    ]:
        with pytest.raises(gm.UsageError, match=match):
            call()


def test_web_without_a_file_is_a_usage_error(two):
    with pytest.raises(gm.UsageError, match="no trace file"):
        gm.trace.web(two)


def test_odd_events_between_common_ones_parse_as_the_general_step_reads_them():
    common = _text("gomaxprocs2").split("\n")[:400]
    odd = [
        "M=1 P=0 G=1 StateTransition Time=90000000000 GoID=7 Running->Waiting "
        'Reason="a \\"quoted\\" reason"',
        'M=1 P=0 G=1 Label Time=90000000001 Label="GC (dedicated)" Resource=Goroutine(7)',
        "",
        "M=1 P=0 G=1 Sync Time=90000000002 N=3",
    ]
    text = "\n".join(common[:150] + odd + common[150:]) + "\n"
    fast = parse_events(text)
    general = EventParser()
    slow = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if line.startswith("M="):
            found = trace_parse._EVENT.match(line + "\n")
            slow.append(general._event(found.groups(), line_no, line + "\n", 0))
    assert fast.rows == tuple(slow)
    assert fast.lines == len(text.splitlines())
    assert any(row[11] == 'a "quoted" reason' for row in fast.rows)
