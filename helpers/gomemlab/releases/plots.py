"""Pictures of a release matrix (pure: a ReleaseMatrix in, a Figure out)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from .. import figures
from ..errors import UsageError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .result import ReleaseMatrix

DEFAULT_METRICS = ("map.no_hint.bytes", "json.allocs_per_op", "gc.mark_cpu_ms")
"""The behaviours `plot_metric` draws when none are named."""


@figures.plot_function
def plot_metric(matrix: ReleaseMatrix, behaviours: Sequence[str] = DEFAULT_METRICS) -> Figure:
    """One panel per behaviour: its number on each release, oldest left (a bar per release)."""
    keys = [behaviours] if isinstance(behaviours, str) else list(behaviours)
    if not keys:
        raise UsageError("behaviours must name at least one behaviour")
    fig, axes = figures.new(4.2 * len(keys), 3.6, ncols=len(keys), squeeze=False)
    releases = list(matrix.releases)
    for ax, key in zip(axes[0], keys, strict=True):
        values = matrix.series_of(key).reindex(releases)
        if values.isna().all():
            raise UsageError(f"{key} has no numbers to plot (its values are words)")
        ax.bar(range(len(releases)), values.to_numpy(), color="#4c72b0")
        ax.set_xticks(range(len(releases)), releases, rotation=45)
        ax.set_xlabel("Go release")
        title = matrix.frame.loc[matrix.frame.behaviour == key, "title"].iloc[0]
        ax.set_title("\n".join(_wrap(title, 36)), fontsize="medium")
        ax.set_ylabel(_unit(key))
    fig.suptitle("One program, several Go releases: what changed")
    return fig


@figures.plot_function
def plot_verdicts(matrix: ReleaseMatrix) -> Figure:
    """The predicted rows as a grid: ✔ on green = as the release notes say, ✘ on orange = not,
    grey = no prediction (a plain measurement); the marks tell it without colour."""
    frame = matrix.frame
    keys = list(dict.fromkeys(frame["behaviour"]))
    releases = list(matrix.releases)
    codes = {True: 2, False: 0}
    grid = np.full((len(keys), len(releases)), 1.0)
    for row in matrix.rows:
        if row.as_expected is not None:
            grid[keys.index(row.behaviour), releases.index(row.release)] = codes[row.as_expected]
    # about a notebook's width at 7 releases (JupyterLab scales a wider image down, type too)
    fig, ax = figures.new(1.25 * len(releases) + 3.0, 0.3 * len(keys) + 1.6)
    from matplotlib.colors import ListedColormap

    ax.imshow(
        grid, cmap=ListedColormap(["#dd8452", "#eeeeee", "#8fd19e"]), vmin=0, vmax=2, aspect="auto"
    )
    marks = {True: "✔ ", False: "✘ ", None: ""}  # a second channel beside the colour
    for row in matrix.rows:
        text = row.value if len(row.value) <= 18 else row.value[:17] + "…"
        text = marks[row.as_expected] + text
        ax.text(
            releases.index(row.release),
            keys.index(row.behaviour),
            text,
            ha="center",
            va="center",
            fontsize=8,
        )
    ax.set_xticks(range(len(releases)), releases)
    ax.set_yticks(range(len(keys)), keys, fontsize=8)
    ax.set_xticks(np.arange(len(releases) + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(len(keys) + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    ax.xaxis.tick_top()
    ax.xaxis.set_label_position("top")
    ax.set_xlabel("Go release")
    ax.set_ylabel("behaviour (matrix key)")
    ax.set_title(
        "Does each release do what its notes say?\n"
        "(✔ green: yes, ✘ orange: no, grey: measured only)",
        fontsize="medium",
    )
    return fig


_UNITS = (
    (".bytes", "bytes"),
    ("_bytes", "bytes"),
    (".allocs", "allocations per call"),
    ("allocs_per_op", "allocations per operation"),
    ("_ms", "ms"),
    ("ns_per_op", "ns/op"),
)


def _unit(key: str) -> str:
    """The y-axis label of a behaviour's numbers, from its key's ending."""
    return next((unit for ending, unit in _UNITS if key.endswith(ending)), "value")


def _wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line]
