"""Every result class, made from recorded output (tests/fixtures/*/README.md say how each was
recorded): its tables cannot be changed from outside, its columns are documented, it knows its
plot kinds and where it came from, and comparing two results never raises."""

from __future__ import annotations

import dataclasses
import gzip
import inspect
import io
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import gomemlab as gm
from gomemlab.bench.compare import compare
from gomemlab.escape.records import HEAP_KINDS, LEAK_KINDS, EscapeMessage
from gomemlab.gc import costmodel
from gomemlab.gc.result import GCRun, SweepResult, parse_gctrace, parse_metrics
from gomemlab.layout.records import FieldRecord, ScanRecord, StackRecord
from gomemlab.layout.result import Layout, ScanReport, SizeClasses, SizeSweep, StackReport
from gomemlab.pprof.tools import ToolReport
from gomemlab.progress import Progress
from gomemlab.provenance import Provenance
from gomemlab.releases import ReleaseMatrix
from gomemlab.releases.run import rows_for
from gomemlab.result import FrameDoc, FrozenResult
from gomemlab.toolchain import Completed
from gomemlab.trace import summary as trace_summary
from gomemlab.trace.mmu import parse_output as parse_mmu
from gomemlab.trace.run import Recording
from gomemlab.valuesem.parse import parse_copy_cost
from gomemlab.valuesem.result import CopyCost

FIXTURES = Path(__file__).parent / "fixtures"
MADE = Provenance.of(["go", "test", "./x"], go_version="go1.27.3", run_seconds=0.5)


def _text(name: str) -> str:
    return (FIXTURES / name).read_text()


def _gc_run(gogc: int, gctrace: str = "gctrace_gogc100.txt") -> GCRun:
    stderr = _text(f"gc/{gctrace}")
    done = Completed(("go", "run", "./gc"), 0, "", stderr, 1.0)
    return GCRun(
        {"gogc": gogc},
        parse_gctrace(stderr, provenance=MADE),
        parse_metrics(_text("gc/metrics_gogc100.jsonl"), provenance=MADE),
        done,
        MADE,
    )


def _layout() -> Layout:
    return Layout(gm.layout.parse_lines(_text("layout/layout_all.jsonl")), MADE)


def _classes() -> SizeClasses:
    text = _text("layout/sizeclasses_go1.27.3.txt")
    return SizeClasses(gm.layout.parse_size_classes(text), "fixture", MADE)


def _bench() -> gm.bench.BenchResult:
    return dataclasses.replace(gm.bench.parse(_text("bench/sample_count6.txt")), provenance=MADE)


def _matrix() -> ReleaseMatrix:
    from test_releases import _recorded_values  # the recorded matrix of every release

    rows = [row for v in ("go1.21.13", "go1.27.3") for row in rows_for(v, *_recorded_values(v))]
    return ReleaseMatrix(tuple(rows), (MADE, MADE))


def _trace() -> gm.trace.Trace:
    with gzip.open(FIXTURES / "trace/gomaxprocs1.parsed.txt.gz", "rt") as f:
        return gm.trace.parse(f.read(), provenance=MADE)


def _records(kind: type) -> tuple:
    return tuple(r for r in _layout().records if isinstance(r, kind))


def _xray() -> gm.xray.XRay:
    """The x-ray of tests/fixtures/xray/allocs from its recorded outputs (README there)."""
    recorded = FIXTURES / "xray" / "recorded"
    sources = {p.name: p.read_text() for p in sorted((FIXTURES / "xray/allocs").glob("*.go"))}
    escape = dataclasses.replace(
        gm.escape.parse((recorded / "m2.txt").read_text()), sources=sources, provenance=MADE
    )
    inlined = [
        item
        for name in ("allocs.json", "allocs_test.json")
        for item in gm.xray.read_inline_json((recorded / name).read_text(), "/module")
    ]
    return gm.xray.xray_of(
        escape,
        inlined,
        gm.pprof.load(recorded / "mem.pprof", provenance=MADE),
        gm.bench.parse((recorded / "bench.txt").read_text()),
        module_dir="/tmp/xray-record/allocs",
        label="allocs",
        provenance=MADE,
    )


