"""The x-ray's pure parts on recorded real output (tests/fixtures/xray/recorded, its README
names the command), the -list attribution on hand-made stacks, the sources its notes cite,
and the bad inputs every entry point refuses before Go runs."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gomemlab as gm
from gomemlab.errors import ParseError
from gomemlab.xray import join, report

RECORDED = Path(__file__).parent / "fixtures" / "xray" / "recorded"
ALLOCS = Path(__file__).parent / "fixtures" / "xray" / "allocs"


def _recorded_xray_lines():
    """The compiler's recorded -m=2 output and -json files joined (no profile)."""
    escape = gm.escape.parse((RECORDED / "m2.txt").read_text())
    inlined = [
        item
        for name in ("allocs.json", "allocs_test.json")
        for item in join.read_inline_json((RECORDED / name).read_text(), "/module")
    ]
    sources = {p.name: p.read_text() for p in sorted(ALLOCS.glob("*.go"))}
    return escape, inlined, join.join_lines(escape.messages, inlined, [], sources)


def test_inline_positions_from_recorded_json():
    _, inlined, lines = _recorded_xray_lines()
    # every inlined diagnostic points from a call site to code in one of the module's files
    # (made relative to it) or in the standard library (an absolute path)
    assert inlined
    assert all(
        item.inner[0][0] in ("allocs.go", "allocs_test.go") or item.inner[0][0].startswith("/")
        for item in inlined
    )
    big = next(item for item in inlined if item.message == "new([100000]byte) escapes to heap")
    assert big.at[0] == "allocs_test.go" and big.inner[0][:2] == ("allocs.go", 16)
    line = next(r for r in lines if r.file == "allocs.go" and r.line == 16)
    assert [(m.message, at[0]) for m, at in line.inlined_here] == [
        ("new([100000]byte) escapes to heap", "allocs_test.go")
    ]
    call = next(r for r in lines if (r.file, r.line) == big.at[:2])
    assert any(m.message == big.message for m, _ in call.moved_out)


def test_join_keeps_the_compilers_own_lines():
    escape, _, lines = _recorded_xray_lines()
    ours = sorted((m.file, m.line, m.col, m.message) for r in lines for m in r.messages)
    theirs = sorted(
        (m.file, m.line, m.col, m.message)
        for m in escape.messages
        if m.file in ("allocs.go", "allocs_test.go")
    )
    assert ours == theirs and len(ours) > 20


def test_read_inline_json_names_a_bad_line():
    good = (RECORDED / "allocs_test.json").read_text().splitlines()
    with pytest.raises(ParseError, match="line 3"):
        join.read_inline_json("\n".join([good[0], good[1], "{not json"]))
    with pytest.raises(ParseError, match="line 1"):
        join.read_inline_json("[]\n")
    assert join.read_inline_json("") == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_read_inline_json_on_garbage(text):
    try:
        found = join.read_inline_json(text)
    except ParseError:
        return
    assert isinstance(found, list)


F = ("pkg.F", "/m/a.go", 10, False)
G_INLINED = ("pkg.G", "/m/a.go", 20, True)  # G inlined into F
H = ("pkg.H", "/m/a.go", 30, False)


def test_line_costs_attribute_like_pprof_list():
    stacks = [
        (G_INLINED, F, H),  # an allocation in G's code inlined into F, called from H
        (F, H),
        (F, F, H),  # recursion: cum counts F once
    ]
    costs = {
        (c.function, c.line): c for c in join.line_costs(stacks, [2, 3, 5], [32, 48, 80], "/m")
    }
    g, f, h = costs[("pkg.G", 20)], costs[("pkg.F", 10)], costs[("pkg.H", 30)]
    assert (g.flat_objects, g.cum_objects, g.inlined_into) == (2, 2, ("pkg.F",))
    assert (f.flat_objects, f.cum_objects, f.cum_bytes) == (8, 10, 160)
    assert (f.inlined_objects, f.inlined_bytes) == (2, 32)
    assert (h.flat_objects, h.cum_objects, h.inlined_objects) == (0, 10, 0)
    assert g.file == "a.go"


