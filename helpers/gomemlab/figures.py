"""One way to make a figure: a `matplotlib.figure.Figure` never registered with pyplot (so it
shows once, as the cell's value), sized and lettered to read on a projector at 1400 px.

    @figures.plot_function
    def heap(frame) -> Figure:
        fig, ax = figures.new(height=4)
        ...
        return fig

`to_png` turns any figure into PNG bytes (for widgets and handouts). Every figure made by `new`
shows itself with a text alternative made from its data (`describe`): the `alt` of its picture
in JupyterLab and in a handout, and its `text/plain`.
"""

from __future__ import annotations

import base64
import functools
import html
import io
import math
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
    fig = LabFigure(figsize=(width, height), dpi=DPI, layout="constrained")
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


# --- text alternatives ------------------------------------------------------------------------

ITEMS = 12
"""Values listed per series in a text alternative before "… and N more"."""


class LabFigure(Figure):
    """A figure that shows itself with a text alternative made from what it draws: in Jupyter
    an `<img>` whose `alt` is `describe(self)` (what a screen reader reads, in JupyterLab and
    in an HTML handout), and the same text as `text/plain`."""

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/html": image_html(self), "text/plain": describe(self, draw=False)}


def image_html(fig: Figure, *, dpi: int = PNG_DPI) -> str:
    """The figure as an `<img>` (inline PNG) whose `alt` is its text alternative."""
    url = to_data_url(fig, dpi=dpi)  # draws it: `describe` reads the laid-out ticks
    width = round(fig.get_figwidth() * DPI)
    return (
        f'<img src="{url}" alt="{html.escape(describe(fig, draw=False))}" '
        f'width="{width}" style="max-width:100%;height:auto">'
    )


def describe(fig: Figure, *, draw: bool = True) -> str:
    """A text alternative made from the figure's data: its title, then per panel the axes
    with their units and every series drawn (bars by category, lines by range and last value,
    points, spans, labels written on the plot), numbers to 3 significant digits."""
    if draw:
        fig.draw_without_rendering()  # tick labels exist only once laid out
    parts = []
    title = fig.get_suptitle() if hasattr(fig, "get_suptitle") else ""
    if title:
        parts.append(f"Figure: {title}.")
    axes = [ax for ax in fig.axes if ax.get_visible() and ax.axison]
    for number, ax in enumerate(axes, 1):
        name = ax.get_title() or ax.get_title("left")
        name = name or (f"panel {number}" if len(axes) > 1 else "")
        sentences = [s for s in _axes_sentences(ax) if s]
        head = f"{name}: " if name else ""
        parts.append(head + "; ".join(sentences) + ".")
    return " ".join(parts) or "An empty figure."


def _num(value: float) -> str:
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    if value == int(value) and abs(value) < 1e6:
        return str(int(value))
    return f"{value:.3g}"


def _listed(items: list[str]) -> str:
    shown = ", ".join(items[:ITEMS])
    return shown + (f" … and {len(items) - ITEMS} more" if len(items) > ITEMS else "")


def _label(artist: Any) -> str:
    label = str(artist.get_label() or "")
    return "" if label.startswith("_") else label


def _axis_words(ax: Any, which: str) -> str:
    axis = ax.xaxis if which == "x" else ax.yaxis
    label = axis.get_label_text()
    low, high = ax.get_xlim() if which == "x" else ax.get_ylim()
    scale = "log scale, " if axis.get_scale() == "log" else ""
    words = f"{which} axis {label or '(unlabelled)'} ({scale}{_num(low)} to {_num(high)})"
    return words


def _tick_names(ax: Any, which: str) -> dict[float, str]:
    """Tick position → its label; a panel sharing the axis without labels uses its sibling's."""
    shared = ax.get_shared_x_axes() if which == "x" else ax.get_shared_y_axes()
    for axes in (ax, *shared.get_siblings(ax)):
        ticks = axes.get_xticklabels() if which == "x" else axes.get_yticklabels()
        names = {float(t.get_position()[0 if which == "x" else 1]): t.get_text() for t in ticks}
        if any(names.values()):
            return names
    return {}


