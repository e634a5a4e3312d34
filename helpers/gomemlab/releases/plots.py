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
    """The rows the release notes predict, as a grid: one row per behaviour (labelled with its
    title), one column per release, each cell the measured value, green when the release does
    what its notes say and orange with a ✘ when it does not (colour never carries it alone)."""
    predicted = [r for r in matrix.rows if r.as_expected is not None]
    if not predicted:
        raise UsageError("this matrix has no predicted rows to draw")
    keys = list(dict.fromkeys(r.behaviour for r in predicted))
    titles = {r.behaviour: r.title for r in predicted}
    releases = list(matrix.releases)
    grid = np.full((len(keys), len(releases)), np.nan)
    for row in predicted:
        grid[keys.index(row.behaviour), releases.index(row.release)] = float(bool(row.as_expected))
    # 10 in at 100 dpi is the notebook's width, so the 9 pt type is shown at 9 pt
    fig, ax = figures.new(figures.WIDTH, 0.52 * len(keys) + 1.4)
    from matplotlib.colors import ListedColormap

    ax.imshow(grid, cmap=ListedColormap(["#f4b183", "#a9dfb4"]), vmin=0, vmax=1, aspect="auto")
    for row in predicted:
        mark = "" if row.as_expected else "\n✘ expected " + row.expected
        ax.text(
            releases.index(row.release),
            keys.index(row.behaviour),
            "\n".join(_wrap(row.value, 13)) + mark,
            ha="center",
            va="center",
            fontsize=9,
        )
    ax.set_xticks(range(len(releases)), releases, fontsize=10)
    ax.set_yticks(range(len(keys)), ["\n".join(_wrap(titles[k], 38)) for k in keys], fontsize=9)
    ax.set_xticks(np.arange(len(releases) + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(len(keys) + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="white", linewidth=2)
    ax.tick_params(which="minor", length=0)
    ax.xaxis.tick_top()
    ax.xaxis.set_label_position("top")
    ax.set_xlabel("Go release", fontsize=10)
    held = sum(bool(r.as_expected) for r in predicted)
    ax.set_title(
        f"Does each release do what its notes say? {held} of {len(predicted)} cells yes\n"
        "(green: as predicted; orange with ✘: not)",
        fontsize=11,
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
