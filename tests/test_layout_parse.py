"""The layout topic's pure parts on recorded output: the sample's JSON lines, the runtime's
size-class table, our own placement/reordering rule, the results and plots built on them.
(Fixtures and the commands that made them: tests/fixtures/layout/README.md.)"""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from matplotlib.figure import Figure

import gomemlab as gm
from gomemlab.errors import ParseError, UsageError
from gomemlab.layout import optimize
from gomemlab.layout.records import FieldRecord, OtherLine, ScanRecord, StackRecord
from gomemlab.layout.result import Layout, ScanReport, SizeClasses, SizeSweep, StackReport
from gomemlab.layout.run import alloc_rows

LAYOUT = "layout/layout_all.jsonl"
CLASSES = "layout/sizeclasses_go1.27.3.txt"


@pytest.fixture
def layout(fixture_text) -> Layout:
    return Layout(gm.layout.parse_lines(fixture_text(LAYOUT)))


@pytest.fixture
def classes(fixture_text) -> SizeClasses:
    return SizeClasses(gm.layout.parse_size_classes(fixture_text(CLASSES)), "fixture")


def test_recorded_run_has_every_kind(fixture_text):
    records = gm.layout.parse_lines(fixture_text(LAYOUT))
    kinds = {type(r).__name__ for r in records}
    assert kinds == {"StructRecord", "FieldRecord", "TypeRecord", "ScanRecord", "StackRecord"}
    assert [r.line_no for r in records] == list(range(1, len(records) + 1))
    assert gm.layout.parse_lines(fixture_text(LAYOUT).encode()) == records


def test_our_rule_predicts_what_go_reported(layout):
    summary = layout.expect_rule_holds().summary()
    assert list(summary.struct) == layout.names
    assert (summary.predicted_size == summary["size"]).all()
    # data + padding = size, and reordering never makes a struct larger
    assert (summary.data_bytes + summary.padding == summary["size"]).all()
    assert (summary.optimal_size <= summary["size"]).all()


def test_padded_reorders_to_packed(layout):
    padded, packed = layout.struct("Padded"), layout.struct("Packed")
    assert padded.optimal_size == packed.size < padded.size
    assert [f.name for f in padded.optimal_fields] == [f.name for f in packed.fields]
    assert padded.frame.pad_after.sum() + padded.frame["size"].sum() == padded.size
    source = padded.go_source(optimal=True, name="P2")
    assert source.startswith("type P2 struct {\n\tID ") and source.endswith("}\n")


def test_headers_and_pointer_fields(layout):
    types = dict(zip(layout.types.type, layout.types["size"], strict=True))
    assert types["string"] == 2 * types["*int"] and types["[]byte"] == 3 * types["*int"]
    mixed = layout.struct("Mixed").frame.set_index("name")
    assert mixed.pointers.to_dict() == {
        "Flag": False,
        "Name": True,
        "Small": False,
        "Data": True,
        "Tiny": False,
        "Ptr": True,
        "Ratio": False,
    }
    assert optimize.go_type("*main.Reading") == "*Reading"


def test_unknown_struct_is_a_usage_error(layout):
    with pytest.raises(UsageError, match="Padded"):
        layout.struct("Nope")


def test_scan_and_stack_records(fixture_text):
    records = gm.layout.parse_lines(fixture_text(LAYOUT))
    scan = ScanReport(tuple(r for r in records if isinstance(r, ScanRecord)))
    f = scan.frame.set_index("shape")
    assert f.loc["[]Pair", "heap_scan_mib"] < f.loc["[]PtrPair", "heap_scan_mib"]
    assert f.loc["[]*QuadPtrFirst", "heap_scan_mib"] < f.loc["[]*QuadPtrLast", "heap_scan_mib"]
    scan.expect_scan_at_most("[]Pair", f.loc["[]Pair", "heap_scan_mib"])
    with pytest.raises(AssertionError, match="more than"):
        scan.expect_scan_at_most("[]PtrPair", 0.01)
    with pytest.raises(AssertionError, match="less than"):
        scan.expect_scan_at_least("[]Pair", 1000)
    stack = StackReport(next(r for r in records if isinstance(r, StackRecord)))
    stack.expect_moved_and_intact()
    assert stack.frame.moved_by.iloc[0] != 0


