"""`GCLog`: parsed gctrace as a table, with plots and checks of what the GC should have done."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from .gctrace import GCCycle, OtherLine, parse_table

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
        high = prev.heap_live_mib + 1 + (prev.heap_live_mib + roots + 1 + nroots) * k
        floor = HEAP_MINIMUM_MIB * k
        lo, hi = _floor(max(low, floor)), _floor(max(high, floor) - 1e-6)
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
