"""The garbage collector, measured: gctrace and runtime/metrics from real runs, GOGC sweeps,
plots, and the GC guide's cost model with sliders.

    log = gm.gc.parse_gctrace(text)          # pure parser -> GCLog (.frame, .plot, checks)
    r = gm.gc.run(gogc=50)                   # the gc sample under GODEBUG=gctrace=1 -> GCRun
    s = gm.gc.sweep(gogc=[25, 100, "off"])   # one run per GOGC -> SweepResult (.frame, .plot)
    m = gm.gc.simulate([gm.gc.Phase(...)])   # the GC guide's cost model -> ModelResult
"""

from .exercises import Check, check_fewer_gcs, check_goal_ratio, gc_count
from .explorer import ModelExplorer, Workload, explorer, model_curve, workload_from
from .gctrace import GCCycle, OtherLine
from .log import FRAME_DOC, HEAP_MINIMUM_MIB, GCLog, explain, goal_check, parse_gctrace
from .machine import cgroup_cpu_limit, expected_gomaxprocs, usable_cpus
from .metrics import MetricsLog, parse_metrics
from .model import ModelResult, Phase, calibrate, heap_goal, simulate
from .runs import GOGC_SWEEP, GCRun, SweepResult, default_workload, run, sweep

__all__ = [
    "FRAME_DOC",
    "GOGC_SWEEP",
    "HEAP_MINIMUM_MIB",
    "Check",
    "GCCycle",
    "GCLog",
    "GCRun",
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
    "heap_goal",
    "model_curve",
    "parse_gctrace",
    "parse_metrics",
    "run",
    "simulate",
    "sweep",
    "usable_cpus",
    "workload_from",
]
