"""Flame graphs drawn with matplotlib from a `flame.FlameLayout`: a `FlameFigure`, which shows
itself in Jupyter and in a handout as the layout's static SVG (`flame_svg`), with real text."""

from __future__ import annotations

from functools import cache
from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from .. import figures
from . import flame_svg
from .flame import (
    Box,
    FlameLayout,
    alt_text,
    build_tree,
    gregg_diff_layout,
    label_candidates,
    plain_layout,
    pprof_diff_layout,
    sides_tree,
)

FONT_SIZE = 9


class FlameFigure(figures.LabFigure):
    """A flame graph figure that shows itself as a static SVG with real, searchable text (each
    box's full name and numbers in its <title>), with the layout's text alternative."""

    layout_data: FlameLayout | None = None

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        if self.layout_data is None:
            return super()._repr_mimebundle_(include, exclude)
        return {
            "text/html": flame_svg.render(self.layout_data),
            "text/plain": alt_text(self.layout_data),
        }


def _fits(text: str, room_px: float) -> bool:
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    width, _, _ = _renderer(RendererAgg).get_text_width_height_descent(
        text, FontProperties(size=FONT_SIZE), ismath=False
    )
    return width <= room_px


@cache
def _renderer(kind: Any) -> Any:
    return kind(10, 10, figures.DPI)


def fitted_label(box: Box, room_px: float) -> str:
    """The first of `label_candidates` that fits in `room_px` (measured with the figure's
    font); "" if none does."""
    for candidate in label_candidates(box):
        if len(candidate) * 3 <= room_px and _fits(candidate, room_px):
            return candidate
    return ""


@figures.plot_function
def draw(layout: FlameLayout) -> Figure:
    """The layout as a matplotlib figure (a `FlameFigure`): an icicle, callers on top."""
    fig = FlameFigure(figsize=(figures.WIDTH, 2.4 + 0.32 * layout.depth), dpi=figures.DPI)
    fig.set_layout_engine("constrained")
    ax = fig.subplots()
    fig.layout_data = layout
    ax.set_title(layout.title, wrap=True)
    if not layout.boxes:
        ax.text(0.5, 0.5, layout.empty_text, ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    px_per_share = fig.get_figwidth() * fig.dpi * 0.93
    for b in layout.boxes:
        patch = ax.add_patch(
            Rectangle(
                (b.x, b.depth),
                b.width,
                0.92,
                facecolor=b.fill,
                hatch=b.hatch or None,
                edgecolor="white",
                linewidth=0.6,
            )
        )
        if b.bar is not None:
            share, colour, hatch = b.bar
            ax.add_patch(
                Rectangle(
                    (b.x, b.depth + 0.62),
                    min(share, b.width),
                    0.3,
                    facecolor=colour,
                    hatch=hatch or None,
                    edgecolor="white",
                    linewidth=0.3,
                )
            )
        label = fitted_label(b, b.width * px_per_share - 6)
        if label:
            text = ax.text(b.x + 0.003, b.depth + 0.36, label, va="center", fontsize=FONT_SIZE)
            text.set_clip_path(patch)
    ax.set_xlim(0, 1)
    ax.set_ylim(layout.depth, 0)
    ax.set_yticks([])
    ax.set_ylabel("call depth (callers above)")
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlabel(layout.xlabel, wrap=True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    fig.legend(
        handles=[
            Patch(facecolor=e.fill, hatch=e.hatch or None, edgecolor="#555555", label=e.text)
            for e in layout.legend
        ],
        loc="outside lower center",
        ncol=_legend_columns(layout),
        frameon=False,
        fontsize=10,
    )
    return fig


LEGEND_ROW_CHARS = 110
"""About the characters of legend text one row holds at the figure's width."""


def _legend_columns(layout: FlameLayout) -> int:
    """All entries in one row when their text fits it, else two per row."""
    chars = sum(len(e.text) + 6 for e in layout.legend)
    return len(layout.legend) if chars <= LEGEND_ROW_CHARS else min(2, len(layout.legend))


def pprof_diff_graph(sides: pd.DataFrame, **options: Any) -> Figure:
    """pprof's differential flame graph of a `ProfileDiff.sides()` table (options:
    `root`, `min_fraction`, `max_depth`, `title`)."""
    root = options.pop("root", None)
    return draw(
        pprof_diff_layout(
            sides_tree(sides, root=root),
            unit=sides.attrs.get("unit", ""),
            sample_index=sides.attrs.get("sample_index", "value"),
            root=root,
            **options,
        )
    )


def gregg_diff_graph(sides: pd.DataFrame, **options: Any) -> Figure:
    """Brendan Gregg's differential flame graph of a `ProfileDiff.sides()` table."""
    root = options.pop("root", None)
    return draw(
        gregg_diff_layout(
            sides_tree(sides, root=root),
            unit=sides.attrs.get("unit", ""),
            sample_index=sides.attrs.get("sample_index", "value"),
            root=root,
            **options,
        )
    )


@figures.plot_function
def flame_graph(
    frame: pd.DataFrame,
    *,
    unit: str = "",
    sample_index: str = "value",
    root: str | None = None,
    min_fraction: float = 0.004,
    max_depth: int = 20,
    families: dict[str, str] | None = None,
    title: str | None = None,
) -> Figure:
    """An icicle flame graph of a frame with columns callstack (leaf first) and value: the
    whole program on top, each callee below its caller, box widths proportional to the value;
    only boxes wide enough get a label. Boxes narrower than `min_fraction` of the total and
    levels below `max_depth` are left out (the web UI has them). `families` maps a function
    name to "main"/"runtime"/"std" (its colour); by default, from the name."""
    tree = build_tree(frame["callstack"], frame[["value"]].to_numpy(), root=root)
    return draw(
        plain_layout(
            tree,
            unit=unit,
            sample_index=sample_index,
            root=root,
            min_fraction=min_fraction,
            max_depth=max_depth,
            families=families,
            title=title,
        )
    )
