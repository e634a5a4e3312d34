"""The frozen results of the GC topic: a parsed gctrace (`GCLog`), the sample's runtime/metrics
readings (`MetricsLog`), one run (`GCRun`) and a GOGC sweep (`SweepResult`)."""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd

from .. import tables, validate
from ..provenance import Provenance
from ..result import FrameDoc, FrozenResult
from .parse import gctrace_table, metrics_samples
from .records import GCCycle, OtherLine

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..toolchain import Completed

MiB = 1 << 20
HEAP_MINIMUM_MIB = 4.0
"""The heap goal's floor at GOGC=100 (it scales with GOGC: 4 MiB × GOGC/100)."""
GC_PLOT_KINDS = ("heap", "pauses")
SWEEP_PLOT_KINDS = ("tradeoff",)

FRAME_DOC = FrameDoc(
    cycle="GC number (1, 2, ...)",
    t_s="when the cycle started, since program start (s)",
    cpu_pct="CPU time spent in GC since program start (%)",
    clock_sweep_term_ms="wall time, STW sweep termination (ms)",
    clock_mark_ms="wall time, concurrent mark: the program keeps running (ms)",
    clock_mark_term_ms="wall time, STW mark termination (ms)",
    cpu_sweep_term_ms="CPU time summed over Ps, sweep termination (ms)",
    cpu_assist_ms="CPU time summed over Ps, mark assists (ms)",
    cpu_background_ms="CPU time summed over Ps, background mark workers (ms)",
    cpu_idle_ms="CPU time summed over Ps, idle mark workers (ms)",
    cpu_mark_term_ms="CPU time summed over Ps, mark termination (ms)",
    heap_start_mib="heap in use when the cycle started (MiB, rounded down like every MiB)",
    heap_end_mib="heap in use when marking ended (MiB)",
    heap_live_mib="heap marked live (MiB)",
    goal_mib="heap goal of this cycle (MiB)",
    stacks_mib="scannable stacks (MiB; NaN before Go 1.18)",
    globals_mib="scannable globals (MiB; NaN before Go 1.18)",
    procs="GOMAXPROCS (Ps)",
    forced="a runtime.GC() call started the cycle (bool)",
    leak_check='Go 1.27+: the cycle was "(checking for goroutine leaks)" (bool)',
    format="which Go release's line format it was",
    line_no="where in the text the line was (1-based)",
    stw_ms="stop-the-world total = sweep termination + mark termination (ms)",
)

METRICS = {  # MetricsLog.frame column: (runtime/metrics name, meaning)
    "cycles": ("/gc/cycles/total:gc-cycles", "GC cycles completed"),
    "forced_cycles": ("/gc/cycles/forced:gc-cycles", "cycles started by runtime.GC()"),
    "goal_bytes": ("/gc/heap/goal:bytes", "heap goal for the current cycle, bytes"),
    "live_bytes": ("/gc/heap/live:bytes", "heap marked live by the last cycle, bytes"),
    "heap_bytes": (
        "/memory/classes/heap/objects:bytes",
        "heap in use by objects, live or not yet swept, bytes",
    ),
    "total_bytes": ("/memory/classes/total:bytes", "all memory mapped by the runtime, bytes"),
    "released_bytes": (
        "/memory/classes/heap/released:bytes",
        "heap memory returned to the OS (still mapped), bytes",
    ),
    "allocs_bytes": ("/gc/heap/allocs:bytes", "bytes allocated since start, cumulative"),
    "stacks_bytes": ("/gc/scan/stack:bytes", "scannable stack bytes"),
    "globals_bytes": ("/gc/scan/globals:bytes", "scannable global bytes"),
    "gogc": ("/gc/gogc:percent", "GOGC"),
    "memlimit_bytes": ("/gc/gomemlimit:bytes", "GOMEMLIMIT, bytes"),
    "limiter_cycle": (
        "/gc/limiter/last-enabled:gc-cycle",
        "last cycle in which the GC CPU limiter (about 50%) was on, 0 = never",
    ),
    "gomaxprocs": ("/sched/gomaxprocs:threads", "GOMAXPROCS"),
    "gc_cpu_s": ("/cpu/classes/gc/total:cpu-seconds", "CPU seconds in GC, cumulative"),
    "gc_idle_cpu_s": (
        "/cpu/classes/gc/mark/idle:cpu-seconds",
        "CPU seconds of GC on idle Ps, cumulative",
    ),
    "gc_pause_cpu_s": (
        "/cpu/classes/gc/pause:cpu-seconds",
        "CPU seconds of GC pauses (pause × GOMAXPROCS), cumulative",
    ),
    "user_cpu_s": (
        "/cpu/classes/user:cpu-seconds",
        "CPU seconds running the program's own code, cumulative",
    ),
    "total_cpu_s": (
        "/cpu/classes/total:cpu-seconds",
        "available CPU seconds (wall × GOMAXPROCS), cumulative",
    ),
}
PAUSES = "/sched/pauses/total/gc:seconds"


