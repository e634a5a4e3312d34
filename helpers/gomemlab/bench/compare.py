"""Compare two sets of benchmark runs the way benchstat does."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd

from .. import tables, validate
from ..errors import UsageError
from ..provenance import Provenance
from ..result import FrameDoc, FrozenResult
from . import stats
from .result import BenchResult
from .result import format_value as _fmt
from .stats import HIGHER_IS_BETTER

if TYPE_CHECKING:
    from matplotlib.figure import Figure

COMPARE_PLOT_KINDS = ("change",)
"""What `Comparison.plot(kind=...)` draws: the change of each median, by verdict."""


@dataclass(frozen=True, eq=False, repr=False)
class Comparison(FrozenResult):
    """old vs new per benchmark and unit; `frame` columns:

    `name`, `unit`, `old`/`new` (medians), `old_ci_pct`/`new_ci_pct` (± % of the median, NaN when
    n < 6), `n_old`/`n_new`, `delta_pct` (change of the median, %), `p` (Mann–Whitney U,
    two-sided), `verdict` (`-12.34%` when p ≤ alpha, `~` when not significant), `note`.
    The last rows per unit are `geomean` (of the medians; left out when a median is 0).
    """

    FRAME_DOC: ClassVar[FrameDoc] = FrameDoc(
        name="benchmark name, or `geomean` (of the medians; per unit, last)",
        unit="the unit compared, as Go prints it (ns/op, B/op, allocs/op, ...)",
        old="median of the old runs (in `unit`)",
        old_ci_pct="95% confidence interval of that median, ± % of it (NaN when n < 6)",
        n_old="number of old runs (count)",
        new="median of the new runs (in `unit`)",
        new_ci_pct="95% confidence interval of that median, ± % of it (NaN when n < 6)",
        n_new="number of new runs (count)",
        delta_pct="change of the median, new against old (%)",
        p="Mann–Whitney U, two-sided (probability)",
        verdict="`-12.34%` when p ≤ alpha, `~` when not significant",
        note="why a row cannot say more (too few runs, all runs equal, ...)",
    )
    PLOT_KINDS: ClassVar[tuple[str, ...]] = COMPARE_PLOT_KINDS

    _table: pd.DataFrame
    alpha: float = stats.ALPHA
    old_label: str = "old"
    new_label: str = "new"
    provenance: Provenance = field(default_factory=Provenance)
    """The new side's runs (the old side's: the old result's own `provenance`)."""

    def row(self, name: str, unit: str = "ns/op") -> pd.Series:
        """The comparison row of benchmark `name` in `unit` (AssertionError when missing)."""
        rows = self.frame[(self.frame["name"] == name) & (self.frame["unit"] == unit)]
        if rows.empty:
            names = ", ".join(dict.fromkeys(self.frame["name"]))
            raise AssertionError(f"no comparison row for {name!r} in {unit!r}; names: {names}")
        return rows.iloc[0]

    def verdict(self, name: str, unit: str = "ns/op") -> str:
        """`better`, `worse` or `~` (no significant difference) for new against old."""
        row = self.row(name, unit)
        if row["verdict"] == "~" or pd.isna(row["delta_pct"]) or row["delta_pct"] == 0:
            return "~"
        lower = row["delta_pct"] < 0
        return "better" if lower != (unit in HIGHER_IS_BETTER) else "worse"

    def expect(self, name: str, unit: str = "ns/op", verdict: str = "better") -> Comparison:
        """Check the verdict for one benchmark and unit (`better`, `worse` or `~`); returns the
        comparison (the row itself: `row(name, unit)`)."""
        validate.choice(verdict, ("better", "worse", "~"), "verdict")
        got = self.verdict(name, unit)
        if got != verdict:
            row = self.row(name, unit)
            raise AssertionError(
                f"{name} {unit}: expected {verdict!r} but got {got!r} ({self.old_label} "
                f"{_fmt(row['old'])} → {self.new_label} {_fmt(row['new'])}, "
                f"delta {row['delta_pct']:+.1f}%, p={row['p']:.3g}, "
                f"n={row['n_old']}+{row['n_new']}) {row['note']}"
            )
        return self

    def plot(self, kind: str = "change", **options: Any) -> Figure:
        """A Figure: `kind="change"` (option `title`), the change of each median in %,
        coloured by verdict."""
        from .plots import plot_comparison

        validate.choice(kind, COMPARE_PLOT_KINDS, "kind")
        return plot_comparison(self.frame, **options)

    def summary(self) -> pd.DataFrame:
        """The comparison table as data: one row per benchmark and unit (a copy of `frame`)."""
        return self.frame

    def warnings(self) -> list[str]:
        """The notes of the rows, once each (too few runs, all runs equal, ...)."""
        notes = self.frame["note"][self.frame["note"] != ""]
        return list(dict.fromkeys(notes))

    def table(self) -> pd.DataFrame:
        """benchstat's layout: old ± ci, new ± ci, vs base (delta or ~) and p with n."""

        def with_ci(value, pct) -> str:
            shown = pct is not None and pd.notna(pct) and math.isfinite(pct)
            return _fmt(value) + (f" ± {pct:.0f}%" if shown else " ± ∞")

        rows = []
        for _, r in self.frame.iterrows():
            geo = r["name"] == "geomean"
            rows.append(
                {
                    "unit": r["unit"],
                    "benchmark": r["name"],
                    self.old_label: _fmt(r["old"]) if geo else with_ci(r["old"], r["old_ci_pct"]),
                    self.new_label: _fmt(r["new"]) if geo else with_ci(r["new"], r["new_ci_pct"]),
                    "vs base": r["verdict"],
                    "p (n)": "" if geo else f"p={r['p']:.3f} n={r['n_old']}+{r['n_new']}",
                }
            )
        columns = ["unit", "benchmark", self.old_label, self.new_label, "vs base", "p (n)"]
        return pd.DataFrame(rows, columns=columns).set_index(["unit", "benchmark"])

    def _repr_html_(self) -> str:
        warn = "".join(f"<div>⚠ {html.escape(w)}</div>" for w in self.warnings())
        body = tables.to_html(
            self.table().reset_index(),
            caption="median ± 95% CI; vs base: change of the median, ~ when not significant",
        )
        return (
            f"<div><b>Comparison</b> {html.escape(self.old_label)} → "
            f"{html.escape(self.new_label)} (Mann–Whitney U, α={self.alpha})"
            f"{warn}{body}</div>"
        )


