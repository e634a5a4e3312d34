"""One way to make a figure: a `matplotlib.figure.Figure` never registered with pyplot (so it
shows once, as the cell's value), sized and lettered to read on a projector at 1400 px.

    @figures.plot_function
    def heap(frame) -> Figure:
        fig, ax = figures.new(height=4)
        ...
        return fig

`to_png` turns any figure into PNG bytes (for widgets and handouts).
"""

from __future__ import annotations

import base64
import functools
import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ParamSpec

import matplotlib
from matplotlib.figure import Figure

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

WIDTH = 10.0
"""Inches at DPI: 1000 px, the width of a notebook cell's output at 1400 px."""
DPI = 100
PNG_DPI = 110
STYLE: dict[RcKeyType, Any] = {
    "font.size": 12,
    "axes.titlesize": 13,
    "axes.labelsize": 12,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "legend.fontsize": 11,
    "figure.titlesize": 14,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
"""Type sizes in points: at 100 dpi, 11 pt ticks are ~15 px, readable from the back of a room."""

P = ParamSpec("P")


def plot_function(draw: Callable[P, Figure]) -> Callable[P, Figure]:
    """Draw inside the lab's style, so every figure has the same type sizes."""

    @functools.wraps(draw)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Figure:
        with matplotlib.rc_context(STYLE):
            return draw(*args, **kwargs)

    return wrapper


def new(
    width: float = WIDTH, height: float = 4.5, *, nrows: int = 1, ncols: int = 1, **subplot_kw: Any
) -> tuple[Figure, Any]:
    """A fresh figure with its axes (`Figure.subplots` arguments), constrained layout."""
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    axes = fig.subplots(nrows, ncols, **subplot_kw)
    return fig, axes


def to_png(fig: Figure, *, dpi: int = PNG_DPI) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def to_data_url(fig: Figure, *, dpi: int = PNG_DPI) -> str:
    """The figure as a `data:image/png;base64,...` URL, for an `<img>` in HTML or a widget."""
    return "data:image/png;base64," + base64.b64encode(to_png(fig, dpi=dpi)).decode()
