"""What a trace says, as pure functions: parsed event rows in, tables out; tables in, tables
or numbers out. `Trace` (in `result.py`) calls these once per table and keeps the answers.

Rows are the parser's tuples (`records.EVENT_COLUMNS` order). `t0` is the absolute time of
the first event and `end` that of the last; every table's times are relative to `t0` (ns).
The tables' columns are documented in `result.FRAME_DOC`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd

from .records import EVENT_COLUMNS, ParsedEvents

MARK_PHASE = "GC concurrent mark phase"
SWEEP_TERMINATION = "stop-the-world (GC sweep termination)"
MARK_TERMINATION = "stop-the-world (GC mark termination)"
MARK_ASSIST = "GC mark assist"
SWEEP = "GC incremental sweep"
HEAP_OBJECTS = "/memory/classes/heap/objects:bytes"
HEAP_GOAL = "/gc/heap/goal:bytes"
GOMAXPROCS = "/sched/gomaxprocs:threads"
STATES = ("Running", "Runnable", "Waiting", "Syscall")
"""The goroutine states `state_counts` counts."""

Rows = list[tuple] | tuple[tuple, ...]
_TIME = itemgetter(0)
_RANGE_KINDS = frozenset({"RangeBegin", "RangeActive", "RangeEnd"})
_GC_COLUMNS = [
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


# ---------------------------------------------------------------------- rows
def time_span(rows: Rows) -> tuple[int, int]:
    """The absolute times of the first and the last event (ns); (0, 0) without events."""
    t0 = min(map(_TIME, rows), default=0)
    return t0, max(map(_TIME, rows), default=t0)


def rows_by_kind(rows: Rows) -> dict[str, list[tuple]]:
    """The rows each table reads, picked out once: goroutine and proc transitions, ranges,
    metrics, labels and logs."""
    return {
        "goroutine": [r for r in rows if r[5] == "goroutine" and r[4] == "StateTransition"],
        "proc": [r for r in rows if r[5] == "proc" and r[4] == "StateTransition"],
        "range": [r for r in rows if r[4] in _RANGE_KINDS],
        "metric": [r for r in rows if r[4] == "Metric"],
        "label": [r for r in rows if r[4] == "Label"],
        "log": [r for r in rows if r[4] == "Log"],
    }


def event_table(parsed: ParsedEvents, t0: int) -> pd.DataFrame:
    """One row per trace event, in trace order."""
    rows = parsed.rows
    columns: dict[str, Sequence[Any]] = (
        dict(zip(EVENT_COLUMNS, zip(*rows, strict=True), strict=False))
        if rows
        else {name: [] for name in EVENT_COLUMNS}
    )
    frame = pd.DataFrame(columns, columns=list(EVENT_COLUMNS))
    for name in ("time", "m", "p", "g", "resource_id", "task", "line_no"):
        frame[name] = frame[name].astype("int64")
    frame["time"] -= t0
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    frame["stack"] = np.asarray(parsed.stack, dtype="int64")
    frame["transition_stack"] = np.asarray(parsed.transition_stack, dtype="int64")
    return frame


# ---------------------------------------------------------------------- goroutines
def goroutine_ids(rows: Rows, transitions: Rows) -> list[int]:
    """Every goroutine id that ran an event or changed state, ascending."""
    g = _ints(rows, 3)
    return np.unique(np.concatenate([_ints(transitions, 6), g[g >= 0]])).tolist()


def goroutine_names(parsed: ParsedEvents) -> dict[int, str]:
    """Each goroutine's entry function: from its creation, else the bottom of a stack."""
    stacks = parsed.stacks
    rows = parsed.rows
    # -1 (no stack) indexes the sentinel at the end: an empty stack
    filled = np.array([bool(frames) for frames in stacks] + [False])
    stack = np.asarray(parsed.stack, dtype="int64")
    tstack = np.asarray(parsed.transition_stack, dtype="int64")
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