def _set(obj: object, **values: Any) -> None:
    for name, value in values.items():
        object.__setattr__(obj, name, value)


# ---------------------------------------------------------------------------- gctrace


def _floor(x: float) -> int:
    return math.floor(x + 1e-9)


def goal_check(frame: pd.DataFrame, gogc: int) -> pd.DataFrame:
    """Each cycle's goal predicted from the previous cycle's live heap, stacks and globals.

    Go sets the next goal to live + (live + stacks + globals) × GOGC/100 (roots only since
    Go 1.18), floored at 4 MiB × GOGC/100. The trace prints each size rounded down to a
    MiB, so the true inputs lie in [printed, printed + 1): the printed goal must lie between
    the rounded-down predictions from both ends of that range.
    """
    k = validate.count(gogc, "gogc", minimum=0) / 100
    rows = []
    for prev, nxt in zip(frame.itertuples(), frame.iloc[1:].itertuples(), strict=False):
        roots = (0.0 if math.isnan(prev.stacks_mib) else prev.stacks_mib) + (
            0.0 if math.isnan(prev.globals_mib) else prev.globals_mib
        )
        nroots = 0 if math.isnan(prev.stacks_mib) else 2
        low = prev.heap_live_mib + (prev.heap_live_mib + roots) * k
        high = prev.heap_live_mib + 1 + (prev.heap_live_mib + roots + 1 + nroots) * k  # excluded
        floor = HEAP_MINIMUM_MIB * k
        lo, hi = _floor(max(low, floor)), max(_floor(high - 1e-6), _floor(floor))
        rows.append(
            {
                "cycle": nxt.cycle,
                "prev_live_mib": prev.heap_live_mib,
                "prev_roots_mib": roots,
                "predicted_low_mib": lo,
                "predicted_high_mib": hi,
                "goal_mib": nxt.goal_mib,
                "ok": lo <= nxt.goal_mib <= hi,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "cycle",
            "prev_live_mib",
            "prev_roots_mib",
            "predicted_low_mib",
            "predicted_high_mib",
            "goal_mib",
            "ok",
        ],
    )


