"""The service topic: parsers on recorded output, the loopback rule, fetch errors, and live
runs of the service sample and its load generator (started and stopped by the lab)."""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import gomemlab as gm
from gomemlab import loopback, toolchain
from gomemlab.errors import FetchError, ParseError, ServiceError, UsageError
from gomemlab.service import parse

FIXTURES = Path(__file__).parent / "fixtures" / "service"


# ------------------------------------------------------------------ parsers, recorded output
def test_load_summary_of_a_recorded_run():
    summary = parse.load_summary((FIXTURES / "loadgen.json").read_text())
    assert (summary.sent, summary.failed) == (100, 0)
    assert [lat.endpoint for lat in summary.latencies] == ["report", "search", "user"]
    assert [lat.count for lat in summary.latencies] == [20, 20, 60]
    for lat in summary.latencies:
        assert 0 < lat.p50_ms <= lat.p90_ms <= lat.p99_ms <= lat.max_ms


def test_the_table_form_is_not_taken_for_json():
    with pytest.raises(ParseError, match="not JSON"):
        parse.load_summary((FIXTURES / "loadgen_table.txt").read_text())


def test_metrics_snapshot_of_a_recorded_body():
    snap = parse.metrics_snapshot((FIXTURES / "metrics.json").read_bytes())
    assert snap.unix_nano > 1.7e18
    assert snap.values["/gc/heap/goal:bytes"] >= 4 << 20  # the goal's floor at GOGC=100
    assert snap.values["/sched/gomaxprocs:threads"] >= 1
    assert list(snap.values) == sorted(snap.values)


def test_the_recorded_leak_profile_matches_go_tool_pprof():
    leaks = gm.pprof.load(FIXTURES / "goroutineleak.pb.gz")
    tool = (FIXTURES / "goroutineleak.top.txt").read_text()
    assert "Type: goroutineleak" in tool and "of 90 total" in tool
    assert leaks.total() == 90
    assert leaks.cum(r"main\.\(\*server\)\.search\.func1\.1") == 90


def test_listening_url():
    assert parse.listening_url("x\nlistening on http://127.0.0.1:4242\n") == "http://127.0.0.1:4242"
    assert parse.listening_url("listening soon") is None


@given(st.text(max_size=300))
def test_the_parsers_take_garbage_with_a_parse_error(text):
    for parser in (parse.load_summary, parse.metrics_snapshot):
        with contextlib.suppress(ParseError):
            parser(text)


@given(
    st.dictionaries(st.text(max_size=8), st.one_of(st.none(), st.integers(), st.text(max_size=5)))
)
def test_json_of_the_wrong_shape_is_a_parse_error(data):
    for parser in (parse.load_summary, parse.metrics_snapshot):
        with pytest.raises(ParseError):
            parser(json.dumps(data))


# ------------------------------------------------------------------ loopback only
@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/",
        "http://10.0.0.1:80",
        "https://127.0.0.1:1",
        "ftp://127.0.0.1",
        "127.0.0.1:80",
    ],
)
def test_only_loopback_http_urls_are_fetched(url):
    with pytest.raises(UsageError):
        gm.pprof.fetch(url, "heap")


def test_loopback_names_are_accepted():
    for url in (
        "http://127.0.0.1:1",
        "http://[::1]:1",
        "http://localhost:1",
        "http://127.8.9.10:1",
    ):
        loopback.check_url(url)


def test_profile_urls():
    url = gm.pprof.profile_url
    assert url("http://127.0.0.1:9", "cpu", 2) == "http://127.0.0.1:9/debug/pprof/profile?seconds=2"
    assert (
        url("http://127.0.0.1:9/debug/pprof/", "heap", gc=True)
        == "http://127.0.0.1:9/debug/pprof/heap?gc=1"
    )
    assert (
        url("http://127.0.0.1:9/", "goroutineleak")
        == "http://127.0.0.1:9/debug/pprof/goroutineleak"
    )
    for bad in (
        {"kind": "cpu"},
        {"kind": "heap", "seconds": 1.5},
        {"kind": "allocs", "gc": True},
        {"kind": "nope"},
    ):
        with pytest.raises(UsageError):
            url("http://127.0.0.1:9", **bad)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_nothing_listening_is_a_fetch_error():
    with pytest.raises(FetchError, match="Is the service running"):
        gm.pprof.fetch(f"http://127.0.0.1:{_free_port()}", "heap", timeout=5)