def test_size_classes_table(classes):
    assert [c.size_class for c in classes.classes] == list(range(1, 68))
    assert classes.cost(33) == 48 and classes.cost(48) == 48 and classes.cost(49) == 64
    assert classes.max_small == 32768
    assert classes.frame.columns.tolist()[:2] == ["size_class", "bytes_per_object"]
    with pytest.raises(UsageError):
        classes.class_of(classes.max_small + 1)


def test_sweep_from_recorded_benchmark(fixture_text, classes):
    frame = gm.bench.parse(fixture_text("layout/bench_alloc.txt")).frame
    measured = alloc_rows(frame)
    assert len(measured) == len(frame)
    sweep = SizeSweep(measured, classes)
    checked = sweep.expect_matches_classes().from_size(16)
    assert len(checked) == sum(1 for n, _, _ in measured if n >= 16)
    broken = SizeSweep(((33, 40.0, 1.0),), classes)
    with pytest.raises(AssertionError, match="differs from the size class"):
        broken.expect_matches_classes()


def test_plots_are_figures(layout, classes, fixture_text):
    records = gm.layout.parse_lines(fixture_text(LAYOUT))
    scan = ScanReport(tuple(r for r in records if isinstance(r, ScanRecord)))
    measured = alloc_rows(gm.bench.parse(fixture_text("layout/bench_alloc.txt")).frame)
    for fig in (
        layout.plot(),
        layout.plot("bytes", names=["Padded"]),
        scan.plot(),
        SizeSweep(measured, classes).plot(),
        classes.plot(),
    ):
        assert isinstance(fig, Figure) and fig.axes[0].get_title()
    with pytest.raises(UsageError):
        layout.plot("pie")


@pytest.mark.parametrize(
    "line, message",
    [
        ("not json", "not a JSON line"),
        ("[1, 2]", "string 'kind'"),
        ('{"kind": 3}', "string 'kind'"),
        ('{"kind": "struct", "name": "X"}', "lacks 'size'"),
        ('{"kind": "struct", "name": "X", "size": "8", "align": 8, "fields": 1}', "should be int"),
        (
            '{"kind": "field", "struct": "X", "index": 0, "name": "a", "type": "int", "offset": 0,'
            ' "size": 8, "align": 8, "pointers": 1}',
            "should be bool",
        ),
    ],
)
def test_malformed_lines_name_the_line(line, message):
    with pytest.raises(ParseError, match=message) as caught:
        gm.layout.parse_lines('{"kind": "type", "name": "int", "size": 8, "align": 8}\n' + line)
    assert caught.value.line_no == 2


def test_unknown_kind_is_kept():
    (record,) = gm.layout.parse_lines('{"kind": "sum", "value": 7}')
    assert isinstance(record, OtherLine) and record.data["value"] == 7


@pytest.mark.parametrize(
    "text, message",
    [
        ("package gc\n", "no '// class"),
        (
            "// class  bytes/obj  bytes/span  objects  tail waste  max waste  min align\n\n",
            "no rows",
        ),
        (
            "// class  bytes/obj  bytes/span  objects  tail waste  max waste  min align\n"
            "//     1          8        8192     1024           0     87.50%          8\n"
            "//     3         16        8192      512           0     43.75%         16\n",
            "order",
        ),
        (
            "// class  bytes/obj  bytes/span  objects  tail waste  max waste  min align\n"
            "//     1          8        8192     lots           0     87.50%          8\n",
            "row",
        ),
    ],
)
def test_size_class_table_errors(text, message):
    with pytest.raises(ParseError, match=message):
        gm.layout.parse_size_classes(text)


@given(st.text())
@example('{"kind": "stack"}')
@example('{"kind": "scan", "shape": 1}')
def test_parser_is_total_on_garbage(text):
    try:
        records = gm.layout.parse_lines(text)
    except ParseError:
        return
    assert all(hasattr(r, "line_no") for r in records)