@dataclass(frozen=True, eq=False, repr=False)
class GCLog(FrozenResult):
    """Every collection in a gctrace, plus the lines that were not trace lines."""

    FRAME_DOC: ClassVar[FrameDoc] = FRAME_DOC
    PLOT_KINDS: ClassVar[tuple[str, ...]] = GC_PLOT_KINDS

    _table: pd.DataFrame
    """One row per cycle; columns and units: see `FRAME_DOC` (`print(gm.gc.FRAME_DOC)`)."""
    others: tuple[OtherLine, ...] = ()
    provenance: Provenance = field(default_factory=Provenance)

    def __post_init__(self) -> None:
        _set(self, others=tuple(self.others))

    def __len__(self) -> int:
        return len(self.frame)

    @cached_property
    def cycles(self) -> tuple[GCCycle, ...]:
        """The cycles as typed records."""
        return tuple(GCCycle(*row) for row in self.frame.itertuples(index=False))

    @property
    def other_count(self) -> int:
        """How many lines were not gctrace lines (the program's own stderr, notices, ...)."""
        return len(self.others)

    def totals(self) -> dict[str, float]:
        """cycles, forced, total_stw_ms, max_stw_ms, gc_cpu_pct (the last line's), peak_heap_mib."""
        f = self.frame
        if f.empty:
            return {
                "cycles": 0,
                "forced": 0,
                "total_stw_ms": 0.0,
                "max_stw_ms": 0.0,
                "gc_cpu_pct": 0.0,
                "peak_heap_mib": math.nan,
            }
        return {
            "cycles": len(f),
            "forced": int(f.forced.sum()),
            "total_stw_ms": float(f.stw_ms.sum()),
            "max_stw_ms": float(f.stw_ms.max()),
            "gc_cpu_pct": float(f.cpu_pct.iloc[-1]),
            "peak_heap_mib": float(f[["heap_start_mib", "heap_end_mib"]].max().max()),
        }

    def summary(self) -> pd.DataFrame:
        """One row: cycles, forced, total and longest STW pause (ms), last GC CPU %, peak MiB."""
        return pd.DataFrame([self.totals()])

    def goal_check(self, gogc: int = 100) -> pd.DataFrame:
        """See `goal_check`: the heap goal formula applied to consecutive cycles."""
        return goal_check(self.frame, gogc)

    def expect_goal_formula(self, gogc: int = 100, *, at_least: int = 3) -> GCLog:
        """Assert every cycle's goal follows from the previous one (within MiB rounding);
        returns the log (the pairs checked: `goal_check(gogc)`)."""
        table = self.goal_check(gogc)
        if len(table) < at_least:
            raise AssertionError(
                f"only {len(table)} consecutive cycle pairs to check; "
                f"want at least {at_least} (run longer or lower GOGC)"
            )
        bad = table[~table.ok]
        if not bad.empty:
            raise AssertionError(
                "heap goal differs from live + (live + stacks + globals) × GOGC/100 "
                f"(GOGC={gogc}) beyond MiB rounding:\n{bad.to_string(index=False)}"
                + (f"\n{self.provenance.line()}" if self.provenance.command else "")
            )
        return self

    def expect_cycles(self, *, at_least: int = 0, at_most: int | None = None) -> GCLog:
        """Assert the number of collections is in a range."""
        n = len(self)
        if n < at_least or (at_most is not None and n > at_most):
            upper = "" if at_most is None else f" and at most {at_most}"
            raise AssertionError(
                f"{n} GC cycles, expected at least {at_least}{upper}"
                + (f"\n{self.provenance.line()}" if self.provenance.command else "")
            )
        return self

    def plot(self, kind: str = "heap", **options: Any) -> Figure:
        """`kind="heap"`: heap sawtooth with goal; `"pauses"`: STW pauses per cycle."""
        from . import plots

        validate.choice(kind, self.PLOT_KINDS, "kind")
        if kind == "heap":
            return plots.heap_over_time(self.frame, **options)
        return plots.pauses(self.frame, **options)

    def _repr_html_(self) -> str:
        s = self.totals()
        text = (
            f"{s['cycles']} cycles ({s['forced']} forced), STW total "
            f"{s['total_stw_ms']:.2f} ms, longest {s['max_stw_ms']:.2f} ms, "
            f"{self.other_count} other lines"
        )
        shown = self.frame.drop(columns=["line_no"], errors="ignore")
        if len(shown) > 12:
            shown = pd.concat([shown.head(6), shown.tail(6)])
        return f"<div><b>GCLog</b>: {html.escape(text)}{tables.to_html(shown)}</div>"


def parse_gctrace(data: str | bytes, *, provenance: Provenance | None = None) -> GCLog:
    """Parse `GODEBUG=gctrace=1` output, text or bytes (pure; ParseError names a malformed
    trace line)."""
    frame, others = gctrace_table(data)
    return GCLog(frame, others, provenance or Provenance())


# ---------------------------------------------------------------------------- runtime/metrics


