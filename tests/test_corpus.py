"""The corpus of bad inputs (issue 9): every mistake a user can make at a public entry point is a
typed gomemlab error whose first line names what was wrong, raised before any Go runs.

Each case: (call, the error type, a fragment its first line must hold). The process faults
(leftover children, runaway output, writes into the samples, broken toolchains) are in
test_reliability.py; parsers on garbage in the test_*_parse.py files (hypothesis).
"""

from __future__ import annotations

import math

import pytest

import gomemlab as gm

BAD_TIMEOUTS = [0, -1, math.nan, math.inf, "3", None, True, [1]]
BAD_COUNTS = [0, -1, 1.5, "3", True, 10**9]
BAD_GOGC = ["abc", -1, 1.5, True, "", "100%", [100]]
BAD_LIMITS = ["64 MiB", "64MB", -5, 0, "lots", 1.5, True]
BAD_PATTERNS = ["", "(", "a\nb", 3, None]
BAD_BENCHTIMES = ["abc", "-1s", "1", "0x", "1.5x", 5, "1 s"]


def _cases():
    cases = []
    for bad in BAD_TIMEOUTS:
        cases += [
            (lambda b=bad: gm.escape.analyze("escape", timeout=b), gm.UsageError, "timeout"),
            (lambda b=bad: gm.bench.run("bench", timeout=b), gm.UsageError, "timeout"),
            (lambda b=bad: gm.gc.run(timeout=b), gm.UsageError, "timeout"),
            (lambda b=bad: gm.pprof.run(timeout=b), gm.UsageError, "timeout"),
            (lambda b=bad: gm.trace.run(timeout=b), gm.UsageError, "timeout"),
        ]
    for bad in BAD_COUNTS:
        cases += [(lambda b=bad: gm.bench.run("bench", count=b), gm.UsageError, "count")]
    for bad in BAD_GOGC:
        cases += [
            (lambda b=bad: gm.gc.run(gogc=b), gm.UsageError, "gogc"),
            (lambda b=bad: gm.gc.sweep(gogc=[b], progress=False), gm.UsageError, "gogc"),
        ]
    for bad in BAD_LIMITS:
        cases += [(lambda b=bad: gm.gc.run(memlimit=b), gm.UsageError, "memlimit")]
    for bad in BAD_PATTERNS:
        cases += [(lambda b=bad: gm.bench.run("bench", pattern=b), gm.UsageError, "pattern")]
    for bad in BAD_BENCHTIMES:
        cases += [(lambda b=bad: gm.bench.run("bench", benchtime=b), gm.UsageError, "benchtime")]
    for bad in [0, 3, "2", None, -1]:
        cases += [(lambda b=bad: gm.escape.analyze("escape", level=b), gm.UsageError, "level")]
    for bad in [0, -1, "2", 1.5]:
        cases += [
            (lambda b=bad: gm.gc.run(gomaxprocs=b), gm.UsageError, "gomaxprocs"),
            (lambda b=bad: gm.trace.run(gomaxprocs=b), gm.UsageError, "gomaxprocs"),
        ]
    for bad in ["heap", "", None, 3]:
        cases += [(lambda b=bad: gm.pprof.run(kind=b), gm.UsageError, "kind")]
    for bad in [b"gc 1 @0.1s", 3, None]:
        cases += [
            (lambda b=bad: gm.escape.parse(b), gm.UsageError, "text"),
            (lambda b=bad: gm.bench.parse(b), gm.UsageError, "text"),
        ]
    for bad in [3, None, 1.5]:
        cases += [
            (lambda b=bad: gm.gc.parse_gctrace(b), gm.UsageError, ""),
            (lambda b=bad: gm.trace.parse(b), gm.UsageError, ""),
        ]
    for bad in ["nope", "", "../gc", "/etc"]:
        cases += [
            (lambda b=bad: gm.sample(b), gm.WorkspaceError, "sample"),
            (lambda b=bad: gm.run(b), gm.WorkspaceError, ""),
        ]
    for bad in [b"package main", 3, {"main.go": 3}, {"a\nb.go": ""}, {"x.txt": ""}]:
        cases += [(lambda b=bad: gm.snippet(b), (gm.UsageError, gm.WorkspaceError), "")]
    for bad in ["1", "2.0", "1.20", "1.99", "latest", 1.22]:
        cases += [(lambda b=bad: gm.run("newmake", go=b), gm.UsageError, "")]
    for bad in ["no green", "GreenTea;", "a b"]:
        cases += [
            (lambda b=bad: gm.build("newmake", goexperiment=b), gm.UsageError, "goexperiment")
        ]
    for bad in ["abc", 1, None]:
        cases += [
            (
                lambda b=bad: gm.valuesem.copy_cost(benchtime=b if b is not None else 5),
                gm.UsageError,
                "benchtime",
            )
        ]
    for bad in [0, "a", [0], -1, "1,x"]:
        cases += [(lambda b=bad: gm.bench.run("bench", cpu=b), gm.UsageError, "cpu")]
    for bad in ["heap", 3, ["mem", "x"]]:
        cases += [(lambda b=bad: gm.bench.run("bench", profile=b), gm.UsageError, "profile")]
    for bad in ["yes", 3]:
        cases += [(lambda b=bad: gm.bench.run("bench", progress=b), gm.UsageError, "progress")]
    for bad in ["5", "fast", 5, ""]:
        cases += [(lambda b=bad: gm.gc.run(every=b), gm.UsageError, "every")]
    for bad in ["-live 3", [3]]:
        cases += [
            (lambda b=bad: gm.gc.run(args=b), gm.UsageError, "args"),
            (lambda b=bad: gm.trace.run(args=b), gm.UsageError, "args"),
        ]
    cases += [(lambda: gm.gc.run("newmake", live_mib=3), gm.UsageError, "workload")]
    for bad in [-1, "1", 1.5]:
        cases += [(lambda b=bad: gm.pprof.run(memprofilerate=b), gm.UsageError, "memprofilerate")]
    for bad in ["", "(", "a\nb", 3]:
        cases += [(lambda b=bad: gm.pprof.run(bench=b), gm.UsageError, "bench")]
    for bad in ["(", ""]:
        cases += [(lambda b=bad: gm.trace.run(test=b), gm.UsageError, "test")]
    for bad in BAD_GOGC:
        cases += [(lambda b=bad: gm.trace.run(gogc=b), gm.UsageError, "gogc")]
    for bad in ["yes", None]:
        cases += [(lambda b=bad: gm.escape.analyze("escape", tests=b), gm.UsageError, "tests")]
    for bad in ["/no/such/folder", "nope.go", {"a\nb.go": "package main"}]:
        cases += [
            (lambda b=bad: gm.escape.analyze(b), (gm.UsageError, gm.WorkspaceError), ""),
            (lambda b=bad: gm.bench.run(b), (gm.UsageError, gm.WorkspaceError), ""),
        ]
    for bad in ["0", "zz", ""]:
        cases += [(lambda b=bad: _lab().reset(b), gm.UsageError, "notebook")]
    cases += [
        (lambda: _export().export(["/no/such.ipynb"], progress=False), gm.UsageError, "no notebook")
    ]
    for bad in BAD_TIMEOUTS:
        cases += [
            (lambda b=bad: _toolchain().run(["true"], timeout=b), gm.UsageError, "timeout"),
            (
                lambda b=bad: _webui().serve("x", "version", port=1, timeout=b),
                gm.UsageError,
                "timeout",
            ),
        ]
    cases += [(lambda: _webui().serve("x", "version"), gm.UsageError, "port")]
    for bad in ["x", "1.9", "", 122]:
        cases += [(lambda b=bad: gm.versions.remove(b), gm.UsageError, "")]
    for missing in ("trace", "pprof"):
        cases += [
            (
                lambda m=missing: getattr(gm, m).load("/no/such/file"),
                (gm.UsageError, gm.WorkspaceError, gm.ParseError),
                "",
            )
        ]
    return cases


