"""The cost model with sliders (GOGC on a log scale, a memory limit), measured runs overlaid.

Callbacks only set widget values (an Image's PNG bytes, an HTML's text): nothing is printed,
so nbval sees no stray output, and the widget works (and is tested) without a kernel.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .. import figures, validate
from ..controls import Picture, Slider
from .costmodel import (
    GUIDE_GRAPHS,
    GUIDE_LIMITS_MIB,
    GuideGraph,
    ModelResult,
    Workload,
    guide_gogc_steps,
)
from .plots import model_area, sawtooth
from .result import GCRun, SweepResult

HEADROOM = 1.05
MODEL_GOGC = (10, 15, 20, 25, 30, 40, 50, 60, 70, 80, 90, 100, 120, 150, 200, 250, 300, 400, 500)
MODEL_GOGC += (600, 800, 1000)
"""The explorer's GOGC positions: round numbers from 10 to 1000 on a roughly log scale."""


def fixed_axes(results: Sequence[ModelResult]) -> tuple[float, float]:
    """(xmax, ymax) that fit every one of `results`, with a little room: the axes a widget
    keeps while its sliders move."""
    return (
        HEADROOM * max(r.wall_seconds for r in results),
        HEADROOM * max(r.peak_mib for r in results),
    )


def _nearest(runs: Sequence[GCRun], gogc: float) -> GCRun | None:
    numeric = [
        r for r in runs if r.settings.get("gogc") not in ("off",) and not r.settings.get("memlimit")
    ]
    if not numeric:
        return None
    return min(
        numeric, key=lambda r: abs(math.log(float(r.settings.get("gogc") or 100)) - math.log(gogc))
    )


def _back_to_back(limit: float | None, gogc: float | str) -> str:
    """Why the model collects back to back: its goal fell to the live heap + 64 KiB."""
    shown = gogc if isinstance(gogc, str) else f"{gogc:.0f}"
    cause = (
        "the limit leaves no room above the live heap"
        if limit
        else f"GOGC={shown} puts the goal less than 64 KiB above the live heap"
    )
    return f"<b>thrashing</b>: {cause}, so the model collects back to back"


class ModelExplorer:
    """Sliders for GOGC (log scale) and a memory limit over the cost model's memory plot."""

    def __init__(
        self,
        workload: Workload,
        measured: SweepResult | None = None,
        *,
        gogc: float = 100,
        limit_mib: float | None = None,
    ):
        import ipywidgets as w

        self.workload = workload
        self.runs = list(measured.runs) if measured is not None else []
        top = 8 * (workload.initial_live_mib + workload.other_mib + 8)
        self.gogc = Slider(
            sorted({*MODEL_GOGC, gogc}),
            gogc,
            description="GOGC",
            layout=w.Layout(width="440px"),
        )
        self.limit_on = w.Checkbox(
            value=limit_mib is not None, description="memory limit", indent=False
        )
        start = limit_mib or round(top / 2)
        self.limit = Slider(
            [(f"{v:g}", v) for v in sorted({*range(4, round(top) + 1), start})],
            start,
            description="limit MiB",
            layout=w.Layout(width="300px"),
        )
        self.image = Picture()
        self.text = w.HTML()
        for control in (self.gogc, self.limit_on, self.limit):
            control.observe(self._update, names="value")
        self.box = w.VBox([w.HBox([self.gogc, self.limit_on, self.limit]), self.text, self.image])
        self.result: ModelResult | None = None
        # fixed axes: room for the slider's extremes and the measured runs; they stretch only
        # for a setting beyond those (a limit so low that the model thrashes for long)
        extremes = [workload.simulate(g) for g in (10, 1000)]
        self.xmax, self.ymax = fixed_axes(extremes)
        for run in self.runs:
            saw = sawtooth(run.log.frame)
            if not saw.empty:
                self.xmax = max(self.xmax, HEADROOM * saw.t_s.max())
                self.ymax = max(self.ymax, HEADROOM * saw.heap_mib.max())
        self.ymax = max(self.ymax, HEADROOM * self.limit.options[-1][1])
        self._update()

    def _update(self, _change: Any = None) -> None:
        limit = self.limit.value if self.limit_on.value else None
        self.limit.disabled = not self.limit_on.value
        self.result = r = self.workload.simulate(self.gogc.value, limit)
        run = _nearest(self.runs, self.gogc.value) if limit is None else None
        measured = sawtooth(run.log.frame) if run is not None else None
        self.axes_limits = (max(self.xmax, r.wall_seconds), self.ymax)
        fig = model_area(r, measured=measured, xmax=self.axes_limits[0], ymax=self.ymax)
        self.image.value = figures.to_png(fig, dpi=80)
        self.image.alt_text = figures.describe(fig, draw=False)
        words = (
            f"<b>Model</b>: GOGC={self.gogc.value:.0f}"
            + (f", limit {limit:.0f} MiB" if limit else "")
            + f": {r.cycles} collections, GC CPU {r.gc_cpu_pct:.1f} %, "
            f"peak {r.peak_mib:.1f} MiB"
        )
        if r.thrashing:
            words += (
                " — "
                + _back_to_back(limit, self.gogc.value)
                + (
                    " (real Go caps GC at about 50% CPU and lets the heap pass the limit instead)"
                    if limit
                    else ""
                )
            )
        if run is not None:
            row = run.row()
            words += (
                f"<br><b>Measured</b> (nearest real run, GOGC={row['GOGC']}): "
                f"{row['GCs']} GCs, GC share of CPU work {row['gc_share_pct']:.1f} %, "
                f"peak heap {row['peak_heap_mib']:.0f} MiB"
            )
        self.text.value = words

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.box._repr_mimebundle_(**kwargs)


