"""Compare two sets of benchmark runs the way benchstat does."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import pandas as pd

from . import stats
from .plots import HIGHER_IS_BETTER
from .result import BenchResult, _fmt


@dataclass
class Comparison:
    """old vs new per benchmark and unit; `frame` columns:

    `name`, `unit`, `old`/`new` (medians), `old_ci_pct`/`new_ci_pct` (± % of the median, NaN when
    n < 6), `n_old`/`n_new`, `delta_pct` (change of the median, %), `p` (Mann–Whitney U,
    two-sided), `verdict` (`-12.34%` when p ≤ alpha, `~` when not significant), `note`.
    The last rows per unit are `geomean` (of the medians; left out when a median is 0).
    """

    frame: pd.DataFrame
    alpha: float = stats.ALPHA
    old_label: str = "old"
    new_label: str = "new"

    def row(self, name: str, unit: str = "ns/op") -> pd.Series:
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

    def expect(self, name: str, unit: str = "ns/op", verdict: str = "better") -> pd.Series:
        """Check the verdict for one benchmark and unit (`better`, `worse` or `~`)."""
        got = self.verdict(name, unit)
        if got != verdict:
            row = self.row(name, unit)
            raise AssertionError(
                f"{name} {unit}: expected {verdict!r} but got {got!r} ({self.old_label} "
                f"{_fmt(row['old'])} → {self.new_label} {_fmt(row['new'])}, "
                f"delta {row['delta_pct']:+.1f}%, p={row['p']:.3g}, "
                f"n={row['n_old']}+{row['n_new']}) {row['note']}")
        return self.row(name, unit)

    def plot(self, *, title: str | None = None):
        """The change of each median, coloured by verdict."""
        from .plots import plot_comparison
        return plot_comparison(self.frame, title=title)

    def warnings(self) -> list[str]:
        notes = self.frame["note"][self.frame["note"] != ""]
        return list(dict.fromkeys(notes))

    def table(self) -> pd.DataFrame:
        """benchstat's layout: old ± ci, new ± ci, vs base (delta or ~) and p with n."""
        def with_ci(value, pct) -> str:
            return _fmt(value) + (f" ± {pct:.0f}%" if pd.notna(pct) else " ± ∞")
        rows = []
        for _, r in self.frame.iterrows():
            geo = r["name"] == "geomean"
            rows.append({
                "unit": r["unit"], "benchmark": r["name"],
                self.old_label: _fmt(r["old"]) if geo else with_ci(r["old"], r["old_ci_pct"]),
                self.new_label: _fmt(r["new"]) if geo else with_ci(r["new"], r["new_ci_pct"]),
                "vs base": r["verdict"],
                "p (n)": "" if geo else f"p={r['p']:.3f} n={r['n_old']}+{r['n_new']}"})
        return pd.DataFrame(rows).set_index(["unit", "benchmark"])

    def _repr_html_(self) -> str:
        warn = "".join(f"<div>⚠ {html.escape(w)}</div>" for w in self.warnings())
        return (f"<div><b>Comparison</b> {html.escape(self.old_label)} → "
                f"{html.escape(self.new_label)} (Mann–Whitney U, α={self.alpha})"
                f"{warn}{self.table().to_html()}</div>")


def _key_frame(result: BenchResult, with_pkg: bool) -> pd.DataFrame:
    frame = result.frame.copy()
    show_procs = frame["procs"].nunique() > 1
    frame["key"] = frame["name"] + (("-" + frame["procs"].astype(str)) if show_procs else "")
    if with_pkg:
        frame["key"] = frame["pkg"] + "." + frame["key"]
    return frame


def compare(old: BenchResult, new: BenchResult, *, units: tuple[str, ...] | None = None,
            alpha: float = stats.ALPHA, old_label: str = "old",
            new_label: str = "new") -> Comparison:
    """Compare the benchmarks present in both `old` and `new`, per unit.

    The verdict is the change of the median when the Mann–Whitney U test gives p ≤ alpha and
    `~` otherwise. Notes warn when n is too small for a CI (n < 6) or for a verdict (n < 4).
    """
    with_pkg = set(old.frame.get("pkg", [])) == set(new.frame.get("pkg", [])) and \
        len(set(old.frame.get("pkg", []))) > 1
    a, b = _key_frame(old, with_pkg), _key_frame(new, with_pkg)
    units = units or tuple(u for u in old.units if u in new.units)
    keys = [k for k in dict.fromkeys(a["key"]) if k in set(b["key"])]
    need_ci, need_diff = stats.min_n_for_ci(), stats.min_n_for_difference(alpha)
    rows = []
    for unit in units:
        medians_old, medians_new = [], []
        for key in keys:
            xs = a.loc[a["key"] == key, unit].dropna().tolist()
            ys = b.loc[b["key"] == key, unit].dropna().tolist()
            if not xs or not ys:
                continue
            so, sn = stats.summarize(xs), stats.summarize(ys)
            p = stats.mann_whitney_p(xs, ys)
            delta = (sn.median / so.median - 1) * 100 if so.median else (
                0.0 if sn.median == 0 else math.inf)
            notes = []
            if min(len(xs), len(ys)) < need_diff:
                notes.append(f"need ≥ {need_diff} runs per side to detect a difference at "
                             f"α={alpha}")
            elif min(len(xs), len(ys)) < need_ci:
                notes.append(f"need ≥ {need_ci} runs for a 95% CI")
            if len(set(xs) | set(ys)) == 1:
                notes.append("all runs are equal")
            verdict = f"{delta:+.2f}%" if p <= alpha and delta != 0 else "~"
            rows.append({"name": key, "unit": unit, "old": so.median, "old_ci_pct": so.ci_pct,
                         "n_old": len(xs), "new": sn.median, "new_ci_pct": sn.ci_pct,
                         "n_new": len(ys), "delta_pct": delta, "p": p, "verdict": verdict,
                         "note": "; ".join(notes)})
            medians_old.append(so.median)
            medians_new.append(sn.median)
        go, gn = stats.geomean(medians_old), stats.geomean(medians_new)
        if medians_old:
            ok = go is not None and gn is not None
            delta = (gn / go - 1) * 100 if ok else math.nan
            rows.append({"name": "geomean", "unit": unit, "old": go if ok else math.nan,
                         "old_ci_pct": math.nan, "n_old": len(medians_old),
                         "new": gn if ok else math.nan, "new_ci_pct": math.nan,
                         "n_new": len(medians_new), "delta_pct": delta, "p": math.nan,
                         "verdict": f"{delta:+.2f}%" if ok else "",
                         "note": "" if ok else "geomean needs medians > 0"})
    columns = ["name", "unit", "old", "old_ci_pct", "n_old", "new", "new_ci_pct", "n_new",
               "delta_pct", "p", "verdict", "note"]
    return Comparison(pd.DataFrame(rows, columns=columns), alpha, old_label, new_label)
