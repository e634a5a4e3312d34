"""Pure plots of the layout topic: DataFrames or results in, a `Figure` out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from .. import figures

if TYPE_CHECKING:
    from .result import SizeClasses, StructLayout

FIELD_COLOUR = "#4c78a8"
POINTER_COLOUR = "#e45756"
HOLE_COLOUR = "#d9d9d9"


@figures.plot_function
def byte_map(layouts: Sequence[StructLayout], *, title: str | None = None) -> Figure:
    """One row per struct, one cell per byte: fields (pointer fields in red), padding in grey."""
    width = max((s.size for s in layouts), default=8)
    fig, ax = figures.new(height=1.1 + 0.8 * max(len(layouts), 1))
    for row, s in enumerate(layouts):
        y = len(layouts) - 1 - row
        for f in s.fields:
            colour = POINTER_COLOUR if f.pointers else FIELD_COLOUR
            ax.add_patch(
                Rectangle(
                    (f.offset, y + 0.1),
                    max(f.size, 0.15),
                    0.8,
                    facecolor=colour,
                    edgecolor="white",
                    linewidth=1.5,
                )
            )
            room = f.size * 60 / max(width, 1) / max(len(f.name), 1)  # about characters
            across = room >= 0.9  # the name fits across its box; else it stands upright in it
            ax.text(
                f.offset + f.size / 2,
                y + 0.5,
                f.name,
                ha="center",
                va="center",
                rotation=0 if across else 90,
                color="white" if across or f.size >= 3 else "black",
                fontsize=10 if room >= 1.2 or not across else 9,
            )
        for h in s.holes:
            ax.add_patch(
                Rectangle(
                    (h.start, y + 0.1),
                    h.size,
                    0.8,
                    facecolor=HOLE_COLOUR,
                    edgecolor="white",
                    hatch="//",
                    linewidth=1.5,
                )
            )
    ax.set_xlim(0, width)  # the whole width for bytes: a 1-byte field gets room for its name
    ax.set_ylim(0, max(len(layouts), 1))
    ax.set_yticks(
        [len(layouts) - 1 - i + 0.5 for i in range(len(layouts))],
        [f"{s.name}\n{s.size} B, {s.padding} B padding" for s in layouts],
    )
    step = 8 if width <= 96 else 16
    ax.set_xticks(range(0, width + 1, step))
    ax.set_xlabel("byte offset (B); grid every 8 bytes, the alignment of an int64")
    ax.grid(axis="x", alpha=0.3)
    fig.legend(
        handles=[
            Patch(color=FIELD_COLOUR, label="field"),
            Patch(color=POINTER_COLOUR, label="field with a pointer"),
            Patch(facecolor=HOLE_COLOUR, hatch="//", label="padding"),
        ],
        loc="outside lower center",
        ncol=3,
        frameon=False,
    )  # below the axis label
    ax.set_title(title or "Where do a struct's bytes go? Fields and padding, byte by byte")
    return fig


@figures.plot_function
def size_classes(
    classes: SizeClasses,
    measured: pd.DataFrame | None = None,
    *,
    up_to: int | None = None,
    title: str | None = None,
) -> Figure:
    """The class table as a step line (bytes charged per requested size) and, when given,
    measured B/op as points; a log-scale x axis."""
    fig, ax = figures.new(height=4.8)
    limit = up_to or (int(measured.bytes.max()) if measured is not None and len(measured) else 1024)
    sizes = [c.bytes_per_object for c in classes.classes if c.bytes_per_object <= 2 * limit]
    xs, ys, previous = [], [], 0
    for size in sizes:
        xs += [previous + 1, size]
        ys += [size, size]
        previous = size
    ax.plot(xs, ys, color="#888888", linewidth=1.5, label="size class (runtime's table)")
    ax.plot([1, limit], [1, limit], color="#bbbbbb", linestyle=":", label="requested = charged")
    if measured is not None and len(measured):
        ax.scatter(
            measured.bytes,
            measured.b_per_op,
            color=FIELD_COLOUR,
            zorder=3,
            s=28,
            label="B/op measured (go test -benchmem)",
        )
    ax.set_xscale("log", base=2)
    ax.set_yscale("log", base=2)
    ax.set_xlim(1, limit * 1.1)
    ax.set_xlabel("bytes requested, make([]byte, n) (log scale)")
    ax.set_ylabel("bytes charged per object (B, log)")
    ax.legend(loc="upper left")
    ax.set_title(title or "What does an n-byte heap object cost? Its size class")
    return fig


@figures.plot_function
def scan_work(frame: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Two panels per working set: heap the collector must scan, and GC CPU per cycle."""
    fig, (left, right) = figures.new(height=4.2, ncols=2)
    labels = list(frame["shape"])
    colours = [FIELD_COLOUR if mib < 1 else POINTER_COLOUR for mib in frame.heap_scan_mib]
    left.barh(labels, frame.heap_scan_mib, color=colours)
    left.set_xlabel("/gc/scan/heap:bytes (MiB)")
    left.invert_yaxis()
    left.set_title("heap to scan")
    right.barh(labels, frame.gc_cpu_ms, color=colours)
    right.set_xlabel("GC CPU of the cheapest forced cycle (ms)")
    right.invert_yaxis()
    right.set_yticks(range(len(labels)), [""] * len(labels))
    right.set_title("GC CPU (noisy under load)")
    fig.suptitle(title or "Does the collector look inside it? Pointer-free memory is skipped")
    return fig
