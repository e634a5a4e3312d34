"""The GC guide's cost model (go.dev/doc/gc-guide), re-implemented: what GOGC and a memory
limit do to GC CPU time and peak memory for a workload made of phases.

The model, as the guide's interactive graphs compute it (checked against them setting by
setting in tests/test_gc_guide_model.py):

* A workload is a list of phases. In each, the program allocates `alloc_mib_s` MiB per
  second of its own running time. A fraction `survival` of what it allocates stays live, and
  a fraction `old_death` of the live heap it started the phase with dies; both accrue evenly
  over the phase (a straight line in program time) and show up at the next collection.
* The heap goal is live × (1 + GOGC/100) (no roots), lowered to memory limit − other memory
  when it would pass the limit, then raised to at least 4 MiB (not with GOGC off) and to at
  least live + 64 KiB (a limit below the live heap: the model then collects back to back,
  flagged `thrashing`). GOGC "off" and no limit: no collection at all. The first goal, before
  any collection, is the 4 MiB minimum (or the goal of `initial_live_mib`).
* A collection starts when live + new heap reaches the goal. The program stops while it runs,
  for live / scan rate + a fixed cost (live after the collection; the scan rate of the phase
  it falls in), and afterwards the heap is just the live heap.
* Phase durations count program time; pauses add to the wall clock. The goal is set only by
  a collection, and the live heap carries over between phases.
* GC CPU % = pause time / wall time; peak = the most other + live + new memory at any point.
* Not modelled: concurrency (real Go marks while the program runs, using 25% of GOMAXPROCS
  plus assists), the 50% GC CPU limiter under a memory limit, allocation during mark, and
  roots in the goal, unless asked for: `roots_mib=` switches to the runtime's goal,
  live + (live + roots) × GOGC/100 with a 4 MiB × GOGC/100 floor (off by default).
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
from ..result import table_property
from .result import HEAP_MINIMUM_MIB, MiB, SweepResult

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MODEL_PLOT_KINDS = ("memory",)
MIN_RUNWAY_MIB = 1 / 16
"""The least room a goal leaves above the live heap (64 KiB)."""


def _fraction_or_amount(value: Any, name: str, *, at_most: float = math.inf) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not (math.isfinite(value) and 0 <= value <= at_most)
    ):
        bound = f"from 0 to {at_most:g}" if math.isfinite(at_most) else "≥ 0"
        raise UsageError(f"Phase {name} must be a number {bound}, not {value!r}")
    return float(value)


@dataclass(frozen=True)
class Phase:
    """A stretch of the program with steady behaviour (the guide's workload entries)."""

    duration_s: float  # program time (GC pauses not included)
    alloc_mib_s: float  # allocation rate, MiB per second of program time
    survival: float = 0.0  # fraction of what the phase allocates that stays live
    old_death: float = 0.0  # fraction of the phase-start live heap that dies over the phase
    scan_mib_s: float | None = None  # this phase's scan rate (None: simulate's scan_mib_s)

    def __post_init__(self) -> None:
        _fraction_or_amount(self.duration_s, "duration_s")
        _fraction_or_amount(self.alloc_mib_s, "alloc_mib_s")
        _fraction_or_amount(self.survival, "survival", at_most=1)
        _fraction_or_amount(self.old_death, "old_death", at_most=1)
        if self.scan_mib_s is not None:
            validate.positive(self.scan_mib_s, "Phase scan_mib_s", unit="MiB/s")


def model_gogc(value: Any) -> float | str:
    """GOGC for the model: "off", or a number ≥ 0 (a slider may give a fraction)."""
    if isinstance(value, str) and value.strip().lower() == "off":
        return "off"
    if isinstance(value, str):
        return float(validate.gogc(value))
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not (value >= 0 and not math.isnan(value))
    ):
        raise UsageError(f'gogc must be a number ≥ 0 or "off", not {value!r}')
    return "off" if math.isinf(value) else float(value)


def heap_goal(
    live_mib: float,
    gogc: float | str,
    memlimit_mib: float | None = None,
    other_mib: float = 0.0,
    *,
    roots_mib: float | None = None,
) -> float:
    """The model's heap goal for a live heap (see the module docstring for the rules).

    `roots_mib` (off by default) uses the runtime's formula instead of the guide's:
    live + (live + roots) × GOGC/100, at least 4 MiB × GOGC/100.
    """
    return _heap_goal(live_mib, model_gogc(gogc), memlimit_mib, other_mib, roots_mib)


