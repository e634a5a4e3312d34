"""BenchResult: parsed benchmark runs as a table, their statistics, plots and claim checks."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from ..errors import ParseError
from . import stats
from .parse import Config, Other, Record, Result, parse_lines

KNOWN_UNITS = ("ns/op", "B/op", "allocs/op", "MB/s")
SUMMARY_UNITS = ("ns/op", "B/op", "allocs/op")
_BASE_COLUMNS = ("pkg", "name", "base", "procs", "run", "iterations")


def _label(name: str, procs: int, show_procs: bool) -> str:
    return f"{name}-{procs}" if show_procs else name


@dataclass
class BenchResult:
    """Benchmark runs parsed from `go test -bench` output.

    `frame` has one row per run (result line) with the columns

    * `pkg` package, `name` benchmark name without `Benchmark` and `-procs` (`Join/impl=plus`),
      `base` top-level benchmark (`Join`), `procs` GOMAXPROCS, `run` repeat number (0, 1, ... per
      pkg/name/procs, from `-count`), `iterations` b.N of the run;
    * one column per `key=value` part of a sub-benchmark name (`impl`, `parts`; numeric where
      every value is a number), `sub1`, `sub2`, ... for plain parts;
    * one column per unit, as printed: `ns/op` (nanoseconds per operation), `B/op` (bytes
      allocated per operation), `allocs/op` (heap allocations per operation), `MB/s` (with
      `b.SetBytes`), and any `b.ReportMetric` unit; NaN where a run did not report it;
    * the configuration in force at that line: `goos`, `goarch`, `cpu`, ... (`line_no` last).
    """

    records: list[Record]
    command: list[str] = field(default_factory=list)
    seconds: float | None = None
    profiles: dict[str, Path] = field(default_factory=dict)
    """Profiles written by the run, by kind (`mem`, `cpu`), when `run(..., profile=)` asked."""
    text: str = ""
    """The text that was parsed (what `go test` printed)."""

    # ----- access ---------------------------------------------------------------------------
    @property
    def results(self) -> list[Result]:
        return [r for r in self.records if isinstance(r, Result)]

    @property
    def other(self) -> list[Other]:
        """Lines that are neither results nor configuration (PASS, ok, logs, ...)."""
        return [r for r in self.records if isinstance(r, Other)]

    @property
    def config(self) -> dict[str, str]:
        """The last value of every configuration key (goos, goarch, pkg, cpu, ...)."""
        return {r.key: r.value for r in self.records if isinstance(r, Config)}

    @property
    def profile_dir(self) -> Path | None:
        return next(iter(self.profiles.values())).parent if self.profiles else None

    @property
    def units(self) -> list[str]:
        """Every unit reported: ns/op, B/op, allocs/op, MB/s first, then custom ones."""
        seen: dict[str, None] = {}
        for r in self.results:
            seen.update(dict.fromkeys(r.values))
        return [u for u in KNOWN_UNITS if u in seen] + [u for u in seen if u not in KNOWN_UNITS]

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys(r.name for r in self.results))

    def __len__(self) -> int:
        return len(self.results)

    @cached_property
    def frame(self) -> pd.DataFrame:
        parts, units = self._part_columns(), self.units
        reserved = {*_BASE_COLUMNS, *parts, *units, "line_no"}
        config_columns: dict[int, dict[str, str]] = {}  # per shared config snapshot
        rows = []
        repeat: dict[tuple, int] = {}
        for r in self.results:
            extra = config_columns.get(id(r.config))
            if extra is None:
                extra = {(f"config.{k}" if k in reserved else k): v
                         for k, v in r.config.items() if k != "pkg"}
                config_columns[id(r.config)] = extra
            key = (r.config.get("pkg", ""), r.name, r.procs)
            repeat[key] = repeat.get(key, -1) + 1
            rows.append({"pkg": key[0], "name": r.name, "base": r.base, "procs": r.procs,
                         "run": repeat[key], "iterations": r.iterations, **r.parts, **r.values,
                         **extra, "line_no": r.line_no})
        config = list(dict.fromkeys(k for extra in config_columns.values() for k in extra))
        columns = [*_BASE_COLUMNS, *parts, *units, *config, "line_no"]
        frame = pd.DataFrame(rows, columns=columns)
        for column in self._part_columns():
            present = frame[column].notna()
            numeric = pd.to_numeric(frame[column], errors="coerce")
            if present.any() and numeric[present].notna().all():
                whole = (numeric[present] % 1 == 0).all()
                frame[column] = numeric.astype("Int64") if whole else numeric
        return frame

    def _part_columns(self) -> list[str]:
        seen: dict[str, None] = {}
        for r in self.results:
            if r.parts:
                seen.update(dict.fromkeys(r.parts))
        return list(seen)

    # ----- selection ------------------------------------------------------------------------
    def _derived(self, results: Iterable[Result]) -> BenchResult:
        kept = {id(r) for r in results}
        records = [r for r in self.records if not isinstance(r, Result) or id(r) in kept]
        return BenchResult(records, self.command, self.seconds, self.profiles, self.text)

    def select(self, pattern: str) -> BenchResult:
        """The runs whose name matches the regular expression `pattern` (re.search)."""
        rx = re.compile(pattern)
        return self._derived(r for r in self.results if rx.search(r.name))

    def first(self, n: int) -> BenchResult:
        """Only the first `n` runs of every benchmark (per package, name and procs)."""
        seen: dict[tuple, int] = {}
        kept = []
        for r in self.results:
            key = (r.config.get("pkg", ""), r.name, r.procs)
            seen[key] = seen.get(key, 0) + 1
            if seen[key] <= n:
                kept.append(r)
        return self._derived(kept)

    def where(self, **parts: object) -> BenchResult:
        """The runs whose sub-benchmark parts have the given values, with those parts removed
        from the names: `r.where(impl="plus")` turns `Join/impl=plus/parts=8` into
        `Join/parts=8`, so that two implementations can be compared by `compare`."""
        wanted = {k: str(v) for k, v in parts.items()}
        records: list[Record] = []
        for rec in self.records:
            if isinstance(rec, Result):
                if any(rec.parts.get(k) != v for k, v in wanted.items()):
                    continue
                segments = [s for s in rec.name.split("/")[1:]
                            if s.partition("=")[0] not in wanted or "=" not in s]
                rec = rec.renamed("/".join([rec.base, *segments]))
            records.append(rec)
        return BenchResult(records, self.command, self.seconds, self.profiles, self.text)

    # ----- statistics -----------------------------------------------------------------------
    def summary(self, units: Iterable[str] | None = None) -> pd.DataFrame:
        """Per benchmark and unit: n, median, the 95% CI (`low`, `high`, `ci_pct` = ± % of the
        median; NaN when n < 6) and `note` (why there is no CI)."""
        frame = self.frame
        units = [u for u in (units or self.units) if u in frame.columns]
        parts = self._part_columns()
        show_procs = frame["procs"].nunique() > 1 if len(frame) else False
        rows = []
        for (pkg, name, procs), group in frame.groupby(["pkg", "name", "procs"], sort=False):
            for unit in units:
                values = group[unit].dropna().tolist()
                if not values:
                    continue
                s = stats.summarize(values)
                note = ""
                if not s.has_ci:
                    note = f"n={s.n}: no {s.confidence:.0%} CI (needs n ≥ {stats.min_n_for_ci()})"
                rows.append({
                    "pkg": pkg, "name": name, "procs": procs,
                    "label": _label(name, procs, show_procs),
                    **{p: group[p].iloc[0] for p in parts},
                    "unit": unit, "n": s.n, "median": s.median, "low": s.low, "high": s.high,
                    "ci_pct": s.ci_pct, "note": note})
        columns = ["pkg", "name", "procs", "label", *parts, "unit", "n", "median", "low", "high",
                   "ci_pct", "note"]
        return pd.DataFrame(rows, columns=columns)

    def warnings(self) -> list[str]:
        """Advice when the runs are too few for a confidence interval (or there are none)."""
        if not self.results:
            return ["no benchmark results: did the -bench pattern match any benchmark?"]
        summary = self.summary()
        few = summary[summary["n"] < stats.min_n_for_ci()]
        if few.empty:
            return []
        n = int(few["n"].min())
        return [f"{few['label'].nunique()} benchmark(s) have only n={n} run(s): a 95% CI of "
                f"the median needs n ≥ {stats.min_n_for_ci()}; use count ≥ 10."]

    def median(self, name: str, unit: str = "ns/op", *, procs: int | None = None) -> float:
        """The median of `unit` over the runs of benchmark `name` (exact name, no procs)."""
        return self.summarized(name, unit, procs=procs).median

    def summarized(self, name: str, unit: str = "ns/op", *,
                   procs: int | None = None) -> stats.Summary:
        frame = self.frame
        rows = frame[frame["name"] == name] if len(frame) else frame
        if procs is not None:
            rows = rows[rows["procs"] == procs]
        if rows.empty:
            raise AssertionError(f"no benchmark named {name!r}; the names are: "
                                 + ", ".join(self.names))
        if unit not in rows.columns or rows[unit].isna().all():
            raise AssertionError(f"benchmark {name!r} reports no {unit!r}")
        return stats.summarize(rows[unit].dropna().tolist())

    # ----- claim checks ---------------------------------------------------------------------
    def expect(self, name: str, unit: str, *, equals: float | None = None,
               at_most: float | None = None, at_least: float | None = None,
               procs: int | None = None) -> float:
        """Check the median of `unit` for benchmark `name`; return it. AssertionError says
        what the toolchain measured when the claim does not hold."""
        summary = self.summarized(name, unit, procs=procs)
        got = summary.median
        checks = [(equals, lambda v: got == v, "="), (at_most, lambda v: got <= v, "≤"),
                  (at_least, lambda v: got >= v, "≥")]
        for bound, holds, sign in checks:
            if bound is not None and not holds(bound):
                raise AssertionError(f"{name}: expected {unit} {sign} {bound:g}, "
                                     f"but the median of {summary.n} run(s) is {got:g}")
        return got

    def expect_all(self, unit: str, *, equals: float | None = None,
                   at_most: float | None = None, at_least: float | None = None) -> None:
        """`expect` for every benchmark in the result."""
        for name in self.names:
            self.expect(name, unit, equals=equals, at_most=at_most, at_least=at_least)

    # ----- display --------------------------------------------------------------------------
    def plot(self, units: Iterable[str] = SUMMARY_UNITS, *, title: str | None = None):
        """Median with 95% CI and every run, per benchmark, one panel per unit."""
        from .plots import plot_runs
        return plot_runs(self.frame, units=tuple(units), title=title)

    def plot_scaling(self, param: str, units: Iterable[str] = ("ns/op", "allocs/op"), *,
                     by: str | None = None, title: str | None = None):
        """How each unit grows with the sub-benchmark parameter `param` (e.g. `size`)."""
        from .plots import plot_scaling
        return plot_scaling(self.frame, param, units=tuple(units), by=by, title=title)

    def table(self, units: Iterable[str] | None = None) -> pd.DataFrame:
        """benchstat-style text: `median ± ci%` per benchmark (rows) and unit (columns)."""
        summary = self.summary(units)
        if summary.empty:
            return pd.DataFrame()
        def cell(row) -> str:
            text = _fmt(row["median"])
            return text + (f" ± {row['ci_pct']:.0f}%" if pd.notna(row["ci_pct"]) else " ± ∞")
        summary["cell"] = summary.apply(cell, axis=1)
        table = summary.pivot_table(index="label", columns="unit", values="cell",
                                    aggfunc="first", sort=False)
        table.columns.name = None
        table.index.name = "benchmark"
        counts = summary.groupby("label", sort=False)["n"].max()
        table.insert(0, "n", counts)
        ordered = [u for u in (units or self.units) if u in table.columns]
        return table[["n", *ordered]].fillna("")

    def _repr_html_(self) -> str:
        pkgs = sorted({r.config.get("pkg", "") for r in self.results} - {""})
        head = (f"<b>BenchResult</b>: {len(self)} runs of {len(self.names)} benchmark(s)"
                + (f" in {', '.join(map(html.escape, pkgs))}" if pkgs else "")
                + (f" · {self.seconds:.1f} s" if self.seconds else "")
                + f" · {len(self.other)} other line(s)")
        warn = "".join(f"<div>⚠ {html.escape(w)}</div>" for w in self.warnings())
        body = self.table().to_html() if len(self) else ""
        return f"<div>{head}{warn}{body}<small>median ± 95% CI</small></div>"


def _fmt(value: float) -> str:
    """Three significant digits (whole numbers as they are), thousands separated."""
    if value != value:  # NaN
        return "–"
    if value == int(value) or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def parse(text: str) -> BenchResult:
    """Parse `go test -bench` output (any number of packages, runs and units) into a
    BenchResult; ParseError names a malformed result line."""
    if not isinstance(text, str):
        raise ParseError(f"expected text, got {type(text).__name__}")
    return BenchResult(parse_lines(text), text=text)
