"""Pure figures for chapter 09: data in, `matplotlib.figure.Figure` out (via `figures.new`)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.figure import Figure

from .. import figures

MIB = 2**20
_HEAP_CLASSES = (
    ("objects", "live and dead objects", "#4c72b0"),
    ("free", "free, still held from the OS", "#dd8452"),
    ("released", "released to the OS", "#55a868"),
)


@figures.plot_function
def pool_hits(
    hits: pd.Series, *, trials: float, title: str = "Does a pooled value survive a collection?"
) -> Figure:
    """Bars of the share of Gets that found the pooled value, by collections in between."""
    fig, ax = figures.new(height=3.6)
    share = 100 * hits.to_numpy() / trials
    steps = [str(s) for s in hits.index]
    colours = ["#55a868" if v >= 50 else "#c44e52" for v in share]
    ax.bar(steps, share, color=colours)
    for x, v in zip(steps, share, strict=True):
        ax.annotate(
            f"{v:.0f}%", (x, v), ha="center", va="bottom", xytext=(0, 3), textcoords="offset points"
        )
    ax.set_ylim(0, 115)
    ax.set_xlabel("runtime.GC() calls between Put and Get")
    ax.set_ylabel("Gets that found the value (%)")
    ax.set_title(title)
    return fig


@figures.plot_function
def scavenge(
    timeline: pd.DataFrame,
    *,
    title: str = "After the heap dies: when does the memory go back to the OS?",
) -> Figure:
    """The heap's memory classes (stacked, MiB) and the process's RSS over time, with the
    run's events (drop, second GC, FreeOSMemory) as vertical lines."""
    fig, ax = figures.new(height=4.5)
    t = timeline.t_s.to_numpy()
    layers = [timeline[name].to_numpy() / MIB for name, _, _ in _HEAP_CLASSES]
    ax.stackplot(
        t,
        *layers,
        labels=[label for _, label, _ in _HEAP_CLASSES],
        colors=[colour for _, _, colour in _HEAP_CLASSES],
        alpha=0.85,
        step="post",
    )
    if "rss" in timeline and (timeline.rss >= 0).all():
        ax.step(
            t,
            timeline.rss / MIB,
            where="post",
            color="black",
            lw=2,
            label="resident set size (RSS)",
        )
    # headroom above the data, where the event labels go (on a white ground where they cross it)
    ax.set_ylim(0, ax.get_ylim()[1] * 1.3)
    events = {
        "event_dropped": "heap dropped + GC",
        "event_gc": "second GC",
        "event_freeosmemory": "debug.FreeOSMemory()",
    }
    for column, label in events.items():
        if column in timeline:
            for when in timeline.t_s[timeline[column].notna()]:
                ax.axvline(when, color="#444", ls="--", lw=1)
                ax.annotate(
                    label,
                    (when, ax.get_ylim()[1]),
                    rotation=90,
                    va="top",
                    ha="right",
                    fontsize=10,
                    xytext=(-2, -4),
                    textcoords="offset points",
                    bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none", "pad": 1},
                )
    ax.set_xlabel("time since start (s)")
    ax.set_ylabel("MiB")
    ax.set_title(title)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=4, fontsize=10, frameon=False)
    return fig


@figures.plot_function
def bars(
    values: Sequence[float], labels: Sequence[str], *, title: str = "Live heap", unit: str = "bytes"
) -> Figure:
    """Horizontal bars of byte values (shown in MiB), one per label, top to bottom."""
    if len(values) != len(labels):
        raise ValueError(f"{len(values)} values but {len(labels)} labels")
    fig, ax = figures.new(height=0.55 * len(values) + 1.6)
    scale, shown = (MIB, "MiB") if unit == "bytes" else (1, unit)
    scaled = [v / scale for v in values][::-1]
    names = list(labels)[::-1]
    ax.barh(names, scaled, color="#4c72b0")
    top = max([abs(v) for v in scaled] + [1e-9])
    for y, v in enumerate(scaled):
        label = 0.0 if abs(v) < 0.005 else v  # measurement noise around 0: no "-0.00"
        ax.annotate(
            f"{label:,.2f} {shown}",
            (max(v, 0), y),
            va="center",
            xytext=(4, 0),
            textcoords="offset points",
        )
    ax.set_xlim(0, top * 1.25)
    ax.set_xlabel(shown)
    ax.set_title(title)
    return fig