def _heap_goal(
    live_mib: float,
    gogc: float | str,
    memlimit_mib: float | None,
    other_mib: float,
    roots_mib: float | None,
) -> float:
    off = gogc == "off"
    k = math.inf if isinstance(gogc, str) else gogc / 100  # str: "off"
    if off:
        goal = math.inf
    elif roots_mib is None:
        goal = live_mib * (1 + k)
    else:
        goal = live_mib + (live_mib + roots_mib) * k
    if memlimit_mib is not None and goal + other_mib > memlimit_mib:
        goal = memlimit_mib - other_mib
    floor = HEAP_MINIMUM_MIB * (k if roots_mib is not None else 1)
    if not off and goal < floor:
        goal = floor
    return max(goal, live_mib + MIN_RUNWAY_MIB)


def _first_goal(
    initial_live: float, gogc: float | str, limit: float | None, other: float, roots: float | None
) -> float:
    """The goal before any collection: that of the initial live heap, or, with none, the 4 MiB
    minimum (computed, as the guide does, from the live heap that would give it)."""
    if initial_live:
        return heap_goal(initial_live, gogc, limit, other, roots_mib=roots)
    pretend = 0.0 if isinstance(gogc, str) else HEAP_MINIMUM_MIB / (1 + gogc / 100)
    if roots is not None:
        pretend = 0.0
    return heap_goal(pretend, gogc, limit, other, roots_mib=roots)