def goroutine_kinds(ids: Sequence[int], names: dict[int, str], labels: Rows) -> dict[int, str]:
    """Each goroutine's kind: `gc` (a mark worker, by name or by its "GC (...)" label),
    `runtime` (unnamed, or entered in the runtime) or `user`."""
    gc_labelled = {row[6] for row in labels if row[5] == "goroutine" and row[7].startswith("GC (")}
    kinds = {}
    for g_id in ids:
        name = names.get(g_id, "")
        if g_id in gc_labelled or name.startswith("runtime.gcBgMarkWorker"):
            kinds[g_id] = "gc"
        elif not name or name.startswith(("runtime", "internal/")):
            kinds[g_id] = "runtime"
        else:
            kinds[g_id] = "user"
    return kinds


def state_intervals(transitions: Rows, t0: int, end: int, kinds: dict[int, str]) -> pd.DataFrame:
    """Goroutine state intervals, from each goroutine's state transitions.

    A transition opens an interval in its new state that the goroutine's next transition (or
    `end`) closes; a goroutine first seen in a known state gets an interval in that state
    from `t0`.
    """
    rows = transitions
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
    opens = (new != "NotExist") & (new != "Undetermined")
    ends = np.full(n, end, dtype="int64")
    ends[:-1] = np.where(same_next[:-1], time[1:], end) if n else ends[:-1]
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
            "start": np.concatenate([np.full(before.sum(), t0, "int64"), time[opens]]),
            "end": np.concatenate([time[before], ends[opens]]),
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
    frame[["start", "end"]] -= t0
    frame.insert(4, "duration_ns", frame["end"] - frame["start"])
    frame["kind"] = pd.Series(
        [kinds.get(g, "runtime") for g in frame["g"].tolist()], index=frame.index
    )
    return frame.reset_index(drop=True)


def goroutine_table(
    states: pd.DataFrame, ids: Sequence[int], names: dict[int, str], kinds: dict[int, str]
) -> pd.DataFrame:
    """One row per goroutine: its entry function, kind, time running, first seen."""
    running = states[states.state == "Running"].groupby("g")["duration_ns"].sum()
    first = states.groupby("g")["start"].min()
    rows = [
        (
            g,
            names.get(g, ""),
            kinds.get(g, "runtime"),
            int(running.get(g, 0)),
            first.get(g, np.nan),
        )
        for g in ids
    ]
    return pd.DataFrame(rows, columns=["g", "name", "kind", "running_ns", "first_seen"])


def running_table(states: pd.DataFrame, names: dict[int, str]) -> pd.DataFrame:
    """Who ran where: one row per stretch a goroutine held a P."""
    run = states[(states.state == "Running") & (states.p >= 0)]
    run = run.assign(name=[names.get(g, "") for g in run.g])
    return run[["p", "g", "kind", "name", "start", "end", "duration_ns", "m"]].reset_index(
        drop=True
    )


def proc_intervals(transitions: Rows, t0: int, end: int) -> pd.DataFrame:
    """P state intervals (Running: held by a thread, Idle)."""
    open_: dict[int, tuple[str, int]] = {}
    out = []
    for row in transitions:
        time, p_id, old, new = row[0], row[6], row[8], row[9]
        current = open_.pop(p_id, None)
        if current is not None:
            out.append((p_id, current[0], current[1], time))
        elif old not in ("Undetermined", "NotExist"):
            out.append((p_id, old, t0, time))
        if new not in ("NotExist", "Undetermined"):
            open_[p_id] = (new, time)
    for p_id, (state, start) in open_.items():
        out.append((p_id, state, start, end))
    frame = pd.DataFrame(out, columns=["p", "state", "start", "end"]).astype(
        {"p": "int64", "start": "int64", "end": "int64"}
    )
    frame[["start", "end"]] -= t0
    frame["duration_ns"] = frame["end"] - frame["start"]
    return frame.sort_values(["p", "start"]).reset_index(drop=True)


