"""BenchResult: parsed benchmark runs as a table, their statistics, plots and claim checks."""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd

from .. import tables, validate
from ..errors import UsageError
from ..provenance import Provenance
from ..result import FrameDoc, FrozenResult
from . import stats
from .parse import parse_lines
from .records import Config, OtherLine, Record, Result

if TYPE_CHECKING:
    from matplotlib.figure import Figure

KNOWN_UNITS = ("ns/op", "B/op", "allocs/op", "MB/s")
SUMMARY_UNITS = ("ns/op", "B/op", "allocs/op")
BENCH_PLOT_KINDS = ("runs", "scaling")
"""What `BenchResult.plot(kind=...)` draws: every run per benchmark, or a parameter sweep."""

FIXED_COLUMNS = ("pkg", "name", "base", "procs", "run", "iterations", "line_no")
_PREFIXES = ("sub.", "sub[", "unit.", "config.")
_TABLE_COLUMNS = ("benchmark", "n")
"""The columns of `table()` beside the units (a unit of these names is `unit.<name>` too)."""

FRAME_DOC = """\
BenchResult.frame: one row per result line (one run of one benchmark).

pkg          the package (`pkg:` line), "" when the output had none
name         benchmark name without `Benchmark` and `-procs`, e.g. `Join/impl=plus/parts=8`
base         the top-level benchmark, e.g. `Join`
procs        GOMAXPROCS of the run (the `-N` suffix; none printed means 1)
run          repeat number 0, 1, ... per pkg/name/procs (from -count)
iterations   b.N of the run
sub.KEY      each `KEY=value` part of a sub-benchmark name (`sub.impl`, `sub.n`); numeric
             when every value is a number. A key can be any word, even `name` or `n`:
             the prefix keeps it apart from these columns
sub[1], ...  the other parts of the name, in order (`ASCII` in `FullRune/ASCII`)
<unit>       one column per unit as Go prints it, NaN where a run did not report it:
             ns/op (nanoseconds per operation), B/op (heap bytes allocated per op),
             allocs/op (heap allocations per op), MB/s (with b.SetBytes), and any
             b.ReportMetric unit (±inf and NaN kept as floats). A unit that looks like one
             of our column names (`name`, `sub.x`, ...) is `unit.<unit>`
<key>        the configuration in force at that line: goos, goarch, cpu, ... (a key that
             looks like another column is `config.<key>`)
line_no      the line of the text the run came from"""


def format_value(value: float) -> str:
    """A measured value for a table: `tables.format_number`, but 3 significant digits for
    magnitudes of 10^15 and more (a ReportMetric of 1e300 stays one short cell)."""
    value = float(value)
    if math.isfinite(value) and abs(value) >= 1e15:
        return f"{value:.3g}"
    return tables.format_number(value)


def _cell(median: float, ci_pct: float | None, has_ci: bool) -> str:
    """`median ± ci%` as benchstat prints it; `± ∞` when n is too small for a CI."""
    text = format_value(median)
    if not has_ci:
        return text + " ± ∞"
    if ci_pct is None or not math.isfinite(ci_pct):
        return text  # a CI exists but no relative spread (median 0 or infinite)
    return text + f" ± {ci_pct:.0f}%"


@dataclass(frozen=True)
class _Columns:
    """Where each user-named thing of the runs lives in the frame (see FRAME_DOC)."""

    parts: Mapping[str, str]
    plain: int
    units: Mapping[str, str]
    config: Mapping[str, str]

    @property
    def part_names(self) -> list[str]:
        return [*self.parts.values(), *(f"sub[{i}]" for i in range(1, self.plain + 1))]


def _reserved(name: str, taken: Iterable[str] = ()) -> bool:
    return (
        name in FIXED_COLUMNS
        or name in _TABLE_COLUMNS
        or name.startswith(_PREFIXES)
        or name in taken
    )


def _layout(results: list[Result], units: list[str]) -> _Columns:
    parts: dict[str, str] = {}
    plain = 0
    configs: dict[int, Mapping[str, str]] = {}
    for r in results:
        for key in r.parts:
            if key not in parts:
                parts[key] = f"sub.{key}"
        plain = max(plain, len(r.plain))
        configs.setdefault(id(r.config), r.config)
    unit_columns = {u: f"unit.{u}" if _reserved(u) else u for u in units}
    taken = set(unit_columns.values())
    config: dict[str, str] = {}
    for snapshot in configs.values():
        for key in snapshot:
            if key != "pkg" and key not in config:
                config[key] = f"config.{key}" if _reserved(key, taken) else key
    return _Columns(
        MappingProxyType(parts), plain, MappingProxyType(unit_columns), MappingProxyType(config)
    )