@pytest.fixture
def not_a_profiler():
    """A loopback server that answers every path with text, and 404 for /debug/pprof/nope."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            status = 404 if "goroutineleak" in self.path else 200
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b"Unknown profile\n" if status == 404 else b"<html>hello</html>")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_body_that_is_not_a_profile_is_a_fetch_error(not_a_profiler):
    with pytest.raises(FetchError, match=r"not a profile.*<html>"):
        gm.pprof.fetch(not_a_profiler, "heap")


def test_a_refusal_names_the_status_and_what_the_server_said(not_a_profiler):
    with pytest.raises(FetchError, match=r"404.*Unknown profile"):
        gm.pprof.fetch(not_a_profiler, "goroutineleak")


def test_a_proxy_in_the_environment_is_not_used_for_loopback(not_a_profiler, monkeypatch):
    # A proxy that does not exist: a request sent through it would fail to connect.
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy"):
        monkeypatch.setenv(name, f"http://127.0.0.1:{_free_port()}")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    assert loopback.get(not_a_profiler + "/x", timeout=5) == b"<html>hello</html>"


def test_a_redirect_is_not_followed(monkeypatch):
    class Redirect(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(302)
            self.send_header("Location", "http://example.com/debug/pprof/heap")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(FetchError, match="302"):
            gm.pprof.fetch(f"http://127.0.0.1:{server.server_address[1]}", "heap", timeout=5)
    finally:
        server.shutdown()
        server.server_close()


def test_spikes_of_a_recorded_log():
    log = (FIXTURES / "flight_service.log").read_text()
    caught = parse.spikes(log)
    assert [(s.endpoint, s.took_ns) for s in caught] == [
        ("report", 159940459),
        ("report", 170566663),
    ]
    last = caught[-1]
    assert (last.took, last.median, last.times_median) == ("170.566663ms", "198.14µs", 861)
    assert last.line == "/report took 170.566663ms, 861x the median 198.14µs"
    assert parse.spikes(parse.LISTENING.pattern) == () == parse.spikes("")


@given(st.text())
def test_spikes_take_any_text(text):
    assert all(s.took_ns >= 0 for s in parse.spikes(text))


def test_a_service_without_a_flight_recorder_has_no_window():
    svc = gm.service.Service("http://127.0.0.1:1", (), None, "/nonexistent.log")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="flight=True"):
        svc.window()
    with pytest.raises(UsageError, match="flight=True"):
        svc.spikes()


def test_the_service_and_profile_fetching_load_without_scipy():
    # Chapter 11 fetches and reads profiles but compares none (gm.pprof.compare): SciPy's
    # import (about a second) waits until something asks for the comparison.
    code = (
        "import sys, gomemlab as gm; gm.service.start; gm.pprof.fetch; "
        "print('scipy' in sys.modules); gm.pprof.compare; print('scipy' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["False", "True"], done.stderr


def test_start_refuses_unknown_parts():
    with pytest.raises(UsageError):
        gm.service.start(revised=["cache", "everything"])


# ------------------------------------------------------------------ live
@pytest.mark.live
def test_a_service_serves_profiles_and_metrics_and_stops():
    with gm.service.start() as svc:
        assert svc.url.startswith("http://127.0.0.1:") and svc.running
        report = svc.load(rate=100, seconds=1, mix={"search": 1}).result()
        time.sleep(0.3)  # the two slower backends of the last search answer within 1 ms
        leaks = gm.pprof.fetch(svc.url, "goroutineleak")
        searches = report.frame.set_index("endpoint").loc["search", "count"]
        assert report.load.failed == 0 and searches == 100
        assert leaks.total() == 2 * searches
        assert len(report.snapshots) >= 3 and report.delta("/gc/heap/allocs:objects") > 0
        # the OS's count of the service's CPU time during the load (its process under the
        # reaper, in 10 ms ticks): at most what two cores give in the load's wall time
        assert 0 <= report.cpu_seconds <= 2 * report.provenance.run_seconds + 0.02
        assert report.cpu_per_request == report.cpu_seconds / 100
        heap = gm.pprof.fetch(svc.url, "heap", gc=True)
        assert "inuse_space" in heap.sample_types and heap.path.is_file()
    assert not svc.running
    with pytest.raises(ServiceError, match="has stopped"):
        svc.metrics()


@pytest.mark.live
def test_the_revised_search_leaks_nothing():
    with gm.service.start(revised="search") as svc:
        report = svc.load(rate=100, seconds=1, mix={"search": 1}).result()
        time.sleep(0.3)
        assert report.load.failed == 0
        assert gm.pprof.fetch(svc.url, "goroutineleak").total() == 0


@pytest.mark.live
def test_a_service_that_dies_at_once_is_a_service_error(monkeypatch):
    # An address the service refuses: it exits with its own message, which the error shows.
    from gomemlab.service import run

    start = toolchain.start

    def refuse(args, **kwargs):
        return start([a if a != "127.0.0.1:0" else "0.0.0.0:0" for a in args], **kwargs)

    monkeypatch.setattr(run.toolchain, "start", refuse)
    with pytest.raises(ServiceError, match=r"(?s)did not come up.*loopback address"):
        gm.service.start(timeout=60)


@pytest.mark.live
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the reaper's parent-death signal")
def test_the_service_never_outlives_its_kernel(tmp_path):
    """A kernel killed with SIGKILL (no atexit) still takes its service with it."""
    script = textwrap.dedent(
        """
        import gomemlab as gm, sys, time
        svc = gm.service.start()
        print(svc.process.pid, svc.url, flush=True)
        time.sleep(600)
        """
    )
    kernel = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=os.environ.copy()
    )
    try:
        pid_text, url = kernel.stdout.readline().split()
        reaper_pid = int(pid_text)
        tasks = Path(f"/proc/{reaper_pid}/task").glob("*/children")
        children = [pid for task in tasks for pid in task.read_text().split()]
        assert children, "the reaper started no service"
        service_pid = int(children[0])
        assert toolchain.alive(service_pid)
        gm.pprof.fetch(url, "goroutine")  # it answers
    finally:
        kernel.send_signal(signal.SIGKILL)
        kernel.wait()
    deadline = time.monotonic() + 30  # the reaper kills and reaps, then exits: seconds when busy
    while time.monotonic() < deadline and (
        toolchain.alive(service_pid) or toolchain.alive(reaper_pid)
    ):
        time.sleep(0.05)
    assert not toolchain.alive(service_pid), "the service outlived its kernel"
    assert not toolchain.alive(reaper_pid), "the reaper outlived its kernel"
    with pytest.raises(FetchError):
        gm.pprof.fetch(url, "goroutine", timeout=5)


# ------------------------------------------------------------------ exercises
@pytest.mark.live
def test_the_fanout_exercise_tells_a_leak_from_a_fix():
    start = gm.service.exercises.FANOUT_START
    assert not gm.service.exercises.check_fanout(start).tried
    leaky = start.replace("// first asks", "// First asks")  # changed, still leaking
    verdict = gm.service.exercises.check_fanout(leaky)
    assert not verdict and verdict.evidence["leaked"] == 100, verdict
    # Blocked on a channel that a global keeps reachable: no leak the profile can prove, but
    # still 100 goroutines alive: the second count catches it.
    kept = leaky.replace(
        "replies := make(chan string)",
        "replies := make(chan string)\n\tkeep = append(keep, replies)",
    )
    kept = kept.replace("func main()", "var keep []chan string\n\nfunc main()")
    verdict = gm.service.exercises.check_fanout(kept)
    assert not verdict and verdict.evidence["leaked"] == 0 and verdict.evidence["alive"] >= 100
    fixed = start.replace("make(chan string)", "make(chan string, 3)")
    assert gm.service.exercises.check_fanout(fixed)


def test_the_diagnosis_exercise_reads_the_recorded_leak_profile():
    leaks = gm.pprof.load(FIXTURES / "goroutineleak.pb.gz")
    found = gm.service.exercises._ours(leaks, leaks.default_index)
    assert found == ["main.(*server).search.func1.1"]
    heap = gm.pprof.load(FIXTURES / "heap_gc.pb.gz")
    allocs = gm.pprof.load(FIXTURES / "allocs_delta.pb.gz")
    check = gm.service.exercises.check_diagnosis
    assert gm.service.exercises.diagnosis(heap, allocs, leaks) == {
        "holds_memory": "main.renderUser",
        "allocates_most": "main.buildReport",
        "leaked_goroutines_wait_in": "main.(*server).search.func1.1",
    }
    right = {
        "holds_memory": "renderUser",
        "allocates_most": "main.buildReport",
        "leaked_goroutines_wait_in": "(*server).search.func1.1",
    }
    assert check(heap, allocs, leaks, right)
    wrong = {**right, "allocates_most": "main.renderUser"}
    verdict = check(heap, allocs, leaks, wrong)
    assert not verdict and verdict.evidence["wrong"] == 1 and "allocs profile" in verdict.message


@pytest.mark.live
def test_the_flight_recorder_catches_a_burst_of_long_reports():
    with gm.service.start(flight=True) as svc:
        with pytest.raises(ServiceError, match="no spike yet"):
            svc.window()
        ordinary = svc.load(rate=200, seconds=2, mix={"user": 1})
        time.sleep(0.8)  # 100 requests before a spike can count
        burst = svc.load(rate=2, seconds=1, mix={"report": 1}, rows=4000)
        ordinary.result(), burst.result()
        caught = svc.spikes()
        window = svc.window()
    assert caught and caught[-1].endpoint == "report"
    said = window.logs[window.logs.category == "spike"]
    assert said.message.iloc[-1] == caught[-1].line
    tasks = gm.trace.summarize(window).tasks.set_index("task")
    assert tasks.type[said.task.iloc[-1]] == "/report" and tasks.complete[said.task.iloc[-1]]
    assert Path(window.file).parent != Path(svc.flight_file).parent, "a copy, not the live file"


@pytest.mark.live
def test_a_service_trace_over_http_has_its_requests_as_tasks():
    with gm.service.start() as svc:
        running = svc.load(rate=100, seconds=2, mix={"user": 1, "search": 1})
        trace = svc.trace(seconds=1)
        running.result()
    types = set(gm.trace.summarize(trace).tasks.type)
    assert {"/user", "/search"} <= types and trace.file.is_file()


@pytest.mark.live
def test_load_returns_once_requests_flow():
    """A profile taken right after `load()` covers requests, however slowly loadgen started."""
    with gm.service.start() as svc:
        running = svc.load(rate=100, seconds=2, mix={"report": 1})
        allocs = gm.pprof.fetch(svc.url, "allocs", seconds=1)
        running.result()
        assert allocs.top("alloc_space", 1).function[0] == "main.buildReport"


def test_latency_bars_tell_the_runs_apart_without_colour():
    import pandas as pd

    from gomemlab.service.plots import HATCHES, latency_bars

    frame = pd.DataFrame({"endpoint": ["report", "user"], "p99_ms": [5.6, 2.9]})
    fig = latency_bars({"baseline": frame, "revised": frame.assign(p99_ms=[1.8, 3.2])})
    hatches = {bar.get_label(): bar.patches[0].get_hatch() or "" for bar in fig.axes[0].containers}
    assert hatches == {"baseline": HATCHES[0], "revised": HATCHES[1]} and HATCHES[0] != HATCHES[1]
