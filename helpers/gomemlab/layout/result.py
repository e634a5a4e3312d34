"""Frozen results of the layout topic: struct layouts (`Layout`, `StructLayout`), the
runtime's size classes (`SizeClasses`), a B/op sweep against them (`SizeSweep`), what working
sets cost the collector (`ScanReport`) and a goroutine's stack growing (`StackReport`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd

from .. import tables, validate
from ..provenance import Provenance
from ..result import FrameDoc, FrozenResult
from . import optimize
from .records import (
    AllocRecord,
    ClassScans,
    FieldRecord,
    Record,
    ScanRecord,
    SizeClass,
    StackRecord,
    StructRecord,
    TypeRecord,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MiB = 1 << 20
LAYOUT_PLOT_KINDS = ("bytes",)
SWEEP_PLOT_KINDS = ("classes",)
SCAN_PLOT_KINDS = ("scan",)

FRAME_DOC = FrameDoc(
    struct="the struct's name",
    index="the field's position as declared (0, 1, ...)",
    name="field name",
    type="its Go type as reflect prints it",
    offset="unsafe.Offsetof: where the field starts (bytes)",
    size="unsafe.Sizeof of the field (bytes)",
    align="unsafe.Alignof of the field (bytes)",
    end="offset + size (bytes)",
    pad_after="padding between this field's end and the next field or the struct's end (bytes)",
    pointers="the field holds a pointer the collector must follow (bool)",
)

CLASS_FRAME_DOC = FrameDoc(
    size_class="the class number (1, 2, ...; 0 is for large objects)",
    bytes_per_object="what every object of this class occupies (bytes)",
    bytes_per_span="the span (run of 8 KiB pages) the class carves objects from (bytes)",
    objects="objects per span (count)",
    tail_waste="left over at the span's end (bytes)",
    max_waste_pct="the worst case: an object 1 byte over the class below (%)",
    min_align="the alignment every object of the class gets (bytes)",
)

SWEEP_FRAME_DOC = FrameDoc(
    bytes="the size requested: make([]byte, bytes), pointer-free (bytes)",
    b_per_op="B/op measured by go test -benchmem: the fewest of any run; an allocation "
    "elsewhere in the process during a run only ever adds bytes (bytes)",
    b_per_op_max="the most of any run (bytes)",
    runs="how many runs measured this size (count)",
    allocs_per_op="heap allocations per operation; 1: one object each (count)",
    class_bytes="the size class the table says an object of `bytes` falls in (bytes)",
    size_class="its class number",
    waste_bytes="class_bytes - bytes: paid for, never used (bytes)",
    waste_pct="waste_bytes / class_bytes (%)",
)

SCAN_FRAME_DOC = FrameDoc(
    shape="the working set: []Pair is pointer-free, the others hold pointers",
    elements="how many elements it has (count)",
    element_bytes="unsafe.Sizeof of one element (bytes)",
    data_mib="elements × element_bytes, plus 8 B per element for a slice of pointers (MiB)",
    heap_scan_mib="/gc/scan/heap:bytes: heap the collector must scan; pointer-free: none (MiB)",
    live_mib="/gc/heap/live:bytes after two forced collections (MiB)",
    gc_cpu_ms="/cpu/classes/gc/total:cpu-seconds of the cheapest forced collection, the "
    "runtime's estimate; load only ever adds to it (ms)",
    gc_wall_ms="wall time of the fastest runtime.GC(): the whole cycle, waiting for it (ms)",
    gc_cpu_mean_ms="gc_cpu_ms averaged over the cycles (ms)",
    gc_wall_mean_ms="gc_wall_ms averaged over the cycles (ms)",
    dense_spans="spans the AVX-512 kernel scanned in the cycle that set heap_scan_mib "
    "(GODEBUG=gctrace=2; 0 where the per-object path ran) (count)",
)


def _frame(rows: list[dict], columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(columns))


def _quote(provenance: Provenance) -> str:
    return f"\n{provenance.line()}" if provenance.command else ""


# ---------------------------------------------------------------------------- struct layouts


@dataclass(frozen=True, repr=False)
class StructLayout(FrozenResult):
    """One struct as Go laid it out: size and alignment, fields at their offsets."""

    FRAME_DOC: ClassVar[FrameDoc] = FRAME_DOC

    name: str
    size: int
    align: int
    fields: tuple[FieldRecord, ...]
    provenance: Provenance = field(default_factory=Provenance)
    """The run of the layout program that printed this struct."""

    @property
    def holes(self) -> tuple[optimize.Hole, ...]:
        """The padding Go left, between fields and at the end."""
        return optimize.holes(self.fields, self.size)

    @property
    def padding(self) -> int:
        """Bytes of padding in all."""
        return sum(h.size for h in self.holes)

    @property
    def optimal_fields(self) -> tuple[FieldRecord, ...]:
        """The fields in `optimize.optimal_order`."""
        return tuple(optimize.optimal_order(self.fields))  # type: ignore[arg-type]

    @property
    def predicted_size(self) -> int:
        """The size our own placement rule gives the fields in their declared order."""
        return optimize.place(self.fields)[1]

    @property
    def optimal_size(self) -> int:
        """The size our own placement rule gives the fields in the optimal order."""
        return optimize.optimal_size(self.fields)

    def go_source(self, *, optimal: bool = False, name: str | None = None) -> str:
        """Go source of this struct, as declared or reordered (`optimal=True`)."""
        chosen = self.optimal_fields if optimal else self.fields
        return optimize.go_struct(name or self.name, chosen)

    @property
    def frame(self) -> pd.DataFrame:
        """One row per field (columns: `FRAME_DOC`)."""
        nexts = [f.offset for f in self.fields[1:]] + [self.size]
        rows = [
            {
                "struct": self.name,
                "index": f.index,
                "name": f.name,
                "type": f.type,
                "offset": f.offset,
                "size": f.size,
                "align": f.align,
                "end": f.end,
                "pad_after": nxt - f.end,
                "pointers": f.pointers,
            }
            for f, nxt in zip(self.fields, nexts, strict=True)
        ]
        return _frame(rows, FIELD_COLUMNS)

    def _repr_html_(self) -> str:
        caption = (
            f"{self.name}: {self.size} B, align {self.align}, {self.padding} B of "
            f"padding (reordered: {self.optimal_size} B)"
        )
        return tables.to_html(self.frame.drop(columns=["struct"]), caption=caption)


FIELD_COLUMNS = (
    "struct",
    "index",
    "name",
    "type",
    "offset",
    "size",
    "align",
    "end",
    "pad_after",
    "pointers",
)


@dataclass(frozen=True, repr=False)
class Layout(FrozenResult):
    """What a layout program printed: structs with their fields, built-in types' sizes, and
    any allocation benchmarks it ran. `.frame` has one row per field (`FRAME_DOC`)."""

    records: tuple[Record, ...] = field(repr=False)
    provenance: Provenance = field(default_factory=Provenance)
    FRAME_DOC: ClassVar[FrameDoc] = FRAME_DOC
    PLOT_KINDS: ClassVar[tuple[str, ...]] = LAYOUT_PLOT_KINDS

    @property
    def names(self) -> list[str]:
        """The structs, in the order the program reported them."""
        return [r.name for r in self.records if isinstance(r, StructRecord)]

    def struct(self, name: str) -> StructLayout:
        """One struct by name (UsageError naming the ones there are)."""
        record = next(
            (r for r in self.records if isinstance(r, StructRecord) and r.name == name), None
        )
        if record is None:
            validate.choice(name, self.names, "struct")
        assert record is not None
        fields = tuple(
            sorted(
                (r for r in self.records if isinstance(r, FieldRecord) and r.struct == name),
                key=lambda f: f.index,
            )
        )
        return StructLayout(record.name, record.size, record.align, fields, self.provenance)

    @property
    def layouts(self) -> list[StructLayout]:
        """Every struct's layout, in the order the sample printed them."""
        return [self.struct(n) for n in self.names]

    @property
    def frame(self) -> pd.DataFrame:
        """One row per field of every struct (columns: `FRAME_DOC`)."""
        frames = [s.frame for s in self.layouts]
        return pd.concat(frames, ignore_index=True) if frames else _frame([], FIELD_COLUMNS)

    @property
    def types(self) -> pd.DataFrame:
        """Built-in types' sizes: name, size (B), align (B)."""
        rows = [
            {"type": r.name, "size": r.size, "align": r.align}
            for r in self.records
            if isinstance(r, TypeRecord)
        ]
        return _frame(rows, ("type", "size", "align"))

    @property
    def allocs(self) -> pd.DataFrame:
        """`testing.Benchmark` results of `new(T)`: name, b_per_op (B), allocs_per_op."""
        rows = [
            {
                "name": r.name,
                "b_per_op": r.bytes_per_op,
                "allocs_per_op": r.allocs_per_op,
                "iterations": r.iterations,
            }
            for r in self.records
            if isinstance(r, AllocRecord)
        ]
        return _frame(rows, ("name", "b_per_op", "allocs_per_op", "iterations"))

    def summary(self) -> pd.DataFrame:
        """One row per struct: size and align (B), fields, data and padding bytes, and the
        size our own rule predicts as declared and reordered."""
        rows = [
            {
                "struct": s.name,
                "size": s.size,
                "align": s.align,
                "fields": len(s.fields),
                "data_bytes": sum(f.size for f in s.fields),
                "padding": s.padding,
                "predicted_size": s.predicted_size,
                "optimal_size": s.optimal_size,
            }
            for s in self.layouts
        ]
        return _frame(
            rows,
            (
                "struct",
                "size",
                "align",
                "fields",
                "data_bytes",
                "padding",
                "predicted_size",
                "optimal_size",
            ),
        )

    def expect_size(self, name: str, size: int) -> Layout:
        """Assert `unsafe.Sizeof` of struct `name` is `size` bytes; returns the layout."""
        got = self.struct(name).size
        if got != size:
            raise AssertionError(
                f"unsafe.Sizeof({name}{{}}) is {got} B, not {size} B" + _quote(self.provenance)
            )
        return self

    def expect_rule_holds(self) -> Layout:
        """Assert our placement rule (`optimize.place`) predicts every offset and size Go
        reported; returns the layout (the table it checked: `summary()`)."""
        bad = []
        for s in self.layouts:
            placed, size, align = optimize.place(s.fields)
            offsets = [p.offset for p in placed]
            if offsets != [f.offset for f in s.fields] or (size, align) != (s.size, s.align):
                bad.append(
                    f"{s.name}: Go says size {s.size}, align {s.align}, offsets "
                    f"{[f.offset for f in s.fields]}; the rule says {size}, {align}, "
                    f"{offsets}"
                )
        if bad:
            raise AssertionError("\n".join(bad) + _quote(self.provenance))
        return self

    def plot(
        self, kind: str = "bytes", *, names: Sequence[str] | None = None, **options: Any
    ) -> Figure:
        """`kind="bytes"`: a byte map of the named structs (default: all), fields and holes."""
        from . import plots

        validate.choice(kind, self.PLOT_KINDS, "kind")
        chosen = [self.struct(n) for n in (names or self.names)]
        return plots.byte_map(chosen, **options)

    def _repr_html_(self) -> str:
        return tables.to_html(self.summary(), caption=self.provenance.line() or "struct layouts")