MAKERS: dict[str, Callable[[], object]] = {
    "EscapeReport": lambda: dataclasses.replace(
        gm.escape.parse(_text("escape/sample_m2.txt")), provenance=MADE
    ),
    "BenchResult": _bench,
    "Comparison": lambda: compare(_bench(), _bench().first(3)),
    "Profile": lambda: gm.pprof.load(FIXTURES / "pprof/mem.pprof", provenance=MADE),
    "ProfileDiff": lambda: gm.pprof.load(
        FIXTURES / "pprof/diff/mem_after.pprof", provenance=MADE
    ).diff(gm.pprof.load(FIXTURES / "pprof/diff/mem_before.pprof")),
    "RepeatedComparison": lambda: gm.pprof.compare(
        [
            gm.pprof.load(FIXTURES / f"pprof/repeated/before_{i}.pprof", provenance=MADE)
            for i in (1, 2, 3, 4)
        ],
        [gm.pprof.load(FIXTURES / f"pprof/repeated/after_{i}.pprof") for i in (1, 2, 3, 4)],
    ),
    "ToolReport": lambda: ToolReport(("go", "tool", "pprof"), "text", MADE),
    "Trace": _trace,
    "Recording": lambda: Recording(Path("x.trace"), "", MADE),
    "GCLog": lambda: parse_gctrace(_text("gc/gctrace_gogc100.txt"), provenance=MADE),
    "MetricsLog": lambda: parse_metrics(_text("gc/metrics_gogc100.jsonl"), provenance=MADE),
    "GCRun": lambda: _gc_run(100),
    "SweepResult": lambda: SweepResult((_gc_run(50), _gc_run(100))),
    "Layout": _layout,
    "StructLayout": lambda: _layout().layouts[0],
    "SizeClasses": _classes,
    "SizeSweep": lambda: SizeSweep(((33, 48.0, 1.0), (33, 48.0, 1.0)), _classes(), MADE),
    "ScanReport": lambda: ScanReport(_records(ScanRecord), MADE),
    "StackReport": lambda: StackReport(_records(StackRecord)[0], MADE),
    "LifetimesRun": lambda: gm.lifetimes.parse(_text("lifetimes/sections.jsonl"), provenance=MADE),
    "CopyCost": lambda: CopyCost(parse_copy_cost(_text("valuesem/cost.csv")), MADE),
    "MMU": lambda: parse_mmu(_text("trace/gomaxprocs2.mmu.stw.json"), ("stw",), MADE),
    "ReleaseMatrix": _matrix,
    "LoadReport": lambda: _load_report(),
    "Summary": lambda: trace_summary.parse_output(
        gzip.decompress((FIXTURES / "trace/gomaxprocs2.summary.json.gz").read_bytes()).decode(),
        MADE,
    ),
    "CapstoneCheck": lambda: _capstone_check(),
    "XRay": _xray,
}


def _capstone_check() -> gm.capstone.CapstoneCheck:
    from gomemlab.capstone import targets

    named = targets.by_name()
    judged = (
        targets.judge_budget(named["allocs/op"], 82_000, 4_500, targets.ALLOCS_BUDGET, "allocs"),
        targets.judge_heap(named["peak heap"], 28 << 20, 6 << 20),
    )
    return gm.capstone.CapstoneCheck(judged, seed=7, provenance=MADE)


def _load_report() -> gm.service.LoadReport:
    snapshot = gm.service.metrics_snapshot(_text("service/metrics.json"))
    return gm.service.LoadReport(
        gm.service.load_summary(_text("service/loadgen.json")), (snapshot, snapshot), (), MADE
    )


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def test_every_result_class_is_made_here():
    topics = ("escape", "bench", "pprof", "trace", "gc", "layout", "lifetimes", "service", "xray")
    for topic in (*topics, "capstone"):
        getattr(gm, topic)
    import gomemlab.pprof.repeated  # gm.pprof loads it on first use
    import gomemlab.valuesem.result  # noqa: F401

    names = {c.__name__ for c in _subclasses(FrozenResult)}
    assert names == set(MAKERS), f"missing: {names - set(MAKERS)}, stale: {set(MAKERS) - names}"


@pytest.fixture(scope="module", params=sorted(MAKERS))
def result(request):
    return MAKERS[request.param]()


def test_is_a_frozen_result_with_its_provenance(result):
    cls = type(result)
    assert isinstance(result, FrozenResult)
    assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen
    assert not cls.__dataclass_params__.repr, "print(result) is one line, not every field"
    assert isinstance(result.provenance, Provenance)
    assert result.provenance.command == MADE.command, "the provenance it was made with"
    if "__repr__" not in vars(cls):  # the base's: the class and the command
        assert repr(result).startswith(f"<{cls.__name__}: $ go test")


