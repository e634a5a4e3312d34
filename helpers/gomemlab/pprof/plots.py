"""Pure plots of profiles: DataFrames in, matplotlib Figures out (nothing here runs Go)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from .. import figures

WIDTH = figures.WIDTH
CHAR_PX = 9.5
"""Room a character of a 9 pt label needs, in pixels at 100 dpi (generous for DejaVu Sans)."""
FAMILIES = {  # package family -> (colour, legend label)
    "main": ("#f4a259", "your code"),
    "runtime": ("#9fb7d3", "Go runtime"),
    "std": ("#8cc5a0", "standard library"),
}
_SCALES: dict[str, list[tuple[float, str]]] = {
    "bytes": [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB"), (1, "bytes")],
    "nanoseconds": [(1e9, "s"), (1e6, "ms"), (1e3, "µs"), (1, "ns")],
}


# The question a flame graph of each sample type answers (its title).
_QUESTIONS = {
    "cpu": "Which call paths use the most CPU time",
    "samples": "Which call paths were caught running most often",
    "alloc_space": "Which call paths allocate the most bytes",
    "alloc_objects": "Which call paths make the most allocations",
    "inuse_space": "Which call paths hold the most memory at the last GC",
    "inuse_objects": "Which call paths hold the most objects at the last GC",
}


def scale_for(unit: str, largest: float) -> tuple[float, str]:
    """A divisor and unit label that keep `largest` readable: bytes -> MiB, ns -> ms, ..."""
    for divisor, label in _SCALES.get(unit, []):
        if largest >= divisor:
            return divisor, label
    return 1.0, unit


def family(function: str, file: str | None = None, goroot: str | None = None) -> str:
    """ "main" (your code), "runtime" (runtime, internal/runtime) or "std" for a function.

    With its source `file` and the `goroot`, anything outside GOROOT counts as your code
    (a test binary names package main by its import path, e.g. "gosamples/pprof.corpus").
    """
    if file and goroot and not file.startswith(goroot.rstrip("/") + "/"):
        return "main"
    package = function.split(" ", 1)[0]
    package = package[: package.rfind("/") + 1] + package[package.rfind("/") + 1 :].split(".")[0]
    if package == "main":
        return "main"
    if package.startswith(("runtime", "internal/runtime")) or package == "gcWriteBarrier":
        return "runtime"
    return "std"


def short_name(function: str) -> str:
    """A function name without its package path: "internal/runtime/maps.(*Map).get" ->
    "maps.(*Map).get"."""
    head, _, tail = function.partition(" ")
    head = head[head.rfind("/") + 1 :]
    return f"{head} {tail}".strip()


def _fit(text: str, chars: int) -> str:
    if len(text) <= chars:
        return text
    return text[: max(chars - 1, 1)] + "…"


def box_label(function: str, share: float, chars: int) -> str:
    """The most informative label that fits in `chars` characters: name and share, the name
    without its package path, or the bare method or function name; never a name cut short
    ("mapassign_f…" names nothing): a box too narrow for its bare name gets no label."""
    short = short_name(function)
    bare = short.split(" ", 1)[0].rsplit(".", 1)[-1]
    for candidate in (f"{short} {share:.0%}", short, bare):
        if len(candidate) <= chars:
            return candidate
    return ""


@figures.plot_function
def top_bars(table: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Horizontal bars of flat and cum for each function of a `Profile.top()` table."""
    unit = table.attrs.get("unit", "")
    index = table.attrs.get("sample_index", "value")
    rows = table.iloc[::-1]
    divisor, label = scale_for(unit, float(rows.cum.abs().max() if len(rows) else 0))
    fig, ax = figures.new(WIDTH, 0.5 * len(rows) + 1.9)
    y = range(len(rows))
    names = [_fit(short_name(name), 48) for name in rows.function]
    ax.barh(
        [v + 0.2 for v in y],
        rows.cum / divisor,
        height=0.4,
        color="#c9d6e3",
        label="cum: the function and everything it calls",
    )
    ax.barh(
        [v - 0.2 for v in y],
        rows.flat / divisor,
        height=0.4,
        color="#d1495b",
        label="flat: in the function itself",
    )
    ax.set_yticks(list(y), names)
    for v, (flat, pct) in enumerate(zip(rows.flat, rows.flat_pct, strict=True)):
        if flat:
            ax.text(flat / divisor, v - 0.2, f" {pct:.1f}%", va="center", fontsize=10)
    ax.set_xlabel(f"{index} ({label})")
    ax.set_title(title or f"Which functions account for the most {index}?")
    fig.legend(loc="outside lower center", ncol=2, frameon=False)
    ax.grid(axis="x", alpha=0.3)
    return fig


