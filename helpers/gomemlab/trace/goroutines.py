"""Goroutine analysis: where each goroutine's time went, and per group of goroutines that
started in the same function, as `go tool trace`'s Goroutines page groups them; pure
functions of the summary program's records (`summary.py`).

The times are `internal/trace`'s `GoroutineExecStats`: running, runnable (waiting for a P),
blocked by reason, in a system call with or without its P, and the unaccounted rest; they do
not overlap and add up to the goroutine's time in the trace. Time in mark assists is a range
the summarizer counts on its own: it overlaps the others (an assisting goroutine runs, or
waits for mark work).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

ASSIST = "GC mark assist"
COLUMNS = [
    "g",
    "name",
    "created",
    "started",
    "ended",
    "total_ns",
    "exec_ns",
    "sched_wait_ns",
    "block_ns",
    "syscall_ns",
    "syscall_block_ns",
    "unknown_ns",
    "assist_ns",
]
SUMMED = ["total_ns", *COLUMNS[6:]]
SPREAD = ("exec_ns", "sched_wait_ns", "block_ns")
"""The per-goroutine times whose percentiles `groups` reports."""


def _since(t: int, start: int) -> int:
    return t - start if t > 0 else -1


def table(records: Sequence[dict], start: int) -> pd.DataFrame:
    """One row per goroutine (`COLUMNS`), by id; times since `start` (ns; -1: none)."""
    rows = [
        (
            int(r["id"]),
            str(r["name"]),
            int(r["creation"]) - start,
            _since(int(r["start"]), start),
            _since(int(r["end"]), start),
            int(r["total"]),
            int(r["exec"]),
            int(r["sched_wait"]),
            sum(int(v) for v in r["block"].values()),
            int(r["syscall"]),
            int(r["syscall_block"]),
            int(r["unknown"]),
            int(r["ranges"].get(ASSIST, 0)),
        )
        for r in records
    ]
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.astype({c: "int64" for c in COLUMNS if c != "name"}).sort_values(
        "g", ignore_index=True
    )


def blocked(records: Sequence[dict]) -> pd.DataFrame:
    """Blocked time by wait reason: g, name, reason, ns (reasons with time only)."""
    rows = [
        (int(r["id"]), str(r["name"]), str(reason), int(ns))
        for r in records
        for reason, ns in r["block"].items()
        if ns
    ]
    frame = pd.DataFrame(rows, columns=["g", "name", "reason", "ns"])
    return frame.astype({"g": "int64", "ns": "int64"}).sort_values(
        ["g", "reason"], ignore_index=True
    )


def in_ranges(records: Sequence[dict]) -> pd.DataFrame:
    """Time in the trace's special ranges (mark assists, sweeps, ...): g, name, range, ns."""
    rows = [
        (int(r["id"]), str(r["name"]), str(name), int(ns))
        for r in records
        for name, ns in r["ranges"].items()
        if ns
    ]
    frame = pd.DataFrame(rows, columns=["g", "name", "range", "ns"])
    return frame.astype({"g": "int64", "ns": "int64"}).sort_values(
        ["g", "range"], ignore_index=True
    )


def groups(frame: pd.DataFrame, percentiles: Sequence[float]) -> pd.DataFrame:
    """Per start function: count, the sums of `SUMMED`, and for each of `SPREAD` its
    percentiles over the group's goroutines (`exec_ns_p50`, ...: linear interpolation, as
    numpy's default); sorted as the tool sorts its groups, by total execution time (then
    name)."""
    grouped = frame.groupby("name", sort=True)
    out = grouped[SUMMED].sum()
    out.insert(0, "count", grouped.size())
    for column in SPREAD:
        for q in percentiles:
            out[f"{column}_p{q:g}"] = grouped[column].quantile(q / 100).astype("float64")
    out = out.reset_index()
    order = np.lexsort((out.name.to_numpy(), -out.exec_ns.to_numpy()))
    return out.iloc[order].reset_index(drop=True)


TOOL_NAMES = {
    "exec_ns": "Execution time",
    "sched_wait_ns": "Sched wait time",
    "syscall_ns": "Syscall execution time",
    "syscall_block_ns": "Block time (syscall)",
    "unknown_ns": "Unknown time",
}
"""The non-overlapping times and the names `go tool trace`'s goroutine page gives them (a
blocked time is "Block time (REASON)")."""


def tool_breakdown(frame: pd.DataFrame, blocked_frame: pd.DataFrame) -> dict[int, dict[str, int]]:
    """Each goroutine's times named as on the tool's goroutine page, "Total" included, the
    zero ones left out (the page lists a column when any goroutine of the group has it). As
    the tool does (`NonOverlappingStats`), a wait reason "syscall" adds to "Block time
    (syscall)"."""
    out: dict[int, dict[str, int]] = {}
    for row in frame.itertuples():
        stats = {"Total": int(row.total_ns)}
        stats.update({name: int(getattr(row, column)) for column, name in TOOL_NAMES.items()})
        out[int(row.g)] = stats
    for row in blocked_frame.itertuples():
        key = f"Block time ({row.reason})"
        out[int(row.g)][key] = out[int(row.g)].get(key, 0) + int(row.ns)
    return {g: {k: v for k, v in stats.items() if v} for g, stats in out.items()}