@dataclass(frozen=True, eq=False, repr=False)
class MetricsLog(FrozenResult):
    """The samples of one run: `.frame` (one row per sample) and `.pauses` (final histogram)."""

    FRAME_DOC: ClassVar[FrameDoc] = FrameDoc(
        t_s="when the sample was taken, since sampling started (s)",
        final="the program's last reading (bool)",
        pauses="GC pauses counted so far (count)",
        **{column: f"{meaning} ({name})" for column, (name, meaning) in METRICS.items()},
        limited_bytes="total − released: the memory GOMEMLIMIT counts (bytes)",
    )

    samples: tuple[dict, ...]
    provenance: Provenance = field(default_factory=Provenance)
    _table: pd.DataFrame = field(init=False, repr=False)
    """Columns: t_s (seconds since sampling started), final, pauses (count), the `METRICS`
    names and limited_bytes (total − released: the memory GOMEMLIMIT counts)."""
    _pauses: pd.DataFrame = field(init=False, repr=False)
    """The last sample's pause histogram: lo_s, hi_s (bucket bounds, s), count."""

    def __post_init__(self) -> None:
        samples = tuple(self.samples)
        rows = []
        for s in samples:
            row = {"t_s": s["t_s"], "final": s["final"], "pauses": sum(b["n"] for b in s["pauses"])}
            for column, (name, _) in METRICS.items():
                row[column] = s["values"].get(name, math.nan)
            rows.append(row)
        frame = pd.DataFrame(rows, columns=["t_s", "final", "pauses", *METRICS])
        frame["limited_bytes"] = frame.total_bytes - frame.released_bytes
        buckets = samples[-1]["pauses"] if samples else []
        inf = math.inf
        pauses = pd.DataFrame(
            [
                (-inf if b["lo"] is None else b["lo"], inf if b["hi"] is None else b["hi"], b["n"])
                for b in buckets
            ],
            columns=["lo_s", "hi_s", "count"],
        )
        _set(self, samples=samples, _table=frame, _pauses=pauses)

    @property
    def pauses(self) -> pd.DataFrame:
        """The last sample's pause histogram: lo_s, hi_s (bucket bounds, s), count (a copy)."""
        return self._pauses.copy()

    @property
    def last(self) -> dict:
        """The final reading's values, by runtime/metrics name."""
        return dict(self.samples[-1]["values"]) if self.samples else {}

    def gc_cpu_pct(self) -> float:
        """GC CPU % as gctrace computes it: (GC − idle-time GC) / available CPU, at the end."""
        v = self.last
        total = v.get(METRICS["total_cpu_s"][0], 0.0)
        if not total:
            return math.nan
        busy = v.get(METRICS["gc_cpu_s"][0], 0.0) - v.get(METRICS["gc_idle_cpu_s"][0], 0.0)
        return 100.0 * busy / total

    def gc_share_pct(self) -> float:
        """GC's share of the CPU work done: (GC − idle GC) / (that + the program's own), %.

        Unlike `gc_cpu_pct` this does not count idle Ps, so it compares with the cost model,
        where the program stops while one worker collects."""
        v = self.last
        busy = v.get(METRICS["gc_cpu_s"][0], 0.0) - v.get(METRICS["gc_idle_cpu_s"][0], 0.0)
        work = busy + v.get(METRICS["user_cpu_s"][0], 0.0)
        return 100.0 * busy / work if work else math.nan

    def summary(self) -> pd.DataFrame:
        """One row: readings, GC cycles, GC CPU % and GC share %, peak heap (MiB)."""
        f = self.frame
        return pd.DataFrame(
            [
                {
                    "readings": len(f),
                    "cycles": f.cycles.iloc[-1] if len(f) else 0,
                    "gc_cpu_pct": self.gc_cpu_pct(),
                    "gc_share_pct": self.gc_share_pct(),
                    "peak_heap_mib": f.heap_bytes.max() / MiB if len(f) else math.nan,
                }
            ]
        )

    def _repr_html_(self) -> str:
        return "<div><b>MetricsLog</b>" + tables.to_html(self.summary().round(2)) + "</div>"


def parse_metrics(data: str | bytes, *, provenance: Provenance | None = None) -> MetricsLog:
    """Parse the gc sample's JSON lines (pure; ParseError names a line that is not a sample)."""
    return MetricsLog(metrics_samples(data), provenance or Provenance())


# ---------------------------------------------------------------------------- runs


def _sample_stats(stdout: str) -> Mapping[str, Any]:
    for line in reversed(stdout.splitlines()):
        if line.startswith("{"):
            try:
                return MappingProxyType(json.loads(line))
            except ValueError:
                break
    return MappingProxyType({})


def _joined(log: GCLog, metrics: MetricsLog | None) -> pd.DataFrame:
    frame = log.frame.copy()
    extra = ["m_t_s", "m_live_bytes", "m_goal_bytes"]
    if metrics is None or frame.empty:
        return frame.assign(**{c: math.nan for c in extra})
    m = metrics.frame
    # A reading is not atomic: a cycle that ends while it runs can mix the cycle count of
    # one cycle with the live heap of the next. Keep readings whose successor still shows
    # the same count: no cycle ended around them.
    m = m[m.cycles == m.cycles.shift(-1)]
    first = m.groupby("cycles", as_index=False).first()[
        ["cycles", "t_s", "live_bytes", "goal_bytes"]
    ]
    first.columns = ["cycle", *extra]
    return frame.merge(first, on="cycle", how="left")


