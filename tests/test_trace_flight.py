"""The flight recorder demo (`gm.trace.flight`): the window it writes after a latency spike
holds the spike, read with the lab's reader; flags checked; Go before 1.25 cannot build it."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_trace_goroutines import recorded

import gomemlab as gm
from gomemlab.errors import GoCommandError, UsageError

FIXTURES = Path(__file__).parent / "fixtures" / "trace"


def test_args_name_the_demos_flags():
    assert gm.trace.flight.args(requests=10, spike=3, burst_mib=8, factor=5, least_ms=20) == [
        "-requests", "10", "-spike", "3", "-burst", "8", "-factor", "5", "-least", "20ms",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "bad",
    [{"requests": 0}, {"spike": 10, "requests": 10}, {"spike": -1}, {"factor": 0},
     {"burst_mib": -2}, {"least_ms": float("nan")}],
)  # fmt: skip
def test_bad_settings_are_usage_errors(bad):
    with pytest.raises(UsageError):
        gm.trace.flight.args(**bad)


def test_a_run_that_caught_nothing_says_so():
    window = gm.trace.parse("", program_output="no spike seen\n")
    with pytest.raises(GoCommandError, match="reported no spike"):
        gm.trace.flight.caught(window)


def test_the_window_is_the_one_written_last():
    # the demo writes the window again at each new slowest request: the file holds the last
    said = (
        "spike: request 97 took 120.5ms, 9270x the median 13µs; window written\n"
        "spike: request 150 took 1.2s, 92307x the median 13µs; window written\n"
    )
    spike = gm.trace.flight.caught(gm.trace.parse("", program_output=said))
    assert (spike.request, spike.took, spike.times_median) == (150, "1.2s", 92307)


@pytest.mark.live  # the window is read with the lab's trace reader, a Go program
def test_the_recorded_window_holds_the_spike_that_made_it():
    # a recorded window (its summary as the summary program printed it): the demo's log and
    # every request up to the spiking one, complete; the spike is the slowest and the last
    s = recorded("flight")
    requests = s.tasks[s.tasks.type == "request"]
    assert len(requests) == 151 and requests.complete.all()
    slowest = requests.loc[requests.duration_ns.idxmax()]
    assert slowest.end == requests.end.max() and slowest.duration_ns > 300e6
    logs = gm.trace.read(FIXTURES / "flight.trace").logs
    assert list(logs.category) == ["spike"] and "request 150 took" in logs.message.iloc[0]


@pytest.mark.live
def test_the_window_holds_the_spike_it_was_written_for():
    window = gm.trace.flight.run(flags=gm.trace.flight.args(requests=120, spike=80))
    spike = gm.trace.flight.caught(window)
    assert spike.request == 80 and spike.times_median >= 20
    s = gm.trace.summarize(window)
    requests = s.tasks[s.tasks.type == "request"]
    slowest = requests.loc[requests.duration_ns.idxmax()]
    # the spiking request is in the window, complete, the slowest and the last one in it
    assert slowest.complete and slowest.end == requests.end.max()
    assert slowest.duration_ns >= 20 * requests.duration_ns.median()
    logs = window.logs
    said = logs[(logs.category == "request") & (logs.task == slowest.task)].message
    assert said.tolist() == ["80"]  # the slowest task is request 80, by its own log
    gc = window.gc
    during = gc[(gc.start >= slowest.start) & (gc.end <= slowest.end)]
    assert len(during) >= 1  # the cause: the burst's allocations ran the GC inside the request


@pytest.mark.live
def test_before_go_1_25_the_demo_does_not_build():
    with pytest.raises(GoCommandError, match="NewFlightRecorder"):
        gm.trace.flight.run(go="1.24")
