"""The copy-cost plot: pure, DataFrame in, Figure out."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from .. import figures, validate
from .parse import PASSED


@figures.plot_function
@validate.typed
def copy_cost(frame: pd.DataFrame) -> Figure:
    """Log-log lines of ns per call against the size passed, by value and by pointer."""
    fig, ax = figures.new(height=4.6)
    for passed, marker in zip(PASSED, ("o", "s"), strict=True):
        part = frame[frame.passed == passed].sort_values("bytes")
        ax.plot(part.bytes, part.ns_per_call, marker=marker, label=f"passed by {passed}")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:g}"))
    sizes = sorted(frame.bytes.unique())
    ax.set_xticks(sizes, [_size_label(s) for s in sizes])
    ax.set_xlabel("size of the value passed (bytes, log scale)")
    ax.set_ylabel("time per call (ns, log scale)")
    ax.set_title("Does passing a bigger value cost more?")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    return fig


def _size_label(size: int) -> str:
    return f"{size // 1024} KiB" if size >= 1024 and size % 1024 == 0 else f"{size} B"
