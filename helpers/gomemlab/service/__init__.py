"""A running service, diagnosed: the `service` sample (a standard-library HTTP service) and
its Go load generator, started on loopback under the reaper.

svc = gm.service.start()                          # or start(revised="all") / ["cache"]
report = svc.load(rate=200, seconds=4).result()   # latency per endpoint + metrics over time
report.frame, report.metrics, report.delta("/gc/cycles/total:gc-cycles"), report.plot()
gm.pprof.fetch(svc.url, "heap", gc=True)          # profiles over HTTP
svc.trace(seconds=1)                              # an execution trace over HTTP
svc = gm.service.start(flight=True); svc.window() # a flight recorder's window after a spike
svc.stop()                                        # also at the kernel's end
"""

from . import exercises
from .parse import (
    Latency,
    LoadSummary,
    MetricsSnapshot,
    Spike,
    listening_url,
    load_summary,
    metrics_snapshot,
    spikes,
)
from .plots import latency_bars, memory_over_time
from .result import FRAME_DOC, METRICS_DOC, LoadReport, metrics_frame
from .run import (
    ENDPOINTS,
    PARTS,
    SPIKE_RULE,
    Load,
    Service,
    default_seconds,
    start,
    stop_all,
)

__all__ = [
    "ENDPOINTS",
    "FRAME_DOC",
    "METRICS_DOC",
    "PARTS",
    "SPIKE_RULE",
    "Latency",
    "Load",
    "LoadReport",
    "LoadSummary",
    "MetricsSnapshot",
    "Service",
    "Spike",
    "default_seconds",
    "exercises",
    "latency_bars",
    "listening_url",
    "load_summary",
    "memory_over_time",
    "metrics_frame",
    "metrics_snapshot",
    "spikes",
    "start",
    "stop_all",
]
