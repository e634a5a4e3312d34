"""`Trace`: an execution trace as tables (events, goroutine states, Ps, GC cycles, heap), with
a summary, claim checks and plots.

A `Trace` is frozen: it holds what the parser read and how it was made (`provenance`). Each
table is computed by a pure function of `analysis` on first use and kept private; every
public table is a copy. The web UI is `gm.trace.web(trace)` (`tools.py`): a result starts
nothing.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import pandas as pd

from .. import tables, validate
from ..deprecation import deprecated
from ..errors import UsageError
from ..provenance import Provenance
from ..result import FrameDoc, FrozenResult, table_property
from . import analysis
from .analysis import (  # noqa: F401  (the names' old home)
    GOMAXPROCS,
    HEAP_GOAL,
    HEAP_OBJECTS,
    MARK_ASSIST,
    MARK_PHASE,
    MARK_TERMINATION,
    SWEEP,
    SWEEP_TERMINATION,
)
from .parse import parse_events
from .records import ParsedEvents, StackFrame

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..webui import WebUI

GOROUTINE_KINDS = ("user", "gc", "runtime")
"""Goroutine kinds: your code, the GC's background mark workers, the rest of the runtime."""
PLOT_KINDS = ("timeline", "states", "heap")
"""What `Trace.plot(kind=...)` draws."""

FRAME_DOC = """\
Times are in nanoseconds since the first event of the trace (`time`, `start`, `end`);
durations end in `_ns`. m, p, g are -1 where the event has no thread, processor or goroutine.

events      time, m, p, g, kind (StateTransition, RangeBegin, RangeActive, RangeEnd, Metric,
            Label, Log, TaskBegin/End, RegionBegin/End, Sync, StackSample, Experimental or
            "other"), resource + resource_id (whose state changed / range scope / label
            target: goroutine, proc, none), name (range, metric, label, task/region type, log
            category; the original kind for "other"), from_state, to_state, value (metric
            value, task parent, sync number), text (transition reason, range attributes, log
            message, unparsed rest), task, line_no, stack, transition_stack (ids into .stacks)
states      g, state (Running, Runnable, Waiting, Syscall), start, end, duration_ns, p, m
            (where it ran: Running intervals only), reason (why it entered the state), kind
goroutines  g, name (entry function), kind (user, gc, runtime), running_ns, first_seen
running     one row per stretch a goroutine ran on a P: p, g, kind, name, start, end,
            duration_ns, m
procs       p, state (Running = a thread holds the P, Idle), start, end, duration_ns
ranges      name, scope, scope_id, start, end, duration_ns, g, p, m (of the begin event),
            attributes, cut (True: began before or ended after the trace)
gc          cycle, start, end, sweep_term_start, sweep_term_ns (STW), mark_start, mark_end,
            mark_ns (concurrent mark: the world runs), mark_term_start, mark_term_ns (STW),
            stw_ns, assists, assist_ns, swept_bytes, reclaimed_bytes (by the sweeps the trace
            records until the next cycle: those done by allocating goroutines; the background
            sweeper's are not traced), complete (both pauses and the mark seen)
pauses      every stop-the-world: reason, start, end, duration_ns, cycle (NaN: not GC)
assists     mark assists: g, kind, name, start, end, duration_ns, cycle
heap        time, heap_objects (the GC's count of the live heap: bytes marked by the last
            cycle plus those allocated since; falls at mark termination; each thread stamps
            its record when it writes it, so a suspended thread's record can show as a brief
            dip: `events` has each record's thread, m), heap_goal (bytes), gomaxprocs: each
            filled forward from the last metric event
counts      time, and the number of goroutines Running, Runnable, Waiting, Syscall at it
logs        time, g, task, category, message (runtime/trace.Log)"""