@dataclass(frozen=True, eq=False)
class ModelResult:
    """The model's answer: `.frame` (memory over time), GC CPU %, peak memory, cycles."""

    points: tuple[tuple[float, float, float, float, bool], ...]
    gc_seconds: float
    wall_seconds: float
    cycles: int
    thrashing: bool  # a goal had to be raised to live + 64 KiB: GC back to back
    settings: Mapping[str, Any]
    peak_mib: float = field(init=False)
    """Peak total memory (other + live + new) over the points, MiB."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "points", tuple(self.points))
        object.__setattr__(self, "settings", MappingProxyType(dict(self.settings)))
        object.__setattr__(self, "peak_mib", max(p[1] + p[2] + p[3] for p in self.points))

    @table_property
    def frame(self) -> pd.DataFrame:
        """t_s (wall s), other_mib, live_mib (heap kept by the last GC), new_mib (allocated
        since), total_mib, in_gc (the program is paused). Made on first use (sliders and the
        guide check need only the totals)."""
        f = pd.DataFrame(
            list(self.points), columns=["t_s", "other_mib", "live_mib", "new_mib", "in_gc"]
        )
        f["total_mib"] = f.other_mib + f.live_mib + f.new_mib
        return f

    @property
    def gc_cpu_pct(self) -> float:
        """Share of the wall time the program was paused for GC, %."""
        return 100.0 * self.gc_seconds / self.wall_seconds if self.wall_seconds else 0.0

    def summary(self) -> pd.DataFrame:
        """One row: cycles, gc_cpu_pct, peak_mib, wall_s, thrashing."""
        return pd.DataFrame(
            [
                {
                    "cycles": self.cycles,
                    "gc_cpu_pct": self.gc_cpu_pct,
                    "peak_mib": self.peak_mib,
                    "wall_s": self.wall_seconds,
                    "thrashing": self.thrashing,
                }
            ]
        )

    def plot(self, kind: str = "memory", **options: Any) -> Figure:
        """`"memory"`: the stacked area of other memory, live heap and new heap over time."""
        from . import plots

        validate.choice(kind, MODEL_PLOT_KINDS, "kind")
        return plots.model_area(self, **options)

    def _repr_html_(self) -> str:
        return (
            f"<div><b>GC model</b>: {self.cycles} collections, GC CPU "
            f"{self.gc_cpu_pct:.1f} %, peak memory {self.peak_mib:.1f} MiB"
            f"{' (thrashing: GC back to back)' if self.thrashing else ''}</div>"
        )


@validate.typed
def simulate(
    phases: Sequence[Phase],
    *,
    gogc: float | str = 100,
    memlimit_mib: float | None = None,
    other_mib: float = 0.0,
    initial_live_mib: float = 0.0,
    scan_mib_s: float = 1024.0,
    fixed_cost_s: float = 0.0005,
    roots_mib: float | None = None,
    max_cycles: int = 2_000_000,
) -> ModelResult:
    """Run the cost model over `phases` (see the module docstring). Exact for the model:
    allocation is linear inside a phase, so each collection's time is solved, not stepped.

    The defaults are the guide's model; `roots_mib` (a named departure, off by default) puts
    roots in the goal as the real runtime does.
    """
    gogc = model_gogc(gogc)
    validate.positive(scan_mib_s, "scan_mib_s", unit="MiB/s")
    for name, value in (
        ("fixed_cost_s", fixed_cost_s),
        ("other_mib", other_mib),
        ("initial_live_mib", initial_live_mib),
    ):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not (math.isfinite(value) and value >= 0)
        ):
            raise UsageError(f"{name} must be a number ≥ 0, not {value!r}")
    if memlimit_mib is not None:
        validate.positive(memlimit_mib, "memlimit_mib", unit="MiB")
    if roots_mib is not None and not roots_mib >= 0:
        raise UsageError(f"roots_mib must be a number ≥ 0 or None, not {roots_mib!r}")
    if not all(isinstance(p, Phase) for p in phases):
        raise UsageError("phases must be a list of gm.gc.Phase")

    def goal_of(live: float) -> tuple[float, bool]:
        goal = _heap_goal(live, gogc, memlimit_mib, other_mib, roots_mib)
        return goal, goal == live + MIN_RUNWAY_MIB

    t = mutator = gc_seconds = 0.0
    live = float(initial_live_mib)  # heap kept by the last GC
    new = 0.0  # allocated since the last GC
    pending = 0.0  # net change of the live heap since the last GC, shown at the next one
    goal = _first_goal(live, gogc, memlimit_mib, other_mib, roots_mib)
    cycles, thrashing = 0, goal == live + MIN_RUNWAY_MIB
    points = [(t, other_mib, live, new, False)]
    for phase in phases:
        duration, rate = phase.duration_s, phase.alloc_mib_s
        scan = phase.scan_mib_s or scan_mib_s
        # what the phase adds to and takes from the live heap, spread evenly over its time
        net_per_s = (
            ((duration * rate * phase.survival - (live + pending) * phase.old_death) / duration)
            if duration > 0
            else 0.0
        )
        left = duration
        while left > 0:
            alloc = left * rate
            collect = live + new + alloc > goal
            if collect:
                alloc = goal - live - new
            step = alloc / rate if rate > 0 else left
            new += alloc
            left -= step
            t += step
            mutator += step
            pending += net_per_s * step
            if not collect:
                continue
            points.append((t, other_mib, live, new, True))
            live += pending
            new = pending = 0.0
            pause = live / scan + fixed_cost_s
            t += pause
            gc_seconds += pause
            cycles += 1
            if cycles > max_cycles:
                raise UsageError(
                    f"more than {max_cycles} collections: raise the memory "
                    "limit or GOGC (or max_cycles)"
                )
            points.append((t, other_mib, live, new, False))
            goal, tight = goal_of(live)
            thrashing = thrashing or tight
        points.append((t, other_mib, live, new, False))
    return ModelResult(
        points=tuple(points),
        gc_seconds=gc_seconds,
        wall_seconds=t,
        cycles=cycles,
        thrashing=thrashing,
        settings={
            "gogc": gogc,
            "memlimit_mib": memlimit_mib,
            "other_mib": other_mib,
            "initial_live_mib": initial_live_mib,
            "scan_mib_s": scan_mib_s,
            "fixed_cost_s": fixed_cost_s,
            "roots_mib": roots_mib,
            "mutator_s": mutator,
        },
    )


@dataclass(frozen=True)
class GuideGraph:
    """One of the GC guide's five interactive graphs: its workload and fixed settings."""

    number: int
    question: str  # what the graph shows, in our words
    phases: tuple[Phase, ...]
    other_mib: float = 0.0
    fixed_cost_s: float = 0.04
    has_limit: bool = False  # a memory-limit slider (1..100 MiB, default 100)

    def simulate(
        self, gogc: float | str = 100, memlimit_mib: float | None = None, **options: Any
    ) -> ModelResult:
        """The model at one slider setting (no limit slider: the guide's 100000 MiB)."""
        if memlimit_mib is None:
            memlimit_mib = 100.0 if self.has_limit else GUIDE_NO_LIMIT_MIB
        return simulate(
            self.phases,
            gogc=gogc,
            memlimit_mib=memlimit_mib,
            other_mib=self.other_mib,
            fixed_cost_s=self.fixed_cost_s,
            **options,
        )


