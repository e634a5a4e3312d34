"""Pure plots of benchmark frames: DataFrame in, matplotlib Figure out."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from . import stats

HIGHER_IS_BETTER = ("MB/s",)

UNIT_LABELS = {"ns/op": "time per operation (ns/op)", "B/op": "bytes allocated per op (B/op)",
               "allocs/op": "heap allocations per op (allocs/op)",
               "MB/s": "throughput (MB/s)"}
_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf")


def _labels(frame: pd.DataFrame) -> pd.Series:
    show_procs = frame["procs"].nunique() > 1
    return frame["name"] + (("-" + frame["procs"].astype(str)) if show_procs else "")


def _log_scale_useful(values: np.ndarray) -> bool:
    """True when the positive values span more than a factor of 50."""
    positive = values[values > 0]
    return len(positive) > 1 and positive.max() / positive.min() > 50


def _scale(ax, values: np.ndarray, axis: str = "x") -> None:
    """Log scale for wide ranges (symlog when zeros must stay visible), else linear from 0."""
    set_scale = ax.set_xscale if axis == "x" else ax.set_yscale
    if _log_scale_useful(values):
        if (values <= 0).any():
            set_scale("symlog", linthresh=1.0)
        else:
            set_scale("log")
    else:
        top = max(float(values.max()) * 1.12, 1e-9) if len(values) else 1.0
        (ax.set_xlim if axis == "x" else ax.set_ylim)(0, top)


def plot_runs(frame: pd.DataFrame, units: tuple[str, ...] = ("ns/op", "B/op", "allocs/op"), *,
              title: str | None = None) -> Figure:
    """One panel per unit: each benchmark's runs as dots, the median as a bar tick with its
    95% CI as an error bar (no error bar when n < 6)."""
    units = tuple(u for u in units if u in frame.columns and frame[u].notna().any())
    if not units:
        raise ValueError("none of the requested units is in the frame")
    frame = frame.assign(label=_labels(frame))
    labels = list(dict.fromkeys(frame["label"]))
    height = 1.2 + 0.38 * len(labels)
    fig = Figure(figsize=(min(4.2 * len(units), 13), max(height, 2.6)), layout="constrained")
    axes = fig.subplots(1, len(units), sharey=True, squeeze=False)[0]
    rng = np.random.default_rng(0)
    y = np.arange(len(labels))
    for ax, unit in zip(axes, units, strict=False):
        values_all = frame[unit].dropna().to_numpy(dtype=float)
        for i, label in enumerate(labels):
            values = frame.loc[frame["label"] == label, unit].dropna().to_numpy(dtype=float)
            if len(values) == 0:
                continue
            jitter = rng.uniform(-0.18, 0.18, len(values))
            ax.scatter(values, i + jitter, s=14, color="0.55", alpha=0.7, zorder=2,
                       label="one run" if i == 0 else None)
            s = stats.summarize(values)
            err = None
            if s.has_ci:
                err = [[s.median - s.low], [s.high - s.median]]
            ax.errorbar([s.median], [i], xerr=err, fmt="D", color=_COLORS[0], ms=6,
                        capsize=4, lw=1.6, zorder=3,
                        label="median ± 95% CI" if i == 0 else None)
        _scale(ax, values_all, "x")
        ax.set_xlabel(UNIT_LABELS.get(unit, unit))
        ax.grid(axis="x", alpha=0.3)
        ax.set_title(unit, fontsize=10)
    axes[0].set_yticks(y, labels)
    axes[0].invert_yaxis()
    axes[0].legend(loc="best", fontsize=8)
    fig.suptitle(title or "What does one operation cost? (every run, median, 95% CI)")
    return fig


def plot_scaling(frame: pd.DataFrame, param: str, units: tuple[str, ...] = ("ns/op",
                 "allocs/op"), *, by: str | None = None, title: str | None = None) -> Figure:
    """Median (line) and 95% CI (band) of each unit against a numeric sub-benchmark parameter,
    one line per value of `by` (default: the other `key=value` part, e.g. `impl`)."""
    if param not in frame.columns:
        raise ValueError(f"no sub-benchmark parameter {param!r}; columns: {list(frame.columns)}")
    data = frame[frame[param].notna()].copy()
    data[param] = pd.to_numeric(data[param], errors="raise")
    if by is None:
        candidates = [c for c in data.columns if c not in {param, "name", "base", "pkg", "run",
                      "iterations", "line_no", "procs"}
                      and c in _part_like(data) and data[c].nunique() > 1]
        by = candidates[0] if candidates else None
    groups = list(data.groupby(by, sort=False)) if by else [("", data)]
    units = tuple(u for u in units if u in data.columns)
    fig = Figure(figsize=(min(5.2 * len(units), 13), 3.9), layout="constrained")
    axes = fig.subplots(1, len(units), squeeze=False)[0]
    for ax, unit in zip(axes, units, strict=False):
        for color, (key, group) in zip(itertools.cycle(_COLORS), groups):
            xs, med, lo, hi = [], [], [], []
            for x, runs in group.groupby(param, sort=True):
                s = stats.summarize(runs[unit].dropna().tolist())
                xs.append(x)
                med.append(s.median)
                lo.append(s.low if s.has_ci else s.median)
                hi.append(s.high if s.has_ci else s.median)
            label = f"{by}={key}" if by else group["base"].iloc[0]
            ax.plot(xs, med, "o-", color=color, label=label)
            ax.fill_between(xs, lo, hi, color=color, alpha=0.2, lw=0)
        ax.set_xscale("log", base=2)
        _scale(ax, data[unit].dropna().to_numpy(dtype=float), "y")
        ax.set_xlabel(param)
        ax.set_ylabel(UNIT_LABELS.get(unit, unit))
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=8)
    fig.suptitle(title or f"How does the cost grow with {param}? (median, 95% CI band)")
    return fig


def _part_like(frame: pd.DataFrame) -> set[str]:
    """Columns that hold sub-benchmark parts: those between `iterations` and the units."""
    columns = list(frame.columns)
    start = columns.index("iterations") + 1 if "iterations" in columns else 0
    out = set()
    for c in columns[start:]:
        if "/" in c or c in {"line_no"}:
            break
        out.add(c)
    return out


def plot_comparison(comparison_frame: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Change of the median per benchmark and unit (%), coloured by significance."""
    data = comparison_frame[comparison_frame["name"] != "geomean"]
    units = list(dict.fromkeys(data["unit"]))
    names = list(dict.fromkeys(data["name"]))
    fig = Figure(figsize=(min(4.2 * len(units), 13), max(1.2 + 0.4 * len(names), 2.6)),
                 layout="constrained")
    axes = fig.subplots(1, len(units), sharey=True, squeeze=False)[0]
    for ax, unit in zip(axes, units, strict=False):
        rows = data[data["unit"] == unit].set_index("name").reindex(names)
        better_up = unit in HIGHER_IS_BETTER
        colors = ["0.7" if v == "~" else ("#2ca02c" if (d > 0) == better_up else "#d62728")
                  for v, d in zip(rows["verdict"].fillna("~"), rows["delta_pct"].fillna(0),
                                  strict=True)]
        ax.barh(np.arange(len(names)), rows["delta_pct"].fillna(0), color=colors)
        ax.axvline(0, color="black", lw=0.8)
        ax.set_xlabel(f"change of median {unit} (%)")
        ax.set_title(unit, fontsize=10)
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(np.arange(len(names)), names)
    axes[0].invert_yaxis()
    fig.suptitle(title or "What changed? (green: better, red: worse, grey: not significant)")
    return fig