def test_comparing_never_raises(result):
    other = dataclasses.replace(result)
    assert isinstance(result == other, bool)
    assert result == result
    frames = [f.name for f in dataclasses.fields(result) if f.type == "pd.DataFrame" and f.compare]
    if frames:
        assert not type(result).__dataclass_params__.eq, f"eq=True on DataFrame fields {frames}"


def _tables(result) -> list[str]:
    """Every public attribute of `result` that is a DataFrame (tables, not methods)."""
    names = []
    for name, value in inspect.getmembers(type(result)):
        if name.startswith("_") or not isinstance(value, property | gm.result.table_property):
            continue
        try:
            got = getattr(result, name)
        except (AttributeError, ValueError):
            continue
        if isinstance(got, pd.DataFrame):
            names.append(name)
    return names


def _reads(result) -> list[object]:
    """What the result tells: its summary, its plot's input and its claim checks' answers."""
    told: list[object] = []
    if hasattr(result, "summary"):
        told.append(result.summary())
    for name in _tables(result):
        told.append(getattr(result, name))
    return told


def _same(a: object, b: object) -> bool:
    if isinstance(a, pd.DataFrame):
        return isinstance(b, pd.DataFrame) and a.equals(b) and list(a.columns) == list(b.columns)
    return a == b


@pytest.mark.filterwarnings("ignore:The inplace keyword")  # what a learner may still type
@pytest.mark.parametrize("name", sorted(MAKERS))
def test_changing_a_table_changes_nothing_the_result_says(name):
    pristine, changed = MAKERS[name](), MAKERS[name]()
    tables = _tables(changed)
    if not tables:
        pytest.skip(f"{name} has no table")
    for table_name in tables:  # before the result computed anything from its tables
        fresh = getattr(changed, table_name)
        if len(fresh):
            fresh.iloc[0, 0] = None
        fresh.drop(columns=list(fresh.columns[:1]), inplace=True)
        table = getattr(changed, table_name)
        table.drop(index=table.index, inplace=True)  # empty it in place
        table["added"] = 1
    told, expected = _reads(changed), _reads(pristine)
    assert all(_same(a, b) for a, b in zip(told, expected, strict=True)), name
    assert changed._repr_html_() == pristine._repr_html_()


def test_frame_columns_are_documented(result):
    doc = type(result).FRAME_DOC
    try:
        frame = result.frame
    except AttributeError:
        assert not doc, f"{type(result).__name__} documents columns but has no frame"
        return
    assert isinstance(doc, FrameDoc) and doc, f"{type(result).__name__}.FRAME_DOC"
    named_by_data = set(getattr(result, "units", ()))  # BenchResult: b.ReportMetric units
    undocumented = [
        c for c in frame.columns if not doc.covers(str(c)) and str(c) not in named_by_data
    ]
    assert not undocumented, f"{type(result).__name__}: {undocumented} not in FRAME_DOC"
    fixed = [k for k in doc if not k.endswith("*")]
    assert all(meaning.strip() for meaning in doc.values())
    # every documented column that is not data-named exists in this frame, or the class says
    # it belongs to other data (sample types, units, config lines)
    missing = [k for k in fixed if k not in frame.columns]
    assert len(missing) < len(fixed), f"{type(result).__name__}: no documented column present"


def test_plot_kinds_are_on_the_class_and_checked(result):
    cls = type(result)
    if not hasattr(cls, "plot"):
        assert cls.PLOT_KINDS == (), cls.__name__
        return
    assert cls.PLOT_KINDS, f"{cls.__name__} plots but names no PLOT_KINDS"
    with pytest.raises(gm.UsageError, match="kind"):
        result.plot(kind="no such kind")


def test_frame_doc_prints_as_a_table():
    out = io.StringIO()
    print(gm.gc.FRAME_DOC, file=out)
    first = out.getvalue().splitlines()[0]
    assert first.startswith("cycle ") and "GC number" in first


@pytest.mark.filterwarnings("ignore:The inplace keyword")
def test_progress_is_a_copy_and_compares():
    made = Progress(pd.DataFrame({"exercise": ["a"], "attempts": [1]}))
    made.frame.drop(index=0, inplace=True)
    assert len(made.frame) == 1
    assert isinstance(made == Progress(made.frame), bool)


@pytest.mark.filterwarnings("ignore:The inplace keyword")
def test_model_result_table_is_a_copy():
    phases = [costmodel.Phase(duration_s=1.0, alloc_mib_s=100.0, survival=0.1)]
    model = costmodel.simulate(phases)
    size = len(model.frame)
    model.frame.drop(index=model.frame.index, inplace=True)
    assert len(model.frame) == size > 0


