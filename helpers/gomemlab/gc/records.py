"""One parsed gctrace record: a collection, or a line that is not one."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True, slots=True)
class GCCycle:
    """One collection as gctrace reported it.

    Times are milliseconds except `t_s` (seconds since program start); heap sizes are MiB,
    rounded down by the runtime (it prints bytes >> 20). CPU times are summed over all Ps.
    """

    line_no: int  # 1-based line in the parsed text
    cycle: int  # the GC number, counting from 1
    t_s: float  # when the cycle started, seconds since the program started
    cpu_pct: float  # share of CPU time spent in GC since the program started, %
    clock_sweep_term_ms: float  # wall time of the STW sweep termination
    clock_mark_ms: float  # wall time of the concurrent mark (and scan)
    clock_mark_term_ms: float  # wall time of the STW mark termination
    cpu_sweep_term_ms: float  # CPU time of sweep termination (its wall time × Ps)
    cpu_assist_ms: float  # CPU time goroutines spent assisting the marker while allocating
    cpu_background_ms: float  # CPU time of the dedicated and fractional background markers
    cpu_idle_ms: float  # CPU time of marking on otherwise idle Ps
    cpu_mark_term_ms: float  # CPU time of mark termination
    heap_start_mib: float  # heap in use when the cycle started
    heap_end_mib: float  # heap in use when marking ended
    heap_live_mib: float  # heap marked live by this cycle
    goal_mib: float  # the heap goal this cycle worked toward
    stacks_mib: float  # scannable goroutine stacks (Go 1.18+, else NaN)
    globals_mib: float  # scannable globals (Go 1.18+, else NaN)
    procs: int  # Ps (GOMAXPROCS) used
    forced: bool  # started by runtime.GC() (or debug.FreeOSMemory)
    stw_ms: float  # total stop-the-world wall time: sweep termination + mark termination
    format: str  # "go1.18+", "go1.7-1.17", "go1.5-1.6", "go1.3-1.4" or "go1.1-1.2"
    leak_check: bool = False  # Go 1.27: "(checking for goroutine leaks)" cycle


@dataclass(frozen=True, slots=True)
class OtherLine:
    """A line that is not a gctrace record (kept so nothing is silently dropped).

    `kind` is "other", or "truncated" for an unfinished last line starting with "gc".
    """

    line_no: int
    text: str
    kind: str = "other"


COLUMNS = tuple(f.name for f in fields(GCCycle))
"""The columns of a gctrace frame, in order: the `GCCycle` fields."""