def _repeat_key(r: Result) -> tuple[str, str, int]:
    return (r.config.get("pkg", ""), r.name, r.procs)


@dataclass(frozen=True, repr=False)
class BenchResult(FrozenResult):
    """Benchmark runs parsed from `go test -bench` output; `frame` columns: see FRAME_DOC."""

    FRAME_DOC: ClassVar[FrameDoc] = FrameDoc(
        pkg='the package (`pkg:` line), "" when the output had none',
        name="benchmark name without `Benchmark` and `-procs`, e.g. `Join/impl=plus/parts=8`",
        base="the top-level benchmark, e.g. `Join`",
        procs="GOMAXPROCS of the run (the `-N` suffix; none printed means 1)",
        run="repeat number 0, 1, ... per pkg/name/procs (from -count)",
        iterations="b.N of the run (count)",
        **{
            "sub.*": "each `KEY=value` part of a sub-benchmark name (`sub.impl`); numeric when "
            "every value is a number",
            "sub[*": "the other parts of the name, in order (`sub[1]` is `ASCII` in "
            "`FullRune/ASCII`)",
            "ns/op": "nanoseconds per operation",
            "B/op": "heap bytes allocated per operation (bytes)",
            "allocs/op": "heap allocations per operation (count)",
            "MB/s": "throughput with b.SetBytes (10⁶ bytes per second)",
            "unit.*": "a unit named like one of these columns (`unit.name`), as Go printed it",
        },
        goos="configuration line: the operating system",
        goarch="configuration line: the architecture",
        cpu="configuration line: the CPU model",
        **{"config.*": "any other configuration line (`key: value` before the runs)"},
        line_no="the line of the text the run came from (1-based)",
    )
    """A b.ReportMetric unit is a column of its own name (in the unit Go printed)."""
    PLOT_KINDS: ClassVar[tuple[str, ...]] = BENCH_PLOT_KINDS

    records: tuple[Record, ...]
    text: str = ""
    """The text that was parsed (what `go test` printed)."""
    provenance: Provenance = field(default_factory=Provenance)
    """The command that printed `text`, Go release and seconds (empty for parsed text)."""
    profiles: Mapping[str, Path] = field(default_factory=dict)
    """Profiles written by the run, by kind (`mem`, `cpu`), when `run(..., profile=)` asked."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "records", tuple(self.records))
        object.__setattr__(self, "profiles", MappingProxyType(dict(self.profiles)))

    def __repr__(self) -> str:
        source = f", from {self.provenance.shell!r}" if self.provenance.command else ""
        return (
            f"<BenchResult: {len(self)} runs of {len(self.names)} benchmark(s), "
            f"units {', '.join(self.units) or 'none'}{source}>"
        )

    # ----- access ---------------------------------------------------------------------------
    @cached_property
    def results(self) -> tuple[Result, ...]:
        """The result lines, in order."""
        return tuple(r for r in self.records if isinstance(r, Result))

    @property
    def other(self) -> list[OtherLine]:
        """Lines that are neither results nor configuration (PASS, ok, logs, ...)."""
        return [r for r in self.records if isinstance(r, OtherLine)]

    @property
    def config(self) -> dict[str, str]:
        """The last value of every configuration key (goos, goarch, pkg, cpu, ...)."""
        return {r.key: r.value for r in self.records if isinstance(r, Config)}

    @property
    def profile_dir(self) -> Path | None:
        """The folder holding the profiles of the run (None without profiles)."""
        return next(iter(self.profiles.values())).parent if self.profiles else None

    @cached_property
    def units(self) -> list[str]:
        """Every unit reported: ns/op, B/op, allocs/op, MB/s first, then custom ones."""
        seen: dict[str, None] = {}
        for r in self.results:
            seen.update(dict.fromkeys(r.values))
        return [u for u in KNOWN_UNITS if u in seen] + [u for u in seen if u not in KNOWN_UNITS]

    @property
    def names(self) -> list[str]:
        """Benchmark names (without `Benchmark` and `-procs`), in order of first appearance."""
        return list(dict.fromkeys(r.name for r in self.results))

    @property
    def part_keys(self) -> list[str]:
        """The `key` of every `key=value` part of the sub-benchmark names."""
        return list(self._columns.parts)

    def __len__(self) -> int:
        return len(self.results)

    @cached_property
    def _columns(self) -> _Columns:
        return _layout(list(self.results), self.units)

    def column(self, unit: str) -> str:
        """The frame column of `unit` (the unit itself unless it looks like one of ours)."""
        return self._columns.units.get(unit, unit)

    def part_column(self, key: str) -> str:
        """The frame column of sub-benchmark key `key` (`sub.KEY`); `sub.KEY` is accepted."""
        key = key.removeprefix("sub.") if key not in self._columns.parts else key
        if key not in self._columns.parts:
            known = ", ".join(self._columns.parts) or "none"
            raise UsageError(f"no sub-benchmark key {key!r} in these names; the keys are: {known}")
        return self._columns.parts[key]

    @cached_property
    def _frame(self) -> pd.DataFrame:
        cols = self._columns
        config_rows: dict[int, dict[str, str]] = {}  # per shared config snapshot
        rows = []
        repeat: dict[tuple, int] = {}
        for r in self.results:
            extra = config_rows.get(id(r.config))
            if extra is None:
                extra = {cols.config[k]: v for k, v in r.config.items() if k != "pkg"}
                config_rows[id(r.config)] = extra
            key = _repeat_key(r)
            repeat[key] = repeat.get(key, -1) + 1
            row = {
                "pkg": key[0],
                "name": r.name,
                "base": r.base,
                "procs": r.procs,
                "run": repeat[key],
                "iterations": r.iterations,
                "line_no": r.line_no,
            }
            row.update({cols.parts[k]: v for k, v in r.parts.items()})
            row.update({f"sub[{i}]": v for i, v in enumerate(r.plain, start=1)})
            row.update({cols.units[u]: v for u, v in r.values.items()})
            row.update(extra)
            rows.append(row)
        columns = [
            *FIXED_COLUMNS[:-1],
            *cols.part_names,
            *cols.units.values(),
            *cols.config.values(),
            "line_no",
        ]
        frame = pd.DataFrame(rows, columns=columns)
        for column in cols.units.values():
            frame[column] = frame[column].astype(float)
        for column in cols.part_names:
            present = frame[column].notna()
            numeric = pd.to_numeric(frame[column], errors="coerce")
            finite = numeric[present].abs() < 2**53
            if present.any() and numeric[present].notna().all() and finite.all():
                whole = (numeric[present] % 1 == 0).all()
                frame[column] = numeric.astype("Int64") if whole else numeric
        return frame

    @property
    def frame(self) -> pd.DataFrame:
        """One row per run (a copy: change it freely); columns and units: see FRAME_DOC."""
        return self._frame.copy()

    # ----- selection ------------------------------------------------------------------------
    def _derived(self, records: Iterable[Record]) -> BenchResult:
        return BenchResult(tuple(records), self.text, self.provenance, self.profiles)

    def _keep(self, results: Iterable[Result]) -> BenchResult:
        kept = {id(r) for r in results}
        return self._derived(r for r in self.records if not isinstance(r, Result) or id(r) in kept)

    def select(self, pattern: str) -> BenchResult:
        """The runs whose name matches the regular expression `pattern` (re.search)."""
        rx = re.compile(validate.pattern(pattern, "pattern"))
        return self._keep(r for r in self.results if rx.search(r.name))

    def first(self, n: int) -> BenchResult:
        """Only the first `n` runs of every benchmark (per package, name and procs)."""
        n = validate.count(n, "n")
        seen: dict[tuple, int] = {}
        kept = []
        for r in self.results:
            key = _repeat_key(r)
            seen[key] = seen.get(key, 0) + 1
            if seen[key] <= n:
                kept.append(r)
        return self._keep(kept)

    def where(self, **parts: object) -> BenchResult:
        """The runs whose sub-benchmark parts have the given values, with those parts removed
        from the names: `r.where(impl="plus")` turns `Join/impl=plus/parts=8` into
        `Join/parts=8`, so that two implementations can be compared by `compare`. A key may be
        any word (`r.where(n=10)`, `r.where(**{"name": "x"})`)."""
        for key in parts:
            self.part_column(key)  # a UsageError for a key no name has
        wanted = {
            k.removeprefix("sub.") if k not in self._columns.parts else k: str(v)
            for k, v in parts.items()
        }
        records: list[Record] = []
        for rec in self.records:
            if isinstance(rec, Result):
                if any(rec.parts.get(k) != v for k, v in wanted.items()):
                    continue
                segments = [
                    s
                    for s in rec.name.split("/")[1:]
                    if "=" not in s or s.partition("=")[0] not in wanted
                ]
                rec = rec.renamed("/".join([rec.base, *segments]))
            records.append(rec)
        return self._derived(records)

    # ----- statistics -----------------------------------------------------------------------
    def _units(self, units: Iterable[str] | None) -> list[str]:
        if isinstance(units, str):
            units = [units]
        return [u for u in (units or self.units) if u in self._columns.units]

    def summary(self, units: Iterable[str] | None = None) -> pd.DataFrame:
        """Per benchmark and unit: `pkg`, `name`, `procs`, `label` (name, with `-procs` when
        it varies), the `sub.*` parts, `unit`, `n`, `median`, the 95% CI (`low`, `high`,
        `ci_pct` = ± % of the median; NaN when n < 6) and `note` (why there is no CI)."""
        frame, cols = self._frame, self._columns
        units = self._units(units)
        parts = cols.part_names
        show_procs = frame["procs"].nunique() > 1 if len(frame) else False
        rows = []
        for (pkg, name, procs), group in frame.groupby(["pkg", "name", "procs"], sort=False):
            first = group.iloc[0]
            for unit in units:
                values = group[cols.units[unit]].dropna().tolist()
                if not values:
                    continue
                s = stats.summarize(values)
                note = ""
                if not s.has_ci:
                    note = f"n={s.n}: no {s.confidence:.0%} CI (needs n ≥ {stats.min_n_for_ci()})"
                rows.append(
                    {
                        "pkg": pkg,
                        "name": name,
                        "procs": procs,
                        "label": f"{name}-{procs}" if show_procs else name,
                        **{p: first[p] for p in parts},
                        "unit": unit,
                        "n": s.n,
                        "median": s.median,
                        "low": math.nan if s.low is None else s.low,
                        "high": math.nan if s.high is None else s.high,
                        "ci_pct": math.nan if s.ci_pct is None else s.ci_pct,
                        "note": note,
                    }
                )
        columns = [
            "pkg",
            "name",
            "procs",
            "label",
            *parts,
            "unit",
            "n",
            "median",
            "low",
            "high",
            "ci_pct",
            "note",
        ]
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
        return [
            f"{few['label'].nunique()} benchmark(s) have only n={n} run(s): a 95% CI of "
            f"the median needs n ≥ {stats.min_n_for_ci()}; use count ≥ 10."
        ]

    def median(self, name: str, unit: str = "ns/op", *, procs: int | None = None) -> float:
        """The median of `unit` over the runs of benchmark `name` (exact name, no procs)."""
        return self.summarized(name, unit, procs=procs).median

    def summarized(
        self, name: str, unit: str = "ns/op", *, procs: int | None = None
    ) -> stats.Summary:
        """Median and 95% CI of `unit` over the runs of benchmark `name`."""
        frame = self._frame
        rows = frame[frame["name"] == name] if len(frame) else frame
        if procs is not None:
            rows = rows[rows["procs"] == procs]
        if rows.empty:
            raise AssertionError(
                f"no benchmark named {name!r}; the names are: "
                + (", ".join(self.names) or "none")
                + self._source()
            )
        column = self.column(unit)
        if unit not in self._columns.units or rows[column].isna().all():
            raise AssertionError(f"benchmark {name!r} reports no {unit!r}{self._source()}")
        return stats.summarize(rows[column].dropna().tolist())

    def _source(self) -> str:
        return f" (from `{self.provenance.shell}`)" if self.provenance.command else ""

    # ----- claim checks ---------------------------------------------------------------------
    def expect(
        self,
        name: str,
        unit: str,
        *,
        equals: float | None = None,
        at_most: float | None = None,
        at_least: float | None = None,
        procs: int | None = None,
    ) -> BenchResult:
        """Check the median of `unit` for benchmark `name` (the value: `median(name, unit)`);
        returns the result. AssertionError says what the toolchain measured when the claim
        does not hold."""
        summary = self.summarized(name, unit, procs=procs)
        got = summary.median
        checks = [
            (equals, lambda v: got == v, "="),
            (at_most, lambda v: got <= v, "≤"),
            (at_least, lambda v: got >= v, "≥"),
        ]
        for bound, holds, sign in checks:
            if bound is not None and not holds(bound):
                raise AssertionError(
                    f"{name}: expected {unit} {sign} {bound:g}, but the median "
                    f"of {summary.n} run(s) is {got:g}{self._source()}"
                )
        return self

    def expect_all(
        self,
        unit: str,
        *,
        equals: float | None = None,
        at_most: float | None = None,
        at_least: float | None = None,
    ) -> BenchResult:
        """`expect` for every benchmark in the result; returns the result."""
        for name in self.names:
            self.expect(name, unit, equals=equals, at_most=at_most, at_least=at_least)
        return self

    # ----- display --------------------------------------------------------------------------
    def plot(self, kind: str = "runs", **options: Any) -> Figure:
        """A Figure. `kind="runs"` (options `units`, `title`): every run, the median and its
        95% CI per benchmark, one panel per unit. `kind="scaling"` (options `param`, `units`,
        `by`, `title`, `xlabel`): each unit against a numeric sub-benchmark parameter such as
        `size`."""
        from . import plots

        validate.choice(kind, self.PLOT_KINDS, "kind")
        frame = self._frame
        units = [
            self.column(u)
            for u in self._units(
                options.pop("units", None)
                or (SUMMARY_UNITS if kind == "runs" else ("ns/op", "allocs/op"))
            )
        ]
        if kind == "runs":
            return plots.plot_runs(frame, units=tuple(units), **options)
        if "param" not in options:
            raise UsageError(
                'plot(kind="scaling") needs param=, the sub-benchmark key to put '
                f"on the x axis; the keys are: {', '.join(self.part_keys) or 'none'}"
            )
        param = self.part_column(options.pop("param"))
        by = options.pop("by", None)
        by = self.part_column(by) if by is not None else None
        return plots.plot_scaling(frame, param, units=tuple(units), by=by, **options)

    def table(self, units: Iterable[str] | None = None) -> pd.DataFrame:
        """benchstat-style text: `median ± ci%` per benchmark (rows) and unit (columns, named
        as in `frame`); `n` the runs; `± ∞` where the runs are too few for a 95% CI."""
        units = self._units(units)
        summary = self.summary(units)
        if summary.empty:
            return pd.DataFrame()
        columns = [self.column(u) for u in units]
        rows: dict[str, dict[str, Any]] = {}
        for rec in summary.itertuples(index=False):
            row = rows.setdefault(
                rec.label, {"benchmark": rec.label, "n": 0, **dict.fromkeys(columns, "")}
            )
            row["n"] = max(int(row["n"]), rec.n)
            ci = None if math.isnan(rec.ci_pct) else rec.ci_pct
            row[self.column(rec.unit)] = _cell(rec.median, ci, not math.isnan(rec.low))
        table = pd.DataFrame(list(rows.values()), columns=["benchmark", "n", *columns])
        return table.set_index("benchmark")

    def _repr_html_(self) -> str:
        pkgs = sorted({r.config.get("pkg", "") for r in self.results} - {""})
        head = (
            f"<b>BenchResult</b>: {len(self)} runs of {len(self.names)} benchmark(s)"
            + (f" in {', '.join(map(html.escape, pkgs))}" if pkgs else "")
            + f" · {len(self.other)} other line(s)"
        )
        warn = "".join(f"<div>⚠ {html.escape(w)}</div>" for w in self.warnings())
        body = ""
        if len(self):
            body = tables.to_html(
                self.table().reset_index(), caption="median ± 95% CI (± ∞: too few runs for a CI)"
            )
        source = self.provenance._repr_html_() if self.provenance.command else ""
        return f"<div>{head}{warn}{body}{source}</div>"


def parse(text: str) -> BenchResult:
    """Parse `go test -bench` output (any number of packages, runs and units) into a
    BenchResult; ParseError names a malformed result line, UsageError says text is not str."""
    return BenchResult(tuple(parse_lines(validate.text(text, "text"))), text=text)