# ---------------------------------------------------------------------------- size classes


@dataclass(frozen=True, repr=False)
class SizeClasses(FrozenResult):
    """The runtime's size classes, read from the toolchain's own `sizeclasses.go` (`source`,
    the path it was read from). `.frame` has one row per class (`CLASS_FRAME_DOC`)."""

    classes: tuple[SizeClass, ...] = field(repr=False)
    source: str = ""
    provenance: Provenance = field(default_factory=Provenance)
    FRAME_DOC: ClassVar[FrameDoc] = CLASS_FRAME_DOC
    PLOT_KINDS: ClassVar[tuple[str, ...]] = ("classes",)

    @property
    def max_small(self) -> int:
        """The largest small object; anything larger is a large object with its own span."""
        return self.classes[-1].bytes_per_object

    def class_of(self, n: int) -> SizeClass:
        """The smallest class an object of `n` bytes fits in (UsageError above `max_small`)."""
        validate.count(n, "n", minimum=1, maximum=self.max_small)
        return next(c for c in self.classes if c.bytes_per_object >= n)

    def cost(self, n: int) -> int:
        """Bytes the allocator charges for one `n`-byte object."""
        return self.class_of(n).bytes_per_object

    @property
    def frame(self) -> pd.DataFrame:
        """One row per size class (columns: `CLASS_FRAME_DOC`)."""
        return pd.DataFrame([vars(c) for c in self.classes])

    def summary(self) -> pd.DataFrame:
        """Classes per span size: how many classes carve spans of each size (KiB)."""
        f = self.frame.assign(span_kib=lambda d: d.bytes_per_span // 1024)
        return (
            f.groupby("span_kib")
            .agg(
                classes=("size_class", "count"),
                smallest=("bytes_per_object", "min"),
                largest=("bytes_per_object", "max"),
            )
            .reset_index()
        )

    def plot(self, kind: str = "classes", **options: Any) -> Figure:
        """`kind="classes"`: what each requested size costs, as a step line."""
        from . import plots

        validate.choice(kind, self.PLOT_KINDS, "kind")
        return plots.size_classes(self, None, **options)

    def _repr_html_(self) -> str:
        return tables.to_html(
            self.frame.head(20),
            caption=f"{len(self.classes)} size classes from {self.source} (first 20)",
        )


@dataclass(frozen=True, repr=False)
class SizeSweep(FrozenResult):
    """B/op of `make([]byte, n)` for a sweep of n, beside the class table's prediction.
    `.frame`: `SWEEP_FRAME_DOC`, one row per size."""

    measured: tuple[tuple[int, float, float], ...] = field(repr=False)
    """(bytes, B/op, allocs/op) of every run, from `go test -benchmem`."""
    classes: SizeClasses = field(repr=False)
    provenance: Provenance = field(default_factory=Provenance)
    FRAME_DOC: ClassVar[FrameDoc] = SWEEP_FRAME_DOC
    PLOT_KINDS: ClassVar[tuple[str, ...]] = SWEEP_PLOT_KINDS

    @property
    def frame(self) -> pd.DataFrame:
        """The result as a table (columns in FRAME_DOC)."""
        runs: dict[int, list[tuple[float, float]]] = {}
        for n, b_per_op, allocs in self.measured:
            runs.setdefault(n, []).append((b_per_op, allocs))
        rows = []
        for n in sorted(runs):
            cls = self.classes.class_of(n)
            rows.append(
                {
                    "bytes": n,
                    "b_per_op": min(b for b, _ in runs[n]),
                    "b_per_op_max": max(b for b, _ in runs[n]),
                    "runs": len(runs[n]),
                    "allocs_per_op": min(a for _, a in runs[n]),
                    "class_bytes": cls.bytes_per_object,
                    "size_class": cls.size_class,
                    "waste_bytes": cls.bytes_per_object - n,
                    "waste_pct": 100 * (cls.bytes_per_object - n) / cls.bytes_per_object,
                }
            )
        return _frame(
            rows,
            (
                "bytes",
                "b_per_op",
                "b_per_op_max",
                "runs",
                "allocs_per_op",
                "class_bytes",
                "size_class",
                "waste_bytes",
                "waste_pct",
            ),
        )

    def summary(self) -> pd.DataFrame:
        """One row per size class the sweep reached: sizes tried, B/op seen, worst waste."""
        return (
            self.frame.groupby(["size_class", "class_bytes"])
            .agg(
                sizes=("bytes", "count"),
                smallest=("bytes", "min"),
                largest=("bytes", "max"),
                b_per_op_max=("b_per_op", "max"),
                worst_waste_pct=("waste_pct", "max"),
            )
            .reset_index()
        )

    def from_size(self, size: int) -> pd.DataFrame:
        """The rows of `.frame` for objects of at least `size` bytes."""
        f = self.frame
        return f[f.bytes >= size]

    def expect_matches_classes(self, *, from_bytes: int = 16) -> SizeSweep:
        """Assert B/op (the fewest of any run) equals the class size for every size ≥
        `from_bytes` (smaller
        pointer-free objects share 16-byte blocks of the tiny allocator) and never exceeds
        it below; returns the sweep (the rows held to equality: `from_size(from_bytes)`)."""
        f = self.frame
        big = self.from_size(from_bytes)
        bad = big[big.b_per_op != big.class_bytes]
        small = f[(f.bytes < from_bytes) & (f.b_per_op > f.class_bytes)]
        if not bad.empty or not small.empty:
            raise AssertionError(
                "B/op differs from the size class:\n"
                + pd.concat([bad, small]).to_string(index=False)
                + _quote(self.provenance)
            )
        return self

    def plot(self, kind: str = "classes", **options: Any) -> Figure:
        """`kind="classes"`: measured B/op over the class table's steps."""
        from . import plots

        validate.choice(kind, self.PLOT_KINDS, "kind")
        return plots.size_classes(self.classes, self.frame, **options)

    def _repr_html_(self) -> str:
        return tables.to_html(self.frame, caption=self.provenance.line())


# ---------------------------------------------------------------------------- GC scan work


@dataclass(frozen=True, repr=False)
class ScanReport(FrozenResult):
    """What each working set costs the collector. `.frame`: `SCAN_FRAME_DOC`."""

    records: tuple[ScanRecord, ...] = field(repr=False)
    provenance: Provenance = field(default_factory=Provenance)
    scanner: Mapping[str, Mapping[int, ClassScans]] = field(default_factory=dict, repr=False)
    """Per shape, Green Tea's scanner statistics by size class (0 = large objects) for the
    cycle that set the shape's /gc/scan/heap:bytes (`parse_scan_stats`; empty if not asked)."""
    FRAME_DOC: ClassVar[FrameDoc] = SCAN_FRAME_DOC
    PLOT_KINDS: ClassVar[tuple[str, ...]] = SCAN_PLOT_KINDS

    def scanned(self, shape: str, size: int) -> ClassScans:
        """How the objects of class `size` (bytes; 0 = large) were scanned while `shape` was
        measured (all zero if none of that class were scanned)."""
        validate.choice(shape, list(self.scanner), "shape")
        return self.scanner[shape].get(size, ClassScans(size, 0, 0, 0, 0, 0))

    def counted_bytes(self, shape: str, size: int, prefix: int) -> int:
        """The scannable bytes Green Tea's accounting gives the objects of class `size` scanned
        while `shape` was measured, if each object's last pointer ends `prefix` bytes in: the
        objects scanned one by one count `prefix` each (`scanObjectSmall`/`scanObjectsSmall`
        add the bytes up to the last pointer), those the AVX-512 kernel scanned count the
        whole `size` (`scanSpan`'s dense path adds objects × elemsize)."""
        c = self.scanned(shape, size)
        return c.per_object * prefix + c.dense * size

    @property
    def vector_path_ran(self) -> bool:
        """Whether the AVX-512 span kernel scanned any span in the measured cycles."""
        return any(c.dense_spans for per in self.scanner.values() for c in per.values())

    @property
    def frame(self) -> pd.DataFrame:
        """The result as a table (columns in FRAME_DOC)."""
        rows = []
        for r in self.records:
            indirect = r.shape.startswith("[]*")
            data = r.elements * (r.element_bytes + (8 if indirect else 0))
            rows.append(
                {
                    "shape": r.shape,
                    "elements": r.elements,
                    "element_bytes": r.element_bytes,
                    "data_mib": data / MiB,
                    "heap_scan_mib": r.heap_scan_bytes / MiB,
                    "live_mib": r.live_bytes / MiB,
                    "gc_cpu_ms": 1e3 * r.gc_cpu_seconds_min,
                    "gc_wall_ms": 1e3 * r.gc_wall_seconds_min,
                    "gc_cpu_mean_ms": 1e3 * r.gc_cpu_seconds,
                    "gc_wall_mean_ms": 1e3 * r.gc_wall_seconds,
                    "dense_spans": sum(
                        c.dense_spans for c in self.scanner.get(r.shape, {}).values()
                    ),
                }
            )
        return _frame(
            rows,
            (
                "shape",
                "elements",
                "element_bytes",
                "data_mib",
                "heap_scan_mib",
                "live_mib",
                "gc_cpu_ms",
                "gc_wall_ms",
                "gc_cpu_mean_ms",
                "gc_wall_mean_ms",
                "dense_spans",
            ),
        )

    def summary(self) -> pd.DataFrame:
        """Per shape: data and scannable heap (MiB), and the share of the data to scan (%)."""
        f = self.frame
        return f[["shape", "data_mib", "heap_scan_mib"]].assign(
            scanned_pct=100 * f.heap_scan_mib / f.data_mib
        )

    def row(self, shape: str) -> pd.Series:
        """The row of one shape (UsageError naming the shapes there are)."""
        f = self.frame
        validate.choice(shape, list(f["shape"]), "shape")
        return f[f["shape"] == shape].iloc[0]

    def expect_scan_at_most(self, shape: str, mib: float) -> ScanReport:
        """Assert the heap the collector must scan with `shape` live is at most `mib` MiB;
        returns the report."""
        got = self.row(shape).heap_scan_mib
        if got > mib:
            raise AssertionError(
                f"/gc/scan/heap:bytes with {shape} live is {got:.2f} MiB, "
                f"more than {mib:g} MiB" + _quote(self.provenance)
            )
        return self

    def expect_scan_at_least(self, shape: str, mib: float) -> ScanReport:
        """Assert the heap the collector must scan with `shape` live is at least `mib` MiB;
        returns the report."""
        got = self.row(shape).heap_scan_mib
        if got < mib:
            raise AssertionError(
                f"/gc/scan/heap:bytes with {shape} live is {got:.2f} MiB, "
                f"less than {mib:g} MiB" + _quote(self.provenance)
            )
        return self

    def plot(self, kind: str = "scan", **options: Any) -> Figure:
        """`kind="scan"`: scannable heap and GC CPU per cycle, one bar per shape."""
        from . import plots

        validate.choice(kind, self.PLOT_KINDS, "kind")
        return plots.scan_work(self.frame, **options)

    def _repr_html_(self) -> str:
        return tables.to_html(self.frame.round(3), caption=self.provenance.line())


# ---------------------------------------------------------------------------- stacks


@dataclass(frozen=True, repr=False)
class StackReport(FrozenResult):
    """One goroutine's stack before and after a deep recursion (see `StackRecord`)."""

    record: StackRecord
    provenance: Provenance = field(default_factory=Provenance)
    FRAME_DOC: ClassVar[FrameDoc] = FrameDoc(
        starting_size="/gc/stack/starting-size:bytes: a new goroutine's stack (bytes)",
        depth="calls of 1 KiB frames (count)",
        used_bytes="from the local x down to the deepest frame (bytes)",
        addr_before="address of the local x before the recursion (hex)",
        addr_after="its address after the recursion (hex)",
        moved_by="addr_after - addr_before: the stack was copied elsewhere (bytes)",
        value="*p read after the recursion through a pointer taken before it",
        stacks_before="/memory/classes/heap/stacks:bytes before the recursion (bytes)",
        stacks_deep="the same at the deepest call (bytes)",
        stacks_after="the same after it (bytes)",
    )

    @property
    def moved(self) -> bool:
        """The variable's address changed: the stack was copied to a new place."""
        return self.record.addr_before != self.record.addr_after

    @property
    def frame(self) -> pd.DataFrame:
        """The result as a table (columns in FRAME_DOC)."""
        r = self.record
        return pd.DataFrame(
            [
                {
                    "starting_size": r.starting_size,
                    "depth": r.depth,
                    "used_bytes": r.used_bytes,
                    "addr_before": hex(r.addr_before),
                    "addr_after": hex(r.addr_after),
                    "moved_by": r.addr_after - r.addr_before,
                    "value": r.value,
                    "stacks_before": r.stacks_before,
                    "stacks_deep": r.stacks_deep,
                    "stacks_after": r.stacks_after,
                }
            ]
        )

    def summary(self) -> pd.DataFrame:
        """The one row of `.frame` (a single goroutine's story)."""
        return self.frame

    def expect_moved_and_intact(self, value: int = 42) -> StackReport:
        """Assert the stack grew past its start, moved, and the pointer still reads `value`;
        returns the report."""
        r = self.record
        problems = []
        if r.used_bytes <= r.starting_size:
            problems.append(
                f"the recursion used {r.used_bytes} B, within the "
                f"{r.starting_size} B starting stack"
            )
        if not self.moved:
            problems.append("the variable's address did not change")
        if r.value != value:
            problems.append(f"the pointer reads {r.value}, not {value}")
        if problems:
            raise AssertionError("; ".join(problems) + _quote(self.provenance))
        return self

    def _repr_html_(self) -> str:
        return tables.to_html(self.frame, caption=self.provenance.line())