@dataclass
class _Node:
    name: str
    value: int = 0
    children: dict[str, _Node] = field(default_factory=dict)


def call_tree(frame: pd.DataFrame, *, root: str | None = None) -> _Node:
    """Merge call stacks (column callstack, leaf first, as in Profile.frame) into a tree,
    from the callers down.

    With `root` (a regex), each stack starts at its first frame matching it; stacks without
    such a frame are left out.
    """
    top = _Node("all")
    pattern = re.compile(root) if root else None
    for stack, value in zip(frame["callstack"], frame["value"], strict=True):
        if not value:
            continue
        path = list(reversed(stack))
        if pattern is not None:
            start = next((i for i, name in enumerate(path) if pattern.search(name)), None)
            if start is None:
                continue
            path = path[start:]
        top.value += value
        node = top
        for name in path:
            node = node.children.setdefault(name, _Node(name))
            node.value += value
    return top


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
    """An icicle flame graph: the whole program on top, each callee below its caller, box
    widths proportional to the value; only boxes wide enough get a label. Boxes narrower than
    `min_fraction` of the total and levels below `max_depth` are left out (the web UI has them).
    `families` maps a function name to "main"/"runtime"/"std" (its colour); by default, from
    the name."""
    tree = call_tree(frame, root=root)
    total = tree.value
    boxes: list[tuple[float, int, float, str]] = []  # x, depth, width, name

    def place(node: _Node, x: float, depth: int) -> None:
        for child in sorted(node.children.values(), key=lambda c: (-c.value, c.name)):
            width = child.value / total
            if width >= min_fraction and depth < max_depth:
                boxes.append((x, depth, width, child.name))
                place(child, x, depth + 1)
            x += width

    if total:
        place(tree, 0.0, 0)
    depth = max((b[1] for b in boxes), default=0) + 1
    fig, ax = figures.new(WIDTH, 2.2 + 0.32 * depth)
    divisor, label = scale_for(unit, total)
    what = f"{total / divisor:.4g} {label}" if unit else f"{total:,}"
    ax.set_title(
        title
        or f"{_QUESTIONS.get(sample_index, 'Which call paths account for the most')} "
        f"({sample_index})? ({what} in all{'; from ' + root if root else ''})"
    )
    if not boxes:
        ax.text(
            0.5,
            0.5,
            "no samples with a non-zero value",
            ha="center",
            va="center",
            transform=ax.transAxes,
        )
        ax.set_axis_off()
        return fig
    px_per_unit = fig.get_figwidth() * fig.dpi * 0.93
    for x, level, width, name in boxes:
        color = FAMILIES[(families or {}).get(name) or family(name)][0]
        box = ax.add_patch(
            Rectangle((x, level), width, 0.92, facecolor=color, edgecolor="white", linewidth=0.6)
        )
        chars = int((width * px_per_unit - 6) / CHAR_PX)
        label = box_label(name, width, chars)
        if not label:
            continue
        text = ax.text(x + 0.004, level + 0.46, label, va="center", ha="left", fontsize=9)
        text.set_clip_path(box)  # never spill into the neighbour, whatever the font
    ax.set_xlim(0, 1)
    ax.set_ylim(depth, 0)
    ax.set_yticks([])
    ax.set_ylabel("call depth (callers above callees)")
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlabel(f"share of the {sample_index} ({what} = 100%)")
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    fig.legend(
        handles=[Patch(color=c, label=text) for c, text in FAMILIES.values()],
        loc="outside lower center",
        ncol=3,
        frameon=False,
    )
    return fig