def _category(names: dict[float, str], position: float) -> str:
    if not names:
        return _num(position)
    nearest = min(names, key=lambda p: abs(p - position))
    return names[nearest] if abs(nearest - position) < 0.5 else _num(position)


def _axes_sentences(ax: Any) -> list[str]:
    told: set[int] = set()  # artists already said (bars, error bars' parts)
    legend = _legend_names(ax)
    return [
        _axis_words(ax, "x"),
        _axis_words(ax, "y"),
        *_container_sentences(ax, told),
        *(_line_words(ax, line) for line in ax.get_lines() if id(line) not in told),
        *_collection_sentences(ax, told, legend),
        *_image_sentences(ax),
        *_box_sentences(ax, told, legend),
        *_text_sentences(ax),
    ]


def _container_sentences(ax: Any, told: set[int]) -> list[str]:
    """Bars by category, and points with error bars (their lines and caps go into `told`)."""
    import numpy as np
    from matplotlib.container import BarContainer, ErrorbarContainer

    out, medians = [], []
    for container in ax.containers:
        if isinstance(container, ErrorbarContainer):
            data, caps, bars = container.lines
            medians += _errorbar_items(ax, container)
            told.update(id(a) for a in (data, *(caps or ()), *(bars or ())) if a is not None)
        elif isinstance(container, BarContainer):
            told.update(id(p) for p in container.patches)
            horizontal = getattr(container, "orientation", None) == "horizontal"
            names = _tick_names(ax, "y" if horizontal else "x")
            items = []
            values = np.asarray(container.datavalues, dtype=float)
            for patch, value in zip(container.patches, values, strict=False):
                x, y = patch.get_xy()
                middle = y + patch.get_height() / 2 if horizontal else x + patch.get_width() / 2
                items.append(f"{_category(names, middle)} {_num(value)}")
            label = _label(container)
            out.append(f"bars{' ' + label if label else ''}: {_listed(items)}")
    if medians:
        out.append(f"points with error bars: {_listed(medians)}")
    return out


def _collection_sentences(ax: Any, told: set[int], legend: dict) -> list[str]:
    """Points (grouped by their name), filled areas and named segments."""
    import numpy as np
    from matplotlib.collections import LineCollection, PathCollection, PolyCollection

    out = []
    points: dict[str, list] = {}
    for collection in ax.collections:
        if id(collection) in told:
            continue
        label = _label(collection) or legend.get(_colour(collection), "")
        named = f" {label}" if label else ""
        if isinstance(collection, PathCollection):
            offsets = np.asarray(collection.get_offsets())
            if len(offsets):
                points.setdefault(label, []).append(offsets)
        elif isinstance(collection, PolyCollection):
            boxes = [p.get_extents() for p in collection.get_paths()]
            if boxes:
                out.append(
                    f"{len(boxes)} filled area{'s' if len(boxes) > 1 else ''}{named}: x "
                    f"{_num(min(b.x0 for b in boxes))} to {_num(max(b.x1 for b in boxes))}, "
                    f"up to y {_num(max(b.y1 for b in boxes))}"
                )
        elif isinstance(collection, LineCollection) and label:
            out.append(f"{len(collection.get_segments())} segments{named}")
    for label, parts in points.items():
        xy = np.concatenate(parts)
        out.append(
            f"{len(xy)} points{' ' + label if label else ''}: x {_num(xy[:, 0].min())} to "
            f"{_num(xy[:, 0].max())}, y {_num(xy[:, 1].min())} to {_num(xy[:, 1].max())}"
        )
    return out


def _image_sentences(ax: Any) -> list[str]:
    out = []
    for image in ax.images:
        data = image.get_array()
        if data is not None and data.size:
            columns = data.shape[1] if data.ndim > 1 else 1
            out.append(
                f"a {data.shape[0]}×{columns} grid of colours for values {_num(data.min())} to "
                f"{_num(data.max())}"
            )
    return out