@given(
    st.dictionaries(
        st.sampled_from(
            [
                "kind",
                "name",
                "size",
                "align",
                "fields",
                "struct",
                "index",
                "type",
                "offset",
                "pointers",
            ]
        ),
        st.one_of(
            st.integers(-3, 99),
            st.booleans(),
            st.text(max_size=4),
            st.sampled_from(["struct", "field", "type", "alloc"]),
        ),
    )
)
def test_parser_is_total_on_json_objects(data):
    try:
        (record,) = gm.layout.parse_lines(json.dumps(data))
    except ParseError as error:
        assert error.line_no == 1
        return
    kinds = gm.layout.LAYOUT_KINDS
    assert isinstance(record, kinds.get(data["kind"], OtherLine))


@given(st.text())
def test_size_class_parser_is_total(text):
    try:
        rows = gm.layout.parse_size_classes(text)
    except ParseError:
        return
    assert [r.size_class for r in rows] == list(range(1, len(rows) + 1))


_FIELD = st.sampled_from(
    [(1, 1), (2, 2), (4, 4), (8, 8), (16, 8), (24, 8), (3, 1), (0, 1), (0, 8), (12, 4), (6, 2)]
)


@given(st.lists(st.tuples(_FIELD, st.booleans()), max_size=12))
def test_optimal_order_leaves_no_inner_hole(specs):
    fields = [
        FieldRecord("S", i, f"f{i}", "t", 0, size, align, ptr)
        for i, ((size, align), ptr) in enumerate(specs)
    ]
    placed, size, align = optimize.place(fields)
    assert all(p.offset % p.align == 0 for p in placed) and size % align == 0
    best, best_size, _ = optimize.place(optimize.optimal_order(fields))
    assert best_size <= size
    inner = [
        h
        for h in optimize.holes(best, best_size)
        if h.end <= max((p.offset + p.size for p in best), default=0)
    ]
    assert not inner
    assert best_size == optimize.optimal_size(fields)


def test_place_rejects_impossible_fields():
    with pytest.raises(UsageError, match="power of two"):
        optimize.place([FieldRecord("S", 0, "x", "t", 0, 6, 4, False)])


def test_zero_size_last_field_gets_a_byte():
    fields = [
        FieldRecord("S", 0, "a", "int64", 0, 8, 8, False),
        FieldRecord("S", 1, "z", "struct {}", 0, 0, 1, False),
    ]
    assert optimize.place(fields)[1] == 16  # as unsafe.Sizeof(struct{a int64; z struct{}})
    assert optimize.optimal_size(fields) == 8  # the empty field moved first


def test_summaries(layout, classes, fixture_text):
    records = gm.layout.parse_lines(fixture_text(LAYOUT))
    scan = ScanReport(tuple(r for r in records if isinstance(r, ScanRecord)))
    s = scan.summary().set_index("shape")
    assert s.loc["[]PtrPair", "scanned_pct"] > 99 and s.loc["[]Pair", "scanned_pct"] < 50
    assert classes.summary().classes.sum() == len(classes.classes)
    measured = alloc_rows(gm.bench.parse(fixture_text("layout/bench_alloc.txt")).frame)
    per_class = SizeSweep(measured, classes).summary()
    assert per_class.sizes.sum() == len(measured)
    assert (per_class.largest <= per_class.class_bytes).all()
    stack = StackReport(next(r for r in records if isinstance(r, StackRecord)))
    assert stack.summary().value.iloc[0] == 42
    assert repr(layout).startswith("<Layout") and "records" not in repr(layout)


# ---- the scanner's statistics (GODEBUG=gctrace=2) ---------------------------------------------

SCAN_STDERR = "layout/scan_gctrace2_stderr.txt"
SCAN_STDOUT = "layout/scan_gctrace2_stdout.jsonl"