@dataclass(frozen=True, eq=False, repr=False)
class GCRun(FrozenResult):
    """One run of a program under gctrace: the trace, the metrics samples and the settings."""

    FRAME_DOC: ClassVar[FrameDoc] = FrameDoc(
        **FRAME_DOC,
        m_t_s="the first metrics sample after the cycle, since sampling started (s)",
        m_live_bytes="that sample's heap marked live (bytes)",
        m_goal_bytes="that sample's heap goal: the goal of the NEXT cycle (bytes)",
    )
    PLOT_KINDS: ClassVar[tuple[str, ...]] = GC_PLOT_KINDS

    settings: Mapping[str, Any]
    log: GCLog
    metrics: MetricsLog | None
    completed: Completed = field(repr=False)
    provenance: Provenance = field(default_factory=Provenance)
    _table: pd.DataFrame = field(init=False, repr=False)
    """gctrace cycles joined with the first metrics sample taken after each cycle and before
    the next: `m_live_bytes` and `m_goal_bytes` (the goal for the NEXT cycle), `m_t_s` (s since
    sampling started). Cycles with no such sample have NaN there."""
    sample_stats: Mapping[str, Any] = field(init=False, repr=False)
    """The gc sample's own JSON summary line (live_objects, allocated_bytes, seconds, ...;
    empty if the program printed none)."""

    def __post_init__(self) -> None:
        _set(
            self,
            settings=MappingProxyType(dict(self.settings)),
            _table=_joined(self.log, self.metrics),
            sample_stats=_sample_stats(self.completed.stdout),
        )

    def peak_heap_mib(self) -> float:
        """Largest heap seen: the trace's heap at start/end of each cycle, or a metrics sample."""
        peaks = [self.log.totals()["peak_heap_mib"]]
        if self.metrics is not None and self.metrics.samples:
            peaks.append(float(self.metrics.frame.heap_bytes.max()) / MiB)
        peaks = [p for p in peaks if not math.isnan(p)]
        return max(peaks) if peaks else math.nan

    def row(self) -> dict[str, Any]:
        """This run as one row of a sweep table (see `SweepResult.frame`)."""
        s = self.log.totals()
        gc_cpu = self.metrics.gc_cpu_pct() if self.metrics is not None else s["gc_cpu_pct"]
        share = self.metrics.gc_share_pct() if self.metrics is not None else math.nan
        if s["cycles"] == 0:  # no collection, no GC CPU (the CPU metrics update only at GCs)
            gc_cpu = share = 0.0
        return {
            "GOGC": 100 if self.settings.get("gogc") is None else self.settings["gogc"],
            "memlimit": self.settings.get("memlimit"),
            "GCs": s["cycles"],
            "total_pause_ms": s["total_stw_ms"],
            "max_pause_ms": s["max_stw_ms"],
            "gc_cpu_pct": gc_cpu,
            "gc_share_pct": share,
            "peak_heap_mib": self.peak_heap_mib(),
            "wall_s": self.sample_stats.get("seconds", self.completed.seconds),
        }

    def summary(self) -> pd.DataFrame:
        """This run's `row()` as a one-row table."""
        return pd.DataFrame([self.row()])

    def live_vs_metrics(self) -> pd.DataFrame:
        """The cycles with a runtime/metrics sample between them and the next: `cycle`,
        gctrace's `heap_live_mib` and the metric's `m_live_bytes`."""
        return self.frame.dropna(subset=["m_live_bytes"])[
            ["cycle", "heap_live_mib", "m_live_bytes"]
        ]

    def expect_live_matches_metrics(self) -> GCRun:
        """Assert gctrace's live heap is /gc/heap/live:bytes rounded down to MiB, wherever a
        metrics sample fell between two cycles; returns the run (the rows compared:
        `live_vs_metrics()`)."""
        f = self.live_vs_metrics()
        if f.empty:
            raise AssertionError(
                "no metrics sample fell between two GC cycles: sample more "
                f"often or run longer\n{self.provenance.line()}"
            )
        expected = (f.m_live_bytes // MiB).astype(int)
        bad = f[expected != f.heap_live_mib.astype(int)]
        if not bad.empty:
            raise AssertionError(
                "gctrace live heap differs from runtime/metrics:\n"
                + bad.to_string()
                + f"\n{self.provenance.line()}"
            )
        return self

    def plot(self, kind: str = "heap", **options: Any) -> Figure:
        """`"heap"`: heap sawtooth and goal; `"pauses"`: STW pauses per cycle and histogram."""
        from . import plots

        validate.choice(kind, self.PLOT_KINDS, "kind")
        if kind == "heap":
            return plots.heap_over_time(self.log.frame, **options)
        hist = self.metrics.pauses if self.metrics is not None else None
        return plots.pauses(self.log.frame, hist, **options)

    def _repr_html_(self) -> str:
        r = self.row()
        env = ", ".join(
            f"{k}={v}" for k, v in self.settings.items() if v is not None and k != "workload"
        )
        text = (
            f"{r['GCs']} GCs, STW total {r['total_pause_ms']:.2f} ms (longest "
            f"{r['max_pause_ms']:.2f} ms), GC CPU {r['gc_cpu_pct']:.1f} %, peak heap "
            f"{r['peak_heap_mib']:.0f} MiB, {r['wall_s']:.2f} s"
        )
        return (
            f"<div><b>GCRun</b> ({html.escape(env)}): {html.escape(text)}"
            f"{self.provenance._repr_html_()}{self.log._repr_html_()}</div>"
        )


def _gogc_order(values: Sequence[Any]) -> list[float]:
    return [math.inf if g == "off" else float(g) for g in values]


@dataclass(frozen=True, eq=False, repr=False)
class SweepResult(FrozenResult):
    """Runs at several GOGC values: `.frame` is the comparison table, `.runs` the runs."""

    FRAME_DOC: ClassVar[FrameDoc] = FrameDoc(
        GOGC="the run's GOGC (percent; a string such as 'off' when set so)",
        memlimit="the run's GOMEMLIMIT setting (None: no limit)",
        GCs="GC cycles the gctrace showed (count)",
        total_pause_ms="stop-the-world time summed over cycles (ms)",
        max_pause_ms="the longest cycle's stop-the-world time (ms)",
        gc_cpu_pct="GC CPU as gctrace computes it, at the end (%)",
        gc_share_pct="GC's share of the CPU the program used (%)",
        peak_heap_mib="largest heap seen in the gctrace or the metrics (MiB)",
        wall_s="the program's own measured run time (s)",
    )
    PLOT_KINDS: ClassVar[tuple[str, ...]] = SWEEP_PLOT_KINDS

    runs: tuple[GCRun, ...]
    _table: pd.DataFrame = field(init=False, repr=False)
    """GOGC, memlimit, GCs, total_pause_ms, max_pause_ms (STW, ms, from gctrace), gc_cpu_pct
    (% of available CPU, as gctrace), gc_share_pct (% of the CPU work done, comparable with the
    model), peak_heap_mib (MiB), wall_s (s)."""

    def __post_init__(self) -> None:
        runs = tuple(self.runs)
        _set(self, runs=runs, _table=pd.DataFrame([r.row() for r in runs]))

    @property
    def provenance(self) -> Provenance:
        """The first run's provenance, with every run's build and run seconds added up."""
        if not self.runs:
            return Provenance()
        first = self.runs[0].provenance
        return Provenance.of(
            first.command,
            go_version=first.go_version,
            build_seconds=sum(r.provenance.build_seconds for r in self.runs),
            run_seconds=sum(r.provenance.run_seconds for r in self.runs),
        )

    def summary(self) -> pd.DataFrame:
        """The comparison table (`.frame`)."""
        return self.frame

    def plot(self, kind: str = "tradeoff", **options: Any) -> Figure:
        """The GOGC trade-off: GC CPU % against peak heap, one point per run."""
        from . import plots

        validate.choice(kind, self.PLOT_KINDS, "kind")
        return plots.tradeoff(self.frame, **options)

    def expect_monotonic(self) -> SweepResult:
        """Assert more GOGC ⇒ no more GCs and no smaller peak heap (the trade-off's shape)."""
        f = self.frame.assign(order=_gogc_order(self.frame.GOGC)).sort_values("order")
        problems = []
        if not f.GCs.is_monotonic_decreasing:
            problems.append("GC count does not fall as GOGC rises")
        if not f.peak_heap_mib.is_monotonic_increasing:
            problems.append("peak heap does not grow as GOGC rises")
        if problems:
            raise AssertionError(
                "; ".join(problems)
                + ":\n"
                + f.to_string(index=False)
                + f"\n{self.provenance.line()}"
            )
        return self

    def _repr_html_(self) -> str:
        shown = self.frame.dropna(axis=1, how="all").round(3)
        return "<div><b>GOGC sweep</b>" + tables.to_html(shown) + "</div>"
