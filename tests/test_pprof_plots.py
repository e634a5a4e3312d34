"""Profile plots: pure functions of recorded profiles; boxes, labels and titles checked."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.patches import Rectangle

import gomemlab as gm
from gomemlab.pprof import flame_plot, plots

HERE = Path(__file__).parent / "fixtures" / "pprof"


@pytest.fixture(scope="module")
def mem():
    return gm.pprof.load(HERE / "mem.pprof")


def _texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_flame_graph_boxes_and_labels(mem):
    fig = mem.plot("flame", "alloc_space")
    ax = fig.axes[0]
    boxes = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert boxes
    top_level = [b for b in boxes if b.get_y() == 0]
    assert sum(b.get_width() for b in top_level) == pytest.approx(1.0, abs=0.01)
    texts = _texts(fig)
    assert any(t.startswith("strings.Fields") for t in texts)
    assert any(t.startswith("main.countWasteful") for t in texts)
    assert "alloc_space" in ax.get_title() and "MiB" in ax.get_title()


@pytest.mark.parametrize("name", ["mem", "cpu"])
def test_flame_labels_fit_inside_their_boxes(name):
    profile = gm.pprof.load(HERE / f"{name}.pprof")
    fig = profile.plot("flame")
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    ax = fig.axes[0]
    boxes = [p.get_window_extent(renderer) for p in ax.patches]
    assert ax.texts
    for text in ax.texts:
        extent = text.get_window_extent(renderer)
        home = [
            b
            for b in boxes
            if b.x0 - 1 <= extent.x0 <= b.x1 and b.y0 - 1 <= extent.y0 and extent.y1 <= b.y1 + 1
        ]
        assert home, f"label {text.get_text()!r} is not inside a box"
        assert extent.x1 <= max(b.x1 for b in home) + 1, f"{text.get_text()!r} overflows"


def test_flame_graph_colours_your_code_by_file(mem):
    fig = mem.plot("flame", "alloc_space")
    colours = {p.get_facecolor()[:3] for p in fig.axes[0].patches}
    assert len(colours) == 3  # your code, runtime, standard library


def test_flame_graph_of_nothing_says_so():
    frame = pd.DataFrame({"callstack": [("a",)], "value": [0]})
    fig = flame_plot.flame_graph(frame, unit="bytes", sample_index="inuse_space")
    assert "no samples" in _texts(fig)[0]


def test_cpu_flame_from_a_root():
    cpu = gm.pprof.load(HERE / "cpu.pprof")
    fig = cpu.plot("flame", root="main.main")
    assert "from main.main" in fig.axes[0].get_title()
    # the question, then what was measured (05's handout once read "account for the cpu?")
    assert fig.axes[0].get_title().startswith("Which call paths use the most CPU time? (cpu: ")
    assert "ms" in fig.axes[0].get_xlabel()


def test_top_bars(mem):
    fig = mem.plot("top", "alloc_space", n=6)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == "strings.Fields"
    assert ax.get_xlabel() == "alloc_space (MiB)"
    assert "alloc_space" in ax.get_title()
    assert mem.plot("top") is not None and mem.plot("flame") is not None
    with pytest.raises(ValueError, match="kind"):
        mem.plot("pie")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("main.countWasteful", "main"),
        ("runtime.mallocgc", "runtime"),
        ("internal/runtime/maps.(*Map).getWithKey", "runtime"),
        ("strings.Fields", "std"),
        ("internal/bytealg.MakeNoZero", "std"),
    ],
)
def test_family_by_name(name, expected):
    assert plots.family(name) == expected


def test_family_by_file_for_test_binaries():
    assert plots.family("gosamples/pprof.corpus", "/w/gosamples/pprof/main.go", "/go") == "main"
    assert plots.family("strings.Fields", "/go/src/strings/strings.go", "/go") == "std"


@pytest.mark.parametrize(
    ("chars", "label"),
    [
        (40, "builder.(*Builder).grow 12%"),
        (25, "builder.(*Builder).grow"),
        (10, "grow"),
        (6, "grow"),
        (3, ""),
    ],
)
def test_box_labels_shrink_to_the_room(chars, label):
    assert plots.box_label("strings/builder.(*Builder).grow", 0.12, chars) == label


@pytest.mark.parametrize("chars", range(17))
def test_a_box_label_is_never_a_name_cut_short(chars):
    """ "mapassign_f…" names no function: a box too narrow for the bare name stays blank."""
    label = plots.box_label("internal/runtime/maps.mapassign_faststr", 0.02, chars)
    assert label == ("mapassign_faststr" if chars >= 17 else ""), label
    assert "…" not in label


def test_short_names_and_scales():
    assert plots.short_name("internal/runtime/maps.(*Map).get") == "maps.(*Map).get"
    assert plots.scale_for("bytes", 50 * 2**20) == (2**20, "MiB")
    assert plots.scale_for("nanoseconds", 3e8) == (1e6, "ms")
    assert plots.scale_for("count", 10) == (1.0, "count")