def _lab():
    from gomemlab import lab

    return lab


def _export():
    from gomemlab import export

    return export


def _toolchain():
    from gomemlab import toolchain

    return toolchain


def _webui():
    from gomemlab import webui

    return webui


CASES = _cases()


def test_the_corpus_is_large():
    assert len(CASES) >= 200, len(CASES)


LOOK_UP_GO_FIRST = {"trace", "build", "analyze"}
"""Entry points (gm.trace.run, gm.build, gm.escape.analyze) that find the Go toolchain before
they check some arguments: no Go runs, but without Go their case ends in GoNotFoundError, so it
carries the `live` marker (`make test-nogo` runs the rest on a machine without Go)."""


def _params():
    for index, (call, _, _) in enumerate(CASES):
        needs_go = LOOK_UP_GO_FIRST & set(call.__code__.co_names)
        yield pytest.param(index, marks=pytest.mark.live) if needs_go else index


@pytest.mark.parametrize("index", _params())
def test_a_bad_input_is_a_clear_typed_error(index):
    call, kind, fragment = CASES[index]
    with pytest.raises(kind) as caught:
        call()
    first = str(caught.value).splitlines()[0]
    assert isinstance(caught.value, gm.GomemlabError)
    assert fragment in first, first
    assert "Traceback" not in first and len(first) < 400