def test_scan_stats_of_a_recorded_run(fixture_text):
    stats = gm.layout.parse_scan_stats(fixture_text(SCAN_STDERR))
    shapes = [r.shape for r in gm.layout.parse_lines(fixture_text(SCAN_STDOUT))]
    assert list(stats) == shapes
    for shape in ("[]*QuadPtrFirst", "[]*QuadPtrLast"):
        quad = stats[shape][32]  # 65536 objects of 32 B, all scanned one by one
        assert 65536 <= quad.per_object < 65536 + 64 and quad.dense == quad.dense_spans == 0
        assert stats[shape][0].single >= 1  # the slice of pointers: one large object
    assert 32 not in stats["[]Pair"] or stats["[]Pair"][32].per_object < 64
    # this machine's CPU has no AVX-512: no span went through the vector kernel
    assert all(c.dense_spans == 0 for per in stats.values() for c in per.values())


def test_scan_stats_survive_a_marker_inside_a_runtime_line(fixture_text):
    text = fixture_text(SCAN_STDERR)
    assert "0+layout: scan read []*Pair\n0=2 objs" in text  # recorded: the writes interleaved
    stats = gm.layout.parse_scan_stats(text)
    assert stats["[]*Pair"][640] == gm.layout.ClassScans(640, 2, 0, 0, 0, 0)


def test_scan_stats_take_the_last_cycle_before_the_read():
    text = (
        "layout: scan begin []*X\n"
        "scan: total 1+1+0=2 objs, 1+0=1 spans\nscan: class 32B 1+1+0=2 objs, 1+0=1 spans\n"
        "scan: total 0+0+9=9 objs, 0+1=1 spans\nscan: class 32B 0+0+9=9 objs, 0+1=1 spans\n"
        "layout: scan read []*X\n"
        "scan: total 5+0+0=5 objs, 0+0=0 spans\nscan: class 32B 5+0+0=5 objs, 0+0=0 spans\n"
    )
    got = gm.layout.parse_scan_stats(text)["[]*X"][32]
    assert (got.dense, got.dense_spans, got.per_object) == (9, 1, 0)


@pytest.mark.parametrize(
    "text",
    [
        "layout: scan begin a\nscan: total 1+0+0=1 objs, 0+0=0 spans\n"
        "scan: class 32B 1+0+0=2 objs, 0+0=0 spans\nlayout: scan read a\n",  # does not add up
        "layout: scan begin a\nscan: total 1\nscan: class 32B one objs\nlayout: scan read a\n",
        "layout: scan read a\n",  # read before begin
        "layout: scan begin a\nlayout: scan read b\n",  # another shape
        "layout: scan begin a\n",  # never read
    ],
)
def test_scan_stats_reject_what_does_not_fit(text):
    with pytest.raises(ParseError):
        gm.layout.parse_scan_stats(text)


@given(st.text())
def test_scan_stats_parse_or_raise_on_garbage(text):
    try:
        stats = gm.layout.parse_scan_stats(text)
    except ParseError:
        return
    assert isinstance(stats, dict)


def test_scan_report_says_which_scanner_path_ran(fixture_text):
    records = tuple(
        r for r in gm.layout.parse_lines(fixture_text(SCAN_STDOUT)) if isinstance(r, ScanRecord)
    )
    report = ScanReport(records, scanner=gm.layout.parse_scan_stats(fixture_text(SCAN_STDERR)))
    assert (report.frame["dense_spans"] == 0).all() and not report.vector_path_ran
    assert report.scanned("[]*QuadPtrLast", 32).per_object >= 65536
    assert report.scanned("[]Pair", 4096) == gm.layout.ClassScans(4096, 0, 0, 0, 0, 0)
    with pytest.raises(UsageError, match="shape"):
        report.scanned("[]Nope", 32)
    assert ScanReport(records).frame["dense_spans"].eq(0).all()  # no statistics asked for


def test_scan_stats_ignore_a_last_line_cut_off_at_exit(fixture_text):
    text = fixture_text("layout/scan_gctrace2_stderr_cut.txt")
    assert text.endswith("scan: class 32B 1")  # recorded: the program exited mid-print
    stats = gm.layout.parse_scan_stats(text)
    assert len(stats) == 6 and stats["[]*QuadPtrLast"][32].per_object >= 131072
