"""`GCLog`: parsed gctrace as a table, with plots and checks of what the GC should have done."""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from .gctrace import _MODERN, GCCycle, OtherLine, parse_table

HEAP_MINIMUM_MIB = 4.0
"""The heap goal's floor at GOGC=100 (it scales with GOGC: 4 MiB × GOGC/100)."""

FRAME_DOC = """\
cycle               GC number (1, 2, ...)
t_s                 s    when the cycle started, since program start
cpu_pct             %    CPU time spent in GC since program start
clock_sweep_term_ms ms   wall time, STW sweep termination
clock_mark_ms       ms   wall time, concurrent mark (the program keeps running)
clock_mark_term_ms  ms   wall time, STW mark termination
cpu_*_ms            ms   CPU time summed over Ps: sweep_term, assist, background, idle, mark_term
heap_start_mib      MiB  heap in use when the cycle started   (all MiB rounded down)
heap_end_mib        MiB  heap in use when marking ended
heap_live_mib       MiB  heap marked live
goal_mib            MiB  heap goal of this cycle
stacks_mib          MiB  scannable stacks (NaN before Go 1.18)
globals_mib         MiB  scannable globals (NaN before Go 1.18)
procs               Ps   GOMAXPROCS
forced              bool runtime.GC() call
stw_ms              ms   stop-the-world total = sweep termination + mark termination
format              which Go release printed the line; line_no: where in the text"""


def parse_gctrace(text: str) -> GCLog:
    """Parse `GODEBUG=gctrace=1` output (pure; ParseError names a malformed trace line)."""
    frame, others = parse_table(text)
    return GCLog(frame, others)


def _floor(x: float) -> int:
    return math.floor(x + 1e-9)


def goal_check(frame: pd.DataFrame, gogc: int) -> pd.DataFrame:
    """Each cycle's goal predicted from the previous cycle's live heap, stacks and globals.

    Go sets the next goal to live + (live + stacks + globals) × GOGC/100 (roots only since
    Go 1.18), floored at 4 MiB × GOGC/100. The trace prints each size rounded down to a
    MiB, so the true inputs lie in [printed, printed + 1): the printed goal must lie between
    the rounded-down predictions from both ends of that range.
    """
    k = gogc / 100
    rows = []
    for prev, nxt in zip(frame.itertuples(), frame.iloc[1:].itertuples(), strict=False):
        roots = (0.0 if math.isnan(prev.stacks_mib) else prev.stacks_mib) + (
            0.0 if math.isnan(prev.globals_mib) else prev.globals_mib)
        nroots = 0 if math.isnan(prev.stacks_mib) else 2
        low = prev.heap_live_mib + (prev.heap_live_mib + roots) * k
        high = prev.heap_live_mib + 1 + (prev.heap_live_mib + roots + 1 + nroots) * k  # excluded
        floor = HEAP_MINIMUM_MIB * k
        lo, hi = _floor(max(low, floor)), max(_floor(high - 1e-6), _floor(floor))
        rows.append({
            "cycle": nxt.cycle, "prev_live_mib": prev.heap_live_mib,
            "prev_roots_mib": roots, "predicted_low_mib": lo, "predicted_high_mib": hi,
            "goal_mib": nxt.goal_mib, "ok": lo <= nxt.goal_mib <= hi,
        })
    return pd.DataFrame(rows, columns=["cycle", "prev_live_mib", "prev_roots_mib",
                                       "predicted_low_mib", "predicted_high_mib", "goal_mib",
                                       "ok"])


@dataclass
class GCLog:
    """Every collection in a gctrace, plus the lines that were not trace lines."""

    frame: pd.DataFrame
    """One row per cycle; columns and units: see `FRAME_DOC` (`print(gm.gc.FRAME_DOC)`)."""
    others: list[OtherLine] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.frame)

    @cached_property
    def cycles(self) -> list[GCCycle]:
        """The cycles as typed records."""
        return [GCCycle(*row) for row in self.frame.itertuples(index=False)]

    @property
    def other_count(self) -> int:
        """How many lines were not gctrace lines (the program's own stderr, notices, ...)."""
        return len(self.others)

    def summary(self) -> dict:
        """Cycles, forced cycles, total and longest STW pause (ms), last GC CPU %, peak MiB."""
        f = self.frame
        if f.empty:
            return {"cycles": 0, "forced": 0, "total_stw_ms": 0.0, "max_stw_ms": 0.0,
                    "gc_cpu_pct": 0.0, "peak_heap_mib": math.nan}
        return {
            "cycles": len(f), "forced": int(f.forced.sum()),
            "total_stw_ms": float(f.stw_ms.sum()), "max_stw_ms": float(f.stw_ms.max()),
            "gc_cpu_pct": float(f.cpu_pct.iloc[-1]),
            "peak_heap_mib": float(f[["heap_start_mib", "heap_end_mib"]].max().max()),
        }

    def goal_check(self, gogc: int = 100) -> pd.DataFrame:
        """See `goal_check`: the heap goal formula applied to consecutive cycles."""
        return goal_check(self.frame, gogc)

    def expect_goal_formula(self, gogc: int = 100, *, at_least: int = 3) -> pd.DataFrame:
        """Assert every cycle's goal follows from the previous one (within MiB rounding)."""
        table = self.goal_check(gogc)
        if len(table) < at_least:
            raise AssertionError(f"only {len(table)} consecutive cycle pairs to check; "
                                 f"want at least {at_least} (run longer or lower GOGC)")
        bad = table[~table.ok]
        if not bad.empty:
            raise AssertionError(
                "heap goal differs from live + (live + stacks + globals) × GOGC/100 "
                f"(GOGC={gogc}) beyond MiB rounding:\n{bad.to_string(index=False)}")
        return table

    def expect_cycles(self, *, at_least: int = 0, at_most: int | None = None) -> None:
        """Assert the number of collections is in a range."""
        n = len(self)
        if n < at_least or (at_most is not None and n > at_most):
            upper = "" if at_most is None else f" and at most {at_most}"
            raise AssertionError(f"{n} GC cycles, expected at least {at_least}{upper}")

    def plot(self, kind: str = "heap", **kwargs):
        """`kind="heap"`: heap sawtooth with goal; `"pauses"`: STW pauses per cycle."""
        from . import plots

        if kind == "heap":
            return plots.heap_over_time(self.frame, **kwargs)
        if kind == "pauses":
            return plots.pauses(self.frame, **kwargs)
        raise ValueError(f"kind must be 'heap' or 'pauses', not {kind!r}")

    def _repr_html_(self) -> str:
        s = self.summary()
        text = (f"{s['cycles']} cycles ({s['forced']} forced), STW total "
                f"{s['total_stw_ms']:.2f} ms, longest {s['max_stw_ms']:.2f} ms, "
                f"{self.other_count} other lines")
        shown = self.frame.drop(columns=["line_no"], errors="ignore")
        if len(shown) > 12:
            shown = pd.concat([shown.head(6), shown.tail(6)])
        return (f"<div><b>GCLog</b>: {html.escape(text)}"
                f"{shown.to_html(index=False, max_cols=30)}</div>")


