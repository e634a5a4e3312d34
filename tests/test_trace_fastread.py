"""The compiled trace reader (`gomemlab.trace.fastread`) and its columns format: the same events
as the text of `go tool trace -d=parsed`, on recorded real output, live and on garbage."""

from __future__ import annotations

import dataclasses
import gzip
import importlib
import re
import struct
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gomemlab as gm
from gomemlab import toolchain, versions, workspace
from gomemlab.trace import fastread, parse_events
from gomemlab.trace.parse import parse_columns

trace_run = importlib.import_module("gomemlab.trace.run")  # the module, not the function
FIXTURES = Path(__file__).parent / "fixtures" / "trace"
FIELDS = ("rows", "stack", "transition_stack", "stacks", "lines", "head")


def _recorded_text(name: str) -> gm.trace.ParsedEvents:
    with gzip.open(FIXTURES / f"{name}.parsed.txt.gz", "rt") as f:
        return parse_events(f)


def _same(a: gm.trace.ParsedEvents, b: gm.trace.ParsedEvents) -> None:
    for name in FIELDS:
        assert getattr(a, name) == getattr(b, name), name


@pytest.fixture(scope="module")
def columns() -> bytes:
    return gzip.decompress((FIXTURES / "gomaxprocs1.columns.gz").read_bytes())


# ---------------------------------------------------------------- the columns format (pure)
def test_recorded_columns_read_as_the_recorded_text_parses(columns):
    parsed = parse_columns(columns)
    _same(parsed, _recorded_text("gomaxprocs1"))
    kinds = {row[4] for row in parsed.rows}
    assert {
        "StateTransition",
        "Metric",
        "RangeBegin",
        "RangeEnd",
        "Sync",
        "TaskBegin",
        "RegionBegin",
        "Log",
        "Label",
    } <= kinds
    assert any(row[10] is None for row in parsed.rows)  # no value: None, as the text parser


def _offsets(data: bytes) -> tuple[int, int]:
    """Where the first stack id and the first string code of a columns file are."""
    (n,) = struct.unpack_from("<Q", data, 8)
    return 16 + 7 * 8 * n, 16 + 10 * 8 * n


def test_a_broken_columns_file_is_a_parse_error(columns):
    stack_at, code_at = _offsets(columns)
    broken = [
        columns[:cut]
        for cut in (0, 7, 8, 12, 16, stack_at + 3, code_at + 1, len(columns) // 3, len(columns) - 1)
    ]
    broken += [
        columns + b"\x00",
        b"GMTRACE2" + columns[8:],
        columns[:stack_at] + struct.pack("<q", 10**9) + columns[stack_at + 8 :],
        columns[:code_at] + struct.pack("<i", -5) + columns[code_at + 4 :],
    ]
    for data in broken:
        with pytest.raises(gm.ParseError, match="trace reader columns"):
            parse_columns(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400), st.integers(min_value=0, max_value=40))
def test_garbage_after_the_header_parses_or_raises_parse_error(body, events):
    data = b"GMTRACE1" + struct.pack("<Q", events) + body
    try:
        parsed = parse_columns(data)
    except gm.ParseError:
        return
    assert len(parsed.rows) == len(parsed.stack) == events


@pytest.mark.parametrize("source", ["GMTRACE1", None, 42])
def test_a_source_that_is_not_bytes_is_a_usage_error(source):
    with pytest.raises(gm.UsageError, match="bytes"):
        parse_columns(source)


def test_only_internal_trace_packages_are_copied(tmp_path):
    root = tmp_path / "goroot"
    (root / "src/internal/trace/sub").mkdir(parents=True)
    (root / "src/internal/trace/a.go").write_text(
        'package trace\n\nimport "internal/trace/sub"\n\nvar X = sub.Y\n'
    )
    (root / "src/internal/trace/a_test.go").write_text("package trace\n")
    (root / "src/internal/trace/sub/b.go").write_text("package sub\n\nvar Y = 1\n")
    assert fastread._copy_packages(root, tmp_path / "copy")
    assert f'"{fastread.MODULE}/trace/sub"' in (tmp_path / "copy/trace/a.go").read_text()
    assert (tmp_path / "copy/trace/sub/b.go").is_file()
    assert not (tmp_path / "copy/trace/a_test.go").exists()
    (root / "src/internal/trace/sub/b.go").write_text('package sub\n\nimport "internal/abi"\n')
    assert not fastread._copy_packages(root, tmp_path / "again")


# ---------------------------------------------------------------- the reader (live)
@pytest.mark.live
@pytest.mark.parametrize("name", ["gomaxprocs1", "gomaxprocs2"])
def test_the_reader_reads_a_trace_as_the_tool_prints_it(name):
    binary = fastread.reader()
    assert binary is not None, "the trace reader did not build with the pinned Go"
    parsed, done = fastread.read(binary, FIXTURES / f"{name}.trace", timeout=120)
    _same(parsed, _recorded_text(name))
    assert done.ok and done.command[0] == str(binary)


@pytest.mark.live
def test_load_reads_with_the_reader_and_shows_its_command_short():
    loaded = gm.trace.read(FIXTURES / "gomaxprocs2.trace")
    assert loaded.provenance.shell.startswith("tracereader ")
    assert not re.search(r"[0-9a-f]{16}", loaded.provenance.shell)
    assert loaded.provenance.release.startswith("1.27")
    leftovers = list((workspace.scratch_root() / "runs").glob("trace-read-*"))
    assert not leftovers, leftovers


