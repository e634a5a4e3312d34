"""Every plot kind of every result carries a text alternative made from its data: the picture's
`alt` in JupyterLab and in a handout (the figure's `text/html`), the same words as its
`text/plain`, and numbers from the result's own table among them."""

from __future__ import annotations

import html
import inspect
import math
import re

import numpy as np
import pandas as pd
import pytest
from test_results import MAKERS

import gomemlab as gm
from gomemlab import figures
from gomemlab.errors import UsageError

SCALES = (1, 1e-3, 1e-6, 1e-9, 1e3, 1e6, 100, 2**-10, 2**-20, 2**-30)
"""Units a plot may show a column in: as recorded, ns→µs/ms/s, s→ms/µs, a share as %,
bytes→KiB/MiB/GiB."""
NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")

OPTIONS = {("BenchResult", "scaling"): {"param": "size"}}
"""Plot kinds that need to be told what to draw."""

CASES = [
    (name, kind)
    for name, make in sorted(MAKERS.items())
    for kind in getattr(type(make()), "PLOT_KINDS", ())
]


def _frame_numbers(result) -> np.ndarray:
    """The numbers of every table the result shows (`.frame`, and e.g. a load report's
    `.metrics`, which its memory figure draws)."""
    tables = [
        value
        for name, kind in inspect.getmembers(type(result))
        if not name.startswith("_") and isinstance(kind, property | gm.result.table_property)
        for value in [_table(result, name)]
        if isinstance(value, pd.DataFrame)
    ]
    numbers = np.concatenate(
        [t.select_dtypes("number").to_numpy(dtype=float).ravel() for t in tables] or [[]]
    )
    return np.unique(numbers[np.isfinite(numbers)])


def _table(result, name: str) -> object:
    try:
        return getattr(result, name)
    except (AttributeError, ValueError):
        return None


def _telling(value: float) -> bool:
    """Not a number any plot shows by chance (a small count, an axis end)."""
    return abs(value) >= 10 or value != int(value)


def _matched(shown: list[float], data: np.ndarray) -> set[float]:
    hits = set()
    for value in shown:
        if not _telling(value):
            continue
        for scale in SCALES:
            scaled = data * scale
            if np.any(np.isclose(scaled, value, rtol=0.006, atol=0)):
                hits.add(value)
                break
    return hits


def test_every_class_that_plots_is_covered():
    assert {name for name, _ in CASES} >= {
        "BenchResult",
        "EscapeReport",
        "GCLog",
        "Profile",
        "Trace",
        "Layout",
        "LifetimesRun",
        "CopyCost",
        "ReleaseMatrix",
    }


@pytest.mark.parametrize(("name", "kind"), CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_a_figure_says_what_it_shows_with_its_numbers(name, kind):
    result = MAKERS[name]()
    try:
        fig = result.plot(kind=kind, **OPTIONS.get((name, kind), {}))
    except UsageError as exc:  # this recording has no data of that kind: say so, don't hide it
        pytest.skip(f"{name}.plot(kind={kind!r}) on the recorded data: {exc}")
    assert isinstance(fig, figures.LabFigure), "made by figures.new, so it shows its alternative"
    bundle = fig._repr_mimebundle_()
    alt = bundle["text/plain"]
    picture = bundle["text/html"]  # an <img> with its alt, or a static SVG labelled with it
    assert f'alt="{html.escape(alt)}"' in picture or f'aria-label="{html.escape(alt)}"' in picture
    title = fig.axes[0].get_title() or fig.get_suptitle()
    assert title and title in alt, "it names what the figure shows"
    shown = [float(n) for n in NUMBER.findall(alt)]
    hits = _matched(shown, _frame_numbers(result))
    assert len(hits) >= 2 or (
        # a table with fewer telling numbers than that: every one of them is said
        {v for v in _frame_numbers(result) if _telling(v)} and len(hits) >= 1
    ), f"no numbers of {name}.frame in its {kind} figure's alternative:\n{alt}"
    assert all(math.isfinite(v) for v in shown)


def test_a_widget_picture_carries_its_alternative_and_follows_the_slider():
    import gomemlab as gm
    from gomemlab.snapshot import static_html

    explorer = gm.gc.guide_explorer(1)
    before = explorer.image.alt_text  # the handout picture's alt
    assert f"up to y {explorer.result.peak_mib:.3g}" in before  # the peak, from the model
    assert f'alt="{html.escape(before)}"' in static_html(explorer.image)  # in a handout
    explorer.gogc.value = 400
    assert explorer.image.alt_text != before, "the words follow the picture"