def _box_sentences(ax: Any, told: set[int], legend: dict) -> list[str]:
    """Rectangles drawn one by one (flame graphs, spans), counted by their legend's name."""
    from matplotlib.patches import Rectangle

    boxes: dict[str, int] = {}
    for patch in ax.patches:
        if isinstance(patch, Rectangle) and id(patch) not in told:
            name = _label(patch) or legend.get(_colour(patch), "")
            boxes[name] = boxes.get(name, 0) + 1
    if not boxes:
        return []
    return ["boxes: " + ", ".join(f"{n} {name}".strip() for name, n in boxes.items())]


def _text_sentences(ax: Any) -> list[str]:
    """Words and numbers written on the plot; in a grid, every cell by its row and column."""
    texts = [t for t in ax.texts if t.get_visible() and t.get_text()]
    if not texts:
        return []
    if ax.images:
        rows, columns = _tick_names(ax, "y"), _tick_names(ax, "x")
        cells = [
            f"{_category(rows, t.get_position()[1])}, {_category(columns, t.get_position()[0])}:"
            f" {_flat(t)}"
            for t in texts
        ]
        return ["cells " + "; ".join(cells)]
    return [f"written on the plot: {_listed([_flat(t) for t in texts])}"]


def _flat(text: Any) -> str:
    return " ".join(text.get_text().split())


def _line_words(ax: Any, line: Any) -> str:
    import numpy as np

    x = np.asarray(line.get_xdata(), dtype=float)
    y = np.asarray(line.get_ydata(), dtype=float)
    label = _label(line)
    name = f"line {label}" if label else "line"
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    if not len(x):
        return ""
    if line.get_transform() == ax.get_yaxis_transform():  # axhline: across the axes
        return f"{name} at y = {_num(y[0])}"
    if line.get_transform() == ax.get_xaxis_transform():  # axvline
        return f"{name} at x = {_num(x[0])}"
    if len(x) <= 6:
        points = ", ".join(f"({_num(a)}, {_num(b)})" for a, b in zip(x, y, strict=True))
        return f"{name}: {points}"
    return (
        f"{name}: {len(x)} points, x {_num(x.min())} to {_num(x.max())}, y {_num(y.min())} to "
        f"{_num(y.max())}, last ({_num(x[-1])}, {_num(y[-1])})"
    )


def _colour(artist: Any) -> tuple[float, ...]:
    from matplotlib.colors import to_rgba

    try:
        face = artist.get_facecolor()
    except AttributeError:
        return ()
    if hasattr(face, "ndim") and face.ndim == 2:
        face = face[0] if len(face) else (0, 0, 0, 0)
    return tuple(round(c, 3) for c in to_rgba(face))


def _legend_names(ax: Any) -> dict[tuple[float, ...], str]:
    """Face colour → the legend's name for it (an unlabelled area drawn in a legend's colour)."""
    legends = [ax.get_legend(), *(getattr(ax.figure, "legends", []))]
    names: dict[tuple[float, ...], str] = {}
    for legend in legends:
        if legend is None:
            continue
        for handle, text in zip(legend.legend_handles, legend.get_texts(), strict=False):
            colour = _colour(handle)
            if colour:
                names.setdefault(colour, text.get_text())
    return names


def _errorbar_items(ax: Any, container: Any) -> list[str]:
    """Each point of an error bar as `category value (low to high)`."""
    import numpy as np

    data, caps, _ = container.lines
    x = np.asarray(data.get_xdata(), dtype=float)
    y = np.asarray(data.get_ydata(), dtype=float)
    across = bool(container.has_xerr)
    values, positions = (x, y) if across else (y, x)
    names = _tick_names(ax, "y" if across else "x")
    ends = [np.asarray(c.get_xdata() if across else c.get_ydata(), dtype=float) for c in caps]
    items = []
    for i, (value, position) in enumerate(zip(values, positions, strict=True)):
        interval = ""
        if len(ends) == 2 and all(len(e) > i for e in ends):
            interval = f" ({_num(ends[0][i])} to {_num(ends[1][i])})"
        items.append(f"{_category(names, position)} {_num(value)}{interval}")
    label = _label(container)
    return [f"{label}: {items[0]}" if label and items else item for item in items[:1]] + items[1:]
