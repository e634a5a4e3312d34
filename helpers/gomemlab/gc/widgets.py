"""The cost model with sliders (GOGC on a log scale, a memory limit), measured runs overlaid.

Callbacks only set widget values (an Image's PNG bytes, an HTML's text): nothing is printed,
so nbval sees no stray output, and the widget works (and is tested) without a kernel.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .. import figures
from .costmodel import Workload
from .plots import model_area, sawtooth
from .result import GCRun, SweepResult


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

    def _update(self, _change: Any = None) -> None:
        limit = self.limit.value if self.limit_on.value else None
        self.limit.disabled = not self.limit_on.value
        self.result = r = self.workload.simulate(self.gogc.value, limit)
        run = _nearest(self.runs, self.gogc.value) if limit is None else None
        measured = sawtooth(run.log.frame) if run is not None else None
        self.image.value = figures.to_png(model_area(r, measured=measured), dpi=80)
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

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.box._repr_mimebundle_(**kwargs)


def explorer(workload: Workload, measured: SweepResult | None = None,
             **kwargs: Any) -> ModelExplorer:
    """A `ModelExplorer` for `workload` (see `workload_from`), with `measured` runs overlaid."""
    return ModelExplorer(workload, measured, **kwargs)
