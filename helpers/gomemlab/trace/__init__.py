"""Execution traces: record one from a Go program, parse `go tool trace -d=parsed`, and see
goroutines, processors, threads and GC cycles as tables and timelines.

    t = gm.trace.run("trace", gomaxprocs=2)   # run the sample with -trace, parse -> Trace
    t.gc, t.running, t.states, t.heap         # tables (see FRAME_DOC)
    t.plot("timeline", window=(t0, t1))       # one lane per P, GC marks and pauses
    ui = t.web(); ui.stop()                   # `go tool trace` in the browser
    t = gm.trace.parse(text)                  # pure parser (text or lines) -> Trace
"""

from . import exercises
from .model import FRAME_DOC, KINDS, Trace, parse
from .plots import heap, state_counts, timeline
from .reader import EventParser, Frame, ParsedEvents, parse_events
from .run import load, record, run, sample_args

__all__ = [
    "FRAME_DOC", "KINDS", "EventParser", "Frame", "ParsedEvents", "Trace", "exercises", "heap",
    "load", "parse", "parse_events", "record", "run", "sample_args", "state_counts", "timeline",
]
