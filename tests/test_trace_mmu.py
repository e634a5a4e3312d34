"""Minimum mutator utilization (`gm.trace.mmu`): the numbers `go tool trace` serves at
/mmu?mode=plot, on recorded tool output (fixtures/trace/README.md names the commands), live
against the running tool, and on garbage."""

from __future__ import annotations

import importlib
import itertools
import json
import shutil
import urllib.request
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import gomemlab as gm
from gomemlab.errors import GoCommandError, UsageError
from gomemlab.provenance import Provenance

mmu = importlib.import_module("gomemlab.trace.mmu")  # the module, not the function
FIXTURES = Path(__file__).parent / "fixtures" / "trace"
TRACE = FIXTURES / "gomaxprocs2.trace"
RECORDED = {
    ("stw", "background", "assist"): "stw-background-assist",
    ("stw",): "stw",
    ("stw", "background", "assist", "sweep"): "stw-background-assist-sweep",
    ("perproc", "stw", "background", "assist"): "perProc-stw-background-assist",
}


def _tool(name: str) -> dict:
    return json.loads((FIXTURES / f"gomaxprocs2.mmu.{name}.json").read_text())


def _pairs(curve: mmu.MMU) -> list[list[float]]:
    frame = curve.frame
    return [[round(w * 1e9), m] for w, m in zip(frame.window_s, frame.mmu, strict=True)]


def test_the_tools_json_reads_as_a_frame_of_windows_in_seconds():
    tool = _tool("stw-background-assist")
    curve = mmu.parse_output(json.dumps(tool), ("stw",), Provenance())
    assert list(curve.frame.columns) == ["window_s", "mmu"]
    assert len(curve.frame) == 100
    assert curve.frame.window_s.iloc[0] == pytest.approx(tool["xMin"] / 1e9, rel=1e-5)
    assert curve.frame.window_s.iloc[-1] == pytest.approx(tool["xMax"] / 1e9, rel=1e-5)
    assert _pairs(curve) == tool["curve"]


@pytest.mark.parametrize("flags", [(), ("stw", "nope"), "stw|assist", [3], None], ids=repr)
def test_unknown_flags_are_a_usage_error_naming_the_choices(flags):
    with pytest.raises(UsageError, match="stw"):
        mmu.tool_flags(flags)


def test_flags_are_written_as_the_tool_names_them():
    assert mmu.tool_flags(("perproc", "STW", "stw")) == "perProc|stw"
    assert mmu.tool_flags("sweep") == "sweep"


@pytest.mark.parametrize("windows", [[0], [-1.0], [float("nan")], ["1"], [True], [1e300]])
def test_windows_must_be_positive_seconds(windows):
    with pytest.raises(UsageError, match="window"):
        mmu.window_ns(windows)


def test_windows_are_whole_nanoseconds():
    assert mmu.window_ns([0.001, 2e-9, 1]) == [1_000_000, 2, 1_000_000_000]
    assert mmu.window_ns(None) == []
    with pytest.raises(UsageError, match="empty"):
        mmu.window_ns([])


@given(st.text(max_size=200))
def test_any_other_output_is_a_go_command_error(text):
    try:
        json.loads(text)["curve"]
    except (ValueError, KeyError, TypeError, IndexError):  # not a curve: that is the case tried
        with pytest.raises(GoCommandError, match="no curve"):
            mmu.parse_output(text, (), Provenance())


def test_a_trace_without_a_file_is_a_usage_error():
    with pytest.raises(UsageError, match="no trace file"):
        gm.trace.mmu(gm.trace.parse(""))


def test_at_names_only_windows_of_the_curve():
    curve = mmu.parse_output(json.dumps(_tool("stw")), ("stw",), Provenance())
    assert curve.at(curve.frame.window_s.iloc[-1]) == curve.frame.mmu.iloc[-1]
    with pytest.raises(UsageError, match="windows="):
        curve.at(12.5)


@pytest.mark.live
@pytest.mark.parametrize("flags", list(RECORDED), ids="|".join)
def test_equal_to_the_recorded_mmu_page_data(flags):
    tool = _tool(RECORDED[flags])
    trace = gm.trace.parse("", file=TRACE)
    assert _pairs(gm.trace.mmu(trace, flags=flags)) == tool["curve"]  # the tool's own 100 windows
    windows = [w / 1e9 for w, _ in tool["curve"]]
    assert gm.trace.mmu(trace, windows, flags).frame.mmu.tolist() == [m for _, m in tool["curve"]]


@pytest.mark.live
def test_equal_to_the_running_tool(tmp_path):
    file = tmp_path / "t.trace"
    shutil.copy(FIXTURES / "gomaxprocs1.trace", file)
    trace = gm.trace.parse("", file=file)
    with gm.trace.web(trace) as ui:
        for flags in (("stw", "background", "assist"), ("perproc", "stw", "sweep")):
            url = f"{ui.direct_url.rstrip('/')}/mmu?mode=plot&flags={mmu.tool_flags(flags)}"
            with urllib.request.urlopen(url, timeout=60) as page:
                tool = json.load(page)
            assert _pairs(gm.trace.mmu(trace, flags=flags)) == tool["curve"]


@pytest.mark.live
def test_zero_inside_the_longest_pause_and_the_guaranteed_mutator_time_never_shrinks():
    trace = gm.trace.read(TRACE)
    gc_pauses = trace.pauses[trace.pauses.reason.str.startswith("GC")]  # only these count
    longest = gc_pauses.duration_ns.max() / 1e9
    curve = gm.trace.mmu(trace, [longest / 2, longest, longest * 10], flags=("stw",))
    assert curve.at(longest / 2) == 0.0 and curve.at(longest) == 0.0
    assert curve.at(longest * 10) > 0.0
    frame = gm.trace.mmu(TRACE, flags=("stw",)).frame
    # The MMU itself may dip as the window grows (this trace's does, as the tool's page shows:
    # a longer window can take in a second pause), but a window holds every shorter one, so the
    # least mutator time a window guarantees, w * MMU(w), never shrinks (up to rounding).
    assert not frame.mmu.is_monotonic_increasing
    guaranteed = (frame.window_s * frame.mmu).tolist()
    assert all(b >= a * (1 - 1e-12) for a, b in itertools.pairwise(guaranteed))


@pytest.mark.live
def test_a_file_that_is_no_trace_is_a_readable_error(tmp_path):
    bad = tmp_path / "bad.trace"
    bad.write_bytes(b"not a trace")
    with pytest.raises(GoCommandError, match="computing the MMU of"):
        mmu.compute(bad)


def test_counting_background_workers_the_tools_curve_stops_early():
    # Go 1.27.3 counts a mark worker that runs again twice (its start and its "GC (...)" label
    # both add one, its stop takes one away): its P soon looks busy with GC for good, and the
    # utilization (the tool's default view) ends long before the trace does. 06 §8 says so.
    assert _tool("stw-background-assist")["xMax"] < _tool("stw")["xMax"] / 3