GUIDE_NO_LIMIT_MIB = 100_000.0
"""The guide's memory limit for the graphs without a limit slider (far above any heap)."""
_STEADY = (Phase(1.0, 20, survival=1.0, scan_mib_s=1024), Phase(9.0, 20, scan_mib_s=1024))
_SPIKE = (
    Phase(1.0, 20, survival=1.0, scan_mib_s=1024),
    Phase(4.0, 20, scan_mib_s=1024),
    Phase(0.5, 20, survival=1.0, scan_mib_s=1024),
    Phase(0.5, 20, scan_mib_s=1024),
    Phase(0.5, 20, old_death=0.5, scan_mib_s=1024),
    Phase(3.5, 20, scan_mib_s=1024),
)
GUIDE_GRAPHS = (
    GuideGraph(
        1,
        "A 20 MiB live heap built in 1 s, then 9 s of garbage at 20 MiB/s: what does GOGC trade?",
        _STEADY,
    ),
    GuideGraph(
        2,
        "A live heap that grows and shrinks, then a 200 MiB/s burst in which all old data dies",
        (
            Phase(1.0, 20, survival=1.0, scan_mib_s=1024),
            Phase(1.0, 20, old_death=0.5, scan_mib_s=1024),
            Phase(1.0, 20, survival=0.5, scan_mib_s=1024),
            Phase(1.0, 20, old_death=0.5, scan_mib_s=1024),
            Phase(1.0, 20, survival=0.5, scan_mib_s=1024),
            Phase(5.0, 200, survival=0.02, old_death=1.0, scan_mib_s=1024),
        ),
    ),
    GuideGraph(3, "A brief spike of the live heap: GOGC sizes the whole run by its peak", _SPIKE),
    GuideGraph(
        4,
        "Graph 1's workload with 10 MiB of other memory under a memory limit",
        _STEADY,
        other_mib=10.0,
        has_limit=True,
    ),
    GuideGraph(
        5,
        "Graph 3's spike under a memory limit: the limit clips the peak only",
        _SPIKE,
        has_limit=True,
    ),
)
"""The guide's five graphs (go.dev/doc/gc-guide), transcribed from their data attributes."""


def guide_gogc_steps() -> tuple[float | str, ...]:
    """The GOGC at each of the guide's 2001 slider positions: round(2^x), x = 0..10 by 0.005,
    1024+ is "off". Evenly spaced in x, so the slider is logarithmic (GOGC=100 sits at 66 %);
    neighbouring positions can round to the same GOGC."""
    steps: list[float | str] = []
    for k in range(2001):
        v = math.floor(2 ** (k * 5 / 1000) + 0.5)  # JavaScript's Math.round
        steps.append("off" if v >= 1024 else v)
    return tuple(steps)


def guide_gogc_values() -> tuple[float | str, ...]:
    """Every GOGC the guide's slider offers, each once, in slider order."""
    return tuple(dict.fromkeys(guide_gogc_steps()))


GUIDE_LIMITS_MIB = tuple(1 + k / 2 for k in range(199))
"""Every memory limit the guide's slider offers (graphs 4 and 5), MiB."""


@validate.typed
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
    return {"scan_mib_s": float(f.heap_live_mib.sum()) / max(mark_s, 1e-9), "fixed_cost_s": fixed_s}


@dataclass(frozen=True)
class Workload:
    """What the model needs to stand for a measured program."""

    phases: tuple[Phase, ...]
    initial_live_mib: float
    other_mib: float
    scan_mib_s: float
    fixed_cost_s: float

    def simulate(self, gogc: float | str = 100, memlimit_mib: float | None = None) -> ModelResult:
        """The model for this workload at one GOGC and memory limit."""
        return simulate(
            self.phases,
            gogc=gogc,
            memlimit_mib=memlimit_mib,
            other_mib=self.other_mib,
            initial_live_mib=self.initial_live_mib,
            scan_mib_s=self.scan_mib_s,
            fixed_cost_s=self.fixed_cost_s,
        )


def workload_from(sweep: SweepResult, *, live_mib: float | None = None) -> Workload:
    """The model's stand-in for the gc sample as measured in `sweep`: one phase with the
    program's own allocation speed (from the run with the fewest GCs), the sample's live heap,
    the runtime's non-heap memory as "other", and a scan rate fitted to every measured cycle."""
    if not isinstance(sweep, SweepResult):
        raise UsageError(
            f"workload_from takes what gm.gc.sweep(...) returned, not {type(sweep).__name__}"
        )
    if live_mib is not None:
        live_mib = validate.positive(live_mib, "live_mib", unit="MiB")
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
    return Workload(
        (Phase(allocated_mib / rate, rate),), live, other, fit["scan_mib_s"], fit["fixed_cost_s"]
    )


def model_curve(workload: Workload, gogcs: Sequence[float | str]) -> pd.DataFrame:
    """The model at each GOGC: GOGC, peak_mib, gc_cpu_pct, cycles (for `plots.tradeoff`)."""
    rows = []
    for g in gogcs:
        r = workload.simulate(g)
        rows.append(
            {"GOGC": g, "peak_mib": r.peak_mib, "gc_cpu_pct": r.gc_cpu_pct, "cycles": r.cycles}
        )
    return pd.DataFrame(rows)
