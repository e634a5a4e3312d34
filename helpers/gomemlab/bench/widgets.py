"""An interactive panel: choose a benchmark, benchtime and count, run it, see table and plot.

Callbacks only set widget values (no printing), so the panel works under nbval and can be
driven without a kernel: set `.benchmark.value`, call `.button.click()`, read `.result`.
"""

from __future__ import annotations

import html
import re

import ipywidgets as widgets

from .. import figures, settings
from ..controls import Dropdown, Slider
from ..errors import GomemlabError
from ..programs import Target
from .result import SUMMARY_UNITS, BenchResult
from .run import list_benchmarks, run

BENCHTIMES = ("10ms", "20ms", "100ms", "500ms", "1s", "3s", "1000x")
DEFAULT_BENCHTIME = "20ms"
"""The panel's start, as in notebook 04: ns-scale operations average thousands of
iterations in 20 ms; count, not benchtime, buys the statistics."""


class Panel:
    """Run one top-level benchmark of `target` with the chosen settings and plot it.

    Defaults follow the lesson: benchtime 20ms and count 10 (quick mode 6, the least with a
    95% CI of the median)."""

    def __init__(
        self,
        target: Target = "bench",
        *,
        benchmarks: list[str] | None = None,
        units: tuple[str, ...] = SUMMARY_UNITS,
    ):
        self.target = target
        self.units = units
        names = benchmarks or list_benchmarks(target)
        self.benchmark = Dropdown(names, description="benchmark")
        self.benchtime = Dropdown(BENCHTIMES, DEFAULT_BENCHTIME, description="benchtime")
        self.count = Slider(range(1, 21), 6 if settings.quick() else 10, description="count")
        self.button = widgets.Button(description="Run", button_style="primary", icon="play")
        self.status = widgets.HTML("Choose a benchmark and press Run.")
        self.output = widgets.HTML()
        self.result: BenchResult | None = None
        self.button.on_click(lambda _button: self.run())
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.benchmark, self.benchtime]),
                widgets.HBox([self.count, self.button]),
                self.status,
                self.output,
            ]
        )

    def _progress(self, runs: int, name: str) -> None:
        self.status.value = f"running… {runs} run(s) done, latest: <code>{html.escape(name)}</code>"

    def run(self) -> BenchResult | None:
        """Run the chosen benchmark; the table and plot appear in `output`."""
        name = self.benchmark.value
        self.button.disabled = True
        self.status.value = f"building and starting <code>Benchmark{html.escape(name)}</code>…"
        try:
            result = run(
                self.target,
                f"^Benchmark{re.escape(name)}$",
                benchtime=self.benchtime.value,
                count=self.count.value,
                progress=self._progress,
            )
        except GomemlabError as error:
            self.status.value = error._repr_html_()
            return None
        finally:
            self.button.disabled = False
        self.result = result
        seconds = result.provenance.seconds
        self.status.value = (
            f"done: {len(result)} runs in {seconds:.1f} s "
            f"(<code>{html.escape(result.provenance.shell)}</code>)"
        )
        units = tuple(u for u in self.units if u in result.units)
        image = ""
        if units:
            figure = result.plot(units=units, title=f"What does one {name} operation cost?")
            image = figures.image_html(figure)
        self.output.value = result._repr_html_() + image
        return result

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
