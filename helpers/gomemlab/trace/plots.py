"""Pictures of a trace: DataFrames in, matplotlib Figures out (pure; no Go, no parsing).

Every figure comes from `figures.new` (never pyplot: it shows once, as the cell's value).
Times on every x axis are milliseconds since the first event of the trace.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from .. import figures, validate

COLOURS = {"user": "#1f77b4", "gc": "#d62728", "runtime": "#9e9e9e"}
LABELS = {"user": "your goroutines", "gc": "GC mark workers", "runtime": "other runtime"}
ROWS = {"user": 0.25, "gc": 0.0, "runtime": -0.25}
"""Each kind's row inside a P's lane (offset from its centre): the row tells the kind as well as
the colour does, so the colour never carries it alone."""
ROW_NAMES = {0.25: "top", 0.0: "middle", -0.25: "bottom"}
MARK_COLOUR = "#b9e3b0"
STW_COLOUR = "#111111"
Window = tuple[float, float] | None
"""A time window in ms since the trace began: (start, end); None: the whole trace."""


def _window_ns(window: Window, *frames: pd.DataFrame) -> tuple[float, float]:
    if window is not None:
        return window[0] * 1e6, window[1] * 1e6
    ends = [f["end"].max() for f in frames if len(f) and "end" in f]
    return 0.0, float(max(ends)) if ends else 1.0


def _clip(
    frame: pd.DataFrame, lo: float, hi: float, start: str = "start", end: str = "end"
) -> pd.DataFrame:
    return frame[(frame[end] >= lo) & (frame[start] <= hi)]


def _mark_bands(ax, gc: pd.DataFrame, lo: float, hi: float, *, label: bool) -> None:
    for i, cycle in enumerate(_clip(gc, lo, hi, "mark_start", "mark_end").itertuples()):
        ax.axvspan(
            cycle.mark_start / 1e6,
            cycle.mark_end / 1e6,
            color=MARK_COLOUR,
            zorder=0,
            lw=0,
            label="GC concurrent mark" if label and i == 0 else None,
        )


def _pixel_bars(
    starts: np.ndarray, ends: np.ndarray, lo: float, hi: float, min_width: float
) -> list[tuple[float, float]]:
    """(start_ms, width_ms) bars of one lane's intervals (ns, by start) cut to [lo, hi], at
    least `min_width` / 2 wide; intervals less than half a `min_width` apart (under a pixel)
    drawn as one bar: the same picture, and a busy trace's 100 000 stretches stay quick."""
    if len(starts) == 0:
        return []
    order = np.argsort(starts, kind="stable")
    s = np.maximum(starts[order], lo) / 1e6
    e = np.maximum(np.minimum(ends[order], hi) / 1e6, s + min_width / 2)
    reach = np.maximum.accumulate(e)
    new = np.ones(len(s), dtype=bool)
    new[1:] = s[1:] - reach[:-1] > min_width / 2
    first = np.flatnonzero(new)
    last_end = np.maximum.reduceat(e, first)
    return list(zip(s[first].tolist(), (last_end - s[first]).tolist(), strict=True))