def explain(line: str) -> pd.DataFrame:
    """One gctrace line, field by field: what was printed, the parsed value and its meaning."""
    log = parse_gctrace(line.strip())
    if len(log) != 1 or log.cycles[0].format not in ("go1.18+", "go1.7-1.17"):
        raise ValueError("explain() takes one gctrace line of Go 1.7 or later")
    c = log.cycles[0]
    p = c.procs
    match = _MODERN.fullmatch(line.strip())
    clock, cpu = match.group(5), match.group(6)
    ck = [f"{x} of {clock} ms clock" for x in clock.split("+")]
    cu = [f"{x} of {cpu} ms cpu" for x in re.split(r"[+/]", cpu)]
    rows = [
        (f"gc {c.cycle}", "cycle", c.cycle, "GC number: collections since the program started"),
        (f"@{c.t_s:g}s", "t_s", c.t_s, "when this cycle started (s since program start)"),
        (f"{c.cpu_pct:g}%", "cpu_pct", c.cpu_pct,
         "share of all CPU time so far spent in GC (idle-time marking not counted)"),
        (ck[0], "clock_sweep_term_ms", c.clock_sweep_term_ms,
         "STW sweep termination: world stopped, leftover sweeping finished, write barrier on"),
        (ck[1], "clock_mark_ms", c.clock_mark_ms,
         "concurrent mark: the program runs while the GC traces pointers from the roots"),
        (ck[2], "clock_mark_term_ms", c.clock_mark_term_ms,
         "STW mark termination: world stopped, marking finished, next goal computed"),
        (cu[0], "cpu_sweep_term_ms", c.cpu_sweep_term_ms,
         f"CPU of sweep termination: its wall time × {p} P (every P waits)"),
        (cu[1], "cpu_assist_ms", c.cpu_assist_ms,
         "mark assists: allocating goroutines made to mark in proportion to what they allocate"),
        (cu[2], "cpu_background_ms", c.cpu_background_ms,
         "background mark workers (the GC's own 25% of the Ps)"),
        (cu[3], "cpu_idle_ms", c.cpu_idle_ms,
         "marking done by Ps that had nothing else to run"),
        (cu[4], "cpu_mark_term_ms", c.cpu_mark_term_ms,
         f"CPU of mark termination: its wall time × {p} P"),
        (f"{c.heap_start_mib:g}->", "heap_start_mib", c.heap_start_mib,
         "heap in use when the cycle started (MiB, rounded down)"),
        (f"->{c.heap_end_mib:g}->", "heap_end_mib", c.heap_end_mib,
         "heap in use when marking ended: it grew because the program kept allocating"),
        (f"->{c.heap_live_mib:g} MB", "heap_live_mib", c.heap_live_mib,
         "heap marked live (reachable, or allocated during the mark)"),
        (f"{c.goal_mib:g} MB goal", "goal_mib", c.goal_mib,
         "the heap size this cycle aimed to finish by"),
        (f"{c.stacks_mib:g} MB stacks", "stacks_mib", c.stacks_mib,
         "goroutine stacks scanned for pointers (a root; part of the next goal)"),
        (f"{c.globals_mib:g} MB globals", "globals_mib", c.globals_mib,
         "global variables scanned for pointers (a root; part of the next goal)"),
        (f"{p} P", "procs", p, "GOMAXPROCS: Ps, the slots that run goroutines on OS threads"),
        ("(forced)" if c.forced else "(not forced)", "forced", c.forced,
         "a runtime.GC() call started this cycle" if c.forced
         else "started because the heap neared its goal"),
    ]
    return pd.DataFrame(rows, columns=["printed", "column", "value", "meaning"])