def _pct(summary: stats.Summary) -> float:
    return math.nan if summary.ci_pct is None else summary.ci_pct


def _key_frame(result: BenchResult, with_pkg: bool) -> pd.DataFrame:
    frame = result.frame
    show_procs = frame["procs"].nunique() > 1
    frame["key"] = frame["name"] + (("-" + frame["procs"].astype(str)) if show_procs else "")
    if with_pkg:
        frame["key"] = frame["pkg"] + "." + frame["key"]
    return frame


def compare(
    old: BenchResult,
    new: BenchResult,
    *,
    units: tuple[str, ...] | None = None,
    alpha: float = stats.ALPHA,
    old_label: str = "old",
    new_label: str = "new",
) -> Comparison:
    """Compare the benchmarks present in both `old` and `new`, per unit.

    The verdict is the change of the median when the Mann–Whitney U test gives p ≤ alpha and
    `~` otherwise. Notes warn when n is too small for a CI (n < 6) or for a verdict (n < 4).
    """
    for side, value in (("old", old), ("new", new)):
        if not isinstance(value, BenchResult):
            raise UsageError(
                f"{side} must be a BenchResult (from gm.bench.run or parse), "
                f"not {type(value).__name__}"
            )
    alpha = validate.positive(alpha, "alpha")
    if isinstance(units, str):
        units = (units,)
    old_pkgs, new_pkgs = (
        {r.config.get("pkg", "") for r in old.results},
        {r.config.get("pkg", "") for r in new.results},
    )
    with_pkg = old_pkgs == new_pkgs and len(old_pkgs) > 1
    a, b = _key_frame(old, with_pkg), _key_frame(new, with_pkg)
    units = units or tuple(u for u in old.units if u in new.units)
    keys = [k for k in dict.fromkeys(a["key"]) if k in set(b["key"])]
    need_ci, need_diff = stats.min_n_for_ci(), stats.min_n_for_difference(alpha)
    rows = []
    for unit in units:
        medians_old, medians_new = [], []
        for key in keys:
            if unit not in old.units or unit not in new.units:
                continue
            xs = a.loc[a["key"] == key, old.column(unit)].dropna().tolist()
            ys = b.loc[b["key"] == key, new.column(unit)].dropna().tolist()
            if not xs or not ys:
                continue
            so, sn = stats.summarize(xs), stats.summarize(ys)
            p = stats.mann_whitney_p(xs, ys)
            delta = (
                (sn.median / so.median - 1) * 100
                if so.median
                else (0.0 if sn.median == 0 else math.inf)
            )
            notes = []
            if min(len(xs), len(ys)) < need_diff:
                notes.append(
                    f"need ≥ {need_diff} runs per side to detect a difference at α={alpha}"
                )
            elif min(len(xs), len(ys)) < need_ci:
                notes.append(f"need ≥ {need_ci} runs for a 95% CI")
            if len(set(xs) | set(ys)) == 1:
                notes.append("all runs are equal")
            verdict = f"{delta:+.2f}%" if p <= alpha and delta != 0 else "~"
            rows.append(
                {
                    "name": key,
                    "unit": unit,
                    "old": so.median,
                    "old_ci_pct": _pct(so),
                    "n_old": len(xs),
                    "new": sn.median,
                    "new_ci_pct": _pct(sn),
                    "n_new": len(ys),
                    "delta_pct": delta,
                    "p": p,
                    "verdict": verdict,
                    "note": "; ".join(notes),
                }
            )
            medians_old.append(so.median)
            medians_new.append(sn.median)
        go, gn = stats.geomean(medians_old), stats.geomean(medians_new)
        if medians_old:
            ok = go is not None and gn is not None and math.isfinite(go * gn)
            delta = math.nan
            if ok and go is not None and gn is not None:
                delta = (gn / go - 1) * 100
            rows.append(
                {
                    "name": "geomean",
                    "unit": unit,
                    "old": go if ok else math.nan,
                    "old_ci_pct": math.nan,
                    "n_old": len(medians_old),
                    "new": gn if ok else math.nan,
                    "new_ci_pct": math.nan,
                    "n_new": len(medians_new),
                    "delta_pct": delta,
                    "p": math.nan,
                    "verdict": f"{delta:+.2f}%" if ok else "",
                    "note": "" if ok else "geomean needs finite medians > 0",
                }
            )
    columns = [
        "name",
        "unit",
        "old",
        "old_ci_pct",
        "n_old",
        "new",
        "new_ci_pct",
        "n_new",
        "delta_pct",
        "p",
        "verdict",
        "note",
    ]
    return Comparison(
        pd.DataFrame(rows, columns=columns), alpha, old_label, new_label, new.provenance
    )
