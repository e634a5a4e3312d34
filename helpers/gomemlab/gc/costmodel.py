"""The GC guide's cost model (go.dev/doc/gc-guide), re-implemented: what GOGC and a memory
limit do to GC CPU time and peak memory for a workload made of phases.

The model's assumptions (the guide's, kept on purpose):

* A workload is a list of phases. In each, the program allocates `alloc_mib_s` MiB per
  second of its own running time; a fraction `survival` of what it allocates is still live at
  the next collection, and the old live heap dies at `death_rate` (a fraction per second).
* The heap goal is live × (1 + GOGC/100) (no roots), capped at memory limit − other memory,
  floored at 4 MiB. GOGC "off" with no limit means no collection at all.
* A collection starts when the heap (live at the last GC + everything allocated since)
  reaches the goal. The program is paused while it runs; it takes live / scan rate + a fixed
  cost, and afterwards the heap is exactly the new live heap.
* Phase durations count program time; GC pauses add to the wall clock. The live heap carries
  over from one phase to the next.
* Not modelled: concurrency (real Go marks while the program runs, using 25% of GOMAXPROCS
  plus assists), the 50% GC CPU limiter under a memory limit, roots, allocation during mark.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import validate
from ..errors import UsageError
from .result import HEAP_MINIMUM_MIB, MiB

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from .result import SweepResult

MODEL_PLOT_KINDS = ("memory",)

EPS = 1e-9


@dataclass(frozen=True)
class Phase:
    """A stretch of the program with steady behaviour."""

    duration_s: float  # program time (GC pauses not included)
    alloc_mib_s: float  # allocation rate, MiB per second of program time
    survival: float = 0.0  # fraction of newly allocated memory still live at the next GC
    death_rate: float = 0.0  # fraction of the old live heap that dies per second

    def __post_init__(self) -> None:
        for name in ("duration_s", "alloc_mib_s", "survival", "death_rate"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not (
                    math.isfinite(value) and value >= 0):
                raise UsageError(f"Phase {name} must be a number ≥ 0, not {value!r}")
        if self.survival > 1:
            raise UsageError(f"Phase survival is a fraction from 0 to 1, not {self.survival!r}")


def model_gogc(value: Any) -> float | str:
    """GOGC for the model: "off", or a number ≥ 0 (a slider may give a fraction)."""
    if isinstance(value, str) and value.strip().lower() == "off":
        return "off"
    if isinstance(value, str):
        return float(validate.gogc(value))
    if isinstance(value, bool) or not isinstance(value, int | float) or not (
            math.isfinite(value) and value >= 0):
        raise UsageError(f'gogc must be a number ≥ 0 or "off", not {value!r}')
    return float(value)


def heap_goal(live_mib: float, gogc: float | str, memlimit_mib: float | None = None,
              other_mib: float = 0.0) -> float:
    """The model's heap goal: live × (1 + GOGC/100), capped at limit − other, at least 4 MiB."""
    goal = math.inf if gogc == "off" else live_mib * (1 + float(gogc) / 100)
    if memlimit_mib is not None:
        goal = min(goal, memlimit_mib - other_mib)
    return max(goal, HEAP_MINIMUM_MIB)