def state_counts(states: pd.DataFrame) -> pd.DataFrame:
    """How many goroutines were in each of `STATES` after every change (a step function)."""
    states = states[states.state.isin(STATES)]
    deltas = pd.concat(
        [
            pd.DataFrame({"time": states.start, "state": states.state, "d": 1}),
            pd.DataFrame({"time": states.end, "state": states.state, "d": -1}),
        ]
    )
    table = deltas.pivot_table(
        index="time", columns="state", values="d", aggfunc="sum", fill_value=0
    ).cumsum()
    for state in STATES:
        if state not in table:
            table[state] = 0
    table = table[list(STATES)].astype("int64")
    table.columns.name = None
    return table.reset_index()


# ---------------------------------------------------------------------- ranges and GC
def range_intervals(range_rows: Rows, t0: int, end: int) -> pd.DataFrame:
    """Ranges (stop-the-world, GC mark phase, mark assists, sweeps, ...) as intervals; a
    range open at either end of the trace is `cut` there."""
    open_: dict[tuple, tuple] = {}
    out: list[tuple] = []
    add = out.append
    for row in range_rows:
        kind = row[4]
        key = (row[7], row[5], row[6])
        if kind == "RangeEnd":
            begin = open_.pop(key, None)
            start, g, p, m, cut = begin if begin is not None else (t0, row[3], row[2], row[1], True)
            add((*key, start, row[0], g, p, m, row[11], cut))
        elif kind == "RangeBegin" or key not in open_:
            open_[key] = (row[0], row[3], row[2], row[1], kind == "RangeActive")
    for key, (start, g, p, m, _) in open_.items():
        out.append((*key, start, end, g, p, m, "", True))
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


def cycle_of(ranges: pd.DataFrame, times: pd.Series, gc_only: pd.Series | None = None) -> pd.Series:
    """The GC cycle (1, 2, ...) whose mark phase each time falls in (from 1 ns before its
    start to its end); NaN outside every mark (or where `gc_only` is False)."""
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


def pause_table(ranges: pd.DataFrame) -> pd.DataFrame:
    """Every stop-the-world pause, GC or not (e.g. ReadMemStats, starting the trace)."""
    stw = ranges[ranges.name.str.startswith("stop-the-world")]
    frame = pd.DataFrame(
        {
            "reason": stw.name.str.extract(r"\((.*)\)", expand=False).fillna(stw.name),
            "start": stw.start,
            "end": stw.end,
            "duration_ns": stw.duration_ns,
        }
    ).reset_index(drop=True)
    frame["cycle"] = cycle_of(ranges, frame.start, gc_only=frame.reason.str.startswith("GC"))
    return frame


def assist_table(
    ranges: pd.DataFrame, names: dict[int, str], kinds: dict[int, str]
) -> pd.DataFrame:
    """Mark assists: goroutines made to help the GC mark because they allocated."""
    rows = ranges[ranges.name == MARK_ASSIST]
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
    frame["cycle"] = cycle_of(ranges, frame.start)
    return frame


def gc_cycles(ranges: pd.DataFrame, assists: pd.DataFrame) -> pd.DataFrame:
    """GC cycles: the two stop-the-world pauses and the concurrent mark between them, with
    the cycle's assists and the sweeps recorded from its end to the next cycle's start."""
    names = ranges.name.to_numpy()
    marks = ranges[names == MARK_PHASE]
    if marks.empty:
        return pd.DataFrame([], columns=_GC_COLUMNS)
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
        columns=_GC_COLUMNS,
    )


# ---------------------------------------------------------------------- metrics and logs
def metric_table(metric_rows: Rows, t0: int) -> pd.DataFrame:
    """Metric events in long form: time, name, value."""
    values = np.array([r[10] for r in metric_rows], dtype="float64")  # None: NaN
    return pd.DataFrame(
        {"time": _ints(metric_rows, 0) - t0, "name": _objs(metric_rows, 7), "value": values},
        columns=["time", "name", "value"],
    )


def heap_table(metrics: pd.DataFrame) -> pd.DataFrame:
    """Heap in use by objects, the heap goal (bytes) and GOMAXPROCS over time, filled
    forward from the last metric event."""
    wanted = {HEAP_OBJECTS: "heap_objects", HEAP_GOAL: "heap_goal", GOMAXPROCS: "gomaxprocs"}
    frame = pd.DataFrame({"time": metrics.time})
    for name, column in wanted.items():
        frame[column] = metrics.value.where(metrics.name == name)
    frame = frame.groupby("time", as_index=False).last().ffill()
    return frame.reset_index(drop=True)