def test_benchmark_of_a_stack():
    bench = ("pkg.BenchmarkJoin.func1", "x_test.go", 3, False)
    outer = ("pkg.BenchmarkJoin", "x_test.go", 1, False)
    assert join.benchmark_of([F, bench, outer]) == "Join"
    assert join.benchmark_of([F, H]) == ""


@pytest.mark.live  # reads the pinned Go's GOROOT
@pytest.mark.parametrize("key", sorted(report.CITED))
def test_cited_sources_are_in_the_pinned_go(key):
    path, line, text = report.CITED[key]
    source = Path(gm.find_go().goroot) / "src" / path
    assert text in source.read_text().splitlines()[line - 1]


def test_the_notes_follow_the_compilers_subject():
    def line_with(subject, objects=1, inlined=0):
        message = gm.escape.parse(f"./a.go:3:9: {subject} does not escape\n").messages[0]
        cost = join.LineCost("pkg.F", "a.go", 3, objects, 64, objects, 64, inlined, 64, (), ())
        return join.XRayLine("a.go", 3, "F", "", (message,), (), (cost,))

    assert "VariableMakeThreshold" in report.note(line_with("make([]byte, n)"))
    assert report.note(line_with("make([]byte, n)", objects=0)) == ""
    assert "VariableMakeThreshold" in report.note(line_with("make([]int, n)", 0, inlined=3))
    assert "map" in report.note(line_with("make(map[string]int, 16)"))
    assert "32-byte buffer" in report.note(line_with("string(b)"))
    assert "runtime allocates" in report.note(line_with("&T{...}"))


def test_missing_module_read_from_go_output():
    said = "go: downloading example.com/dep v1.0.0\n# example.com/app\napp.go:3:8: ..."
    assert gm.xray.missing_module(said) == "example.com/dep"
    assert (
        gm.xray.missing_module(
            "app.go:3:8: no required module provides package rsc.io/quote; to add it:"
        )
        == "rsc.io/quote"
    )
    assert gm.xray.missing_module("app.go:3:8: undefined: x") is None


def test_gm_xray_is_the_run_verb():
    assert callable(gm.xray) and gm.xray.run.__name__ == "run"
    assert "alloc_objects" in gm.xray.FRAME_DOC


BAD = [
    (lambda: gm.xray(3), gm.UsageError, "target"),
    (lambda: gm.xray("no-such-topic"), gm.WorkspaceError, "no-such-topic"),
    (lambda: gm.xray("escape", bench="("), gm.UsageError, "bench"),
    (lambda: gm.xray("escape", bench=""), gm.UsageError, "bench"),
    (lambda: gm.xray("escape", bench="x", benchtime="abc"), gm.UsageError, "benchtime"),
    (lambda: gm.xray("escape", timeout=0), gm.UsageError, "timeout"),
    (lambda: gm.xray("escape", timeout=math.nan), gm.UsageError, "timeout"),
    (lambda: gm.xray(b"package main"), gm.UsageError, "target"),
]


@pytest.mark.parametrize(("call", "error", "fragment"), BAD)
def test_bad_inputs_are_typed_errors_before_go_runs(call, error, fragment, monkeypatch):
    def no_go(*args, **kwargs):
        raise AssertionError("Go ran")

    monkeypatch.setattr(gm.toolchain, "go", no_go)
    with pytest.raises(error) as raised:
        call()
    assert fragment in str(raised.value).splitlines()[0]


def test_a_gutter_mark_gives_a_whole_percentage_and_says_when_a_share_is_tiny():
    from gomemlab.xray.widgets import share

    assert share(62, 100) == "62%" and share(1, 3) == "33%" and share(6, 1000) == "1%"
    assert share(5, 1000) == "<1%" and share(1, 10**9) == "<1%"
    assert share(0, 100) == share(5, 0) == ""
