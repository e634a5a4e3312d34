"""Pure plots: DataFrames or results in, matplotlib Figures out (nothing here runs Go)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, NullFormatter

from .. import figures
from ..errors import UsageError

COLORS = {
    "heap": "#1f77b4",
    "live": "#2ca02c",
    "goal": "#d62728",
    "new": "#9ecae1",
    "other": "#bdbdbd",
    "sweep": "#ff7f0e",
    "markterm": "#9467bd",
}


def sawtooth(frame: pd.DataFrame) -> pd.DataFrame:
    """Heap in use over time from gctrace: at each cycle's start, at its end (marking done)
    and just after (down to the live heap). Columns t_s, heap_mib."""
    points = []
    for row in frame.itertuples():
        end = (
            row.t_s + (row.clock_sweep_term_ms + row.clock_mark_ms + row.clock_mark_term_ms) / 1000
        )
        points += [(row.t_s, row.heap_start_mib), (end, row.heap_end_mib), (end, row.heap_live_mib)]
    return pd.DataFrame(points, columns=["t_s", "heap_mib"])


@figures.plot_function
def heap_over_time(
    frame: pd.DataFrame, *, limit_mib: float | None = None, title: str | None = None
) -> Figure:
    """The sawtooth: heap grows to the goal, a collection brings it down to the live heap.
    `limit_mib` draws a memory limit (GOMEMLIMIT) as a line."""
    fig, ax = figures.new(height=4.5)
    f = frame.dropna(subset=["t_s"])
    if f.empty:
        ax.text(0.5, 0.5, "no GC cycles in this run", ha="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    saw = sawtooth(f)
    ax.plot(
        saw.t_s,
        saw.heap_mib,
        color=COLORS["heap"],
        lw=1.6,
        label="heap in use (start → end of each cycle → live)",
    )
    ends = saw.t_s.iloc[1::3].to_numpy()
    ax.plot(
        ends,
        f.heap_live_mib,
        "o",
        color=COLORS["live"],
        ms=4,
        label="live heap (marked by the cycle)",
    )
    starts = np.concatenate([[0.0], ends[:-1]])
    ax.hlines(
        f.goal_mib,
        starts,
        ends,
        color=COLORS["goal"],
        lw=1.4,
        ls="--",
        label="heap goal of the cycle",
    )
    forced = f[f.forced]
    if not forced.empty:
        ax.plot(
            forced.t_s, forced.heap_start_mib, "x", color="black", ms=8, label="forced (runtime.GC)"
        )
    if limit_mib is not None:
        ax.axhline(limit_mib, color="black", lw=1.2, label=f"memory limit ({limit_mib:g} MiB)")
    ax.set_xlabel("time since program start (s)")
    ax.set_ylabel("heap (MiB, rounded down)")
    top = max(f.heap_end_mib.max(), f.goal_mib.max(), limit_mib or 0)
    ax.set_ylim(0, top * 1.1 + 1)
    ax.set_title(title or f"How does the heap grow and shrink? ({len(f)} GC cycles)")
    ax.legend(loc="lower right", fontsize=10, framealpha=0.9)
    ax.grid(alpha=0.3)
    return fig


@figures.plot_function
def pauses(
    frame: pd.DataFrame, hist: pd.DataFrame | None = None, *, title: str | None = None
) -> Figure:
    """Stop-the-world pauses: per cycle (gctrace) and, given, the runtime/metrics histogram."""
    two = hist is not None and not hist.empty
    fig, axes = figures.new(height=4.2, ncols=2 if two else 1, squeeze=False)
    ax = axes[0][0]
    f = frame.dropna(subset=["clock_sweep_term_ms"])
    x = f.cycle.to_numpy()
    us_sweep = f.clock_sweep_term_ms.to_numpy() * 1000
    us_term = f.clock_mark_term_ms.to_numpy() * 1000
    # side by side, not stacked: on a log axis a stacked bar hides the smaller pause of its cycle
    ax.bar(x - 0.2, us_sweep, width=0.4, color=COLORS["sweep"], label="sweep termination")
    ax.bar(x + 0.2, us_term, width=0.4, color=COLORS["markterm"], label="mark termination")
    ax.set_xlabel("GC cycle")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    every = np.r_[us_sweep, us_term]
    wide = len(every) and every.max() > 20 * max(np.median(every), 1e-9)
    if wide:  # one long pause would flatten the rest: a log axis, and the label says so
        ax.set_yscale("log")
    ax.set_ylabel("stop-the-world time (µs" + (", log scale)" if wide else ")"))
    ax.set_title("STW pauses per cycle (gctrace)")
    ax.legend(fontsize=10)
    ax.grid(alpha=0.3, axis="y")
    if two and hist is not None:
        ax2 = axes[0][1]
        h = hist[np.isfinite(hist.lo_s) & np.isfinite(hist.hi_s)]
        lo, hi = h.lo_s.to_numpy() * 1e6, h.hi_s.to_numpy() * 1e6
        ax2.bar(
            lo, h["count"], width=hi - lo, align="edge", color=COLORS["heap"], edgecolor="white"
        )
        ax2.set_xscale("log")
        ax2.set_xlabel("pause length (µs, log scale)")
        ax2.set_ylabel("pauses")
        ax2.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 0.5 ticks
        ax2.set_title(f"All GC pauses ({int(hist['count'].sum())}, runtime/metrics)")
        ax2.grid(alpha=0.3, axis="y")
    fig.suptitle(title or "How long does the GC stop the program?")
    return fig


def _gogc_order(values) -> list[float]:
    return [math.inf if v == "off" else float(v) for v in values]


def log_ticks(low: float, high: float) -> list[float]:
    """Round tick values (1, 2, 5 × 10^k; 1, 1.5, 2, 3, 4, 5, 7 × 10^k when that gives fewer
    than four; the two ends, to two digits, on a span too narrow for either) from `low` to
    `high`, for a log axis whose every tick is labelled."""
    if not 0 < low <= high:
        raise UsageError(f"log_ticks needs 0 < low <= high, got {low!r} and {high!r}")
    for steps, enough in (((1, 2, 5), 4), ((1, 1.5, 2, 3, 4, 5, 7), 2)):
        ticks = [
            step * 10.0**power
            for power in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
            for step in steps
            if low <= step * 10.0**power <= high
        ]
        if len(ticks) >= enough:
            return ticks
    return sorted({float(f"{low:.2g}"), float(f"{high:.2g}")})


@figures.plot_function
def tradeoff(
    frame: pd.DataFrame,
    *,
    y: str = "gc_cpu_pct",
    model: pd.DataFrame | None = None,
    title: str | None = None,
) -> Figure:
    """GOGC's trade-off: each run's GC CPU % against its peak heap, labelled by GOGC.

    `model` (optional): columns GOGC, peak_mib, gc_cpu_pct from the cost model, drawn as a line
    with each point's GOGC beside it.
    """
    fig, ax = figures.new(height=4.5)
    f = frame.assign(order=_gogc_order(frame.GOGC)).sort_values("order")
    ylabel = {
        "gc_cpu_pct": "GC CPU (% of available CPU)",
        "gc_share_pct": "GC share of the CPU work (%)",
    }.get(y, y)
    ax.plot(f.peak_heap_mib, f[y], "o-", color=COLORS["heap"], ms=7, label="measured runs")
    rightmost = f.peak_heap_mib.max()
    for row in f.itertuples():
        last = row.peak_heap_mib == rightmost  # its label stands above it, inside the axes
        ax.annotate(
            f"GOGC={row.GOGC}",
            (row.peak_heap_mib, getattr(row, y)),
            textcoords="offset points",
            xytext=(0, 20) if last else (6, 6),
            ha="center" if last else "left",
            fontsize=10,
        )
    if model is not None and not model.empty:
        m = model.assign(order=_gogc_order(model.GOGC)).sort_values("order")
        ax.plot(
            m.peak_mib,
            m.gc_cpu_pct,
            "s--",
            color=COLORS["goal"],
            ms=5,
            label="cost model (program paused during GC)",
        )
        for row in m.itertuples():  # labelled too: a model point may sit on another run's dot
            ax.annotate(
                f"{row.GOGC}",
                (row.peak_mib, row.gc_cpu_pct),
                color=COLORS["goal"],
                textcoords="offset points",
                xytext=(-7, 3),
                ha="right",
                fontsize=9,
            )
    ax.set_xscale("log")
    ax.margins(x=0.1, y=0.12)  # room for the GOGC labels of the end points
    ticks = log_ticks(*ax.get_xlim())
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.xaxis.set_minor_formatter(NullFormatter())  # unlabelled minor ticks: no crowding
    ax.set_xlabel("peak heap (MiB, log scale)")
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.set_title(title or "GOGC trades memory for CPU: what does each setting cost?")
    ax.legend(fontsize=10)
    ax.grid(alpha=0.3, which="both")
    return fig


@figures.plot_function
def model_area(
    result,
    *,
    measured: pd.DataFrame | None = None,
    title: str | None = None,
    xmax: float | None = None,
    ymax: float | None = None,
    height: float = 4.4,
) -> Figure:
    """The cost model's memory over time as a stacked area (other / live / new heap), the way
    the GC guide draws it, with GC CPU % and peak in the title and, given, a measured heap line
    (columns t_s, heap_mib). `xmax`/`ymax` fix the axes (a slider then moves only the data);
    the legend sits below the plot, off the data."""
    fig, ax = figures.new(height=height)
    f = result.frame
    ax.stackplot(
        f.t_s,
        f.other_mib,
        f.live_mib,
        f.new_mib,
        colors=[COLORS["other"], COLORS["live"], COLORS["new"]],
        labels=["other memory", "live heap", "new heap (allocated since last GC)"],
    )
    if measured is not None and not measured.empty:
        ax.plot(
            measured.t_s,
            measured.heap_mib,
            color="black",
            lw=1.2,
            alpha=0.85,
            label="measured heap (gctrace)",
        )
    limit = result.settings.get("memlimit_mib")
    if limit is not None and limit <= max(ymax or 0, 1.5 * result.peak_mib):  # when in view
        ax.axhline(limit, color=COLORS["goal"], ls="--", lw=1.2, label="memory limit")
    else:
        limit = None
    ax.set_xlabel("time (s)")
    ax.set_ylabel("memory (MiB)")
    ax.set_xlim(0, xmax if xmax is not None else max(f.t_s.max(), 1e-9))
    ax.set_ylim(0, ymax if ymax is not None else None)
    gogc = result.settings.get("gogc")
    gogc = gogc if isinstance(gogc, str) else f"{gogc:.0f}"
    limit_text = f", limit {limit:g} MiB" if limit is not None else ""
    thrash = " (thrashing)" if result.thrashing else ""
    ax.set_title(
        title
        or f"Model, GOGC={gogc}{limit_text}: GC CPU {result.gc_cpu_pct:.1f} %, "
        f"peak {result.peak_mib:.1f} MiB{thrash}"
    )
    fig.legend(loc="outside lower center", ncols=4, fontsize=10, frameon=False)
    ax.grid(alpha=0.3)
    return fig


def measured_on_model_clock(
    frame: pd.DataFrame, *, speed: float = 1.0, other_mib: float = 0.0
) -> pd.DataFrame:
    """A measured gctrace sawtooth put on the model's axes: times × `speed` (the real run was
    that much faster), heap + `other_mib` (memory the model counts but the program did not
    allocate). Columns t_s, heap_mib."""
    saw = sawtooth(frame)
    return saw.assign(t_s=saw.t_s * speed, heap_mib=saw.heap_mib + other_mib)


@figures.plot_function
def model_and_run(
    model, run, *, title: str | None = None, xmax: float | None = None, ymax: float | None = None
) -> Figure:
    """The model's stacked area with a real run of the same workload drawn over it (a GCRun
    from `run_phases`), GC CPU and peak of both in the title."""
    speed = run.settings.get("speed", 1.0)
    other = run.settings.get("other_mib", 0.0)
    measured = measured_on_model_clock(run.log.frame, speed=speed, other_mib=other)
    row = run.row()
    limit = run.settings.get("memlimit_mib")  # the run's: the model's "none" is 100000 MiB
    gogc = model.settings.get("gogc")
    settings = f"GOGC={gogc if isinstance(gogc, str) else format(gogc, 'g')}" + (
        f", limit {limit:g} MiB" if limit else ""
    )
    words = title or (
        f"{settings} · model: GC CPU {model.gc_cpu_pct:.1f} %, peak "
        f"{model.peak_mib:.0f} MiB"
        f" · measured: GC share {row['gc_share_pct']:.1f} %, peak "
        f"{row['peak_heap_mib'] + other:.0f} MiB"
    )
    return model_area(model, measured=measured, title=words, xmax=xmax, ymax=ymax)
