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
from gomemlab.gc import costmodel
from gomemlab.gc.result import GCRun, SweepResult, parse_gctrace, parse_metrics
from gomemlab.layout.records import ScanRecord, StackRecord
from gomemlab.layout.result import Layout, ScanReport, SizeClasses, SizeSweep, StackReport
from gomemlab.pprof.tools import ToolReport
from gomemlab.progress import Progress
from gomemlab.provenance import Provenance
from gomemlab.releases import ReleaseMatrix
from gomemlab.releases.run import rows_for
from gomemlab.result import FrameDoc, FrozenResult
from gomemlab.toolchain import Completed
from gomemlab.trace.run import Recording
from gomemlab.valuesem.parse import parse_copy_cost
from gomemlab.valuesem.result import CopyCost

FIXTURES = Path(__file__).parent / "fixtures"
MADE = Provenance.of(["go", "test", "./x"], go_version="go1.27.3", run_seconds=0.5)


def _text(name: str) -> str:
    return (FIXTURES / name).read_text()


def _gc_run(gogc: int) -> GCRun:
    stderr = _text("gc/gctrace_gogc100.txt")
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

    rows = rows_for("go1.27.3", *_recorded_values("go1.27.3"))
    return ReleaseMatrix(tuple(rows), (MADE,))


def _trace() -> gm.trace.Trace:
    with gzip.open(FIXTURES / "trace/gomaxprocs1.parsed.txt.gz", "rt") as f:
        return gm.trace.parse(f.read(), provenance=MADE)


def _records(kind: type) -> tuple:
    return tuple(r for r in _layout().records if isinstance(r, kind))


MAKERS: dict[str, Callable[[], object]] = {
    "EscapeReport": lambda: dataclasses.replace(
        gm.escape.parse(_text("escape/sample_m2.txt")), provenance=MADE
    ),
    "BenchResult": _bench,
    "Comparison": lambda: compare(_bench(), _bench().first(3)),
    "Profile": lambda: gm.pprof.load(FIXTURES / "pprof/mem.pprof", provenance=MADE),
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
    "ReleaseMatrix": _matrix,
}


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def test_every_result_class_is_made_here():
    for topic in ("escape", "bench", "pprof", "trace", "gc", "layout", "lifetimes"):
        getattr(gm, topic)
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
