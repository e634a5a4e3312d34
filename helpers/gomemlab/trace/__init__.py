"""Execution traces: record one from a Go program, parse `go tool trace -d=parsed`, and see
goroutines, processors, threads and GC cycles as tables and timelines.

    t = gm.trace.run("trace", gomaxprocs=2)   # run the sample with -trace, parse -> Trace
    t.gc, t.running, t.states, t.heap         # tables (see FRAME_DOC); t.summary()
    t.plot("timeline", window=(t0, t1))       # one lane per P, GC marks and pauses -> Figure
    t.plot(heap=True)                         # ... with a lane of the heap and its goal below
    gm.trace.mmu(t, windows, flags).plot()    # minimum mutator utilization, as Go computes it
    s = gm.trace.summarize(t)                 # goroutines, regions, tasks as `go tool trace`
    s.groups(); s.region_types(); s.task_types()   # its pages' tables, plus percentiles
    ui = gm.trace.web(t); ui.stop()           # `go tool trace` in the browser
    w = gm.trace.flight.run()                 # a flight recorder window caught after a spike
    t = gm.trace.parse(text)                  # pure parser (text, bytes or lines) -> Trace
"""

from . import exercises, flight
from .mmu import MMU, mmu
from .mmu import tool_flags as mmu_flags
from .parse import EventParser, parse_events
from .plots import heap, state_counts, timeline
from .records import EVENT_COLUMNS, EVENT_KINDS, ParsedEvents, StackFrame
from .result import FRAME_DOC, GOROUTINE_KINDS, PLOT_KINDS, SUMMARY_DOC, Trace, parse
from .run import Recording, load, read, record, run, sample_args
from .summary import Summary, summarize
from .tools import web

__all__ = [
    "EVENT_COLUMNS",
    "EVENT_KINDS",
    "FRAME_DOC",
    "GOROUTINE_KINDS",
    "MMU",
    "PLOT_KINDS",
    "SUMMARY_DOC",
    "EventParser",
    "ParsedEvents",
    "Recording",
    "StackFrame",
    "Summary",
    "Trace",
    "exercises",
    "flight",
    "heap",
    "load",
    "mmu",
    "mmu_flags",
    "parse",
    "parse_events",
    "read",
    "record",
    "run",
    "sample_args",
    "state_counts",
    "summarize",
    "timeline",
    "web",
]
