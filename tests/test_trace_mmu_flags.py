"""`gm.trace.mmu(..., flags=...)` for every combination of the MMU page's five flags (STW,
background, assist, sweep, per-P) equals `go tool trace`'s /mmu?mode=plot data: recorded from
the tool on two traces (fixtures/trace/README.md names the commands), and live."""

from __future__ import annotations

import gzip
import importlib
import itertools
import json
import shutil
import urllib.request
from pathlib import Path

import pytest

import gomemlab as gm

mmu = importlib.import_module("gomemlab.trace.mmu")  # the module, not the function
FIXTURES = Path(__file__).parent / "fixtures" / "trace"
FLAGS = ("stw", "background", "assist", "sweep", "perproc")
COMBINATIONS = [c for n in range(1, 6) for c in itertools.combinations(FLAGS, n)]


def _tool(name: str) -> dict[str, dict]:
    return json.loads(gzip.decompress((FIXTURES / f"{name}.mmu.all.json.gz").read_bytes()))


def _pairs(curve) -> list[list[float]]:
    frame = curve.frame
    return [[round(w * 1e9), m] for w, m in zip(frame.window_s, frame.mmu, strict=True)]


def test_every_combination_was_recorded():
    for name in ("gomaxprocs2", "flight"):
        assert set(_tool(name)) == {mmu.tool_flags(c) for c in COMBINATIONS}


def test_each_flag_changes_the_curve():
    # each flag counts something in these traces: background, assist and sweep each move the
    # curve of stop-the-world alone; per-P moves the tool's default curve
    for name in ("gomaxprocs2", "flight"):
        tool = _tool(name)
        for flag in ("background", "assist", "sweep"):
            assert tool[mmu.tool_flags(("stw", flag))] != tool["stw"], (name, flag)
        default = ("stw", "background", "assist")
        assert tool[mmu.tool_flags(default)] != tool[mmu.tool_flags((*default, "perproc"))]


@pytest.mark.live
@pytest.mark.parametrize("name", ["gomaxprocs2", "flight"])
def test_every_combination_equals_the_recorded_tool(name):
    tool = _tool(name)
    trace = FIXTURES / f"{name}.trace"
    for flags in COMBINATIONS:
        assert _pairs(gm.trace.mmu(trace, flags=flags)) == tool[mmu.tool_flags(flags)]["curve"], (
            flags
        )


@pytest.mark.live
def test_sweep_and_per_proc_equal_the_running_tool(tmp_path):
    file = tmp_path / "t.trace"
    shutil.copy(gm.trace.run(gomaxprocs=2, args=gm.trace.sample_args(items=300)).file, file)
    with gm.trace.web(gm.trace.parse("", file=file)) as ui:
        for flags in (("sweep",), ("perproc",), ("perproc", "sweep"), FLAGS):
            url = f"{ui.direct_url.rstrip('/')}/mmu?mode=plot&flags={mmu.tool_flags(flags)}"
            with urllib.request.urlopen(url, timeout=60) as page:
                tool = json.load(page)
            assert _pairs(gm.trace.mmu(file, flags=flags)) == tool["curve"], flags
