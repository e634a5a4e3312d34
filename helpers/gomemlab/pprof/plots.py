"""Pure plots of profiles: DataFrames in, matplotlib Figures out (nothing here runs Go)."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

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