@dataclass(frozen=True, eq=False)
class ModelResult:
    """The model's answer: `.frame` (memory over time), GC CPU %, peak memory, cycles."""

    points: tuple[tuple[float, float, float, float, bool], ...]
    gc_seconds: float
    wall_seconds: float
    cycles: int
    thrashing: bool  # a collection left no room below the goal: GC back to back
    settings: Mapping[str, Any]
    frame: pd.DataFrame = field(init=False, repr=False)
    """t_s (wall s), other_mib, live_mib (heap kept by the last GC), new_mib (allocated
    since), total_mib, in_gc (the program is paused)."""

    def __post_init__(self) -> None:
        f = pd.DataFrame(list(self.points), columns=["t_s", "other_mib", "live_mib", "new_mib",
                                                     "in_gc"])
        f["total_mib"] = f.other_mib + f.live_mib + f.new_mib
        object.__setattr__(self, "points", tuple(self.points))
        object.__setattr__(self, "settings", MappingProxyType(dict(self.settings)))
        object.__setattr__(self, "frame", f)

    @property
    def gc_cpu_pct(self) -> float:
        """Share of the wall time the program was paused for GC, %."""
        return 100.0 * self.gc_seconds / self.wall_seconds if self.wall_seconds else 0.0

    @property
    def peak_mib(self) -> float:
        """Peak total memory (other + live + new), MiB."""
        return float(self.frame.total_mib.max())

    def summary(self) -> pd.DataFrame:
        """One row: cycles, gc_cpu_pct, peak_mib, wall_s, thrashing."""
        return pd.DataFrame([{"cycles": self.cycles, "gc_cpu_pct": self.gc_cpu_pct,
                              "peak_mib": self.peak_mib, "wall_s": self.wall_seconds,
                              "thrashing": self.thrashing}])

    def plot(self, kind: str = "memory", **options: Any) -> Figure:
        """`"memory"`: the stacked area of other memory, live heap and new heap over time."""
        from . import plots

        validate.choice(kind, MODEL_PLOT_KINDS, "kind")
        return plots.model_area(self, **options)

    def _repr_html_(self) -> str:
        return (f"<div><b>GC model</b>: {self.cycles} collections, GC CPU "
                f"{self.gc_cpu_pct:.1f} %, peak memory {self.peak_mib:.1f} MiB"
                f"{' (thrashing: GC back to back)' if self.thrashing else ''}</div>")


def simulate(phases: Sequence[Phase], *, gogc: float | str = 100,
             memlimit_mib: float | None = None, other_mib: float = 0.0,
             initial_live_mib: float = 0.0, scan_mib_s: float = 1024.0,
             fixed_cost_s: float = 0.0005, min_runway_mib: float = 1 / 16,
             max_cycles: int = 200_000) -> ModelResult:
    """Run the cost model over `phases` (see the module docstring). Exact for the model:
    allocation is linear inside a phase, so the next collection's time is solved, not stepped.

    `min_runway_mib` (64 KiB, as in Go) is the least the program may allocate after a
    collection when the goal is already at or below the live heap (a too-small memory limit);
    such runs are flagged `thrashing`.
    """
    validate.positive(scan_mib_s, "scan_mib_s", unit="MiB/s")
    if fixed_cost_s < 0:
        raise UsageError(f"fixed_cost_s must not be negative, not {fixed_cost_s!r}")
    gogc = model_gogc(gogc)
    t = 0.0
    live = float(initial_live_mib)  # heap kept by the last GC (includes what died since)
    reachable_old = live  # how much of it is still reachable
    new = 0.0  # allocated since the last GC
    survivors = 0.0  # how much of `new` is still reachable
    gc_seconds = 0.0
    cycles = 0
    thrashing = False
    points = [(t, other_mib, live, new, False)]
    for phase in phases:
        remaining = phase.duration_s
        rate = phase.alloc_mib_s
        while remaining > EPS:
            goal = heap_goal(live, gogc, memlimit_mib, other_mib)
            room = goal - live - new
            if new <= EPS and room < min_runway_mib:
                room, thrashing = min_runway_mib, True
            until_gc = max(room, 0.0) / rate if rate > 0 and cycles < max_cycles else math.inf
            step = min(remaining, until_gc)
            new += rate * step
            survivors += phase.survival * rate * step
            reachable_old *= math.exp(-phase.death_rate * step)
            t += step
            remaining -= step
            if until_gc - step > EPS:
                points.append((t, other_mib, live, new, False))
                continue
            # The heap reached the goal: stop the program and collect.
            points.append((t, other_mib, live, new, True))
            marked = reachable_old + survivors
            pause = marked / scan_mib_s + fixed_cost_s
            t += pause
            gc_seconds += pause
            cycles += 1
            points.append((t, other_mib, live, new, True))
            live = reachable_old = marked
            new = survivors = 0.0
            points.append((t, other_mib, live, new, False))
    return ModelResult(points=tuple(points), gc_seconds=gc_seconds, wall_seconds=t, cycles=cycles,
                       thrashing=thrashing,
                       settings={"gogc": gogc, "memlimit_mib": memlimit_mib,
                                 "other_mib": other_mib, "initial_live_mib": initial_live_mib,
                                 "scan_mib_s": scan_mib_s, "fixed_cost_s": fixed_cost_s})


