"""Timing helpers shared by the `scripts/perf_*.py` modules."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


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


def row(name: str, value: float, unit: str, target: str = "", ok: bool | None = None) -> dict:
    """One line of the perf table; `ok` is None for a measure without a target."""
    return {"name": name, "value": value, "unit": unit, "target": target, "ok": ok}
