"""The garbage collector, measured: gctrace and runtime/metrics from real runs, GOGC sweeps,
plots, and the GC guide's cost model with sliders.

    log = gm.gc.parse_gctrace(text)          # pure parser -> GCLog (.frame, .plot, checks)
    r = gm.gc.run(gogc=50)                   # the gc sample under GODEBUG=gctrace=1 -> GCRun
    s = gm.gc.sweep(gogc=[25, 100, "off"])   # one run per GOGC -> SweepResult (.frame, .plot)
    m = gm.gc.simulate([gm.gc.Phase(...)])   # the GC guide's cost model -> ModelResult
    gm.gc.explorer(gm.gc.workload_from(s), s)  # the model with sliders, runs overlaid
    gm.gc.run_phases(gm.gc.GUIDE_GRAPHS[0])   # a real program shaped like a model workload
"""

from __future__ import annotations

import importlib
from typing import Any

from .costmodel import (
    GUIDE_GRAPHS,
    GuideGraph,
    ModelResult,
    Phase,
    Workload,
    calibrate,
    heap_goal,
    model_curve,
    simulate,
    workload_from,
)
from .exercises import check_fewer_gcs, check_goal_ratio, gc_count
from .machine import cgroup_cpu_limit, expected_gomaxprocs, usable_cpus
from .parse import explain
from .records import GCCycle, OtherLine
from .result import (
    FRAME_DOC,
    HEAP_MINIMUM_MIB,
    GCLog,
    GCRun,
    MetricsLog,
    SweepResult,
    goal_check,
    parse_gctrace,
    parse_metrics,
)
from .run import GOGC_SWEEP, default_workload, run, run_phases, sweep

_LAZY = {
    "plots": None,
    "widgets": None,
    "explorer": "widgets",
    "ModelExplorer": "widgets",
    "guide_explorer": "widgets",
    "GuideExplorer": "widgets",
}


def __getattr__(name: str) -> Any:
    """Load the drawing modules (matplotlib, ipywidgets) on first use."""
    if name in _LAZY:
        module = importlib.import_module(f".{_LAZY[name] or name}", __name__)
        return module if _LAZY[name] is None else getattr(module, name)
    raise AttributeError(f"module 'gomemlab.gc' has no attribute {name!r}")


__all__ = [
    "FRAME_DOC",
    "GOGC_SWEEP",
    "GUIDE_GRAPHS",
    "HEAP_MINIMUM_MIB",
    "GCCycle",
    "GCLog",
    "GCRun",
    "GuideExplorer",
    "GuideGraph",
    "MetricsLog",
    "ModelExplorer",
    "ModelResult",
    "OtherLine",
    "Phase",
    "SweepResult",
    "Workload",
    "calibrate",
    "cgroup_cpu_limit",
    "check_fewer_gcs",
    "check_goal_ratio",
    "default_workload",
    "expected_gomaxprocs",
    "explain",
    "explorer",
    "gc_count",
    "goal_check",
    "guide_explorer",
    "heap_goal",
    "model_curve",
    "parse_gctrace",
    "parse_metrics",
    "run",
    "run_phases",
    "simulate",
    "sweep",
    "usable_cpus",
    "workload_from",
]