def test_old_names_warn_and_still_work():
    old, no_file = FutureWarning, gm.UsageError
    with pytest.warns(old, match=r"gm\.trace\.web\(trace\)"), pytest.raises(no_file, match="file"):
        _trace().web()
    run = gm.lifetimes.parse(_text("lifetimes/sections.jsonl"))
    with pytest.warns(old, match=r"gm\.lifetimes\.profile"), pytest.raises(no_file, match="heap"):
        run.profile("heap")


# ------------------------------------------------------------------ the expect_* convention
# Every claim check (`expect` or `expect_*`) returns its result, so checks chain and a value
# comes from an accessor (`message`, `median`, `row`, `value`, `goal_check`, ...); when the
# claim fails it raises AssertionError quoting what the toolchain produced. Each case: a call
# that holds, a call that fails, and a piece of the toolchain's output the failure must quote.
def _heap(r) -> EscapeMessage:
    return r.about(kinds=HEAP_KINDS)[0]


def _stays(r) -> EscapeMessage:
    return r.about(kinds=["does_not_escape"])[0]


def _changed_bytes(r: CopyCost) -> CopyCost:
    table = r.frame
    table.loc[0, "bytes_allocated_per_call"] = 8
    return CopyCost(table, r.provenance)


def _moved_field(r: Layout) -> Layout:
    """The layout with the last field of the first struct one byte further on."""
    fields = [i for i, rec in enumerate(r.records) if isinstance(rec, FieldRecord)]
    records = list(r.records)
    last = max(i for i in fields if records[i].struct == r.names[0])
    records[last] = dataclasses.replace(records[last], offset=records[last].offset + 1)
    return Layout(tuple(records), r.provenance)


def _without_ranges(r: gm.trace.Trace) -> gm.trace.Trace:
    """The trace with its ranges (GC phases, pauses, assists) left out: no GC cycle."""
    p = r.parsed
    keep = [i for i, row in enumerate(p.rows) if not row[4].startswith("Range")]
    parsed = dataclasses.replace(
        p,
        rows=tuple(p.rows[i] for i in keep),
        stack=tuple(p.stack[i] for i in keep),
        transition_stack=tuple(p.transition_stack[i] for i in keep),
    )
    return dataclasses.replace(r, parsed=parsed)


def _surprised(r: ReleaseMatrix) -> ReleaseMatrix:
    """The matrix with its first predicted value changed."""
    rows = list(r.rows)
    i = next(i for i, row in enumerate(rows) if row.expected)
    rows[i] = dataclasses.replace(rows[i], value=rows[i].value + "?", as_expected=False)
    return ReleaseMatrix(tuple(rows), r.provenances)


def _median_ns(r) -> str:
    return f"{r.median(r.names[0], 'ns/op'):g}"


