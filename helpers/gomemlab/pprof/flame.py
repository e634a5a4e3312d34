"""Flame graphs as data: call stacks merged into a tree, then laid out as boxes with their
colours, hatches, labels and a text alternative (`FlameLayout`), for three forms:

* `plain_layout`: one profile; width = value, colour = whose code (your code, runtime, std);
* `pprof_diff_layout`: pprof's differential flame graph (`go tool pprof -diff_base`, flame
  view, internal/driver/html/stacks.js): width = base + new, so what vanished still shows, and
  a bar inside each box as wide as the net change new − base;
* `gregg_diff_layout`: Brendan Gregg's differential flame graph (difffolded.pl): width = the
  new profile, colour = the change (red grew, blue shrank, the deeper the larger); a stack
  only in the base has no width here, so the layout names what it leaves out.

A change's sign is never carried by colour alone: it is written in the label (+/−) and boxes
that shrank are hatched. `flame_plot.draw` renders a layout with matplotlib (a `FlameFigure`,
which shows itself in Jupyter and in handouts as the static SVG of `flame_svg.render`). Pure:
nothing here draws or runs Go.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from ..errors import UsageError
from .plots import FAMILIES, family, scale_for, short_name

GREW = "#c0392b"
"""Red: more in the new profile (no hatch, label "+")."""
SHRANK = "#2e6fb5"
"""Blue: less in the new profile (hatched, label "−")."""
SAME = "#d4d4d4"
"""Grey: no change (or, in pprof's form, a box's own background)."""
SHRANK_HATCH = "///"
GREGG_DEEPEST = 0.7
"""Gregg's form: the largest change's tint (a paler red or blue keeps black labels readable)."""
MINUS = "−"
DIFF_NAMES = ("base", "new")
"""What a differential flame graph calls its two sides unless told (`names=`)."""

_QUESTIONS = {
    "cpu": "Which call paths use the most CPU time?",
    "samples": "Which call paths were caught running most often?",
    "alloc_space": "Which call paths allocate the most bytes?",
    "alloc_objects": "Which call paths make the most allocations?",
    "inuse_space": "Which call paths hold the most memory at the last GC?",
    "inuse_objects": "Which call paths hold the most objects at the last GC?",
    "goroutine": "Where are the goroutines?",
    "contentions": "Which call paths wait most often?",
    "delay": "Which call paths wait the longest?",
}


def question(sample_index: str) -> str:
    """The question a flame graph of `sample_index` answers, as a whole sentence."""
    return _QUESTIONS.get(sample_index, f"Which call paths have the largest {sample_index}?")


# --- the tree ----------------------------------------------------------------------------------


@dataclass
class FlameNode:
    """A function on a call path: `values` summed over the stacks through it (one per series,
    e.g. (value,) or (base, new)), its callees by name (made when first looked at)."""

    name: str
    values: list[int]
    children: Mapping[str, FlameNode] = field(default_factory=dict)


@dataclass(frozen=True)
class _Nodes:
    """A tree as columns: node i (0: the top) is named `names[name_of[i]]`, has the row
    `sums[i]` and the children `child_ids[child_starts[i]:child_starts[i + 1]]`."""

    names: Sequence[str]
    name_of: np.ndarray
    sums: np.ndarray
    child_ids: np.ndarray
    child_starts: np.ndarray

    def node(self, i: int, name: str | None = None) -> FlameNode:
        return FlameNode(
            self.names[self.name_of[i]] if name is None else name,
            self.sums[i].tolist(),
            _Children(self, i),
        )

    def children_of(self, i: int) -> dict[str, FlameNode]:
        ids = self.child_ids[self.child_starts[i] : self.child_starts[i + 1]].tolist()
        return {child.name: child for child in map(self.node, ids)}


class _Children(Mapping[str, FlameNode]):
    """A node's children, made from the columns on first use: a flame graph looks at the
    children of the few boxes it draws, not at every call path of the profile."""

    __slots__ = ("_made", "_node", "_nodes")

    def __init__(self, nodes: _Nodes, node: int) -> None:
        self._nodes, self._node = nodes, node
        self._made: dict[str, FlameNode] | None = None

    def _children(self) -> dict[str, FlameNode]:
        if self._made is None:
            self._made = self._nodes.children_of(self._node)
        return self._made

    def __getitem__(self, name: str) -> FlameNode:
        return self._children()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._children())

    def __len__(self) -> int:
        return len(self._children())

    def __repr__(self) -> str:
        return repr(self._children())


def build_tree(
    stacks: Iterable[Sequence[str]], values: np.ndarray, *, root: str | None = None
) -> FlameNode:
    """Merge call stacks (leaf first, as in `Profile.frame`) with their rows of `values` into a
    tree from the callers down. With `root` (a regex), each stack starts at its first frame
    matching it; stacks without one are left out. (`tree_of_columns` does the work.)"""
    values = np.asarray(values, dtype=np.int64).reshape(-1, values.shape[-1] if values.ndim else 1)
    names: dict[str, int] = {}
    lengths: list[int] = []
    frames: list[int] = []
    for stack in stacks:
        lengths.append(len(stack))
        frames.extend(names.setdefault(name, len(names)) for name in stack)
    starts = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    return tree_of_columns(np.array(frames, dtype=np.int64), list(names), starts, values, root=root)


def tree_of_columns(
    frame_names: np.ndarray,
    names: Sequence[str],
    starts: np.ndarray,
    values: np.ndarray,
    *,
    root: str | None = None,
) -> FlameNode:
    """The tree of samples given as columns: sample i's frames (leaf first) are
    `names[frame_names[j]]` for j in `starts[i]:starts[i + 1]`, its values the row
    `values[i]`. Samples whose values are all zero are left out; `root` as for `build_tree`.

    Built a level at a time with numpy (a node is its parent and its name, numbered in the
    order samples first reach it), so a 65k-sample profile with as many distinct stacks costs
    a few numpy passes over its frames; the nodes are made when looked at (`_Children`)."""
    values = np.asarray(values, dtype=np.int64)
    starts = np.asarray(starts, dtype=np.int64)
    frame_names = np.asarray(frame_names, dtype=np.int64)
    first_frame, end = starts[:-1], starts[1:].copy()
    keep = values.any(axis=1)
    if root is not None:
        end = _from_root(frame_names, names, first_frame, end, root)
        keep &= end > 0
    active = np.flatnonzero(keep)
    length = end - first_frame
    node_of = np.zeros(len(end), dtype=np.int64)  # each sample's node at the level: the top
    parents, name_of, sums = [np.zeros(1, np.int64)], [np.zeros(1, np.int64)], [values[keep]]
    sums[0] = sums[0].sum(axis=0, keepdims=True)
    count, depth = 1, 0
    while len(active := active[length[active] > depth]):
        key = node_of[active] * len(names) + frame_names[end[active] - 1 - depth]
        distinct, first, which = np.unique(key, return_index=True, return_inverse=True)
        order = np.argsort(first, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        level = np.zeros((len(distinct), values.shape[1]), dtype=np.int64)
        np.add.at(level, rank[which], values[active])
        parent, name = np.divmod(distinct[order], len(names))
        parents.append(parent)
        name_of.append(name)
        sums.append(level)
        node_of[active] = count + rank[which]
        count += len(distinct)
        depth += 1
    parent_of = np.concatenate(parents)
    child_ids = np.argsort(parent_of[1:], kind="stable") + 1
    nodes = _Nodes(
        names,
        np.concatenate(name_of),
        np.concatenate(sums),
        child_ids,
        np.searchsorted(parent_of[child_ids], np.arange(count + 1)),
    )
    return nodes.node(0, "all")


def _from_root(
    frame_names: np.ndarray, names: Sequence[str], first: np.ndarray, end: np.ndarray, root: str
) -> np.ndarray:
    """Each sample's frames end (callers' side) at its caller-most frame matching the regex
    `root`: the new ends, 0 for a sample without one."""
    pattern = re.compile(root)
    matching = np.array([bool(pattern.search(n)) for n in names], dtype=bool)
    at = np.where(matching[frame_names], np.arange(len(frame_names)), -1)
    has_frames = end > first
    last = np.full(len(end), -1, dtype=np.int64)
    if has_frames.any():
        last[has_frames] = np.maximum.reduceat(at, first[has_frames])
    return np.where(last >= first, last + 1, 0)


# --- layouts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    """One box: `x` and `width` as shares of the graph's width, `depth` its row (0 at the top);
    `label` the preferred text (shortened to fit by the renderer), `tooltip` the full name and
    numbers; an optional `bar` (width share, colour, hatch) drawn inside from its left."""

    x: float
    depth: int
    width: float
    name: str
    label: str
    tooltip: str
    fill: str
    hatch: str = ""
    bar: tuple[float, str, str] | None = None
    note: str = ""
    """What the label says after the name ("+120 ms", "45%"), kept when the name is cut."""


@dataclass(frozen=True)
class LegendEntry:
    """A swatch (fill and hatch) and what it means."""

    fill: str
    hatch: str
    text: str


@dataclass(frozen=True)
class FlameLayout:
    """Everything a renderer needs: title, boxes, how to read the width, the legend, and a
    text alternative made from the data (`summary`)."""

    title: str
    boxes: tuple[Box, ...]
    depth: int
    xlabel: str
    legend: tuple[LegendEntry, ...]
    summary: str
    empty_text: str = "no samples with a non-zero value"


def _place(
    tree: FlameNode, width_of: Any, min_fraction: float, max_depth: int
) -> list[tuple[float, int, float, FlameNode]]:
    total = width_of(tree)
    boxes: list[tuple[float, int, float, FlameNode]] = []
    if total <= 0:
        return boxes
    stack = [(tree, 0.0, 0)]
    while stack:
        node, x, depth = stack.pop()
        children = sorted(node.children.values(), key=lambda c: (-width_of(c), c.name))
        placed = []
        for child in children:
            width = width_of(child) / total
            if width > 0 and width >= min_fraction and depth < max_depth:
                boxes.append((x, depth, width, child))
                placed.append((child, x, depth + 1))
            x += width
        stack.extend(reversed(placed))
    boxes.sort(key=lambda b: (b[1], b[0]))
    return boxes


def amount(value: float, unit: str, *, signed: bool = False) -> str:
    """A value with a readable unit (bytes → KiB/MiB, ns → ms/s): "5.3 MiB", "+120 ms"."""
    divisor, label = scale_for(unit, abs(value))
    text = f"{abs(value) / divisor:.3g} {label}".strip() if unit else f"{abs(value):,.0f}"
    if signed:
        return ("+" if value > 0 else MINUS if value < 0 else "±") + text
    return ("-" if value < 0 else "") + text


def _listed(parts: list[str], n: int = 6) -> str:
    return "; ".join(parts[:n]) + (f"; and {len(parts) - n} more" if len(parts) > n else "")


def plain_layout(
    tree: FlameNode,
    *,
    unit: str = "",
    sample_index: str = "value",
    root: str | None = None,
    min_fraction: float = 0.004,
    max_depth: int = 20,
    families: dict[str, str] | None = None,
    title: str | None = None,
) -> FlameLayout:
    """One profile: width = value, colour = your code / runtime / standard library."""
    total = tree.values[0]
    placed = _place(tree, lambda n: n.values[0], min_fraction, max_depth)
    what = amount(total, unit)
    boxes = []
    for x, depth, width, node in placed:
        kind = (families or {}).get(node.name) or family(node.name)
        boxes.append(
            Box(
                x,
                depth,
                width,
                node.name,
                f"{short_name(node.name)} {width:.0%}",
                f"{node.name}: {amount(node.values[0], unit)} ({width:.1%})",
                FAMILIES[kind][0],
                note=f"{width:.0%}",
            )
        )
    widest = sorted(
        (b for b in boxes if b.depth > 0 or not root), key=lambda b: (-b.width, b.depth)
    )
    summary = (
        f"{what} of {sample_index} in all{'; from ' + root if root else ''}. Widest boxes: "
        + _listed([f"{b.name} {b.width:.0%}" for b in widest])
        if boxes
        else "No samples with a non-zero value."
    )
    return FlameLayout(
        title=title
        or f"{question(sample_index)} ({sample_index}: {what} in all"
        f"{', from ' + root if root else ''})",
        boxes=tuple(boxes),
        depth=max((b.depth for b in boxes), default=0) + 1,
        xlabel=f"share of the {sample_index} ({what} = 100%)",
        legend=tuple(LegendEntry(c, "", text) for c, text in FAMILIES.values()),
        summary=summary,
    )


def _change_style(delta: int, strength: float = 1.0) -> tuple[str, str]:
    if delta > 0:
        return _mix(GREW, strength), ""
    if delta < 0:
        return _mix(SHRANK, strength), SHRANK_HATCH
    return SAME, ""


@cache
def _mix(colour: str, strength: float) -> str:
    """`colour` faded towards white: strength 1 is the colour, 0.1 a faint tint of it."""
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)
    out = 255 - (255 - rgb) * max(0.1, min(1.0, strength))
    return "#" + "".join(f"{round(v):02x}" for v in out)


def _diff_tooltip(node: FlameNode, unit: str, names: tuple[str, str]) -> str:
    base, new = node.values
    return (
        f"{node.name}: {names[0]} {amount(base, unit)} → {names[1]} {amount(new, unit)} "
        f"({amount(new - base, unit, signed=True)})"
    )


def _diff_summary(
    tree: FlameNode, placed: list, unit: str, sample_index: str, names: tuple[str, str]
) -> str:
    base, new = tree.values
    changes = sorted(
        (n for _, _, _, n in placed if n.values[0] != n.values[1]),
        key=lambda n: (-abs(n.values[1] - n.values[0]), n.name),
    )
    listed = [
        f"{n.name} {amount(n.values[1] - n.values[0], unit, signed=True)} "
        f"({amount(n.values[0], unit)} → {amount(n.values[1], unit)})"
        for n in changes
    ]
    return (
        f"{sample_index}: {names[0]} {amount(base, unit)}, {names[1]} {amount(new, unit)}, change "
        f"{amount(new - base, unit, signed=True)}. Largest changes: "
        + (_listed(listed) if listed else "none")
        + "."
    )


def _diff_title(
    kind: str,
    sample_index: str,
    tree: FlameNode,
    unit: str,
    root: str | None,
    names: tuple[str, str],
) -> str:
    base, new = tree.values
    where = f", from {root}" if root else ""
    return (
        f"What changed in {sample_index}, {names[0]} → {names[1]}? ({kind}: {amount(base, unit)} → "
        f"{amount(new, unit)}{where})"
    )


def diff_names(names: object) -> tuple[str, str]:
    """`names` as a pair of non-empty strings (base side first); UsageError otherwise."""
    if (
        isinstance(names, str)
        or not isinstance(names, Sequence)
        or len(names) != 2
        or not all(isinstance(n, str) and n.strip() for n in names)
    ):
        raise UsageError(
            f"names must be two words for the base and the new side, like "
            f"('baseline', 'revised'), not {names!r}"
        )
    return names[0].strip(), names[1].strip()


def _diff_legend(
    what_width: str, names: tuple[str, str], strength: float = 1.0
) -> tuple[LegendEntry, ...]:
    base, new = names
    return (
        LegendEntry(_mix(GREW, strength), "", f"grew: {new} > {base} (label +)"),
        LegendEntry(
            _mix(SHRANK, strength),
            SHRANK_HATCH,
            f"shrank: {new} < {base} (hatched, label {MINUS})",
        ),
        LegendEntry(SAME, "", what_width),
    )


def pprof_diff_layout(
    tree: FlameNode,
    *,
    unit: str = "",
    sample_index: str = "value",
    root: str | None = None,
    min_fraction: float = 0.004,
    max_depth: int = 20,
    title: str | None = None,
    names: tuple[str, str] = DIFF_NAMES,
) -> FlameLayout:
    """pprof's differential flame graph: tree values (base, new); a box is as wide as base +
    new under it, and holds a bar as wide as |new − base| (red +, blue hatched −). `names`:
    what the title, legend and axis call the two sides (default "base", "new")."""
    names = diff_names(names)
    placed = _place(tree, lambda n: n.values[0] + n.values[1], min_fraction, max_depth)
    scale = sum(tree.values)
    boxes = []
    for x, depth, width, node in placed:
        base, new = node.values
        fill, hatch = _change_style(new - base)
        bar = (abs(new - base) / scale, fill, hatch) if new != base else None
        boxes.append(
            Box(
                x,
                depth,
                width,
                node.name,
                f"{short_name(node.name)} {amount(new - base, unit, signed=True)}",
                _diff_tooltip(node, unit, names),
                SAME,
                bar=bar,
                note=amount(new - base, unit, signed=True),
            )
        )
    return FlameLayout(
        title=title or _diff_title("pprof's form", sample_index, tree, unit, root, names),
        boxes=tuple(boxes),
        depth=max((b.depth for b in boxes), default=0) + 1,
        xlabel=(
            f"box width: {names[0]} + {names[1]} {sample_index} under the call "
            f"({amount(scale, unit)} = 100%); bar inside: the net change {names[1]} − {names[0]}"
        ),
        legend=_diff_legend(f"box: {names[0]} + {names[1]} (no change if no bar)", names),
        summary=_diff_summary(tree, placed, unit, sample_index, names),
    )


def gregg_diff_layout(
    tree: FlameNode,
    *,
    unit: str = "",
    sample_index: str = "value",
    root: str | None = None,
    min_fraction: float = 0.004,
    max_depth: int = 20,
    title: str | None = None,
    names: tuple[str, str] = DIFF_NAMES,
) -> FlameLayout:
    """Brendan Gregg's differential flame graph: tree values (base, new); a box is as wide as
    the new profile under it, coloured by the change (the deeper the colour, the larger the
    change relative to the largest one). `names` as for `pprof_diff_layout`."""
    names = diff_names(names)
    placed = _place(tree, lambda n: n.values[1], min_fraction, max_depth)
    largest = max((abs(n.values[1] - n.values[0]) for _, _, _, n in placed), default=0) or 1
    boxes = []
    for x, depth, width, node in placed:
        base, new = node.values
        fill, hatch = _change_style(new - base, GREGG_DEEPEST * abs(new - base) / largest)
        boxes.append(
            Box(
                x,
                depth,
                width,
                node.name,
                f"{short_name(node.name)} {amount(new - base, unit, signed=True)}",
                _diff_tooltip(node, unit, names),
                fill,
                hatch,
                note=amount(new - base, unit, signed=True),
            )
        )
    gone = sum(1 for n in tree.children.values() if n.values[1] == 0 and n.values[0])
    summary = _diff_summary(tree, placed, unit, sample_index, names)
    if gone:
        summary += f" {gone} call path(s) only in the {names[0]} have no width here."
    return FlameLayout(
        title=title or _diff_title("Gregg's form", sample_index, tree, unit, root, names),
        boxes=tuple(boxes),
        depth=max((b.depth for b in boxes), default=0) + 1,
        xlabel=(
            f"box width: the {names[1]} profile's {sample_index} ({amount(tree.values[1], unit)}"
            f" = 100%); colour: the change (paths only in the {names[0]} do not show)"
        ),
        legend=_diff_legend("no change; the paler, the smaller the change", names, GREGG_DEEPEST),
        summary=summary,
    )


def alt_text(layout: FlameLayout) -> str:
    """The flame graph in words: its title, how to read it, and the data (`summary`)."""
    return f"Flame graph: {layout.title}. {layout.xlabel}. {layout.summary}"


def label_candidates(box: Box) -> tuple[str, ...]:
    """A box's labels, most informative first: the label, the bare function name with the
    note (the sign of a change survives), the name without its package path, the bare name."""
    short = short_name(box.name)
    bare = short.split(" ", 1)[0].rsplit(".", 1)[-1]
    with_note = f"{bare} {box.note}" if box.note else bare
    return tuple(dict.fromkeys((box.label, with_note, short, bare)))


def sides_tree(sides: pd.DataFrame, *, root: str | None = None) -> FlameNode:
    """The tree of a `ProfileDiff.sides()` table: values (base, new) per node."""
    return build_tree(sides["callstack"], sides[["base", "new"]].to_numpy(), root=root)
