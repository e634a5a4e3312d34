"""Colour never carries meaning alone. Every legend of every plot kind tells its entries apart
under simulated deuteranopia and protanopia (Machado, Oliveira & Fernandes 2009, severity 1,
applied in linear sRGB) by at least `MIN_DELTA_E` (CIE76 ΔE*ab in CIELAB, D65), or the two
entries differ in a second channel: hatch, line style or marker.

ΔE*ab ≈ 2.3 is a just-noticeable difference between large patches side by side; a legend's
swatch and a thin bar far apart need far more: 15 is the bar used here."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from test_a11y_figures import CASES, OPTIONS
from test_results import MAKERS

from gomemlab.errors import UsageError
from gomemlab.escape.palette import CATEGORY_STYLE

MIN_DELTA_E = 15.0
MACHADO = {  # severity 1.0, Machado et al. 2009, Table 1 (linear RGB)
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
}
SRGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
D65 = np.array([0.95047, 1.0, 1.08883])


def _linear(rgb: np.ndarray) -> np.ndarray:
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def lab(linear_rgb: np.ndarray) -> np.ndarray:
    xyz = SRGB_TO_XYZ @ np.clip(linear_rgb, 0, 1) / D65
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(a: str, b: str, vision: str | None) -> float:
    """CIE76 distance between two colours as seen with `vision` (None: typical vision)."""
    seen = []
    for colour in (a, b):
        linear = _linear(np.array(to_rgb(colour)))
        if vision:
            linear = MACHADO[vision] @ linear
        seen.append(lab(linear))
    return float(np.linalg.norm(seen[0] - seen[1]))


def test_the_simulation_matches_known_confusions():
    # red and green collapse for both; blue and yellow stay apart (the deficiencies' axis)
    for vision in MACHADO:
        assert delta_e("#ff0000", "#00a000", vision) < delta_e("#ff0000", "#00a000", None) / 3
        assert delta_e("#0000ff", "#ffff00", vision) > 60
    assert delta_e("#123456", "#123456", "protanopia") == 0


def _handles(fig):
    for legend in [*fig.legends, *(ax.get_legend() for ax in fig.axes)]:
        if legend is not None:
            yield from zip(legend.legend_handles, legend.get_texts(), strict=False)


def _colour(handle) -> str | None:
    from matplotlib.colors import to_hex, to_rgba_array

    for getter in ("get_facecolor", "get_color", "get_markerfacecolor"):
        if hasattr(handle, getter):
            rgba = to_rgba_array(getattr(handle, getter)())
            if len(rgba) and rgba[0][3] > 0:
                return to_hex(rgba[0])
    return None


def _second_channel(handle) -> tuple:
    hatch = handle.get_hatch() if hasattr(handle, "get_hatch") else None
    style = handle.get_linestyle() if hasattr(handle, "get_linestyle") else None
    marker = handle.get_marker() if hasattr(handle, "get_marker") else None
    if hasattr(handle, "get_paths") and not hasattr(handle, "get_marker"):  # a scatter's marker
        paths = handle.get_paths()
        marker = len(paths[0].vertices) if paths else None
    return (hatch or None, str(style) if style not in (None, "None", "") else None, marker)


@pytest.mark.parametrize(("name", "kind"), CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_legend_entries_stay_apart_without_full_colour_vision(name, kind):
    try:
        fig = MAKERS[name]().plot(kind=kind, **OPTIONS.get((name, kind), {}))
    except UsageError as exc:
        pytest.skip(f"{name}.plot(kind={kind!r}) on the recorded data: {exc}")
    entries = [(text.get_text(), h, _colour(h)) for h, text in _handles(fig)]
    clashes = []
    for (a, ha, ca), (b, hb, cb) in itertools.combinations(entries, 2):
        if a == b or ca is None or cb is None or _second_channel(ha) != _second_channel(hb):
            continue
        for vision in (None, *MACHADO):
            distance = delta_e(ca, cb, vision)
            if distance < MIN_DELTA_E:
                clashes.append(
                    f"{a!r} {ca} / {b!r} {cb}: ΔE {distance:.1f} ({vision or 'typical'})"
                )
    assert not clashes, "\n".join(clashes)


def test_escape_verdict_colours_carry_a_symbol_and_a_word_each():
    symbols = [symbol for symbol, _, _, _ in CATEGORY_STYLE.values()]
    words = [word for _, word, _, _ in CATEGORY_STYLE.values()]
    assert len(set(symbols)) == len(symbols) and len(set(words)) == len(words)