@figures.plot_function
def timeline(
    running: pd.DataFrame,
    gc: pd.DataFrame,
    pauses: pd.DataFrame,
    *,
    window: Window = None,
    gomaxprocs: int | None = None,
    title: str | None = None,
    label_goroutines: bool | None = None,
    heap: pd.DataFrame | None = None,
    width: float = figures.WIDTH,
) -> Figure:
    """One lane per P: which goroutine ran when, coloured by kind and in a row of its own per
    kind (yours on top, GC mark workers in the middle, other runtime at the bottom), over GC
    marks and pauses.

    `running`: p, g, kind, start, end (ns) as in `Trace.running`; `gc`: mark_start, mark_end
    per cycle; `pauses`: start, end, duration_ns, reason of stop-the-world pauses. A top lane
    shows GC: each concurrent mark as a green band, each stop-the-world pause as a black
    tick (drawn at least a few pixels wide so that even a 20 µs pause stays visible).
    `heap` (time, heap_objects, heap_goal as in `Trace.heap`) adds a lane under the Ps, on
    the same time axis: the heap in use and its goal.
    """
    lo, hi = _window_ns(window, running, gc)
    run = _clip(running, lo, hi)
    procs = sorted(set(running.p)) or [0]
    if gomaxprocs:
        procs = sorted(set(procs) | set(range(gomaxprocs)))
    height = 2.8 + 0.5 * (len(procs) + 1)
    if heap is None:
        fig, ax = figures.new(width, height)
    else:
        fig, (ax, heap_ax) = figures.new(
            width,
            height + 2.2,
            nrows=2,
            sharex=True,
            gridspec_kw={"height_ratios": [height - 1.6, 2.0]},
        )
    lane = {p: len(procs) - i for i, p in enumerate(procs)}  # P0 on top, GC lane above it
    gc_lane = len(procs) + 1
    _mark_bands(ax, gc, lo, hi, label=True)
    span_ms = (hi - lo) / 1e6
    min_width = span_ms / 600  # about two pixels at notebook width
    for kind, colour in COLOURS.items():
        rows = run[run.kind == kind]
        for p, group in rows.groupby("p"):
            bars = _pixel_bars(group.start.to_numpy(), group.end.to_numpy(), lo, hi, min_width)
            ax.broken_barh(bars, (lane[p] + ROWS[kind] - 0.12, 0.24), color=colour, lw=0)
    if label_goroutines is None:
        label_goroutines = len(run) <= 60
    if label_goroutines:
        for row in run.itertuples():
            mid = (max(row.start, lo) + min(row.end, hi)) / 2e6
            if (min(row.end, hi) - max(row.start, lo)) / 1e6 > span_ms / 40:
                ax.text(
                    mid,
                    lane[row.p] + ROWS.get(row.kind, 0.0),
                    f"G{row.g}",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white",
                )
    shown = _clip(pauses, lo, hi)
    ticks = [
        (s / 1e6, max(d / 1e6, min_width))
        for s, d in zip(shown.start, shown.duration_ns, strict=True)
    ]
    ax.broken_barh(ticks, (gc_lane - 0.38, 0.76), color=STW_COLOUR, lw=0)
    for cycle in _clip(gc, lo, hi, "mark_start", "mark_end").itertuples():
        ax.broken_barh(
            [(cycle.mark_start / 1e6, (cycle.mark_end - cycle.mark_start) / 1e6)],
            (gc_lane - 0.25, 0.5),
            color=MARK_COLOUR,
            lw=0,
        )
    ax.set_yticks([gc_lane, *lane.values()], ["GC", *(f"P{p}" for p in lane)])
    ax.set_ylim(0.4, gc_lane + 0.6)
    ax.set_xlim(lo / 1e6, hi / 1e6)
    ax.set_xlabel("time since the trace began (ms)")
    ax.set_ylabel("processor (P)")
    if heap is not None:
        ax.set_xlabel("")
        _heap_lane(heap_ax, heap, gc, lo, hi)
    handles = [
        Patch(color=COLOURS[k], label=f"{LABELS[k]} ({ROW_NAMES[ROWS[k]]} row of a P)")
        for k in COLOURS
    ]
    handles += [
        Patch(color=MARK_COLOUR, label="GC concurrent mark"),
        Patch(color=STW_COLOUR, label="stop the world"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=3, frameon=False)
    ax.set_title(title or "Which goroutine ran on each processor, and when did the GC run?")
    ax.grid(axis="x", alpha=0.3)
    return fig


def _heap_lane(ax, heap_frame: pd.DataFrame, gc: pd.DataFrame, lo: float, hi: float) -> None:
    """The heap in use and its goal (MiB) as steps, over the GC's mark bands."""
    _mark_bands(ax, gc, lo, hi, label=False)
    before = heap_frame[heap_frame.time <= lo].tail(1)
    shown = pd.concat([before, heap_frame[(heap_frame.time > lo) & (heap_frame.time <= hi)]])
    mib = 1 << 20
    for column, colour, dashes, label in (
        ("heap_objects", "#1f77b4", "-", "heap in use"),
        ("heap_goal", "#d62728", "--", "heap goal"),
    ):
        ax.step(
            shown.time.clip(lower=lo) / 1e6,
            shown[column] / mib,
            where="post",
            color=colour,
            ls=dashes,
            lw=1.3,
            label=label,
        )
    ax.set_ylim(bottom=0)
    ax.set_ylabel("heap (MiB)")
    ax.set_xlabel("time since the trace began (ms)")
    ax.set_title("Heap in use and its goal", fontsize=12, loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.grid(alpha=0.3)


@figures.plot_function
@validate.typed
def state_counts(
    counts: pd.DataFrame,
    gc: pd.DataFrame | None = None,
    *,
    window: Window = None,
    title: str | None = None,
    width: float = figures.WIDTH,
) -> Figure:
    """How many goroutines were running, runnable (waiting for a P) and waiting, over time."""
    end = pd.DataFrame({"end": [counts.time.max() if len(counts) else 1]})
    lo, hi = _window_ns(window, end)
    fig, ax = figures.new(width, 3.6)
    if gc is not None:
        _mark_bands(ax, gc, lo, hi, label=True)
    before = counts[counts.time <= lo].tail(1)
    shown = pd.concat([before, counts[(counts.time > lo) & (counts.time <= hi)]])
    styles = {  # colour and line style: the states stay apart without colour vision too
        "Running": ("#1f77b4", "-"),
        "Runnable": ("#ff7f0e", "--"),
        "Waiting": ("#7f7f7f", ":"),
        "Syscall": ("#9467bd", "-."),
    }
    for state, (colour, dashes) in styles.items():
        if state in shown and shown[state].any():
            ax.step(
                shown.time / 1e6,
                shown[state],
                where="post",
                color=colour,
                ls=dashes,
                label=state,
                lw=1.4,
            )
    ax.set_xlim(lo / 1e6, hi / 1e6)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("time since the trace began (ms)")
    ax.set_ylabel("goroutines")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.set_title(title or "How many goroutines were running, runnable or waiting?")
    ax.grid(alpha=0.3)
    return fig


@figures.plot_function
@validate.typed
def heap(
    heap_frame: pd.DataFrame,
    gc: pd.DataFrame | None = None,
    *,
    window: Window = None,
    title: str | None = None,
    width: float = figures.WIDTH,
) -> Figure:
    """Heap in use by objects vs the heap goal over time (MiB): the GC's sawtooth."""
    end = pd.DataFrame({"end": [heap_frame.time.max() if len(heap_frame) else 1]})
    lo, hi = _window_ns(window, end)
    fig, ax = figures.new(width, 3.8)
    if gc is not None:
        _mark_bands(ax, gc, lo, hi, label=True)
    shown = heap_frame[(heap_frame.time >= lo) & (heap_frame.time <= hi)]
    mib = 1 << 20
    ax.step(
        shown.time / 1e6,
        shown.heap_objects / mib,
        where="post",
        color="#1f77b4",
        label="heap in use (objects)",
        lw=1.2,
    )
    ax.step(
        shown.time / 1e6,
        shown.heap_goal / mib,
        where="post",
        color="#d62728",
        ls="--",
        label="heap goal",
        lw=1.2,
    )
    ax.set_xlim(lo / 1e6, hi / 1e6)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("time since the trace began (ms)")
    ax.set_ylabel("MiB")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.set_title(title or "How does the heap grow toward its goal, and drop after each GC?")
    ax.grid(alpha=0.3)
    return fig


@figures.plot_function
def mmu(
    curve: pd.DataFrame,
    *,
    flags: tuple[str, ...] = (),
    title: str | None = None,
    width: float = figures.WIDTH,
) -> Figure:
    """Minimum mutator utilization against window length (log axis), as `go tool trace`'s MMU
    page draws it: columns `window_s` and `mmu` (a `Trace.mmu(...)` frame)."""
    fig, ax = figures.new(width, 3.6)
    ax.plot(curve.window_s * 1e3, curve.mmu, color="#1f77b4", lw=1.6, marker=".", ms=3)
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("window length (ms, log scale)")
    ax.set_ylabel("minimum mutator utilization")
    counted = ", ".join(flags) if flags else "nothing"
    ax.set_title(title or f"How much of any window is left to your code? (counting {counted})")
    ax.grid(alpha=0.3, which="both")
    return fig


GROUP_PARTS = {  # the tool's colours for these times (cmd/trace's stat2Color), in its order
    "exec_ns": ("running", "#d7191c", ""),
    "sched_wait_ns": ("runnable (waiting for a P)", "#2c7bb6", "//"),
    "block_ns": ("blocked", "#d01c8b", ".."),
    "syscall_ns": ("in a system call", "#7b3294", "xx"),
    "syscall_block_ns": ("in a system call, P taken", "#636363", "\\\\"),
    "unknown_ns": ("unaccounted", "#bdbdbd", ""),
}


@figures.plot_function
def goroutine_groups(
    groups: pd.DataFrame,
    *,
    top: int = 8,
    title: str | None = None,
    width: float = figures.WIDTH,
) -> Figure:
    """Where each group of goroutines spent its time: one stacked bar per start function
    (the first `top` groups, as the tool orders them: by time running), summed over the
    group's goroutines (ms)."""
    top = validate.count(top, "top")
    shown = groups.head(top).iloc[::-1]
    fig, ax = figures.new(width, 1.6 + 0.45 * max(len(shown), 1))
    names = [
        f"{n or '(no stack seen)'} ×{c}" for n, c in zip(shown.name, shown["count"], strict=True)
    ]
    left = pd.Series(0.0, index=shown.index)
    for column, (label, colour, hatch) in GROUP_PARTS.items():
        values = shown[column] / 1e6
        if values.any():
            ax.barh(names, values, left=left, color=colour, hatch=hatch, label=label, lw=0)
        left += values
    ax.set_xlabel("time, summed over the group's goroutines (ms)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.set_title(title or "Where did each group of goroutines spend its time?")
    ax.grid(axis="x", alpha=0.3)
    return fig
