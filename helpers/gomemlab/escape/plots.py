"""Pure plots of escape verdicts: a table or counts in, a `Figure` out (never pyplot)."""

from __future__ import annotations

from collections.abc import Mapping

from matplotlib.figure import Figure

from .. import figures
from .palette import kind_style


def _empty(fig: Figure, ax, title: str) -> Figure:
    ax.text(0.5, 0.5, "no escape verdicts", ha="center", va="center")
    ax.set_axis_off()
    ax.set_title(title)
    return fig


@figures.plot_function
def verdicts_per_function(table, *, title: str | None = None) -> Figure:
    """A horizontal stacked bar per function (rows of `table`, a function × kind count
    table such as `EscapeReport.summary()`): how many verdicts of each kind it got."""
    title = title or "Where does each function's data go? Compiler verdicts per function"
    fig, ax = figures.new(height=max(3.0, 0.36 * max(len(table), 1) + 1.8))
    if table.empty:
        return _empty(fig, ax, title)
    table = table.iloc[::-1]
    left = [0] * len(table)
    for kind in table.columns:
        colour, hatch = kind_style(kind)
        values = table[kind].tolist()
        ax.barh(
            table.index,
            values,
            left=left,
            color=colour,
            hatch=hatch,
            edgecolor="white",
            linewidth=0.5,
            label=kind.replace("_", " "),
        )
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_xlabel("compiler messages (count)")
    ax.set_ylabel("function")
    ax.set_title(title)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, title="verdict")
    ax.grid(axis="x", alpha=0.3)
    return fig


@figures.plot_function
def verdicts_per_kind(counts: Mapping[str, int], *, title: str | None = None) -> Figure:
    """One bar per message kind: how many messages of each kind the compiler printed."""
    title = title or "What did the compiler decide? Messages per kind"
    fig, ax = figures.new(height=max(3.0, 0.4 * max(len(counts), 1) + 1.5))
    if not counts:
        return _empty(fig, ax, title)
    kinds = list(counts)[::-1]
    styles = [kind_style(kind) for kind in kinds]
    bars = ax.barh(
        [k.replace("_", " ") for k in kinds],
        [counts[k] for k in kinds],
        color=[c for c, _ in styles],
        edgecolor="white",
    )
    for bar, (_, hatch) in zip(bars, styles, strict=True):
        bar.set_hatch(hatch)
    ax.bar_label(bars, padding=3)
    ax.set_xlabel("compiler messages (count)")
    ax.set_ylabel("kind")
    ax.set_title(title)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(axis="x", alpha=0.3)
    return fig
