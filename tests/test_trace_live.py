"""Traces recorded and read by the real toolchain: the sample, `go test -trace`, the web UI."""

from __future__ import annotations

import gzip
import shutil
import urllib.request
from pathlib import Path

import pytest

import gomemlab as gm
from gomemlab import workspace
from gomemlab.trace import fastread

pytestmark = pytest.mark.live
FIXTURES = Path(__file__).parent / "fixtures" / "trace"


def test_load_reads_what_the_recorded_text_says():
    loaded = gm.trace.read(FIXTURES / "gomaxprocs2.trace")
    with gzip.open(FIXTURES / "gomaxprocs2.parsed.txt.gz", "rt") as f:
        recorded = gm.trace.parse_events(f)
    assert loaded.parsed.rows == recorded.rows
    assert loaded.parsed.stacks == recorded.stacks
    assert loaded.provenance.run_seconds > 0
    assert Path(loaded.provenance.command[0]).name == "tracereader"  # the compiled reader
    assert loaded.provenance.release.startswith("1.27")


def test_gomaxprocs_sets_the_number_of_lanes_and_parallelism():
    one = gm.trace.run(gomaxprocs=1, args=gm.trace.sample_args(items=400, live_mib=2))
    two = gm.trace.run(gomaxprocs=2, args=gm.trace.sample_args(items=400, live_mib=2))
    assert "GOMAXPROCS=1" in one.program_output and "GOMAXPROCS=2" in two.program_output
    assert one.provenance.build_seconds > 0 and one.provenance.run_seconds > 0
    assert "-trace" in one.provenance.command and one.provenance.files == (str(one.file),)
    assert (one.gomaxprocs, two.gomaxprocs) == (1, 2)
    assert set(one.running.p) == {0} and set(two.running.p) == {0, 1}
    one.expect_at_most_parallel(1)
    two.expect_parallel(2)
    for trace in (one, two):
        trace.expect_gc_cycles(1).expect_user_ran_during_mark()


def test_go_test_trace_records_a_test():
    trace = gm.trace.run(test="TestWork")
    assert "testing.tRunner" in set(trace.goroutines.name)  # each test runs in a goroutine
    functions = {frame.func for stack in trace.stacks for frame in stack}
    assert "gosamples/trace.TestWork" in functions


def test_the_web_ui_starts_on_loopback_answers_and_stops(tmp_path):
    file = tmp_path / "t.trace"
    shutil.copy(FIXTURES / "gomaxprocs1.trace", file)
    trace = gm.trace.parse("", file=file)
    with gm.trace.web(trace) as ui:
        assert ui.url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(ui.url, timeout=30) as page:
            assert page.status == 200
        assert "127.0.0.1" in ui._repr_html_()
    assert not ui.running


def test_a_corrupt_trace_file_is_a_readable_error(tmp_path):
    bad = tmp_path / "bad.trace"
    bad.write_bytes(b"go 1.27 trace\x00\x00\x00garbage")
    with pytest.raises(gm.GoCommandError, match="could not read"):
        gm.trace.read(bad)


def test_a_program_without_a_trace_flag_is_a_clear_error():
    quiet = gm.snippet("package main\n\nfunc main() {}\n")
    with pytest.raises(gm.GoCommandError, match="wrote no trace"):
        gm.trace.record(quiet)


def test_runs_write_only_into_scratch_folders():
    before = sorted(p.name for p in gm.sample("trace").dir.iterdir())
    file = gm.trace.record(args=gm.trace.sample_args(items=50, live_mib=1)).file
    assert workspace.scratch_root() in file.parents
    assert sorted(p.name for p in gm.sample("trace").dir.iterdir()) == before


def test_a_parse_error_while_streaming_is_raised_without_stalling_the_tool(monkeypatch):
    def refuse(self, line):
        raise gm.ParseError("refused on purpose", line_no=1, line=line)

    monkeypatch.setattr(gm.trace.EventParser, "feed_lines", refuse)
    monkeypatch.setattr(fastread, "reader", lambda: None)  # the text path streams
    with pytest.raises(gm.ParseError, match="refused on purpose"):
        gm.trace.read(FIXTURES / "gomaxprocs2.trace", timeout=60)  # no hang until the timeout


def test_a_busy_port_is_refused_before_the_tool_starts(tmp_path):
    import socket

    file = tmp_path / "t.trace"
    shutil.copy(FIXTURES / "gomaxprocs1.trace", file)
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        with pytest.raises(gm.UsageError, match="in use"):
            gm.trace.web(gm.trace.parse("", file=file), port=other.getsockname()[1])


def test_an_exercise_answer_that_does_not_compile_is_a_not_yet():
    verdict = gm.trace.exercises.check_stack_buffers(
        "func work(item int) int { return nope }", items=50
    )
    assert not verdict.passed and "does not compile" in verdict.message


def test_a_failed_claim_quotes_the_run_that_made_the_trace():
    loaded = gm.trace.read(FIXTURES / "gomaxprocs1.trace")
    with pytest.raises(AssertionError, match=r"(?s)GC cycle.*trace from: \$ tracereader"):
        loaded.expect_gc_cycles(1000)
