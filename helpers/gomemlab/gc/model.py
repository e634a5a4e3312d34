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
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from .log import HEAP_MINIMUM_MIB

EPS = 1e-9


@dataclass(frozen=True)
class Phase:
    """A stretch of the program with steady behaviour."""

    duration_s: float  # program time (GC pauses not included)
    alloc_mib_s: float  # allocation rate, MiB per second of program time
    survival: float = 0.0  # fraction of newly allocated memory still live at the next GC
    death_rate: float = 0.0  # fraction of the old live heap that dies per second

    def __post_init__(self):
        if self.duration_s < 0 or self.alloc_mib_s < 0 or self.death_rate < 0:
            raise ValueError("duration, allocation rate and death rate must not be negative")
        if not 0 <= self.survival <= 1:
            raise ValueError(f"survival is a fraction in [0, 1], got {self.survival}")


def heap_goal(live_mib: float, gogc: float | str, memlimit_mib: float | None = None,
              other_mib: float = 0.0) -> float:
    """The model's heap goal: live × (1 + GOGC/100), capped at limit − other, at least 4 MiB."""
    goal = math.inf if gogc == "off" else live_mib * (1 + float(gogc) / 100)
    if memlimit_mib is not None:
        goal = min(goal, memlimit_mib - other_mib)
    return max(goal, HEAP_MINIMUM_MIB)


@dataclass(frozen=True)
class ModelResult:
    """The model's answer: `.frame` (memory over time), GC CPU %, peak memory, cycles."""

    points: list[tuple[float, float, float, float, bool]]
    gc_seconds: float
    wall_seconds: float
    cycles: int
    thrashing: bool  # a collection left no room below the goal: GC back to back
    settings: dict

    @cached_property
    def frame(self) -> pd.DataFrame:
        """t_s (wall s), other_mib, live_mib (heap kept by the last GC), new_mib (allocated
        since), total_mib, in_gc (the program is paused)."""
        f = pd.DataFrame(self.points, columns=["t_s", "other_mib", "live_mib", "new_mib",
                                               "in_gc"])
        f["total_mib"] = f.other_mib + f.live_mib + f.new_mib
        return f

    @property
    def gc_cpu_pct(self) -> float:
        """Share of the wall time the program was paused for GC, %."""
        return 100.0 * self.gc_seconds / self.wall_seconds if self.wall_seconds else 0.0

    @property
    def peak_mib(self) -> float:
        """Peak total memory (other + live + new), MiB."""
        return float(self.frame.total_mib.max())

    def plot(self, **kwargs):
        from . import plots

        return plots.model_area(self, **kwargs)

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
    if scan_mib_s <= 0 or fixed_cost_s < 0:
        raise ValueError("the scan rate must be positive and the fixed cost not negative")
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
    return ModelResult(points=points, gc_seconds=gc_seconds, wall_seconds=t, cycles=cycles,
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
        raise ValueError("need at least one automatic GC cycle to calibrate the model")
    mark_s = float((f.cpu_assist_ms + f.cpu_background_ms).sum()) / 1000
    fixed_s = float((f.cpu_sweep_term_ms + f.cpu_mark_term_ms).median()) / 1000
    return {"scan_mib_s": float(f.heap_live_mib.sum()) / max(mark_s, EPS),
            "fixed_cost_s": fixed_s}
