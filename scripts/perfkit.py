"""Timing helpers shared by the `scripts/perf_*.py` modules."""

from __future__ import annotations

import functools
import os
import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

LARGE_TRACE_ITEMS = 60_000
"""Items the bundled trace sample pushes through its pipeline for the large trace: about
1.1-1.2 M events (the count varies a little from run to run: scheduling is not fixed)."""


def seconds(action: Callable[[], object]) -> float:
    """Wall time of one call."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def median_seconds(action: Callable[[], object], repeat: int = 7) -> float:
    """Median wall time of `repeat` calls, after one warm-up call."""
    action()
    return statistics.median(seconds(action) for _ in range(repeat))


def interleaved_medians(
    first: Callable[[], object], second: Callable[[], object], repeat: int = 15
) -> tuple[float, float]:
    """Median times of two actions run alternately, so that load from other processes on the
    machine falls on both alike."""
    first(), second()
    pairs = [(seconds(first), seconds(second)) for _ in range(repeat)]
    return statistics.median(a for a, _ in pairs), statistics.median(b for _, b in pairs)


@dataclass(frozen=True)
class Timing:
    """Wall and CPU seconds of a call: CPU is this process's (time.process_time) plus that of
    the child processes it waited for during the call (resource.RUSAGE_CHILDREN), which other
    processes on a loaded machine do not stretch the way they stretch wall time."""

    wall: float
    cpu: float


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(action: Callable[[], object]) -> Timing:
    """Wall and CPU seconds of one call."""
    wall, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    action()
    return Timing(
        time.perf_counter() - wall, time.process_time() - cpu + _children_cpu() - children
    )


def median_timing(runs: list[Timing]) -> Timing:
    """The median wall time and the median CPU time of `runs`."""
    return Timing(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs))


def interleaved_timings(
    first: Callable[[], object], second: Callable[[], object], repeat: int = 5
) -> tuple[Timing, Timing]:
    """`median_timing` of two actions run alternately `repeat` times, after one warm-up
    call of each."""
    first(), second()
    pairs = [(timed(first), timed(second)) for _ in range(repeat)]
    return median_timing([a for a, _ in pairs]), median_timing([b for _, b in pairs])


def load_average() -> float:
    """The machine's 1-minute load average (runnable processes; this machine has
    os.cpu_count() cores)."""
    return os.getloadavg()[0]


@functools.cache
def large_trace() -> Path:
    """A large real trace, recorded once per `make perf` (shared by the perf_trace modules)
    into the scratch folder: `gm.trace.record(args=gm.trace.sample_args(items=60_000,
    live_mib=8), gomaxprocs=2)`, the bundled `trace` sample."""
    import gomemlab as gm

    args = gm.trace.sample_args(items=LARGE_TRACE_ITEMS, live_mib=8)
    return Path(gm.trace.record(args=args, gomaxprocs=2, timeout=600).file)


def row(name: str, value: float, unit: str, target: str = "", ok: bool | None = None) -> dict:
    """One line of the perf table; `ok` is None for a measure without a target."""
    return {"name": name, "value": value, "unit": unit, "target": target, "ok": ok}