def log_table(log_rows: Rows, t0: int) -> pd.DataFrame:
    """The messages of `runtime/trace.Log`: time, g, task, category, message."""
    rows = [(row[0] - t0, row[3], row[12], row[7], row[11]) for row in log_rows]
    return pd.DataFrame(rows, columns=["time", "g", "task", "category", "message"])


def last_gomaxprocs(metric_rows: Rows) -> int | None:
    """The last GOMAXPROCS the trace reported (None: never)."""
    for row in reversed(metric_rows):
        if row[7] == GOMAXPROCS and row[10] is not None:
            return int(row[10])
    return None


def thread_count(rows: Rows) -> int:
    """How many OS threads (Ms) appear in the events."""
    m = _ints(rows, 1)
    return len(np.unique(m[m >= 0]))


def procs_running(transitions: Rows) -> int:
    """How many Ps ran goroutines (a Running interval has the P of the transition that
    started it, so the states table is not needed)."""
    return len({r[2] for r in transitions if r[9] == "Running" and r[2] >= 0})


# ---------------------------------------------------------------------- questions
def _levels(running: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The times of every start and end, in order (ends first at equal times), and how many
    goroutines ran after each."""
    times = np.concatenate([running.start.to_numpy(), running.end.to_numpy()])
    steps = np.concatenate([np.ones(len(running), "int64"), -np.ones(len(running), "int64")])
    order = np.lexsort((steps, times))
    return times[order], np.cumsum(steps[order])


def max_parallel(running: pd.DataFrame) -> int:
    """The most of these running stretches that overlap at one instant."""
    if running.empty:
        return 0
    return int(_levels(running)[1].max())


def parallel_ns(running: pd.DataFrame, at_least: int = 2) -> int:
    """How long (ns) at least `at_least` of these running stretches overlapped."""
    if running.empty:
        return 0
    times, level = _levels(running)
    return int(np.diff(times)[level[:-1] >= at_least].sum())


def running_during_marks(gc: pd.DataFrame, running: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Per complete GC cycle: how long the `running` stretches (of goroutines of `kind`)
    overlapped its concurrent mark (ns)."""
    gc = gc[gc.complete]
    starts, ends = running.start.to_numpy(), running.end.to_numpy()
    rows = []
    for cycle in gc.itertuples():
        overlap = np.clip(
            np.minimum(ends, cycle.mark_end) - np.maximum(starts, cycle.mark_start), 0, None
        )
        rows.append((cycle.cycle, int(cycle.mark_ns), int(overlap.sum())))
    return pd.DataFrame(rows, columns=["cycle", "mark_ns", f"{kind}_running_ns"])


def cycle_window(
    gc: pd.DataFrame, duration_ns: int, cycle: int | None = None, margin: float = 0.5
) -> tuple[float, float]:
    """A time window (ms) around GC cycle `cycle` (default: the complete cycle whose mark is
    closest to the median), widened by `margin` × its length on each side, within the trace."""
    chosen = gc[gc.complete] if gc.complete.any() else gc
    if chosen.empty:
        return 0.0, duration_ns / 1e6
    if cycle is None:
        row = chosen.loc[(chosen.mark_ns - chosen.mark_ns.median()).abs().idxmin()]
    else:
        row = gc[gc.cycle == cycle].iloc[0]
    length = row.end - row.start
    start = max(0.0, row.start - margin * length)
    end = min(float(duration_ns), row.end + margin * length)
    return start / 1e6, end / 1e6


# ---------------------------------------------------------------------- helpers
def _ints(rows: Rows, index: int) -> np.ndarray:
    """Field `index` of every row, as an int64 array."""
    return np.fromiter(map(itemgetter(index), rows), dtype="int64", count=len(rows))


def _objs(rows: Rows, index: int) -> np.ndarray:
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
