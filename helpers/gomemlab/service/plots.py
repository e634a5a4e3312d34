"""Pure plots of a load run: frames in, Figures out."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from .. import figures

MiB = 1 << 20
HEAP = "/gc/heap/live:bytes"
GOAL = "/gc/heap/goal:bytes"
OBJECTS = "/memory/classes/heap/objects:bytes"
GOROUTINES = "/sched/goroutines:goroutines"


@figures.plot_function
def memory_over_time(metrics: pd.DataFrame, *, title: str = "") -> Figure:
    """Heap in objects, live heap after the last GC and the heap goal (MiB), and goroutines,
    over the seconds of a load run: two panels sharing the time axis."""
    fig, (heap, threads) = figures.new(height=5.5, nrows=2, sharex=True)
    if metrics.empty:
        heap.text(0.5, 0.5, "no metrics were read", ha="center", transform=heap.transAxes)
        return fig
    t = metrics["t_s"]
    heap.plot(
        t,
        metrics[OBJECTS] / MiB,
        color="#1f77b4",
        lw=1.6,
        label="heap objects (live + not yet collected)",
    )
    heap.plot(
        t, metrics[HEAP] / MiB, color="#2ca02c", lw=1.6, ls="-.", label="live heap at the last GC"
    )
    heap.plot(t, metrics[GOAL] / MiB, color="#d62728", lw=1.2, ls="--", label="heap goal")
    heap.set_ylabel("MiB")
    top = max(metrics[[OBJECTS, HEAP, GOAL]].max().max() / MiB, 1.0)
    heap.set_ylim(0, top * 1.35)  # room above the lines for the legend
    heap.legend(loc="upper center", ncol=3, frameon=False, fontsize=9)
    threads.plot(t, metrics[GOROUTINES], color="#9467bd", lw=1.6)
    threads.set_ylabel("goroutines")
    threads.set_xlabel("seconds since the load began")
    threads.set_ylim(bottom=0)
    heap.set_title(title or "What the service's memory did while the load ran")
    return fig


HATCHES = ("", "//", "..", "xx")
"""The runs' fill patterns in a latency bar chart, in order."""


@figures.plot_function
def latency_bars(
    frames: dict[str, pd.DataFrame], *, percentile: str = "p99_ms", title: str = ""
) -> Figure:
    """One bar per endpoint and run (e.g. first version vs revised): the chosen latency
    percentile in ms. Each run has its own hatch as well as its colour, so the runs are told
    apart without colour too."""
    fig, ax = figures.new(height=4.0)
    names = list(frames)
    endpoints = sorted({e for f in frames.values() for e in f["endpoint"]})
    width = 0.8 / max(len(names), 1)
    for i, name in enumerate(names):
        f = frames[name].set_index("endpoint").reindex(endpoints)
        xs = [j + i * width for j in range(len(endpoints))]
        hatch = HATCHES[i % len(HATCHES)]
        ax.bar(xs, f[percentile], width=width, label=name, hatch=hatch, edgecolor="white")
    ax.set_xticks([j + width * (len(names) - 1) / 2 for j in range(len(endpoints))], endpoints)
    ax.set_ylabel(f"{percentile.removesuffix('_ms')} latency (ms)")
    ax.legend()
    ax.set_title(title or f"{percentile.removesuffix('_ms')} latency per endpoint")
    return fig
