"""What GOMAXPROCS Go picks on this machine: CPUs it may run on, capped by a cgroup CPU limit."""

from __future__ import annotations

import math
import os
from pathlib import Path

from .. import validate


def usable_cpus() -> int:
    """Logical CPUs this process may run on (its affinity mask where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@validate.typed
def cgroup_cpu_limit(root: Path = Path("/sys/fs/cgroup")) -> float | None:
    """The cgroup's CPU limit in CPUs (quota / period), or None when there is none."""
    v2 = root / "cpu.max"
    v1 = (root / "cpu" / "cpu.cfs_quota_us", root / "cpu" / "cpu.cfs_period_us")
    try:
        if v2.is_file():
            quota, period = v2.read_text().split()[:2]
            return None if quota == "max" else int(quota) / int(period)
        if v1[0].is_file():
            microseconds = int(v1[0].read_text())
            return None if microseconds <= 0 else microseconds / int(v1[1].read_text())
    except (OSError, ValueError):
        return None
    return None


def expected_gomaxprocs() -> int:
    """The GOMAXPROCS a Go program started from here gets: $GOMAXPROCS if set, else (Go 1.25+)
    the usable CPUs, or a lower cgroup limit rounded up (never below 2 when it comes from the
    limit)."""
    named = os.environ.get("GOMAXPROCS", "")
    if named.isdigit() and int(named) > 0:
        return int(named)
    cpus = usable_cpus()
    limit = cgroup_cpu_limit()
    if limit is None:
        return cpus
    return min(cpus, max(2, math.ceil(limit)))


def mark_workers(
    procs: int, utilization: float = 0.25, max_error: float = 0.3
) -> tuple[int, float]:
    """The collector's background mark workers for GOMAXPROCS=`procs`, as
    `gcControllerState.startCycle` (runtime/mgcpacer.go) works them out: (dedicated workers,
    fractional goal per P). The goal is `utilization` of the Ps; it is rounded to whole
    dedicated workers unless that misses by more than `max_error`, when one fewer dedicated
    worker runs and fractional workers make up the rest."""
    goal = procs * utilization
    dedicated = int(goal + 0.5)
    if abs(dedicated / goal - 1) > max_error:
        if dedicated > goal:
            dedicated -= 1
        return dedicated, (goal - dedicated) / procs
    return dedicated, 0.0
