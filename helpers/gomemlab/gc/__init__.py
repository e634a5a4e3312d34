"""The garbage collector, measured: gctrace and runtime/metrics from real runs, GOGC sweeps,
plots, and the GC guide's cost model with sliders.

    log = gm.gc.parse_gctrace(text)          # pure parser -> GCLog (.frame, .plot, checks)
    r = gm.gc.run(gogc=50)                   # the gc sample under GODEBUG=gctrace=1 -> GCRun
    s = gm.gc.sweep(gogc=[25, 100, "off"])   # one run per GOGC -> SweepResult (.frame, .plot)
    m = gm.gc.simulate([gm.gc.Phase(...)])   # the GC guide's cost model -> ModelResult
"""

from .explorer import ModelExplorer, Workload, explorer, model_curve, workload_from
from .gctrace import GCCycle, OtherLine
from .log import FRAME_DOC, HEAP_MINIMUM_MIB, GCLog, goal_check, parse_gctrace
from .metrics import MetricsLog, parse_metrics
from .model import ModelResult, Phase, calibrate, heap_goal, simulate
from .runs import GOGC_SWEEP, GCRun, SweepResult, default_workload, run, sweep

__all__ = [
    "FRAME_DOC", "GOGC_SWEEP", "HEAP_MINIMUM_MIB", "GCCycle", "GCLog", "GCRun", "MetricsLog",
    "ModelExplorer", "ModelResult", "OtherLine", "Phase", "SweepResult", "Workload",
    "calibrate", "default_workload", "explorer", "goal_check", "heap_goal", "model_curve",
    "parse_gctrace", "parse_metrics", "run", "simulate", "sweep", "workload_from",
]
