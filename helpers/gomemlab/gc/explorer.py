"""The cost model with sliders (GOGC on a log scale, a memory limit), measured runs overlaid.

Callbacks only set widget values (an Image's PNG bytes, an HTML's text): nothing is printed,
so nbval sees no stray output, and the widget works (and is tested) without a kernel.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from .model import Phase, calibrate, simulate
from .plots import model_area, sawtooth
from .runs import GCRun, MiB, SweepResult


@dataclass(frozen=True)
class Workload:
    """What the model needs to stand for a measured program."""

    phases: tuple[Phase, ...]
    initial_live_mib: float
    other_mib: float
    scan_mib_s: float
    fixed_cost_s: float

    def simulate(self, gogc: float | str = 100, memlimit_mib: float | None = None):
        return simulate(self.phases, gogc=gogc, memlimit_mib=memlimit_mib,
                        other_mib=self.other_mib, initial_live_mib=self.initial_live_mib,
                        scan_mib_s=self.scan_mib_s, fixed_cost_s=self.fixed_cost_s)


def workload_from(sweep: SweepResult, *, live_mib: float | None = None) -> Workload:
    """The model's stand-in for the gc sample as measured in `sweep`: one phase with the
    program's own allocation speed (from the run with the fewest GCs), the sample's live heap,
    the runtime's non-heap memory as "other", and a scan rate fitted to every measured cycle."""
    runs = sweep.runs
    quiet = min(runs, key=lambda r: (len(r.log), r.row()["wall_s"]))
    allocated_mib = quiet.summary["allocated_bytes"] / MiB
    rate = allocated_mib / quiet.summary["seconds"]
    live = live_mib if live_mib is not None else quiet.summary["live_objects"] * 64 / MiB
    other = 0.0
    if quiet.metrics is not None and quiet.metrics.samples:
        first = quiet.metrics.frame.iloc[0]
        other = max(0.0, (first.total_bytes - first.released_bytes - first.heap_bytes) / MiB)
    frames = [r.log.frame for r in runs if len(r.log) >= 1]
    fit = calibrate(pd.concat(frames, ignore_index=True))
    return Workload((Phase(allocated_mib / rate, rate),), live, other, fit["scan_mib_s"],
                    fit["fixed_cost_s"])


def model_curve(workload: Workload, gogcs: Sequence[float | str]) -> pd.DataFrame:
    """The model at each GOGC: GOGC, peak_mib, gc_cpu_pct, cycles (for `plots.tradeoff`)."""
    rows = []
    for g in gogcs:
        r = workload.simulate(g)
        rows.append({"GOGC": g, "peak_mib": r.peak_mib, "gc_cpu_pct": r.gc_cpu_pct,
                     "cycles": r.cycles})
    return pd.DataFrame(rows)


def _nearest(runs: Sequence[GCRun], gogc: float) -> GCRun | None:
    numeric = [r for r in runs if r.settings.get("gogc") not in ("off",)
               and not r.settings.get("memlimit")]
    if not numeric:
        return None
    return min(numeric, key=lambda r: abs(math.log(float(r.settings.get("gogc") or 100))
                                          - math.log(gogc)))


class ModelExplorer:
    """Sliders for GOGC (log scale) and a memory limit over the cost model's memory plot."""

    def __init__(self, workload: Workload, measured: SweepResult | None = None, *,
                 gogc: float = 100, limit_mib: float | None = None):
        import ipywidgets as w

        self.workload = workload
        self.runs = list(measured.runs) if measured is not None else []
        top = 8 * (workload.initial_live_mib + workload.other_mib + 8)
        self.gogc = w.FloatLogSlider(value=gogc, base=10, min=1, max=3, step=0.05,
                                     description="GOGC", readout_format=".0f",
                                     continuous_update=False)
        self.limit_on = w.Checkbox(value=limit_mib is not None, description="memory limit",
                                   indent=False)
        self.limit = w.FloatSlider(value=limit_mib or round(top / 2), min=4, max=round(top),
                                   step=1, description="limit MiB", continuous_update=False)
        self.image = w.Image(format="png")
        self.text = w.HTML()
        for control in (self.gogc, self.limit_on, self.limit):
            control.observe(self._update, names="value")
        self.box = w.VBox([w.HBox([self.gogc, self.limit_on, self.limit]), self.text,
                           self.image])
        self.result = None
        self._update()

    def _update(self, _change=None) -> None:
        limit = self.limit.value if self.limit_on.value else None
        self.limit.disabled = not self.limit_on.value
        self.result = r = self.workload.simulate(self.gogc.value, limit)
        run = _nearest(self.runs, self.gogc.value) if limit is None else None
        measured = sawtooth(run.log.frame) if run is not None else None
        fig = model_area(r, measured=measured)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=80)
        self.image.value = buf.getvalue()
        words = (f"<b>Model</b>: GOGC={self.gogc.value:.0f}"
                 + (f", limit {limit:.0f} MiB" if limit else "")
                 + f": {r.cycles} collections, GC CPU {r.gc_cpu_pct:.1f} %, "
                 f"peak {r.peak_mib:.1f} MiB")
        if r.thrashing:
            words += (" — <b>thrashing</b>: the limit leaves no room above the live heap, so "
                      "the model collects back to back (real Go caps GC at about 50% CPU and "
                      "lets the heap pass the limit instead)")
        if run is not None:
            row = run.row()
            words += (f"<br><b>Measured</b> (nearest real run, GOGC={row['GOGC']}): "
                      f"{row['GCs']} GCs, GC share of CPU work {row['gc_share_pct']:.1f} %, "
                      f"peak heap {row['peak_heap_mib']:.0f} MiB")
        self.text.value = words

    def _repr_mimebundle_(self, **kwargs):
        return self.box._repr_mimebundle_(**kwargs)


def explorer(workload: Workload, measured: SweepResult | None = None, **kwargs) -> ModelExplorer:
    """A `ModelExplorer` for `workload` (see `workload_from`), with `measured` runs overlaid."""
    return ModelExplorer(workload, measured, **kwargs)