@dataclass(frozen=True, repr=False)
class Trace(FrozenResult):
    """A parsed execution trace. Tables are pandas DataFrames (see `FRAME_DOC`).

    `provenance`: the command that made the data (the traced program for `run`, `go tool trace
    -d=parsed` for `load`), the Go release, build and run seconds, and the trace file.
    """

    FRAME_DOC: ClassVar[FrameDoc] = FrameDoc(
        time="when the event happened, since the trace's first event (ns)",
        m="thread id (-1: none)",
        p="processor id (-1: none)",
        g="goroutine id (-1: none)",
        kind="StateTransition, RangeBegin, RangeActive, RangeEnd, Metric, Label, Log, ... "
        'or "other"',
        resource="whose state changed, a range's scope or a label's target: goroutine, proc, none",
        resource_id="that resource's id (-1: none)",
        name="range, metric, label, task or region type, log category (other: the kind read)",
        from_state="state before a transition (Running, Runnable, Waiting, Syscall, ...)",
        to_state="state after a transition",
        value="metric value, task parent or sync number (NaN: none)",
        text="transition reason, range attributes, log message or the unparsed rest",
        task="task id (0: none)",
        line_no="the event's line in `go tool trace -d=parsed` text (0: binary reader)",
        stack="id into `.stacks` of the event's stack (-1: none)",
        transition_stack="id into `.stacks` of the transitioned goroutine's stack (-1: none)",
    )
    """The columns of `.frame` (the events table); the other tables: module `FRAME_DOC`."""
    PLOT_KINDS: ClassVar[tuple[str, ...]] = PLOT_KINDS

    parsed: ParsedEvents
    file: Path | None = None
    label: str = ""
    program_output: str = ""
    provenance: Provenance = field(default_factory=Provenance)

    # ------------------------------------------------------------------ raw events
    @cached_property
    def _span(self) -> tuple[int, int]:
        return analysis.time_span(self.parsed.rows)

    @property
    def t0(self) -> int:
        """Absolute time of the first event (ns); every table's times are relative to it."""
        return self._span[0]

    @property
    def duration_ns(self) -> int:
        """Time from the first to the last event (ns)."""
        return self._span[1] - self._span[0]

    @table_property
    def events(self) -> pd.DataFrame:
        """One row per trace event, in trace order (columns in `FRAME_DOC`)."""
        return analysis.event_table(self.parsed, self.t0)

    @property
    def frame(self) -> pd.DataFrame:
        """The events table (one row per trace event; a copy, like every table here)."""
        return self.events

    @property
    def head(self) -> tuple[str, ...]:
        """The first lines of the `go tool trace -d=parsed` text this trace was read from."""
        return self.parsed.head

    @property
    def stacks(self) -> tuple[tuple[StackFrame, ...], ...]:
        """Every distinct stack of the trace (innermost frame first); events hold their ids."""
        return self.parsed.stacks

    def stack(self, stack_id: int) -> tuple[StackFrame, ...]:
        """The frames of a stack id (innermost first); () for -1."""
        return self.parsed.stacks[stack_id] if stack_id >= 0 else ()

    @cached_property
    def _by_kind(self) -> dict[str, list[tuple]]:
        """The rows each table reads, picked out once (a pass over the rows per group)."""
        return analysis.rows_by_kind(self.parsed.rows)

    # ------------------------------------------------------------------ goroutines
    @cached_property
    def goroutine_names(self) -> dict[int, str]:
        """Each goroutine's entry function: from its creation, else the bottom of a stack."""
        return analysis.goroutine_names(self.parsed)

    @cached_property
    def goroutine_kinds(self) -> dict[int, str]:
        """Each goroutine's kind (`GOROUTINE_KINDS`): GC mark worker, other runtime, or yours."""
        return analysis.goroutine_kinds(
            self._goroutine_ids, self.goroutine_names, self._by_kind["label"]
        )

    @cached_property
    def _goroutine_ids(self) -> list[int]:
        return analysis.goroutine_ids(self.parsed.rows, self._by_kind["goroutine"])

    @table_property
    def states(self) -> pd.DataFrame:
        """Goroutine state intervals (see `analysis.state_intervals`)."""
        return analysis.state_intervals(
            self._by_kind["goroutine"], *self._span, self.goroutine_kinds
        )

    @table_property
    def goroutines(self) -> pd.DataFrame:
        """One row per goroutine: its entry function, kind, time running, first seen."""
        return analysis.goroutine_table(
            self._private("states"), self._goroutine_ids, self.goroutine_names, self.goroutine_kinds
        )

    @table_property
    def running(self) -> pd.DataFrame:
        """Who ran where: one row per stretch a goroutine held a P."""
        return analysis.running_table(self._private("states"), self.goroutine_names)

    @table_property
    def procs(self) -> pd.DataFrame:
        """P state intervals (Running: held by a thread, Idle)."""
        return analysis.proc_intervals(self._by_kind["proc"], *self._span)

    @table_property
    def counts(self) -> pd.DataFrame:
        """How many goroutines were in each state, after every change (a step function)."""
        return analysis.state_counts(self._private("states"))

    # ------------------------------------------------------------------ ranges and GC
    @table_property
    def ranges(self) -> pd.DataFrame:
        """Ranges (stop-the-world, GC mark phase, mark assists, sweeps, ...) as intervals."""
        return analysis.range_intervals(self._by_kind["range"], *self._span)

    @table_property
    def gc(self) -> pd.DataFrame:
        """GC cycles: the two stop-the-world pauses and the concurrent mark between them."""
        return analysis.gc_cycles(self._private("ranges"), self._private("assists"))

    @table_property
    def pauses(self) -> pd.DataFrame:
        """Every stop-the-world pause, GC or not (e.g. ReadMemStats, starting the trace)."""
        return analysis.pause_table(self._private("ranges"))

    @table_property
    def assists(self) -> pd.DataFrame:
        """Mark assists: goroutines made to help the GC mark because they allocated."""
        return analysis.assist_table(
            self._private("ranges"), self.goroutine_names, self.goroutine_kinds
        )

    # ------------------------------------------------------------------ metrics
    @table_property
    def metrics(self) -> pd.DataFrame:
        """Metric events in long form: time, name, value."""
        return analysis.metric_table(self._by_kind["metric"], self.t0)

    @table_property
    def heap(self) -> pd.DataFrame:
        """Heap in use by objects and the heap goal over time (bytes), filled forward."""
        return analysis.heap_table(self._private("metrics"))

    @table_property
    def logs(self) -> pd.DataFrame:
        """The messages of `runtime/trace.Log`: time, g, task, category, message."""
        return analysis.log_table(self._by_kind["log"], self.t0)

    def _private(self, table: str) -> pd.DataFrame:
        """A cached table itself, for this result's own read-only use (never handed out)."""
        prop = type(self).__dict__[table]
        assert isinstance(prop, table_property)
        return prop.private(self)

    # ------------------------------------------------------------------ summary numbers
    @cached_property
    def gomaxprocs(self) -> int:
        """GOMAXPROCS: the last value the trace reported (else the number of Ps seen)."""
        reported = analysis.last_gomaxprocs(self._by_kind["metric"])
        return reported if reported is not None else int(self._private("procs").p.nunique())

    @cached_property
    def threads(self) -> int:
        """How many OS threads (Ms) appear in the trace."""
        return analysis.thread_count(self.parsed.rows)

    @cached_property
    def procs_used(self) -> int:
        """How many Ps ran goroutines (as `running.p.nunique()`, without building the states)."""
        return analysis.procs_running(self._by_kind["goroutine"])

    def _running_of(self, kind: str | None) -> pd.DataFrame:
        run = self._private("running")
        return run if kind is None else run[run.kind == kind]

    def max_parallel(self, kind: str | None = "user") -> int:
        """The most goroutines (of `kind`; None: any) running at the same instant."""
        return analysis.max_parallel(self._running_of(kind))

    def parallel_ns(self, kind: str | None = "user", at_least: int = 2) -> int:
        """How long (ns) at least `at_least` goroutines of `kind` ran at the same time."""
        return analysis.parallel_ns(self._running_of(kind), at_least)

    def running_during_marks(self, kind: str = "user") -> pd.DataFrame:
        """Per GC cycle: how long goroutines of `kind` ran during its concurrent mark (ns)."""
        return analysis.running_during_marks(self._private("gc"), self._running_of(kind), kind)

    @cached_property
    def _numbers(self) -> dict[str, float]:
        gc, pauses = self._private("gc"), self._private("pauses")
        gc_pauses = pauses[pauses.cycle.notna()]
        complete = gc[gc.complete]
        return {
            "duration_ms": self.duration_ns / 1e6,
            "events": len(self.parsed.rows),
            "goroutines": len(self._goroutine_ids),
            "user_goroutines": sum(1 for k in self.goroutine_kinds.values() if k == "user"),
            "gomaxprocs": self.gomaxprocs,
            "procs_used": self.procs_used,
            "threads": self.threads,
            "gc_cycles": len(gc),
            "stw_total_ms": float(gc_pauses.duration_ns.sum()) / 1e6,
            "stw_max_ms": float(gc_pauses.duration_ns.max()) / 1e6 if len(gc_pauses) else 0.0,
            "mark_median_ms": float(complete.mark_ns.median()) / 1e6 if len(complete) else 0.0,
            "assists": len(self._private("assists")),
        }

    def summary(self) -> pd.DataFrame:
        """The trace in numbers: one row per measure (index), with its `value` and `meaning`."""
        numbers = self._numbers
        return pd.DataFrame(
            {
                "value": pd.Series(numbers, dtype="float64"),
                "meaning": pd.Series(SUMMARY_DOC),
            }
        ).rename_axis("measure")

    def __repr__(self) -> str:
        """One line: the trace's size, Ps, threads and GC cycles."""
        s = self._numbers
        return (
            f"Trace({self.label or 'trace'}: {s['duration_ms']:.1f} ms, {s['events']} events,"
            f" {s['goroutines']} goroutines, GOMAXPROCS={s['gomaxprocs']}, {s['threads']} "
            f"threads, {s['gc_cycles']} GC cycles, STW total {s['stw_total_ms']:.2f} ms)"
        )

    def _repr_html_(self) -> str:
        s = self._numbers
        rows = [
            ("duration", f"{s['duration_ms']:.1f} ms ({s['events']:,} events)"),
            ("goroutines", f"{s['goroutines']} ({s['user_goroutines']} running your code)"),
            ("Ps (GOMAXPROCS)", f"{s['gomaxprocs']} ({s['procs_used']} ran goroutines)"),
            ("threads (Ms)", str(s["threads"])),
            ("GC cycles", str(s["gc_cycles"])),
            (
                "stop-the-world (GC)",
                f"total {s['stw_total_ms']:.3f} ms, longest {s['stw_max_ms']:.3f} ms",
            ),
            ("concurrent mark", f"median {s['mark_median_ms']:.3f} ms per cycle"),
            ("mark assists", str(s["assists"])),
        ]
        title = self.label or (self.file.name if self.file else "trace")
        table = tables.to_html(
            pd.DataFrame(rows, columns=["", "value"]), caption=self.provenance.line()
        )
        return f"<div><b>Execution trace: {html.escape(title)}</b>{table}</div>"

    def cycle_window(self, cycle: int | None = None, margin: float = 0.5) -> tuple[float, float]:
        """A time window (ms) around GC cycle `cycle` (default: a typical one, the complete cycle
        whose concurrent mark is closest to the median), widened by `margin` × its length on
        each side: for `plot(window=...)`."""
        return analysis.cycle_window(self._private("gc"), self.duration_ns, cycle, margin)

    # ------------------------------------------------------------------ claim checks
    def _claim_failed(self, message: str) -> AssertionError:
        """An AssertionError saying what the trace shows, and which run made it."""
        where = self.provenance.line()
        return AssertionError(f"{message}\n  (trace from: {where})" if where else message)

    def expect_gc_cycles(self, at_least: int = 1) -> Trace:
        """At least `at_least` GC cycles with both pauses and the mark in the trace."""
        complete = int(self.gc.complete.sum())
        if complete < at_least:
            raise self._claim_failed(
                f"expected at least {at_least} complete GC cycle(s) in the trace, found "
                f"{complete} (of {len(self.gc)}): make the program allocate more or run longer"
            )
        return self

    def expect_user_ran_during_mark(self, min_fraction: float = 0.0) -> Trace:
        """User goroutines ran while the GC marked concurrently (the world was not stopped)."""
        self.expect_gc_cycles()
        during = self.running_during_marks("user")
        total_mark = during.mark_ns.sum()
        ran = during.user_running_ns.sum()
        if ran <= 0 or ran < min_fraction * total_mark:
            raise self._claim_failed(
                f"user goroutines ran {ran / 1e6:.3f} ms during {total_mark / 1e6:.3f} ms of "
                f"concurrent mark (wanted > {min_fraction:.0%} of it): the trace does not show "
                "the program running alongside the GC"
            )
        return self

    def expect_stw_shorter_than_mark(self) -> Trace:
        """The typical stop-the-world pause is shorter than the typical concurrent mark."""
        self.expect_gc_cycles()
        gc = self.gc[self.gc.complete]
        pause = pd.concat([gc.sweep_term_ns, gc.mark_term_ns]).median()
        mark = gc.mark_ns.median()
        if not pause < mark:
            raise self._claim_failed(
                f"median stop-the-world pause {pause / 1e3:.1f} µs is not shorter than the "
                f"median concurrent mark {mark / 1e3:.1f} µs over {len(gc)} GC cycles"
            )
        return self

    def expect_parallel(self, at_least: int = 2, kind: str = "user") -> Trace:
        """At some instant, at least `at_least` goroutines of `kind` ran at the same time."""
        seen = self.max_parallel(kind)
        if seen < at_least:
            raise self._claim_failed(
                f"at most {seen} {kind} goroutine(s) ran at the same time, expected "
                f"{at_least} (GOMAXPROCS={self.gomaxprocs})"
            )
        return self

    def expect_at_most_parallel(self, limit: int, kind: str | None = None) -> Trace:
        """Never more than `limit` goroutines (of `kind`; None: any) ran at the same time."""
        seen = self.max_parallel(kind)
        if seen > limit:
            raise self._claim_failed(
                f"{seen} goroutines ran at the same time, more than {limit} "
                f"(GOMAXPROCS={self.gomaxprocs})"
            )
        return self

    def expect_mark_assists(self, at_least: int = 1, kind: str = "user") -> Trace:
        """Goroutines of `kind` were drafted into at least `at_least` mark assists."""
        assists = self.assists[self.assists.kind == kind]
        if len(assists) < at_least:
            raise self._claim_failed(
                f"expected at least {at_least} mark assist(s) by {kind} goroutines, found "
                f"{len(assists)}"
            )
        return self

    # ------------------------------------------------------------------ plots, web UI
    def plot(
        self, kind: str = "timeline", *, window: tuple[float, float] | None = None, **options
    ) -> Figure:
        """A figure of this trace: "timeline" (one lane per P, GC marks and pauses), "states"
        (goroutines per state over time) or "heap" (heap in use vs its goal).

        `window=(start_ms, end_ms)` zooms in (see `cycle_window`); other `options` (`title`,
        `width`, and for the timeline `label_goroutines`, and `heap=True` for a lane of the
        heap and its goal under the Ps) go to `gomemlab.trace.plots`.
        """
        from . import plots

        validate.choice(kind, self.PLOT_KINDS, "kind")
        window = validate_window(window)
        if kind == "timeline":
            heap_lane = options.pop("heap", False)
            return plots.timeline(
                self.running,
                self.gc,
                self.pauses,
                window=window,
                gomaxprocs=self.gomaxprocs,
                heap=self.heap if heap_lane else None,
                **options,
            )
        if kind == "states":
            return plots.state_counts(self.counts, self.gc, window=window, **options)
        return plots.heap(self.heap, self.gc, window=window, **options)

    @deprecated("gm.trace.web(trace)")
    def web(self, port: int | None = None) -> WebUI:
        """Open this trace in `go tool trace`: the old name of `gm.trace.web(trace)`."""
        from .tools import web

        return web(self, port)