def calibrate(frame: pd.DataFrame) -> dict:
    """Scan rate (MiB/s) and fixed cost (s) from measured cycles (a gctrace frame).

    Scan rate: heap marked live per CPU-second of marking (assist + background; idle-time
    marking is left out, as the runtime does for its GC CPU %). Fixed cost: the median CPU
    time of a cycle's two stop-the-world phases.
    """
    f = frame.dropna(subset=["cpu_assist_ms"])
    f = f[~f.forced.astype(bool)]
    if f.empty:
        raise UsageError("need at least one automatic GC cycle to calibrate the model")
    mark_s = float((f.cpu_assist_ms + f.cpu_background_ms).sum()) / 1000
    fixed_s = float((f.cpu_sweep_term_ms + f.cpu_mark_term_ms).median()) / 1000
    return {"scan_mib_s": float(f.heap_live_mib.sum()) / max(mark_s, EPS),
            "fixed_cost_s": fixed_s}


@dataclass(frozen=True)
class Workload:
    """What the model needs to stand for a measured program."""

    phases: tuple[Phase, ...]
    initial_live_mib: float
    other_mib: float
    scan_mib_s: float
    fixed_cost_s: float

    def simulate(self, gogc: float | str = 100, memlimit_mib: float | None = None
                 ) -> ModelResult:
        """The model for this workload at one GOGC and memory limit."""
        return simulate(self.phases, gogc=gogc, memlimit_mib=memlimit_mib,
                        other_mib=self.other_mib, initial_live_mib=self.initial_live_mib,
                        scan_mib_s=self.scan_mib_s, fixed_cost_s=self.fixed_cost_s)


def workload_from(sweep: SweepResult, *, live_mib: float | None = None) -> Workload:
    """The model's stand-in for the gc sample as measured in `sweep`: one phase with the
    program's own allocation speed (from the run with the fewest GCs), the sample's live heap,
    the runtime's non-heap memory as "other", and a scan rate fitted to every measured cycle."""
    runs = sweep.runs
    if not runs:
        raise UsageError("the sweep has no runs to take a workload from")
    quiet = min(runs, key=lambda r: (len(r.log), r.row()["wall_s"]))
    stats = quiet.sample_stats
    if "allocated_bytes" not in stats:
        raise UsageError("workload_from needs runs of the gc sample (it prints its totals)")
    allocated_mib = stats["allocated_bytes"] / MiB
    rate = allocated_mib / stats["seconds"]
    live = live_mib if live_mib is not None else stats["live_objects"] * 64 / MiB
    other = 0.0
    if quiet.metrics is not None and quiet.metrics.samples:
        first = quiet.metrics.frame.iloc[0]
        other = max(0.0, (first.total_bytes - first.released_bytes - first.heap_bytes) / MiB)
    frames = [r.log.frame for r in runs if len(r.log) >= 1]
    fit = calibrate(pd.concat(frames, ignore_index=True))
    return Workload((Phase(allocated_mib / rate, rate),), live, other, fit["scan_mib_s"],
                    fit["fixed_cost_s"])


def model_curve(workload: Workload, gogcs: Sequence[float | str]) -> pd.DataFrame:
    """The model at each GOGC: GOGC, peak_mib, gc_cpu_pct, cycles (for `plots.tradeoff`)."""
    rows = []
    for g in gogcs:
        r = workload.simulate(g)
        rows.append({"GOGC": g, "peak_mib": r.peak_mib, "gc_cpu_pct": r.gc_cpu_pct,
                     "cycles": r.cycles})
    return pd.DataFrame(rows)
