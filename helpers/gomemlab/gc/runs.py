"""Run a Go program with `GODEBUG=gctrace=1` (and its runtime/metrics samples), or a GOGC sweep."""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from .. import programs, workspace
from ..settings import quick
from ..toolchain import Completed
from .log import GCLog, parse_gctrace
from .metrics import MetricsLog, parse_metrics

MiB = 1 << 20
GOGC_SWEEP = (25, 50, 100, 200, 400, "off")

_WORKLOAD_FLAGS = {"live_mib": "-live", "alloc_mib": "-alloc", "rate_mib": "-rate",
                   "duration_s": "-duration", "survive": "-survive", "forced": "-forced"}


def default_workload() -> dict:
    """The gc sample's workload for this mode: a 16 MiB live heap and 256 MiB (quick: 128) of
    short-lived 64-byte objects, allocated as fast as the program can."""
    return {"live_mib": 16, "alloc_mib": 128 if quick() else 256}


def _memlimit_text(memlimit: int | str | None) -> str | None:
    if memlimit is None or isinstance(memlimit, str):
        return memlimit
    return f"{int(memlimit)}B"


@dataclass
class GCRun:
    """One run of a program under gctrace: the trace, the metrics samples and the settings."""

    settings: dict
    log: GCLog
    metrics: MetricsLog | None
    completed: Completed = field(repr=False)

    @cached_property
    def summary(self) -> dict:
        """The sample's own JSON summary line (empty if the program printed none)."""
        for line in reversed(self.completed.stdout.splitlines()):
            if line.startswith("{"):
                try:
                    return json.loads(line)
                except ValueError:
                    break
        return {}

    @cached_property
    def frame(self) -> pd.DataFrame:
        """gctrace cycles joined with the first metrics sample taken after each cycle and
        before the next: `m_live_bytes` and `m_goal_bytes` (the goal for the NEXT cycle), `m_t_s`
        (s since sampling started). Cycles with no such sample have NaN there."""
        frame = self.log.frame.copy()
        extra = ["m_t_s", "m_live_bytes", "m_goal_bytes"]
        if self.metrics is None or frame.empty:
            return frame.assign(**{c: math.nan for c in extra})
        m = self.metrics.frame
        # A reading is not atomic: a cycle that ends while it runs can mix the cycle count of
        # one cycle with the live heap of the next. Keep readings whose successor still shows
        # the same count: no cycle ended around them.
        m = m[m.cycles == m.cycles.shift(-1)]
        first = m.groupby("cycles", as_index=False).first()[["cycles", "t_s", "live_bytes",
                                                             "goal_bytes"]]
        first.columns = ["cycle", *extra]
        return frame.merge(first, on="cycle", how="left")

    def peak_heap_mib(self) -> float:
        """Largest heap seen: the trace's heap at start/end of each cycle, or a metrics sample."""
        peaks = [self.log.summary()["peak_heap_mib"]]
        if self.metrics is not None and self.metrics.samples:
            peaks.append(float(self.metrics.frame.heap_bytes.max()) / MiB)
        peaks = [p for p in peaks if not math.isnan(p)]
        return max(peaks) if peaks else math.nan

    def row(self) -> dict:
        """This run as one row of a sweep table."""
        s = self.log.summary()
        gc_cpu = self.metrics.gc_cpu_pct() if self.metrics is not None else s["gc_cpu_pct"]
        share = self.metrics.gc_share_pct() if self.metrics is not None else math.nan
        if s["cycles"] == 0:  # no collection, no GC CPU (the CPU metrics update only at GCs)
            gc_cpu = share = 0.0
        return {
            "GOGC": 100 if self.settings.get("gogc") is None else self.settings["gogc"],
            "memlimit": self.settings.get("memlimit"),
            "GCs": s["cycles"], "total_pause_ms": s["total_stw_ms"],
            "max_pause_ms": s["max_stw_ms"], "gc_cpu_pct": gc_cpu,
            "gc_share_pct": share,
            "peak_heap_mib": self.peak_heap_mib(),
            "wall_s": self.summary.get("seconds", self.completed.seconds),
        }

    def expect_live_matches_metrics(self) -> pd.DataFrame:
        """Assert gctrace's live heap is /gc/heap/live:bytes rounded down to MiB, wherever a
        metrics sample fell between two cycles; returns the compared rows."""
        f = self.frame.dropna(subset=["m_live_bytes"])
        if f.empty:
            raise AssertionError("no metrics sample fell between two GC cycles: sample more "
                                 "often or run longer")
        expected = (f.m_live_bytes // MiB).astype(int)
        bad = f[expected != f.heap_live_mib.astype(int)]
        if not bad.empty:
            raise AssertionError("gctrace live heap differs from runtime/metrics:\n"
                                 + bad[["cycle", "heap_live_mib", "m_live_bytes"]].to_string())
        return f[["cycle", "heap_live_mib", "m_live_bytes"]]

    def plot(self, kind: str = "heap", **kwargs):
        """`"heap"`: heap sawtooth and goal; `"pauses"`: STW pauses per cycle and histogram."""
        from . import plots

        if kind == "heap":
            return plots.heap_over_time(self.log.frame, **kwargs)
        if kind == "pauses":
            hist = self.metrics.pauses if self.metrics is not None else None
            return plots.pauses(self.log.frame, hist, **kwargs)
        raise ValueError(f"kind must be 'heap' or 'pauses', not {kind!r}")

    def _repr_html_(self) -> str:
        r = self.row()
        env = ", ".join(f"{k}={v}" for k, v in self.settings.items() if v is not None)
        text = (f"{r['GCs']} GCs, STW total {r['total_pause_ms']:.2f} ms (longest "
                f"{r['max_pause_ms']:.2f} ms), GC CPU {r['gc_cpu_pct']:.1f} %, peak heap "
                f"{r['peak_heap_mib']:.0f} MiB, {r['wall_s']:.2f} s")
        return (f"<div><b>GCRun</b> ({html.escape(env)}): {html.escape(text)}"
                f"{self.log._repr_html_()}</div>")


def run(target: workspace.Package | str = "gc", *, gogc: int | str | None = None,
        memlimit: int | str | None = None, gomaxprocs: int | None = None,
        args: Sequence[str] = (), metrics: bool | None = None, every: str = "5ms",
        timeout: float = 120.0, **workload) -> GCRun:
    """Run `target` with `GODEBUG=gctrace=1` and the given GOGC / GOMEMLIMIT / GOMAXPROCS.

    For the bundled gc sample (the default), `workload` sets its flags: live_mib, alloc_mib,
    rate_mib, duration_s, survive, forced (defaults: `default_workload()`), and its
    runtime/metrics samples are collected from a scratch folder (`metrics=False` to skip).
    Other programs get `args` only. `memlimit` is bytes (int) or Go's text ("64MiB").
    """
    package = workspace.resolve(target)
    is_sample = package.dir == workspace.sample("gc").dir
    unknown = set(workload) - set(_WORKLOAD_FLAGS)
    if unknown or (workload and not is_sample):
        raise TypeError(f"unexpected workload settings {sorted(workload)}: the flags "
                        f"{sorted(_WORKLOAD_FLAGS)} exist for the gc sample only")
    argv = list(args)
    metrics_path: Path | None = None
    if is_sample:
        for key, value in {**default_workload(), **workload}.items():
            if value is not None:
                argv += [_WORKLOAD_FLAGS[key], f"{value}s" if key == "duration_s" else str(value)]
        if metrics is not False:
            metrics_path = workspace.scratch_dir("gc") / "metrics.jsonl"
            argv += ["-metrics", str(metrics_path), "-every", every]
    elif metrics:
        raise ValueError("metrics=True needs the gc sample (it writes the samples itself)")
    env = {"GODEBUG": "gctrace=1"}
    settings = {"gogc": gogc, "memlimit": _memlimit_text(memlimit), "gomaxprocs": gomaxprocs}
    for name, value in (("GOGC", gogc), ("GOMEMLIMIT", settings["memlimit"]),
                        ("GOMAXPROCS", gomaxprocs)):
        if value is not None:
            env[name] = str(value)
    done = programs.run(package, argv, env=env, timeout=timeout)
    samples = None
    if metrics_path is not None:
        samples = parse_metrics(metrics_path.read_text())
        metrics_path.unlink()
        metrics_path.parent.rmdir()
    return GCRun(settings={**settings, "workload": workload or None},
                 log=parse_gctrace(done.stderr), metrics=samples, completed=done)


@dataclass
class SweepResult:
    """Runs at several GOGC values: `.frame` is the comparison table, `.runs` the runs."""

    runs: list[GCRun]

    @cached_property
    def frame(self) -> pd.DataFrame:
        """GOGC, memlimit, GCs, total_pause_ms, max_pause_ms (STW, ms, from gctrace),
        gc_cpu_pct (% of available CPU, as gctrace), gc_share_pct (% of the CPU work done,
        comparable with the model), peak_heap_mib (MiB), wall_s (s)."""
        return pd.DataFrame([r.row() for r in self.runs])

    def plot(self, **kwargs):
        """The GOGC trade-off: GC CPU % against peak heap, one point per run."""
        from . import plots

        return plots.tradeoff(self.frame, **kwargs)

    def expect_monotonic(self) -> None:
        """Assert more GOGC ⇒ no more GCs and no smaller peak heap (the trade-off's shape)."""
        f = self.frame.assign(order=[math.inf if g == "off" else float(g) for g in
                                     self.frame.GOGC]).sort_values("order")
        problems = []
        if not f.GCs.is_monotonic_decreasing:
            problems.append("GC count does not fall as GOGC rises")
        if not f.peak_heap_mib.is_monotonic_increasing:
            problems.append("peak heap does not grow as GOGC rises")
        if problems:
            raise AssertionError("; ".join(problems) + ":\n" + f.to_string(index=False))

    def _repr_html_(self) -> str:
        shown = self.frame.dropna(axis=1, how="all")
        return "<div><b>GOGC sweep</b>" + shown.to_html(index=False, float_format=lambda x:
                                                         f"{x:.3g}") + "</div>"


def sweep(target: workspace.Package | str = "gc", gogc: Iterable[int | str] = GOGC_SWEEP, *,
          progress: bool = True, **run_kwargs) -> SweepResult:
    """Run `target` once per GOGC value (with a progress bar) and compare the runs."""
    values = list(gogc)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(values), desc="GOGC sweep", unit="run", leave=False)
    runs = []
    try:
        for value in values:
            if bar is not None:
                bar.set_postfix_str(f"GOGC={value}")
            runs.append(run(target, gogc=value, **run_kwargs))
            if bar is not None:
                bar.update()
    finally:
        if bar is not None:
            bar.close()
    return SweepResult(runs)
