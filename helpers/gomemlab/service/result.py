"""`LoadReport`: one load run against the service: latency percentiles per endpoint and the
service's runtime/metrics read while it ran."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import pandas as pd

from .. import tables, validate
from ..errors import UsageError
from ..provenance import Provenance
from ..result import FrameDoc, FrozenResult
from . import plots
from .parse import LoadSummary, MetricsSnapshot

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FRAME_DOC = FrameDoc(
    endpoint="the service's path without its slash: user, report, search",
    count="requests that succeeded",
    p50_ms="median latency (ms), from when the request was due to its last byte",
    p90_ms="90th percentile latency (ms, nearest rank)",
    p99_ms="99th percentile latency (ms, nearest rank)",
    max_ms="slowest request (ms)",
)
METRICS_DOC = FrameDoc(
    t_s="seconds since the first reading",
    **{"/*": "every scalar runtime/metrics value, by its name (unit in the name)"},
)


def metrics_frame(snapshots: tuple[MetricsSnapshot, ...]) -> pd.DataFrame:
    """One row per reading: t_s and one column per runtime/metrics name."""
    if not snapshots:
        return pd.DataFrame(columns=["t_s"])
    first = snapshots[0].unix_nano
    rows = [{"t_s": (s.unix_nano - first) / 1e9, **s.values} for s in snapshots]
    return pd.DataFrame(rows)


@dataclass(frozen=True, eq=False, repr=False)
class LoadReport(FrozenResult):
    """A load run: `.frame` latency per endpoint (FRAME_DOC), `.metrics` the service's
    runtime/metrics over time (METRICS_DOC), `delta(name)` what a cumulative metric grew by,
    `per_request(name)`, `gc_cpu_fraction`, and `plot("memory" | "latency")`."""

    load: LoadSummary
    snapshots: tuple[MetricsSnapshot, ...]
    revised: tuple[str, ...]
    provenance: Provenance
    cpu_seconds: float = float("nan")
    """CPU time (user + system) the service's process used during the load, as the OS counts
    it: unlike latency, it does not grow while other work holds the cores (nan: not read)."""

    FRAME_DOC: ClassVar[FrameDoc] = FRAME_DOC
    PLOT_KINDS: ClassVar[tuple[str, ...]] = ("memory", "latency")

    @property
    def frame(self) -> pd.DataFrame:
        """Latency per endpoint (FRAME_DOC): a new frame each time."""
        return pd.DataFrame([vars(row) for row in self.load.latencies], columns=list(FRAME_DOC))

    @property
    def metrics(self) -> pd.DataFrame:
        """The service's runtime/metrics, one row per reading (a new frame each time)."""
        return metrics_frame(self.snapshots)

    @property
    def requests(self) -> int:
        """Requests that succeeded."""
        return self.load.sent - self.load.failed

    def delta(self, name: str) -> float:
        """How much the runtime/metrics value `name` grew from the first reading to the last
        (for a cumulative metric such as /gc/cycles/total:gc-cycles)."""
        validate.text(name, "name")
        if len(self.snapshots) < 2:
            raise UsageError("fewer than two metrics readings: run the load longer")
        first, last = self.snapshots[0].values, self.snapshots[-1].values
        if name not in last:
            close = [n for n in last if name.strip("/").split(":")[0] in n][:3]
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise UsageError(f"no runtime/metrics value {name!r} was read{hint}")
        return last[name] - first.get(name, 0.0)

    def per_request(self, name: str) -> float:
        """`delta(name)` divided by the requests that succeeded."""
        return self.delta(name) / max(self.requests, 1)

    @property
    def cpu_per_request(self) -> float:
        """`cpu_seconds` divided by the requests that succeeded."""
        return self.cpu_seconds / max(self.requests, 1)

    @property
    def gc_cpu_fraction(self) -> float:
        """The GC's share of the CPU time available to the service during the load
        (runtime/metrics' estimate: /cpu/classes/gc/total over /cpu/classes/total, which is
        GOMAXPROCS times the wall-clock time, idle included)."""
        total = self.delta("/cpu/classes/total:cpu-seconds")
        return self.delta("/cpu/classes/gc/total:cpu-seconds") / total if total else 0.0

    def plot(self, kind: str = "memory", **options: str) -> Figure:
        """ "memory": heap, live heap, goal and goroutines over time; "latency": percentiles
        per endpoint (`percentile="p50_ms"`...)."""
        validate.choice(kind, self.PLOT_KINDS, "kind")
        if kind == "memory":
            return plots.memory_over_time(self.metrics, **options)
        return plots.latency_bars({self.label: self.frame}, **options)

    @property
    def label(self) -> str:
        """ "first version", or the parts it ran revised ("revised: cache, report")."""
        return f"revised: {', '.join(self.revised)}" if self.revised else "first version"

    def _repr_html_(self) -> str:
        s = self.load
        head = (
            f"<b>{html.escape(self.label)}</b>: {s.sent:,} requests in {s.seconds:.1f} s, "
            f"{s.failed:,} failed; {len(self.snapshots)} metrics readings"
        )
        return head + tables.to_html(self.frame)