class GuideExplorer:
    """One of the GC guide's five graphs with its sliders: GOGC over exactly the values the
    guide's slider offers (round(2^x), 1 to 1023, then off) and, for graphs 4 and 5, the memory
    limit from 1 to 100 MiB in steps of 0.5. The axes stay fixed while the sliders move."""

    def __init__(self, graph: GuideGraph, *, gogc: float | str = 100, limit_mib: float = 100.0):
        import ipywidgets as w

        self.graph = graph
        # one position per step of the guide's slider (duplicates kept): a log scale, as there
        steps = [(str(g), g) for g in guide_gogc_steps()]
        self.gogc = Slider(steps, gogc, description="GOGC", layout=w.Layout(width="440px"))
        controls = [self.gogc]
        self.limit = None
        if graph.has_limit:
            self.limit = Slider(
                [(f"{v:g}", v) for v in GUIDE_LIMITS_MIB],
                float(limit_mib),
                description="limit MiB",
                layout=w.Layout(width="360px"),
            )
            controls.append(self.limit)
        # GOGC 25 to 400 without a limit sets the axes (the longest run, the highest peak);
        # only a setting beyond (lower GOGC, higher or off, a tight limit) stretches them
        self.xmax, self.ymax = fixed_axes([graph.simulate(g) for g in (25, 400)])
        self.image = Picture()
        self.text = w.HTML()
        for control in controls:
            control.observe(self._update, names="value")
        self.box = w.VBox([w.HBox(controls), self.text, self.image])
        self.result: ModelResult | None = None
        self._update()

    def _update(self, _change: Any = None) -> None:
        limit = self.limit.value if self.limit is not None else None
        self.result = r = self.graph.simulate(self.gogc.value, limit)
        xmax = max(self.xmax, r.wall_seconds)
        ymax = max(self.ymax, HEADROOM * r.peak_mib)
        title = (
            f"Graph {self.graph.number}, GOGC={self.gogc.value}"
            + (f", limit {limit:g} MiB" if limit is not None else "")
            + f": GC CPU = {r.gc_cpu_pct:.1f} %, peak = {r.peak_mib:.1f} MiB"
        )
        self.axes_limits = (xmax, ymax)
        fig = model_area(r, xmax=xmax, ymax=ymax, title=title, height=4.0)
        self.image.value = figures.to_png(fig, dpi=80)
        self.image.alt_text = figures.describe(fig, draw=False)
        sep = " " if self.graph.question.endswith("?") else ": "
        self.text.value = (
            f"{self.graph.question}{sep}{r.cycles} collections in "
            f"{r.wall_seconds:.2f} s"
            + (" — " + _back_to_back(limit, self.gogc.value) if r.thrashing else "")
        )

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.box._repr_mimebundle_(**kwargs)


def guide_explorer(number: int, **kwargs: Any) -> GuideExplorer:
    """The GC guide's graph `number` (1-5) with its sliders (see `GuideExplorer`)."""
    validate.count(number, "number", minimum=1, maximum=len(GUIDE_GRAPHS))
    return GuideExplorer(GUIDE_GRAPHS[number - 1], **kwargs)


@validate.typed
def explorer(
    workload: Workload, measured: SweepResult | None = None, **kwargs: Any
) -> ModelExplorer:
    """A `ModelExplorer` for `workload` (see `workload_from`), with `measured` runs overlaid."""
    return ModelExplorer(workload, measured, **kwargs)
