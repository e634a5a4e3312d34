"""`Trace`: an execution trace as tables (events, goroutine states, Ps, GC cycles, heap), with
a summary, claim checks, plots and the `go tool trace` web UI.

A `Trace` is frozen: it holds what the parser read and how it was made (`provenance`); each
table is derived from the parsed events on first use and then kept (the same every time).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from .. import tables, validate
from ..deprecation import deprecated
from ..errors import UsageError
from ..provenance import Provenance
from ..result import FrameDoc, FrozenResult, table_property
from .parse import parse_events
from .records import EVENT_COLUMNS, ParsedEvents, StackFrame

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..webui import WebUI

MARK_PHASE = "GC concurrent mark phase"
SWEEP_TERMINATION = "stop-the-world (GC sweep termination)"
MARK_TERMINATION = "stop-the-world (GC mark termination)"
MARK_ASSIST = "GC mark assist"
SWEEP = "GC incremental sweep"
HEAP_OBJECTS = "/memory/classes/heap/objects:bytes"
HEAP_GOAL = "/gc/heap/goal:bytes"
GOMAXPROCS = "/sched/gomaxprocs:threads"
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
            cycle plus those allocated since; falls at mark termination), heap_goal
            (bytes), gomaxprocs: each filled forward from the last metric event
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
    def t0(self) -> int:
        """Absolute time of the first event (ns); every table's times are relative to it."""
        return min(map(_TIME, self.parsed.rows), default=0)

    @table_property
    def events(self) -> pd.DataFrame:
        """One row per trace event, in trace order (columns in `FRAME_DOC`)."""
        rows = self.parsed.rows
        columns: dict[str, Sequence[Any]] = (
            dict(zip(EVENT_COLUMNS, zip(*rows, strict=True), strict=False))
            if rows
            else {name: [] for name in EVENT_COLUMNS}
        )
        frame = pd.DataFrame(columns, columns=list(EVENT_COLUMNS))
        for name in ("time", "m", "p", "g", "resource_id", "task", "line_no"):
            frame[name] = frame[name].astype("int64")
        frame["time"] -= self.t0
        frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
        frame["stack"] = np.asarray(self.parsed.stack, dtype="int64")
        frame["transition_stack"] = np.asarray(self.parsed.transition_stack, dtype="int64")
        return frame

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

    @cached_property
    def duration_ns(self) -> int:
        """Time from the first to the last event (ns)."""
        return max(map(_TIME, self.parsed.rows), default=self.t0) - self.t0

    def stack(self, stack_id: int) -> tuple[StackFrame, ...]:
        """The frames of a stack id (innermost first); () for -1."""
        return self.parsed.stacks[stack_id] if stack_id >= 0 else ()

    # ------------------------------------------------------------------ goroutines
    @cached_property
    def _by_kind(self) -> dict[str, list[tuple]]:
        """The rows each table reads, picked out once (a pass over the rows per group)."""
        rows = self.parsed.rows
        return {
            "goroutine": [r for r in rows if r[5] == "goroutine" and r[4] == "StateTransition"],
            "proc": [r for r in rows if r[5] == "proc" and r[4] == "StateTransition"],
            "range": [r for r in rows if r[4] in _RANGE_KINDS],
            "metric": [r for r in rows if r[4] == "Metric"],
            "label": [r for r in rows if r[4] == "Label"],
            "log": [r for r in rows if r[4] == "Log"],
        }

    def _transitions(self, resource: str) -> list[tuple]:
        return self._by_kind[resource]

    @table_property
    def states(self) -> pd.DataFrame:
        """Goroutine state intervals, from each goroutine's state transitions.

        A transition opens an interval in its new state that the goroutine's next transition
        (or the end of the trace) closes; a goroutine first seen in a known state gets an
        interval in that state from the start of the trace.
        """
        rows = self._transitions("goroutine")
        n = len(rows)
        time, m, p = _ints(rows, 0), _ints(rows, 1), _ints(rows, 2)
        g, old, new, reason = _ints(rows, 6), _objs(rows, 8), _objs(rows, 9), _objs(rows, 11)
        order = np.argsort(g, kind="stable")  # each goroutine's transitions, in trace order
        index = np.arange(n)[order]
        g, time, m, p = g[order], time[order], m[order], p[order]
        old, new, reason = old[order], new[order], reason[order]
        same_next = np.zeros(n, bool)
        same_next[:-1] = g[1:] == g[:-1] if n else same_next[:-1]
        same_prev = np.zeros(n, bool)
        same_prev[1:] = same_next[:-1]
        end_of_trace = self.t0 + self.duration_ns
        opens = (new != "NotExist") & (new != "Undetermined")
        end = np.full(n, end_of_trace, dtype="int64")
        end[:-1] = np.where(same_next[:-1], time[1:], end_of_trace) if n else end[:-1]
        closed_at = np.full(n, 2 * n, dtype="int64")  # leftovers come after, by opening
        closed_at[:-1] = np.where(same_next[:-1], index[1:], 2 * n) if n else closed_at[:-1]
        closed_at = np.where(closed_at == 2 * n, n + index, closed_at)
        had_open = same_prev & np.concatenate([[False], opens[:-1]]) if n else same_prev
        before = ~had_open & (old != "NotExist") & (old != "Undetermined")
        running = new == "Running"
        frame = pd.DataFrame(
            {
                "g": np.concatenate([g[before], g[opens]]),
                "state": np.concatenate([old[before], new[opens]]),
                "start": np.concatenate([np.full(before.sum(), self.t0, "int64"), time[opens]]),
                "end": np.concatenate([time[before], end[opens]]),
                "p": np.concatenate(
                    [np.full(before.sum(), -1, "int64"), np.where(running, p, -1)[opens]]
                ),
                "m": np.concatenate(
                    [np.full(before.sum(), -1, "int64"), np.where(running, m, -1)[opens]]
                ),
                "reason": np.concatenate([np.full(before.sum(), "", object), reason[opens]]),
            }
        )
        appended = np.concatenate([index[before], closed_at[opens]])
        frame = frame.iloc[np.lexsort((appended, frame.g.to_numpy(), frame.start.to_numpy()))]
        frame = frame.astype(
            {"g": "int64", "start": "int64", "end": "int64", "p": "int64", "m": "int64"}
        )
        frame[["start", "end"]] -= self.t0
        frame.insert(4, "duration_ns", frame["end"] - frame["start"])
        kinds = self.goroutine_kinds
        frame["kind"] = pd.Series(
            [kinds.get(g, "runtime") for g in frame["g"].tolist()], index=frame.index
        )
        return frame.reset_index(drop=True)

    @cached_property
    def goroutine_names(self) -> dict[int, str]:
        """Each goroutine's entry function: from its creation, else the bottom of a stack."""
        stacks = self.parsed.stacks
        rows = self.parsed.rows
        # -1 (no stack) indexes the sentinel at the end: an empty stack
        filled = np.array([bool(frames) for frames in stacks] + [False])
        stack = np.asarray(self.parsed.stack, dtype="int64")
        tstack = np.asarray(self.parsed.transition_stack, dtype="int64")
        with_t = np.flatnonzero(filled[tstack])
        picked = [rows[i] for i in with_t]
        goroutine = np.array([r[5] == "goroutine" for r in picked], bool)
        created = np.array([r[8] == "NotExist" for r in picked], bool)
        ids = _ints(picked, 6)
        names: dict[int, str] = {}
        first = _first_per_key(ids[goroutine & created], with_t[goroutine & created])
        for key, row in first.items():
            names[key] = stacks[tstack[row]][0].func
        with_s = np.flatnonzero(filled[stack])
        g = np.fromiter((rows[i][3] for i in with_s), "int64", len(with_s))
        keep = g >= 0
        others = goroutine & ~created
        keys = np.concatenate([ids[others], g[keep]])
        where = np.concatenate([with_t[others], with_s[keep]])
        source = np.concatenate([np.zeros(others.sum(), "int64"), np.ones(keep.sum(), "int64")])
        fallback = {}
        for key, (row, from_stack) in _first_per_key(keys, where, source).items():
            frames = stacks[stack[row]] if from_stack else stacks[tstack[row]]
            fallback[key] = frames[-1].func
        return {**fallback, **names}

    @cached_property
    def goroutine_kinds(self) -> dict[int, str]:
        """Each goroutine's kind (`GOROUTINE_KINDS`): GC mark worker, other runtime, or yours."""
        gc_labelled = {
            row[6]
            for row in self._by_kind["label"]
            if row[5] == "goroutine" and row[7].startswith("GC (")
        }
        kinds = {}
        for g_id in self._goroutine_ids:
            name = self.goroutine_names.get(g_id, "")
            if g_id in gc_labelled or name.startswith("runtime.gcBgMarkWorker"):
                kinds[g_id] = "gc"
            elif not name or name.startswith(("runtime", "internal/")):
                kinds[g_id] = "runtime"
            else:
                kinds[g_id] = "user"
        return kinds

    @cached_property
    def _goroutine_ids(self) -> list[int]:
        g = _ints(self.parsed.rows, 3)
        return np.unique(
            np.concatenate([_ints(self._transitions("goroutine"), 6), g[g >= 0]])
        ).tolist()

    @table_property
    def goroutines(self) -> pd.DataFrame:
        """One row per goroutine: its entry function, kind, time running, first seen."""
        states = self.states
        running = states[states.state == "Running"].groupby("g")["duration_ns"].sum()
        first = states.groupby("g")["start"].min()
        rows = [
            (
                g,
                self.goroutine_names.get(g, ""),
                self.goroutine_kinds.get(g, "runtime"),
                int(running.get(g, 0)),
                first.get(g, np.nan),
            )
            for g in self._goroutine_ids
        ]
        return pd.DataFrame(rows, columns=["g", "name", "kind", "running_ns", "first_seen"])

    @table_property
    def running(self) -> pd.DataFrame:
        """Who ran where: one row per stretch a goroutine held a P."""
        states = self.states
        run = states[(states.state == "Running") & (states.p >= 0)]
        names = self.goroutine_names
        run = run.assign(name=[names.get(g, "") for g in run.g])
        return run[["p", "g", "kind", "name", "start", "end", "duration_ns", "m"]].reset_index(
            drop=True
        )

    @table_property
    def procs(self) -> pd.DataFrame:
        """P state intervals (Running: held by a thread, Idle)."""
        open_: dict[int, tuple[str, int]] = {}
        out = []
        for row in self._transitions("proc"):
            time, p_id, old, new = row[0], row[6], row[8], row[9]
            current = open_.pop(p_id, None)
            if current is not None:
                out.append((p_id, current[0], current[1], time))
            elif old not in ("Undetermined", "NotExist"):
                out.append((p_id, old, self.t0, time))
            if new not in ("NotExist", "Undetermined"):
                open_[p_id] = (new, time)
        for p_id, (state, start) in open_.items():
            out.append((p_id, state, start, self.t0 + self.duration_ns))
        frame = pd.DataFrame(out, columns=["p", "state", "start", "end"]).astype(
            {"p": "int64", "start": "int64", "end": "int64"}
        )
        frame[["start", "end"]] -= self.t0
        frame["duration_ns"] = frame["end"] - frame["start"]
        return frame.sort_values(["p", "start"]).reset_index(drop=True)

    @table_property
    def counts(self) -> pd.DataFrame:
        """How many goroutines were in each state, after every change (a step function)."""
        states = self.states
        states = states[states.state.isin(["Running", "Runnable", "Waiting", "Syscall"])]
        deltas = pd.concat(
            [
                pd.DataFrame({"time": states.start, "state": states.state, "d": 1}),
                pd.DataFrame({"time": states.end, "state": states.state, "d": -1}),
            ]
        )
        table = deltas.pivot_table(
            index="time", columns="state", values="d", aggfunc="sum", fill_value=0
        ).cumsum()
        for state in ("Running", "Runnable", "Waiting", "Syscall"):
            if state not in table:
                table[state] = 0
        table = table[["Running", "Runnable", "Waiting", "Syscall"]].astype("int64")
        table.columns.name = None
        return table.reset_index()

    # ------------------------------------------------------------------ ranges and GC
    @table_property
    def ranges(self) -> pd.DataFrame:
        """Ranges (stop-the-world, GC mark phase, mark assists, sweeps, ...) as intervals."""
        open_: dict[tuple, tuple] = {}
        out: list[tuple] = []
        add = out.append
        t0 = self.t0
        for row in self._by_kind["range"]:
            kind = row[4]
            key = (row[7], row[5], row[6])
            if kind == "RangeEnd":
                begin = open_.pop(key, None)
                start, g, p, m, cut = (
                    begin if begin is not None else (t0, row[3], row[2], row[1], True)
                )
                add((*key, start, row[0], g, p, m, row[11], cut))
            elif kind == "RangeBegin" or key not in open_:
                open_[key] = (row[0], row[3], row[2], row[1], kind == "RangeActive")
        for key, (start, g, p, m, _) in open_.items():
            out.append((*key, start, t0 + self.duration_ns, g, p, m, "", True))
        columns = ["name", "scope", "scope_id", "start", "end", "g", "p", "m", "attributes", "cut"]
        if out:
            frame = pd.DataFrame(
                {
                    name: (
                        _objs(out, i)
                        if name in ("name", "scope", "attributes")
                        else np.fromiter(
                            map(itemgetter(i), out), bool if name == "cut" else "int64", len(out)
                        )
                    )
                    for i, name in enumerate(columns)
                }
            )
        else:
            frame = pd.DataFrame(out, columns=columns)
        frame = frame.astype(
            {
                "scope_id": "int64",
                "start": "int64",
                "end": "int64",
                "g": "int64",
                "p": "int64",
                "m": "int64",
                "cut": "bool",
            }
        )
        frame[["start", "end"]] -= t0
        frame.insert(5, "duration_ns", frame["end"] - frame["start"])
        return frame.sort_values("start", kind="stable").reset_index(drop=True)

    @table_property
    def gc(self) -> pd.DataFrame:
        """GC cycles: the two stop-the-world pauses and the concurrent mark between them."""
        ranges = self.ranges
        columns = [
            "cycle",
            "start",
            "end",
            "sweep_term_start",
            "sweep_term_ns",
            "mark_start",
            "mark_end",
            "mark_ns",
            "mark_term_start",
            "mark_term_ns",
            "stw_ns",
            "assists",
            "assist_ns",
            "swept_bytes",
            "reclaimed_bytes",
            "complete",
        ]
        names = ranges.name.to_numpy()
        marks = ranges[names == MARK_PHASE]
        if marks.empty:
            return pd.DataFrame([], columns=columns)
        n = len(marks)
        m_start, m_end = marks.start.to_numpy(), marks.end.to_numpy()
        # the sweep termination starting first in [mark start - 1, mark end]
        st = ranges[names == SWEEP_TERMINATION]
        st_start = st.start.to_numpy()
        i = np.searchsorted(st_start, m_start - 1, "left")
        has_st = i < len(st)
        i = np.minimum(i, max(len(st) - 1, 0))
        has_st &= (st_start[i] <= m_end) if len(st) else has_st
        # the mark termination starting last in [mark start, mark end]
        mt = ranges[names == MARK_TERMINATION]
        mt_start = mt.start.to_numpy()
        j = np.searchsorted(mt_start, m_end, "right") - 1
        has_mt = j >= 0
        j = np.maximum(j, 0)
        has_mt &= (mt_start[j] >= m_start) if len(mt) else has_mt

        def pick(frame: pd.DataFrame, column: str, at: np.ndarray, has: np.ndarray):
            values = frame[column].to_numpy()[at] if len(frame) else np.zeros(n, "int64")
            return values if has.all() else np.where(has, values, np.nan)

        st_end = pick(st, "end", i, has_st)
        st_ns = pick(st, "duration_ns", i, has_st)
        mt_start_c = pick(mt, "start", j, has_mt)
        mt_end = pick(mt, "end", j, has_mt)
        mt_ns = pick(mt, "duration_ns", j, has_mt)
        mark_start = np.where(has_st, st_end, m_start).astype("int64")
        mark_end = np.where(has_mt, mt_start_c, m_end).astype("int64")
        end = np.where(has_mt, np.maximum(m_end, np.nan_to_num(mt_end)), m_end).astype("int64")
        # assists of each cycle; sweeps from its end to the next cycle's start
        assists = self.assists
        cycle_of_assist = assists.cycle.fillna(0).to_numpy().astype("int64")
        counts = np.bincount(cycle_of_assist, minlength=n + 1)[1 : n + 1]
        assist_ns = np.bincount(
            cycle_of_assist, weights=assists.duration_ns.to_numpy(), minlength=n + 1
        )[1 : n + 1].astype("int64")
        sweeps = ranges[names == SWEEP]
        following = np.concatenate([m_start[1:], [np.iinfo("int64").max]])
        sw_start = sweeps.start.to_numpy()
        lo = np.searchsorted(sw_start, end, "left")
        hi = np.maximum(np.searchsorted(sw_start, following, "left"), lo)

        def swept_sum(name: str) -> np.ndarray:
            values = _attribute_values(sweeps.attributes, name)
            total = np.concatenate([[0], np.cumsum(values)])
            return total[hi] - total[lo]

        return pd.DataFrame(
            {
                "cycle": np.arange(1, n + 1),
                "start": m_start,
                "end": end,
                "sweep_term_start": pick(st, "start", i, has_st),
                "sweep_term_ns": st_ns,
                "mark_start": mark_start,
                "mark_end": mark_end,
                "mark_ns": mark_end - mark_start,
                "mark_term_start": mt_start_c,
                "mark_term_ns": mt_ns,
                "stw_ns": (
                    np.where(has_st, np.nan_to_num(st_ns), 0)
                    + np.where(has_mt, np.nan_to_num(mt_ns), 0)
                ).astype("int64"),
                "assists": counts.astype("int64"),
                "assist_ns": assist_ns,
                "swept_bytes": swept_sum("bytes swept"),
                "reclaimed_bytes": swept_sum("bytes reclaimed"),
                "complete": has_st & has_mt & ~marks.cut.to_numpy(),
            },
            columns=columns,
        )

    @table_property
    def pauses(self) -> pd.DataFrame:
        """Every stop-the-world pause, GC or not (e.g. ReadMemStats, starting the trace)."""
        ranges = self.ranges
        stw = ranges[ranges.name.str.startswith("stop-the-world")]
        frame = pd.DataFrame(
            {
                "reason": stw.name.str.extract(r"\((.*)\)", expand=False).fillna(stw.name),
                "start": stw.start,
                "end": stw.end,
                "duration_ns": stw.duration_ns,
            }
        ).reset_index(drop=True)
        frame["cycle"] = self._cycle_of(frame.start, gc_only=frame.reason.str.startswith("GC"))
        return frame

    @table_property
    def assists(self) -> pd.DataFrame:
        """Mark assists: goroutines made to help the GC mark because they allocated."""
        ranges = self.ranges
        rows = ranges[ranges.name == MARK_ASSIST]
        names, kinds = self.goroutine_names, self.goroutine_kinds
        frame = pd.DataFrame(
            {
                "g": rows.scope_id.where(rows.scope == "goroutine", rows.g).astype("int64"),
                "start": rows.start,
                "end": rows.end,
                "duration_ns": rows.duration_ns,
            }
        ).reset_index(drop=True)
        frame.insert(1, "kind", [kinds.get(g, "runtime") for g in frame.g])
        frame.insert(2, "name", [names.get(g, "") for g in frame.g])
        frame["cycle"] = self._cycle_of(frame.start)
        return frame

    def _cycle_of(self, times: pd.Series, gc_only: pd.Series | None = None) -> pd.Series:
        """The GC cycle (1, 2, ...) whose mark phase each time falls in (from 1 ns before its
        start to its end); NaN outside every mark (or where `gc_only` is False)."""
        ranges = self.ranges
        marks = ranges[ranges.name == MARK_PHASE]
        starts, ends = marks.start.to_numpy() - 1, marks.end.to_numpy()
        cycle = pd.Series(np.nan, index=times.index, dtype="float64")
        if len(marks) and (starts[1:] > ends[:-1]).all():  # disjoint, in order: look up
            at = np.searchsorted(starts, times.to_numpy(), "right") - 1
            inside = (at >= 0) & (times.to_numpy() <= ends[np.maximum(at, 0)])
            if gc_only is not None:
                inside &= gc_only.to_numpy(bool)
            cycle[inside] = at[inside] + 1.0
            return cycle
        for number, (start, end) in enumerate(zip(starts, ends, strict=True), start=1):
            inside = (times >= start) & (times <= end)
            if gc_only is not None:
                inside &= gc_only
            cycle[inside] = number
        return cycle

    # ------------------------------------------------------------------ metrics
    @table_property
    def metrics(self) -> pd.DataFrame:
        """Metric events in long form: time, name, value."""
        rows = self._by_kind["metric"]
        values = np.array([r[10] for r in rows], dtype="float64")  # None (not a number): NaN
        return pd.DataFrame(
            {"time": _ints(rows, 0) - self.t0, "name": _objs(rows, 7), "value": values},
            columns=["time", "name", "value"],
        )

    @table_property
    def heap(self) -> pd.DataFrame:
        """Heap in use by objects and the heap goal over time (bytes), filled forward."""
        metrics = self.metrics
        wanted = {HEAP_OBJECTS: "heap_objects", HEAP_GOAL: "heap_goal", GOMAXPROCS: "gomaxprocs"}
        frame = pd.DataFrame({"time": metrics.time})
        for name, column in wanted.items():
            frame[column] = metrics.value.where(metrics.name == name)
        frame = frame.groupby("time", as_index=False).last().ffill()
        return frame.reset_index(drop=True)

    @table_property
    def logs(self) -> pd.DataFrame:
        """The messages of `runtime/trace.Log`: time, g, task, category, message."""
        rows = [
            (row[0] - self.t0, row[3], row[12], row[7], row[11]) for row in self._by_kind["log"]
        ]
        return pd.DataFrame(rows, columns=["time", "g", "task", "category", "message"])

    # ------------------------------------------------------------------ summary numbers
    @cached_property
    def gomaxprocs(self) -> int:
        """GOMAXPROCS: the last value the trace reported (else the number of Ps seen)."""
        for row in reversed(self._by_kind["metric"]):
            if row[7] == GOMAXPROCS and row[10] is not None:
                return int(row[10])
        return int(self.procs.p.nunique())

    @cached_property
    def threads(self) -> int:
        """How many OS threads (Ms) appear in the trace."""
        m = _ints(self.parsed.rows, 1)
        return len(np.unique(m[m >= 0]))

    @cached_property
    def procs_used(self) -> int:
        """How many Ps ran goroutines (as `running.p.nunique()`, without building the states:
        a Running interval has the P of the transition that started it)."""
        return len(
            {r[2] for r in self._transitions("goroutine") if r[9] == "Running" and r[2] >= 0}
        )

    def max_parallel(self, kind: str | None = "user") -> int:
        """The most goroutines (of `kind`; None: any) running at the same instant."""
        run = self.running if kind is None else self.running[self.running.kind == kind]
        if run.empty:
            return 0
        times = np.concatenate([run.start.to_numpy(), run.end.to_numpy()])
        steps = np.concatenate([np.ones(len(run), "int64"), -np.ones(len(run), "int64")])
        order = np.lexsort((steps, times))  # at equal times, ends (-1) before starts
        return int(np.cumsum(steps[order]).max())

    def parallel_ns(self, kind: str | None = "user", at_least: int = 2) -> int:
        """How long (ns) at least `at_least` goroutines of `kind` ran at the same time."""
        run = self.running if kind is None else self.running[self.running.kind == kind]
        if run.empty:
            return 0
        times = np.concatenate([run.start.to_numpy(), run.end.to_numpy()])
        steps = np.concatenate([np.ones(len(run), "int64"), -np.ones(len(run), "int64")])
        order = np.lexsort((steps, times))
        level = np.cumsum(steps[order])
        spans = np.diff(times[order])
        return int(spans[level[:-1] >= at_least].sum())

    def running_during_marks(self, kind: str = "user") -> pd.DataFrame:
        """Per GC cycle: how long goroutines of `kind` ran during its concurrent mark (ns)."""
        gc = self.gc[self.gc.complete]
        run = self.running[self.running.kind == kind]
        starts, ends = run.start.to_numpy(), run.end.to_numpy()
        rows = []
        for cycle in gc.itertuples():
            overlap = np.clip(
                np.minimum(ends, cycle.mark_end) - np.maximum(starts, cycle.mark_start), 0, None
            )
            rows.append((cycle.cycle, int(cycle.mark_ns), int(overlap.sum())))
        return pd.DataFrame(rows, columns=["cycle", "mark_ns", f"{kind}_running_ns"])

    @cached_property
    def _numbers(self) -> dict[str, float]:
        gc, pauses = self.gc, self.pauses
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
            "assists": len(self.assists),
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
        gc = self.gc[self.gc.complete] if self.gc.complete.any() else self.gc
        if gc.empty:
            return 0.0, self.duration_ns / 1e6
        if cycle is None:
            row = gc.loc[(gc.mark_ns - gc.mark_ns.median()).abs().idxmin()]
        else:
            row = self.gc[self.gc.cycle == cycle].iloc[0]
        length = row.end - row.start
        start = max(0.0, row.start - margin * length)
        end = min(float(self.duration_ns), row.end + margin * length)
        return start / 1e6, end / 1e6

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
        `width`, and for the timeline `label_goroutines`) go to `gomemlab.trace.plots`.
        """
        from . import plots

        validate.choice(kind, self.PLOT_KINDS, "kind")
        window = validate_window(window)
        if kind == "timeline":
            return plots.timeline(
                self.running,
                self.gc,
                self.pauses,
                window=window,
                gomaxprocs=self.gomaxprocs,
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


_TIME = itemgetter(0)
_RANGE_KINDS = frozenset({"RangeBegin", "RangeActive", "RangeEnd"})


def _ints(rows: list[tuple] | tuple[tuple, ...], index: int) -> np.ndarray:
    """Field `index` of every row, as an int64 array."""
    return np.fromiter(map(itemgetter(index), rows), dtype="int64", count=len(rows))


def _objs(rows: list[tuple] | tuple[tuple, ...], index: int) -> np.ndarray:
    """Field `index` of every row, as an object array (strings)."""
    out = np.empty(len(rows), dtype=object)
    out[:] = list(map(itemgetter(index), rows))
    return out


def _first_per_key(keys: np.ndarray, *order: np.ndarray) -> dict:
    """For each distinct key, the `order` values of its first occurrence in `order` (the
    first array most significant): {key: value} for one array, {key: (v1, v2, ...)} for more."""
    if not len(keys):
        return {}
    sort = np.lexsort((*reversed(order), keys))
    keys = keys[sort]
    firsts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
    picked = [o[sort][firsts].tolist() for o in order]
    values = picked[0] if len(order) == 1 else list(zip(*picked, strict=True))
    return dict(zip(keys[firsts].tolist(), values, strict=True))


def _attribute_values(attributes: pd.Series, name: str) -> np.ndarray:
    """The uint64 attribute `name` of each range (0 where absent), as int64."""
    pattern = re.compile(rf'"{re.escape(name)}"=Value{{Uint64\((\d{{1,18}})\)}}')
    return np.fromiter(
        (
            int(found.group(1)) if (found := pattern.search(text)) else 0
            for text in attributes.tolist()
        ),
        "int64",
        len(attributes),
    )


def parse(source: str | bytes | Iterable[str | bytes], **details) -> Trace:
    """Parse `go tool trace -d=parsed` output into a `Trace`; pure.

    `source`: the text (str, or bytes decoded as UTF-8) or an iterable of its lines; `details`
    are `Trace` fields (`label`, `file`, `program_output`, `provenance`).
    """
    return Trace(parse_events(source), **details)