SUMMARY_DOC = {
    "duration_ms": "time from the first to the last event (ms)",
    "events": "events in the trace",
    "goroutines": "goroutines seen",
    "user_goroutines": "goroutines running your code",
    "gomaxprocs": "GOMAXPROCS (Ps) the trace reported",
    "procs_used": "Ps that ran goroutines",
    "threads": "OS threads (Ms) seen",
    "gc_cycles": "GC cycles seen (complete or cut by the trace's ends)",
    "stw_total_ms": "total of the GC's stop-the-world pauses (ms)",
    "stw_max_ms": "the longest GC stop-the-world pause (ms)",
    "mark_median_ms": "median concurrent mark of the complete cycles (ms)",
    "assists": "mark assists",
}
"""The measures of `Trace.summary()` and what each means."""


def validate_window(window: object) -> tuple[float, float] | None:
    """A plot window: None, or (start_ms, end_ms) finite with start < end (else UsageError)."""
    if window is None:
        return None
    try:
        if not isinstance(window, Iterable):
            raise TypeError
        start, end = (float(x) for x in window)
    except (TypeError, ValueError):
        raise UsageError(
            f"window must be (start_ms, end_ms), two numbers, not {window!r}"
        ) from None
    if not (math.isfinite(start) and math.isfinite(end) and start < end):
        raise UsageError(
            f"window must be (start_ms, end_ms) with start < end, both finite, not {window!r}"
        )
    return start, end


def parse(source: str | bytes | Iterable[str | bytes], **details) -> Trace:
    """Parse `go tool trace -d=parsed` output into a `Trace`; pure.

    `source`: the text (str, or bytes decoded as UTF-8) or an iterable of its lines; `details`
    are `Trace` fields (`label`, `file`, `program_output`, `provenance`).
    """
    return Trace(parse_events(source), **details)