Case = tuple[Callable, Callable, Callable]
EXPECT_CASES: dict[tuple[str, str], Case] = {
    ("EscapeReport", "expect_heap"): (
        lambda r: r.expect_heap(_heap(r).subject, _heap(r).line),
        lambda r: r.expect_heap(_stays(r).subject, _stays(r).line),
        lambda r: _stays(r).message,
    ),
    ("EscapeReport", "expect_stack"): (
        lambda r: r.expect_stack(_stays(r).subject, _stays(r).line),
        lambda r: r.expect_stack(_heap(r).subject, _heap(r).line),
        lambda r: _heap(r).message,
    ),
    ("EscapeReport", "expect_leak"): (
        lambda r: r.expect_leak(r.about(kinds=LEAK_KINDS)[0].subject),
        lambda r: r.expect_leak(_heap(r).subject, _heap(r).line),
        lambda r: _heap(r).message,
    ),
    ("EscapeReport", "expect_inlined"): (
        lambda r: r.expect_inlined(r.about(kinds=["inlining_call"])[0].subject),
        lambda r: r.expect_inlined("noSuchFunction"),
        lambda r: "noSuchFunction",
    ),
    ("EscapeReport", "expect_no_heap"): (
        lambda r: r.expect_no_heap("noSuchFunction"),
        lambda r: r.expect_no_heap(_heap(r).function),
        lambda r: _heap(r).message,
    ),
    ("BenchResult", "expect"): (
        lambda r: r.expect(r.names[0], "ns/op", at_least=0),
        lambda r: r.expect(r.names[0], "ns/op", at_most=0),
        _median_ns,
    ),
    ("BenchResult", "expect_all"): (
        lambda r: r.expect_all("ns/op", at_least=0),
        lambda r: r.expect_all("ns/op", at_most=0),
        lambda r: "go test ./x",
    ),
    ("Comparison", "expect"): (
        lambda r: r.expect("HashSink", verdict=r.verdict("HashSink")),
        lambda r: r.expect(
            "HashSink", verdict="better" if r.verdict("HashSink") != "better" else "~"
        ),
        lambda r: f"p={r.row('HashSink')['p']:.3g}",
    ),
    ("Profile", "expect_hot_spot"): (
        lambda r: r.expect_hot_spot("strings.Fields", at_least_pct=30),
        lambda r: r.expect_hot_spot("strings.Fields", at_least_pct=90),
        lambda r: "strings.(*Builder).WriteString",
    ),
    ("Profile", "expect_absent"): (
        lambda r: r.expect_absent("noSuchFunction"),
        lambda r: r.expect_absent("strings.Fields"),
        lambda r: "internal/bytealg.MakeNoZero",
    ),
    ("Trace", "expect_gc_cycles"): (
        lambda r: r.expect_gc_cycles(int(r.gc.complete.sum())),
        lambda r: r.expect_gc_cycles(int(r.gc.complete.sum()) + 1),
        lambda r: "go test ./x",
    ),
    ("Trace", "expect_user_ran_during_mark"): (
        lambda r: r.expect_user_ran_during_mark(),
        lambda r: r.expect_user_ran_during_mark(min_fraction=2.0),
        lambda r: "go test ./x",
    ),
    ("Trace", "expect_stw_shorter_than_mark"): (
        lambda r: r.expect_stw_shorter_than_mark(),
        lambda r: _without_ranges(r).expect_stw_shorter_than_mark(),
        lambda r: "go test ./x",
    ),
    ("Trace", "expect_parallel"): (
        lambda r: r.expect_parallel(r.max_parallel()),
        lambda r: r.expect_parallel(r.max_parallel() + 1),
        lambda r: f"GOMAXPROCS={r.gomaxprocs}",
    ),
    ("Trace", "expect_at_most_parallel"): (
        lambda r: r.expect_at_most_parallel(r.max_parallel(None)),
        lambda r: r.expect_at_most_parallel(r.max_parallel(None) - 1),
        lambda r: f"GOMAXPROCS={r.gomaxprocs}",
    ),
    ("Trace", "expect_mark_assists"): (
        lambda r: r.expect_mark_assists(0),
        lambda r: r.expect_mark_assists(len(r.assists) + 1, kind="user"),
        lambda r: "go test ./x",
    ),
    ("GCLog", "expect_goal_formula"): (
        lambda r: r.expect_goal_formula(100),
        lambda r: r.expect_goal_formula(50),
        lambda r: "go test ./x",
    ),
    ("GCLog", "expect_cycles"): (
        lambda r: r.expect_cycles(at_least=len(r), at_most=len(r)),
        lambda r: r.expect_cycles(at_most=len(r) - 1),
        lambda r: f"{len(r)} GC cycles",
    ),
    ("GCRun", "expect_live_matches_metrics"): (
        lambda r: r.expect_live_matches_metrics(),
        lambda r: _gc_run(100, "gctrace_gogc25_procs1.txt").expect_live_matches_metrics(),
        lambda r: "go test ./x",
    ),
    ("SweepResult", "expect_monotonic"): (
        lambda r: r.expect_monotonic(),
        lambda r: SweepResult(
            (_gc_run(50), _gc_run(200, "gctrace_tiny_heap.txt"))
        ).expect_monotonic(),
        lambda r: "peak heap does not grow",
    ),
    ("Layout", "expect_size"): (
        lambda r: r.expect_size("Padded", r.struct("Padded").size),
        lambda r: r.expect_size("Padded", r.struct("Padded").size + 1),
        lambda r: f"is {r.struct('Padded').size} B",
    ),
    ("Layout", "expect_rule_holds"): (
        lambda r: r.expect_rule_holds(),
        lambda r: _moved_field(r).expect_rule_holds(),
        lambda r: f"Go says size {r.layouts[0].size}",
    ),
    ("SizeSweep", "expect_matches_classes"): (
        lambda r: r.expect_matches_classes(),
        lambda r: SizeSweep(((33, 40.0, 1.0),), r.classes, MADE).expect_matches_classes(),
        lambda r: "40.0",
    ),
    ("ScanReport", "expect_scan_at_most"): (
        lambda r: r.expect_scan_at_most("[]Pair", r.row("[]Pair").heap_scan_mib),
        lambda r: r.expect_scan_at_most("[]PtrPair", r.row("[]PtrPair").heap_scan_mib / 2),
        lambda r: f"{r.row('[]PtrPair').heap_scan_mib:.2f} MiB",
    ),
    ("ScanReport", "expect_scan_at_least"): (
        lambda r: r.expect_scan_at_least("[]PtrPair", r.row("[]PtrPair").heap_scan_mib),
        lambda r: r.expect_scan_at_least("[]Pair", r.row("[]Pair").heap_scan_mib + 1),
        lambda r: f"{r.row('[]Pair').heap_scan_mib:.2f} MiB",
    ),
    ("StackReport", "expect_moved_and_intact"): (
        lambda r: r.expect_moved_and_intact(r.record.value),
        lambda r: r.expect_moved_and_intact(r.record.value + 1),
        lambda r: f"the pointer reads {r.record.value}",
    ),
    ("LifetimesRun", "expect"): (
        lambda r: r.expect("hits", step=0, at_least=40),
        lambda r: r.expect("hits", step=0, at_most=39),
        lambda r: "hits at step 0 = 40",
    ),
    ("CopyCost", "expect_no_allocations"): (
        lambda r: r.expect_no_allocations(),
        lambda r: _changed_bytes(r).expect_no_allocations(),
        lambda r: str(r.frame.calls.iloc[0]),
    ),
    ("CopyCost", "expect_value_slower"): (
        lambda r: r.expect_value_slower(8, at_least=0),
        lambda r: r.expect_value_slower(8, at_least=1e9),
        lambda r: "by value was only",
    ),
    ("XRay", "expect_allocates"): (
        lambda r: r.expect_allocates("new([100000]byte)"),
        lambda r: r.expect_allocates("return int(big[7])"),
        lambda r: "return int(big[7])",
    ),
    ("XRay", "expect_no_allocation"): (
        lambda r: r.expect_no_allocation("return int(big[7])"),
        lambda r: r.expect_no_allocation("new([100000]byte)"),
        lambda r: f"records {r.at('new([100000]byte)').flat_objects} objects",
    ),
    ("XRay", "expect_verdict"): (
        lambda r: r.expect_verdict("new([100000]byte)", "heap"),
        lambda r: r.expect_verdict("new([100000]byte)", "stack"),
        lambda r: "new([100000]byte) escapes to heap",
    ),
    ("ReleaseMatrix", "expect_as_predicted"): (
        lambda r: r.expect_as_predicted(),
        lambda r: _surprised(r).expect_as_predicted(),
        lambda r: "{0.behaviour} = {0.value!r}".format(_surprised(r).surprises().iloc[0]),
    ),
    ("ReleaseMatrix", "expect_changed"): (
        lambda r: r.expect_changed("loopvar.printed", "1.21.13", "1.27.3"),
        lambda r: r.expect_changed("loopvar.escape", "1.27.3", "1.27.3"),
        lambda r: repr(r.value("loopvar.escape", "1.27.3")),
    ),
}


def _claim_checks(cls: type) -> list[str]:
    return sorted(
        name
        for name, member in vars(cls).items()
        if (name == "expect" or name.startswith("expect_")) and inspect.isfunction(member)
    )


def test_every_claim_check_has_a_case_and_returns_its_result_type():
    for name, make in MAKERS.items():
        cls = type(make())
        for method in _claim_checks(cls):
            assert (name, method) in EXPECT_CASES, f"no case for {name}.{method}"
            returns = inspect.signature(getattr(cls, method)).return_annotation
            assert returns == name, f"{name}.{method} is annotated -> {returns}, not -> {name}"
    stale = {key for key in EXPECT_CASES if key[1] not in _claim_checks(type(MAKERS[key[0]]()))}
    assert not stale, stale


@pytest.mark.parametrize("key", sorted(EXPECT_CASES), ids=lambda k: f"{k[0]}.{k[1]}")
def test_a_claim_check_returns_the_result_and_quotes_the_toolchain(key):
    holds, fails, quoted = EXPECT_CASES[key]
    result = MAKERS[key[0]]()
    assert holds(result) is result
    with pytest.raises(AssertionError) as failure:
        fails(result)
    assert quoted(result) in str(failure.value), str(failure.value)
