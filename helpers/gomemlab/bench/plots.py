"""Pure plots of benchmark frames: DataFrame in, matplotlib Figure out (`figures.new`)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator

from .. import figures, validate
from ..errors import UsageError
from . import stats
from .stats import HIGHER_IS_BETTER

UNIT_LABELS = {
    "ns/op": "time per operation (ns/op)",
    "B/op": "bytes allocated per op (B/op)",
    "allocs/op": "heap allocations per op (allocs/op)",
    "MB/s": "throughput (MB/s)",
}
SHORT_LABELS = {
    "ns/op": "nanoseconds per op",
    "B/op": "bytes per op",
    "allocs/op": "allocations per op",
    "MB/s": "MB per second",
}
"""Axis labels beside a panel titled with the unit (side by side, long labels would touch)."""
_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf")
_SMALL = {"fontsize": 11}


def _labels(frame: pd.DataFrame) -> pd.Series:
    show_procs = frame["procs"].nunique() > 1
    return frame["name"] + (("-" + frame["procs"].astype(str)) if show_procs else "")


def _finite(values: np.ndarray) -> np.ndarray:
    return values[np.isfinite(values)]


def _log_scale_useful(values: np.ndarray) -> bool:
    """True when the positive values span more than a factor of 50."""
    positive = values[values > 0]
    return len(positive) > 1 and positive.max() / positive.min() > 50


def _scale(ax, values: np.ndarray, axis: str = "x") -> None:
    """Log scale for wide ranges (symlog when zeros must stay visible), else linear from 0."""
    values = _finite(values)
    set_scale = ax.set_xscale if axis == "x" else ax.set_yscale
    if _log_scale_useful(values):
        if (values <= 0).any():
            set_scale("symlog", linthresh=1.0)
        else:
            set_scale("log")
    else:
        top = float(values.max()) * 1.12 if len(values) else 1.0
        top = top if top > 0 else 1.0  # all zero (0 B/op): an axis from 0 to 1, not to 1e-9
        bottom = min(float(values.min()) * 1.12, 0.0) if len(values) else 0.0
        (ax.set_xlim if axis == "x" else ax.set_ylim)(bottom, top)


def _present(frame: pd.DataFrame, units: tuple[str, ...]) -> tuple[str, ...]:
    present = tuple(u for u in units if u in frame.columns and frame[u].notna().any())
    if not present:
        raise UsageError(f"units: none of {list(units)} was reported by these runs")
    return present


@figures.plot_function
@validate.typed
def plot_runs(
    frame: pd.DataFrame,
    units: tuple[str, ...] = ("ns/op", "B/op", "allocs/op"),
    *,
    title: str | None = None,
) -> Figure:
    """One panel per unit: each benchmark's runs as dots, the median as a diamond with its
    95% CI as an error bar (no error bar when n < 6). Infinite values are left out."""
    units = _present(frame, units)
    frame = frame.assign(label=_labels(frame))
    labels = list(dict.fromkeys(frame["label"]))
    height = max(2.2 + 0.5 * len(labels), 3.6)
    width = figures.WIDTH if len(units) <= 3 else figures.WIDTH * 1.3
    fig, axes = figures.new(width, height, ncols=len(units), sharey=True, squeeze=False)
    axes = axes[0]
    rng = np.random.default_rng(0)
    for ax, unit in zip(axes, units, strict=False):
        for i, label in enumerate(labels):
            values = _finite(frame.loc[frame["label"] == label, unit].dropna().to_numpy(float))
            if len(values) == 0:
                continue
            jitter = rng.uniform(-0.18, 0.18, len(values))
            ax.scatter(
                values,
                i + jitter,
                s=22,
                color="0.55",
                alpha=0.7,
                zorder=2,
                label="one run" if i == 0 else None,
            )
            s = stats.summarize(values.tolist())
            err = (
                [[s.median - s.low], [s.high - s.median]]
                if s.low is not None and s.high is not None
                else None
            )
            ax.errorbar(
                [s.median],
                [i],
                xerr=err,
                fmt="D",
                color=_COLORS[0],
                ms=8,
                capsize=5,
                lw=2,
                zorder=3,
                label="median ± 95% CI" if i == 0 else None,
            )
        _scale(ax, frame[unit].dropna().to_numpy(float), "x")
        ax.set_xlabel(
            SHORT_LABELS.get(unit, unit) if len(units) > 1 else UNIT_LABELS.get(unit, unit)
        )
        ax.grid(axis="x", alpha=0.3)
        ax.set_title(unit)
    axes[0].set_yticks(np.arange(len(labels)), labels)
    axes[0].invert_yaxis()
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncols=2, frameon=False, **_SMALL)
    fig.suptitle(title or "What does one operation cost? (every run, median, 95% CI)")
    return fig


def _by_default(data: pd.DataFrame, param: str) -> str | None:
    """The first other sub-benchmark part that takes more than one value (e.g. `sub.impl`)."""
    for column in data.columns:
        if column != param and column.startswith(("sub.", "sub[")) and data[column].nunique() > 1:
            return column
    return None


def _legend(column: str, key: object) -> str:
    return f"{column.removeprefix('sub.')}={key}"


@figures.plot_function
def plot_scaling(
    frame: pd.DataFrame,
    param: str,
    units: tuple[str, ...] = ("ns/op", "allocs/op"),
    *,
    by: str | None = None,
    title: str | None = None,
    xlabel: str | None = None,
) -> Figure:
    """Median (line) and 95% CI (band) of each unit against a numeric sub-benchmark parameter
    (a frame column such as `sub.size`), one line per value of `by` (default: another part that
    varies, e.g. `sub.impl`). `xlabel` names the parameter with its unit (default: its key)."""
    if param not in frame.columns:
        raise UsageError(f"param: no column {param!r}; the columns are {list(frame.columns)}")
    data = frame[frame[param].notna()].copy()
    numeric = pd.to_numeric(data[param], errors="coerce")
    if numeric.isna().any() or data.empty:
        raise UsageError(f"param: {param!r} must be a number in every run it appears in")
    data[param] = numeric
    by = by if by is not None else _by_default(data, param)
    groups = list(data.groupby(by, sort=False)) if by else [("", data)]
    units = _present(data, units)
    fig, axes = figures.new(figures.WIDTH, 4.6, ncols=len(units), squeeze=False)
    for ax, unit in zip(axes[0], units, strict=False):
        for color, (key, group) in zip(itertools.cycle(_COLORS), groups):
            xs, med, lo, hi = [], [], [], []
            for x, runs in group.groupby(param, sort=True):
                s = stats.summarize(runs[unit].dropna().tolist())
                xs.append(x)
                med.append(s.median)
                lo.append(s.low if s.has_ci else s.median)
                hi.append(s.high if s.has_ci else s.median)
            label = _legend(by, key) if by else group["base"].iloc[0]
            ax.plot(xs, med, "o-", color=color, label=label, lw=2, ms=6)
            ax.fill_between(xs, lo, hi, color=color, alpha=0.2, lw=0)
        if (data[param] > 0).all():
            ax.set_xscale("log", base=2)
        swept = sorted(data[param].unique())
        if len(swept) <= 12:  # ticks where the data are (16, 256, ...), not at every other 2^k
            ax.set_xticks(swept, [f"{x:,g}" for x in swept])
            ax.xaxis.set_minor_locator(NullLocator())
        _scale(ax, data[unit].dropna().to_numpy(float), "y")
        ax.set_xlabel(xlabel or param.removeprefix("sub."))
        ax.set_ylabel(UNIT_LABELS.get(unit, unit))
        ax.grid(alpha=0.3, which="both")
        ax.legend(**_SMALL)
    name = param.removeprefix("sub.")
    fig.suptitle(title or f"How does the cost grow with {name}? (median, 95% CI band)")
    return fig


@figures.plot_function
@validate.typed
def plot_comparison(comparison_frame: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Change of the median per benchmark and unit (%), coloured by significance."""
    data = comparison_frame[comparison_frame["name"] != "geomean"]
    units = list(dict.fromkeys(data["unit"]))
    names = list(dict.fromkeys(data["name"]))
    if not units:
        raise UsageError("nothing to plot: the comparison has no benchmark in common")
    height = max(1.8 + 0.5 * len(names), 3.2)
    width = figures.WIDTH if len(units) <= 3 else figures.WIDTH * 1.3
    fig, axes = figures.new(width, height, ncols=len(units), sharey=True, squeeze=False)
    axes = axes[0]
    for ax, unit in zip(axes, units, strict=False):
        rows = data[data["unit"] == unit].set_index("name").reindex(names)
        better_up = unit in HIGHER_IS_BETTER
        delta = rows["delta_pct"].replace([np.inf, -np.inf], np.nan).fillna(0)
        verdicts = np.array(
            [
                "~" if v == "~" else ("better" if (d > 0) == better_up else "worse")
                for v, d in zip(rows["verdict"].fillna("~"), delta, strict=True)
            ]
        )
        for verdict, (colour, hatch, label) in _CHANGE_STYLE.items():
            shown = verdicts == verdict
            if shown.any():
                ax.barh(
                    np.arange(len(names))[shown],
                    delta[shown],
                    color=colour,
                    hatch=hatch,
                    edgecolor="white",
                    label=label,
                )
        ax.axvline(0, color="black", lw=0.8)
        ax.set_xlabel("change of median (%)")
        ax.set_title(unit)
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(np.arange(len(names)), names)
    axes[0].invert_yaxis()
    shown = {}  # one legend entry per verdict drawn, whichever panel drew it
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            shown.setdefault(label, handle)
    fig.legend(shown.values(), shown.keys(), loc="outside lower center", ncols=3, frameon=False)
    fig.suptitle(title or "What changed? (better, worse, or not significant)")
    return fig


_CHANGE_STYLE = {  # verdict: colour, hatch (a second channel beside colour), legend words
    "better": ("#2ca02c", "", "better (significant)"),
    "worse": ("#d62728", "xx", "worse (significant)"),
    "~": ("0.7", "..", "no significant change"),
}