@pytest.mark.live
def test_without_the_reader_load_parses_the_tools_text(monkeypatch):
    monkeypatch.setattr(fastread, "reader", lambda: None)
    loaded = gm.trace.read(FIXTURES / "gomaxprocs1.trace")
    _same(loaded.parsed, _recorded_text("gomaxprocs1"))
    assert loaded.provenance.command[1:4] == ("tool", "trace", "-d=parsed")


@pytest.mark.live
def test_the_reader_reads_a_fresh_trace_as_the_tool_prints_it():
    file = gm.trace.record(args=gm.trace.sample_args(items=300, live_mib=1)).file
    text, _ = trace_run.read_text(file, timeout=120)
    parsed, _ = fastread.read(fastread.reader(), file, timeout=120)
    _same(parsed, text)


OLD_RELEASE_PROGRAM = """package main

import (
	"flag"
	"os"
	"runtime/trace"
)

var sink [][]byte

func main() {
	out := flag.String("trace", "", "trace file")
	flag.Parse()
	f, _ := os.Create(*out)
	trace.Start(f)
	for i := 0; i < 100000; i++ {
		sink = append(sink, make([]byte, 64))
		if len(sink) > 1000 {
			sink = nil
		}
	}
	trace.Stop()
	f.Close()
}
"""


@pytest.mark.live
@pytest.mark.parametrize("release", ["1.21", "1.22"])
def test_traces_of_older_releases_read_as_the_tool_prints_them(release):
    """Go 1.21 wrote the old trace format, which the reader converts as the tool does."""
    found = versions.install(release, progress=False)
    file = gm.trace.record(gm.snippet(OLD_RELEASE_PROGRAM, go=found), go=found).file
    text, _ = trace_run.read_text(file, timeout=120)
    parsed, _ = fastread.read(fastread.reader(), file, timeout=120)
    _same(parsed, text)
    assert len(parsed.rows) > 100


ODD_TEXT_PROGRAM = """package main

import (
	"context"
	"flag"
	"os"
	"runtime/trace"
)

func main() {
	out := flag.String("trace", "", "trace file")
	flag.Parse()
	f, _ := os.Create(*out)
	trace.Start(f)
	ctx, task := trace.NewTask(context.Background(), "t\\xff\\\"quoted\\\"\\nnext")
	trace.Log(ctx, "caf\\xc3\\xa9 \\xfe", "tab\\there \\u00e9 \\U0001F600 \\x00")
	trace.WithRegion(ctx, "r\\xe2\\x82", func() {})
	task.End()
	trace.Stop()
	f.Close()
}
"""


@pytest.mark.live
def test_odd_bytes_in_names_read_as_the_tools_text_decodes_them():
    """Invalid UTF-8, quotes, escapes and control bytes in task, log and region names."""
    file = gm.trace.record(gm.snippet(ODD_TEXT_PROGRAM)).file
    text, _ = trace_run.read_text(file, timeout=120)
    parsed, _ = fastread.read(fastread.reader(), file, timeout=120)
    _same(parsed, text)
    names = {row[7] for row in parsed.rows if row[4] in ("TaskBegin", "Log", "RegionBegin")}
    assert 't\xff"quoted"\nnext' in names and "café \xfe" in names, names


@pytest.mark.live
def test_a_failed_build_is_no_reader_and_leaves_nothing(tmp_path):
    broken = tmp_path / "goroot"
    (broken / "src/internal/trace").mkdir(parents=True)
    (broken / "src/internal/trace/x.go").write_text("package trace\n\nthis is not Go\n")
    found = dataclasses.replace(toolchain.find_go(), goroot=broken)
    binary = tmp_path / "bin" / "d" / "tracereader"
    assert not fastread._build(found, binary)
    assert not binary.exists() and not list((tmp_path / "bin").glob(".tracereader-*"))


@pytest.mark.live
def test_a_file_the_reader_refuses_gets_the_tools_own_words(tmp_path):
    not_a_trace = tmp_path / "t.out"
    not_a_trace.write_text("checksum 123\n")  # what `./app > t.out` keeps (notebook 06)
    cut = tmp_path / "cut.trace"
    cut.write_bytes((FIXTURES / "gomaxprocs1.trace").read_bytes()[:100])
    for file in (not_a_trace, cut):
        tool = toolchain.go("tool", "trace", "-d=parsed", str(file), keep_stdout=False)
        with pytest.raises(gm.GoCommandError, match="could not read") as refused:
            fastread.read(fastread.reader(), file, timeout=60)
        assert not tool.ok
        assert str(refused.value).splitlines()[-1] == tool.stderr.strip().splitlines()[-1]


@pytest.mark.live
def test_doctor_says_whether_the_reader_is_built(monkeypatch, tmp_path):
    doctor = importlib.import_module("gomemlab.doctor")  # the module, not the function

    binary = tmp_path / "tracereader"
    monkeypatch.setattr(fastread, "_binary", lambda found, source=fastread.SOURCE: binary)
    waiting = doctor._trace_reader_check()
    binary.write_bytes(b"")
    ready = doctor._trace_reader_check()
    assert waiting.ok and "not built yet" in str(waiting) and "gomemlab warm" in str(waiting)
    assert ready.ok and "built: traces load fast" in str(ready)


@pytest.mark.live
def test_a_removed_reader_is_built_again(monkeypatch, tmp_path):
    binary = tmp_path / "bin" / "d" / "tracereader"
    monkeypatch.setattr(fastread, "_binary", lambda found, source=fastread.SOURCE: binary)
    assert fastread.reader() == binary and binary.is_file()
    binary.unlink()
    assert fastread.reader() == binary and binary.is_file()
    parsed, _ = fastread.read(binary, FIXTURES / "gomaxprocs1.trace", timeout=120)
    _same(parsed, _recorded_text("gomaxprocs1"))
